"""How good and how fast the relationship plan is: on the bench workspace of `--size`
stakeholders (bench/workspace.py: about 5 ties per stakeholder, 40% of them owned by the owner or
the editor, 10 goals) and on the demo city, the owner's plan within 40 hours a month
for their outside relationships (plus what their ties inside the city take, which the plan keeps
as they are).

The network analysis is run first, as the worker would. For each: the value model's reading time, the plan as the page computes it (`propose_plan`,
method "auto", 10 s limit: its method, value, gap and time), the greedy plan alone (its value,
stated gap and time), and the exact optimum where HiGHS finishes within `EXACT_SECONDS` (to
compare both against). Best of `--repeats` for the times.

    .venv/bin/python bench/plan.py [--size 2000] [--db sqlite|postgres|both] [--repeats 1]

Results go to bench/results/plan-<size>-<rev>.json (the demo city's under "demo").
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import databases  # noqa: E402  (bench/ is not a package)

PG = "postgresql://root@127.0.0.1/cityweave_bench_plan"
HOURS = 40
#: How long HiGHS may take to prove the optimum the other figures are compared with.
EXACT_SECONDS = 300.0


def measure(member: Any, repeats: int) -> dict[str, Any]:
    """The figures of one member's plan (see the module's docstring)."""
    from cityweave.strategy import planning, valuation
    from cityweave.strategy.optimiser import Programme, solve

    weights = valuation.Weights()
    best_read = float("inf")
    for _ in range(repeats):
        begin = time.perf_counter()
        context = valuation.read_valuation(member, member.time_budget, weights)
        hours = member.time_budget.hours_per_month - context.fixed_hours
        problem = valuation.problem_of(context, weights, max(0.0, hours))
        best_read = min(best_read, time.perf_counter() - begin)
    figures: dict[str, Any] = {
        "relationships": len(problem.relationships),
        "targets": len(problem.targets),
        "programme variables": Programme(problem).size,
        "reading ms": round(best_read * 1000),
    }
    best_plan, proposal = float("inf"), None
    for _ in range(repeats):
        begin = time.perf_counter()
        proposal = planning.propose_plan(member, weights=weights, time_limit=10.0)
        best_plan = min(best_plan, time.perf_counter() - begin)
    assert proposal is not None
    figures["plan (auto)"] = {
        "ms": round(best_plan * 1000),
        "method": proposal.method,
        "value": round(proposal.value_after, 4),
        "gap %": round(100 * proposal.gap, 3),
        "hours": round(proposal.hours_after, 2),
        "changes": len(proposal.changes),
    }
    greedy = solve(problem, method="greedy", time_limit=60.0)
    figures["greedy"] = {
        "ms": round(greedy.seconds * 1000),
        "value": round(greedy.value, 4),
        "stated gap %": round(100 * greedy.gap, 3),
    }
    exact = solve(problem, method="exact", time_limit=EXACT_SECONDS)
    figures["exact"] = {
        "ms": round(exact.seconds * 1000),
        "value": round(exact.value, 4),
        "optimal": exact.optimal,
        "gap %": round(100 * exact.gap, 4),
    }
    if exact.optimal:
        optimum = exact.objective
        figures["plan (auto) below the optimum %"] = round(
            100
            * (optimum - (proposal.value_after - problem.tie_penalty * _kept(proposal)))
            / optimum,
            4,
        )
        figures["greedy below the optimum %"] = round(
            100 * (optimum - greedy.objective) / optimum, 4
        )
    return figures


def plan_hours(member: Any) -> None:
    """Give the member a budget of HOURS for their outside relationships: HOURS plus what their
    ties inside the city take (the plan keeps those as they are)."""
    from cityweave.strategy import budget, valuation

    budget.save_budget(member, {"hours_per_month": HOURS})
    member.refresh_from_db()
    fixed = valuation.read_valuation(member, member.time_budget, valuation.Weights()).fixed_hours
    budget.save_budget(member, {"hours_per_month": min(744, HOURS + math.ceil(fixed))})
    member.refresh_from_db()


def _kept(proposal: Any) -> int:
    from cityweave.strategy.planning import KEPT

    return sum(1 for line in proposal.lines if line.proposed in KEPT)


def run(size: int, repeats: int) -> dict[str, object]:
    workspace = databases.bench_workspace(size)
    from workspace import OWNER

    from cityweave.demo import build_demo
    from cityweave.network.services import refresh_snapshot
    from cityweave.stakeholders.models import Stakeholder, Tie
    from cityweave.workspaces.models import Membership

    owner = Membership.objects.select_related("workspace", "user").get(
        workspace=workspace, user__email=OWNER
    )
    plan_hours(owner)
    # The analysis the worker would have run: communities and brokerage are part of the value.
    refresh_snapshot(workspace)
    results: dict[str, object] = {
        "stakeholders": Stakeholder.objects.filter(workspace=workspace).count(),
        "ties": Tie.objects.filter(workspace=workspace).count(),
        "bench": measure(owner, repeats),
    }
    demo = build_demo()
    alice = Membership.objects.select_related("workspace", "user").get(
        workspace=demo, user__email="alice@riverton.example"
    )
    plan_hours(alice)
    refresh_snapshot(demo)
    results["demo"] = measure(alice, repeats)
    return results


def show(page: str, figures: Any) -> str:
    if isinstance(figures, dict):
        rows = [f"  {page}"]
        for key, value in figures.items():
            rows.append(f"    {key:<34} {value}")
        return "\n".join(rows)
    return f"  {page:<36} {figures}"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--size", type=int, default=2_000)
    size = parser.parse_known_args()[0].size
    databases.main(__file__, f"plan-{size}", PG, __doc__.splitlines()[0], run, show)
