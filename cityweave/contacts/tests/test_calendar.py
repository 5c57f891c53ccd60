"""The .ics reader: Outlook, Google and Apple exports, the RFC examples and broken calendars."""

import datetime as dt
import zoneinfo

import pytest

from cityweave.contacts.readers import Attendee, ReadError, RowError, read_calendar
from cityweave.contacts.readers.calendar import olson_zone

YEAR_2024 = (dt.date(2024, 1, 1), dt.date(2025, 1, 1))
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def test_outlooks_windows_zone_names_become_olson_zones(sample):
    result = read_calendar(sample("made_up_outlook_windows_tzid.ics"), period=YEAR_2024)
    assert result.errors == []
    meeting = result.records[0]
    assert meeting.summary == "Partnerschaftstreffen"
    assert meeting.start == dt.datetime(2024, 6, 12, 10, 0, tzinfo=BERLIN)
    assert isinstance(meeting.start, dt.datetime)
    assert meeting.start.tzinfo == BERLIN
    assert meeting.end == dt.datetime(2024, 6, 12, 11, 30, tzinfo=BERLIN)
    assert meeting.start.utcoffset() == dt.timedelta(hours=2)  # summer time
    assert meeting.organiser == Attendee("anna.schmidt@stadt.example", "Anna Schmidt")
    assert meeting.attendees == [
        Attendee("pierre.martin@ville.example", "Pierre Martin"),
        Attendee("pat@partner.example", "pat@partner.example"),
    ]
    assert meeting.location == "Rathaus, Raum 2"
    assert meeting.description == "Agenda:\n1. Jugendaustausch\n2. Klimapartnerschaft"
    assert (meeting.recurring, meeting.recurrence_id, meeting.row) == (False, None, 20)
    weekly = result.records[1:]
    assert [e.start for e in weekly] == [
        dt.datetime(2024, 1, day, 9, 0, tzinfo=NEW_YORK) for day in (5, 12, 19, 26)
    ]
    assert {e.uid for e in weekly} == {"040000008200E00074C5B7101A82E008000000000000000000000001"}
    assert [e.recurrence_id for e in weekly] == [e.start.isoformat() for e in weekly]
    assert all(e.recurring and e.row == 34 for e in weekly)


def test_olson_zone_knows_windows_and_olson_names_only():
    assert olson_zone("W. Europe Standard Time") == BERLIN
    assert olson_zone('"Europe/Berlin"') == BERLIN
    assert olson_zone("Canberra, Melbourne, Sydney") is None
    assert olson_zone("../../etc/passwd") is None


def test_googles_x_wr_timezone_and_a_moved_occurrence(sample):
    result = read_calendar(sample("made_up_google_x_wr_timezone.ics"), period=YEAR_2024)
    assert result.errors == []
    review = [e for e in result.records if e.uid == "monthly-review@google.com"]
    assert [(e.start, e.summary) for e in review] == [
        (dt.datetime(2024, 3, 1, 9, 0, tzinfo=CHICAGO), "Monthly review"),
        (dt.datetime(2024, 4, 1, 9, 0, tzinfo=CHICAGO), "Monthly review"),
        (dt.datetime(2024, 5, 1, 10, 0, tzinfo=CHICAGO), "Monthly review (moved)"),
        (dt.datetime(2024, 6, 1, 9, 0, tzinfo=CHICAGO), "Monthly review"),
        (dt.datetime(2024, 7, 1, 9, 0, tzinfo=CHICAGO), "Monthly review"),
        (dt.datetime(2024, 8, 1, 9, 0, tzinfo=CHICAGO), "Monthly review"),
        (dt.datetime(2024, 9, 1, 9, 0, tzinfo=CHICAGO), "Monthly review"),
        (dt.datetime(2024, 10, 1, 9, 0, tzinfo=CHICAGO), "Monthly review"),
        (dt.datetime(2024, 11, 1, 9, 0, tzinfo=CHICAGO), "Monthly review"),
        (dt.datetime(2024, 12, 1, 9, 0, tzinfo=CHICAGO), "Monthly review"),
    ]
    assert len({(e.uid, e.recurrence_id) for e in review}) == len(review)  # stable, unique keys
    assert review[0].attendees[0] == Attendee("lee@chamber.example", "Lee Park")
    festival = next(e for e in result.records if e.uid == "festival@google.com")
    assert (festival.start, festival.end, festival.all_day) == (
        dt.date(2024, 7, 4),
        dt.date(2024, 7, 6),
        True,
    )
    floating = next(e for e in result.records if e.uid == "floating@google.com")
    assert floating.start == dt.datetime(2024, 4, 20, 9, 0, tzinfo=CHICAGO)


def test_without_a_period_each_event_reads_once_as_written(sample):
    result = read_calendar(sample("made_up_google_x_wr_timezone.ics"))
    assert [(e.uid, e.recurring, e.recurrence_id) for e in result.records] == [
        ("monthly-review@google.com", True, None),
        ("monthly-review@google.com", True, "2024-05-01T09:00:00-05:00"),
        ("festival@google.com", False, None),
        ("floating@google.com", False, None),
    ]


def test_a_floating_time_without_x_wr_timezone_takes_the_default_zone():
    data = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTAMP:20240101T000000Z\r\n"
        b"DTSTART:20240110T090000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    (event,) = read_calendar(data, default_timezone=BERLIN).records
    assert event.start == dt.datetime(2024, 1, 10, 9, 0, tzinfo=BERLIN)
    assert event.end == event.start


