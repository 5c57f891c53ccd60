"""The value of a member's relationships toward the workspace's goals, read from the workspace
as the optimiser's problem (`cityweave.strategy.planning` solves and explains it).

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
from cityweave.strategy.models import Tier, TimeBudget
from cityweave.strategy.optimiser import Problem, Relationship
from cityweave.surveys.scoring import score_wave
from cityweave.surveys.surveyed import surveyed_waves
from cityweave.workspaces.models import Membership

#: The moves that keep a tie; they are budget tiers too.
KEPT = (Tier.CLOSE.value, Tier.ACTIVE.value, Tier.MAINTAINED.value)
#: Ties the plan considers: the member's ties being kept or built, and those resting.
CONSIDERED_STATUSES = (Tie.Status.ACTIVE, Tie.Status.PROSPECT, Tie.Status.DORMANT)
#: Trust (0–1) assumed for a tie nobody has rated.
UNKNOWN_TRUST = 0.5
#: How many ties beyond a relationship's counterpart its reach is followed.
MAX_STEPS = 2
#: Routes weaker than this are left out (δ = 0.5 at full trust gives 0.25 two ties out).
MIN_REACH = 0.01


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
        ValidationError naming each unknown name, each value that is not a number within its
        FIELDS bounds, and a tier strength above a closer tier's (close ≥ active ≥
        maintained)."""
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
        if not errors:
            chosen = {**cls().as_dict(), **values}
            for stronger, weaker in (("close", "active"), ("active", "maintained")):
                if chosen[weaker] > chosen[stronger]:
                    label = cls.FIELDS[stronger][0].lower()
                    errors[weaker] = (
                        f"At most {chosen[stronger]:g}: a closer tier ({label}) keeps no less."
                    )
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
# Reading the workspace


@dataclass
class Candidate:
    """A relationship as the model sees it."""

    tie: Tie
    #: The far end (the target when both ends are outside the city), and every outside end.
    counterpart: int
    ends: tuple[int, ...]
    trust: float
    trust_known: bool
    value: float
    brokerage: float
    #: The usual length (minutes) and its basis ("logged", "kind" or "tier": only a tier's
    #: length follows the tier the plan chooses).
    minutes: float
    minutes_basis: str
    current: str
    current_hours: float
    reach_nodes: dict[int, float]
    #: For each stakeholder reached through others, the one before it on the best route.
    reach_via: dict[int, int] = field(default_factory=dict)

    def minutes_in(self, rule: budget.TierRule) -> float:
        """The usual length in a tier: the tier's own when the length came from the tier."""
        return float(rule.minutes) if self.minutes_basis == "tier" else self.minutes


@dataclass
class Valuation:
    """Everything read from the workspace to build and explain the problem."""

    names: dict[int, str]
    sectors: dict[int, str]
    sector_labels: dict[str, str]
    targets: dict[str, float]
    target_labels: dict[str, str]
    node_targets: dict[int, list[str]]
    candidates: list[Candidate]
    rules: dict[str, budget.TierRule]
    notes: list[str]
    #: Hours a month of the member's planned ties the plan leaves as they are (both ends
    #: inside the city): they come off the budget first.
    fixed_hours: float = 0.0
    fixed_ties: int = 0


def read_valuation(member: Membership, plan_budget: TimeBudget, weights: Weights) -> Valuation:
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
    candidates, fixed_hours, fixed_ties = _candidates(
        member, rules, names, internal, scores, constraint
    )
    _reach(member, candidates, internal, weights.decay)
    if fixed_ties:
        notes.append(
            (
                "One of your ties is between the city's own stakeholders: the plan keeps it as "
                f"it is, and its {fixed_hours:.1f} h a month come off the budget first."
            )
            if fixed_ties == 1
            else (
                f"{fixed_ties} of your ties are between the city's own stakeholders: the plan "
                f"keeps them as they are, and their {fixed_hours:.1f} h a month come off the "
                "budget first."
            )
        )
    return Valuation(names, sectors, sector_labels, targets, labels, node_targets, candidates,
                    rules, notes, fixed_hours, fixed_ties)  # fmt: skip


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
) -> tuple[list[Candidate], float, int]:
    """The member's ties the plan considers, and the hours a month and count of those it
    leaves as they are (both ends inside the city)."""
    ties = list(
        Tie.objects.filter(workspace=member.workspace, owner=member, status__in=CONSIDERED_STATUSES)
        .select_related("source", "target", "budget_tier")
        .only(*budget.TIE_FIELDS, "trust", "value")
        .order_by("pk")
    )
    ends = {tie.pk: budget.tie_ends(tie) for tie in ties}
    logged = budget.logged_lengths(member, ends.values(), timezone.now())
    found = []
    fixed = [0.0, 0]
    for tie in ties:
        cost = budget.cost_of(tie, ends[tie.pk], rules, logged, {})
        counterpart = cost.counterpart.pk
        if counterpart in internal:
            if tie.status != Tie.Status.DORMANT:
                fixed[0] += cost.hours
                fixed[1] += 1
            continue
        outside = tuple(e for e in (tie.source_id, tie.target_id) if e not in internal)
        trust_score, value_score = scores.get(counterpart, (None, None))
        trust = tie.trust / 4 if tie.trust else (trust_score / 4 if trust_score else None)
        value = tie.value / 4 if tie.value else (value_score / 4 if value_score else None)
        resting = tie.status == Tie.Status.DORMANT or cost.tier not in KEPT
        held = constraint.get(counterpart)
        found.append(
            Candidate(
                tie=tie,
                counterpart=counterpart,
                ends=outside,
                trust=trust if trust is not None else UNKNOWN_TRUST,
                trust_known=trust is not None,
                value=value if value is not None else UNKNOWN_TRUST,
                brokerage=max(0.0, 1.0 - held) if isinstance(held, int | float) else 0.0,
                minutes=cost.minutes,
                minutes_basis=cost.minutes_basis,
                current="rest" if resting else cost.tier,
                current_hours=0.0 if tie.status == Tie.Status.DORMANT else cost.hours,
                reach_nodes={},
            )
        )
    return found, fixed[0], int(fixed[1])


def _reach(
    member: Membership, candidates: list[Candidate], internal: set[int], decay: float
) -> None:
    """Fill each candidate's `reach_nodes`: stakeholder id -> strength of its best route
    (1 for its own outside ends), over the workspace's active ties between outside
    stakeholders, and `reach_via`: the stakeholder before each one reached through others."""
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
        best = dict.fromkeys(candidate.ends, 1.0)
        via: dict[int, int] = {}
        frontier = dict.fromkeys(candidate.ends, candidate.trust)
        for _ in range(MAX_STEPS):
            following: dict[int, float] = {}
            for node, strength in frontier.items():
                for other, hop in neighbours.get(node, ()):
                    reach = strength * hop
                    if reach >= MIN_REACH and reach > best.get(other, 0.0):
                        best[other] = reach
                        via[other] = node
                        following[other] = reach
            frontier = following
        candidate.reach_nodes = best
        candidate.reach_via = via


def problem_of(context: Valuation, weights: Weights, hours: float) -> Problem:
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
                    tier: budget.tie_cost(
                        context.rules[tier].cadence_days, candidate.minutes_in(context.rules[tier])
                    )
                    for tier in KEPT
                },
                own_value=weights.trust * candidate.trust
                + weights.value * candidate.value
                + weights.brokerage * candidate.brokerage,
                reach=reach,
            )
        )
    return Problem(relationships, context.targets, weights.strengths, float(hours))
