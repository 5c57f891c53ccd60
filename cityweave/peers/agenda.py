"""A convening's agenda: scheduling accepted sessions into rooms and times with no room and no
presenter double-booked, the agenda by day, time and room, and the agenda as iCalendar (RFC 5545).

Times are the host city's (its time zone, UTC when it has none); a session runs from `starts_at`
up to, not including, `ends_at`, so one ending at 10:00 and another starting at 10:00 do not
overlap. Each VEVENT's UID is the session's stable uid, so a calendar app updates an event
rather than duplicating it when the agenda is imported again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from icalendar import Calendar, Event

from cityweave.peers import convenings
from cityweave.peers.access import NetworkMember, require_staff_editor
from cityweave.peers.models import Convening, Delegate, Session, SessionStatus
from cityweave.storable import moment_problem

PRODID = "-//cityweave//network convenings//EN"
CONTENT_TYPE = "text/calendar; charset=utf-8"


def _moment(value: object, convening: Convening, name: str) -> dt.datetime:
    """`value` (a datetime, or an ISO 8601 text) as an aware datetime; a naive one is in the
    convening's time zone. ValidationError on `name`."""
    if isinstance(value, str) and value.strip():
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError({name: "Give a date and time, e.g. 2026-05-12 09:30."}) from None
    if not isinstance(value, dt.datetime):
        raise ValidationError({name: "Give a date and time."})
    if timezone.is_naive(value):
        value = value.replace(tzinfo=convenings.convening_zone(convening))
    problem = moment_problem(value)
    if problem:
        raise ValidationError({name: problem})
    return value


def overlaps(
    a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime, b_end: dt.datetime
) -> bool:
    """Whether two half-open intervals [start, end) share a moment."""
    return a_start < b_end and b_start < a_end


@transaction.atomic
def schedule_session(member: NetworkMember, session: Session, data: dict[str, Any]) -> Session:
    """Put a session on the agenda (accepting it if it was only proposed): `room` (text),
    `starts_at` and `ends_at` (datetimes; naive ones in the host city's time zone) and
    `presenters` (ids of the convening's delegates). Staff editors only. Refused, with
    nothing written, by a ValidationError naming each bad field: `status` for a declined
    session; `starts_at`/`ends_at` missing, in the wrong order or outside the convening's days;
    `room` when another session holds the room at an overlapping time; `presenters` when one is
    no delegate of the convening or presents elsewhere at an overlapping time."""
    require_staff_editor(member)
    if session.network_id != member.network.pk or session.in_trash:
        raise Http404("No such session")
    convening = (
        Convening.objects.select_for_update(of=("self",))
        .select_related("host_city")
        .get(pk=session.convening_id)
    )
    zone = convenings.convening_zone(convening)
    errors: dict[str, list[str]] = {}
    if session.status == SessionStatus.DECLINED:
        errors["status"] = ["The session was declined: accept it before scheduling it."]
    room = str(data.get("room") or "").strip()
    if not room:
        errors["room"] = ["Give the room."]
    elif len(room) > 100:
        errors["room"] = ["Use at most 100 characters."]
    times: dict[str, dt.datetime] = {}
    for name in ("starts_at", "ends_at"):
        try:
            times[name] = _moment(data.get(name), convening, name)
        except ValidationError as error:
            errors.setdefault(name, []).extend(error.message_dict[name])
    if len(times) == 2:
        starts, ends = times["starts_at"], times["ends_at"]
        if ends <= starts:
            errors.setdefault("ends_at", []).append("The session must end after it starts.")
        first, last = convening.starts_on, convening.ends_on
        for name, moment in times.items():
            day = moment.astimezone(zone).date()
            # A session may end at midnight closing its last day.
            if name == "ends_at" and moment.astimezone(zone).time() == dt.time(0):
                day -= dt.timedelta(days=1)
            if not first <= day <= last:
                errors.setdefault(name, []).append(
                    f"Outside the convening's days ({first:%-d %b} to {last:%-d %b %Y})."
                )
    presenter_ids = list(dict.fromkeys(int(pk) for pk in data.get("presenters") or []))
    presenters = list(convenings.badges(convening).filter(pk__in=presenter_ids))
    unknown = sorted(set(presenter_ids) - {d.pk for d in presenters})
    if unknown:
        errors.setdefault("presenters", []).append(
            f"No such delegate of this convening: {', '.join(map(str, unknown))}."
        )
    if not errors:
        starts, ends = times["starts_at"], times["ends_at"]
        others = [
            s
            for s in convenings.sessions(convening).exclude(pk=session.pk)
            if s.is_scheduled
            and s.ends_at is not None
            and s.starts_at is not None
            and overlaps(starts, ends, s.starts_at, s.ends_at)
        ]
        for other in others:
            if other.room.casefold() == room.casefold():
                errors.setdefault("room", []).append(
                    f"{other.room} is booked for “{other}” {_span(other, zone)}."
                )
        chosen = {d.pk for d in presenters}
        for other in others:
            for person in other.presenters.all():
                if person.pk in chosen:
                    errors.setdefault("presenters", []).append(
                        f"{person} presents “{other}” {_span(other, zone)}."
                    )
    if errors:
        raise ValidationError(errors)
    session.status = SessionStatus.ACCEPTED
    session.room, session.starts_at, session.ends_at = room, times["starts_at"], times["ends_at"]
    session.save()
    session.presenters.set(presenters)
    return session


