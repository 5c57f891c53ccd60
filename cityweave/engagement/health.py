"""Relationship health: days since the last interaction on a tie, against its contact cadence.

A tie's cadence is a pair of gaps: the *ideal* (`Tie.cadence_days`, "contact every N days") and
the *maximum* (`Tie.max_cadence_days`, "at most every M days"; when empty, twice the ideal). A tie
with a cadence is *healthy* until the ideal number of days pass without an interaction involving
the stakeholder on the far side of it, *cooling* past the ideal, and *cold* past the maximum.
"The far side" is the external end of a tie between the city (its own organisation and people,
`is_internal`) and someone else; for a tie between two external stakeholders it is an interaction
that involved both. The clock starts at the later of that interaction and the tie's start date
(midnight in the workspace's time zone); with neither, when the tie was recorded. An interaction
planned for later doesn't count until it has happened.
Ties between two internal stakeholders, dormant and ended ties and ties without a cadence have no
health: a dormant tie is one the office has set aside on purpose, so it is never "cooling" or "cold"
(its health comes back when it is made active again).

Cost: each tie keeps its last contact (`Tie.last_contact_at`, see `contacts`), so health reads it
with the tie and never scans the interaction history; only a tie whose latest interaction is still
planned asks for the latest one that has happened. Across a workspace, the database tells healthy,
cooling and cold apart itself (`health_statuses`, a CASE comparing each tie's dates with constants
per ideal and per maximum), so the map, the health filters and the dashboard's counts read no dates at all, and
the dashboard reads in full only the ties that can make its first ten (`at_risk_summary`).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.db.models import Case, CharField, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone

from cityweave.engagement.contacts import Ends, LastContacts, last_contacts
from cityweave.engagement.models import Interaction
from cityweave.stakeholders.models import MAX_CADENCE_DAYS, Stakeholder, Tie, effective_max_days
from cityweave.workspaces.derived import derived
from cityweave.workspaces.models import Membership, Workspace

HEALTHY, COOLING, COLD = "healthy", "cooling", "cold"
ORDER = {COLD: 0, COOLING: 1, HEALTHY: 2}
LABELS = {HEALTHY: "Healthy", COOLING: "Cooling", COLD: "Cold"}
#: Tie statuses that have no health: set aside (dormant) or over (ended).
NO_HEALTH = (Tie.Status.DORMANT, Tie.Status.ENDED)


@dataclass(frozen=True)
class Reading:
    """One tie's health at a moment, from plain values: what every list needs."""

    tie_id: int
    status: str
    days_since: int
    last_contact: dt.datetime | None
    cadence_days: int
    importance: int
    #: The maximum gap in days (the tie's own, else twice `cadence_days`).
    max_days: int

    @property
    def overdue_days(self) -> int:
        """Days past the ideal cadence (0 while healthy)."""
        return max(0, self.days_since - self.cadence_days)

    @property
    def label(self) -> str:
        return LABELS[self.status]

    def urgency(self) -> tuple[int, int, float, int]:
        """Sort key: cold before cooling before healthy, then most important, then most overdue
        (then the older tie, so equals always come in one order)."""
        return (
            ORDER[self.status],
            -self.importance,
            -overdue_share(self.overdue_days, self.cadence_days, self.max_days),
            self.tie_id,
        )


def overdue_share(overdue_days: int, cadence_days: int, max_days: int) -> float:
    """How far a tie is overdue, as a share of the gap between its ideal and its maximum: 0 while
    healthy, up to 1 while cooling, past 1 once cold (a gap of 0 days counts as 1 day). With the
    default maximum (twice the ideal) this is days overdue / ideal."""
    return overdue_days / max(1, max_days - cadence_days)


