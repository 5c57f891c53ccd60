"""How long the relationship budget takes in a large workspace: the 2,000-stakeholder bench
workspace (bench/workspace.py: about 10,000 ties, 40% of them owned by the owner or the editor,
and 20,000 interactions with members present). The owner and the editor each keep a budget (the
editor's shared); the budget page, the shared budget page and the API are read through Django's
test client as the owner, timed, best of `--repeats`; so is the summary service alone.

    .venv/bin/python bench/budget.py [--size 2000] [--db sqlite|postgres|both] [--repeats 3]

Results go to bench/results/budget-<rev>.json.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import databases  # noqa: E402  (bench/ is not a package)

PG = "postgresql://root@127.0.0.1/cityweave_bench_budget"


def run(size: int, repeats: int) -> dict[str, object]:
    workspace = databases.bench_workspace(size)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from workspace import EDITOR, OWNER

    from cityweave.accounts.models import User
    from cityweave.engagement.models import Interaction
    from cityweave.stakeholders.models import Tie
    from cityweave.strategy import budget
    from cityweave.workspaces.models import Membership

    owner = Membership.objects.select_related("workspace", "user").get(
        workspace=workspace, user__email=OWNER
    )
    editor = Membership.objects.get(workspace=workspace, user__email=EDITOR)
    budget.save_budget(
        owner,
        {
            "hours_per_month": 40,
            "operational_percent": 30,
            "personal_percent": 30,
            "strategic_percent": 40,
        },
    )
    budget.save_budget(editor, {"hours_per_month": 20, "shared": True})
    planned = Tie.objects.filter(
        workspace=workspace, owner=owner, status__in=budget.PLANNED_STATUSES
    ).count()
    results: dict[str, object] = {
        "ties": Tie.objects.filter(workspace=workspace).count(),
        "owner's planned ties": planned,
        "interactions": Interaction.objects.filter(workspace=workspace).count(),
    }
    best = float("inf")
    for _ in range(repeats):
        begin = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            summary = budget.budget_summary(owner)
        best = min(best, time.perf_counter() - begin)
    results["summary service"] = {
        "ms": round(best * 1000),
        "status": f"{len(queries)} queries",
        "bytes": 0,
    }
    results["owner's planned hours"] = round(summary.planned_hours, 1)
    client = Client()
    client.force_login(User.objects.get(email=OWNER))
    api = "/api/v1/workspaces/bench/budget"
    pages = {
        "budget page": reverse("budget:mine", args=["bench"]),
        "shared budget page": reverse("budget:member", args=["bench", editor.pk]),
        "api my budget": api,
        "api shared budget": f"{api}/members/{editor.pk}",
        "api tiers": f"{api}/tiers",
    }
    for name, url in pages.items():
        fastest, status, size_bytes = float("inf"), 0, 0
        for _ in range(repeats):
            begin = time.perf_counter()
            response = client.get(url)
            body = response.content
            fastest = min(fastest, time.perf_counter() - begin)
            status, size_bytes = response.status_code, len(body)
        results[name] = {"ms": round(fastest * 1000), "status": status, "bytes": size_bytes}
    return results


def show(page: str, figures: Any) -> str:
    if isinstance(figures, dict):
        return f"  {page:<22} {figures['ms']:>6} ms  {figures['status']}  {figures['bytes']:>9,} B"
    return f"  {page:<22} {figures}"


if __name__ == "__main__":
    databases.main(__file__, "budget", PG, __doc__.splitlines()[0], run, show)
