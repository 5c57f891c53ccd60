"""Time the probable-duplicate check against a workspace of N stakeholders (default 2,000 and
10,000): `python bench/duplicates.py [N ...]`. Uses a throwaway SQLite database."""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityweave.settings")
os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from cityweave.stakeholders.duplicates import probable_duplicates  # noqa: E402
from cityweave.stakeholders.models import Stakeholder  # noqa: E402
from cityweave.workspaces.services import create_workspace  # noqa: E402

WORDS = (  # noqa: SIM905
    "Riverton Lakeside North South East West Community Foundation Trust Council Arts Parks "
    "Housing Youth Health Transit Chamber Commerce Alliance Partners Institute Fund Centre "
    "Network Coalition Society Library Museum Hospital College Bank Water Energy"
).split()


def fill(size: int, rng: random.Random) -> int:
    workspace = create_workspace(f"Bench {size}", f"bench-{size}")
    rows = []
    for i in range(size):
        name = " ".join(rng.sample(WORDS, rng.randint(2, 4)))
        row = Stakeholder(
            workspace=workspace, name=f"{name} {i}" if i % 3 else name, sector="business"
        )
        row.email = f"org{i}@example.org" if i % 2 else ""
        row.fill_names()
        rows.append(row)
    Stakeholder.objects.bulk_create(rows, batch_size=500)
    return workspace.pk


def main(sizes: list[int]) -> None:
    call_command("migrate", verbosity=0)
    rng = random.Random(7)
    for size in sizes:
        workspace_id = fill(size, rng)
        timings, counts = [], []
        for _ in range(50):
            name = " ".join(rng.sample(WORDS, 3))
            start = time.perf_counter()
            with CaptureQueriesContext(connection) as queries:
                found = probable_duplicates(
                    workspace_id, f"bench-{size}", name=name, kind="organisation",
                    email="org5@example.org",
                )  # fmt: skip
            timings.append((time.perf_counter() - start) * 1000)
            counts.append(len(found))
        print(
            f"{size:>6} stakeholders: median {statistics.median(timings):.1f} ms, "
            f"max {max(timings):.1f} ms, {len(queries.captured_queries)} query, "
            f"{statistics.mean(counts):.1f} candidates on average"
        )


if __name__ == "__main__":
    main([int(a) for a in sys.argv[1:]] or [2000, 10000])
