"""Relationship health: days since the last interaction on a tie, against its contact cadence.

A tie with a cadence is *healthy* until that many days pass without an interaction involving the
stakeholder on the far side of it, *cooling* past the cadence, and *cold* past twice the cadence.
"The far side" is the external end of a tie between the city (its own organisation and people,
`is_internal`) and someone else; for a tie between two external stakeholders it is an interaction
that involved both. The clock starts at the later of that interaction and the tie's start date
(midnight in the workspace's time zone); with neither, when the tie was recorded. An interaction
planned for later doesn't count until it has happened.
Ties between two internal stakeholders, ended ties and ties without a cadence have no health.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from cityweave.engagement.models import Interaction
from cityweave.stakeholders.models import Stakeholder, Tie

HEALTHY, COOLING, COLD = "healthy", "cooling", "cold"
ORDER = {COLD: 0, COOLING: 1, HEALTHY: 2}


@dataclass(frozen=True)
class TieHealth:
    """One tie's health at a moment."""

    tie: Tie
    status: str
    days_since: int
    last_contact: dt.datetime | None
    counterparts: tuple[Stakeholder, ...]

    @property
    def cadence_days(self) -> int:
        return int(self.tie.cadence_days or 0)

    @property
    def overdue_days(self) -> int:
        return max(0, self.days_since - self.cadence_days)

    @property
    def importance(self) -> int:
        return max((s.influence or 0) for s in self.counterparts)

    @property
    def label(self) -> str:
        return {HEALTHY: "Healthy", COOLING: "Cooling", COLD: "Cold"}[self.status]


def classify(days_since: int, cadence_days: int) -> str:
    if days_since > 2 * cadence_days:
        return COLD
    if days_since > cadence_days:
        return COOLING
    return HEALTHY


def counterparts(tie: Tie) -> tuple[Stakeholder, ...]:
    """The external end(s) of a tie whose interactions keep it warm; empty when both are internal."""
    ends = [s for s in (tie.source, tie.target) if not s.is_internal]
    return tuple(ends)


def tie_health(ties: Iterable[Tie], now: dt.datetime | None = None) -> list[TieHealth]:
    """Health of each tie that has one, most urgent and most important first."""
    now = now or timezone.now()
    candidates = [
        t for t in ties if t.cadence_days and t.status != Tie.Status.ENDED and counterparts(t)
    ]
    if not candidates:
        return []
    stakeholder_ids = {s.pk for t in candidates for s in counterparts(t)}
    contacts = _contacts(stakeholder_ids, candidates[0].workspace_id, now)
    zone = zoneinfo.ZoneInfo(candidates[0].workspace.timezone)
    results = []
    for tie in candidates:
        ends = counterparts(tie)
        shared = set.intersection(*(set(contacts[s.pk]) for s in ends))
        last = max((contacts[ends[0].pk][i] for i in shared), default=None)
        started = (
            dt.datetime.combine(tie.started_on, dt.time(), tzinfo=zone)
            if tie.started_on is not None
            else None
        )
        # A contact before the tie began (an old acquaintance, a new partnership) doesn't age it.
        known = [t for t in (last, started) if t is not None]
        reference = max(known) if known else tie.created_at
        days = max(0, (now - reference).days)
        results.append(TieHealth(tie, classify(days, tie.cadence_days or 0), days, last, ends))
    results.sort(key=lambda h: (ORDER[h.status], -h.importance, -h.overdue_days / h.cadence_days))
    return results


def _contacts(
    stakeholder_ids: set[int], workspace_id: int, now: dt.datetime
) -> dict[int, dict[int, dt.datetime]]:
    """For each stakeholder: interaction id → when, over live interactions up to `now`."""
    through = Interaction.participants.through
    rows = through.objects.filter(
        stakeholder_id__in=stakeholder_ids,
        interaction__workspace_id=workspace_id,
        interaction__deleted_at__isnull=True,
        interaction__occurred_at__lte=now,
    ).values_list("stakeholder_id", "interaction_id", "interaction__occurred_at")
    contacts: dict[int, dict[int, dt.datetime]] = defaultdict(dict)
    for stakeholder_id, interaction_id, occurred_at in rows:
        contacts[stakeholder_id][interaction_id] = occurred_at
    return contacts


def ties_with_cadence(workspace_id: int) -> QuerySet[Tie]:
    return Tie.objects.filter(workspace_id=workspace_id, cadence_days__isnull=False).select_related(
        "workspace", "source", "target", "owner__user"
    )
