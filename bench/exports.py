"""How long the list downloads take on the 2,000-stakeholder bench workspace (about 20,000
interactions): every list as CSV and Excel, the stakeholders as vCard, each read to its last byte
through Django's test client as a member (the whole list, no filter), timed, with rows and bytes.

    .venv/bin/python bench/exports.py [--size 2000] [--db sqlite|postgres|both] [--repeats 3]

Results go to bench/results/exports-<rev>.json (the best of `--repeats` runs per download).
"""

from __future__ import annotations

import csv
import io
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import databases  # noqa: E402  (bench/ is not a package)

PG = "postgresql://root@127.0.0.1/cityweave_bench_exports"
DOWNLOADS = [
    ("stakeholders", "stakeholders:export", "csv"),
    ("stakeholders", "stakeholders:export-xlsx", "xlsx"),
    ("stakeholders", "stakeholders:export-vcf", "vcf"),
    ("ties", "ties:export", "csv"),
    ("ties", "ties:export-xlsx", "xlsx"),
    ("interactions", "interactions:export", "csv"),
    ("interactions", "interactions:export-xlsx", "xlsx"),
    ("commitments", "commitments:export", "csv"),
    ("commitments", "commitments:export-xlsx", "xlsx"),
    ("goals", "goals:export", "csv"),
    ("goals", "goals:export-xlsx", "xlsx"),
]


def run(size: int, repeats: int) -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.test import Client
    from django.urls import reverse
    from workspace import workspace_file

    from cityweave.testing import make_user
    from cityweave.workspaces.models import Workspace
    from cityweave.workspaces.services import add_member
    from cityweave.workspaces.transfer import import_workspace

    Workspace.objects.filter(slug="bench").delete()
    tree = workspace_file(size)
    tree.pop("meta")
    workspace = import_workspace(tree, slug="bench")
    user = make_user("bench-exports@example.org")
    add_member(workspace, user, "viewer")
    client = Client()
    client.force_login(user)
    results: dict[str, object] = {}
    for entity, name, fmt in DOWNLOADS:
        url = reverse(name, args=["bench"])
        best, size_bytes, status = float("inf"), 0, 0
        for _ in range(repeats):
            start = time.perf_counter()
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            best = min(best, time.perf_counter() - start)
            size_bytes, status = len(body), response.status_code
        if fmt == "csv":
            rows = sum(1 for _ in csv.reader(io.StringIO(body.decode()))) - 1
        elif fmt == "vcf":
            rows = body.count(b"BEGIN:VCARD")
        else:
            from openpyxl import load_workbook

            sheet = load_workbook(io.BytesIO(body), read_only=True).active
            rows = sum(1 for _ in sheet.iter_rows(min_row=2, values_only=True))
        results[f"{entity} {fmt}"] = {
            "s": round(best, 2),
            "rows": rows,
            "bytes": size_bytes,
            "status": status,
        }
    return results


def show(download: str, figures: Any) -> str:
    return f"  {download:<20} {figures['s']:>6.2f} s {figures['rows']:>7,} rows"


if __name__ == "__main__":
    databases.main(__file__, "exports", PG, __doc__.splitlines()[0], run, show)
