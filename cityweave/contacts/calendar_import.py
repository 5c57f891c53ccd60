"""A calendar into interactions: a plan of the meetings an .ics file's past events become (the
preview and dry run), and applying it in one transaction.

Each event (each occurrence of a recurring one) within the period that has ended becomes one
meeting. Its attendees and organiser are matched by email, case-insensitively: a workspace
member's address makes them a member present; a live stakeholder's address makes that stakeholder
a participant; any other person is a *new person*, created once as a stakeholder however many
events they attend, unless the importer decides to leave them out (`decisions[email] = "skip"`).
Calendar robots (Google's group and resource calendars) are nobody. An event with no one from
outside the office is skipped, with the reason.

Re-importing creates nothing new: the event's identity (UID, and the occurrence's RECURRENCE-ID
for a recurring one) is kept on the interaction (`Interaction.source_uid`), and an event already
imported is skipped, also when its interaction has since gone to the trash (it was removed on
purpose; restore it from the trash to have it back).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from cityweave.contacts.importing import (
    CREATE,
    ERROR,
    MAX_ROWS,
    SKIP,
    ImportProblem,
    tag_stakeholders,
)
from cityweave.contacts.readers.records import EventRecord, ReadResult
from cityweave.engagement.models import Interaction
from cityweave.stakeholders.models import Stakeholder, sector_choices
from cityweave.storable import DATE_RANGE_MESSAGE, EARLIEST_DATE, LATEST_DATE
from cityweave.workspaces.models import Membership, Workspace
from cityweave.workspaces.signals import records_changed

#: What a person decides for someone the workspace does not know: create them (the default) or
#: leave them out of every event.
PERSON_DECISIONS = ("create", "skip")
#: Counts of a calendar plan besides the events' actions.
IMPORTED, NEW_PEOPLE = "imported before", "new people"
#: The longest notes an event gives its interaction (its description and location).
NOTES_MAX = 4_000
#: The longest summary an interaction holds.
SUMMARY_MAX = Interaction._meta.get_field("summary").max_length or 300
#: Address domains of calendars rather than people (Google's shared and room calendars).
ROBOT_DOMAINS = ("calendar.google.com", "resource.calendar.google.com")


@dataclass
class PlannedEvent:
    """What the import will do with one event, or one occurrence of a recurring event.

    `action` is "create", "skip" or "error" (`reason` says why); `key` is the event's identity,
    stored as the interaction's `source_uid`. `stakeholders` are the ids of known participants,
    `new_people` the emails of people to be created, `members` the ids of members present.
    `occurred_at` is the start (an all-day event: noon of its day in the workspace's zone, so
    no zone shifts its date).
    """

    row: int
    action: str
    title: str
    key: str = ""
    occurred_at: dt.datetime | None = None
    day: dt.date | None = None
    all_day: bool = False
    notes: str = ""
    stakeholders: list[int] = field(default_factory=list)
    new_people: list[str] = field(default_factory=list)
    members: list[int] = field(default_factory=list)
    reason: str = ""
    #: Once applied: the interaction created.
    interaction: int | None = None


@dataclass
class CalendarPlan:
    """An import's events in file order (occurrences in time order), the people it will create
    ({email: name}) and those left out, and the names of the stakeholders and members it names."""

    rows: list[PlannedEvent]
    new_people: dict[str, str]
    left_out: dict[str, str]
    sector: str
    names: dict[int, str] = field(default_factory=dict)
    member_names: dict[int, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """How many events to create, skipped (and of those, imported before) and with errors,
        and how many people will be created."""
        tally = dict.fromkeys((CREATE, SKIP, IMPORTED, ERROR), 0)
        for row in self.rows:
            tally[row.action] += 1
            if row.action == SKIP and row.reason == IMPORTED_REASON:
                tally[IMPORTED] += 1
                tally[SKIP] -= 1
        tally[NEW_PEOPLE] = len(self.new_people)
        return tally


IMPORTED_REASON = "imported before"

#: How each count of a calendar plan reads: (one, several), before and after the import.
COUNT_LABELS = {
    CREATE: ("meeting to create", "meetings to create"),
    SKIP: ("event skipped", "events skipped"),
    IMPORTED: ("imported before", "imported before"),
    ERROR: ("event with an error", "events with errors"),
    NEW_PEOPLE: ("new stakeholder", "new stakeholders"),
}
DONE_LABELS = {
    **COUNT_LABELS,
    CREATE: ("meeting created", "meetings created"),
    NEW_PEOPLE: ("new stakeholder created", "new stakeholders created"),
}


def summary(counts: dict[str, int], *, done: bool = False) -> str:
    """The counts that are not zero, as "3 meetings to create, 1 event skipped, 2 new
    stakeholders", or once `done` as "3 meetings created, …"."""
    labels = DONE_LABELS if done else COUNT_LABELS
    return ", ".join(
        f"{n} {labels[key][0 if n == 1 else 1]}" for key, n in counts.items() if n and key in labels
    )


