"""Follow-ups in the member's own calendar: a private iCalendar feed (RFC 5545) of their open
commitments, planned meetings and goal deadlines, and a single meeting as an `.ics` invitation.

Every event carries a UID (the record's stable uid, so a calendar app updates rather than
duplicates it on the next refresh) and a DTSTAMP (the record's last change, in UTC). Due dates and
deadlines are all-day events (`DTSTART;VALUE=DATE`, never a midnight datetime); meetings are in
the workspace's time zone, written with a TZID and its VTIMEZONE.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from cityweave.engagement.models import Commitment, Interaction
from cityweave.engagement.services import interactions_visible_to, workspace_zone
from cityweave.goals.models import Goal
from cityweave.reminders.models import CalendarFeed
from cityweave.reminders.services import promise_line
from cityweave.workspaces.models import Membership, Role

#: A planned interaction without a length of its own (`duration_minutes`) lasts this long.
MEETING_LENGTH = dt.timedelta(hours=1)
#: Planned meetings further ahead than this stay out of the feed (calendar apps refresh it).
FEED_HORIZON = dt.timedelta(days=366)
PRODID = "-//cityweave//relationship manager//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def feed_of(member: Membership) -> CalendarFeed | None:
    """The member's calendar feed, or None while it is turned off."""
    return CalendarFeed.objects.filter(member=member).first()


def regenerate_feed(member: Membership) -> CalendarFeed:
    """Give the member a feed with a new secret token; a previous URL stops working at once."""
    feed, _ = CalendarFeed.objects.update_or_create(
        member=member,
        defaults={"token": secrets.token_urlsafe(32), "created_at": timezone.now()},
    )
    return feed


def revoke_feed(member: Membership) -> bool:
    """Turn the member's feed off. Returns whether there was one."""
    deleted, _ = CalendarFeed.objects.filter(member=member).delete()
    return bool(deleted)


def feed_url(feed: CalendarFeed, base: str = "") -> str:
    """The feed's absolute address, on `base` (the address the page was asked on) or else the
    site's public URL (`CITYWEAVE_URL`)."""
    return _absolute(reverse("calendar-feed", args=[feed.token]), base)


def feed_member(token: str) -> Membership | None:
    """The membership whose feed has this token, or None (unknown, revoked, or too long)."""
    if not token or len(token) > 64:
        return None
    feed = (
        CalendarFeed.objects.filter(token=token)
        .select_related("member__workspace", "member__user")
        .first()
    )
    return feed.member if feed else None


def _absolute(path: str, base: str = "") -> str:
    return (base or settings.CITYWEAVE_URL).rstrip("/") + path


def _stamp(moment: dt.datetime | None) -> dt.datetime:
    return (moment or timezone.now()).astimezone(dt.UTC)


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    return calendar


def _all_day(uid: str, stamp: dt.datetime, day: dt.date, summary: str, url: str) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", stamp)
    event.add("dtstart", day)
    event.add("dtend", day + dt.timedelta(days=1))
    event.add("summary", summary)
    event.add("url", url)
    event.add("transp", "TRANSPARENT")  # a due date does not make the member busy
    return event


def _meeting(interaction: Interaction, zone: dt.tzinfo, base: str = "") -> Event:
    start = interaction.occurred_at.astimezone(zone)
    event = Event()
    event.add("uid", f"interaction-{interaction.uid}@cityweave")
    event.add("dtstamp", _stamp(interaction.updated_at))
    event.add("dtstart", start)
    length = (
        dt.timedelta(minutes=interaction.duration_minutes)
        if interaction.duration_minutes
        else MEETING_LENGTH
    )
    event.add("dtend", start + length)
    event.add("summary", interaction.summary)
    if interaction.notes:
        event.add("description", interaction.notes)
    event.add(
        "url",
        _absolute(
            reverse("interactions:detail", args=[interaction.workspace.slug, interaction.pk]), base
        ),
    )
    return event


def _responsible(member: Membership) -> Q:
    """Records the member answers for: their own, and, for an owner, those nobody owns (the
    notifications' rule: `services.current_items`)."""
    mine = Q(owner=member)
    return mine | Q(owner__isnull=True) if member.role == Role.OWNER else mine


