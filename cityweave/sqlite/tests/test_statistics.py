"""The SQLite backend keeps the query planner's statistics: a connection analyses, as it closes,
the tables its queries used that have none."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from django.db import connection

from cityweave.sqlite.base import DatabaseWrapper


@pytest.mark.django_db
def test_closing_a_connection_gives_the_tables_it_used_their_statistics(tmp_path: Path):
    # A file of its own (statistics are kept for files, not in-memory databases), whatever the
    # database the tests run on.
    settings = {
        **connection.settings_dict,
        "ENGINE": "cityweave.sqlite",
        "NAME": str(tmp_path / "planner.sqlite3"),
        "OPTIONS": {},
    }
    wrapper = DatabaseWrapper(settings, alias="planner-test")
    with wrapper.cursor() as cursor:
        cursor.execute("CREATE TABLE visit (id INTEGER PRIMARY KEY, partner INTEGER, day TEXT)")
        cursor.execute("CREATE INDEX visit_partner ON visit (partner)")
        cursor.executemany(
            "INSERT INTO visit (partner, day) VALUES (%s, %s)",
            [(n % 50, f"2026-01-{n % 28 + 1:02}") for n in range(2000)],
        )
        cursor.execute("SELECT COUNT(*) FROM visit WHERE partner = %s", [7])
    wrapper.close()

    with sqlite3.connect(settings["NAME"]) as raw:
        stats = raw.execute("SELECT tbl, idx, stat FROM sqlite_stat1").fetchall()
    assert ("visit", "visit_partner", "2000 40") in stats
