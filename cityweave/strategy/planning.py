"""A member's relationship plan: the value of each relationship toward the workspace's goals, and
the tiers that give the most of it within their monthly hours, each line explained.

The value model (every term and weight is a `Weights` field, shown on the plan page):

- **Targets**: the open goals (reached through any stakeholder linked to the goal), the value
  types of open partnerships' needs (reached through any stakeholder offering that type), the
  sectors of the workspace's list, and the network's communities (from the last finished
  analysis; none before one). Each counts once, by its strongest route, times its kind's weight.
- **Reach**: a relationship reaches its counterpart's targets with strength 1, and through the
  counterpart's own active ties, further out, with Jackson and Wolinsky's decay: a stakeholder d
  ties beyond the counterpart counts t_r · Π (δ · t_e) over the ties of the best path, where t_r
  is the member's trust in the relationship and t_e each tie's trust (trust 1–4 read as 0.25–1;
  unknown trust counts UNKNOWN_TRUST). Jackson, M. O. and Wolinsky, A. (1996), "A strategic model
  of social and economic networks", Journal of Economic Theory 71(1): u_i = Σ_j δ^d(i,j) − costs.
  Paths go through external stakeholders only (everything in a city connects through City Hall),
  at most MAX_STEPS ties beyond the counterpart, and routes weaker than MIN_REACH are left out.
- **Own value**: trust (the tie's trust, else the counterpart's PARTNER trust score from the
  latest surveyed wave, else unknown), value (likewise), and brokerage: 1 − Burt's constraint
  of the counterpart in the last analysis (0 before one).
- **Tiers**: keeping a relationship close, active or maintained keeps that share of its value
  (the tier strengths) at the tier's cadence and the relationship's usual length (see
  `cityweave.strategy.budget`). Not keeping it is "reach through a broker" when a kept
  relationship reaches its counterpart, else "let rest".

`cityweave.strategy.optimiser` solves the plan.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.utils import timezone

from cityweave.goals.models import Goal
from cityweave.goals.services import OPEN_STATUSES
from cityweave.network.services import current_snapshot, stored_result
from cityweave.partnerships.models import Need, Partnership
from cityweave.stakeholders.models import Stakeholder, Tie, sector_choices
from cityweave.strategy import budget
from cityweave.strategy.models import Tier
from cityweave.strategy.optimiser import Problem, Relationship, best_routes, evaluate, solve
from cityweave.surveys.scoring import score_wave
from cityweave.surveys.surveyed import surveyed_waves
from cityweave.workspaces.models import Membership

#: What a plan may do with a relationship, as the page names it.
MOVES: dict[str, str] = {
    "close": "Keep close",
    "active": "Keep active",
    "maintained": "Maintain",
    "broker": "Reach through a broker",
    "rest": "Let rest",
}
#: The moves that keep a tie; they are budget tiers too.
KEPT = (Tier.CLOSE.value, Tier.ACTIVE.value, Tier.MAINTAINED.value)
#: A kept tier as a sentence says it ("Keep the Chamber close").
TIER_WORDS = {"close": "close", "active": "active", "maintained": "maintained"}
#: Ties the plan considers: the member's ties being kept or built, and those resting.
CONSIDERED_STATUSES = (Tie.Status.ACTIVE, Tie.Status.PROSPECT, Tie.Status.DORMANT)
#: Trust (0–1) assumed for a tie nobody has rated.
UNKNOWN_TRUST = 0.5
#: How many ties beyond a relationship's counterpart its reach is followed.
MAX_STEPS = 2
#: Routes weaker than this are left out (δ = 0.5 at full trust gives 0.25 two ties out).
MIN_REACH = 0.01
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


@dataclass(frozen=True)
class Weights:
    """Every term and weight of a relationship's value, with defaults."""

    goal: float = 3.0
    need: float = 2.0
    sector: float = 1.0
    community: float = 1.0
    trust: float = 1.0
    value: float = 1.0
    brokerage: float = 1.0
    decay: float = 0.5
    close: float = 1.0
    active: float = 0.75
    maintained: float = 0.5

    #: name -> (label, meaning, lowest, highest)
    FIELDS: ClassVar[dict[str, tuple[str, str, float, float]]] = {
        "goal": ("Goal", "per open goal reached, times the best route's strength", 0, 100),
        "need": ("Partnership need", "per open need's value type reached", 0, 100),
        "sector": ("Sector", "per sector reached", 0, 100),
        "community": ("Community", "per network community reached", 0, 100),
        "trust": ("Trust", "times the relationship's trust (0–1)", 0, 100),
        "value": ("Value", "times the relationship's value score (0–1)", 0, 100),
        "brokerage": ("Brokerage", "times 1 − Burt's constraint of the counterpart", 0, 100),
        "decay": ("Decay δ", "what reach one tie further out keeps (Jackson–Wolinsky)", 0, 1),
        "close": ("Close partners", "share of the value a close tie keeps", 0.01, 1),
        "active": ("Active", "share of the value an active tie keeps", 0.01, 1),
        "maintained": ("Maintained", "share of the value a maintained tie keeps", 0.01, 1),
    }

    @classmethod
    def from_data(cls, data: Mapping[str, Any] | None) -> Weights:
        """Weights from a mapping of names to numbers (a name left out keeps its default).
        ValidationError naming each unknown name and each value that is not a number within
        its FIELDS bounds."""
        data = data or {}
        errors: dict[str, str] = {}
        values: dict[str, float] = {}
        for name, given in data.items():
            if name not in cls.FIELDS:
                errors[name] = "Not a weight."
                continue
            _, _, low, high = cls.FIELDS[name]
            number = _number(given)
            if number is None or not low <= number <= high:
                errors[name] = f"A number from {low:g} to {high:g}."
            else:
                values[name] = number
        if errors:
            raise ValidationError(errors)
        return cls(**values)

    def as_dict(self) -> dict[str, float]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @property
    def strengths(self) -> dict[str, float]:
        return {tier: getattr(self, tier) for tier in KEPT}


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        number = float(value)
    elif isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return number if math.isfinite(number) else None


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
        the same for a tie (both set aside)."""
        resting = ("broker", "rest")
        if self.current in resting and self.proposed in resting:
            return False
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


# ----------------------------------------------------------------------------------------------
# Reading the workspace


@dataclass
class _Candidate:
    """A relationship as the model sees it."""

    tie: Tie
    counterpart: int
    trust: float
    trust_known: bool
    value: float
    brokerage: float
    minutes: float
    current: str
    current_hours: float
    reach_nodes: dict[int, float]


@dataclass
class _Context:
    """Everything read from the workspace to build and explain the problem."""

    names: dict[int, str]
    sectors: dict[int, str]
    sector_labels: dict[str, str]
    targets: dict[str, float]
    target_labels: dict[str, str]
    node_targets: dict[int, list[str]]
    candidates: list[_Candidate]
    rules: dict[str, budget.TierRule]
    notes: list[str]


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
    context = _read(member, plan_budget, weights)
    problem = _problem(context, weights, plan_budget.hours_per_month)
    current = {c.tie.pk: (c.current if c.current in KEPT else None) for c in context.candidates}
    solution = solve(problem, time_limit=time_limit)
    value_before = evaluate(problem, current)[0]
    return _explain(member, weights, plan_budget.hours_per_month, context, problem, current,
                    solution, value_before)  # fmt: skip


def _read(member: Membership, plan_budget: Any, weights: Weights) -> _Context:
    workspace = member.workspace
    rules = budget.member_tiers(budget.workspace_tiers(workspace), plan_budget)
    notes: list[str] = []
    stakeholders = list(
        Stakeholder.objects.filter(workspace=workspace).values_list(
            "pk", "name", "sector", "offers", "is_internal"
        )
    )
    names = {pk: name for pk, name, *_ in stakeholders}
    sectors = {pk: sector for pk, _, sector, *_ in stakeholders}
    internal = {pk for pk, *_, is_internal in stakeholders if is_internal}
    sector_labels = dict(sector_choices(workspace))
    targets: dict[str, float] = {}
    labels: dict[str, str] = {}
    node_targets: dict[int, list[str]] = defaultdict(list)
    # Goals, and who is linked to each (a goal nobody is linked to is a target nobody reaches).
    goals = Goal.objects.filter(workspace=workspace, status__in=OPEN_STATUSES)
    for goal_id, statement in goals.values_list("pk", "statement"):
        targets[f"goal:{goal_id}"], labels[f"goal:{goal_id}"] = weights.goal, statement
    through = Goal.stakeholders.through
    for goal_id, stakeholder_id in through.objects.filter(goal__in=goals).values_list(
        "goal_id", "stakeholder_id"
    ):
        if stakeholder_id in names:
            node_targets[stakeholder_id].append(f"goal:{goal_id}")
    # Open partnership needs, by value type.
    needed = set(
        Need.objects.filter(
            workspace=workspace,
            partnership__deleted_at__isnull=True,
            partnership__status__in=[
                s for s in Partnership.Status.values if s != Partnership.Status.CLOSED
            ],
        ).values_list("value_type", flat=True)
    )
    value_type_labels = dict(Need._meta.get_field("value_type").choices or [])
    for value_type in sorted(needed):
        key = f"need:{value_type}"
        targets[key], labels[key] = weights.need, str(value_type_labels.get(value_type, value_type))
    # Sectors, offers.
    for sector, label in sector_labels.items():
        key = f"sector:{sector}"
        targets[key], labels[key] = weights.sector, label
    for pk, _, sector, offers, is_internal in stakeholders:
        if is_internal:
            continue
        node_targets[pk].append(f"sector:{sector}")
        for offer in offers if isinstance(offers, list) else []:
            if offer in needed:
                node_targets[pk].append(f"need:{offer}")
    # The last analysis: communities and constraint.
    analysis = _analysis(member, sector_labels)
    if analysis is None:
        notes.append(
            "No network analysis has finished yet: communities and brokerage are left out "
            "until one has (the worker runs it)."
        )
        constraint: dict[int, float | None] = {}
    else:
        constraint = {}
        community_names = analysis.get("network", {}).get("community_names") or []
        for node in analysis.get("nodes", []):
            pk = node.get("id")
            if not isinstance(pk, int) or pk not in names or pk in internal:
                continue
            constraint[pk] = node.get("constraint")
            number = node.get("community")
            if isinstance(number, int):
                key = f"community:{number}"
                if key not in targets:
                    targets[key] = weights.community
                    labels[key] = (
                        community_names[number - 1]
                        if 0 < number <= len(community_names)
                        else f"Community {number}"
                    )
                node_targets[pk].append(key)
    scores = _survey_scores(member)
    candidates = _candidates(member, rules, names, internal, scores, constraint)
    _reach(member, candidates, internal, weights.decay)
    return _Context(names, sectors, sector_labels, targets, labels, node_targets, candidates,
                    rules, notes)  # fmt: skip


def _analysis(member: Membership, sector_labels: dict[str, str]) -> dict[str, Any] | None:
    """The workspace's last finished analysis, or None."""
    snapshot, _ = current_snapshot(member.workspace, sector_labels)
    if snapshot.computed_at is None:
        return None
    return stored_result(snapshot) or None


