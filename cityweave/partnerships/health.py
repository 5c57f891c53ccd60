"""A partnership's health at a glance, for the list of partnerships: its benchmarks on track,
its open risks and its partners engaged, for many partnerships in a fixed number of queries.

Definitions (HEALTH_RULE, shown on the list page):

- **benchmarks on track**: n of m, where m counts the live benchmarks and n those whose
  computed status (benchmarks.py) is met or on track;
- **open risks**: the risks not closed (open or being mitigated), with the highest score
  (likelihood × impact, 1–25) among them;
- **partners engaged**: n of m, where m counts the live partners and n those who took part in
  an interaction in the last ENGAGED_DAYS days (up to now: planned ones do not count), among the
  interactions the member may see.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.db.models import Count, Exists, F, Max, OuterRef, Q

from cityweave.engagement.services import interactions_visible_to
from cityweave.partnerships import benchmarks
from cityweave.partnerships.models import Benchmark, Partner, Partnership, Risk
from cityweave.workspaces.models import Membership

#: How recent an interaction keeps a partner engaged, in days.
ENGAGED_DAYS = 90

HEALTH_RULE = (
    "Benchmarks on track: met or on track by their computed status, of all benchmarks. "
    "Open risks: risks not closed (open or being mitigated), with the highest likelihood × "
    f"impact score among them. Partners engaged: partners who took part in an interaction in the "
    f"last {ENGAGED_DAYS} days, of all partners."
)


@dataclass(frozen=True)
class Health:
    """One partnership's health (see the module's docstring); counts are whole numbers and
    `top_risk` is a score 1–25, or None without open risks."""

    benchmarks_on_track: int = 0
    benchmarks: int = 0
    open_risks: int = 0
    top_risk: int | None = None
    partners_engaged: int = 0
    partners: int = 0

    @property
    def benchmarks_behind(self) -> int:
        """Benchmarks neither met nor on track (at risk, missed or not started)."""
        return self.benchmarks - self.benchmarks_on_track


def partnership_health(
    member: Membership,
    partnerships: Sequence[Partnership],
    today: dt.date,
    now: dt.datetime,
) -> dict[int, Health]:
    """The health of each partnership (by pk) on `today` (the workspace's date) at `now`, in
    four queries whatever the number of partnerships, benchmarks, risks or partners."""
    ids = [p.pk for p in partnerships]
    if not ids:
        return {}
    on_track: dict[int, list[int]] = {pk: [0, 0] for pk in ids}
    items = benchmarks.with_progress(Benchmark.objects.filter(partnership_id__in=ids))
    for benchmark, state in benchmarks.states(items, today):
        counts = on_track[benchmark.partnership_id]
        counts[0] += state.going_well
        counts[1] += 1
    risks = {
        row["partnership_id"]: row
        for row in Risk.objects.filter(partnership_id__in=ids)
        .exclude(status=Risk.Status.CLOSED)
        .values("partnership_id")
        .annotate(count=Count("pk"), top=Max(F("likelihood") * F("impact")))
        .order_by()
    }
    recent = interactions_visible_to(member).filter(
        participants=OuterRef("stakeholder_id"),
        occurred_at__gt=now - dt.timedelta(days=ENGAGED_DAYS),
        occurred_at__lte=now,
    )
    engaged = {
        row["partnership_id"]: row
        for row in Partner.objects.filter(
            partnership_id__in=ids, stakeholder__deleted_at__isnull=True
        )
        .values("partnership_id")
        .annotate(count=Count("pk"), engaged=Count("pk", filter=Q(Exists(recent))))
        .order_by()
    }
    health = {}
    for pk in ids:
        risk = risks.get(pk, {})
        partner = engaged.get(pk, {})
        health[pk] = Health(
            benchmarks_on_track=on_track[pk][0],
            benchmarks=on_track[pk][1],
            open_risks=risk.get("count", 0),
            top_risk=risk.get("top"),
            partners_engaged=partner.get("engaged", 0),
            partners=partner.get("count", 0),
        )
    return health
