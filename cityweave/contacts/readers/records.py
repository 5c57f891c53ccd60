"""What a file reader yields: contact and event records, the rows it could not read, and ReadError."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Generic, TypeVar


class ReadError(ValueError):
    """The file as a whole cannot be read (unreadable bytes, wrong format).

    `line` is the 1-based line (or spreadsheet row) the problem was found on, when there is one;
    the message already names it.
    """

    def __init__(self, message: str, line: int | None = None) -> None:
        self.line = line
        super().__init__(f"line {line}: {message}" if line is not None else message)


@dataclass(frozen=True)
class RowError:
    """A row, card or event that could not be read; the rest of the file still is.

    `row` is the 1-based line of the file where the row, card or event starts (for a spreadsheet,
    its row number); `field` names the field or property at fault, or is None for the whole row.
    """

    row: int
    field: str | None
    reason: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", {self.field}" if self.field else "")
        return f"{where}: {self.reason}"


@dataclass
class ContactRecord:
    """One person (or organisation, `kind="org"`) read from a contact file.

    `row` is the 1-based line (spreadsheet row, vCard's BEGIN line) it was read from; `full_name` is
    the name as written (or given and family names joined); the lists keep the file's order, without
    duplicates; `connected_on` is the date the contact was made (LinkedIn's "Connected On").
    """

    row: int
    full_name: str
    given_name: str = ""
    family_name: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)
    title: str = ""
    url: str = ""
    notes: str = ""
    connected_on: dt.date | None = None
    kind: str = "individual"


@dataclass(frozen=True)
class Attendee:
    """A person named by an event: email address (lower-case, without `mailto:`) and name (CN)."""

    email: str
    name: str = ""


@dataclass
class EventRecord:
    """One calendar event (or one occurrence of a recurring event) read from an .ics file.

    `start` and `end` are aware datetimes, or dates for an all-day event (`all_day`), whose `end`
    is exclusive as in iCalendar (a one-day event ends the next day). `recurrence_id` identifies an
    occurrence of a recurring event (ISO 8601 of its original start), None for a single event; the
    pair (uid, recurrence_id) is stable across re-imports of the same file. `row` is the line of the
    event's BEGIN:VEVENT.
    """

    row: int
    uid: str
    summary: str
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date
    all_day: bool
    attendees: list[Attendee] = field(default_factory=list)
    organiser: Attendee | None = None
    location: str = ""
    description: str = ""
    recurrence_id: str | None = None
    recurring: bool = False
    #: STATUS:CANCELLED: the event (or this occurrence) did not take place.
    cancelled: bool = False


T = TypeVar("T")


@dataclass
class ReadResult(Generic[T]):
    """What a reader read from one file: the records, and the rows it could not read, in file order."""

    records: list[T] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