def _survey_scores(member: Membership) -> dict[int, tuple[float | None, float | None]]:
    """Each rated stakeholder's PARTNER trust and value (1–4) in the latest surveyed wave."""
    wave = surveyed_waves(member.workspace).select_related("survey").first()
    if wave is None:
        return {}
    partners = score_wave(wave, [], engine=False).partners
    return {pk: (s.trust.score, s.value.score) for pk, s in partners.items()}


def _candidates(
    member: Membership,
    rules: dict[str, budget.TierRule],
    names: dict[int, str],
    internal: set[int],
    scores: dict[int, tuple[float | None, float | None]],
    constraint: dict[int, float | None],
) -> list[_Candidate]:
    ties = list(
        Tie.objects.filter(workspace=member.workspace, owner=member, status__in=CONSIDERED_STATUSES)
        .select_related("source", "target", "budget_tier")
        .only(*budget.TIE_FIELDS, "trust", "value")
        .order_by("pk")
    )
    ends = {tie.pk: budget._ends(tie) for tie in ties}
    logged = budget._logged(member, ends.values(), timezone.now())
    found = []
    for tie in ties:
        cost = budget._cost(tie, ends[tie.pk], rules, logged, {})
        counterpart = cost.counterpart.pk
        if counterpart in internal:
            continue
        trust_score, value_score = scores.get(counterpart, (None, None))
        trust = tie.trust / 4 if tie.trust else (trust_score / 4 if trust_score else None)
        value = tie.value / 4 if tie.value else (value_score / 4 if value_score else None)
        resting = tie.status == Tie.Status.DORMANT or cost.tier not in KEPT
        held = constraint.get(counterpart)
        found.append(
            _Candidate(
                tie=tie,
                counterpart=counterpart,
                trust=trust if trust is not None else UNKNOWN_TRUST,
                trust_known=trust is not None,
                value=value if value is not None else UNKNOWN_TRUST,
                brokerage=max(0.0, 1.0 - held) if isinstance(held, int | float) else 0.0,
                minutes=cost.minutes,
                current="rest" if resting else cost.tier,
                current_hours=0.0 if tie.status == Tie.Status.DORMANT else cost.hours,
                reach_nodes={},
            )
        )
    return found


