"""The API of activities, channels and meeting plans: writing, the proposed invitees, confirming
with follow-ups, errors naming the field, viewers refused and other workspaces not found."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cityweave.engagement.models import Commitment, Interaction
from cityweave.partnerships.models import Activity, Channel, MeetingPlan
from cityweave.partnerships.testing import make_partner, make_partnership
from cityweave.testing import make_interaction, make_member, make_stakeholder

pytestmark = pytest.mark.django_db

JSON = "application/json"


@pytest.fixture
def partnership(alice_member):
    return make_partnership(alice_member)


@pytest.fixture
def base(partnership):
    return f"/api/v1/workspaces/riverton/partnerships/{partnership.pk}"


@pytest.fixture
def cast(alice_member, partnership):
    riverton = alice_member.workspace
    return {
        "fund": make_partner(
            alice_member, partnership, make_stakeholder(riverton, "Fund"), "funder"
        ),
        "lab": make_partner(
            alice_member,
            partnership,
            make_stakeholder(riverton, "Lab", offers=["data"]),
            "implementer",
        ),
    }


def fields(response) -> set[str]:
    """The fields a 422 answer names."""
    return {d["field"] for d in response.json()["detail"]}


def future(days: int = 7) -> str:
    return (timezone.now() + dt.timedelta(days=days)).replace(microsecond=0).isoformat()


def test_an_activity_is_written_and_logged(alice_api, base, cast):
    response = alice_api.post(
        f"{base}/activities",
        {"name": "Forum", "held_on": "2026-05-09", "attendance": 40, "partners": [cast["fund"].pk]},
        content_type=JSON,
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert Interaction.objects.get(pk=body["interaction"]).kind == "event"
    changed = alice_api.patch(
        f"{base}/activities/{body['id']}", {"name": "Spring forum"}, content_type=JSON
    )
    assert changed.json()["name"] == "Spring forum"
    assert Interaction.objects.get(pk=body["interaction"]).summary == "Spring forum"
    assert [a["id"] for a in alice_api.get(f"{base}/activities").json()["items"]] == [body["id"]]
    assert alice_api.delete(f"{base}/activities/{body['id']}").status_code == 204
    assert not Interaction.objects.exists()


def test_a_bad_activity_names_its_fields(alice_api, base):
    response = alice_api.post(
        f"{base}/activities",
        {"name": "Forum", "held_on": "2026-05-09", "partners": [999]},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert "partners" in str(response.json())
    assert not Activity.objects.exists()


def test_channels_say_whether_they_are_kept(alice_api, base):
    response = alice_api.post(
        f"{base}/channels",
        {"kind": "newsletter", "name": "Monthly letter", "every_days": 31},
        content_type=JSON,
    )
    assert response.status_code == 201
    channel = response.json()
    assert channel["state"] == "never-used"
    used = alice_api.post(f"{base}/channels/{channel['id']}/used").json()
    assert (used["state"], used["days_since"]) == ("kept", 0)
    bad = alice_api.patch(f"{base}/channels/{channel['id']}", {"every_days": 0}, content_type=JSON)
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["field"] == "every_days"


def plan_with_agenda(api, base, *agenda, **fields):
    """A plan made through the API, its agenda items added one by one."""
    body = {"title": "Budget", "starts_at": future(), **fields}
    created = api.post(f"{base}/meeting-plans", body, content_type=JSON)
    assert created.status_code == 201, created.json()
    plan = created.json()
    for item in agenda:
        added = api.post(f"{base}/meeting-plans/{plan['id']}/agenda", item, content_type=JSON)
        assert added.status_code == 201, added.json()
    return api.get(f"{base}/meeting-plans/{plan['id']}").json()


def test_a_meeting_is_planned_proposed_and_confirmed(alice_api, alice_member, base, cast):
    make_interaction(
        alice_member.workspace,
        [cast["fund"].stakeholder],
        timezone.now() - dt.timedelta(days=3),
        duration_minutes=90,
    )
    plan = plan_with_agenda(
        alice_api, base, {"text": "Next year", "roles": ["funder"]}, duration_minutes=45
    )
    assert plan["agenda"][0]["roles"] == ["funder"] and not plan["confirmed"]
    at = f"{base}/meeting-plans/{plan['id']}"
    assert alice_api.get(f"{at}/agenda").json()["count"] == 1
    invitees = alice_api.get(f"{at}/invitees").json()
    assert [(i["name"], i["reasons"]) for i in invitees] == [("Fund", ["Funder"])]
    assert invitees[0]["load"] == {"meetings": 1, "hours": 1.5, "unknown_length": 0, "heavy": False}
    confirmed = alice_api.post(
        f"{at}/confirm", {"invited": [cast["fund"].pk, cast["lab"].pk]}, content_type=JSON
    )
    assert confirmed.status_code == 201, confirmed.json()
    body = confirmed.json()
    assert body["confirmed"] and body["invited"] == sorted([cast["fund"].pk, cast["lab"].pk])
    assert body["ics"] == f"/w/riverton/interactions/{body['interaction']}/invitation.ics"
    interaction = Interaction.objects.get(pk=body["interaction"])
    assert (interaction.kind, interaction.duration_minutes) == ("meeting", 45)
    follow = alice_api.post(
        f"{at}/follow-ups",
        {
            "description": "Share data",
            "owed_by": "them",
            "stakeholder": cast["lab"].stakeholder_id,
            "due_on": "2030-02-01",
        },  # fmt: skip
        content_type=JSON,
    )
    assert follow.status_code == 201
    assert alice_api.get(f"{at}/follow-ups/{follow.json()['id']}").json() == follow.json()
    listed = alice_api.get(f"{at}/follow-ups").json()["items"]
    assert [c["description"] for c in listed] == ["Share data"]
    assert Commitment.objects.get().interaction == interaction
    # Confirming again changes whom the meeting invites.
    again = alice_api.post(f"{at}/confirm", {"invited": [cast["lab"].pk]}, content_type=JSON)
    assert again.json()["invited"] == [cast["lab"].pk]
    assert list(interaction.participants.all()) == [cast["lab"].stakeholder]


def test_a_bad_plan_or_confirmation_names_the_field(alice_api, base, cast):
    past = alice_api.post(
        f"{base}/meeting-plans",
        {"title": "Late", "starts_at": "2020-01-01T10:00"},
        content_type=JSON,
    )
    assert past.status_code == 422
    assert fields(past) == {"starts_at"}
    plan = plan_with_agenda(alice_api, base)
    at = f"{base}/meeting-plans/{plan['id']}"
    needs_nothing = alice_api.post(f"{at}/agenda", {"text": "x"}, content_type=JSON)
    assert needs_nothing.status_code == 422 and fields(needs_nothing) == {"roles"}
    nobody = alice_api.post(f"{at}/confirm", {}, content_type=JSON)
    assert nobody.status_code == 422 and fields(nobody) == {"invited"}
    stranger = alice_api.post(f"{at}/confirm", {"invited": [999_999]}, content_type=JSON)
    assert fields(stranger) == {"invited"}
    early = alice_api.post(
        f"{at}/follow-ups",
        {"description": "Send", "stakeholder": cast["fund"].stakeholder_id, "due_on": "2030-01-01"},
        content_type=JSON,
    )
    assert early.status_code == 422
    assert not Interaction.objects.exists() and not Commitment.objects.exists()


def test_viewers_read_and_cannot_write(bob_api, alice_member, base, partnership, cast):
    Channel.objects.create(
        workspace=alice_member.workspace,
        partnership=partnership,
        kind="email-list",
        name="List",
        every_days=7,
    )
    assert bob_api.get(f"{base}/channels").status_code == 200
    refused = bob_api.post(
        f"{base}/channels", {"kind": "other", "name": "x", "every_days": 3}, content_type=JSON
    )
    assert refused.status_code == 403
    refused = bob_api.post(
        f"{base}/meeting-plans",
        {"title": "x", "starts_at": future()},
        content_type=JSON,
    )
    assert refused.status_code == 403
    assert not MeetingPlan.objects.exists()


def test_another_workspace_is_not_found(carol_api, alice_api, base, partnership, lakeside):
    assert carol_api.get(f"{base}/activities").status_code == 404
    carol = make_member(lakeside, role="owner")
    theirs = make_partnership(carol, "Lakeside's")
    assert (
        alice_api.get(
            f"/api/v1/workspaces/riverton/partnerships/{theirs.pk}/meeting-plans"
        ).status_code
        == 404
    )
    assert alice_api.get(f"{base}/channels/999999").status_code == 404
