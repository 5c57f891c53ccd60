"""A member's relationship time budget: what their ties cost in hours per month, against the hours
they have, with the hours their logged interactions actually took. Pages, the API and the CLI
all call these.

Who sees what: a member's budget is their own. They read and write it whatever their role (a
viewer plans their own time too: `save_budget` is a personal write, like the email digest's
rhythm); other members of the workspace read it, and its summary, only when the member shares
it (`shared`), and nobody else may change it. Another workspace's members answer 404, and so
does an unshared budget, so whether someone keeps one is not told either. The workspace's tier
defaults are the workspace's: editors and owners change them.

The summary reads a bounded number of queries whatever the number of ties or interactions
(`budget_summary` lists them).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from cityweave.engagement.contacts import Ends, counterpart_ids
from cityweave.engagement.models import Interaction
from cityweave.engagement.services import workspace_zone
from cityweave.goals.models import Goal
from cityweave.goals.services import OPEN_STATUSES
from cityweave.stakeholders.models import Stakeholder, Tie, sector_choices
from cityweave.storable import MAX_ID
from cityweave.strategy.models import (
    BUILT_IN_TIERS,
    KIND_MINUTES,
    Tier,
    TierSetting,
    TieTier,
    TimeBudget,
    tier_overrides_problem,
)
from cityweave.workspaces.models import Membership, Workspace
from cityweave.workspaces.services import require_editor

#: The average month in days: 365.25 / 12 (the Julian year, leap days included).
MONTH_DAYS = 30.4375
#: How many logged lengths a tie needs before their median is its usual length.
MIN_LOGGED = 3
#: The months of actual hours shown: this one and the eleven before it.
ACTUAL_MONTHS = 12
#: Tie statuses whose time is planned: ties being kept (active) and being built (prospect).
PLANNED_STATUSES = (Tie.Status.ACTIVE, Tie.Status.PROSPECT)
#: What the summary reads of each tie and its ends (a page of 1,500 ties loads in a third of
#: the time of whole rows); `str(tie)` and the pages' links need no more.
TIE_FIELDS = (
    "workspace_id", "source_id", "target_id", "status", "cadence_days", "directed", "owner_id",
    *(f"{end}__{name}" for end in ("source", "target")
      for name in ("workspace_id", "name", "sector", "is_internal", "kind")),
    "budget_tier__tier", "budget_tier__tie_id",
)  # fmt: skip
#: A tie with neither a tier set nor a cadence counts in this tier, at its cadence.
UNCADENCED_TIER = Tier.MAINTAINED
#: Where a tier's or a length's figure came from, as pages name it.
SOURCES = {"built-in": "built-in", "workspace": "workspace default", "member": "your own"}
LENGTH_BASES = {
    "logged": "median logged",
    "kind": "its usual kind's",
    "tier": "its tier's",
}


# ----------------------------------------------------------------------------------------------
# Formulas (plain values, no database)


def tie_cost(cadence_days: int, minutes: float) -> float:
    """A tie's cost in hours per month: (MONTH_DAYS / cadence_days) × minutes / 60, where
    MONTH_DAYS = 30.4375 (365.25 / 12) is the average month, so MONTH_DAYS / cadence_days is the
    number of contacts a month and `minutes` the usual length of one. E.g. every 7 days at
    60 minutes: 4.348 h/month. ValueError when `cadence_days` < 1."""
    if cadence_days < 1:
        raise ValueError("cadence_days must be at least 1")
    return MONTH_DAYS / cadence_days * minutes / 60


def usual_minutes(
    durations: Iterable[int], kinds: Iterable[str], tier_minutes: int
) -> tuple[float, str]:
    """A tie's usual interaction length in minutes, and its basis: the median of the logged
    `durations` when there are at least MIN_LOGGED (3) of them ("logged"); else the default of
    the most common of `kinds` (KIND_MINUTES; equal counts go to the kind listed first there)
    ("kind"); else the tier's `tier_minutes` ("tier")."""
    logged = list(durations)
    if len(logged) >= MIN_LOGGED:
        return float(statistics.median(logged)), "logged"
    counts = Counter(kind for kind in kinds if kind in KIND_MINUTES)
    if counts:
        order = list(KIND_MINUTES)
        kind = max(counts, key=lambda k: (counts[k], -order.index(k)))
        return float(KIND_MINUTES[kind]), "kind"
    return float(tier_minutes), "tier"