def _reach(
    member: Membership, candidates: list[_Candidate], internal: set[int], decay: float
) -> None:
    """Fill each candidate's `reach_nodes`: stakeholder id -> strength of its best route
    (1 for the counterpart), over the workspace's active ties between external stakeholders."""
    neighbours: dict[int, list[tuple[int, float]]] = defaultdict(list)
    rows = Tie.objects.filter(workspace=member.workspace, status=Tie.Status.ACTIVE).values_list(
        "source_id", "target_id", "trust"
    )
    for source, target, trust in rows:
        if source in internal or target in internal:
            continue
        hop = decay * (trust / 4 if trust else UNKNOWN_TRUST)
        if hop <= 0:
            continue
        neighbours[source].append((target, hop))
        neighbours[target].append((source, hop))
    for candidate in candidates:
        best = {candidate.counterpart: 1.0}
        frontier = {candidate.counterpart: candidate.trust}
        for _ in range(MAX_STEPS):
            following: dict[int, float] = {}
            for node, strength in frontier.items():
                for other, hop in neighbours.get(node, ()):
                    reach = strength * hop
                    if reach >= MIN_REACH and reach > best.get(other, 0.0):
                        best[other] = reach
                        following[other] = reach
            frontier = following
        candidate.reach_nodes = best