@dataclass(frozen=True)
class TieHealth:
    """One tie's health at a moment, with the tie and its counterparts for pages.

    `withheld`: the last contact is another member's private interaction, so the member looking
    (`as_seen_by`) is told neither its time nor how long ago it was (`last_contact` and
    `days_since` are None); the status still counts it."""

    tie: Tie
    status: str
    days_since: int | None
    last_contact: dt.datetime | None
    counterparts: tuple[Stakeholder, ...]
    withheld: bool = False

    @property
    def cadence_days(self) -> int:
        return int(self.tie.cadence_days or 0)

    @property
    def max_days(self) -> int:
        """The maximum gap in days: the tie's own, else twice the ideal."""
        return int(self.tie.max_gap_days or 0)

    @property
    def max_is_default(self) -> bool:
        """Whether the maximum is the default, twice the ideal (the tie sets none)."""
        return self.tie.max_cadence_days is None

    @property
    def ends(self) -> Ends:
        return tuple(sorted(s.pk for s in self.counterparts))

    @property
    def overdue_days(self) -> int:
        if self.days_since is None:
            return 0
        return max(0, self.days_since - self.cadence_days)

    @property
    def importance(self) -> int:
        return max((s.influence or 0) for s in self.counterparts)

    @property
    def label(self) -> str:
        return LABELS[self.status]


def classify(days_since: int, cadence_days: int, max_days: int | None = None) -> str:
    """HEALTHY up to `cadence_days` whole days without contact (the ideal), COOLING past it up to
    `max_days` (the maximum; None for twice the ideal), COLD past the maximum."""
    if days_since > (max_days if max_days is not None else 2 * cadence_days):
        return COLD
    if days_since > cadence_days:
        return COOLING
    return HEALTHY


def counterparts(tie: Tie) -> tuple[Stakeholder, ...]:
    """The external end(s) of a tie whose interactions keep it warm; empty when both are internal."""
    ends = [s for s in (tie.source, tie.target) if not s.is_internal]
    return tuple(ends)


@dataclass(frozen=True)
class _TieFacts:
    """What health is computed from: a tie's cadence (ideal and maximum days), dates and the ids
    of its counterparts."""

    tie_id: int
    cadence_days: int
    max_days: int
    started_on: dt.date | None
    created_at: dt.datetime
    ends: Ends
    importance: int
    stored_contact: dt.datetime | None


def _readings(
    facts: list[_TieFacts], workspace_id: int, zone_name: str, now: dt.datetime
) -> list[Reading]:
    """Each tie's reading, most urgent first; ties whose stored contact is still planned ask
    `last_contacts` for the latest that has happened."""
    planned = [f.ends for f in facts if f.stored_contact is not None and f.stored_contact > now]
    happened = (
        last_contacts(planned, workspace_id=workspace_id, now=now)
        if planned
        else LastContacts({}, {})
    )
    zone = zoneinfo.ZoneInfo(zone_name)
    readings = []
    for fact in facts:
        last = fact.stored_contact
        if last is not None and last > now:
            last = happened.last(fact.ends)
        readings.append(_reading(fact, last, zone, now))
    readings.sort(key=Reading.urgency)
    return readings


def _reading(
    facts: _TieFacts, last: dt.datetime | None, zone: zoneinfo.ZoneInfo, now: dt.datetime
) -> Reading:
    started = (
        dt.datetime.combine(facts.started_on, dt.time(), tzinfo=zone)
        if facts.started_on is not None
        else None
    )
    # A contact before the tie began (an old acquaintance, a new partnership) doesn't age it.
    known = [t for t in (last, started) if t is not None]
    reference = max(known) if known else facts.created_at
    days = max(0, (now - reference).days)
    return Reading(
        facts.tie_id,
        classify(days, facts.cadence_days, facts.max_days),
        days,
        last,
        facts.cadence_days,
        facts.importance,
        facts.max_days,
    )


def as_seen_by(
    member: Membership, healths: list[TieHealth], now: dt.datetime | None = None
) -> list[TieHealth]:
    """`healths` as `member` may see them: where a tie's last contact is another member's private
    interaction, its time is withheld (see `TieHealth.withheld`); the status, which counts every
    interaction, stays. Costs nothing when nobody else in the workspace keeps private
    interactions, else one aggregate query over the counterparts' histories."""
    now = now or timezone.now()
    dated = [h for h in healths if h.last_contact is not None]
    if not dated or not _others_keep_private(member, now):
        return healths
    visible = last_contacts(
        {h.ends for h in dated}, workspace_id=member.workspace_id, now=now, seen_by=member
    )
    return [
        replace(h, last_contact=None, days_since=None, withheld=True)
        if h.last_contact is not None and visible.last(h.ends) != h.last_contact
        else h
        for h in healths
    ]