def nearest_tier(cadence_days: int, rules: Mapping[str, TierRule]) -> str:
    """The tier whose cadence is nearest to `cadence_days` on a ratio scale (|log(c / tier's)|:
    10 days is nearer weekly than monthly, 45 nearer monthly than quarterly); a tie between two
    goes to the closer tier."""
    order = list(rules)
    return min(
        order,
        key=lambda t: (abs(math.log(cadence_days / rules[t].cadence_days)), order.index(t)),
    )


# ----------------------------------------------------------------------------------------------
# Tiers


@dataclass(frozen=True)
class TierRule:
    """One tier as it applies: cadence (days), usual length (minutes), and where each came from
    ("built-in", "workspace" or "member")."""

    tier: str
    cadence_days: int
    minutes: int
    cadence_source: str = "built-in"
    minutes_source: str = "built-in"

    @property
    def label(self) -> str:
        return str(Tier(self.tier).label)

    @property
    def hours_per_tie(self) -> float:
        """What one tie of this tier costs at its cadence and length, in hours per month."""
        return tie_cost(self.cadence_days, self.minutes)


def workspace_tiers(workspace: Workspace) -> dict[str, TierRule]:
    """The workspace's tiers, closest first: its own defaults over the built-in ones (one query)."""
    rules = {
        tier: TierRule(tier, cadence, minutes)
        for tier, (cadence, minutes) in BUILT_IN_TIERS.items()
    }
    for setting in TierSetting.objects.filter(workspace=workspace):
        rules[setting.tier] = TierRule(
            setting.tier, setting.cadence_days, setting.minutes, "workspace", "workspace"
        )
    return rules


def member_tiers(
    workspace_rules: Mapping[str, TierRule], budget: TimeBudget | None
) -> dict[str, TierRule]:
    """The tiers as a member keeps them: their own overrides (`TimeBudget.tiers`) over the
    workspace's rules, value by value."""
    rules = dict(workspace_rules)
    overrides = budget.tiers if budget is not None and isinstance(budget.tiers, dict) else {}
    for tier, entry in overrides.items():
        if tier not in rules or not isinstance(entry, dict):
            continue
        rule = rules[tier]
        cadence, minutes = entry.get("cadence_days"), entry.get("minutes")
        rules[tier] = TierRule(
            tier,
            cadence if isinstance(cadence, int) else rule.cadence_days,
            minutes if isinstance(minutes, int) else rule.minutes,
            "member" if isinstance(cadence, int) else rule.cadence_source,
            "member" if isinstance(minutes, int) else rule.minutes_source,
        )
    return rules


@transaction.atomic
def save_tier_defaults(member: Membership, values: Mapping[str, Mapping[str, int | None]]) -> None:
    """Set the workspace's default cadence and length of tiers; editors and owners only.
    `values`: {tier: {"cadence_days": days, "minutes": minutes}}; a tier given with both None
    goes back to the built-in default. ValidationError naming `<tier>_cadence_days` or
    `<tier>_minutes` for a bad value; nothing is written unless all are good."""
    require_editor(member)
    errors: dict[str, str] = {}
    rows: dict[str, tuple[int, int] | None] = {}
    for tier, entry in values.items():
        if tier not in Tier.values:
            errors["tier"] = f"Unknown tier “{tier}”; use {', '.join(Tier.values)}."
            continue
        cadence, minutes = entry.get("cadence_days"), entry.get("minutes")
        if cadence is None and minutes is None:
            rows[tier] = None
            continue
        built_in = BUILT_IN_TIERS[tier]
        cadence = built_in[0] if cadence is None else cadence
        minutes = built_in[1] if minutes is None else minutes
        problem = tier_overrides_problem({tier: {"cadence_days": cadence, "minutes": minutes}})
        if problem:
            name = "cadence_days" if ".cadence_days" in problem else "minutes"
            errors[f"{tier}_{name}"] = problem.split(": ", 1)[-1]
            continue
        # The built-in values need no row: a later change of the built-in default reaches them.
        rows[tier] = None if (cadence, minutes) == built_in else (cadence, minutes)
    if errors:
        raise ValidationError(errors)
    for tier, row in rows.items():
        if row is None:
            TierSetting.objects.filter(workspace=member.workspace, tier=tier).delete()
        else:
            TierSetting.objects.update_or_create(
                workspace=member.workspace,
                tier=tier,
                defaults={"cadence_days": row[0], "minutes": row[1]},
            )


