"""The API for assets, needs, the asset and gap map and risks: CRUD, fields named, viewers
refused, other workspaces not found."""

from __future__ import annotations

import json

import pytest

from cityweave.partnerships.models import Asset, Need, Risk
from cityweave.partnerships.testing import make_partner, make_partnership
from cityweave.testing import make_stakeholder, make_tie


@pytest.fixture
def partnership(alice_member):
    return make_partnership(alice_member)


@pytest.fixture
def city(riverton):
    return make_stakeholder(riverton, "City Hall", is_internal=True)


def base(partnership):
    return f"/api/v1/workspaces/riverton/partnerships/{partnership.pk}"


def send(client, method, url, body):
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


def test_assets_are_created_read_changed_and_trashed(alice_api, partnership, city):
    url = f"{base(partnership)}/assets"
    made = send(alice_api, "post", url, {"kind": "land", "holder": city.pk, "description": "Lot 7"})
    assert made.status_code == 201, made.content
    asset = made.json()
    assert (asset["value_type"], asset["holder_name"], asset["amount"]) == (
        "land",
        "City Hall",
        None,
    )
    assert [a["id"] for a in alice_api.get(url).json()["items"]] == [asset["id"]]
    changed = send(alice_api, "patch", f"{url}/{asset['id']}", {"amount": "1200.50"})
    assert changed.status_code == 200 and changed.json()["amount"] == 1200.5
    assert alice_api.delete(f"{url}/{asset['id']}").status_code == 204
    assert alice_api.get(f"{url}/{asset['id']}").status_code == 404
    assert Asset.all_objects.get().in_trash


def test_bad_fields_are_named(alice_api, partnership, city, lakeside):
    elsewhere = make_stakeholder(lakeside, "Elsewhere")
    url = base(partnership)
    answer = send(
        alice_api,
        "post",
        f"{url}/assets",
        {"kind": "land", "holder": elsewhere.pk, "description": "x"},
    )
    assert answer.status_code == 422
    assert [d["field"] for d in answer.json()["detail"]] == ["holder"]
    answer = send(alice_api, "post", f"{url}/needs", {"value_type": "gold", "description": "x"})
    assert answer.status_code == 422 and answer.json()["detail"][0]["field"] == "value_type"
    answer = send(
        alice_api, "post", f"{url}/risks", {"title": "Turnover", "likelihood": 6, "impact": 2}
    )
    assert answer.status_code == 422 and answer.json()["detail"][0]["field"] == "likelihood"
    assert not (
        Asset.all_objects.exists() or Need.all_objects.exists() or Risk.all_objects.exists()
    )


def test_the_gap_map_gives_coverage_and_suggestions(alice_api, alice_member, partnership, city):
    bank = make_stakeholder(alice_member.workspace, "Bank")
    make_partner(alice_member, partnership, bank, "funder")
    fund = make_stakeholder(alice_member.workspace, "Fund", offers=["funding"])
    make_tie(bank, fund, trust=3)
    url = base(partnership)
    send(
        alice_api,
        "post",
        f"{url}/needs",
        {"value_type": "funding", "description": "Seed", "amount": 5000},
    )
    send(alice_api, "post", f"{url}/needs", {"value_type": "data", "description": "Counts"})
    send(
        alice_api,
        "post",
        f"{url}/assets",
        {"kind": "data", "holder": city.pk, "description": "Open data"},
    )
    found = alice_api.get(f"{url}/gaps").json()
    assert [(r["value_type"], r["status"]) for r in found["rows"]] == [
        ("funding", "uncovered"),
        ("data", "covered"),
    ]
    assert found["rows"][0]["shortfall"] == {"money": 5000.0}
    suggestion = found["rows"][0]["suggestions"][0]
    assert suggestion["name"] == "Fund"
    assert [(i["name"], i["via"], i["tie_trust"]) for i in suggestion["introducers"]] == [
        ("Bank", "partner", 3)
    ]
    assert found["counts"] == {"covered": 1, "partly": 0, "uncovered": 1}
    assert found["ranking"].startswith("Ranked by trust first")


def test_risks_come_highest_first_and_can_be_changed(alice_api, alice_member, partnership):
    url = f"{base(partnership)}/risks"
    for title, likelihood, impact in (("Low", 1, 1), ("High", 4, 5), ("Mid", 3, 3)):
        body = {
            "title": title,
            "likelihood": likelihood,
            "impact": impact,
            "owner": alice_member.pk,
        }
        assert send(alice_api, "post", url, body).status_code == 201
    listed = alice_api.get(url).json()["items"]
    assert [(r["title"], r["score"]) for r in listed] == [("High", 20), ("Mid", 9), ("Low", 1)]
    assert listed[0]["owner_name"] == alice_member.user.display_name
    high = listed[0]["id"]
    closed = send(alice_api, "patch", f"{url}/{high}", {"status": "closed", "owner": None})
    assert closed.json()["owner"] is None
    assert [r["title"] for r in alice_api.get(url).json()["items"]] == ["Mid", "Low", "High"]
    assert alice_api.delete(f"{url}/{high}").status_code == 204


def test_a_viewer_reads_and_cannot_write(alice_member, bob_api, partnership, city):
    risk = Risk.objects.create(
        workspace=partnership.workspace, partnership=partnership, title="T", likelihood=2, impact=2
    )
    url = base(partnership)
    assert bob_api.get(f"{url}/risks").status_code == 200
    assert bob_api.get(f"{url}/gaps").status_code == 200
    answer = send(
        bob_api, "post", f"{url}/assets", {"kind": "land", "holder": city.pk, "description": "x"}
    )
    assert answer.status_code == 403
    assert send(bob_api, "patch", f"{url}/risks/{risk.pk}", {"title": "Mine"}).status_code == 403
    assert bob_api.delete(f"{url}/risks/{risk.pk}").status_code == 403
    assert not Asset.all_objects.exists()


def test_another_workspace_is_not_found(carol_api, alice_member, partnership, city):
    risk = Risk.objects.create(
        workspace=partnership.workspace, partnership=partnership, title="T", likelihood=2, impact=2
    )
    url = base(partnership)
    assert carol_api.get(f"{url}/risks").status_code == 404
    theirs = f"/api/v1/workspaces/lakeside/partnerships/{partnership.pk}"
    assert carol_api.get(f"{theirs}/gaps").status_code == 404
    assert carol_api.get(f"{theirs}/risks/{risk.pk}").status_code == 404
    other = make_partnership(alice_member, "Other")
    assert carol_api.get(f"{base(other)}/assets").status_code == 404
