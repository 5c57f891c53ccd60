"""Follow-ups where people look: what needs each member's attention now (commitments due or
overdue, relationships gone cold, goal deadlines), kept as notifications, and the email digest.

The notifications page, `cityweave digest` and the worker's hourly round all call these.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from cityweave.engagement.health import COLD, workspace_statuses
from cityweave.engagement.models import Commitment
from cityweave.engagement.services import workspace_today, workspace_zone
from cityweave.goals.models import Goal
from cityweave.network.models import RECORDED, NetworkSnapshot
from cityweave.network.services import stored_result
from cityweave.reminders.models import DigestFrequency, DigestPreference, DigestRound, Notification
from cityweave.stakeholders.models import Tie
from cityweave.workspaces.models import Membership, Role, Workspace

logger = logging.getLogger("cityweave.reminders")

#: An open commitment is "due soon" this many days ahead of its due date.
DUE_SOON_DAYS = 7
#: An active goal's deadline is "near" this many days ahead.
DEADLINE_SOON_DAYS = 14
#: The cold relationships that matter most, per member: more would bury the rest.
COLD_TIES_PER_MEMBER = 5
#: Digests go out from this hour, the workspace's local time.
DIGEST_HOUR = 7
#: A weekly digest waits this long after the last one.
WEEK = dt.timedelta(days=7)
UNSUBSCRIBE_SALT = "cityweave.reminders.unsubscribe"


@dataclass(frozen=True)
class Item:
    """Something that needs attention now, and who should hear of it (membership ids)."""

    kind: str
    object_id: int
    state: str
    title: str
    url: str
    on: dt.date | None
    recipients: tuple[int, ...]
    #: Higher first, among the cold relationships of one member.
    rank: tuple[float, ...] = field(default=(), compare=False)


def _short(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def promise_line(commitment: Commitment) -> str:
    """A commitment as a line: what was promised, and to or by whom unless it says so already."""
    name, description = commitment.stakeholder.name, commitment.description
    named = name.casefold() in description.casefold()
    if commitment.owed_by == Commitment.OwedBy.US:
        return description if named else f"{description} (for {name})"
    return f"{description} (owed to us)" if named else f"{description} (owed to us by {name})"


def current_items(workspace: Workspace, now: dt.datetime | None = None) -> list[Item]:
    """Everything that needs attention in the workspace now.

    - open commitments due within DUE_SOON_DAYS ("due-soon") or past due ("overdue"), either
      way owed, to their owner;
    - active goals whose deadline is within DEADLINE_SOON_DAYS ("deadline-soon") or passed
      ("deadline-passed"), to their owner;
    - cold relationships (`engagement.health`: longer without contact than the tie's maximum
      gap, twice its ideal cadence unless it sets one),
      to their owner, each member's COLD_TIES_PER_MEMBER that matter most: the counterpart's
      influence (1-5), then the active goals its stakeholders serve, then their PageRank in the
      last finished network analysis.

    Records without an owner go to the workspace's owners. Titles never carry a contact date,
    which may come from another member's private interaction.
    """
    now = now or timezone.now()
    today = workspace_today(workspace)
    owners = tuple(
        Membership.objects.filter(workspace=workspace, role=Role.OWNER)
        .order_by("pk")
        .values_list("pk", flat=True)
    )

    def to(owner_id: int | None) -> tuple[int, ...]:
        return (owner_id,) if owner_id is not None else owners

    items: list[Item] = []
    commitments = Commitment.objects.filter(
        workspace=workspace,
        status=Commitment.Status.OPEN,
        due_on__lte=today + dt.timedelta(days=DUE_SOON_DAYS),
    ).select_related("stakeholder")
    for commitment in commitments:
        overdue = commitment.due_on < today
        what = promise_line(commitment)
        when = (
            f"overdue since {_short(commitment.due_on)}"
            if overdue
            else f"due {_short(commitment.due_on)}"
        )
        items.append(
            Item(
                Notification.Kind.COMMITMENT,
                commitment.pk,
                "overdue" if overdue else "due-soon",
                f"{what}: {when}",
                reverse("commitments:detail", args=[workspace.slug, commitment.pk]),
                commitment.due_on,
                to(commitment.owner_id),
            )
        )
    goals = Goal.objects.filter(
        workspace=workspace,
        status=Goal.Status.ACTIVE,
        deadline__lte=today + dt.timedelta(days=DEADLINE_SOON_DAYS),
    )
    for goal in goals:
        passed = goal.deadline < today
        when = (
            f"deadline passed on {_short(goal.deadline)}"
            if passed
            else f"deadline {_short(goal.deadline)}"
        )
        items.append(
            Item(
                Notification.Kind.GOAL,
                goal.pk,
                "deadline-passed" if passed else "deadline-soon",
                f"Goal {when}: {goal.statement}",
                reverse("goals:detail", args=[workspace.slug, goal.pk]),
                goal.deadline,
                to(goal.owner_id),
            )
        )
    items += _cold_ties(workspace, now, to)
    return items


def _cold_ties(
    workspace: Workspace, now: dt.datetime, to: Callable[[int | None], tuple[int, ...]]
) -> list[Item]:
    """The cold relationships that matter most, per member (see `current_items`)."""
    statuses = workspace_statuses(workspace, now)
    cold = [pk for pk, (status, _) in statuses.items() if status == COLD]
    if not cold:
        return []
    ties = list(
        Tie.objects.filter(pk__in=cold)
        .select_related("source", "target")
        .only("pk", "owner_id", "cadence_days", "max_cadence_days", "source__name", "target__name")
    )
    ends = {end for tie in ties for end in (tie.source_id, tie.target_id)}
    serving = dict(
        Goal.objects.filter(workspace=workspace, status=Goal.Status.ACTIVE)
        .filter(stakeholders__in=ends)
        .values_list("stakeholders")
        .annotate(n=Count("pk", distinct=True))
    )
    pagerank = _pagerank(workspace)
    by_member: dict[int, list[Item]] = defaultdict(list)
    for tie in ties:
        importance = statuses[tie.pk][1]
        rank = (
            float(importance),
            float(sum(serving.get(end, 0) for end in (tie.source_id, tie.target_id))),
            max(pagerank.get(tie.source_id, 0.0), pagerank.get(tie.target_id, 0.0)),
        )
        cadence = (
            f"; contact wanted every {tie.cadence_days} days, at most every {tie.max_gap_days}"
            if tie.cadence_days
            else ""
        )
        item = Item(
            Notification.Kind.TIE,
            tie.pk,
            "cold",
            f"Gone cold: {tie.source.name} and {tie.target.name}{cadence}",
            reverse("ties:detail", args=[workspace.slug, tie.pk]),
            None,
            to(tie.owner_id),
            rank,
        )
        for member_id in item.recipients:
            by_member[member_id].append(item)
    chosen: dict[tuple[int, int], Item] = {}
    for member_id, found in by_member.items():
        found.sort(key=lambda item: (item.rank, -item.object_id), reverse=True)
        for item in found[:COLD_TIES_PER_MEMBER]:
            chosen[(member_id, item.object_id)] = item
    # One Item per member: the same tie may be among one owner's five and not another's.
    return [
        Item(
            item.kind,
            item.object_id,
            item.state,
            item.title,
            item.url,
            item.on,
            (member,),
            item.rank,
        )
        for (member, _), item in sorted(chosen.items())
    ]


def _pagerank(workspace: Workspace) -> dict[int, float]:
    """Each stakeholder's PageRank in the last finished analysis ({} before the first)."""
    snapshot = (
        NetworkSnapshot.objects.filter(
            workspace=workspace, view=RECORDED, computed_at__isnull=False
        )
        .defer("result", "layout")
        .first()
    )
    if snapshot is None:
        return {}
    nodes = stored_result(snapshot).get("nodes") or []
    return {
        node["id"]: float(node.get("pagerank") or 0.0)
        for node in nodes
        if isinstance(node.get("id"), int)
    }


