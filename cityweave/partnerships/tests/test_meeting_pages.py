"""Pages of activities, channels and the meeting planner: the sections on the partnership page,
the forms naming bad fields, confirming with unticked and added invitees, follow-ups, viewers
reading without buttons (a POST refused) and other workspaces not found."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cityweave.engagement.models import Commitment, Interaction
from cityweave.partnerships import activities, channels, meetings
from cityweave.partnerships.models import Activity, Channel, MeetingPlan
from cityweave.partnerships.testing import make_partner, make_partnership
from cityweave.testing import make_interaction, make_member, make_stakeholder

pytestmark = pytest.mark.django_db


@pytest.fixture
def partnership(alice_member):
    return make_partnership(alice_member)


@pytest.fixture
def cast(alice_member, partnership):
    riverton = alice_member.workspace
    return {
        "fund": make_partner(
            alice_member, partnership, make_stakeholder(riverton, "Riverton Fund"), "funder"
        ),
        "lab": make_partner(
            alice_member,
            partnership,
            make_stakeholder(riverton, "Data Lab", offers=["data"]),
            "implementer",
        ),
        "voice": make_partner(
            alice_member, partnership, make_stakeholder(riverton, "Parents"), "community-voice"
        ),
    }


def url(name: str, partnership, *more: int) -> str:
    return reverse(f"partnerships:{name}", args=["riverton", partnership.pk, *more])


def new_plan(member, partnership) -> MeetingPlan:
    return meetings.save_plan(
        member,
        partnership,
        {
            "title": "Budget and data",
            "starts_at": timezone.now() + dt.timedelta(days=5),
            "duration_minutes": 90,
            "agenda": [
                {"text": "Budget", "roles": ["funder"]},
                {"text": "Data sharing", "value_types": ["data"]},
            ],
        },
    )


def test_the_sections_show_activities_channels_and_plans(
    alice_client, alice_member, partnership, cast
):
    activities.save_activity(
        alice_member,
        partnership,
        {"name": "Service day", "held_on": dt.date(2026, 5, 9), "partners": [cast["fund"]]},
    )
    channels.save_channel(
        alice_member,
        partnership,
        {"kind": "email-list", "name": "Steering list", "every_days": 7},
    )
    new_plan(alice_member, partnership)
    page = alice_client.get(partnership.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("Service day", "Steering list", "Never used", "Budget and data", "Plan a meeting"):
        assert text in html


def test_an_activity_form_names_bad_fields_then_logs_the_event(alice_client, partnership, cast):
    bad = alice_client.post(url("activity-new", partnership), {"name": "", "held_on": "soon"})
    assert bad.status_code == 422
    assert set(bad.context["form"].errors) >= {"name", "held_on", "partners"}
    good = alice_client.post(
        url("activity-new", partnership),
        {"name": "Forum", "held_on": "2026-05-09", "partners": [cast["fund"].pk, cast["lab"].pk]},
    )
    assert good.status_code == 302
    activity = Activity.objects.get()
    assert activity.interaction is not None
    assert activity.interaction.participants.count() == 2
    edit = alice_client.get(url("activity-edit", partnership, activity.pk))
    assert edit.status_code == 200 and b"Forum" in edit.content
    assert alice_client.post(url("activity-delete", partnership, activity.pk)).status_code == 302
    assert not Activity.objects.exists() and not Interaction.objects.exists()


def test_a_channel_is_added_and_marked_used(alice_client, partnership):
    bad = alice_client.post(
        url("channel-new", partnership), {"kind": "email-list", "name": "x", "every_days": 0}
    )
    assert bad.status_code == 422 and "every_days" in bad.context["form"].errors
    alice_client.post(
        url("channel-new", partnership),
        {"kind": "meeting-series", "name": "Monthly steering", "every_days": 31},
    )
    channel = Channel.objects.get()
    assert alice_client.post(url("channel-used", partnership, channel.pk)).status_code == 302
    channel.refresh_from_db()
    assert channel.last_used_on is not None


def test_a_plan_form_names_a_bad_agenda_row(alice_client, partnership):
    later = timezone.localtime(timezone.now() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    bad = alice_client.post(
        url("plan-new", partnership),
        {
            "title": "Budget",
            "starts_at": later,
            "duration_minutes": 60,
            "agenda_0_text": "Budget",
            "agenda_0_roles": ["funder"],
            "agenda_2_text": "Needs nobody",
        },
    )
    assert bad.status_code == 422
    assert "agenda_2_roles" in bad.context["form"].errors
    good = alice_client.post(
        url("plan-new", partnership),
        {
            "title": "Budget",
            "starts_at": later,
            "duration_minutes": 60,
            "agenda_0_text": "Budget",
            "agenda_0_roles": ["funder"],
        },
    )
    plan = MeetingPlan.objects.get()
    assert good.url == url("plan", partnership, plan.pk)


def test_the_planner_proposes_shows_load_and_confirms_what_the_office_chose(
    alice_client, alice_member, partnership, cast
):
    for n in range(7):
        make_interaction(
            alice_member.workspace,
            [cast["fund"].stakeholder],
            timezone.now() - dt.timedelta(days=n + 1),
        )
    plan = new_plan(alice_member, partnership)
    page = alice_client.get(url("plan", partnership, plan.pk))
    html = page.content.decode()
    assert page.status_code == 200
    rows = page.context["invitees"]
    assert [(r["invitee"].partner, r["checked"]) for r in rows] == [
        (cast["lab"], True),
        (cast["fund"], True),
        (cast["voice"], False),
    ]
    assert "Heavy load" in html and "7 meetings" in html
    assert "counted as 60 min" in html and "over 6 meetings or 8 hours" in html
    # The office unticks the funder and adds the community voice.
    done = alice_client.post(
        url("plan", partnership, plan.pk), {"invited": [cast["lab"].pk, cast["voice"].pk]}
    )
    assert done.status_code == 302
    plan.refresh_from_db()
    assert set(plan.invited.all()) == {cast["lab"], cast["voice"]}
    confirmed = alice_client.get(url("plan", partnership, plan.pk)).content.decode()
    ics = reverse("interaction-invitation", args=["riverton", plan.interaction_id])
    assert ics in confirmed
    assert alice_client.get(ics).status_code == 200
    follow = alice_client.post(
        url("plan-follow-up", partnership, plan.pk),
        {
            "description": "Send the data dictionary",
            "owed_by": "them",
            "stakeholder": cast["lab"].pk,
            "due_on": "2030-01-15",
        },
    )
    assert follow.status_code == 302
    assert Commitment.objects.get().interaction_id == plan.interaction_id


def test_confirming_nobody_is_refused(alice_client, alice_member, partnership, cast):
    plan = new_plan(alice_member, partnership)
    refused = alice_client.post(url("plan", partnership, plan.pk), {})
    assert refused.status_code == 422
    assert "Invite at least one partner." in refused.content.decode()
    assert not Interaction.objects.exists()


def test_a_viewer_reads_without_buttons_and_cannot_post(
    bob_client, alice_member, partnership, cast
):
    plan = new_plan(alice_member, partnership)
    channel = channels.save_channel(
        alice_member, partnership, {"kind": "other", "name": "Phone tree", "every_days": 30}
    )
    page = bob_client.get(url("plan", partnership, plan.pk)).content.decode()
    assert "Confirm the meeting" not in page and 'type="checkbox"' not in page
    detail = bob_client.get(partnership.get_absolute_url()).content.decode()
    assert "Plan a meeting" not in detail and "Mark used today" not in detail
    assert bob_client.post(url("plan", partnership, plan.pk), {}).status_code == 403
    assert bob_client.post(url("channel-used", partnership, channel.pk)).status_code == 403
    assert bob_client.get(url("activity-new", partnership)).status_code == 403


def test_another_workspace_is_not_found(
    carol_client, alice_client, alice_member, partnership, lakeside
):
    plan = new_plan(alice_member, partnership)
    assert carol_client.get(url("plan", partnership, plan.pk)).status_code == 404
    other = make_partnership(alice_member, "Second")
    assert alice_client.get(url("plan", other, plan.pk)).status_code == 404
    assert alice_client.get(url("channel-edit", partnership, 999_999)).status_code == 404
    carol = make_member(lakeside)
    theirs = make_partnership(carol, "Theirs")
    assert (
        alice_client.get(
            reverse("partnerships:activity-new", args=["riverton", theirs.pk])
        ).status_code
        == 404
    )
