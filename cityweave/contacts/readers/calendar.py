"""iCalendar (.ics) exports of Outlook, Google and Apple, read with `icalendar`: time zones as the
file gives them (Windows zone names mapped to Olson, Google's X-WR-TIMEZONE applied by
`x-wr-timezone`), all-day events kept as dates, recurring events expanded within a period by
`recurring-ical-events`, attendees by email and name."""

from __future__ import annotations

import datetime as dt
import re
import warnings
import zoneinfo
from collections.abc import Iterable, Iterator
from typing import Any

from .records import Attendee, EventRecord, ReadError, ReadResult, RowError
from .text import decode

_CONTENT_LINE = re.compile(r'^[A-Za-z0-9-]+(?:;(?:[^:";]*|"[^"]*")*)*:', re.ASCII)
_BEGIN_END = re.compile(r"^(BEGIN|END):([A-Za-z0-9-]+)\s*$", re.IGNORECASE)

Period = tuple[dt.date | dt.datetime, dt.date | dt.datetime]

#: The most recurrence steps a series may take, from its start to the period's end, to be expanded:
#: a rule repeating every second for years would otherwise hold a server process for hours.
MAX_EXPANSION_STEPS = 200_000
#: Seconds between the steps of each RRULE frequency (a month and a year at their longest).
_FREQUENCY_SECONDS = {
    "SECONDLY": 1, "MINUTELY": 60, "HOURLY": 3_600, "DAILY": 86_400, "WEEKLY": 604_800,
    "MONTHLY": 2_678_400, "YEARLY": 31_622_400,
}  # fmt: skip


def olson_zone(tzid: str) -> zoneinfo.ZoneInfo | None:
    """The Olson zone a TZID names: an Olson name itself, or a Windows name Outlook writes
    (`W. Europe Standard Time` -> Europe/Berlin); None when it is neither."""
    from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

    name = tzid.strip().strip('"').strip("/")
    name = WINDOWS_TO_OLSON.get(name, name)
    if not name or name.startswith(("/", ".")) or ".." in name:
        return None
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _clean(text: str) -> tuple[str, list[int], list[RowError]]:
    """Our own pass before icalendar's: unfold lines, drop what is not a content line, drop an
    event holding such a line. Returns the cleaned text, the file line of each VEVENT kept (in
    order), and the RowErrors of what was dropped."""
    physical = text.split("\n")
    logical: list[tuple[int, str]] = []
    for number, line in enumerate(physical, start=1):
        if line[:1] in (" ", "\t") and logical:
            logical[-1] = (logical[-1][0], logical[-1][1] + line[1:])
        elif line.strip():
            logical.append((number, line))
    kept: list[str] = []
    event_lines: list[int] = []
    errors: list[RowError] = []
    stack: list[str] = []
    event: list[str] | None = None  # the lines of the VEVENT being read
    event_start = 0
    event_broken: str | None = None
    for number, line in logical:
        marker = _BEGIN_END.match(line.strip())
        if marker:
            kind, name = marker[1].upper(), marker[2].upper()
            if kind == "BEGIN":
                stack.append(name)
                if name == "VEVENT" and event is None:
                    event, event_start, event_broken = [], number, None
            else:
                if not stack or stack[-1] != name:
                    errors.append(
                        RowError(number, None, f"END:{name} does not close an open BEGIN; skipped")
                    )
                    continue
                stack.pop()
            target = event if event is not None else kept
            target.append(line.strip())
            if kind == "END" and name == "VEVENT" and event is not None and "VEVENT" not in stack:
                if event_broken:
                    errors.append(RowError(event_start, None, event_broken))
                else:
                    kept.extend(event)
                    event_lines.append(event_start)
                event = None
            continue
        if not _CONTENT_LINE.match(line):
            reason = f"line {number} is not an iCalendar content line (NAME:value): {line[:40]!r}"
            if event is not None:
                event_broken = event_broken or f"this event is not readable: {reason}"
            else:
                errors.append(RowError(number, None, reason + "; skipped"))
            continue
        (event if event is not None else kept).append(line)
    if event is not None:
        errors.append(RowError(event_start, None, "this event has no END:VEVENT"))
    while stack:
        kept.append(f"END:{stack.pop()}")
    return "\r\n".join(kept) + "\r\n", event_lines, errors