def _others_keep_private(member: Membership, now: dt.datetime) -> bool:
    """Whether the workspace has a live private interaction `member` did not write."""
    private = Interaction.objects.filter(workspace_id=member.workspace_id, private=True)
    return derived(
        member.workspace,
        ("others-private", member.pk),
        now,
        lambda: private.exclude(author=member).exists(),
    )


def tie_health(ties: Iterable[Tie], now: dt.datetime | None = None) -> list[TieHealth]:
    """Health of each tie that has one, most urgent and most important first.

    `ties` are model instances with their ends loaded (select_related), all of one workspace.
    """
    now = now or timezone.now()
    candidates = [
        t for t in ties if t.cadence_days and t.status not in NO_HEALTH and counterparts(t)
    ]
    if not candidates:
        return []
    stored = dict(
        Tie.all_objects.filter(pk__in=[t.pk for t in candidates]).values_list(
            "pk", "last_contact_at"
        )
    )
    ends = {t.pk: counterparts(t) for t in candidates}
    facts = [
        _TieFacts(
            t.pk,
            int(t.cadence_days or 0),
            int(t.max_gap_days or 0),
            t.started_on,
            t.created_at,
            tuple(sorted(s.pk for s in ends[t.pk])),
            max((s.influence or 0) for s in ends[t.pk]),
            stored.get(t.pk),
        )
        for t in candidates
    ]
    by_id = {t.pk: t for t in candidates}
    return [
        TieHealth(by_id[r.tie_id], r.status, r.days_since, r.last_contact, ends[r.tie_id])
        for r in _readings(facts, candidates[0].workspace_id, candidates[0].workspace.timezone, now)
    ]


#: What `workspace_health` reads of each tie, after its id and workspace.
HEALTH_FIELDS = (
    "cadence_days", "max_cadence_days", "started_on", "created_at", "last_contact_at",
    "source_id", "source__is_internal", "source__influence",
    "target_id", "target__is_internal", "target__influence",
)  # fmt: skip


def workspace_health(ties: QuerySet[Tie], now: dt.datetime | None = None) -> dict[int, Reading]:
    """Health of every tie in `ties` (one workspace's) that has one, by tie id, in urgency order
    (most urgent and most important first), in one query of plain values: no model instances.
    For the cooling and cold ones alone, `at_risk_statuses` and `at_risk_summary` cost less."""
    return {r.tie_id: r for r in _readings_of(_with_health(ties), now or timezone.now())}


def _with_health(ties: QuerySet[Tie]) -> QuerySet[Tie]:
    """The ties of `ties` that have a health: a cadence, neither dormant nor ended, not inside the
    city."""
    return (
        ties.filter(cadence_days__isnull=False)
        .exclude(status__in=NO_HEALTH)
        .exclude(source__is_internal=True, target__is_internal=True)
        .order_by()
    )


def _readings_of(ties: QuerySet[Tie], now: dt.datetime) -> list[Reading]:
    """Each tie's reading computed here from its row, most urgent first."""
    rows = ties.values_list("pk", "workspace_id", "workspace__timezone", *HEALTH_FIELDS)
    facts: list[_TieFacts] = []
    workspace_id, zone_name = 0, "UTC"
    for (
        pk, workspace, zone, cadence, max_cadence, started_on, created_at, stored_contact,
        source, source_internal, source_influence, target, target_internal, target_influence,
    ) in rows:  # fmt: skip
        if source_internal and target_internal:
            continue
        workspace_id, zone_name = workspace, zone
        ends: Ends
        if source_internal:
            ends, influence = (target,), target_influence or 0
        elif target_internal:
            ends, influence = (source,), source_influence or 0
        else:
            ends = (source, target) if source < target else (target, source)
            influence = max(source_influence or 0, target_influence or 0)
        facts.append(
            _TieFacts(
                pk,
                cadence,
                effective_max_days(cadence, max_cadence) or 0,
                started_on,
                created_at,
                ends,
                influence,
                stored_contact,
            )
        )
    return _readings(facts, workspace_id, zone_name, now)


#: Past this many distinct ideals, or maxima, in a workspace, the database's classification is
#: skipped.
MAX_CADENCES = 40


def at_risk_statuses(ties: QuerySet[Tie], now: dt.datetime | None = None) -> dict[int, str]:
    """The cooling and cold ties of `ties` (one workspace's), by tie id: what the map, the health
    filters and the dashboard's counts need."""
    return health_statuses(ties, now, at_risk_only=True)


