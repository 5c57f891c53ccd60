"""Interaction and commitment API: CRUD, filters, pagination, privacy, errors naming the field, roles."""

from __future__ import annotations

import datetime as dt

import pytest

from cityweave.engagement.models import Commitment, Interaction
from cityweave.engagement.services import workspace_today
from cityweave.testing import (
    make_commitment,
    make_goal,
    make_interaction,
    make_member,
    make_stakeholder,
    make_user,
)

pytestmark = pytest.mark.django_db

INTERACTIONS = "/api/v1/workspaces/riverton/interactions"
COMMITMENTS = "/api/v1/workspaces/riverton/commitments"
JSON = "application/json"


@pytest.fixture
def foundation(riverton):
    return make_stakeholder(riverton, "Riverton Community Foundation", sector="philanthropy")


@pytest.fixture
def secret(riverton, alice_member, foundation):
    return make_interaction(
        riverton, [foundation], summary="Secret budget talk", private=True, author=alice_member
    )


def test_it_requires_a_token(client, riverton):
    assert client.get(INTERACTIONS).status_code == 401
    assert client.get(COMMITMENTS).status_code == 401


def test_it_creates_reads_updates_and_deletes_an_interaction(
    alice_api, riverton, alice_member, foundation
):
    goal = make_goal(riverton)
    created = alice_api.post(
        INTERACTIONS,
        {
            "occurred_at": "2025-03-14T09:30:00",
            "kind": "call",
            "summary": "Call about the fund",
            "participants": [foundation.pk],
            "members_present": [alice_member.pk],
            "goal": goal.pk,
        },
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["author"] == alice_member.pk and body["participants"] == [foundation.pk]
    assert body["members_present"] == [alice_member.pk] and body["goal"] == goal.pk
    # No offset given, so 09:30 is Riverton time (America/Chicago, UTC-5 in mid-March).
    assert dt.datetime.fromisoformat(body["occurred_at"]) == dt.datetime(
        2025, 3, 14, 14, 30, tzinfo=dt.UTC
    )
    iid = body["id"]
    assert alice_api.get(f"{INTERACTIONS}/{iid}").json()["summary"] == "Call about the fund"
    patched = alice_api.patch(
        f"{INTERACTIONS}/{iid}", {"kind": "email", "goal": None}, content_type=JSON
    )
    assert patched.status_code == 200
    assert (patched.json()["kind"], patched.json()["goal"], patched.json()["participants"]) == (
        "email",
        None,
        [foundation.pk],
    )
    assert alice_api.delete(f"{INTERACTIONS}/{iid}").status_code == 204
    assert alice_api.get(f"{INTERACTIONS}/{iid}").status_code == 404
    assert Interaction.all_objects.get(pk=iid).in_trash


def test_it_lists_interactions_with_filters_and_pagination(
    alice_api, riverton, alice_member, foundation
):
    bank = make_stakeholder(riverton, "Riverton Savings Bank", sector="business")
    start = dt.datetime(2025, 3, 1, 15, 0, tzinfo=dt.UTC)
    for i in range(5):
        make_interaction(
            riverton,
            [foundation],
            summary=f"Call {i}",
            kind="call",
            when=start + dt.timedelta(days=i),
        )
    make_interaction(riverton, [bank], summary="Bank call", kind="call", when=start)
    make_interaction(riverton, [foundation], summary="Gala", kind="event", when=start)
    body = alice_api.get(
        INTERACTIONS, {"kind": "call", "sector": "philanthropy", "limit": 2, "offset": 1}
    ).json()
    assert body["count"] == 5
    assert [i["summary"] for i in body["items"]] == ["Call 3", "Call 2"]
    dated = alice_api.get(
        INTERACTIONS, {"occurred_from": "2025-03-02", "occurred_to": "2025-03-03", "kind": "call"}
    )
    assert [i["summary"] for i in dated.json()["items"]] == ["Call 2", "Call 1"]
    oldest = alice_api.get(INTERACTIONS, {"participant": bank.pk, "order": "occurred_at"}).json()
    assert [i["summary"] for i in oldest["items"]] == ["Bank call"]
    assert alice_api.get(INTERACTIONS, {"q": "gala"}).json()["count"] == 1


def test_it_filters_interactions_by_member_present_and_goal(
    alice_api, riverton, alice_member, foundation
):
    goal = make_goal(riverton)
    attended = make_interaction(riverton, [foundation], summary="Attended", goal=goal)
    attended.members_present.add(alice_member)
    make_interaction(riverton, [foundation], summary="Not attended")
    assert [
        i["summary"]
        for i in alice_api.get(INTERACTIONS, {"member": alice_member.pk}).json()["items"]
    ] == ["Attended"]
    assert alice_api.get(INTERACTIONS, {"goal": goal.pk}).json()["count"] == 1


def test_private_interactions_are_hidden_from_others(alice_api, bob_api, secret):
    assert [i["summary"] for i in alice_api.get(INTERACTIONS).json()["items"]] == [
        "Secret budget talk"
    ]
    assert alice_api.get(f"{INTERACTIONS}/{secret.pk}").status_code == 200
    assert bob_api.get(INTERACTIONS).json()["count"] == 0
    assert bob_api.get(f"{INTERACTIONS}/{secret.pk}").status_code == 404


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"kind": "call", "summary": "X", "participants": "FOUNDATION"}, "occurred_at"),
        ({"occurred_at": "2025-03-14T09:30", "summary": "X"}, "participants"),
        (
            {"occurred_at": "2025-03-14T09:30", "summary": "", "participants": "FOUNDATION"},
            "summary",
        ),
        (
            {
                "occurred_at": "2025-03-14T09:30",
                "summary": "X",
                "kind": "telegram",
                "participants": "FOUNDATION",
            },
            "kind",
        ),
        (
            {"occurred_at": "not a time", "summary": "X", "participants": "FOUNDATION"},
            "occurred_at",
        ),
        (
            {"occurred_at": "0001-01-01T00:00:00Z", "summary": "X", "participants": "FOUNDATION"},
            "occurred_at",
        ),
        (
            {
                "occurred_at": "2025-03-14T09:30",
                "summary": "X",
                "participants": "FOUNDATION",
                "goal": 999999,
            },
            "goal",
        ),
        (
            {
                "occurred_at": "2025-03-14T09:30",
                "summary": "X",
                "participants": "FOUNDATION",
                "members_present": [999999],
            },
            "members_present",
        ),
    ],
)
def test_bad_interaction_input_names_the_field_and_writes_nothing(
    alice_api, foundation, payload, field
):
    if payload.get("participants") == "FOUNDATION":
        payload = {**payload, "participants": [foundation.pk]}
    response = alice_api.post(INTERACTIONS, payload, content_type=JSON)
    assert response.status_code == 422, response.content
    assert field in [d["field"] for d in response.json()["detail"]]
    assert not Interaction.objects.exists()


