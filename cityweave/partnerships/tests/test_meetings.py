"""Joint activities (logged as interactions), channels (kept or not) and the meeting planner
(who is needed, meeting load, confirming into a planned interaction, follow-ups), through the
services, with hand-made data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cityweave.engagement.models import Commitment, Interaction
from cityweave.engagement.services import workspace_today, workspace_zone
from cityweave.partnerships import activities, channels, meetings
from cityweave.partnerships.models import Activity, AgendaItem, Channel, MeetingPlan
from cityweave.partnerships.testing import make_partner, make_partnership
from cityweave.reminders.calendar import interaction_invitation
from cityweave.testing import make_interaction, make_member, make_stakeholder
from cityweave.workspaces.models import TrashEntry
from cityweave.workspaces.services import restore

NOW = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)


def local_day(interaction: Interaction) -> dt.date:
    """The interaction's day in its workspace's zone."""
    return interaction.occurred_at.astimezone(workspace_zone(interaction.workspace)).date()


@pytest.fixture
def partnership(alice_member):
    return make_partnership(alice_member)


@pytest.fixture
def cast(alice_member, partnership):
    """Three partners: a funder, an implementer offering data, a community voice."""
    riverton = alice_member.workspace
    fund = make_stakeholder(riverton, "Riverton Foundation", email="grants@fund.example")
    lab = make_stakeholder(riverton, "Data Lab", offers=["data", "expertise"])
    voice = make_stakeholder(riverton, "Parents Council")
    return {
        "fund": make_partner(alice_member, partnership, fund, "funder"),
        "lab": make_partner(alice_member, partnership, lab, "implementer"),
        "voice": make_partner(alice_member, partnership, voice, "community-voice"),
    }


# == Activities ===================================================================================


def test_an_activity_is_logged_as_an_event_with_every_partner(alice_member, partnership, cast):
    activity = activities.save_activity(
        alice_member,
        partnership,
        {
            "name": "Community service day",
            "held_on": dt.date(2026, 5, 9),
            "place": "Elm Park",
            "attendance": 80,
            "outcome": "Two crossings painted.",
            "partners": [cast["fund"].pk, cast["voice"]],
        },
    )
    interaction = activity.interaction
    assert interaction is not None
    assert interaction.kind == Interaction.Kind.EVENT
    assert interaction.summary == "Community service day"
    assert local_day(interaction) == dt.date(2026, 5, 9)
    assert set(interaction.participants.all()) == {
        cast["fund"].stakeholder,
        cast["voice"].stakeholder,
    }
    assert interaction.author == alice_member


def test_editing_an_activity_keeps_its_interaction_in_step(alice_member, partnership, cast):
    activity = activities.save_activity(
        alice_member,
        partnership,
        {"name": "Forum", "held_on": dt.date(2026, 5, 9), "partners": [cast["fund"]]},
    )
    first = activity.interaction_id
    activities.save_activity(
        alice_member,
        partnership,
        {"name": "Spring forum", "held_on": dt.date(2026, 5, 10), "partners": [cast["lab"]]},
        activity,
    )
    interaction = Interaction.objects.get(pk=first)
    assert interaction.summary == "Spring forum"
    assert local_day(interaction) == dt.date(2026, 5, 10)
    assert list(interaction.participants.all()) == [cast["lab"].stakeholder]
    assert Interaction.objects.count() == 1


def test_a_bad_activity_names_its_fields_and_writes_nothing(alice_member, partnership, lakeside):
    other = make_partnership(make_member(lakeside), "Elsewhere")
    stranger = make_partner(
        make_member(lakeside), other, make_stakeholder(lakeside, "Far away"), "advisor"
    )
    with pytest.raises(ValidationError) as raised:
        activities.save_activity(
            alice_member,
            partnership,
            {"name": "", "held_on": None, "attendance": -3, "partners": [stranger.pk]},
        )
    assert {"name", "held_on", "attendance", "partners"} <= set(raised.value.message_dict)
    with pytest.raises(ValidationError) as raised:
        activities.save_activity(
            alice_member, partnership, {"name": "Day", "held_on": dt.date(2026, 5, 1)}
        )
    assert "partners" in raised.value.message_dict
    assert not Activity.all_objects.exists()
    assert not Interaction.all_objects.exists()


def test_trashing_an_activity_takes_its_interaction_and_restores_both(
    alice_member, partnership, cast
):
    activity = activities.save_activity(
        alice_member,
        partnership,
        {"name": "Forum", "held_on": dt.date(2026, 5, 9), "partners": [cast["fund"]]},
    )
    entry = activities.trash_activity(alice_member, activity)
    assert not Activity.objects.exists()
    assert not Interaction.objects.exists()
    restore(alice_member, entry.pk)
    assert Activity.objects.get().interaction == Interaction.objects.get()


def test_activities_need_an_editor_and_their_own_partnership(
    alice_member, bob_member, partnership, cast, lakeside
):
    data = {"name": "Forum", "held_on": dt.date(2026, 5, 9), "partners": [cast["fund"]]}
    with pytest.raises(PermissionDenied):
        activities.save_activity(bob_member, partnership, data)
    activity = activities.save_activity(alice_member, partnership, data)
    carol = make_member(lakeside)
    with pytest.raises(Http404):
        activities.get_activity(carol, partnership, activity.pk)
    second = make_partnership(alice_member, "Second")
    with pytest.raises(Http404):
        activities.get_activity(alice_member, second, activity.pk)


# == Channels =====================================================================================


@pytest.mark.parametrize(
    ("last_used", "state", "days"),
    [
        (None, "never-used", None),
        (dt.date(2026, 6, 1), "kept", 0),
        (dt.date(2026, 5, 25), "kept", 7),  # exactly its interval: still kept
        (dt.date(2026, 5, 24), "lapsed", 8),
    ],
)
def test_a_channel_is_kept_when_used_within_its_interval(
    alice_member, partnership, last_used, state, days
):
    channel = Channel(
        workspace=alice_member.workspace,
        partnership=partnership,
        kind="email-list",
        name="Weekly update",
        every_days=7,
        last_used_on=last_used,
    )
    status = channels.channel_state(channel, dt.date(2026, 6, 1))
    assert (status.state, status.days_since) == (state, days)


def test_channels_are_checked_and_marked_used_today(alice_member, bob_member, partnership):
    with pytest.raises(ValidationError) as raised:
        channels.save_channel(
            alice_member,
            partnership,
            {
                "kind": "pigeon",
                "name": "",
                "every_days": 0,
                "response_days": 999,
                "last_used_on": dt.date(2999, 1, 1),
            },
        )
    assert {"kind", "name", "every_days", "response_days", "last_used_on"} <= set(
        raised.value.message_dict
    )
    channel = channels.save_channel(
        alice_member, partnership, {"kind": "chat-group", "name": "Signal group", "every_days": 3}
    )
    assert channels.channel_statuses(partnership, dt.date(2026, 6, 1))[0].state == "never-used"
    with pytest.raises(PermissionDenied):
        channels.mark_used(bob_member, channel)
    channels.mark_used(alice_member, channel)
    channel.refresh_from_db()
    assert channel.last_used_on == workspace_today(alice_member.workspace)
    entry = channels.trash_channel(alice_member, channel)
    assert not Channel.objects.exists()
    restore(alice_member, entry.pk)
    assert Channel.objects.exists()


# == Meeting planner ==============================================================================


def make_plan(member, partnership, *agenda, **fields):
    data = {
        "title": "Budget and data sharing",
        "starts_at": NOW + dt.timedelta(days=7),
        "duration_minutes": 90,
        "place": "City Hall, room 2",
        "agenda": list(agenda) or [{"text": "Next year's budget", "roles": ["funder"]}],
        **fields,
    }
    return meetings.save_plan(member, partnership, data, now=NOW)


def test_only_the_partners_an_item_needs_are_proposed(alice_member, partnership, cast):
    plan = make_plan(
        alice_member,
        partnership,
        {"text": "Budget", "roles": ["funder"]},
        {"text": "Data sharing agreement", "value_types": ["data"]},
        {"text": "Evaluation", "roles": ["advisor"], "value_types": ["expertise"]},
    )
    everyone = meetings.planner(alice_member, plan, NOW)
    proposed = [i for i in everyone if i.proposed]
    assert [i.partner for i in proposed] == [cast["lab"], cast["fund"]]  # by name
    lab = proposed[0]
    assert [item.text for item in lab.items] == ["Data sharing agreement", "Evaluation"]
    assert lab.reasons == ["offers data", "offers expertise"]
    assert proposed[1].reasons == ["Funder"]
    assert [i.partner for i in everyone if not i.proposed] == [cast["voice"]]


def test_meeting_load_counts_meetings_and_events_of_the_last_90_days(
    alice_member, partnership, cast
):
    riverton = alice_member.workspace
    fund = cast["fund"].stakeholder
    day = dt.timedelta(days=1)
    make_interaction(riverton, [fund], NOW - day, kind="meeting", duration_minutes=120)
    make_interaction(riverton, [fund], NOW - 10 * day, kind="event")  # no length: 60
    make_interaction(riverton, [fund], NOW - 89 * day, kind="meeting", duration_minutes=30)
    make_interaction(riverton, [fund], NOW - 91 * day, kind="meeting")  # too long ago
    make_interaction(riverton, [fund], NOW - 2 * day, kind="call")  # not a meeting
    make_interaction(riverton, [fund], NOW + 2 * day, kind="meeting")  # not yet attended
    gone = make_interaction(riverton, [fund], NOW - 3 * day, kind="meeting")
    gone.deleted_at = NOW
    gone.save()
    loads = meetings.meeting_loads(alice_member, [fund.pk, cast["lab"].stakeholder_id], NOW)
    assert loads[fund.pk] == meetings.MeetingLoad(meetings=3, minutes=210, unknown_length=1)
    assert loads[fund.pk].hours == 3.5
    assert not loads[fund.pk].heavy
    assert loads[cast["lab"].stakeholder_id] == meetings.MeetingLoad()


@pytest.mark.parametrize(
    ("count", "minutes", "heavy"),
    [(6, 60, False), (7, 5, True), (4, 120, False), (5, 120, True)],
)
def test_a_load_is_heavy_over_6_meetings_or_8_hours(
    alice_member, partnership, cast, count, minutes, heavy
):
    fund = cast["fund"].stakeholder
    for n in range(count):
        make_interaction(
            alice_member.workspace,
            [fund],
            NOW - dt.timedelta(days=n + 1),
            kind="meeting",
            duration_minutes=minutes,
        )
    assert meetings.meeting_loads(alice_member, [fund.pk], NOW)[fund.pk].heavy is heavy


def test_another_members_private_meeting_is_not_counted(alice_member, partnership, cast):
    riverton = alice_member.workspace
    dana = make_member(riverton, role="editor")
    fund = cast["fund"].stakeholder
    make_interaction(riverton, [fund], NOW - dt.timedelta(days=1), private=True, author=dana)
    assert meetings.meeting_loads(alice_member, [fund.pk], NOW)[fund.pk].meetings == 0
    assert meetings.meeting_loads(dana, [fund.pk], NOW)[fund.pk].meetings == 1


def test_a_bad_plan_names_its_fields(alice_member, partnership):
    with pytest.raises(ValidationError) as raised:
        meetings.save_plan(
            alice_member,
            partnership,
            {
                "title": "",
                "starts_at": NOW - dt.timedelta(hours=1),
                "duration_minutes": 2,
                "agenda": [{"text": "Budget", "roles": ["king"]}, {"text": "Nothing needed"}],
            },
            now=NOW,
        )
    assert {"title", "starts_at", "duration_minutes", "agenda[0].roles", "agenda[1].roles"} <= set(
        raised.value.message_dict
    )
    with pytest.raises(ValidationError) as raised:
        make_plan(alice_member, partnership, agenda=[])
    assert "agenda" in raised.value.message_dict
    assert not MeetingPlan.all_objects.exists()


def test_confirming_makes_a_planned_meeting_with_follow_ups(alice_member, partnership, cast):
    plan = make_plan(alice_member, partnership)
    follow_up = {
        "description": "Send the budget draft",
        "owed_by": "us",
        "stakeholder": cast["fund"].stakeholder_id,
        "due_on": dt.date(2026, 6, 12),
    }
    meetings.confirm_plan(
        alice_member, plan, [cast["fund"], cast["voice"].pk], [follow_up], now=NOW
    )
    plan.refresh_from_db()
    interaction = plan.interaction
    assert interaction.kind == Interaction.Kind.MEETING
    assert interaction.occurred_at == NOW + dt.timedelta(days=7)
    assert interaction.duration_minutes == 90
    assert "1. Next year's budget" in interaction.notes
    assert set(interaction.participants.all()) == {
        cast["fund"].stakeholder,
        cast["voice"].stakeholder,
    }
    assert set(plan.invited.all()) == {cast["fund"], cast["voice"]}
    commitment = Commitment.objects.get()
    assert (commitment.interaction, commitment.owner) == (interaction, alice_member)
    ics = interaction_invitation(interaction).decode()
    assert "grants@fund.example" in ics
    # 09:00 UTC is 04:00 in Chicago; 90 minutes later
    assert "DTEND;TZID=America/Chicago:20260608T053000" in ics


def test_a_confirmed_plans_meeting_follows_its_changes(alice_member, partnership, cast):
    plan = make_plan(alice_member, partnership)
    meetings.confirm_plan(alice_member, plan, [cast["fund"]], now=NOW)
    later = NOW + dt.timedelta(days=9)
    meetings.save_plan(
        alice_member, partnership, {"title": "Budget, again", "starts_at": later}, plan, now=NOW
    )
    meetings.save_agenda_item(alice_member, plan, {"text": "Data sharing", "value_types": ["data"]})
    meetings.confirm_plan(alice_member, plan, [cast["lab"]], now=NOW)
    interaction = Interaction.objects.get()
    assert (interaction.summary, interaction.occurred_at) == ("Budget, again", later)
    assert "2. Data sharing" in interaction.notes
    assert list(interaction.participants.all()) == [cast["lab"].stakeholder]
    assert list(plan.invited.all()) == [cast["lab"]]
    with pytest.raises(ValidationError) as raised:
        meetings.save_agenda_item(alice_member, plan, {"text": "", "roles": ["king"]})
    assert {"text", "roles"} <= set(raised.value.message_dict)
    item = meetings.agenda_items(plan).last()
    assert item is not None
    meetings.delete_agenda_item(alice_member, item)
    assert "Data sharing" not in Interaction.objects.get().notes


def test_confirming_without_a_list_invites_the_proposed(alice_member, partnership, cast):
    plan = make_plan(alice_member, partnership)
    meetings.confirm_plan(alice_member, plan, now=NOW)
    assert list(plan.invited.all()) == [cast["fund"]]


def test_a_bad_confirmation_writes_nothing(alice_member, partnership, cast, lakeside):
    plan = make_plan(alice_member, partnership)
    elsewhere = make_stakeholder(lakeside, "Elsewhere")
    with pytest.raises(ValidationError) as raised:
        meetings.confirm_plan(
            alice_member,
            plan,
            [cast["fund"]],
            [
                {
                    "description": "Fine",
                    "stakeholder": cast["fund"].stakeholder_id,
                    "due_on": dt.date(2026, 6, 12),
                },
                {
                    "description": "",
                    "stakeholder": elsewhere.pk,
                    "due_on": None,
                    "owed_by": "nobody",
                },
            ],  # fmt: skip
            now=NOW,
        )
    assert {
        "follow_ups[1].description",
        "follow_ups[1].stakeholder",
        "follow_ups[1].due_on",
        "follow_ups[1].owed_by",
    } <= set(raised.value.message_dict)
    with pytest.raises(ValidationError) as raised:
        meetings.confirm_plan(alice_member, plan, [], now=NOW)
    assert "invited" in raised.value.message_dict
    with pytest.raises(ValidationError) as raised:
        meetings.confirm_plan(alice_member, plan, now=NOW + dt.timedelta(days=30))
    assert "starts_at" in raised.value.message_dict
    assert not Interaction.all_objects.exists()
    assert not Commitment.all_objects.exists()
    plan.refresh_from_db()
    assert plan.interaction is None


def test_follow_ups_need_a_confirmed_plan(alice_member, bob_member, partnership, cast):
    plan = make_plan(alice_member, partnership)
    data = {
        "description": "Share the dataset",
        "owed_by": "them",
        "stakeholder": cast["lab"].stakeholder,
        "due_on": dt.date(2026, 6, 20),
    }
    with pytest.raises(ValidationError):
        meetings.add_follow_up(alice_member, plan, data)
    meetings.confirm_plan(alice_member, plan, now=NOW)
    with pytest.raises(PermissionDenied):
        meetings.add_follow_up(bob_member, plan, data)
    commitment = meetings.add_follow_up(alice_member, plan, data)
    assert commitment.owed_by == "them"
    assert list(meetings.follow_ups_of(alice_member, plan)) == [commitment]


def test_trashing_a_plan_takes_its_meeting_and_restores_both(alice_member, partnership, cast):
    plan = make_plan(alice_member, partnership)
    meetings.confirm_plan(alice_member, plan, now=NOW)
    entry = meetings.trash_plan(alice_member, plan)
    assert not MeetingPlan.objects.exists() and not Interaction.objects.exists()
    restore(alice_member, TrashEntry.objects.get(pk=entry.pk).pk)
    assert MeetingPlan.objects.get().interaction == Interaction.objects.get()
    assert AgendaItem.objects.count() == 1


def test_plans_are_scoped_and_viewers_read_only(alice_member, bob_member, partnership, lakeside):
    with pytest.raises(PermissionDenied):
        make_plan(bob_member, partnership)
    plan = make_plan(alice_member, partnership)
    assert meetings.get_plan(bob_member, partnership, plan.pk) == plan
    with pytest.raises(Http404):
        meetings.get_plan(make_member(lakeside), partnership, plan.pk)
