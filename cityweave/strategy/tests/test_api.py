"""The budget API (Alice owns Riverton, Bob is a viewer there, Carol owns Lakeside)."""

from __future__ import annotations

import json

import pytest

from cityweave.strategy import budget
from cityweave.strategy.models import TimeBudget
from cityweave.testing import make_goal, make_stakeholder, make_tie

pytestmark = pytest.mark.django_db

BASE = "/api/v1/workspaces/riverton/budget"


def put(client, data, url=BASE):
    return client.put(url, json.dumps(data), content_type="application/json")


def test_i_set_and_read_my_budget(alice_api, alice_member, riverton):
    city = make_stakeholder(riverton, is_internal=True)
    fund = make_stakeholder(riverton, "Fund", sector="philanthropy")
    tie = make_tie(city, fund, cadence_days=7, owner=alice_member)
    make_goal(riverton).stakeholders.set([fund])
    response = put(
        alice_api,
        {
            "hours_per_month": 24,
            "operational_percent": 30,
            "personal_percent": 30,
            "strategic_percent": 40,
            "tiers": {"close": {"minutes": 30}},
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["hours_per_month"] == 24
    assert body["split"] == {"operational": 30, "personal": 30, "strategic": 40}
    assert body["tier_overrides"] == {"close": {"minutes": 30}}
    (cost,) = body["ties"]
    assert cost["tie"] == tie.pk
    assert cost["tier"] == "close"
    assert cost["minutes"] == 30  # no interactions: the tier's length, as Alice keeps it
    assert cost["hours"] == pytest.approx(30.4375 / 7 / 2, abs=1e-4)
    assert body["planned_hours"] == cost["hours"]
    assert len(body["actual"]) == 12
    assert body["unaligned"] == []
    assert [s["key"] for s in body["by_tier"]] == ["close", "active", "maintained", "dormant"]
    assert alice_api.get(BASE).json() == body


def test_a_bad_budget_names_its_field_and_writes_nothing(alice_api):
    for data, field in (
        ({"hours_per_month": 0}, "hours_per_month"),
        ({"hours_per_month": True}, "hours_per_month"),
        ({"hours_per_month": 10, "operational_percent": 101}, "operational_percent"),
        ({"hours_per_month": 10, "tiers": {"weekly": {"minutes": 10}}}, "tiers.weekly.[key]"),
        ({"hours_per_month": 10, "tiers": {"close": {"minutes": 1}}}, "tiers.close.minutes"),
        ({"hours_per_month": 10, "tiers": {"close": {}}}, "tiers"),
        ({"hours_per_month": 10, "operational_percent": 50}, "personal_percent"),
        (
            {
                "hours_per_month": 10,
                "operational_percent": 50,
                "personal_percent": 50,
                "strategic_percent": 1,
            },
            "strategic_percent",
        ),
    ):
        response = put(alice_api, data)
        assert response.status_code == 422, (data, response.content)
        fields = [error["field"] for error in response.json()["detail"]]
        assert field in fields, (data, fields)
    assert not TimeBudget.objects.exists()


def test_a_viewer_sets_their_own_budget(bob_api, bob_member, alice_member):
    budget.save_budget(alice_member, {"hours_per_month": 30})
    response = put(bob_api, {"hours_per_month": 4})
    assert response.status_code == 200
    assert response.json()["member"] == bob_member.pk
    assert TimeBudget.objects.get(member=alice_member).hours_per_month == 30


def test_another_members_budget_reads_only_when_shared(bob_api, alice_member, bob_member):
    url = f"{BASE}/members/{alice_member.pk}"
    budget.save_budget(alice_member, {"hours_per_month": 30})
    assert bob_api.get(url).status_code == 404
    assert bob_api.get(f"{BASE}/members").json() == []
    budget.save_budget(alice_member, {"shared": True})
    assert bob_api.get(url).json()["hours_per_month"] == 30
    assert bob_api.get(f"{BASE}/members").json() == [
        {"id": alice_member.pk, "name": "Alice Reyes", "shared": True}
    ]
    assert bob_api.get(f"{BASE}/members/{bob_member.pk}").json()["hours_per_month"] is None


def test_another_workspace_answers_404(carol_api, alice_api, alice_member, carol):
    budget.save_budget(alice_member, {"hours_per_month": 30, "shared": True})
    assert carol_api.get(BASE).status_code == 404
    assert put(carol_api, {"hours_per_month": 3}).status_code == 404
    assert carol_api.get(f"{BASE}/members/{alice_member.pk}").status_code == 404
    assert carol_api.get(f"{BASE}/tiers").status_code == 404
    carol_member = carol.memberships.get()
    budget.save_budget(carol_member, {"hours_per_month": 3, "shared": True})
    assert alice_api.get(f"{BASE}/members/{carol_member.pk}").status_code == 404
    assert TimeBudget.objects.get(member=carol_member).hours_per_month == 3


def test_tiers_list_the_workspaces_and_mine(alice_api, alice_member):
    budget.save_tier_defaults(alice_member, {"active": {"cadence_days": 21, "minutes": 30}})
    budget.save_budget(alice_member, {"hours_per_month": 5, "tiers": {"active": {"minutes": 60}}})
    body = alice_api.get(f"{BASE}/tiers").json()
    active = {row["tier"]: row for row in body["workspace"]}["active"]
    assert (active["cadence_days"], active["minutes"], active["cadence_source"]) == (
        21,
        30,
        "workspace",
    )
    mine = {row["tier"]: row for row in body["mine"]}["active"]
    assert (mine["cadence_days"], mine["minutes"], mine["minutes_source"]) == (21, 60, "member")
    assert mine["hours_per_tie"] == pytest.approx(30.4375 / 21, abs=1e-4)


def test_logged_out_callers_get_401(client):
    assert client.get(BASE).status_code == 401
