"""A member's relationship plan: the tiers that give the most value toward the workspace's goals
within their monthly hours (`cityweave.strategy.optimiser` solves it, on the problem
`cityweave.strategy.valuation` reads), each line explained in one sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from cityweave.strategy import budget
from cityweave.strategy.models import Tier
from cityweave.strategy.optimiser import Problem, Relationship, best_routes, evaluate, solve
from cityweave.strategy.valuation import (
    KEPT,
    Candidate,
    Valuation,
    Weights,
    problem_of,
    read_valuation,
)
from cityweave.workspaces.models import Membership

__all__ = ["KEPT", "MOVES", "PlanLine", "Proposal", "TargetCover", "Weights", "propose_plan"]

#: What a plan may do with a relationship, as the page names it.
MOVES: dict[str, str] = {
    "close": "Keep close",
    "active": "Keep active",
    "maintained": "Maintain",
    "broker": "Reach through a broker",
    "rest": "Let rest",
}
#: A kept tier as a sentence says it ("Keep the Chamber close").
TIER_WORDS = {"close": "close", "active": "active", "maintained": "maintained"}
#: Target kinds in the order pages list them.
TARGET_KINDS = {
    "goal": "Goal",
    "need": "Partnership need",
    "sector": "Sector",
    "community": "Community",
}
#: Trust (0–1) from which a sentence names it as a reason (3 of 4).
HIGH_TRUST = 0.75
#: Plans computed on a page stop after this many seconds (the CLI and API may allow more).
PAGE_TIME_LIMIT = 5.0


# ----------------------------------------------------------------------------------------------
# What the plan returns


@dataclass(frozen=True)
class PlanLine:
    """One relationship in the plan: what it is now, what the plan does with it, and why."""

    tie_id: int
    counterpart_id: int
    counterpart_name: str
    sector: str
    current: str
    proposed: str
    current_hours: float
    proposed_hours: float
    cadence_days: int | None
    broker_id: int | None
    broker_name: str | None
    sentence: str
    lost_reach: tuple[str, ...]

    @property
    def changed(self) -> bool:
        """Whether accepting the line changes the tie: resting and reached through a broker are
        the same for a tie (both set it aside), so between them only a tie still costing
        hours changes."""
        resting = ("broker", "rest")
        if self.current in resting and self.proposed in resting:
            # An active tie in the yearly (dormant) tier still costs its hours: resting it
            # for real (accepting sets it aside) is a change.
            return self.current_hours > 0
        return self.proposed != self.current

    @property
    def move_label(self) -> str:
        return MOVES[self.proposed]

    @property
    def hours_change(self) -> float:
        return self.proposed_hours - self.current_hours


@dataclass(frozen=True)
class TargetCover:
    """A target, its weight, and the strength of its best route (0–1) now and in the plan."""

    key: str
    kind: str
    label: str
    weight: float
    before: float
    after: float
    route: str


@dataclass
class Proposal:
    """A plan for a member's relationships within their hours (see the module's docstring)."""

    member: Membership
    weights: Weights
    budget_hours: float
    lines: list[PlanLine]
    value_before: float
    value_after: float
    hours_before: float
    hours_after: float
    method: str
    optimal: bool
    gap: float
    bound: float
    seconds: float
    targets: list[TargetCover]
    uncovered: list[tuple[TargetCover, str]]
    sectors_before: list[str]
    sectors_after: list[str]
    notes: list[str] = field(default_factory=list)

    @property
    def changes(self) -> list[PlanLine]:
        return [line for line in self.lines if line.changed]


def propose_plan(
    viewer: Membership,
    member: Membership | int | None = None,
    weights: Weights | None = None,
    *,
    time_limit: float = 10.0,
) -> Proposal:
    """The best plan found within `time_limit` seconds for `member`'s relationships (the
    viewer's own when None), as `viewer` may read it: Http404 as `budget.budget_summary` for
    another member's unshared budget; ValidationError {"hours_per_month": …} when the member
    has set no budget. `weights` default to the member's own (`TimeBudget.plan_weights` when
    set) or `Weights()`.

    Queries, whatever the size: about 16 (the budget, tiers, the member's ties, their logged
    lengths, the workspace's stakeholders, active ties, goals, needs, sectors, the latest
    surveyed wave's ratings and the last analysis)."""
    member_id = member.pk if isinstance(member, Membership) else member
    member = viewer if member_id is None else budget.readable_member(viewer, member_id)
    plan_budget = budget.get_budget(member)
    if plan_budget is None:
        raise ValidationError({"hours_per_month": "Set your hours per month before planning."})
    if weights is None:
        weights = Weights.from_data(getattr(plan_budget, "plan_weights", None) or {})
    context = read_valuation(member, plan_budget, weights)
    problem = problem_of(context, weights, plan_budget.hours_per_month)
    current = {c.tie.pk: (c.current if c.current in KEPT else None) for c in context.candidates}
    solution = solve(problem, time_limit=time_limit)
    value_before = evaluate(problem, current)[0]
    return _explain(member, weights, plan_budget.hours_per_month, context, problem, current,
                    solution, value_before)  # fmt: skip


# ----------------------------------------------------------------------------------------------
# Explaining it


def _explain(
    member: Membership,
    weights: Weights,
    hours: float,
    context: Valuation,
    problem: Problem,
    current: dict[int, str | None],
    solution: Any,
    value_before: float,
) -> Proposal:
    planned = solution.tiers
    before = best_routes(problem, current)
    after = best_routes(problem, planned)
    by_key = {c.tie.pk: c for c in context.candidates}
    relationship = {r.key: r for r in problem.relationships}
    kept_after = [c for c in context.candidates if planned.get(c.tie.pk)]
    brokers: dict[int, Candidate] = {}
    reaching = _brokers(kept_after)
    kept_counterparts = {c.counterpart for c in kept_after}
    twins: set[int] = set()  # resting ties whose counterpart another kept tie keeps
    lines = []
    for candidate in context.candidates:
        tie_id = candidate.tie.pk
        rel = relationship[tie_id]
        tier = planned.get(tie_id)
        now = current.get(tie_id)
        lost = tuple(
            context.target_labels[key]
            for key, reach in rel.reach.items()
            if now is not None
            and problem.strengths[now] * reach > after.get(key, (0.0, 0))[0] + 1e-9
        )
        broker = None
        if tier is None:
            broker = reaching.get(candidate.counterpart)
            if candidate.counterpart in kept_counterparts:
                twins.add(tie_id)
                broker = None
            if broker is not None:
                brokers[tie_id] = broker
        proposed = tier or ("broker" if broker else "rest")
        line_hours = rel.costs[tier] if tier else 0.0
        lines.append(
            PlanLine(
                tie_id=tie_id,
                counterpart_id=candidate.counterpart,
                counterpart_name=context.names.get(candidate.counterpart, "?"),
                sector=context.sectors.get(candidate.counterpart, ""),
                current=candidate.current,
                proposed=proposed,
                current_hours=candidate.current_hours,
                proposed_hours=line_hours,
                cadence_days=context.rules[tier].cadence_days if tier else None,
                broker_id=broker.counterpart if broker else None,
                broker_name=context.names.get(broker.counterpart) if broker else None,
                sentence="",
                lost_reach=lost,
            )
        )
    reached: dict[int, set[str]] = {}

    def reached_by(broker: Candidate) -> set[str]:
        """The targets a broker reaches, worked out once per broker."""
        if broker.tie.pk not in reached:
            reached[broker.tie.pk] = _targets_of(broker, context)
        return reached[broker.tie.pk]

    lines = [
        _with_sentence(
            line,
            by_key[line.tie_id],
            relationship[line.tie_id],
            context,
            after,
            brokers.get(line.tie_id),
            line.tie_id in twins,
            reached_by,
        )
        for line in lines
    ]
    lines.sort(key=lambda x: (not x.changed, -abs(x.hours_change), -x.proposed_hours, x.tie_id))
    targets = []
    for key, weight in context.targets.items():
        strength, via = after.get(key, (0.0, 0))
        route = ""
        if via:
            name = context.names.get(by_key[via].counterpart, "?")
            route = f"directly: {name}" if _direct(by_key[via], context, key) else f"through {name}"
        targets.append(
            TargetCover(
                key,
                key.split(":", 1)[0],
                context.target_labels[key],
                weight,
                before.get(key, (0.0, 0))[0],
                strength,
                route,
            )  # fmt: skip
        )
    order = list(TARGET_KINDS)
    targets.sort(key=lambda t: (order.index(t.kind), -t.after, t.label.casefold()))
    uncovered = [
        (t, _what_it_takes(t, problem, context, by_key))
        for t in targets
        if t.after <= 0 and t.weight > 0 and t.kind != "community"
    ]
    return Proposal(
        member=member,
        weights=weights,
        budget_hours=float(hours),
        lines=lines,
        value_before=value_before,
        value_after=solution.value,
        hours_before=sum(c.current_hours for c in context.candidates),
        hours_after=solution.hours,
        method=solution.method,
        optimal=solution.optimal,
        gap=solution.gap,
        bound=solution.bound,
        seconds=solution.seconds,
        targets=targets,
        uncovered=uncovered,
        sectors_before=[
            context.sectors[c.counterpart] for c in context.candidates if current.get(c.tie.pk)
        ],
        sectors_after=[context.sectors[c.counterpart] for c in kept_after],
        notes=context.notes,
    )


def _brokers(kept: list[Candidate]) -> dict[int, Candidate]:
    """For each stakeholder some kept relationship reaches through others (not as its own
    counterpart), the kept relationship that reaches it best (the first on equal strength)."""
    best: dict[int, tuple[float, Candidate]] = {}
    for other in kept:
        for node, reach in other.reach_nodes.items():
            if node != other.counterpart and reach > best.get(node, (0.0, other))[0]:
                best[node] = (reach, other)
    return {node: found for node, (_, found) in best.items()}


def _direct(candidate: Candidate, context: Valuation, key: str) -> bool:
    return key in context.node_targets.get(candidate.counterpart, ())


def _hours(value: float) -> str:
    return f"{value:.1f} h/month"


def _listed(labels: list[str], most: int = 3) -> str:
    shown = [f"“{label}”" for label in labels[:most]]
    if len(labels) > most:
        shown.append(f"{len(labels) - most} more")
    if len(shown) <= 1:
        return "".join(shown)
    return ", ".join(shown[:-1]) + " and " + shown[-1]


def _with_sentence(
    line: PlanLine,
    candidate: Candidate,
    rel: Relationship,
    context: Valuation,
    after: dict[str, tuple[float, int]],
    broker: Candidate | None,
    twin: bool,
    broker_targets: Callable[[Candidate], set[str]],
) -> PlanLine:
    """The line with its one sentence."""
    name = line.counterpart_name
    served = [
        context.target_labels[key]
        for key, (_, via) in sorted(after.items(), key=lambda kv: kv[0])
        if via == line.tie_id and key.split(":", 1)[0] in ("goal", "need")
    ]
    sole = f"the plan's best route to {_listed(served)}" if served else ""
    trusted = candidate.trust_known and candidate.trust >= HIGH_TRUST
    trust = f"you trust it {candidate.trust * 4:.0f}/4" if trusted else ""
    change = line.hours_change
    cost = (
        f"saves {_hours(-change)}"
        if change < -0.05
        else f"adds {_hours(change)}"
        if change > 0.05
        else _hours(line.proposed_hours)
    )
    if line.proposed in KEPT:
        tier = TIER_WORDS[line.proposed]
        if not line.changed:
            move = f"Keep {name} {tier}"
        elif line.current not in KEPT:
            move = f"Revive {name} as {tier}"
        elif KEPT.index(line.proposed) < KEPT.index(line.current):
            move = f"Raise {name} to {tier} (now {TIER_WORDS[line.current]})"
        else:
            move = f"Lower {name} to {tier} (now {TIER_WORDS[line.current]})"
            sole, trust = "the hours buy more elsewhere", ""
            if line.lost_reach:
                sole += f"; a weaker route to {_listed(list(line.lost_reach))}"
        reasons = [r for r in (sole, trust) if r]
        if not reasons:
            reasons = [
                f"it reaches {len(rel.reach)} targets" if rel.reach else "its trust and value"
            ]
        sentence = f"{move}: " + "; ".join(reasons) + f"; {cost}."
    elif line.proposed == "broker":
        reached = broker_targets(broker) if broker is not None else set()
        shared = [context.target_labels[key] for key in rel.reach if key in reached]
        what = f"reaches the same {_listed(shared)}" if shared else "reaches them"
        more = ""
        if broker is not None and candidate.trust_known and broker.trust > candidate.trust:
            more = " and you trust it more"
        sentence = (
            f"Reach {name} through {line.broker_name}: {line.broker_name} {what}{more}; {cost}."
        )
    elif twin:
        sentence = f"Let this tie with {name} rest: another of your ties with them is kept; {cost}."
    else:
        if line.lost_reach:
            sentence = (
                f"Let {name} rest: the hours reach more elsewhere; you lose the best route to "
                f"{_listed(list(line.lost_reach))}; {cost}."
            )
        elif rel.reach:
            sentence = f"Let {name} rest: other relationships reach what it reaches; {cost}."
        else:
            sentence = f"Let {name} rest: it reaches no goal, need or sector; {cost}."
    return PlanLine(**{**line.__dict__, "sentence": sentence})


def _targets_of(candidate: Candidate, context: Valuation) -> set[str]:
    found: set[str] = set()
    for node in candidate.reach_nodes:
        found.update(context.node_targets.get(node, ()))
    return found


def _what_it_takes(
    target: TargetCover, problem: Problem, context: Valuation, by_key: dict[int, Candidate]
) -> str:
    """One sentence: the cheapest of the member's relationships that would reach the target,
    else why none does."""
    options = [
        (rel.costs[Tier.MAINTAINED.value], rel.key)
        for rel in problem.relationships
        if target.key in rel.reach
    ]
    if options:
        hours, key = min(options)
        name = context.names.get(by_key[key].counterpart, "?")
        return f"Maintain {name} (+{_hours(hours)}), or raise the budget."
    if target.kind == "goal" and not any(
        target.key in keys for keys in context.node_targets.values()
    ):
        return "Nobody is linked to this goal yet: link the stakeholders it needs."
    # Introductions run along the same ties as reach (two steps past someone you know), so
    # nobody can introduce you either: a new relationship is needed.
    return (
        "None of your relationships reaches anyone who does, even through others: "
        "start one (see the next best relationships)."
    )