def test_another_workspaces_stakeholder_is_rejected_naming_participants(
    alice_api, riverton, lakeside
):
    foreign = make_stakeholder(lakeside, "Lakeside Corp")
    response = alice_api.post(
        INTERACTIONS,
        {"occurred_at": "2025-03-14T09:30:00Z", "summary": "Spy", "participants": [foreign.pk]},
        content_type=JSON,
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "participants"
    assert not Interaction.objects.exists()


def test_patching_away_every_participant_is_refused(alice_api, riverton, foundation):
    interaction = make_interaction(riverton, [foundation])
    response = alice_api.patch(
        f"{INTERACTIONS}/{interaction.pk}", {"participants": []}, content_type=JSON
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "participants"
    assert list(interaction.participants.all()) == [foundation]


def test_it_creates_reads_updates_and_deletes_a_commitment(
    alice_api, riverton, alice_member, foundation
):
    interaction = make_interaction(riverton, [foundation])
    created = alice_api.post(
        COMMITMENTS,
        {
            "description": "Send the MOU",
            "stakeholder": foundation.pk,
            "due_on": "2025-04-01",
            "interaction": interaction.pk,
        },
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["owner"], body["owed_by"], body["status"], body["closed_at"]) == (
        alice_member.pk,
        "us",
        "open",
        None,
    )
    assert body["interaction"] == interaction.pk
    cid = body["id"]
    assert alice_api.get(f"{COMMITMENTS}/{cid}").json()["description"] == "Send the MOU"
    done = alice_api.patch(f"{COMMITMENTS}/{cid}", {"status": "done"}, content_type=JSON).json()
    assert done["status"] == "done" and done["closed_at"] is not None
    reopened = alice_api.patch(f"{COMMITMENTS}/{cid}", {"status": "open"}, content_type=JSON).json()
    assert reopened["closed_at"] is None
    assert alice_api.delete(f"{COMMITMENTS}/{cid}").status_code == 204
    assert alice_api.get(f"{COMMITMENTS}/{cid}").status_code == 404
    assert Commitment.all_objects.get(pk=cid).in_trash


def test_a_commitment_can_be_created_without_an_owner(alice_api, foundation):
    created = alice_api.post(
        COMMITMENTS,
        {
            "description": "They send the data",
            "stakeholder": foundation.pk,
            "due_on": "2025-04-01",
            "owed_by": "them",
            "owner": None,
        },
        content_type=JSON,
    )
    assert created.status_code == 201 and created.json()["owner"] is None


def test_it_lists_commitments_with_filters_and_pagination(
    alice_api, riverton, alice_member, foundation
):
    today = workspace_today(riverton)
    for i in range(4):
        make_commitment(
            foundation,
            today + dt.timedelta(days=i + 1),
            description=f"Soon {i}",
            owner=alice_member,
        )
    make_commitment(foundation, today - dt.timedelta(days=3), description="Late")
    make_commitment(
        foundation, today + dt.timedelta(days=40), description="Far off", owed_by="them"
    )
    make_commitment(foundation, today + dt.timedelta(days=2), description="Kept", status="done")
    body = alice_api.get(COMMITMENTS, {"due": "this-week", "limit": 2, "offset": 1}).json()
    assert body["count"] == 4
    assert [c["description"] for c in body["items"]] == ["Soon 1", "Soon 2"]
    assert [
        c["description"] for c in alice_api.get(COMMITMENTS, {"due": "overdue"}).json()["items"]
    ] == ["Late"]
    assert [
        c["description"] for c in alice_api.get(COMMITMENTS, {"owed_by": "them"}).json()["items"]
    ] == ["Far off"]
    assert [
        c["description"] for c in alice_api.get(COMMITMENTS, {"status": "done"}).json()["items"]
    ] == ["Kept"]
    assert alice_api.get(COMMITMENTS, {"owner": alice_member.pk}).json()["count"] == 4
    latest = alice_api.get(COMMITMENTS, {"order": "-due_on", "limit": 1}).json()
    assert latest["items"][0]["description"] == "Far off"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"stakeholder": "FOUNDATION", "due_on": "2025-04-01"}, "description"),
        ({"description": "X", "due_on": "2025-04-01"}, "stakeholder"),
        ({"description": "X", "stakeholder": "FOUNDATION"}, "due_on"),
        ({"description": "X", "stakeholder": "FOUNDATION", "due_on": "2025-02-30"}, "due_on"),
        (
            {
                "description": "X",
                "stakeholder": "FOUNDATION",
                "due_on": "2025-04-01",
                "status": "maybe",
            },
            "status",
        ),
        (
            {
                "description": "X",
                "stakeholder": "FOUNDATION",
                "due_on": "2025-04-01",
                "owner": 999999,
            },
            "owner",
        ),
        ({"description": "X", "stakeholder": 999999, "due_on": "2025-04-01"}, "stakeholder"),
        (
            {
                "description": "X",
                "stakeholder": "FOUNDATION",
                "due_on": "2025-04-01",
                "interaction": 999999,
            },
            "interaction",
        ),
    ],
)
def test_bad_commitment_input_names_the_field_and_writes_nothing(
    alice_api, foundation, payload, field
):
    if payload.get("stakeholder") == "FOUNDATION":
        payload = {**payload, "stakeholder": foundation.pk}
    response = alice_api.post(COMMITMENTS, payload, content_type=JSON)
    assert response.status_code == 422, response.content
    assert field in [d["field"] for d in response.json()["detail"]]
    assert not Commitment.objects.exists()


