"""Hand-built plan proposals for tests: a `Proposal` as cityweave.strategy.planning makes one,
each line's move chosen by the test, so that what the plan's storage, pages, API and CLI do with
it is tested apart from how the optimiser chooses."""

from __future__ import annotations

from collections.abc import Mapping

from cityweave.stakeholders.models import Stakeholder, Tie
from cityweave.strategy.planning import KEPT, PlanLine, Proposal, TargetCover, Weights
from cityweave.workspaces.models import Membership

#: The built-in tiers' cadences (days) and one tie's hours a month at their usual lengths.
CADENCE = {"close": 7, "active": 30, "maintained": 90}
HOURS = {"close": 4.35, "active": 0.76, "maintained": 0.17, "broker": 0.0, "rest": 0.0}


def counterpart(tie: Tie) -> Stakeholder:
    """The far end of a tie from the city (its non-internal end, else its target)."""
    return tie.source if tie.target.is_internal and not tie.source.is_internal else tie.target


def plan_line(
    tie: Tie, current: str, proposed: str, *, sentence: str = "", broker: Stakeholder | None = None
) -> PlanLine:
    """One line: `tie` from `current` (a kept tier, or "rest") to `proposed`."""
    other = counterpart(tie)
    return PlanLine(
        tie_id=tie.pk,
        counterpart_id=other.pk,
        counterpart_name=other.name,
        sector=other.sector,
        current=current,
        proposed=proposed,
        current_hours=HOURS[current] if current in KEPT else 0.0,
        proposed_hours=HOURS[proposed],
        cadence_days=CADENCE.get(proposed),
        broker_id=broker.pk if broker is not None and proposed == "broker" else None,
        broker_name=broker.name if broker is not None and proposed == "broker" else None,
        sentence=sentence or f"{other.name}: {current} to {proposed}.",
        lost_reach=(other.name,) if proposed in ("broker", "rest") and current in KEPT else (),
    )


def make_proposal(
    member: Membership,
    moves: Mapping[Tie, tuple[str, str]],
    *,
    budget_hours: float = 10.0,
    optimal: bool = True,
    gap: float = 0.0,
) -> Proposal:
    """A proposal for `member` of the moves {tie: (current, proposed)}, changed lines first."""
    lines = [plan_line(tie, current, proposed) for tie, (current, proposed) in moves.items()]
    lines.sort(key=lambda line: (not line.changed, -line.current_hours))
    goal = TargetCover(
        "goal:1", "goal", "Open 20 childcare centres", 3.0, 1.0, 0.5, "through Maria"
    )
    sector = TargetCover("sector:media", "sector", "Media", 1.0, 0.75, 0.0, "")
    return Proposal(
        member=member,
        weights=Weights(),
        budget_hours=budget_hours,
        lines=lines,
        value_before=6.0,
        value_after=7.5,
        hours_before=sum(line.current_hours for line in lines),
        hours_after=sum(line.proposed_hours for line in lines),
        method="exact" if optimal else "greedy",
        optimal=optimal,
        gap=gap,
        bound=7.5 / (1 - gap) if gap < 1 else 0.0,
        seconds=0.25,
        targets=[goal, sector],
        uncovered=[
            (sector, "Keep one media relationship active: Riverton Gazette, 0.8 h a month.")
        ],
        sectors_before=[counterpart(t).sector for t, (c, _) in moves.items() if c in KEPT],
        sectors_after=[counterpart(t).sector for t, (_, p) in moves.items() if p in KEPT],
    )