def health_statuses(
    ties: QuerySet[Tie], now: dt.datetime | None = None, *, at_risk_only: bool = False
) -> dict[int, str]:
    """Each tie's health (healthy, cooling or cold) by tie id, for the ties of `ties` (one
    workspace's) that have one; only the cooling and cold ones with `at_risk_only`."""
    wanted = (COOLING, COLD) if at_risk_only else (HEALTHY, COOLING, COLD)
    return {
        pk: status
        for pk, (status, _) in _classified(ties, now or timezone.now()).items()
        if status in wanted
    }


def _classified(ties: QuerySet[Tie], now: dt.datetime) -> dict[int, tuple[str, int]]:
    """(health, importance) of every tie of `ties` that has a health, by tie id, in one query.

    The database classifies each tie with a CASE over the workspace's cadences, comparing its
    dates with constants (`_status_case`); only ties whose last contact is still planned, or
    whose cadence it cannot classify, are read here in full.
    """
    candidates = _with_health(ties)
    case = _status_case(candidates, now)
    found: dict[int, tuple[str, int]] = {}
    unsettled: list[int] = []
    if case is None:
        unsettled_ties = candidates
    else:
        held = Q(last_contact_at__isnull=True) | Q(last_contact_at__lte=now)
        rows = candidates.annotate(
            health=Case(When(held, then=case), default=None, output_field=CharField()),
            importance=_importance(),
        ).values_list("pk", "health", "importance")
        for pk, health, importance in rows:
            if health is None:
                unsettled.append(pk)
            else:
                found[pk] = (health, importance)
        unsettled_ties = Tie.all_objects.filter(pk__in=unsettled)
    if case is None or unsettled:
        for reading in _readings_of(unsettled_ties, now):
            found[reading.tie_id] = (reading.status, reading.importance)
    return found


def _importance() -> Greatest:
    """A tie's importance: the greatest influence (1-5, unknown as 0) of its counterparts."""

    def end(name: str) -> Case:
        return Case(
            When(**{f"{name}__is_internal": True}, then=Value(0)),
            default=Coalesce(f"{name}__influence", Value(0)),
            output_field=IntegerField(),
        )

    return Greatest(end("source"), end("target"), output_field=IntegerField())


@dataclass(frozen=True)
class AtRisk:
    """The cooling and cold ties of a workspace: how many of each, and the most urgent."""

    cold: int
    cooling: int
    first: list[Reading]


def at_risk_summary(
    ties: QuerySet[Tie], now: dt.datetime | None = None, *, first: int = 10
) -> AtRisk:
    """How many ties are cold and cooling, and the `first` that matter most (the most important
    counterpart first, then cold before cooling, then the most overdue for its cadence), read in
    full for those alone: the dashboard's panel at any size of workspace."""
    now = now or timezone.now()
    return _summary(_classified(ties, now), now, first)


def _summary(classified: dict[int, tuple[str, int]], now: dt.datetime, first: int) -> AtRisk:
    at_risk = {pk: found for pk, found in classified.items() if found[0] != HEALTHY}
    if not at_risk:
        return AtRisk(0, 0, [])
    ranked = sorted((-level, ORDER[status], pk) for pk, (status, level) in at_risk.items())
    # Every tie ranking with the `first`-th by importance and status is a candidate: the order
    # among them (how overdue each is) needs their dates.
    cut = ranked[min(first, len(ranked)) - 1][:2]
    chosen = [pk for level, status, pk in ranked if (level, status) <= cut]
    readings = _readings_of(Tie.all_objects.filter(pk__in=chosen), now)
    # Readings come most urgent first; a stable sort puts the most important first among them.
    readings.sort(key=lambda r: -r.importance)
    counts = Counter(status for status, _ in at_risk.values())
    return AtRisk(counts[COLD], counts[COOLING], readings[:first])


def workspace_statuses(
    workspace: Workspace, now: dt.datetime | None = None
) -> dict[int, tuple[str, int]]:
    """(health, importance 0-5) of every live tie of the workspace that has a health, by tie id:
    `health_statuses` for the whole workspace, kept in the process for the minute until its
    records change (`workspaces.derived`). Callers must not change the dict."""
    now = now or timezone.now()
    ties = Tie.objects.filter(workspace=workspace)
    return derived(workspace, "tie-health", now, lambda: _classified(ties, now))