@transaction.atomic
def set_tie_tier(member: Membership, tie_id: int, tier: str | None) -> TieTier | None:
    """Put a tie of the member's workspace in `tier` by hand, or (None or "") let its cadence
    decide again; editors and owners only. Http404 for another workspace's or a trashed tie;
    ValidationError naming `tier` for an unknown one."""
    require_editor(member)
    tie = Tie.objects.filter(workspace=member.workspace, pk=tie_id).first()
    if tie is None:
        raise Http404("No such tie")
    if not tier:
        TieTier.objects.filter(tie=tie).delete()
        return None
    if tier not in Tier.values:
        raise ValidationError({"tier": f"Unknown tier “{tier}”; use {', '.join(Tier.values)}."})
    chosen, _ = TieTier.objects.update_or_create(
        tie=tie, defaults={"tier": tier, "workspace": member.workspace}
    )
    return chosen


# ----------------------------------------------------------------------------------------------
# Budgets and who may see them


def get_budget(member: Membership) -> TimeBudget | None:
    """The member's own budget, or None before they set one."""
    return TimeBudget.objects.filter(member=member).first()


BUDGET_FIELDS = (
    "hours_per_month",
    "operational_percent",
    "personal_percent",
    "strategic_percent",
    "tiers",
    "shared",
)


@transaction.atomic
def save_budget(member: Membership, data: Mapping[str, Any]) -> TimeBudget:
    """Set the member's own budget from `data` (the keys of BUDGET_FIELDS; a key left out keeps
    its value, or its default on a new budget: `hours_per_month` is then required). Any role may
    (their own time is theirs to plan). ValidationError naming each bad field; nothing is saved
    unless all are good."""
    budget = TimeBudget.objects.select_for_update().filter(member=member).first()
    if budget is None:
        budget = TimeBudget(workspace=member.workspace, member=member)
    unknown = set(data) - set(BUDGET_FIELDS)
    if unknown:
        raise ValidationError(dict.fromkeys(sorted(unknown), "Not a budget field."))
    for name, value in data.items():
        setattr(budget, name, {} if name == "tiers" and value is None else value)
    budget.updated_at = timezone.now()
    budget.full_clean()
    budget.save()
    return budget


def members_sharing(viewer: Membership) -> list[Membership]:
    """The workspace's members whose budgets the viewer may read: their own first if they keep
    one, then the others who share theirs, by name (one query)."""
    budgets = (
        TimeBudget.objects.filter(workspace=viewer.workspace)
        .filter(Q(shared=True) | Q(member=viewer))
        .select_related("member__user")
    )
    found = [b.member for b in budgets]
    return sorted(found, key=lambda m: (m.pk != viewer.pk, str(m.user).casefold()))


def readable_member(viewer: Membership, member_id: int) -> Membership:
    """The member whose budget the viewer asks for: themselves, or a member of their workspace
    who shares their budget; Http404 for anyone else (another workspace's, or not shared)."""
    if member_id == viewer.pk:
        return viewer
    if not 1 <= member_id <= MAX_ID:
        # No member has it, and a foreign key's lookup does not check its range (SQLite raises).
        raise Http404("No shared budget for this member")
    budget = (
        TimeBudget.objects.filter(workspace=viewer.workspace, member_id=member_id, shared=True)
        .select_related("member__user", "member__workspace")
        .first()
    )
    if budget is None:
        raise Http404("No shared budget for this member")
    return budget.member


# ----------------------------------------------------------------------------------------------
# The summary


