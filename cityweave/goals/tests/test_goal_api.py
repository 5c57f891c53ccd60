"""Goal API: CRUD, progress, filters, pagination, errors naming the field, scoping and roles."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cityweave.engagement.services import workspace_today
from cityweave.goals.models import Goal, GoalProgress
from cityweave.testing import make_goal, make_member, make_stakeholder

pytestmark = pytest.mark.django_db

BASE = "/api/v1/workspaces/riverton/goals"
JSON = "application/json"


def new_goal(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "statement": "Raise $2.5 million for the Eastside housing pipeline",
        "metric": "outside funding committed",
        "unit": "USD",
        "baseline": 0,
        "target": 2500000,
        "deadline": "2030-06-30",
    }
    data.update(overrides)
    return data


def test_it_requires_a_token(client, riverton):
    assert client.get(BASE).status_code == 401


def test_it_lists_with_filters_and_pagination(alice_api, riverton, alice_member):
    for i in range(5):
        make_goal(riverton, statement=f"Active {i}", deadline=dt.date(2030, 1, 1 + i))
    make_goal(riverton, statement="Done", status="achieved", owner=alice_member)
    body = alice_api.get(BASE, {"status": "active", "limit": 2, "offset": 2}).json()
    assert body["count"] == 5
    assert [g["statement"] for g in body["items"]] == ["Active 2", "Active 3"]
    mine = alice_api.get(BASE, {"owner": alice_member.pk}).json()
    assert [g["statement"] for g in mine["items"]] == ["Done"]
    searched = alice_api.get(BASE, {"q": "active 3"}).json()
    assert [g["statement"] for g in searched["items"]] == ["Active 3"]


def test_it_sorts_by_progress(alice_api, riverton):
    behind = make_goal(riverton, statement="Behind", baseline=Decimal(0), target=Decimal(10))
    ahead = make_goal(riverton, statement="Ahead", baseline=Decimal(10), target=Decimal(4))
    GoalProgress.objects.create(goal=behind, value=Decimal(2), recorded_on=dt.date(2025, 1, 1))
    GoalProgress.objects.create(goal=ahead, value=Decimal(5), recorded_on=dt.date(2025, 1, 1))
    items = alice_api.get(BASE, {"sort": "-progress"}).json()["items"]
    assert [(g["statement"], g["progress_percent"]) for g in items] == [
        ("Ahead", 83),
        ("Behind", 20),
    ]
    assert alice_api.get(BASE, {"sort": "luck"}).status_code == 422


def test_it_creates_reads_updates_and_deletes(alice_api, riverton, alice_member):
    bank = make_stakeholder(riverton, "Riverton Bank", sector="business")
    created = alice_api.post(
        BASE, new_goal(owner=alice_member.pk, stakeholders=[bank.pk]), content_type=JSON
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["owner"] == alice_member.pk and body["owner_name"] == "Alice Reyes"
    assert body["stakeholders"] == [bank.pk]
    assert (body["current_value"], body["progress_percent"], body["progress"]) == (0, 0, [])
    assert (body["target"], body["status"]) == (2500000, "active")
    gid = body["id"]
    assert alice_api.get(f"{BASE}/{gid}").json()["metric"] == "outside funding committed"
    patched = alice_api.patch(
        f"{BASE}/{gid}", {"target": 3000000, "owner": None}, content_type=JSON
    ).json()
    assert (patched["target"], patched["owner"], patched["stakeholders"]) == (
        3000000,
        None,
        [bank.pk],
    )
    assert alice_api.delete(f"{BASE}/{gid}").status_code == 204
    assert alice_api.get(f"{BASE}/{gid}").status_code == 404
    assert Goal.all_objects.get(pk=gid).in_trash


def test_recording_progress_returns_the_goal_with_its_new_value(alice_api, riverton):
    goal = make_goal(riverton, baseline=Decimal(10), target=Decimal(4), unit="days")
    response = alice_api.post(
        f"{BASE}/{goal.pk}/progress",
        {"value": 7, "recorded_on": "2025-03-01", "note": "From the CRM"},
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["current_value"], body["progress_percent"]) == (7, 50)
    assert body["progress"][0]["recorded_on"] == "2025-03-01"
    assert body["progress"][0]["note"] == "From the CRM"
    dated_today = alice_api.post(f"{BASE}/{goal.pk}/progress", {"value": 6}, content_type=JSON)
    entries = dated_today.json()["progress"]
    assert entries[-1]["recorded_on"] == workspace_today(riverton).isoformat()
    assert dated_today.json()["current_value"] == 6


def test_it_removes_a_progress_entry(alice_api, riverton):
    goal = make_goal(riverton)
    entry = GoalProgress.objects.create(goal=goal, value=Decimal(3))
    assert alice_api.delete(f"{BASE}/{goal.pk}/progress/{entry.pk}").status_code == 204
    assert alice_api.delete(f"{BASE}/{goal.pk}/progress/{entry.pk}").status_code == 404
    assert not GoalProgress.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"statement": ""}, "statement"),
        ({"deadline": "2025-02-30"}, "deadline"),
        ({"deadline": "next spring"}, "deadline"),
        ({"target": 0}, "target"),
        ({"target": "1.234"}, "target"),
        ({"baseline": "lots"}, "baseline"),
        ({"status": "forgotten"}, "status"),
        ({"stakeholders": [999999]}, "stakeholders"),
        ({"owner": 999999}, "owner"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(alice_api, riverton, overrides, field):
    response = alice_api.post(BASE, new_goal(**overrides), content_type=JSON)
    assert response.status_code == 422, response.content
    assert field in [d["field"] for d in response.json()["detail"]]
    assert not Goal.all_objects.exists()


def test_another_workspaces_ids_in_a_payload_are_rejected(alice_api, riverton, lakeside):
    foreign = make_stakeholder(lakeside, "Lakeside Corp")
    stranger = make_member(lakeside)
    response = alice_api.post(
        BASE, new_goal(stakeholders=[foreign.pk], owner=stranger.pk), content_type=JSON
    )
    assert response.status_code == 422
    assert {d["field"] for d in response.json()["detail"]} == {"stakeholders", "owner"}
    assert not Goal.objects.exists()


def test_a_bad_patch_changes_nothing(alice_api, riverton, lakeside):
    goal = make_goal(riverton, baseline=Decimal(2), target=Decimal(10))
    foreign = make_stakeholder(lakeside, "Lakeside Corp")
    same = alice_api.patch(f"{BASE}/{goal.pk}", {"target": 2}, content_type=JSON)
    assert same.status_code == 422 and same.json()["detail"][0]["field"] == "target"
    spy = alice_api.patch(
        f"{BASE}/{goal.pk}",
        {"statement": "Renamed", "stakeholders": [foreign.pk]},
        content_type=JSON,
    )
    assert spy.status_code == 422 and spy.json()["detail"][0]["field"] == "stakeholders"
    goal.refresh_from_db()
    assert (goal.target, goal.statement.startswith("Grow")) == (Decimal(10), True)
    assert not goal.stakeholders.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"value": "plenty"}, "value"),
        ({}, "value"),
        ({"value": 3, "recorded_on": "2999-01-01"}, "recorded_on"),
        ({"value": 3, "recorded_on": "2025-13-01"}, "recorded_on"),
    ],
)
def test_bad_progress_names_the_field_and_writes_nothing(alice_api, riverton, payload, field):
    goal = make_goal(riverton)
    response = alice_api.post(f"{BASE}/{goal.pk}/progress", payload, content_type=JSON)
    assert response.status_code == 422
    assert field in [d["field"] for d in response.json()["detail"]]
    assert not GoalProgress.objects.exists()


def test_a_viewer_can_read_but_not_write(bob_api, riverton):
    goal = make_goal(riverton, statement="Grow ties")
    entry = GoalProgress.objects.create(goal=goal, value=Decimal(3))
    assert bob_api.get(BASE).status_code == 200
    assert bob_api.get(f"{BASE}/{goal.pk}").status_code == 200
    assert bob_api.post(BASE, new_goal(), content_type=JSON).status_code == 403
    assert (
        bob_api.patch(f"{BASE}/{goal.pk}", {"statement": "Y"}, content_type=JSON).status_code == 403
    )
    assert bob_api.delete(f"{BASE}/{goal.pk}").status_code == 403
    assert (
        bob_api.post(f"{BASE}/{goal.pk}/progress", {"value": 5}, content_type=JSON).status_code
        == 403
    )
    assert bob_api.delete(f"{BASE}/{goal.pk}/progress/{entry.pk}").status_code == 403
    goal.refresh_from_db()
    assert goal.statement == "Grow ties" and not goal.in_trash
    assert GoalProgress.objects.count() == 1
    assert Goal.objects.count() == 1


def test_another_workspace_gets_404(carol_api, riverton):
    goal = make_goal(riverton)
    entry = GoalProgress.objects.create(goal=goal, value=Decimal(3))
    assert carol_api.get(BASE).status_code == 404
    assert carol_api.post(BASE, new_goal(), content_type=JSON).status_code == 404
    assert carol_api.get(f"{BASE}/{goal.pk}").status_code == 404
    assert (
        carol_api.patch(f"{BASE}/{goal.pk}", {"statement": "Y"}, content_type=JSON).status_code
        == 404
    )
    assert carol_api.delete(f"{BASE}/{goal.pk}").status_code == 404
    assert (
        carol_api.post(f"{BASE}/{goal.pk}/progress", {"value": 5}, content_type=JSON).status_code
        == 404
    )
    assert carol_api.delete(f"{BASE}/{goal.pk}/progress/{entry.pk}").status_code == 404
    assert GoalProgress.objects.count() == 1 and not Goal.all_objects.get(pk=goal.pk).in_trash


def test_a_goal_in_another_workspace_is_404_even_for_a_member(alice_api, lakeside):
    elsewhere = make_goal(lakeside)
    assert alice_api.get(f"{BASE}/{elsewhere.pk}").status_code == 404
    assert (
        alice_api.post(
            f"{BASE}/{elsewhere.pk}/progress", {"value": 1}, content_type=JSON
        ).status_code
        == 404
    )


def test_the_openapi_schema_lists_the_endpoints_under_goals(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert paths["/api/v1/workspaces/{slug}/goals"]["get"]["tags"] == ["goals"]
    assert "post" in paths["/api/v1/workspaces/{slug}/goals/{goal_id}/progress"]
    assert {"get", "patch", "delete"} <= set(paths["/api/v1/workspaces/{slug}/goals/{goal_id}"])
