"""The context of the partnership page's own sections (partners and roles; benchmarks), each
built in a fixed number of queries. Kept apart from sections.py so that the registry imports
them and the views import the registry without a cycle: a module that provides a section's
context must not import cityweave.partnerships.sections."""

from __future__ import annotations

from typing import Any

from cityweave.engagement.services import workspace_today
from cityweave.partnerships import benchmarks, services
from cityweave.partnerships.charts import benchmark_chart
from cityweave.partnerships.forms import BenchmarkProgressForm, PartnerForm
from cityweave.partnerships.models import Partnership
from cityweave.workspaces.models import Membership


def partners_context(member: Membership, partnership: Partnership) -> dict[str, Any]:
    """The partners (by name) as rows (services.PartnerRow: "partner", "roles" in words,
    "champion", "government" inside government), how many have no role, the champions inside
    and outside government, and an empty form to add one (editors). One query."""
    roster = services.partner_roster(partnership)
    return {
        "partner_rows": roster.rows,
        "roleless": roster.roleless,
        "champions_inside": roster.champions_inside,
        "champions_outside": roster.champions_outside,
        "partner_form": PartnerForm(member=member) if member.can_edit else None,
    }


def benchmarks_context(member: Membership, partnership: Partnership) -> dict[str, Any]:
    """The benchmarks (by due date) as rows {"benchmark", "state" (benchmarks.BenchmarkState),
    "chart", "history": [{"entry", "expected"}] newest first, "form"}, the status rule, and
    counts by status. Two queries."""
    today = workspace_today(member.workspace)
    rows: list[dict[str, Any]] = []
    for benchmark, state in benchmarks.states(benchmarks.benchmarks(partnership), today):
        entries = benchmarks.entries_of(benchmark)
        rows.append(
            {
                "benchmark": benchmark,
                "state": state,
                "chart": benchmark_chart(benchmark, entries),
                "history": [
                    {
                        "entry": e,
                        "expected": benchmarks.expected_value(benchmark, e.recorded_on),
                    }
                    for e in reversed(entries)
                ],
                "form": BenchmarkProgressForm(benchmark=benchmark, initial={"recorded_on": today})
                if member.can_edit
                else None,
            }
        )
    return {
        "benchmark_rows": rows,
        "status_rule": benchmarks.STATUS_RULE,
        "going_well": sum(1 for r in rows if r["state"].going_well),
    }