@dataclass(frozen=True)
class TieCost:
    """One tie the member owns and what it costs: cadence (days) and usual length (minutes)
    with their bases, the resulting hours per month, its tier, the far end's sector, and the
    open goals it serves (ids)."""

    tie: Tie
    counterpart: Stakeholder
    tier: str
    tier_set: bool
    cadence_days: int
    cadence_from_tier: bool
    minutes: float
    minutes_basis: str
    hours: float
    sector: str
    goal_ids: tuple[int, ...]

    @property
    def tier_label(self) -> str:
        return str(Tier(self.tier).label)

    @property
    def minutes_basis_label(self) -> str:
        return LENGTH_BASES[self.minutes_basis]


@dataclass(frozen=True)
class Share:
    """One row of a split: a tier, a sector or a goal, its ties and their hours per month,
    and those hours as a percentage of the planned hours (`percent`, 0–100)."""

    key: str
    label: str
    ties: int
    hours: float
    percent: float


@dataclass(frozen=True)
class MonthHours:
    """The hours a member's logged interactions took in one calendar month (in the workspace's
    time zone), and how many interactions they were."""

    month: dt.date
    hours: float
    interactions: int


@dataclass
class BudgetSummary:
    """A member's budget against their ties and their logged time.

    Hours are per month. `planned_hours`: Σ cost of the ties they own that are active or
    prospect. `actual`: the last 12 months, oldest first. Splits are shares of the planned
    hours; a tie serving two goals counts in both goals' rows, so those need not add up."""

    member: Membership
    budget: TimeBudget | None
    #: The tiers as the member keeps them, and as the workspace does (its defaults).
    tiers: dict[str, TierRule]
    workspace_tiers: dict[str, TierRule]
    costs: list[TieCost]
    actual: list[MonthHours]
    by_tier: list[Share] = field(default_factory=list)
    by_sector: list[Share] = field(default_factory=list)
    by_goal: list[Share] = field(default_factory=list)
    unaligned: list[TieCost] = field(default_factory=list)

    @property
    def hours_per_month(self) -> int | None:
        return self.budget.hours_per_month if self.budget is not None else None

    @property
    def planned_hours(self) -> float:
        return sum(cost.hours for cost in self.costs)

    @property
    def unaligned_hours(self) -> float:
        return sum(cost.hours for cost in self.unaligned)

    @property
    def over_budget(self) -> bool:
        return self.hours_per_month is not None and self.planned_hours > self.hours_per_month

    @property
    def planned_percent(self) -> float | None:
        """Planned hours as a percentage of the budget (may pass 100); None without a budget."""
        if not self.hours_per_month:
            return None
        return 100 * self.planned_hours / self.hours_per_month

    @property
    def average_actual(self) -> float:
        """The mean of the months' actual hours (months without any count as 0)."""
        return sum(m.hours for m in self.actual) / len(self.actual) if self.actual else 0.0

    @property
    def split_hours(self) -> list[tuple[str, int, float]]:
        """The budget's networking split: (kind, percent, hours per month); empty without one."""
        if self.budget is None or self.budget.split is None:
            return []
        hours = self.budget.hours_per_month
        return [(kind, p, hours * p / 100) for kind, p in self.budget.split.items()]