@dataclass(frozen=True)
class Refreshed:
    """What a refresh changed: notifications created and resolved."""

    created: int
    resolved: int


def refresh_notifications(workspace: Workspace, now: dt.datetime | None = None) -> Refreshed:
    """Bring the workspace's notifications in line with `current_items`: a notification for each
    (member, item, state) not yet noticed; those whose item no longer needs attention (done,
    trashed, warmed up, moved on to another state) resolved. Safe to run at any time and from
    several processes at once: the (member, kind, object, state) key is unique."""
    now = now or timezone.now()
    wanted = {
        (member_id, item.kind, item.object_id, item.state): item
        for item in current_items(workspace, now)
        for member_id in item.recipients
    }
    open_rows = Notification.objects.filter(workspace=workspace, resolved_at__isnull=True)
    existing = {
        (row.member_id, row.kind, row.object_id, row.state): row.pk
        for row in open_rows.only("pk", "member_id", "kind", "object_id", "state")
    }
    gone = [pk for key, pk in existing.items() if key not in wanted]
    resolved = Notification.objects.filter(pk__in=gone).update(resolved_at=now) if gone else 0
    new = [
        Notification(
            workspace=workspace,
            member_id=key[0],
            kind=item.kind,
            object_id=item.object_id,
            state=item.state,
            title=item.title[:400],
            url=item.url,
            on=item.on,
            created_at=now,
        )
        for key, item in wanted.items()
        if key not in existing
    ]
    # A key resolved before and needing attention again (reopened commitment) reopens its row.
    reopen = Q()
    for row in new:
        reopen |= Q(
            member_id=row.member_id, kind=row.kind, object_id=row.object_id, state=row.state
        )
    reopened = 0
    if new:
        reopened_rows = Notification.objects.filter(
            reopen, workspace=workspace, resolved_at__isnull=False
        )
        reopened_keys = set(reopened_rows.values_list("member_id", "kind", "object_id", "state"))
        reopened = reopened_rows.update(resolved_at=None, read_at=None, emailed_at=None)
        new = [
            row
            for row in new
            if (row.member_id, row.kind, row.object_id, row.state) not in reopened_keys
        ]
        Notification.objects.bulk_create(new, ignore_conflicts=True)
    return Refreshed(len(new) + reopened, resolved)


