"""The plan API (Alice owns Riverton, Bob is a viewer there, Carol owns Lakeside)."""

from __future__ import annotations

import json

import pytest

from cityweave.stakeholders.models import Tie
from cityweave.strategy import budget, plans
from cityweave.strategy.models import Plan
from cityweave.strategy.planning import Weights
from cityweave.strategy.tests.plan_factories import make_proposal
from cityweave.testing import make_stakeholder, make_tie

pytestmark = pytest.mark.django_db

BASE = "/api/v1/workspaces/riverton/budget/plan"


def send(client, method, url, data=None):
    body = json.dumps(data) if data is not None else ""
    return getattr(client, method)(url, body, content_type="application/json")


@pytest.fixture
def ties(riverton, alice_member):
    budget.save_budget(alice_member, {"hours_per_month": 10})
    city = make_stakeholder(riverton, "City Hall", is_internal=True)
    return {
        "harbor": make_tie(
            city,
            make_stakeholder(riverton, "Harbor", sector="business"),
            cadence_days=7,
            owner=alice_member,
        ),
        "gazette": make_tie(
            city,
            make_stakeholder(riverton, "Gazette", sector="media"),
            cadence_days=90,
            owner=alice_member,
        ),
    }


@pytest.fixture
def plan(alice_member, ties):
    moves = {ties["harbor"]: ("close", "rest"), ties["gazette"]: ("maintained", "active")}
    return plans.save_proposal(alice_member, make_proposal(alice_member, moves))


def test_i_read_my_latest_plan(alice_api, plan, ties):
    assert alice_api.get(BASE).status_code == 200
    body = alice_api.get(BASE).json()
    assert body["id"] == plan.pk
    assert (body["value_before"], body["value_after"], body["optimal"]) == (6.0, 7.5, True)
    assert body["changes"] == 2 and body["accepted"] == 0
    assert body["diversity"]["blau_before"] == pytest.approx(0.5)
    assert body["diversity"]["blau_after"] == 0.0
    assert "business" in body["diversity"]["missing_after"]
    first = body["lines"][0]
    assert (first["tie"], first["proposed"], first["proposed_label"]) == (
        ties["harbor"].pk, "rest", "Let rest",
    )  # fmt: skip
    assert body["uncovered"][0]["what"].startswith("Keep one media")


def test_no_plan_yet_answers_404_saying_how_to_propose_one(alice_api, ties):
    response = alice_api.get(BASE)
    assert response.status_code == 404
    assert response.json() == {"detail": f"No plan yet: POST {BASE} to propose one."}


def test_a_plan_is_proposed_without_a_body_and_unknown_keys_are_refused(alice_api, ties):
    response = alice_api.post(BASE, "", content_type="application/json")  # no body
    assert response.status_code == 200, response.content
    assert alice_api.post(BASE, "{}", content_type="application/json").status_code == 200
    for data, field in (({"weightz": {}}, "weightz"), ({"time_limit": 0.001}, "time_limit")):
        response = send(alice_api, "post", BASE, data)
        assert response.status_code == 422, data
        assert [e["field"] for e in response.json()["detail"]] == [field]
    response = send(alice_api, "post", f"{BASE}/accept", {"tie_id": 1})
    assert response.json()["detail"][0]["field"] == "tie_id"


def test_i_propose_a_plan_with_weights_for_this_plan_only(alice_api, alice_member, ties):
    response = send(alice_api, "post", BASE, {"weights": {"goal": 6}})
    assert response.status_code == 200, response.content
    assert response.json()["weights"]["goal"] == 6
    assert plans.plan_weights(alice_member).goal == Weights().goal  # not saved
    assert Plan.objects.count() == 1
    assert send(alice_api, "post", BASE, {}).status_code == 200  # the saved weights
    assert Plan.objects.count() == 1  # the unaccepted plan was replaced


def test_a_bad_weight_is_named(alice_api, ties):
    for weights, field in (
        ({"goal": -1}, "weights.goal"),
        ({"goal": True}, "weights.goal"),
        ({"goal": "3"}, "weights.goal"),
        ({"gaol": 3}, "weights.gaol"),
    ):
        response = send(alice_api, "post", BASE, {"weights": weights})
        assert response.status_code == 422, weights
        assert field in [e["field"] for e in response.json()["detail"]], response.json()
    assert not Plan.objects.exists()


def test_without_a_budget_proposing_names_the_hours(bob_api):
    response = send(bob_api, "post", BASE, {})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "hours_per_month"


