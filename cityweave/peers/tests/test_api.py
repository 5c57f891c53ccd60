"""The network-of-cities API: cities CRUD, challenges, strengths and matches, for staff, for a
city's officials (their own city only), for someone of another network (404) and for nobody
(401); every bad field named; a city's workspace never shown."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cityweave.accounts.models import ApiToken
from cityweave.peers.models import MemberCity
from cityweave.peers.testing import make_official, make_strength
from cityweave.testing import make_stakeholder


def api_for(user) -> Client:
    _, raw = ApiToken.issue(user, "tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def url(name: str, *args: object) -> str:
    return reverse(f"api:{name}", args=["midsize", *args])


def send(client: Client, method: str, path: str, body: dict) -> Any:
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


def test_the_caller_lists_their_networks(otis, network):
    (row,) = api_for(otis.user).get(reverse("api:networks_list")).json()
    assert row == {
        "slug": "midsize",
        "name": "Mid-Size Cities Network",
        "role": "City official",
        "cities": ["Chattanooga, TN"],
    }


def test_a_staff_editor_creates_reads_updates_and_deletes_a_city(ed, nadia):
    api = api_for(ed.user)
    response = send(
        api,
        "post",
        url("network_cities"),
        {
            "name": "Tacoma",
            "region": "WA",
            "population": 219_346,
            "challenges": ["affordable-housing"],
        },
    )
    assert response.status_code == 201, response.json()
    city = response.json()
    assert city["size_band"] == "mid" and city["challenges"] == ["affordable-housing"]
    assert city["has_workspace"] is False
    detail = url("network_cities_detail", city["id"])
    assert api.get(detail).json()["name"] == "Tacoma"
    response = send(api, "patch", detail, {"population": 300_000, "challenges": []})
    assert response.json()["size_band"] == "large" and response.json()["challenges"] == []
    assert api.get(url("network_cities")).json()["count"] == 1
    assert api.delete(detail).status_code == 204
    assert api.get(detail).status_code == 404
    assert api.post(url("network_cities_restore", city["id"])).status_code == 403
    assert api_for(nadia.user).post(url("network_cities_restore", city["id"])).status_code == 200


def test_every_bad_field_is_named_and_nothing_is_written(ed):
    response = send(
        ed and api_for(ed.user),
        "post",
        url("network_cities"),
        {
            "name": "Nowhere",
            "timezone": "Mars/Base",
            "challenges": ["time-travel"],
            "population": -1,
        },
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["detail"]} == {"population"}
    response = send(
        api_for(ed.user),
        "post",
        url("network_cities"),
        {
            "name": "Nowhere",
            "timezone": "Mars/Base",
            "challenges": ["time-travel"],
            "workspace": "x",
        },
    )
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["detail"]} == {
        "timezone",
        "challenges",
        "workspace",
    }
    assert not MemberCity.all_objects.exists()


def test_an_official_changes_only_their_own_city(otis, chattanooga, dayton):
    api = api_for(otis.user)
    assert (
        send(
            api, "patch", url("network_cities_detail", chattanooga.pk), {"partners": "EPB"}
        ).status_code
        == 200
    )
    assert (
        send(api, "patch", url("network_cities_detail", dayton.pk), {"partners": "x"}).status_code
        == 403
    )
    assert send(api, "post", url("network_cities"), {"name": "Knoxville"}).status_code == 403
    assert api.delete(url("network_cities_detail", chattanooga.pk)).status_code == 403
    response = send(
        api,
        "post",
        url("network_city_strengths", chattanooga.pk),
        {"challenge": "digital-inclusion", "description": "Gigabit for all"},
    )
    assert response.status_code == 201
    strength = response.json()["id"]
    assert (
        send(
            api,
            "post",
            url("network_city_strengths", dayton.pk),
            {"challenge": "fiscal-health", "description": "x"},
        ).status_code
        == 403
    )
    assert (
        api.delete(url("network_city_strengths_delete", chattanooga.pk, strength)).status_code
        == 204
    )


def test_a_staff_viewer_reads_but_cannot_write(vera, chattanooga):
    api = api_for(vera.user)
    assert api.get(url("network_cities")).status_code == 200
    assert api.get(url("network_city_matches", chattanooga.pk)).status_code == 200
    assert (
        send(
            api, "patch", url("network_cities_detail", chattanooga.pk), {"partners": "x"}
        ).status_code
        == 403
    )
    assert (
        send(
            api, "post", url("network_challenges"), {"key": "transit", "label": "Transit"}
        ).status_code
        == 403
    )


def test_someone_of_another_network_or_nobody_gets_nothing(carol, other_network, chattanooga):
    api = api_for(carol)
    for path in (
        url("network_cities"),
        url("network_challenges"),
        url("network_cities_detail", chattanooga.pk),
        url("network_city_strengths", chattanooga.pk),
        url("network_city_matches", chattanooga.pk),
    ):
        assert api.get(path).status_code == 404, path
        assert Client().get(path).status_code == 401, path
    assert (
        send(api, "patch", url("network_cities_detail", chattanooga.pk), {"name": "X"}).status_code
        == 404
    )
    assert api.delete(url("network_cities_detail", chattanooga.pk)).status_code == 404


def test_challenges_list_the_built_in_ones_and_the_networks_own(ed):
    api = api_for(ed.user)
    response = send(api, "post", url("network_challenges"), {"key": "transit", "label": "Transit"})
    assert response.status_code == 201
    keys = {row["key"]: row["built_in"] for row in api.get(url("network_challenges")).json()}
    assert keys["transit"] is False and keys["digital-inclusion"] is True
    response = send(api, "post", url("network_challenges"), {"key": "transit", "label": "Again"})
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "key"


def test_matches_say_why_and_state_their_formula(otis, chattanooga, dayton):
    make_strength(dayton, "workforce-development")
    body = api_for(otis.user).get(url("network_city_matches", chattanooga.pk)).json()
    assert "ln(1 + N/n_c)" in body["formula"]
    (match,) = body["matches"]
    assert match["name"] == "Dayton" and match["status"] == "opportunity"
    assert match["reason"].startswith("Both face workforce development; Dayton has a strength")
    bad = api_for(otis.user).get(url("network_city_matches", chattanooga.pk) + "?challenge=nope")
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "challenge"


def test_the_list_filters_by_challenge_and_names_an_unknown_one(ed, chattanooga, dayton):
    api = api_for(ed.user)
    rows = api.get(url("network_cities") + "?challenge=fiscal-health").json()["items"]
    assert [r["name"] for r in rows] == ["Dayton"]
    assert api.get(url("network_cities") + "?challenge=nope").status_code == 422


def test_a_citys_workspace_is_never_in_the_api(alice, riverton, ed, chattanooga):
    make_official(chattanooga, alice)
    make_stakeholder(riverton, "Confidential Harbour Board")
    response = send(
        api_for(alice),
        "patch",
        url("network_cities_detail", chattanooga.pk),
        {"workspace": "riverton"},
    )
    assert response.status_code == 200 and response.json()["has_workspace"] is True
    for path in (url("network_cities"), url("network_cities_detail", chattanooga.pk)):
        text = api_for(ed.user).get(path).content.decode()
        assert "riverton" not in text.lower() and "Confidential" not in text


@pytest.mark.parametrize("population", [True, 1.5, "12", 10**12])
def test_a_population_is_a_whole_number_in_range(ed, chattanooga, population):
    response = send(
        api_for(ed.user),
        "patch",
        url("network_cities_detail", chattanooga.pk),
        {"population": population},
    )
    assert response.status_code == 422 and response.json()["detail"][0]["field"] == "population"


def test_matches_count_every_peer_and_keep_the_best_limit(otis, chattanooga, network):
    from cityweave.peers.testing import make_city

    for n in range(5):
        make_city(network, f"Peer {n}", challenges=["digital-inclusion"])
    strong = make_city(network, "Strong", challenges=["public-safety"])
    make_strength(strong, "digital-inclusion")
    api = api_for(otis.user)
    body = api.get(url("network_city_matches", chattanooga.pk) + "?limit=2").json()
    assert body["count"] == 6 and len(body["matches"]) == 2
    every = api.get(url("network_city_matches", chattanooga.pk)).json()["matches"]
    assert next(m for m in every if m["name"] == "Strong")["strengths"] == ["digital-inclusion"]
    for bad in ("0", "-1", "10001", "many"):
        response = api.get(url("network_city_matches", chattanooga.pk) + f"?limit={bad}")
        assert response.status_code == 422, bad
