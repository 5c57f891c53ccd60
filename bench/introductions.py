"""How long warm introductions and the next best relationships take in a large workspace: the
2,000-stakeholder bench workspace (bench/workspace.py: about 10,000 ties, about 20% owned by each
of the owner and the editor, 20,000 interactions). For the editor, then the owner: the
introduction paths to each of 25 stakeholders they do not know (seeded choice; the slowest and the
median are reported, the graph built each time as a page does), the batch search for all of them,
the next best list, and through Django's test client the introductions page, its API, the next
best page and a stakeholder's page with "How to reach"; best of `--repeats`.

    .venv/bin/python bench/introductions.py [--size 2000] [--db sqlite|postgres|both] [--repeats 3]

Results go to bench/results/introductions-<rev>.json.
"""

from __future__ import annotations

import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import databases  # noqa: E402  (bench/ is not a package)

PG = "postgresql://root@127.0.0.1/cityweave_bench_introductions"
TARGETS = 25


def best_of(repeats: int, action: Any) -> tuple[float, Any]:
    fastest, value = float("inf"), None
    for _ in range(repeats):
        begin = time.perf_counter()
        value = action()
        fastest = min(fastest, time.perf_counter() - begin)
    return fastest * 1000, value


def run(size: int, repeats: int) -> dict[str, object]:
    workspace = databases.bench_workspace(size)
    from workspace import EDITOR, OWNER

    from cityweave.stakeholders.models import Tie
    from cityweave.workspaces.models import Membership

    results: dict[str, object] = {
        "ties": Tie.objects.filter(workspace=workspace).count(),
        "active ties": Tie.objects.filter(workspace=workspace, status="active").count(),
    }
    for email, who in ((EDITOR, "editor"), (OWNER, "owner")):
        member = Membership.objects.select_related("workspace", "user").get(
            workspace=workspace, user__email=email
        )
        results.update(measure(member, who, repeats))
    return results


def measure(member: Any, who: str, repeats: int) -> dict[str, object]:
    """The figures of one member's introductions and next best list."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from cityweave.strategy import introductions, next_best

    results: dict[str, object] = {}
    graph = introductions.reach_graph(member)
    strangers = sorted(sid for sid in graph.nodes if introductions.is_target(graph, sid))
    targets = random.Random(14).sample(strangers, min(TARGETS, len(strangers)))
    results[f"{who}: people known / strangers"] = f"{len(graph.known)} / {len(strangers)}"
    times, found = [], 0
    for target in targets:
        with CaptureQueriesContext(connection) as queries:
            ms, answer = best_of(
                repeats, lambda t=target: introductions.introductions(member, stakeholder=t)
            )
        times.append(ms)
        found += bool(answer.paths)
    results[f"{who}: one target, slowest"] = {
        "ms": round(max(times)),
        "status": f"{len(queries) // repeats} queries",
        "bytes": 0,
    }
    results[f"{who}: one target, median"] = {
        "ms": round(statistics.median(times)),
        "status": f"{found} of {len(targets)} reachable",
        "bytes": 0,
    }
    ms, best = best_of(repeats, lambda: introductions.best_introducers(member, strangers))
    reached = sum(1 for path in best.values() if path)
    results[f"{who}: batch, every stranger"] = {
        "ms": round(ms),
        "status": f"{reached} of {len(strangers)} reachable",
        "bytes": 0,
    }
    ms, listed = best_of(repeats, lambda: next_best.next_best(member))
    results[f"{who}: next best service"] = {
        "ms": round(ms),
        "status": f"{len(listed.candidates)} listed of {listed.considered}",
        "bytes": 0,
    }
    client = Client()
    client.force_login(member.user)
    target = targets[0]
    pages = {
        "introductions page": reverse("budget:introductions", args=["bench"])
        + f"?stakeholder={target}",
        "introductions page, a sector": reverse("budget:introductions", args=["bench"])
        + "?sector=philanthropy",
        "api introductions": f"/api/v1/workspaces/bench/budget/introductions?stakeholder={target}",
        "next best page": reverse("budget:next", args=["bench"]),
        "api next best": "/api/v1/workspaces/bench/budget/next",
        "stakeholder page": reverse("stakeholders:detail", args=["bench", target]),
    }
    for name, url in pages.items():
        ms, response = best_of(repeats, lambda u=url: client.get(u))
        results[f"{who}: {name}"] = {
            "ms": round(ms),
            "status": response.status_code,
            "bytes": len(response.content),
        }
    return results


def show(page: str, figures: Any) -> str:
    if isinstance(figures, dict):
        return f"  {page:<40} {figures['ms']:>6} ms  {figures['status']}  {figures['bytes']:>9,} B"
    return f"  {page:<40} {figures}"


if __name__ == "__main__":
    databases.main(
        __file__,
        "introductions",
        PG,
        "How long warm introductions and the next best relationships take in a large workspace "
        "(the 2,000-stakeholder bench workspace; see the module's docstring).",
        run,
        show,
    )
