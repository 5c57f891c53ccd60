"""The one-page partnership brief for a mayor or a board: the problem, status, officer, dates and
goals; the benchmarks with a small chart and their status; the partners and their roles
(champions inside or outside government); the asset and gap map; the top risks by score.

Everything is read through the partnership's own domain functions (benchmarks.states and
charts.benchmark_chart, services.partner_roster, gaps.gap_map, risks.risks), never computed a
second time here, in a fixed number of queries whatever the partnership holds (seven: goals,
benchmarks and their progress, partners, assets, needs, risks). So that it fits one page, the
brief shows the first BRIEF_BENCHMARKS benchmarks (by due date), BRIEF_PARTNERS partners (by
name) and BRIEF_RISKS risks not closed, in the register's order (score = likelihood × impact,
highest first), and says how many more there are; its counts are of them all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from cityweave.engagement.services import workspace_today
from cityweave.goals.models import Goal
from cityweave.partnerships import benchmarks, gaps, risks, services
from cityweave.partnerships.charts import BenchmarkChart, benchmark_chart
from cityweave.partnerships.models import Benchmark, Partnership, Risk
from cityweave.workspaces.models import Membership

#: How many of each the brief lists (the rest are counted), so that a partnership fits a page.
BRIEF_BENCHMARKS = 3
BRIEF_PARTNERS = 8
BRIEF_RISKS = 3
#: The brief's benchmark chart, in SVG user units (the page's is 560 × 190).
CHART_WIDTH, CHART_HEIGHT = 300, 80


@dataclass(frozen=True)
class BriefBenchmark:
    """One benchmark of the brief: its `state` (status on the day), its small `chart` and how
    many `measurements` it has."""

    benchmark: Benchmark
    state: benchmarks.BenchmarkState
    chart: BenchmarkChart
    measurements: int


@dataclass(frozen=True)
class Brief:
    """A partnership's brief on `today` (the workspace's date). Lists hold what the page shows;
    the `*_total` and count fields count everything (see the module's docstring)."""

    partnership: Partnership
    today: dt.date
    goals: list[Goal]
    benchmarks: list[BriefBenchmark]
    benchmarks_total: int
    benchmarks_going_well: int
    roster: services.PartnerRoster
    partners: list[services.PartnerRow]
    gap_map: gaps.GapMap
    risks: list[Risk]
    open_risks: int

    @property
    def more_benchmarks(self) -> int:
        return self.benchmarks_total - len(self.benchmarks)

    @property
    def more_partners(self) -> int:
        return len(self.roster.rows) - len(self.partners)

    @property
    def more_risks(self) -> int:
        return self.open_risks - len(self.risks)


def partnership_brief(member: Membership, partnership: Partnership) -> Brief:
    """The brief of a live partnership of the member's workspace (Http404 otherwise), as of
    today in the workspace. Seven queries, whatever the number of records (the officer comes
    with the partnership: services.get_partnership loads it)."""
    services.require_live(member, partnership)
    today = workspace_today(member.workspace)
    states = benchmarks.states(benchmarks.benchmarks(partnership), today)
    lines = []
    for benchmark, state in states[:BRIEF_BENCHMARKS]:
        entries = benchmarks.entries_of(benchmark)
        chart = benchmark_chart(benchmark, entries, CHART_WIDTH, CHART_HEIGHT)
        lines.append(BriefBenchmark(benchmark, state, chart, len(entries)))
    roster = services.partner_roster(partnership)
    not_closed = [r for r in risks.risks(partnership) if r.status != Risk.Status.CLOSED]
    return Brief(
        partnership=partnership,
        today=today,
        goals=list(partnership.goals.order_by("deadline", "pk")),
        benchmarks=lines,
        benchmarks_total=len(states),
        benchmarks_going_well=sum(1 for _, state in states if state.going_well),
        roster=roster,
        partners=roster.rows[:BRIEF_PARTNERS],
        gap_map=gaps.gap_map(member, partnership, suggest=False),
        risks=not_closed[:BRIEF_RISKS],
        open_risks=len(not_closed),
    )
