"""Sessions and the agenda: proposals by cities, review and scheduling by the staff with no room
or presenter double-booked and no time outside the convening's days, the agenda by day, time
and room, and its iCalendar file. Chattanooga (America/New_York) hosts 12–13 May 2026."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from icalendar import Calendar

from cityweave.peers import agenda
from cityweave.peers import convenings as conv
from cityweave.peers.convening_testing import (
    make_convening,
    make_delegate,
    make_delegation,
    make_session,
)
from cityweave.peers.models import Session

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of May 2026 in Chattanooga's time zone."""
    return dt.datetime(2026, 5, day, hour, minute, tzinfo=NEW_YORK)


@pytest.fixture
def summit(chattanooga):
    return make_convening(chattanooga, starts_on=dt.date(2026, 5, 12), days=2)


@pytest.fixture
def home(summit, chattanooga):
    return make_delegation(summit, chattanooga)


@pytest.fixture
def away(summit, dayton):
    return make_delegation(summit, dayton)


def test_an_invited_citys_official_proposes_a_session(otis, summit, home, dayton):
    session = conv.propose_session(
        otis,
        summit,
        {
            "city": home.city_id,
            "title": "Gigabit for all",
            "challenge": "digital-inclusion",
            "format": "case-study",
            "description": "How EPB wired every home.",
        },
    )
    assert session.status == "proposed"
    with pytest.raises(ValidationError) as caught:
        conv.propose_session(
            otis, summit, {"city": dayton.pk, "title": "", "format": "lecture", "challenge": "x"}
        )
    assert {"city", "title", "format", "challenge"} <= set(caught.value.message_dict)


def test_a_viewer_proposes_nothing(vera, summit, home):
    with pytest.raises(PermissionDenied):
        conv.propose_session(
            vera, summit, {"city": home.city_id, "title": "T", "format": "workshop"}
        )


def test_staff_schedule_an_accepted_session(ed, summit, home):
    session = make_session(summit, home.city, status="accepted")
    mayor = make_delegate(home, "Tim Kelly")
    agenda.schedule_session(
        ed,
        session,
        {"room": "Hall A", "starts_at": at(12, 9), "ends_at": at(12, 10), "presenters": [mayor.pk]},
    )
    session.refresh_from_db()
    assert session.room == "Hall A" and session.starts_at == at(12, 9)
    assert list(session.presenters.all()) == [mayor]


def test_naive_times_are_the_host_citys(ed, summit, home):
    session = make_session(summit, home.city, status="accepted")
    agenda.schedule_session(
        ed, session, {"room": "A", "starts_at": "2026-05-12 09:00", "ends_at": "2026-05-12 10:00"}
    )
    session.refresh_from_db()
    assert session.starts_at == at(12, 9)


def test_a_room_is_never_double_booked(ed, summit, home):
    first = make_session(summit, home.city, "First", status="accepted")
    second = make_session(summit, home.city, "Second", status="accepted")
    agenda.schedule_session(
        ed, first, {"room": "Hall A", "starts_at": at(12, 9), "ends_at": at(12, 10)}
    )
    with pytest.raises(ValidationError) as caught:
        agenda.schedule_session(
            ed, second, {"room": "hall a", "starts_at": at(12, 9, 30), "ends_at": at(12, 11)}
        )
    assert "“First”" in caught.value.message_dict["room"][0]
    # Back to back is fine.
    agenda.schedule_session(
        ed, second, {"room": "Hall A", "starts_at": at(12, 10), "ends_at": at(12, 11)}
    )


def test_a_presenter_is_never_in_two_places(ed, summit, home):
    mayor = make_delegate(home, "Tim Kelly")
    first = make_session(summit, home.city, "First", status="accepted")
    second = make_session(summit, home.city, "Second", status="accepted")
    agenda.schedule_session(
        ed,
        first,
        {"room": "A", "starts_at": at(12, 9), "ends_at": at(12, 10), "presenters": [mayor.pk]},
    )
    with pytest.raises(ValidationError) as caught:
        agenda.schedule_session(
            ed,
            second,
            {
                "room": "B",
                "starts_at": at(12, 9, 45),
                "ends_at": at(12, 11),
                "presenters": [mayor.pk],
            },
        )
    assert "Tim Kelly presents “First”" in caught.value.message_dict["presenters"][0]
    second.refresh_from_db()
    assert second.starts_at is None