def _span(session: Session, zone: Any) -> str:
    assert session.starts_at is not None and session.ends_at is not None
    start, end = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
    return f"on {start:%a %-d %b} from {start:%H:%M} to {end:%H:%M}"


@transaction.atomic
def unschedule_session(member: NetworkMember, session: Session) -> Session:
    """Take a session off the agenda (it stays accepted); staff editors only."""
    require_staff_editor(member)
    if session.network_id != member.network.pk or session.in_trash:
        raise Http404("No such session")
    session.room, session.starts_at, session.ends_at = "", None, None
    session.save()
    session.presenters.clear()
    return session


@dataclass(frozen=True)
class AgendaSlot:
    """A scheduled session in the host city's local time."""

    session: Session
    starts: dt.datetime
    ends: dt.datetime
    presenters: list[Delegate]


@dataclass(frozen=True)
class AgendaDay:
    """One day of the agenda: its sessions by start time, then room."""

    day: dt.date
    slots: list[AgendaSlot]


def agenda(convening: Convening, rows: Iterable[Session]) -> list[AgendaDay]:
    """The scheduled sessions of `rows` (from `convenings.sessions`, presenters loaded) by day,
    time and room, in the host city's time zone. No query."""
    zone = convenings.convening_zone(convening)
    days: dict[dt.date, list[AgendaSlot]] = {}
    for session in rows:
        if not session.is_scheduled or session.ends_at is None:
            continue
        assert session.starts_at is not None
        starts, ends = session.starts_at.astimezone(zone), session.ends_at.astimezone(zone)
        slot = AgendaSlot(session, starts, ends, list(session.presenters.all()))
        days.setdefault(starts.date(), []).append(slot)
    return [
        AgendaDay(day, sorted(slots, key=lambda s: (s.starts, s.session.room.casefold())))
        for day, slots in sorted(days.items())
    ]


def agenda_ics(convening: Convening, rows: Iterable[Session]) -> bytes:
    """The agenda as an iCalendar file: one VEVENT per scheduled session, with UID (the
    session's uid), DTSTAMP (its last change), DTSTART and DTEND (UTC), SUMMARY, LOCATION
    (venue, room) and DESCRIPTION (format, proposing city, presenters, description)."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"{convening.title}: agenda")
    for day in agenda(convening, rows):
        for slot in day.slots:
            session = slot.session
            event = Event()
            event.add("uid", f"{session.uid}@cityweave")
            event.add("dtstamp", session.updated_at.astimezone(dt.UTC))
            event.add("dtstart", slot.starts.astimezone(dt.UTC))
            event.add("dtend", slot.ends.astimezone(dt.UTC))
            event.add("summary", session.title)
            event.add("location", f"{convening.venue}, {session.room}")
            lines = [f"{session.get_format_display()} proposed by {session.city}."]
            if slot.presenters:
                lines.append("Presenters: " + ", ".join(str(p) for p in slot.presenters) + ".")
            if session.description:
                lines.append(session.description)
            event.add("description", "\n".join(lines))
            calendar.add_component(event)
    return calendar.to_ical()