def budget_summary(
    viewer: Membership, member: Membership | int | None = None, *, now: dt.datetime | None = None
) -> BudgetSummary:
    """The budget summary of `member` (a membership or its id; the viewer's own when None) as
    `viewer` may read it (Http404 when it is another member's unshared budget or another
    workspace's member).

    Queries, whatever the number of ties and interactions: the budget, the workspace's tier
    settings, the member's planned ties (with both ends and any tier set), the workspace's own
    sectors, the participations of the ties' counterparts and those interactions (for their
    usual lengths), the open goals' stakeholders, and the interactions the member attended in
    the last 12 months: 8, plus 1 to check another member's sharing.

    Usual lengths read the interactions the budget's member may see (theirs, private or not,
    and everyone's shared ones) that have happened (not planned ones); actual hours read every
    live interaction the member was present at, their length or their kind's default.
    """
    member_id = member.pk if isinstance(member, Membership) else member
    member = viewer if member_id is None else readable_member(viewer, member_id)
    workspace = viewer.workspace
    now = now or timezone.now()
    budget = get_budget(member)
    defaults = workspace_tiers(workspace)
    rules = member_tiers(defaults, budget)
    ties = list(
        Tie.objects.filter(workspace=workspace, owner=member, status__in=PLANNED_STATUSES)
        .select_related("source", "target", "budget_tier")
        .only(*TIE_FIELDS)
        .order_by("pk")
    )
    sector_labels = dict(sector_choices(workspace))
    ends = {tie.pk: tie_ends(tie) for tie in ties}
    lengths = logged_lengths(member, ends.values(), now)
    goals = _goals_by_stakeholder(workspace)
    costs = [cost_of(tie, ends[tie.pk], rules, lengths, goals[1]) for tie in ties]
    summary = BudgetSummary(
        member=member,
        budget=budget,
        tiers=rules,
        workspace_tiers=defaults,
        costs=costs,
        actual=actual_hours(member, now),
    )
    planned = summary.planned_hours
    summary.by_tier = _split(
        costs, lambda c: [c.tier], {t: r.label for t, r in rules.items()}, planned, keep=True
    )
    summary.by_sector = _split(costs, lambda c: [c.sector], sector_labels, planned)
    summary.by_goal = _split(costs, lambda c: [str(g) for g in c.goal_ids], goals[0], planned)
    summary.unaligned = sorted(
        (c for c in costs if not c.goal_ids), key=lambda c: (-c.hours, c.tie.pk)
    )
    return summary


def tie_ends(tie: Tie) -> Ends:
    """The stakeholders whose interactions count for the tie (its outside end, or both)."""
    return counterpart_ids(
        tie.source_id, tie.source.is_internal, tie.target_id, tie.target.is_internal
    )


@dataclass
class LoggedLengths:
    """The kinds and logged lengths of the interactions of each counterpart set."""

    kinds: dict[Ends, list[str]] = field(default_factory=lambda: defaultdict(list))
    durations: dict[Ends, list[int]] = field(default_factory=lambda: defaultdict(list))


def logged_lengths(member: Membership, ends: Iterable[Ends], now: dt.datetime) -> LoggedLengths:
    """Two queries: who took part in which interaction, for the stakeholders in `ends` (by the
    participants' stakeholder index), then the kind and length of those interactions that are
    live, have happened and are visible to `member`; matched to each counterpart set in Python
    (one id: any of its interactions; two ids: those with both).

    One query joining the two would be shorter, but SQLite then scans every interaction of the
    workspace and probes each for every stakeholder id (2.6 s for 1,500 ties on the bench)."""
    wanted = set(ends)
    ids = sorted({sid for pair in wanted for sid in pair})
    logged = LoggedLengths()
    if not ids:
        return logged
    participants = Interaction.participants.through
    met: dict[int, set[int]] = defaultdict(set)
    for interaction_id, stakeholder_id in participants.objects.filter(
        stakeholder_id__in=ids
    ).values_list("interaction_id", "stakeholder_id"):
        met[interaction_id].add(stakeholder_id)
    interactions = (
        Interaction.objects.filter(
            workspace_id=member.workspace_id,
            occurred_at__lte=now,
            pk__in=participants.objects.filter(stakeholder_id__in=ids).values("interaction_id"),
        )
        .filter(Q(private=False) | Q(author=member))
        .order_by()
        .values_list("pk", "kind", "duration_minutes")
    )
    for interaction_id, kind, duration in interactions:
        present = met.get(interaction_id, set())
        found: list[Ends] = [(sid,) for sid in present if (sid,) in wanted]
        if len(present) > 1:
            ordered = sorted(present)
            found += [
                (a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :] if (a, b) in wanted
            ]
        for key in found:
            logged.kinds[key].append(kind)
            if duration is not None:
                logged.durations[key].append(duration)
    return logged