def _aware(value: Any, tzid: str | None, default: dt.tzinfo) -> dt.datetime | dt.date:
    """A DTSTART/DTEND value made aware: an Olson zone for the TZID where there is one (the VTIMEZONE
    icalendar built otherwise), `default` for a floating time; a date stays a date."""
    if not isinstance(value, dt.datetime):
        if isinstance(value, dt.date):
            return value
        raise ValueError(f"{value!r} is not a date or a date-time")
    if tzid:
        zone = olson_zone(tzid)
        if zone is not None:
            return value.replace(tzinfo=zone)
    if value.tzinfo is None or value.utcoffset() is None:
        return value.replace(tzinfo=default)
    return value


def _tzid(prop: Any) -> str | None:
    params = getattr(prop, "params", None)
    value = params.get("TZID") if params else None
    return str(value) if value else None


def _address(prop: Any) -> Attendee | None:
    """An ATTENDEE or ORGANIZER as an Attendee; None without an email address."""
    text = str(prop).strip()
    email = re.sub(r"^mailto:", "", text, flags=re.IGNORECASE).strip().lower()
    if "@" not in email or " " in email:
        return None
    params = getattr(prop, "params", None) or {}
    return Attendee(email=email, name=str(params.get("CN", "")).strip().strip('"'))


def _attendees(component: Any) -> list[Attendee]:
    props = component.get("ATTENDEE")
    if props is None:
        return []
    attendees: list[Attendee] = []
    for prop in props if isinstance(props, list) else [props]:
        params = getattr(prop, "params", None) or {}
        if str(params.get("PARTSTAT", "")).upper() == "DECLINED":
            continue  # said no: not at the meeting
        attendee = _address(prop)
        if attendee and attendee.email not in {a.email for a in attendees}:
            attendees.append(attendee)
    return attendees


def _problem(component: Any) -> tuple[str | None, str] | None:
    """Why an event can't be imported: (property, reason), or None when it can."""
    for prop, message in getattr(component, "errors", []):
        return prop, f"not readable: {message}"
    if not str(component.get("UID", "")).strip():
        return "UID", "the event has no UID"
    if component.get("DTSTART") is None:
        return "DTSTART", "the event has no start (DTSTART)"
    for name in ("DTSTART", "DTEND", "DURATION", "RECURRENCE-ID"):
        prop = component.get(name)
        if prop is not None:
            try:
                prop.dt  # noqa: B018 - reading it is the check
            except Exception as error:
                return name, f"not readable: {error}"
    return None


def _record(component: Any, row: int, default: dt.tzinfo, recurring: bool) -> EventRecord:
    """An event (or an occurrence from the expansion) as an EventRecord."""
    start_prop = component["DTSTART"]
    start = _aware(start_prop.dt, _tzid(start_prop), default)
    all_day = not isinstance(start, dt.datetime)
    end_prop = component.get("DTEND")
    if end_prop is not None:
        end = _aware(end_prop.dt, _tzid(end_prop) or _tzid(start_prop), default)
    elif component.get("DURATION") is not None:
        end = start + component["DURATION"].dt
    else:
        end = start + dt.timedelta(days=1) if all_day else start
    if all_day != (not isinstance(end, dt.datetime)):
        end = start + dt.timedelta(days=1) if all_day else start
    if all_day and end <= start:  # some exports end an all-day event on its own day
        end = start + dt.timedelta(days=1)
    recurrence_id = None
    if recurring and component.get("RECURRENCE-ID") is not None:
        rid = component["RECURRENCE-ID"]
        recurrence_id = _aware(rid.dt, _tzid(rid) or _tzid(start_prop), default).isoformat()
    organiser = component.get("ORGANIZER")
    return EventRecord(
        row=row,
        uid=str(component.get("UID", "")).strip(),
        summary=str(component.get("SUMMARY", "")).strip(),
        start=start,
        end=end,
        all_day=all_day,
        attendees=_attendees(component),
        organiser=_address(organiser) if organiser is not None else None,
        location=str(component.get("LOCATION", "")).strip(),
        description=str(component.get("DESCRIPTION", "")).strip(),
        recurrence_id=recurrence_id,
        recurring=recurring,
        cancelled=str(component.get("STATUS", "")).strip().upper() == "CANCELLED",
    )


