"""Project-wide guards: migrations are committed, and the README documents the CLI and settings."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


@pytest.mark.django_db
def test_every_model_change_has_a_committed_migration():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_the_readme_documents_every_cli_command():
    from cityweave.cli import COMMANDS

    for name in COMMANDS:
        assert f"cityweave {name}" in README, f"README does not document `cityweave {name}`"


def test_the_readme_documents_every_setting():
    settings_source = (ROOT / "cityweave" / "settings.py").read_text()
    names = set(re.findall(r'env(?:str|bool|int|list)\(\s*"([A-Z_]+)"', settings_source))
    assert names, "no settings found"
    for name in sorted(names):
        assert f"`{name}`" in README, f"README does not document {name}"
