"""The convenings' API: convenings, delegations against the rule, delegates, sessions with
scheduling conflicts answered 422 naming the field, and follow-ups; for staff, officials (their
own city only), staff viewers (read only), another network (404) and nobody (401)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from cityweave.accounts.models import ApiToken
from cityweave.peers.convening_testing import (
    make_convening,
    make_delegate,
    make_delegation,
    make_follow_up,
    make_session,
)
from cityweave.peers.models import Convening, Delegate

MAY_12 = dt.date(2026, 5, 12)


def api_for(user) -> Client:
    _, raw = ApiToken.issue(user, "tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def url(name: str, *args: object) -> str:
    return reverse(f"api:{name}", args=["midsize", *args])


def send(client: Client, method: str, path: str, body: dict) -> Any:
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


def fields(response) -> set[str]:
    return {e["field"] for e in response.json()["detail"]}


@pytest.fixture
def summit(chattanooga):
    return make_convening(chattanooga, starts_on=MAY_12, days=2)


@pytest.fixture
def home(summit, chattanooga):
    delegation = make_delegation(summit, chattanooga)
    make_delegate(delegation, "Tim Kelly", email="tim@chattanooga.example", dietary_needs="Vegan")
    make_follow_up(delegation, status="done")
    return delegation


@pytest.fixture
def away(summit, dayton):
    delegation = make_delegation(summit, dayton)
    make_delegate(delegation, "Jeffrey Mims", dietary_needs="Kosher")
    return delegation


def test_a_staff_editor_creates_reads_updates_and_deletes_a_convening(ed, chattanooga):
    api = api_for(ed.user)
    body = {
        "title": "Summit",
        "host_city": chattanooga.pk,
        "venue": "Hall",
        "starts_on": "2026-05-12",
        "ends_on": "2026-05-13",
        "capacity": 40,
    }
    response = send(api, "post", url("network_convenings"), body)
    assert response.status_code == 201, response.json()
    made = response.json()
    assert (made["officials_required"], made["partners_required"]) == (2, 1)
    detail = url("network_convenings_detail", made["id"])
    assert api.get(detail).json()["host_city_name"] == "Chattanooga, TN"
    response = send(api, "patch", detail, {"capacity": 50, "theme": "digital-inclusion"})
    assert response.status_code == 200 and response.json()["capacity"] == 50
    assert api.get(url("network_convenings")).json()["count"] == 1
    assert api.delete(detail).status_code == 204
    assert api.get(detail).status_code == 404


def test_bad_fields_are_named(ed, chattanooga):
    api = api_for(ed.user)
    response = send(
        api,
        "post",
        url("network_convenings"),
        {"title": "S", "host_city": 999_999, "venue": "Hall", "starts_on": "2026-05-12",
         "ends_on": "2026-05-01", "capacity": 5, "theme": "moon"},
    )  # fmt: skip
    assert response.status_code == 422
    assert {"host_city", "ends_on", "theme"} <= fields(response)
    assert not Convening.objects.exists()


def test_the_detail_shows_the_rule_capacity_and_ideas_moved_to_action(vera, summit, home, away):
    detail = api_for(vera.user).get(url("network_convenings_detail", summit.pk)).json()
    rows = {r["city_name"]: r for r in detail["delegations"]}
    assert rows["Dayton, OH"]["problems"] == ["1 official of 2", "0 local partners of 1"]
    assert rows["Chattanooga, TN"]["action"] == {
        "label": "Chattanooga, TN", "acted": 1, "ideas": 1, "percent": 100,
    }  # fmt: skip
    assert detail["delegates"] == 2 and detail["action"]["percent"] == 100


def test_invitations_and_delegates(ed, otis, summit, chattanooga, dayton):
    api = api_for(ed.user)
    path = url("network_delegations", summit.pk)
    response = send(api, "post", path, {"cities": [chattanooga.pk, dayton.pk]})
    assert response.status_code == 201 and len(response.json()) == 2
    response = send(api, "post", path, {"cities": [dayton.pk]})
    assert response.status_code == 422 and fields(response) == {"cities"}
    home = next(r for r in api.get(path).json() if r["city"] == chattanooga.pk)
    away = next(r for r in api.get(path).json() if r["city"] == dayton.pk)
    mine = api_for(otis.user)
    delegates = url("network_delegates", summit.pk, home["id"])
    response = send(mine, "post", delegates, {"kind": "official", "name": "Tim Kelly"})
    assert response.status_code == 201 and response.json()["registration_url"].startswith("http")
    response = send(
        mine,
        "post",
        url("network_delegates", summit.pk, away["id"]),
        {"kind": "official", "name": "X"},
    )
    assert response.status_code == 403
    response = send(mine, "post", delegates, {"kind": "boss", "name": ""})
    assert response.status_code == 422 and "kind" in fields(response)


def test_private_delegate_details_only_for_staff_and_the_own_city(otis, vera, summit, home, away):
    theirs = api_for(otis.user).get(url("network_delegates", summit.pk, away.pk)).json()
    assert theirs[0]["name"] == "Jeffrey Mims"
    assert theirs[0]["dietary_needs"] is None and theirs[0]["registration_url"] is None
    own = api_for(otis.user).get(url("network_delegates", summit.pk, home.pk)).json()
    assert own[0]["dietary_needs"] == "Vegan"
    staff = api_for(vera.user).get(url("network_delegates", summit.pk, away.pk)).json()
    assert staff[0]["dietary_needs"] == "Kosher"


def test_a_viewer_writes_nothing(vera, summit, home):
    api = api_for(vera.user)
    response = send(
        api, "post", url("network_delegates", summit.pk, home.pk), {"kind": "official", "name": "X"}
    )
    assert response.status_code == 403
    assert api.delete(url("network_convenings_detail", summit.pk)).status_code == 403
    assert not Delegate.objects.filter(name="X").exists()


def test_another_network_and_nobody_find_nothing(carol, other_network, summit, home):
    api = api_for(carol)
    for path in (
        url("network_convenings"),
        url("network_convenings_detail", summit.pk),
        url("network_delegates", summit.pk, home.pk),
        url("network_sessions", summit.pk),
    ):
        assert api.get(path).status_code == 404, path
        assert Client().get(path).status_code == 401, path


def test_sessions_are_proposed_reviewed_and_scheduled_with_conflicts_named(ed, otis, summit, home):
    tim = home.delegates.get()
    response = send(
        api_for(otis.user),
        "post",
        url("network_sessions", summit.pk),
        {"city": home.city_id, "title": "Gigabit for all", "format": "case-study"},
    )
    assert response.status_code == 201, response.json()
    session = response.json()
    api = api_for(ed.user)
    response = send(
        api,
        "post",
        url("network_sessions_review", summit.pk, session["id"]),
        {"status": "accepted"},
    )
    assert response.json()["status"] == "accepted"
    schedule = url("network_sessions_schedule", summit.pk, session["id"])
    body = {
        "room": "Hall A",
        "starts_at": "2026-05-12T09:00",
        "ends_at": "2026-05-12T10:00",
        "presenters": [tim.pk],
    }
    response = send(api, "post", schedule, body)
    assert response.status_code == 200, response.json()
    assert response.json()["starts_at"].startswith("2026-05-12T13:00")  # 09:00 in New York
    other = make_session(summit, home.city, "Other", status="accepted")
    response = send(
        api,
        "post",
        url("network_sessions_schedule", summit.pk, other.pk),
        {**body, "starts_at": "2026-05-12T09:30"},
    )
    assert response.status_code == 422 and fields(response) == {"room", "presenters"}
    response = send(
        api,
        "post",
        url("network_sessions_schedule", summit.pk, other.pk),
        {"room": "B", "starts_at": "2026-05-20T09:00", "ends_at": "2026-05-20T10:00"},
    )
    assert response.status_code == 422 and fields(response) == {"starts_at", "ends_at"}
    response = send(api_for(otis.user), "post", schedule, body)
    assert response.status_code == 403


def test_follow_ups_are_recorded_and_reviewed(otis, summit, home):
    api = api_for(otis.user)
    path = url("network_follow_ups", summit.pk, home.pk)
    response = send(
        api, "post", path, {"idea": "Navigators", "owner_name": "Ana", "due_on": "2026-09-01"}
    )
    assert response.status_code == 201 and response.json()["status"] == "planned"
    made = response.json()
    response = send(
        api,
        "post",
        url("network_follow_ups_review", summit.pk, home.pk, made["id"]),
        {"days": 30, "status": "in-progress", "on": "2026-06-15"},
    )
    assert response.status_code == 200 and response.json()["reviewed_30_on"] == "2026-06-15"
    response = send(
        api, "post", url("network_follow_ups_review", summit.pk, home.pk, made["id"]), {"days": 45}
    )
    assert response.status_code == 422 and fields(response) == {"days"}
    assert len(api.get(path).json()) == 2


def test_times_and_days_past_what_can_be_stored_are_named(ed, otis, summit, home):
    session = make_session(summit, home.city, status="accepted")
    response = send(
        api_for(ed.user),
        "post",
        url("network_sessions_schedule", summit.pk, session.pk),
        {"room": "A", "starts_at": "9999-12-31T23:59:59-12:00", "ends_at": "2026-05-12T10:00"},
    )
    assert response.status_code == 422 and "starts_at" in fields(response)
    idea = home.follow_ups.get()
    response = send(
        api_for(otis.user),
        "post",
        url("network_follow_ups_review", summit.pk, home.pk, idea.pk),
        {"days": 30, "on": "0001-01-01"},
    )
    assert response.status_code == 422 and fields(response) == {"on"}