def workspace_at_risk(
    workspace: Workspace, now: dt.datetime | None = None, *, first: int = 10
) -> AtRisk:
    """`at_risk_summary` of all the workspace's live ties, kept like `workspace_statuses`."""
    now = now or timezone.now()
    return derived(
        workspace,
        ("at-risk", first),
        now,
        lambda: _summary(workspace_statuses(workspace, now), now, first),
    )


def _status_case(ties: QuerySet[Tie], now: dt.datetime) -> Case | None:
    """HEALTHY, COOLING or COLD for a tie whose last contact has happened (None for a cadence
    outside the limits), as `_reading` would find it, computed by the database.

    days = whole days since the reference (the later of the last contact and the start's
    midnight, else when the tie was recorded): healthy while days <= the ideal, i.e. while the
    reference is later than now - (ideal + 1) days; cooling while days <= the maximum; cold past
    it. One WHEN per distinct ideal and one per distinct maximum (a tie's own, or twice the ideal
    for the ties without one), so the query grows with the workspace's cadences, not its ties;
    past MAX_CADENCES of either, None (every tie is then read here).
    """
    rows = set(
        ties.values_list("cadence_days", "max_cadence_days", "workspace__timezone").distinct()
    )
    usable = {
        (cadence, maximum, zone)
        for cadence, maximum, zone in rows
        if cadence and cadence <= MAX_CADENCE_DAYS and (maximum or 0) <= MAX_CADENCE_DAYS
    }
    ideals = {(cadence, zone) for cadence, _, zone in usable}
    # A maximum is the tie's own (by value) or the default for its ideal (by the ideal).
    maxima: set[tuple[int | None, int | None, str]] = {
        (maximum, None, zone) for _, maximum, zone in usable if maximum is not None
    }
    maxima |= {(None, cadence, zone) for cadence, maximum, zone in usable if maximum is None}
    if not usable or len(ideals) > MAX_CADENCES or len(maxima) > MAX_CADENCES:
        return None
    several_zones = len({zone for _, _, zone in usable}) > 1

    def where(zone: str, this: Q) -> Q:
        return this & Q(workspace__timezone=zone) if several_zones else this

    # Recorded before cadences had limits: left to the reading here.
    outside = (
        Q(cadence_days__lt=1)
        | Q(cadence_days__gt=MAX_CADENCE_DAYS)
        | Q(max_cadence_days__gt=MAX_CADENCE_DAYS)
    )
    whens = [When(outside, then=Value(None))]
    for cadence, zone in sorted(ideals):
        healthy = _later_than(now - dt.timedelta(days=cadence + 1), zone)
        whens.append(When(where(zone, Q(cadence_days=cadence)) & healthy, then=Value(HEALTHY)))
    for maximum, ideal, zone in sorted(maxima, key=repr):
        if maximum is not None:
            this = where(zone, Q(max_cadence_days=maximum))
        else:
            this = where(zone, Q(max_cadence_days__isnull=True, cadence_days=ideal))
            maximum = 2 * int(ideal or 0)
        cooling = _later_than(now - dt.timedelta(days=maximum + 1), zone)
        whens.append(When(this & cooling, then=Value(COOLING)))
    return Case(*whens, default=Value(COLD), output_field=CharField())


def _later_than(moment: dt.datetime, zone: str) -> Q:
    """A tie whose reference is later than `moment`: contacted after it, started on a day whose
    midnight (in time zone `zone`) is after it (the day after the one it falls in), or neither and
    recorded after it."""
    day_after = timezone.localdate(moment, zoneinfo.ZoneInfo(zone)) + dt.timedelta(days=1)
    return (
        Q(last_contact_at__gt=moment)
        | Q(started_on__gte=day_after)
        | Q(last_contact_at__isnull=True, started_on__isnull=True, created_at__gt=moment)
    )


def filter_by_health(workspace: Workspace, queryset: QuerySet[Tie], status: str) -> QuerySet[Tie]:
    """The ties in `queryset` (of `workspace`) whose current health is `status` (healthy,
    cooling or cold), from the workspace's health statuses kept between requests."""
    statuses = workspace_statuses(workspace)
    return queryset.filter(pk__in=[pk for pk, found in statuses.items() if found[0] == status])