def event_key(event: EventRecord) -> str:
    """The identity of an event across exports: its UID, and for an occurrence of a recurring
    event its RECURRENCE-ID (ISO 8601); hashed (sha256:...) when longer than the field holds."""
    key = f"{event.uid}|{event.recurrence_id}" if event.recurrence_id else event.uid
    if len(key) > 255:
        key = "sha256:" + hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    return key


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last twelve months up to `today`, both days included."""
    try:
        start = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        start = today.replace(year=today.year - 1, day=28)
    return start + dt.timedelta(days=1), today


def read_period(period_from: dt.date, period_to: dt.date) -> tuple[dt.date, dt.date]:
    """The reader's period for days `period_from` to `period_to` included (its end exclusive);
    ImportProblem naming the field when a day lies outside the supported years or `period_to`
    comes before `period_from`."""
    for name, day in (("period_from", period_from), ("period_to", period_to)):
        if not EARLIEST_DATE <= day <= LATEST_DATE:
            raise ImportProblem(name, DATE_RANGE_MESSAGE)
    if period_to < period_from:
        raise ImportProblem("period_to", "the period ends before it starts.")
    if (period_to - period_from).days > 366 * 5:
        raise ImportProblem("period_to", "a period of at most five years, please.")
    return period_from, period_to + dt.timedelta(days=1)


def _robot(email: str) -> bool:
    domain = email.rpartition("@")[2]
    return any(domain == robot or domain.endswith("." + robot) for robot in ROBOT_DOMAINS)


def _person_name(email: str, name: str) -> str:
    """The name of a new person: their CN, else their address's local part in words."""
    name = name.strip()
    if name and name.casefold() != email.casefold():
        return name[:200]
    local = email.partition("@")[0].replace(".", " ").replace("_", " ").replace("-", " ")
    return " ".join(part.capitalize() for part in local.split())[:200] or email[:200]


def _notes(event: EventRecord) -> str:
    parts = [event.description.strip()] if event.description.strip() else []
    if event.location.strip():
        parts.append(f"Where: {event.location.strip()}")
    if event.all_day:
        parts.append("All day.")
    notes = "\n\n".join(parts)
    return notes if len(notes) <= NOTES_MAX else notes[: NOTES_MAX - 1] + "…"