def test_times_outside_the_convenings_days_are_refused(ed, summit, home):
    session = make_session(summit, home.city, status="accepted")
    with pytest.raises(ValidationError) as caught:
        agenda.schedule_session(
            ed, session, {"room": "A", "starts_at": at(11, 9), "ends_at": at(14, 10)}
        )
    assert {"starts_at", "ends_at"} <= set(caught.value.message_dict)
    with pytest.raises(ValidationError) as caught:
        agenda.schedule_session(
            ed, session, {"room": "", "starts_at": at(12, 11), "ends_at": at(12, 10)}
        )
    assert {"room", "ends_at"} <= set(caught.value.message_dict)


def test_a_presenter_of_another_convening_is_refused(ed, summit, home, chattanooga):
    other = make_convening(chattanooga, "Other", starts_on=dt.date(2026, 6, 1))
    stranger = make_delegate(make_delegation(other, chattanooga), "Someone Else")
    session = make_session(summit, home.city, status="accepted")
    with pytest.raises(ValidationError) as caught:
        agenda.schedule_session(
            ed,
            session,
            {
                "room": "A",
                "starts_at": at(12, 9),
                "ends_at": at(12, 10),
                "presenters": [stranger.pk],
            },
        )
    assert "presenters" in caught.value.message_dict


def test_declined_sessions_are_not_scheduled_and_declining_unschedules(ed, otis, summit, home):
    session = make_session(summit, home.city, status="accepted")
    agenda.schedule_session(
        ed, session, {"room": "A", "starts_at": at(12, 9), "ends_at": at(12, 10)}
    )
    conv.review_session(ed, session, "declined")
    session.refresh_from_db()
    assert session.starts_at is None and session.room == ""
    with pytest.raises(ValidationError) as caught:
        agenda.schedule_session(
            ed, session, {"room": "A", "starts_at": at(12, 9), "ends_at": at(12, 10)}
        )
    assert "status" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        conv.review_session(otis, session, "accepted")


def test_the_agenda_is_by_day_time_and_room_and_its_ics_has_one_event_each(ed, summit, home):
    late = make_session(summit, home.city, "Late", status="accepted")
    early_b = make_session(summit, home.city, "Early B", status="accepted")
    early_a = make_session(summit, home.city, "Early A", status="accepted")
    make_session(summit, home.city, "Only proposed")
    agenda.schedule_session(ed, late, {"room": "A", "starts_at": at(13, 14), "ends_at": at(13, 15)})
    agenda.schedule_session(
        ed, early_b, {"room": "B", "starts_at": at(12, 9), "ends_at": at(12, 10)}
    )
    agenda.schedule_session(
        ed, early_a, {"room": "A", "starts_at": at(12, 9), "ends_at": at(12, 10)}
    )
    days = agenda.agenda(summit, conv.sessions(summit))
    assert [(d.day.day, [s.session.title for s in d.slots]) for d in days] == [
        (12, ["Early A", "Early B"]),
        (13, ["Late"]),
    ]
    calendar = Calendar.from_ical(agenda.agenda_ics(summit, conv.sessions(summit)))
    events = calendar.walk("VEVENT")
    assert len(events) == 3
    first = events[0]
    assert str(first["uid"]) == f"{early_a.uid}@cityweave"
    assert str(first["location"]) == "Convention Center, A"
    assert first.decoded("dtstart") == at(12, 9)
    # Stable: the same UIDs the next time.
    again = Calendar.from_ical(agenda.agenda_ics(summit, conv.sessions(summit)))
    assert [str(e["uid"]) for e in again.walk("VEVENT")] == [str(e["uid"]) for e in events]
    assert Session.objects.count() == 4