def _problem(context: _Context, weights: Weights, hours: float) -> Problem:
    relationships = []
    for candidate in context.candidates:
        reach: dict[str, float] = {}
        for node, strength in candidate.reach_nodes.items():
            for key in context.node_targets.get(node, ()):
                if strength > reach.get(key, 0.0):
                    reach[key] = strength
        relationships.append(
            Relationship(
                key=candidate.tie.pk,
                costs={
                    tier: budget.tie_cost(context.rules[tier].cadence_days, candidate.minutes)
                    for tier in KEPT
                },
                own_value=weights.trust * candidate.trust
                + weights.value * candidate.value
                + weights.brokerage * candidate.brokerage,
                reach=reach,
            )
        )
    return Problem(relationships, context.targets, weights.strengths, float(hours))


# ----------------------------------------------------------------------------------------------
# Explaining it


def _explain(
    member: Membership,
    weights: Weights,
    hours: float,
    context: _Context,
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
    brokers: dict[int, _Candidate] = {}
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
            broker = _broker(candidate, kept_after)
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
    lines = [
        _with_sentence(
            line,
            by_key[line.tie_id],
            relationship[line.tie_id],
            context,
            after,
            brokers.get(line.tie_id),
        )  # fmt: skip
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


def _broker(candidate: _Candidate, kept: list[_Candidate]) -> _Candidate | None:
    """The kept relationship that reaches this one's counterpart best, if any does."""
    found = None
    best = 0.0
    for other in kept:
        if other is candidate:
            continue
        reach = other.reach_nodes.get(candidate.counterpart, 0.0)
        if reach > best:
            found, best = other, reach
    return found


def _direct(candidate: _Candidate, context: _Context, key: str) -> bool:
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
    candidate: _Candidate,
    rel: Relationship,
    context: _Context,
    after: dict[str, tuple[float, int]],
    broker: _Candidate | None,
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
            sole = "the hours buy more elsewhere"
            if line.lost_reach:
                sole += f"; a weaker route to {_listed(list(line.lost_reach))}"
        reasons = [r for r in (sole, trust) if r]
        if not reasons:
            reasons = [
                f"it reaches {len(rel.reach)} targets" if rel.reach else "its trust and value"
            ]
        sentence = f"{move}: " + "; ".join(reasons) + f"; {cost}."
    elif line.proposed == "broker":
        reached = _targets_of(broker, context) if broker is not None else set()
        shared = [context.target_labels[key] for key in rel.reach if key in reached]
        what = f"reaches the same {_listed(shared)}" if shared else "reaches them"
        more = ""
        if broker is not None and candidate.trust_known and broker.trust > candidate.trust:
            more = " and you trust it more"
        sentence = (
            f"Reach {name} through {line.broker_name}: {line.broker_name} {what}{more}; {cost}."
        )
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


def _targets_of(candidate: _Candidate, context: _Context) -> set[str]:
    found: set[str] = set()
    for node in candidate.reach_nodes:
        found.update(context.node_targets.get(node, ()))
    return found


def _what_it_takes(
    target: TargetCover, problem: Problem, context: _Context, by_key: dict[int, _Candidate]
) -> str:
    """One sentence: the cheapest of the member's relationships that would reach the target,
    or that none does."""
    options = [
        (rel.costs[Tier.MAINTAINED.value], rel.key)
        for rel in problem.relationships
        if target.key in rel.reach
    ]
    if options:
        hours, key = min(options)
        name = context.names.get(by_key[key].counterpart, "?")
        return f"Maintain {name} (+{_hours(hours)}), or raise the budget."
    if target.kind == "goal":
        return (
            "None of your relationships reaches it: link stakeholders to the goal, "
            "or start a relationship that does."
        )
    return "None of your relationships reaches it: start one that does."