def member_calendar(member: Membership, now: dt.datetime | None = None, base: str = "") -> bytes:
    """The member's feed as iCalendar bytes (UTF-8, CRLF lines).

    Holds: open commitments the member owns, on their due dates (all day); active goals' deadlines
    the member owns (all day); records nobody owns go to the workspace's owners; interactions from
    `now` to `now + FEED_HORIZON` the member authored or attends, other members' private ones never.
    """
    now = now or timezone.now()
    workspace = member.workspace
    zone = workspace_zone(workspace)
    calendar = _calendar(f"cityweave · {workspace.name}")
    commitments = (
        Commitment.objects.filter(workspace=workspace, status=Commitment.Status.OPEN)
        .filter(_responsible(member))
        .select_related("stakeholder")
        .order_by("due_on", "pk")
    )
    for commitment in commitments:
        # As the notifications word it: the stakeholder named once, "(owed to us)" when theirs.
        summary = f"Due: {promise_line(commitment)}"
        calendar.add_component(
            _all_day(
                f"commitment-{commitment.uid}@cityweave",
                _stamp(commitment.updated_at),
                commitment.due_on,
                summary,
                _absolute(
                    reverse("commitments:detail", args=[workspace.slug, commitment.pk]), base
                ),
            )
        )
    goals = (
        Goal.objects.filter(workspace=workspace, status=Goal.Status.ACTIVE, deadline__isnull=False)
        .filter(_responsible(member))
        .order_by("deadline", "pk")
    )
    for goal in goals:
        calendar.add_component(
            _all_day(
                f"goal-{goal.uid}@cityweave",
                _stamp(goal.updated_at),
                goal.deadline,
                f"Goal deadline: {goal.statement}",
                _absolute(reverse("goals:detail", args=[workspace.slug, goal.pk]), base),
            )
        )
    meetings = (
        interactions_visible_to(member)
        .filter(occurred_at__gte=now, occurred_at__lte=now + FEED_HORIZON)
        .filter(Q(author=member) | Q(members_present=member))
        .select_related("workspace")
        .distinct()
        .order_by("occurred_at", "pk")
    )
    for interaction in meetings:
        calendar.add_component(_meeting(interaction, zone, base))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _attendee(email: str, name: str, role: str = "REQ-PARTICIPANT") -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name)
    address.params["role"] = vText(role)
    address.params["partstat"] = vText("NEEDS-ACTION")
    return address


def interaction_invitation(interaction: Interaction, base: str = "") -> bytes:
    """One planned (or past) interaction as a single-event `.ics` file to send or import: its
    participants and the members present with an email are ATTENDEEs, its author the ORGANIZER
    (METHOD:REQUEST); without an author's email it is published (METHOD:PUBLISH)."""
    workspace = interaction.workspace
    calendar = _calendar(f"cityweave · {workspace.name}")
    event = _meeting(interaction, workspace_zone(workspace), base)
    author = interaction.author.user if interaction.author else None
    if author is not None and author.email:
        organizer = vCalAddress(f"mailto:{author.email}")
        organizer.params["cn"] = vText(author.name or author.email)
        event.add("organizer", organizer)
        calendar.add("method", "REQUEST")
    else:
        calendar.add("method", "PUBLISH")
    organizer_email = author.email if author is not None else ""
    for address in _attendees(interaction, skip=organizer_email):
        event.add("attendee", address, encode=False)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _attendees(interaction: Interaction, skip: str = "") -> Iterable[vCalAddress]:
    """Participants, then members present, with an email, each address once and not `skip`'s
    (the organizer's)."""
    seen: set[str] = {skip.casefold()} if skip else set()
    for stakeholder in interaction.participants.filter(deleted_at__isnull=True).order_by("pk"):
        if stakeholder.email and stakeholder.email.casefold() not in seen:
            seen.add(stakeholder.email.casefold())
            yield _attendee(stakeholder.email, stakeholder.name)
    for member in interaction.members_present.select_related("user").order_by("pk"):
        email = member.user.email
        if email and email.casefold() not in seen:
            seen.add(email.casefold())
            yield _attendee(email, member.user.name or email)