def _goals_by_stakeholder(workspace: Workspace) -> tuple[dict[str, str], dict[int, set[int]]]:
    """One query: the open goals' statements by id (as text), and the goals of each stakeholder."""
    through = Goal.stakeholders.through
    rows = through.objects.filter(
        goal__workspace=workspace, goal__deleted_at__isnull=True, goal__status__in=OPEN_STATUSES
    ).values_list("goal_id", "goal__statement", "stakeholder_id")
    labels: dict[str, str] = {}
    by_stakeholder: dict[int, set[int]] = defaultdict(set)
    for goal_id, statement, stakeholder_id in rows:
        labels[str(goal_id)] = statement
        by_stakeholder[stakeholder_id].add(goal_id)
    return labels, by_stakeholder


def cost_of(
    tie: Tie,
    ends: Ends,
    rules: Mapping[str, TierRule],
    logged: LoggedLengths,
    goals: Mapping[int, set[int]],
) -> TieCost:
    """What one tie costs, in which tier, with its usual length and the goals it serves."""
    chosen = getattr(tie, "budget_tier", None)
    if chosen is not None:
        tier = chosen.tier
    elif tie.cadence_days:
        tier = nearest_tier(tie.cadence_days, rules)
    else:
        tier = UNCADENCED_TIER
    rule = rules[tier]
    cadence = tie.cadence_days or rule.cadence_days
    minutes, basis = usual_minutes(
        logged.durations.get(ends, ()), logged.kinds.get(ends, ()), rule.minutes
    )
    if tie.source.is_internal != tie.target.is_internal:
        counterpart = tie.target if tie.source.is_internal else tie.source
    else:
        counterpart = tie.target
    return TieCost(
        tie=tie,
        counterpart=counterpart,
        tier=tier,
        tier_set=chosen is not None,
        cadence_days=cadence,
        cadence_from_tier=not tie.cadence_days,
        minutes=minutes,
        minutes_basis=basis,
        hours=tie_cost(cadence, minutes),
        sector=counterpart.sector,
        goal_ids=tuple(sorted(goals.get(tie.source_id, set()) | goals.get(tie.target_id, set()))),
    )


def _split(
    costs: list[TieCost],
    keys_of: Any,
    labels: Mapping[str, str],
    planned: float,
    *,
    keep: bool = False,
) -> list[Share]:
    """Hours and ties per key, most hours first (with `keep`, every label's row in its order)."""
    hours: dict[str, float] = defaultdict(float)
    counts: Counter[str] = Counter()
    for cost in costs:
        for key in keys_of(cost):
            hours[key] += cost.hours
            counts[key] += 1
    keys = list(labels) if keep else sorted(hours, key=lambda k: (-hours[k], labels.get(k, k)))
    return [
        Share(
            key=key,
            label=labels.get(key, key),
            ties=counts[key],
            hours=hours[key],
            percent=100 * hours[key] / planned if planned else 0.0,
        )
        for key in keys
    ]


def month_starts(today: dt.date, count: int = ACTUAL_MONTHS) -> list[dt.date]:
    """The first days of the `count` months ending with `today`'s, oldest first."""
    months = []
    year, month = today.year, today.month
    for _ in range(count):
        months.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def actual_hours(member: Membership, now: dt.datetime | None = None) -> list[MonthHours]:
    """The hours of the live interactions `member` was present at, by calendar month in the
    workspace's time zone, for this month and the 11 before it (oldest first; a month without
    any has 0): each its logged length, else its kind's usual length (KIND_MINUTES). Planned
    interactions (after `now`) do not count yet. One query."""
    now = now or timezone.now()
    zone = workspace_zone(member.workspace)
    months = month_starts(now.astimezone(zone).date())
    start = dt.datetime.combine(months[0], dt.time(), tzinfo=zone)
    rows = Interaction.objects.filter(
        workspace_id=member.workspace_id,
        members_present=member,
        occurred_at__gte=start,
        occurred_at__lte=now,
    ).values_list("occurred_at", "kind", "duration_minutes")
    minutes: dict[dt.date, float] = defaultdict(float)
    counts: Counter[dt.date] = Counter()
    for occurred_at, kind, duration in rows:
        local = occurred_at.astimezone(zone).date()
        month = dt.date(local.year, local.month, 1)
        minutes[month] += duration if duration is not None else KIND_MINUTES.get(kind, 30)
        counts[month] += 1
    return [MonthHours(month, minutes[month] / 60, counts[month]) for month in months]
