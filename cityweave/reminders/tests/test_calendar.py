"""The member's calendar feed and a meeting's `.ics` invitation: valid for icalendar and vobject,
every event with UID and DTSTAMP, dates kept dates, private stays private, tokens revocable."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pytest
import vobject
from django.utils import timezone

from cityweave.engagement.services import workspace_today
from cityweave.reminders import calendar
from cityweave.reminders.models import CalendarFeed
from cityweave.testing import (
    make_commitment,
    make_goal,
    make_interaction,
    make_member,
    make_stakeholder,
    make_user,
)

pytestmark = pytest.mark.django_db

PAGE = "/w/riverton/notifications/"


@pytest.fixture
def agenda(riverton, alice_member, bob_member):
    """Riverton, in Chicago time, with one of everything for Alice, and what she must not see."""
    riverton.timezone = "America/Chicago"
    riverton.save()
    funder = make_stakeholder(riverton, "Riverton Community Foundation", email="grants@rcf.example")
    mayor = make_stakeholder(riverton, "Dr. Alan Brooks", email="alan@brooks.example")
    today = workspace_today(riverton)
    promise = make_commitment(
        funder, today + dt.timedelta(days=3), owner=alice_member, description="Send the budget"
    )
    bobs = make_commitment(funder, today, owner=bob_member, description="Bob's own promise")
    goal = make_goal(riverton, owner=alice_member, deadline=today + dt.timedelta(days=40))
    meeting = make_interaction(
        riverton,
        [funder, mayor],
        timezone.now() + dt.timedelta(days=2),
        summary="Housing fund kick-off",
        author=alice_member,
    )
    meeting.members_present.set([alice_member, bob_member])
    secret = make_interaction(
        riverton,
        [funder],
        timezone.now() + dt.timedelta(days=4),
        summary="Bob's private lunch",
        author=bob_member,
        private=True,
    )
    secret.members_present.set([alice_member, bob_member])
    past = make_interaction(
        riverton, [funder], timezone.now() - dt.timedelta(days=4), summary="Last week's call"
    )
    past.members_present.set([alice_member])
    return {
        "promise": promise,
        "bobs": bobs,
        "goal": goal,
        "meeting": meeting,
        "secret": secret,
        "past": past,
    }


def events(body: bytes) -> dict[str, icalendar.cal.Component]:
    parsed = icalendar.Calendar.from_ical(body)
    return {str(event["summary"]): event for event in parsed.walk("VEVENT")}


def test_the_feed_holds_the_members_items_and_nothing_else(alice_member, agenda):
    found = events(calendar.member_calendar(alice_member))
    assert set(found) == {
        "Due: Send the budget (for Riverton Community Foundation)",
        f"Goal deadline: {agenda['goal'].statement}",
        "Housing fund kick-off",
    }


def test_every_event_has_uid_and_dtstamp_and_stable_uids(alice_member, agenda):
    body = calendar.member_calendar(alice_member)
    parsed = icalendar.Calendar.from_ical(body)
    vevents = list(parsed.walk("VEVENT"))
    assert vevents and all("UID" in event and "DTSTAMP" in event for event in vevents)
    assert str(parsed["VERSION"]) == "2.0" and "PRODID" in parsed
    assert {str(event["UID"]) for event in vevents} == {
        str(event["UID"])
        for event in icalendar.Calendar.from_ical(calendar.member_calendar(alice_member)).walk(
            "VEVENT"
        )
    }
    assert f"commitment-{agenda['promise'].uid}@cityweave" in {str(e["UID"]) for e in vevents}


def test_due_dates_are_all_day_dates_and_meetings_keep_the_workspace_zone(alice_member, agenda):
    body = calendar.member_calendar(alice_member)
    assert b"DTSTART;VALUE=DATE:" in body
    found = events(body)
    due = found["Due: Send the budget (for Riverton Community Foundation)"]
    start = due.decoded("DTSTART")
    assert type(start) is dt.date and start == agenda["promise"].due_on
    assert due.decoded("DTEND") == start + dt.timedelta(days=1)
    meeting = found["Housing fund kick-off"].decoded("DTSTART")
    assert isinstance(meeting, dt.datetime)
    assert (
        meeting.utcoffset() == meeting.astimezone(zoneinfo.ZoneInfo("America/Chicago")).utcoffset()
    )
    assert meeting == agenda["meeting"].occurred_at.replace(microsecond=0)
    parsed = icalendar.Calendar.from_ical(body)
    assert [str(tz["TZID"]) for tz in parsed.walk("VTIMEZONE")] == ["America/Chicago"]
    assert b"DTSTART;TZID=America/Chicago:" in body


def test_vobject_reads_the_feed_too(alice_member, agenda):
    parsed = vobject.readOne(calendar.member_calendar(alice_member).decode())
    summaries = {event.summary.value for event in parsed.vevent_list}
    assert "Housing fund kick-off" in summaries
    assert all(hasattr(event, "uid") and hasattr(event, "dtstamp") for event in parsed.vevent_list)


def test_a_promise_owed_to_us_names_its_stakeholder_once(riverton, alice_member):
    mayor = make_stakeholder(riverton, "Dr. Alan Brooks")
    make_commitment(
        mayor, owner=alice_member, description="Dr. Alan Brooks to send a letter", owed_by="them"
    )
    (summary,) = events(calendar.member_calendar(alice_member))
    assert summary == "Due: Dr. Alan Brooks to send a letter (owed to us)"


def test_an_owner_gets_what_nobody_owns_and_a_viewer_does_not(riverton, alice_member, bob_member):
    funder = make_stakeholder(riverton, "Riverton Community Foundation")
    make_commitment(funder, description="Nobody's promise")
    assert "Due: Nobody's promise" in " ".join(events(calendar.member_calendar(alice_member)))
    assert events(calendar.member_calendar(bob_member)) == {}


def test_the_feed_url_needs_no_session_and_dies_with_its_token(client, alice_member, agenda):
    feed = calendar.regenerate_feed(alice_member)
    url = calendar.feed_url(feed)
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert b"Housing fund kick-off" in response.content
    renewed = calendar.regenerate_feed(alice_member)
    assert renewed.token != feed.token
    assert client.get("/" + path).status_code == 404
    calendar.revoke_feed(alice_member)
    assert client.get(f"/calendar/{renewed.token}.ics").status_code == 404
    assert client.get("/calendar/" + "x" * 200 + ".ics").status_code == 404


def test_the_page_creates_renews_and_turns_off_the_feed(alice_client, alice_member):
    page = alice_client.get(PAGE).text
    assert "Create my calendar feed" in page
    assert page.count('id="calendar-heading"') == 1  # in the page, not in its <title>
    assert "<title>Notifications" in page and "section" not in page.split("</title>")[0]
    assert alice_client.post(PAGE, {"action": "feed-new"}).status_code == 302
    first = CalendarFeed.objects.get(member=alice_member).token
    page = alice_client.get(PAGE, HTTP_HOST="localhost:8766").text
    # The address the office reached this server on, not a configured default's port.
    assert f"http://localhost:8766/calendar/{first}.ics" in page
    alice_client.post(PAGE, {"action": "feed-new"})
    assert CalendarFeed.objects.get(member=alice_member).token != first
    alice_client.post(PAGE, {"action": "feed-off"})
    assert not CalendarFeed.objects.filter(member=alice_member).exists()


def test_a_viewer_has_a_feed_of_their_own(bob_client, bob_member):
    assert bob_client.post(PAGE, {"action": "feed-new"}).status_code == 302
    assert CalendarFeed.objects.filter(member=bob_member).exists()


def test_one_workspace_feed_shows_nothing_of_another(riverton, lakeside, alice, agenda):
    elsewhere = make_member(lakeside, alice, "owner")
    assert events(calendar.member_calendar(elsewhere)) == {}


def test_the_invitation_names_participants_and_members_as_attendees(alice_client, agenda):
    meeting = agenda["meeting"]
    response = alice_client.get(f"/w/riverton/interactions/{meeting.pk}/invitation.ics")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    parsed = icalendar.Calendar.from_ical(response.content)
    assert str(parsed["METHOD"]) == "REQUEST"
    (event,) = parsed.walk("VEVENT")
    attendees = {str(address).lower() for address in event.get("ATTENDEE")}
    assert attendees == {
        "mailto:grants@rcf.example",
        "mailto:alan@brooks.example",
        "mailto:bob@riverton.example",
    }
    assert str(event["ORGANIZER"]).lower() == "mailto:alice@riverton.example"
    assert "UID" in event and "DTSTAMP" in event


def test_the_invitation_is_scoped_like_the_interaction(
    alice_client, bob_client, carol_client, agenda
):
    secret = agenda["secret"]
    assert (
        alice_client.get(f"/w/riverton/interactions/{secret.pk}/invitation.ics").status_code == 404
    )
    assert bob_client.get(f"/w/riverton/interactions/{secret.pk}/invitation.ics").status_code == 200
    meeting = agenda["meeting"]
    assert (
        carol_client.get(f"/w/riverton/interactions/{meeting.pk}/invitation.ics").status_code == 404
    )
    assert (
        carol_client.get(f"/w/lakeside/interactions/{meeting.pk}/invitation.ics").status_code == 404
    )


def test_an_author_without_email_publishes(riverton, alice_member, agenda):
    user = make_user(name="No Mail")
    user.email = ""
    user.save()
    anonymous = make_member(riverton, user, "editor")
    meeting = make_interaction(
        riverton, [], timezone.now() + dt.timedelta(days=1), author=anonymous, summary="Walk"
    )
    parsed = icalendar.Calendar.from_ical(calendar.interaction_invitation(meeting))
    assert str(parsed["METHOD"]) == "PUBLISH"
    assert "ORGANIZER" not in next(iter(parsed.walk("VEVENT")))


def test_the_detail_page_offers_the_invitation(alice_client, agenda):
    meeting = agenda["meeting"]
    page = alice_client.get(f"/w/riverton/interactions/{meeting.pk}/").text
    assert f'href="/w/riverton/interactions/{meeting.pk}/invitation.ics"' in page


def test_the_feed_costs_a_fixed_number_of_queries(
    client, alice_member, agenda, django_assert_max_num_queries
):
    feed = calendar.regenerate_feed(alice_member)
    with django_assert_max_num_queries(5):  # token+member, commitments, goals, meetings, zone
        assert client.get(f"/calendar/{feed.token}.ics").status_code == 200