def _expansion_steps(event: Any, period_end: dt.date | dt.datetime) -> int:
    """An upper estimate of the steps expanding `event`'s RRULEs up to `period_end` takes: the
    span from its DTSTART (or to its UNTIL) over each rule's step, times the times of day its
    BYHOUR, BYMINUTE and BYSECOND lists add, capped by its COUNT. 0 for an event with no rule."""
    rules = event.get("RRULE")
    if rules is None:
        return 0
    start = event["DTSTART"].dt
    as_moment = _moment(start)
    end = _moment(period_end)
    total = 0
    for rule in rules if isinstance(rules, list) else [rules]:
        frequency = str((rule.get("FREQ") or ["DAILY"])[0]).upper()
        interval = max(1, int((rule.get("INTERVAL") or [1])[0]))
        stop = end
        if rule.get("UNTIL"):
            stop = min(stop, _moment(rule["UNTIL"][0]))
        span = max(0.0, (stop - as_moment).total_seconds())
        steps = span / (_FREQUENCY_SECONDS.get(frequency, 86_400) * interval) + 1
        for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
            steps *= max(1, len(rule.get(part) or []))
        if rule.get("COUNT"):
            steps = min(steps, int(rule["COUNT"][0]))
        total += int(steps)
    return total


def _moment(value: dt.date | dt.datetime) -> dt.datetime:
    """A date or datetime as an aware datetime (UTC where it has no zone), for estimates."""
    if not isinstance(value, dt.datetime):
        value = dt.datetime.combine(value, dt.time())
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def _period_bounds(period: Period) -> Period:
    start, end = period
    if end <= start:  # type: ignore[operator]
        raise ValueError("the period's end must come after its start")
    return start, end


def _series(
    events: list[tuple[int, Any]],
) -> Iterator[tuple[int, list[Any], bool]]:
    """Events grouped by UID in file order: (line of the first, its events, whether it recurs)."""
    groups: dict[str, list[tuple[int, Any]]] = {}
    for row, event in events:
        groups.setdefault(str(event["UID"]).strip(), []).append((row, event))
    for members in groups.values():
        recurring = any(
            e.get("RRULE") is not None
            or e.get("RDATE") is not None
            or e.get("RECURRENCE-ID") is not None
            for _, e in members
        )
        yield members[0][0], [e for _, e in members], recurring


def _occurrences(query: Any, bounds: Period) -> Iterator[Any]:
    """The occurrences of `query`'s series within `bounds`, one at a time (recurring-ical-events'
    `between` makes the whole list first)."""
    start, stop = query.to_datetime(bounds[0]), query.to_datetime(bounds[1])
    for series in query.series:
        for occurrence in series.between(start, stop):
            yield occurrence.as_component(query.keep_recurrence_attributes)


