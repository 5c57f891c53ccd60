"""Tie API: CRUD, filters, pagination, health, errors naming the field, scoping and roles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cityweave.stakeholders.models import Tie
from cityweave.testing import make_interaction, make_stakeholder, make_tie
from cityweave.workspaces.models import TrashEntry
from cityweave.workspaces.services import restore

pytestmark = pytest.mark.django_db

BASE = "/api/v1/workspaces/riverton/ties"


@pytest.fixture
def city(riverton):
    return make_stakeholder(
        riverton, "City of Riverton", sector="local-government", is_internal=True
    )


@pytest.fixture
def foundation(riverton):
    return make_stakeholder(riverton, "Riverton Community Foundation", sector="philanthropy")


@pytest.fixture
def bank(riverton):
    return make_stakeholder(riverton, "Riverton Bank", sector="business")


def post(client, payload: dict[str, object]):
    return client.post(BASE, payload, content_type="application/json")


def patch(client, tie_id: int, payload: dict[str, object]):
    return client.patch(f"{BASE}/{tie_id}", payload, content_type="application/json")


def test_it_requires_a_token(client, riverton):
    assert client.get(BASE).status_code == 401


def test_it_creates_reads_updates_and_deletes(alice_api, alice_member, city, foundation):
    created = post(
        alice_api,
        {"source": city.pk, "target": foundation.pk, "kind": "funder", "directed": True,
         "roles": ["funder"], "trust": 3, "value": 4, "owner": alice_member.pk,
         "started_on": "2023-04-01", "cadence_days": 30},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["source"], body["source_name"]) == (city.pk, "City of Riverton")
    assert (body["target"], body["target_name"]) == (foundation.pk, "Riverton Community Foundation")
    assert (body["owner"], body["owner_email"]) == (alice_member.pk, "alice@riverton.example")
    assert (body["kind"], body["directed"], body["roles"], body["trust"]) == (
        "funder",
        True,
        ["funder"],
        3,
    )
    assert body["health"] in {"healthy", "cooling", "cold"}
    tie_id = body["id"]
    assert alice_api.get(f"{BASE}/{tie_id}").json()["started_on"] == "2023-04-01"
    patched = patch(alice_api, tie_id, {"status": "dormant", "owner": None})
    assert patched.status_code == 200, patched.content
    assert (patched.json()["status"], patched.json()["owner"], patched.json()["owner_email"]) == (
        "dormant", None, None
    )  # fmt: skip
    assert patched.json()["trust"] == 3
    assert alice_api.delete(f"{BASE}/{tie_id}").status_code == 204
    assert alice_api.get(f"{BASE}/{tie_id}").status_code == 404
    assert Tie.all_objects.get(pk=tie_id).in_trash


def test_a_deleted_tie_comes_back_when_an_owner_restores_it(
    alice_api, alice_member, city, foundation
):
    tie = make_tie(city, foundation)
    assert alice_api.delete(f"{BASE}/{tie.pk}").status_code == 204
    restore(alice_member, TrashEntry.objects.get(workspace=city.workspace).pk)
    assert alice_api.get(f"{BASE}/{tie.pk}").status_code == 200


def test_health_is_reported_when_the_tie_has_one(alice_api, riverton, city, foundation, bank):
    warm = make_tie(city, foundation, cadence_days=30)
    make_tie(city, bank)
    make_interaction(riverton, [foundation], when=timezone.now() - dt.timedelta(days=40))
    items = {t["id"]: t for t in alice_api.get(BASE).json()["items"]}
    assert (items[warm.pk]["health"], items[warm.pk]["days_since_contact"]) == ("cooling", 40)
    others = [t for t in items.values() if t["id"] != warm.pk]
    assert [(t["health"], t["days_since_contact"]) for t in others] == [(None, None)]
    assert alice_api.get(f"{BASE}/{warm.pk}").json()["health"] == "cooling"


def test_it_lists_with_filters_and_pagination(
    alice_api, alice_member, riverton, city, foundation, bank
):
    for i in range(5):
        make_tie(
            city, make_stakeholder(riverton, f"Business {i}", sector="business"), kind="partner"
        )
    make_tie(city, foundation, kind="funder", status="dormant", owner=alice_member)
    make_tie(foundation, bank, kind="advisor", notes="Board seat")
    page = alice_api.get(BASE, {"kind": "partner", "limit": 2, "offset": 2}).json()
    assert page["count"] == 5
    assert [t["target_name"] for t in page["items"]] == ["Business 2", "Business 3"]

    def names(params: dict[str, object]) -> list[tuple[str, str]]:
        return [
            (t["source_name"], t["target_name"])
            for t in alice_api.get(BASE, params).json()["items"]
        ]

    assert names({"status": "dormant"}) == [("City of Riverton", "Riverton Community Foundation")]
    assert names({"owner": alice_member.pk}) == [
        ("City of Riverton", "Riverton Community Foundation")
    ]
    assert names({"stakeholder": bank.pk}) == [("Riverton Community Foundation", "Riverton Bank")]
    assert len(names({"stakeholder": foundation.pk})) == 2
    assert names({"q": "board"}) == [("Riverton Community Foundation", "Riverton Bank")]


def test_it_filters_by_health(alice_api, riverton, city, foundation, bank):
    make_tie(city, foundation, cadence_days=14)
    make_tie(city, bank, cadence_days=14)
    make_interaction(riverton, [bank], when=timezone.now() - dt.timedelta(days=1))
    make_interaction(riverton, [foundation], when=timezone.now() - dt.timedelta(days=60))
    cold = alice_api.get(BASE, {"health": "cold"}).json()["items"]
    assert [t["target_name"] for t in cold] == ["Riverton Community Foundation"]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"target": "FOUNDATION"}, "source"),
        ({"source": "CITY"}, "target"),
        ({"source": "CITY", "target": "CITY"}, "target"),
        ({"source": "CITY", "target": "FOUNDATION", "started_on": "2024-05-01", "ended_on": "2024-04-01"},
         "ended_on"),
        ({"source": "CITY", "target": "FOUNDATION", "started_on": "yesterday"}, "started_on"),
        ({"source": "CITY", "target": "FOUNDATION", "status": "married"}, "status"),
        ({"source": "CITY", "target": "FOUNDATION", "kind": "rival"}, "kind"),
        ({"source": "CITY", "target": "FOUNDATION", "trust": 5}, "trust"),
        ({"source": "CITY", "target": "FOUNDATION", "value": 0}, "value"),
        ({"source": "CITY", "target": "FOUNDATION", "cadence_days": 0}, "cadence_days"),
        ({"source": "CITY", "target": "FOUNDATION", "cadence_days": 1_000_000}, "cadence_days"),
        ({"source": "CITY", "target": "FOUNDATION", "max_cadence_days": 30}, "max_cadence_days"),
        ({"source": "CITY", "target": "FOUNDATION", "cadence_days": 30, "max_cadence_days": 29},
         "max_cadence_days"),
        ({"source": "CITY", "target": "FOUNDATION", "cadence_days": 30, "max_cadence_days": 0},
         "max_cadence_days"),
        ({"source": "CITY", "target": "FOUNDATION", "cadence_days": 30, "max_cadence_days": 3651},
         "max_cadence_days"),
        ({"source": "CITY", "target": "FOUNDATION", "cadence_days": 30, "max_cadence_days": "soon"},
         "max_cadence_days"),
        ({"source": "CITY", "target": "FOUNDATION", "roles": ["villain"]}, "roles"),
        ({"source": "CITY", "target": "FOUNDATION", "owner": 999_999}, "owner"),
        ({"source": "CITY", "target": 999_999}, "target"),
    ],
)  # fmt: skip
def test_bad_input_names_the_field_and_writes_nothing(alice_api, city, foundation, payload, field):
    named = {"CITY": city.pk, "FOUNDATION": foundation.pk}
    response = post(
        alice_api, {k: named.get(v, v) if isinstance(v, str) else v for k, v in payload.items()}
    )
    assert response.status_code == 422
    assert field in [d["field"] for d in response.json()["detail"]]
    assert not Tie.all_objects.exists()


def test_it_creates_reads_and_changes_the_maximum_gap(alice_api, riverton, city, foundation):
    created = post(
        alice_api,
        {"source": city.pk, "target": foundation.pk, "cadence_days": 30, "max_cadence_days": 45},
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["cadence_days"], body["max_cadence_days"], body["max_gap_days"]) == (30, 45, 45)
    tie_id = body["id"]
    make_interaction(riverton, [foundation], when=timezone.now() - dt.timedelta(days=50))
    # 50 days: past the maximum of 45, though short of twice the ideal.
    assert alice_api.get(f"{BASE}/{tie_id}").json()["health"] == "cold"
    assert [t["id"] for t in alice_api.get(BASE, {"health": "cold"}).json()["items"]] == [tie_id]

    cleared = patch(alice_api, tie_id, {"max_cadence_days": None})
    assert cleared.status_code == 200, cleared.content
    body = cleared.json()
    assert (body["max_cadence_days"], body["max_gap_days"], body["health"]) == (
        None,
        60,
        "cooling",
    )
    assert Tie.objects.get(pk=tie_id).max_cadence_days is None
    assert patch(alice_api, tie_id, {"cadence_days": None}).json()["max_gap_days"] is None


def test_a_maximum_the_patch_leaves_behind_is_checked_against_the_new_cadence(
    alice_api, city, foundation
):
    tie = make_tie(city, foundation, cadence_days=30, max_cadence_days=45)
    changes: list[dict[str, object]] = [
        {"cadence_days": 60},
        {"cadence_days": None},
        {"max_cadence_days": 20},
    ]
    for change in changes:
        response = patch(alice_api, tie.pk, change)
        assert response.status_code == 422, change
        assert [d["field"] for d in response.json()["detail"]] == ["max_cadence_days"]
    tie.refresh_from_db()
    assert (tie.cadence_days, tie.max_cadence_days) == (30, 45)
    both = patch(alice_api, tie.pk, {"cadence_days": 60, "max_cadence_days": 60})
    assert both.status_code == 200, both.content
    assert (both.json()["cadence_days"], both.json()["max_gap_days"]) == (60, 60)


def test_a_duplicate_tie_is_rejected_naming_the_target(alice_api, city, foundation):
    make_tie(city, foundation, kind="funder")
    response = post(alice_api, {"source": foundation.pk, "target": city.pk, "kind": "funder"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "target"
    assert Tie.objects.count() == 1


def test_a_bad_patch_names_the_field_and_changes_nothing(alice_api, city, foundation):
    tie = make_tie(city, foundation, started_on=dt.date(2022, 1, 1), trust=2)
    assert (
        patch(alice_api, tie.pk, {"ended_on": "2021-12-31"}).json()["detail"][0]["field"]
        == "ended_on"
    )
    assert patch(alice_api, tie.pk, {"target": city.pk}).json()["detail"][0]["field"] == "target"
    assert patch(alice_api, tie.pk, {"source": None}).json()["detail"][0]["field"] == "source"
    assert patch(alice_api, tie.pk, {"trust": 5}).status_code == 422
    tie.refresh_from_db()
    assert (tie.ended_on, tie.target, tie.trust) == (None, foundation, 2)


def test_another_workspaces_ids_in_a_payload_are_rejected(alice_api, city, foundation, lakeside):
    foreign = make_stakeholder(lakeside, "Lakeside Corp", sector="business")
    response = post(alice_api, {"source": foreign.pk, "target": foundation.pk})
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "source"
    tie = make_tie(city, foundation)
    assert patch(alice_api, tie.pk, {"target": foreign.pk}).status_code == 422
    tie.refresh_from_db()
    assert tie.target == foundation
    assert Tie.objects.count() == 1


def test_a_viewer_can_read_but_not_write(bob_api, city, foundation, bank):
    tie = make_tie(city, foundation, notes="Original", cadence_days=30, max_cadence_days=40)
    assert bob_api.get(BASE).json()["count"] == 1
    assert bob_api.get(f"{BASE}/{tie.pk}").json()["max_cadence_days"] == 40
    assert post(bob_api, {"source": city.pk, "target": bank.pk}).status_code == 403
    assert patch(bob_api, tie.pk, {"notes": "Changed"}).status_code == 403
    assert patch(bob_api, tie.pk, {"max_cadence_days": 90}).status_code == 403
    assert bob_api.delete(f"{BASE}/{tie.pk}").status_code == 403
    tie.refresh_from_db()
    assert tie.notes == "Original" and not tie.in_trash and Tie.objects.count() == 1


def test_another_workspace_gets_404(carol_api, city, foundation):
    tie = make_tie(city, foundation)
    assert carol_api.get(BASE).status_code == 404
    assert (
        carol_api.post(
            BASE, {"source": city.pk, "target": foundation.pk}, content_type="application/json"
        ).status_code
        == 404
    )
    assert carol_api.get(f"{BASE}/{tie.pk}").status_code == 404
    assert patch(carol_api, tie.pk, {"notes": "mine"}).status_code == 404
    assert patch(carol_api, tie.pk, {"max_cadence_days": 90}).status_code == 404
    assert carol_api.delete(f"{BASE}/{tie.pk}").status_code == 404
    assert not Tie.all_objects.get(pk=tie.pk).in_trash
    assert Tie.objects.get(pk=tie.pk).max_cadence_days is None


def test_a_tie_of_another_workspace_is_404_in_this_one(carol_api, lakeside, city, foundation):
    tie = make_tie(city, foundation)
    assert carol_api.get(f"/api/v1/workspaces/lakeside/ties/{tie.pk}").status_code == 404
    assert carol_api.delete(f"/api/v1/workspaces/lakeside/ties/{tie.pk}").status_code == 404


def test_the_openapi_schema_lists_the_endpoints_under_ties(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["paths"]["/api/v1/workspaces/{slug}/ties"]["get"]["tags"] == ["ties"]
    assert "/api/v1/workspaces/{slug}/ties/{tie_id}" in schema["paths"]