def test_a_commitment_cannot_point_at_someone_elses_private_interaction(
    riverton, foundation, secret, client
):
    dave = make_user("dave@riverton.example", "Dave Mensah")
    make_member(riverton, dave, "editor")
    client.force_login(dave)
    response = client.post(
        COMMITMENTS,
        {
            "description": "X",
            "stakeholder": foundation.pk,
            "due_on": "2025-04-01",
            "interaction": secret.pk,
        },
        content_type=JSON,
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "interaction"


def test_a_viewer_can_read_but_not_write(bob_api, riverton, foundation):
    interaction = make_interaction(riverton, [foundation], summary="Call")
    commitment = make_commitment(foundation, description="Send the report")
    assert bob_api.get(f"{INTERACTIONS}/{interaction.pk}").status_code == 200
    assert bob_api.get(f"{COMMITMENTS}/{commitment.pk}").status_code == 200
    new_interaction = {
        "occurred_at": "2025-03-14T09:30Z",
        "summary": "X",
        "participants": [foundation.pk],
    }
    assert bob_api.post(INTERACTIONS, new_interaction, content_type=JSON).status_code == 403
    assert (
        bob_api.patch(
            f"{INTERACTIONS}/{interaction.pk}", {"summary": "Y"}, content_type=JSON
        ).status_code
        == 403
    )
    assert bob_api.delete(f"{INTERACTIONS}/{interaction.pk}").status_code == 403
    new_commitment = {"description": "X", "stakeholder": foundation.pk, "due_on": "2025-04-01"}
    assert bob_api.post(COMMITMENTS, new_commitment, content_type=JSON).status_code == 403
    assert (
        bob_api.patch(
            f"{COMMITMENTS}/{commitment.pk}", {"status": "done"}, content_type=JSON
        ).status_code
        == 403
    )
    assert bob_api.delete(f"{COMMITMENTS}/{commitment.pk}").status_code == 403
    interaction.refresh_from_db()
    commitment.refresh_from_db()
    assert interaction.summary == "Call" and not interaction.in_trash
    assert commitment.status == "open" and not commitment.in_trash


def test_another_workspace_gets_404(carol_api, riverton, foundation):
    interaction = make_interaction(riverton, [foundation])
    commitment = make_commitment(foundation)
    bodies = {
        INTERACTIONS: {
            "occurred_at": "2025-03-14T09:30Z",
            "summary": "X",
            "participants": [foundation.pk],
        },
        COMMITMENTS: {"description": "X", "stakeholder": foundation.pk, "due_on": "2025-04-01"},
    }
    for base, pk in [(INTERACTIONS, interaction.pk), (COMMITMENTS, commitment.pk)]:
        assert carol_api.get(base).status_code == 404
        assert carol_api.post(base, bodies[base], content_type=JSON).status_code == 404
        assert carol_api.get(f"{base}/{pk}").status_code == 404
        assert carol_api.patch(f"{base}/{pk}", {}, content_type=JSON).status_code == 404
        assert carol_api.delete(f"{base}/{pk}").status_code == 404
    assert Interaction.objects.count() == 1 and Commitment.objects.count() == 1


def test_a_record_in_another_workspace_is_404_even_for_a_member(alice_api, lakeside):
    foreign = make_stakeholder(lakeside, "Lakeside Corp")
    assert (
        alice_api.get(f"{INTERACTIONS}/{make_interaction(lakeside, [foreign]).pk}").status_code
        == 404
    )
    assert alice_api.get(f"{COMMITMENTS}/{make_commitment(foreign).pk}").status_code == 404


def test_the_openapi_schema_lists_the_endpoints_under_their_tags(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["paths"]["/api/v1/workspaces/{slug}/interactions"]["get"]["tags"] == [
        "interactions"
    ]
    assert schema["paths"]["/api/v1/workspaces/{slug}/commitments/{commitment_id}"]["patch"][
        "tags"
    ] == ["commitments"]


@pytest.mark.parametrize("field", ["occurred_at", "kind", "summary", "private", "participants"])
def test_patching_an_interaction_field_to_null_names_the_field(
    alice_api, riverton, alice_member, foundation, field
):
    interaction = make_interaction(riverton, [foundation], summary="Call", author=alice_member)
    response = alice_api.patch(f"{INTERACTIONS}/{interaction.pk}", {field: None}, content_type=JSON)
    assert response.status_code == 422, response.content
    assert field in [d["field"] for d in response.json()["detail"]]
    interaction.refresh_from_db()
    assert interaction.summary == "Call"


@pytest.mark.parametrize("field", ["description", "stakeholder", "owed_by", "due_on", "status"])
def test_patching_a_commitment_field_to_null_names_the_field(alice_api, foundation, field):
    commitment = make_commitment(foundation, description="Send the report")
    response = alice_api.patch(f"{COMMITMENTS}/{commitment.pk}", {field: None}, content_type=JSON)
    assert response.status_code == 422, response.content
    assert field in [d["field"] for d in response.json()["detail"]]
    commitment.refresh_from_db()
    assert commitment.description == "Send the report"