def unread_count(member: Membership) -> int:
    """The member's notifications that still need attention and are unread."""
    return Notification.objects.filter(
        member=member, resolved_at__isnull=True, read_at__isnull=True
    ).count()


def notifications_of(member: Membership) -> Iterable[Notification]:
    """The member's notifications that still need attention: unread first; among them the
    earliest due date or deadline first (the most overdue), then the cold relationships, newest
    noticed first."""
    return Notification.objects.filter(member=member, resolved_at__isnull=True).order_by(
        F("read_at").desc(nulls_first=True),
        F("on").asc(nulls_last=True),
        "-created_at",
        "pk",
    )


def mark_read(member: Membership, ids: Iterable[int] | None = None) -> int:
    """Mark the member's notifications read (all of them when `ids` is None); another
    member's ids are ignored. Returns how many changed."""
    rows = Notification.objects.filter(member=member, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())


def preference_of(member: Membership) -> DigestPreference:
    """The member's digest preference (weekly until they choose)."""
    preference, _ = DigestPreference.objects.get_or_create(member=member)
    return preference


def frequency_of(member: Membership) -> str:
    """How often the member gets the digest: "daily", "weekly" (until they choose) or "never"."""
    found = DigestPreference.objects.filter(member=member).values_list("frequency", flat=True)
    return found.first() or DigestFrequency.WEEKLY


def set_frequency(member: Membership, frequency: str) -> DigestPreference:
    """Set how often the member gets the digest: "daily", "weekly" or "never"."""
    if frequency not in DigestFrequency.values:
        raise ValueError(f"frequency must be one of {', '.join(DigestFrequency.values)}")
    preference = preference_of(member)
    preference.frequency = frequency
    preference.save(update_fields=["frequency"])
    return preference


def unsubscribe_token(member: Membership) -> str:
    """A signed token naming the membership, for the one-click unsubscribe link (no expiry:
    an old digest's link must still work)."""
    return signing.dumps(member.pk, salt=UNSUBSCRIBE_SALT, compress=True)


def member_from_token(token: str) -> Membership | None:
    """The membership an unsubscribe token names, or None for a forged or stale one."""
    try:
        pk = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if not isinstance(pk, int):
        return None
    return Membership.objects.select_related("workspace", "user").filter(pk=pk).first()


def digest_due(preference: DigestPreference | None, now: dt.datetime, zone: dt.tzinfo) -> bool:
    """Whether the member's digest should go now: not before DIGEST_HOUR local time; daily once
    per local day, weekly once a WEEK; never for "never". No preference row means weekly."""
    frequency = preference.frequency if preference else DigestFrequency.WEEKLY
    if frequency == DigestFrequency.NEVER:
        return False
    local = now.astimezone(zone)
    if local.hour < DIGEST_HOUR:
        return False
    last = preference.last_sent_at if preference else None
    if last is None:
        return True
    if frequency == DigestFrequency.DAILY:
        return last.astimezone(zone).date() < local.date()
    return now - last >= WEEK - dt.timedelta(hours=1)


@dataclass(frozen=True)
class Digest:
    """One member's digest: to whom, and the notifications it lists."""

    member: Membership
    notifications: list[Notification]