def plan_calendar(
    workspace: Workspace,
    read: ReadResult[EventRecord],
    *,
    sector: str,
    decisions: dict[str, str] | None = None,
    now: dt.datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CalendarPlan:
    """What importing the events of `read` into `workspace` would do; nothing is written.

    `sector` is given to each new person (a key of the workspace's sectors; ImportProblem
    otherwise); `decisions` maps a new person's email (lower case) to "create" or "skip"; an
    event that ends after `now` (default: now) has not happened and is skipped. More than
    MAX_ROWS events: ImportProblem. `progress(done, total)` is called every 500 events.
    An attendee whose stakeholder is in the trash is neither matched nor offered as new.
    Cost: five queries (live and trashed stakeholders' emails, members' emails, events imported
    before, and the names shown), then a dictionary lookup per attendee.
    """
    if sector not in {key for key, _ in sector_choices(workspace)}:
        raise ImportProblem("sector", f"“{sector}” is not one of this workspace's sectors.")
    events = len(read.records) + len(read.errors)
    if events > MAX_ROWS:
        raise ImportProblem(
            "file",
            f"{events:,} events; an import takes at most {MAX_ROWS:,}: choose a shorter period.",
        )
    now = now or timezone.now()
    decisions = {email.casefold(): d for email, d in (decisions or {}).items()}
    zone = zoneinfo.ZoneInfo(workspace.timezone)
    stakeholders: dict[str, int] = {}
    for pk, email in (
        Stakeholder.objects.filter(workspace=workspace)
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", "email")
    ):
        stakeholders.setdefault(email.casefold(), pk)
    # People whose stakeholder is in the trash are not offered again as new (a duplicate).
    trashed = {
        email.casefold()
        for email in Stakeholder.all_objects.filter(workspace=workspace, deleted_at__isnull=False)
        .exclude(email="")
        .values_list("email", flat=True)
    } - stakeholders.keys()
    members: dict[str, int] = {}
    member_names: dict[int, str] = {}
    for pk, email, name in Membership.objects.filter(workspace=workspace).values_list(
        "pk", "user__email", "user__name"
    ):
        if email:
            members.setdefault(email.casefold(), pk)
        member_names[pk] = name or email
    imported = set(
        Interaction.all_objects.filter(workspace=workspace)
        .exclude(source_uid="")
        .values_list("source_uid", flat=True)
    )
    rows = [
        PlannedEvent(
            error.row,
            ERROR,
            "",
            reason=f"{error.field}: {error.reason}" if error.field else error.reason,
        )
        for error in read.errors
    ]
    new_people: dict[str, str] = {}
    left_out: dict[str, str] = {}
    seen: set[str] = set()
    total = len(read.records)
    for done, event in enumerate(read.records, 1):
        if progress and done % 500 == 0:
            progress(done, total)
        rows.append(
            _plan_event(
                event,
                zone,
                now,
                decisions,
                stakeholders,
                members,
                imported,
                seen,
                new_people,
                left_out,
                trashed,
            )
        )
    rows.sort(key=lambda planned: (planned.row, planned.occurred_at or now))
    used = {pk for row in rows if row.action == CREATE for pk in row.stakeholders}
    names = dict(Stakeholder.objects.filter(pk__in=used).values_list("pk", "name")) if used else {}
    if progress:
        progress(total, total)
    return CalendarPlan(rows, new_people, left_out, sector, names, member_names)


def _plan_event(
    event: EventRecord,
    zone: zoneinfo.ZoneInfo,
    now: dt.datetime,
    decisions: dict[str, str],
    stakeholders: dict[str, int],
    members: dict[str, int],
    imported: set[str],
    seen: set[str],
    new_people: dict[str, str],
    left_out: dict[str, str],
    trashed: set[str],
) -> PlannedEvent:
    title = (event.summary or "Calendar event")[:SUMMARY_MAX]
    key = event_key(event)
    if event.all_day:
        assert not isinstance(event.start, dt.datetime)
        day = event.start
        occurred_at = dt.datetime.combine(day, dt.time(12), tzinfo=zone)
        ended = dt.datetime.combine(event.end, dt.time.min, tzinfo=zone) <= now  # type: ignore[arg-type]
    else:
        assert isinstance(event.start, dt.datetime) and isinstance(event.end, dt.datetime)
        occurred_at = event.start
        day = event.start.astimezone(zone).date()
        ended = event.end <= now
    planned = PlannedEvent(
        event.row, SKIP, title, key, occurred_at, day, event.all_day, _notes(event)
    )
    if key in seen:
        planned.reason = "repeats an event earlier in the file (same UID)"
        return planned
    seen.add(key)
    if key in imported:
        planned.reason = IMPORTED_REASON
        return planned
    if event.cancelled:
        planned.reason = "cancelled"
        return planned
    if not ended:
        planned.reason = "has not happened yet"
        return planned
    people = [*event.attendees]
    if event.organiser and event.organiser.email not in {a.email for a in people}:
        people.insert(0, event.organiser)
    outsiders = in_trash = 0
    for person in people:
        email = person.email.casefold()
        if email in members:
            if members[email] not in planned.members:
                planned.members.append(members[email])
        elif email in stakeholders:
            if stakeholders[email] not in planned.stakeholders:
                planned.stakeholders.append(stakeholders[email])
        elif _robot(email):
            continue
        elif email in trashed:
            in_trash += 1
        elif decisions.get(email) == "skip":
            left_out.setdefault(email, _person_name(email, person.name))
            outsiders += 1
        else:
            new_people.setdefault(email, _person_name(email, person.name))
            if email not in planned.new_people:
                planned.new_people.append(email)
    if not planned.stakeholders and not planned.new_people:
        planned.reason = (
            "no attendees with an email address"
            if not people
            else "the people from outside the office were left out"
            if outsiders
            else "its people from outside the office are in the trash (restore them to import it)"
            if in_trash
            else "no one from outside the office"
        )
        return planned
    planned.action = CREATE
    return planned


@dataclass
class CalendarOutcome:
    """What an import wrote: interaction ids and the new stakeholders' ids."""

    interactions: list[int] = field(default_factory=list)
    created: list[int] = field(default_factory=list)


def apply_calendar(
    workspace: Workspace, plan: CalendarPlan, *, author: Membership | None = None, tag: str = ""
) -> CalendarOutcome:
    """Write a plan's meetings and new people in one transaction (all or nothing); `author`
    becomes each meeting's author, `tag` (optional) is added to each new person. Sets each
    created row's `interaction`. Ties' last contacts follow (`records_changed`). ImportProblem
    when another import wrote one of these events meanwhile (nothing is written then)."""
    outcome = CalendarOutcome()
    creates = [row for row in plan.rows if row.action == CREATE]
    wanted = {email for row in creates for email in row.new_people}
    people = [(email, name) for email, name in plan.new_people.items() if email in wanted]
    try:
        with transaction.atomic():
            made = Stakeholder.objects.bulk_create(
                _new_person(workspace, plan.sector, email, name) for email, name in people
            )
            person_ids = {email: person.pk for (email, _), person in zip(people, made, strict=True)}
            outcome.created = [person.pk for person in made]
            interactions = Interaction.objects.bulk_create(
                Interaction(
                    workspace=workspace,
                    occurred_at=row.occurred_at or timezone.now(),  # always set when CREATE
                    kind=Interaction.Kind.MEETING,
                    summary=row.title,
                    notes=row.notes,
                    author=author,
                    source_uid=row.key,
                )
                for row in creates
            )
            participants = Interaction.participants.through
            present = Interaction.members_present.through
            links, there = [], []
            for row, interaction in zip(creates, interactions, strict=True):
                row.interaction = interaction.pk
                ids = dict.fromkeys([*row.stakeholders, *(person_ids[e] for e in row.new_people)])
                links += [
                    participants(interaction_id=interaction.pk, stakeholder_id=pk) for pk in ids
                ]
                there += [
                    present(interaction_id=interaction.pk, membership_id=pk) for pk in row.members
                ]
            participants.objects.bulk_create(links, batch_size=2_000)
            present.objects.bulk_create(there, batch_size=2_000)
            outcome.interactions = [interaction.pk for interaction in interactions]
            if tag and outcome.created:
                tag_stakeholders(workspace, tag, outcome.created)
            if outcome.created:
                records_changed.send(sender=Stakeholder, workspace=workspace, pks=outcome.created)
            if outcome.interactions:
                records_changed.send(
                    sender=Interaction, workspace=workspace, pks=outcome.interactions
                )
    except IntegrityError:
        for row in creates:
            row.interaction = None
        raise ImportProblem(
            "file", "another import wrote some of these events meanwhile; preview it again."
        ) from None
    return outcome


def _new_person(workspace: Workspace, sector: str, email: str, name: str) -> Stakeholder:
    person = Stakeholder(
        workspace=workspace,
        kind=Stakeholder.Kind.PERSON,
        name=name,
        email=email,
        sector=sector,
        notes="Met in a calendar event; imported from the calendar.",
    )
    person.fill_names()
    return person


def report_rows(plan: CalendarPlan) -> list[list[Any]]:
    """The plan's events for the job's report: [row, action, title, reason, interaction id,
    {"date", "participants", "new", "members"}] in file order."""
    return [
        [
            row.row,
            row.action,
            row.title,
            row.reason,
            row.interaction,
            {
                "date": row.day.isoformat() if row.day else "",
                "participants": [plan.names.get(pk, "") for pk in row.stakeholders],
                "new": [plan.new_people.get(email, email) for email in row.new_people],
                "members": [plan.member_names.get(pk, "") for pk in row.members],
            },
        ]
        for row in plan.rows
    ]