def test_i_read_and_set_my_weights(alice_api, alice_member, ties):
    body = alice_api.get(f"{BASE}/weights").json()
    assert {w["name"] for w in body} == set(Weights.FIELDS)
    goal = next(w for w in body if w["name"] == "goal")
    assert goal["meaning"] and goal["default"] == goal["value"] == Weights().goal
    response = send(alice_api, "put", f"{BASE}/weights", {"goal": 4.5, "decay": 0.25})
    assert response.status_code == 200, response.content
    assert plans.plan_weights(alice_member) == Weights(goal=4.5, decay=0.25)
    response = send(alice_api, "put", f"{BASE}/weights", {"decay": 2})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "decay"
    assert plans.plan_weights(alice_member).decay == 0.25


def test_i_accept_my_plan_by_line_then_whole_and_revert(alice_api, plan, ties):
    response = send(alice_api, "post", f"{BASE}/accept", {"tie_ids": [ties["gazette"].pk]})
    assert response.status_code == 200, response.content
    assert response.json() == {"accepted": [ties["gazette"].pk], "refused": []}
    assert Tie.objects.get(pk=ties["gazette"].pk).cadence_days == 30
    response = send(alice_api, "post", f"{BASE}/accept", {})
    assert response.json()["accepted"] == [ties["harbor"].pk]
    assert Tie.objects.get(pk=ties["harbor"].pk).status == Tie.Status.DORMANT
    response = send(alice_api, "post", f"{BASE}/accept", {"tie_ids": [ties["harbor"].pk]})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "tie_ids"
    response = send(alice_api, "post", f"{BASE}/revert", {"tie_id": ties["harbor"].pk})
    assert response.status_code == 200
    assert response.json()["accepted"] == 1
    assert Tie.objects.get(pk=ties["harbor"].pk).status == Tie.Status.ACTIVE
    response = send(alice_api, "post", f"{BASE}/revert", {"tie_id": ties["harbor"].pk})
    assert response.status_code == 422
    error = response.json()["detail"][0]
    assert (error["field"], error["msg"]) == ("tie_id", "This line of the plan was not accepted.")


def test_a_bad_accept_body_names_the_field(alice_api, plan):
    for data in ({"tie_ids": [True]}, {"tie_ids": ["1"]}, {"tie_ids": [0]}, {"tie_ids": 5}):
        response = send(alice_api, "post", f"{BASE}/accept", data)
        assert response.status_code == 422, data
        assert response.json()["detail"][0]["field"].startswith("tie_ids")
    response = send(alice_api, "post", f"{BASE}/accept", {"tie_ids": [999999]})
    assert response.status_code == 422
    assert "Not a change in this plan" in response.json()["detail"][0]["msg"]


def test_a_viewer_plans_their_own_time_but_may_not_accept(bob_api, bob_member, riverton):
    budget.save_budget(bob_member, {"hours_per_month": 2})
    city = make_stakeholder(riverton, "City Hall", is_internal=True)
    tie = make_tie(city, make_stakeholder(riverton, "Library"), cadence_days=7, owner=bob_member)
    assert send(bob_api, "put", f"{BASE}/weights", {"goal": 2}).status_code == 200
    assert send(bob_api, "post", BASE, {}).status_code == 200
    assert send(bob_api, "post", f"{BASE}/accept", {}).status_code == 403
    assert send(bob_api, "post", f"{BASE}/revert", {"tie_id": tie.pk}).status_code == 403
    assert Tie.objects.get(pk=tie.pk).status == Tie.Status.ACTIVE


def test_a_shared_members_plan_is_readable_and_others_are_not(
    bob_api, carol_api, alice_member, plan
):
    url = f"/api/v1/workspaces/riverton/budget/members/{alice_member.pk}/plan"
    assert bob_api.get(url).status_code == 404
    budget.save_budget(alice_member, {"shared": True})
    assert bob_api.get(url).json()["id"] == plan.pk
    assert carol_api.get(url).status_code == 404
    assert carol_api.get(BASE).status_code == 404
    assert send(carol_api, "post", f"{BASE}/accept", {}).status_code == 404


def test_a_member_id_past_any_id_answers_404(alice_api):
    for url in (
        "/api/v1/workspaces/riverton/budget/members/357088056237133725696/plan",
        "/api/v1/workspaces/riverton/budget/members/357088056237133725696",
    ):
        assert alice_api.get(url).status_code == 404