def send_digests(
    workspace: Workspace | None = None,
    *,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    force: bool = False,
) -> list[Digest]:
    """Refresh the notifications of `workspace` (every workspace when None), then email each
    member whose digest is due (`digest_due`; every member but those who chose "never" when
    `force`) the notifications not emailed before: each item once per state. A member with
    nothing new gets no email. `dry_run` computes the same digests and sends and records
    nothing (notifications are still refreshed). Returns the digests (sent or, dry, that would be).

    Email goes through Django's email framework (CITYWEAVE_SMTP_HOST and friends); links start
    with CITYWEAVE_URL. A failed send leaves that member's items un-emailed for the next round.
    """
    now = now or timezone.now()
    workspaces = [workspace] if workspace else list(Workspace.objects.order_by("pk"))
    digests: list[Digest] = []
    for each in workspaces:
        if not dry_run:
            refresh_notifications(each, now)
        # A dry run reads what a refresh would notice, once for the workspace.
        items = current_items(each, now) if dry_run else []
        zone = workspace_zone(each)
        members = Membership.objects.filter(workspace=each).select_related(
            "user", "workspace", "digest_preference"
        )
        for member in members:
            preference = getattr(member, "digest_preference", None)
            if force:
                if preference and preference.frequency == DigestFrequency.NEVER:
                    continue
            elif not digest_due(preference, now, zone):
                continue
            if dry_run:
                pending = [item for item in items if member.pk in item.recipients]
                already = set(
                    Notification.objects.filter(
                        member=member, emailed_at__isnull=False
                    ).values_list("kind", "object_id", "state")
                )
                fresh = [
                    Notification(
                        workspace=each,
                        member=member,
                        kind=item.kind,
                        object_id=item.object_id,
                        state=item.state,
                        title=item.title,
                        url=item.url,
                        on=item.on,
                    )
                    for item in pending
                    if (item.kind, item.object_id, item.state) not in already
                ]
                if fresh:
                    digests.append(Digest(member, fresh))
                continue
            rows = list(
                Notification.objects.filter(
                    member=member, resolved_at__isnull=True, emailed_at__isnull=True
                ).order_by("kind", "on", "pk")
            )
            if not rows:
                continue
            try:
                _email(member, rows)
            except Exception:  # noqa: BLE001 (one member's mail server trouble must not stop the round)
                logger.exception("The digest to %s could not be sent.", member.user.email)
                continue
            with transaction.atomic():
                Notification.objects.filter(pk__in=[row.pk for row in rows]).update(emailed_at=now)
                DigestPreference.objects.update_or_create(
                    member=member, defaults={"last_sent_at": now}
                )
            digests.append(Digest(member, rows))
    return digests


def absolute(path: str) -> str:
    """`path` on the server people reach cityweave at (CITYWEAVE_URL)."""
    return settings.CITYWEAVE_URL.rstrip("/") + path


def _email(member: Membership, rows: list[Notification]) -> None:
    """Send one member's digest: plain text, with a one-click unsubscribe (RFC 8058)."""
    workspace = member.workspace
    unsubscribe = absolute(reverse("unsubscribe", args=[unsubscribe_token(member)]))
    groups = {
        label: [row for row in rows if row.kind == kind]
        for kind, label in (
            (Notification.Kind.COMMITMENT, "Commitments"),
            (Notification.Kind.GOAL, "Goal deadlines"),
            (Notification.Kind.TIE, "Relationships gone cold"),
        )
    }
    body = render_to_string(
        "reminders/digest_email.txt",
        {
            "member": member,
            "workspace": workspace,
            "groups": [
                (label, [(row, absolute(row.url)) for row in found])
                for label, found in groups.items()
                if found
            ],
            "count": len(rows),
            "notifications_url": absolute(reverse("notifications:list", args=[workspace.slug])),
            "unsubscribe_url": unsubscribe,
        },
    )
    subject = f"{workspace.name}: {len(rows)} thing{'s' if len(rows) != 1 else ''} to follow up"
    message = EmailMultiAlternatives(
        subject,
        body,
        None,
        [member.user.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
        connection=get_connection(fail_silently=False),
    )
    message.send()


def claim_round(now: dt.datetime | None = None) -> bool:
    """Claim this hour's digest round for this process: True for the first caller of the hour
    across every worker sharing the database, False for the rest."""
    now = now or timezone.now()
    hour = now.replace(minute=0, second=0, microsecond=0)
    try:
        with transaction.atomic():
            DigestRound.objects.create(hour=hour)
    except IntegrityError:
        return False
    DigestRound.objects.filter(hour__lt=hour - dt.timedelta(days=30)).delete()
    return True