def test_the_rfc_examples(sample):
    (conference,) = read_calendar(sample("rfc5545_sec4_example1.ics")).records
    assert conference.uid == "uid1@example.com"
    assert conference.start == dt.datetime(1996, 9, 18, 14, 30, tzinfo=dt.UTC)
    (review,) = read_calendar(sample("rfc5545_sec4_example2.ics")).records
    assert review.start == dt.datetime(1998, 3, 12, 8, 30, tzinfo=NEW_YORK)
    assert review.attendees == [Attendee("employee-a@example.com", "")]
    (interop,) = read_calendar(sample("rfc5545_sec4_example3.ics")).records
    assert interop.attendees == [Attendee("jsmith@example.com", "")]
    for todo_or_journal in ("4", "5", "6"):  # no VEVENT: nothing to read, nothing wrong
        result = read_calendar(sample(f"rfc5545_sec4_example{todo_or_journal}.ics"))
        assert (result.records, result.errors) == ([], [])


def test_the_icalendar_and_vobject_examples(sample):
    holidays = read_calendar(sample("icalendar_tests_example.ics")).records
    assert [(e.start, e.end, e.all_day) for e in holidays][:1] == [
        (dt.date(2022, 1, 1), dt.date(2022, 1, 2), True)  # its DTEND is its DTSTART: one day
    ]
    (custom_zone,) = read_calendar(sample("icalendar_tests_america_new_york.ics")).records
    assert isinstance(custom_zone.start, dt.datetime)
    assert custom_zone.start.utcoffset() == dt.timedelta(hours=-4)
    (sydney,) = read_calendar(sample("vobject_ms_tzid.ics")).records  # the file's VTIMEZONE
    assert isinstance(sydney.start, dt.datetime)
    assert sydney.start.utcoffset() == dt.timedelta(hours=10)
    (radicale,) = read_calendar(sample("vobject_radicale-0816.ics")).records
    assert radicale.summary == "STG"
    daily = read_calendar(
        sample("vobject_ruby_rrule.ics"), period=(dt.date(2003, 1, 1), dt.date(2003, 2, 1))
    )
    assert len(daily.records) == 10
    assert read_calendar(sample("icalendar_tests_calendar_with_unicode.ics")).records == []
    assert read_calendar(sample("vobject_vtodo.ics")).records == []


@pytest.mark.parametrize(
    ("name", "errors"),
    [
        (
            "icalendar_tests_broken_dtstart.ics",
            [
                RowError(
                    4,
                    "DTSTART",
                    "not readable: Expected datetime, date, or time. Got: 'INVALID-DATE'",
                )
            ],
        ),
        (
            "icalendar_tests_invalid_duration.ics",
            [
                RowError(
                    4,
                    "DURATION",
                    "not readable: Impractical iCalendar duration: P999999999999999999W",
                )
            ],
        ),
        (
            "icalendar_tests_issue_104_broken_calendar.ics",
            [
                RowError(4, "UID", "the event has no UID"),
                RowError(
                    13, None, "line 13 is not an iCalendar content line (NAME:value): 'X'; skipped"
                ),
            ],
        ),
        ("icalendar_tests_event_with_recurrence.ics", [RowError(1, "UID", "the event has no UID")]),
        ("vobject_simple_test.ics", [RowError(2, "UID", "the event has no UID")]),
    ],
)
def test_broken_events_are_row_errors_naming_their_line(sample, name, errors):
    result = read_calendar(sample(name), period=(dt.date(1990, 1, 1), dt.date(2030, 1, 1)))
    assert result.records == []
    assert result.errors == errors


def test_an_unparsable_content_line_is_a_row_error_at_the_event(sample):
    (error,) = read_calendar(sample("icalendar_tests_broken_ical.ics")).errors
    assert (error.row, error.field) == (2, None)
    assert error.reason.startswith("not readable: Content line could not be parsed")


def test_one_broken_event_leaves_the_others():
    data = (
        b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:good\nDTSTART:20240101T100000Z\nEND:VEVENT\n"
        b"BEGIN:VEVENT\nUID:bad\nDTSTART:20240101T100000Z\nno colon here\nEND:VEVENT\n"
        b"BEGIN:VEVENT\nUID:also-good\nDTSTART;VALUE=DATE:20240102\nEND:VEVENT\nEND:VCALENDAR\n"
    )
    result = read_calendar(data)
    assert [e.uid for e in result.records] == ["good", "also-good"]
    assert result.errors == [
        RowError(
            6,
            None,
            "this event is not readable: line 9 is not an iCalendar content line (NAME:value): 'no colon here'",
        )
    ]


def test_a_file_that_is_not_a_calendar_is_a_read_error(sample):
    with pytest.raises(ReadError, match=r"^line 1: not an iCalendar file"):
        read_calendar(sample("vobject_tz_us_eastern.ics"))  # a VTIMEZONE alone
    with pytest.raises(ReadError, match=r"^line 1: not an iCalendar file"):
        read_calendar(b"BEGIN:VCARD\nEND:VCARD\n")


def test_an_empty_period_is_refused():
    with pytest.raises(ValueError, match="the period's end must come after its start"):
        read_calendar(
            b"BEGIN:VCALENDAR\nEND:VCALENDAR\n", period=(dt.date(2024, 2, 1), dt.date(2024, 1, 1))
        )
