"""Interaction and commitment operations shared by pages, the API and the CLI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cityweave.engagement.models import Commitment, Interaction
from cityweave.workspaces.models import Membership


def interactions_visible_to(member: Membership) -> QuerySet[Interaction]:
    """The workspace's live interactions, without other people's private ones."""
    return Interaction.objects.filter(workspace=member.workspace).filter(
        Q(private=False) | Q(author=member)
    )


def commitments(member: Membership) -> QuerySet[Commitment]:
    """The workspace's live commitments."""
    return Commitment.objects.filter(workspace=member.workspace)


def overdue_commitments(member: Membership, today: dt.date | None = None) -> QuerySet[Commitment]:
    """Open commitments whose due date has passed."""
    today = today or timezone.localdate()
    return commitments(member).filter(status=Commitment.Status.OPEN, due_on__lt=today)


def due_soon_commitments(
    member: Membership, today: dt.date | None = None, days: int = 7
) -> QuerySet[Commitment]:
    """Open commitments due from today through the next `days` days."""
    today = today or timezone.localdate()
    return commitments(member).filter(
        status=Commitment.Status.OPEN,
        due_on__gte=today,
        due_on__lte=today + dt.timedelta(days=days),
    )


@dataclass(frozen=True)
class KeptRate:
    """Promises we owed that were kept, against those kept or missed (open and cancelled don't count)."""

    kept: int
    missed: int

    @property
    def closed(self) -> int:
        return self.kept + self.missed

    @property
    def rate(self) -> float | None:
        return self.kept / self.closed if self.closed else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(self.rate * 100)


def promises_kept(queryset: QuerySet[Commitment]) -> KeptRate:
    """The kept rate of the commitments owed by us in `queryset`."""
    counts = queryset.filter(owed_by=Commitment.OwedBy.US).aggregate(
        kept=Count("pk", filter=Q(status=Commitment.Status.DONE)),
        missed=Count("pk", filter=Q(status=Commitment.Status.MISSED)),
    )
    return KeptRate(kept=counts["kept"], missed=counts["missed"])


def promises_kept_by_member(member: Membership) -> list[tuple[Membership, KeptRate]]:
    """Each member's kept rate over the commitments they own, in one query."""
    rows = (
        commitments(member)
        .filter(owed_by=Commitment.OwedBy.US, owner__isnull=False)
        .values("owner")
        .annotate(
            kept=Count("pk", filter=Q(status=Commitment.Status.DONE)),
            missed=Count("pk", filter=Q(status=Commitment.Status.MISSED)),
        )
    )
    by_owner = {r["owner"]: KeptRate(r["kept"], r["missed"]) for r in rows}
    members = Membership.objects.filter(workspace=member.workspace).select_related("user")
    return [(m, by_owner.get(m.pk, KeptRate(0, 0))) for m in members]