def read_calendar(
    data: bytes,
    *,
    period: Period | None = None,
    default_timezone: dt.tzinfo = dt.UTC,
    limit: int | None = None,
) -> ReadResult[EventRecord]:
    """Read the events of an .ics file.

    With a `period` (start, end) of dates or aware datetimes, every event and every occurrence of
    a recurring event within it is read (recurring series expanded, moved occurrences as the file
    moved them); without one, each VEVENT is read once as written (`recurring` tells a series).
    Times keep the file's zone (Olson for Windows names; X-WR-TIMEZONE for floating times, then
    `default_timezone`); all-day events have dates. Records are numbered by the line of their
    BEGIN:VEVENT; an event without UID or start, or with an unreadable property, is a RowError,
    and so is a series that repeats too often to expand (more than MAX_EXPANSION_STEPS steps from
    its start to the period's end). Attendees who declined are left out; `cancelled` tells a
    cancelled event or occurrence. Raises ReadError when the bytes are not an iCalendar file or
    hold more than `limit` events and occurrences (counted as they are expanded, so a huge
    series is refused at once); ValueError for an empty period.
    """
    import icalendar
    import recurring_ical_events
    import x_wr_timezone

    bounds = _period_bounds(period) if period is not None else None
    text = decode(data).lstrip("\ufeff")
    first = next((line.strip().upper() for line in text.split("\n") if line.strip()), "")
    if first not in ("BEGIN:VCALENDAR", "BEGIN:VEVENT"):
        raise ReadError("not an iCalendar file: it does not start with BEGIN:VCALENDAR", line=1)
    cleaned, event_lines, errors = _clean(text)
    result: ReadResult[EventRecord] = ReadResult(errors=errors)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            components = icalendar.Component.from_ical(cleaned, multiple=True)
        except Exception as error:  # icalendar raises ValueError and others on broken files
            raise ReadError(f"not a readable iCalendar file ({error})") from None
        calendars = []
        for component in components:
            if component.name == "VEVENT":
                wrapper = icalendar.Calendar()
                wrapper.add_component(component)
                component = wrapper
            if component.name != "VCALENDAR":
                continue
            try:
                calendars.append(x_wr_timezone.to_standard(component))
            except Exception as error:
                raise ReadError(
                    f"the calendar's time zone (X-WR-TIMEZONE) can't be applied ({error})"
                ) from None
        events: list[tuple[int, Any]] = []
        lines = iter(event_lines)
        for calendar in calendars:
            timezones = [tz for tz in calendar.subcomponents if tz.name == "VTIMEZONE"]
            for event in calendar.subcomponents:
                if event.name != "VEVENT":
                    continue
                row = next(lines, 1)
                problem = _problem(event)
                if problem:
                    result.errors.append(RowError(row, problem[0], problem[1]))
                else:
                    events.append((row, event))
            for row, members, recurring in _series(events):
                try:
                    if bounds is None:
                        occurrences: Iterable[Any] = members
                    else:
                        steps = sum(_expansion_steps(event, bounds[1]) for event in members)
                        if steps > MAX_EXPANSION_STEPS:
                            result.errors.append(
                                RowError(
                                    row,
                                    "RRULE",
                                    f"repeats too often to expand: about {steps:,} repetitions "
                                    f"from its start to the period's end (at most "
                                    f"{MAX_EXPANSION_STEPS:,})",
                                )
                            )
                            continue
                        series = icalendar.Calendar()
                        for component in [*timezones, *members]:
                            series.add_component(component)
                        occurrences = _occurrences(recurring_ical_events.of(series), bounds)
                    records = []
                    for occurrence in occurrences:
                        records.append(_record(occurrence, row, default_timezone, recurring))
                        if limit is not None and len(result.records) + len(records) > limit:
                            raise ReadError(
                                f"more than {limit:,} events and repetitions in the period; "
                                f"an import takes at most {limit:,}: choose a shorter period",
                                line=row,
                            )
                except ReadError:
                    raise
                except Exception as error:  # a rule or time the libraries can't follow
                    field = "RRULE" if recurring else None
                    result.errors.append(RowError(row, field, f"not readable: {error}"))
                    continue
                result.records.extend(records)
            events = []
    result.errors.sort(key=lambda error: error.row)
    return result
