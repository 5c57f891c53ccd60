"""Every convening route and endpoint for every seat: a staff viewer and another city's official
write nothing (403), someone of another network finds nothing (404), nobody signed in is sent
to log in (pages) or told to authenticate (API, 401); the data is unchanged afterwards."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse

from cityweave.accounts.models import ApiToken
from cityweave.peers import convenings as conv
from cityweave.peers.convening_testing import (
    make_convening,
    make_delegate,
    make_delegation,
    make_follow_up,
    make_session,
)
from cityweave.peers.models import Convening, Delegate, Delegation, FollowUp, Session
from cityweave.peers.tests.conftest import client_for

MAY_12 = dt.date(2026, 5, 12)


@pytest.fixture
def world(chattanooga, dayton):
    """A convening hosted by Dayton with Chattanooga's and Dayton's delegations; every record
    the routes name belongs to Dayton, so Otis (Chattanooga's official) may change none."""
    summit = make_convening(dayton, starts_on=MAY_12, days=2)
    make_delegation(summit, chattanooga)
    delegation = make_delegation(summit, dayton)
    delegate = make_delegate(delegation, "Jeffrey Mims")
    follow_up = make_follow_up(delegation)
    session = make_session(summit, dayton, status="accepted")
    return {
        "pk": summit.pk,
        "delegation": delegation.pk,
        "delegate": delegate.pk,
        "follow_up": follow_up.pk,
        "session": session.pk,
    }


def snapshot() -> tuple:
    return (
        list(Convening.all_objects.values_list("pk", "title", "deleted_at")),
        list(Delegation.all_objects.values_list("pk", "deleted_at")),
        list(Delegate.all_objects.values_list("pk", "name", "attended", "deleted_at")),
        list(FollowUp.all_objects.values_list("pk", "idea", "status", "deleted_at")),
        list(Session.all_objects.values_list("pk", "title", "status", "starts_at", "deleted_at")),
    )


#: Each write route (POST) with the ids it needs.
WRITES = {
    "convening-edit": ("pk",),
    "convening-delete": ("pk",),
    "convening-invite": ("pk",),
    "convening-attendance": ("pk",),
    "delegation-delete": ("pk", "delegation"),
    "delegate-add": ("pk", "delegation"),
    "delegate-edit": ("pk", "delegation", "delegate"),
    "delegate-delete": ("pk", "delegation", "delegate"),
    "follow-up-add": ("pk", "delegation"),
    "follow-up-edit": ("pk", "delegation", "follow_up"),
    "follow-up-review": ("pk", "delegation", "follow_up"),
    "follow-up-delete": ("pk", "delegation", "follow_up"),
    "session-edit": ("pk", "session"),
    "session-review": ("pk", "session"),
    "session-schedule": ("pk", "session"),
    "session-delete": ("pk", "session"),
}
BODY = {
    "title": "Hijacked", "name": "Hijacked", "kind": "official", "idea": "Hijacked",
    "owner_name": "X", "due_on": "2026-09-01", "status": "done", "days": "30", "room": "Z",
    "starts_at": "2026-05-12T09:00", "ends_at": "2026-05-12T10:00", "format": "workshop",
}  # fmt: skip


def route(name: str, world: dict, ids: tuple[str, ...]) -> str:
    return reverse(f"peers:{name}", kwargs={"network": "midsize", **{k: world[k] for k in ids}})


@pytest.mark.parametrize("name", WRITES)
def test_a_staff_viewer_and_another_citys_official_write_nothing(name, world, vera, otis):
    before = snapshot()
    for member in (vera, otis):
        response = client_for(member).post(route(name, world, WRITES[name]), BODY)
        assert response.status_code == 403, (member.user, name, response.status_code)
    assert snapshot() == before


@pytest.mark.parametrize("name", WRITES)
def test_another_network_finds_nothing_and_nobody_is_sent_to_log_in(
    name, world, carol, other_network
):
    before = snapshot()
    client = Client()
    client.force_login(carol)
    assert client.post(route(name, world, WRITES[name]), BODY).status_code == 404
    response = Client().post(route(name, world, WRITES[name]), BODY)
    assert response.status_code == 302 and "/login" in response["Location"]
    assert snapshot() == before


def test_restoring_needs_a_staff_editor(world, ed, vera, otis):
    convening = Convening.objects.get(pk=world["pk"])
    conv.trash_convening(ed, convening)
    address = reverse("peers:convening-restore", args=["midsize", "convening", world["pk"]])
    for member in (vera, otis):
        assert client_for(member).post(address).status_code == 403
    assert not Convening.objects.filter(pk=world["pk"]).exists()
    assert client_for(ed).post(address).status_code == 302
    assert Convening.objects.filter(pk=world["pk"]).exists()
    missing = reverse("peers:convening-restore", args=["midsize", "planet", world["pk"]])
    assert client_for(ed).post(missing).status_code == 404


# == API =========================================================================================


def api_for(user) -> Client:
    _, raw = ApiToken.issue(user, "tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


API_READS = {
    "network_convenings": (),
    "network_convenings_detail": ("pk",),
    "network_delegations": ("pk",),
    "network_delegations_detail": ("pk", "delegation"),
    "network_delegates": ("pk", "delegation"),
    "network_delegates_detail": ("pk", "delegation", "delegate"),
    "network_sessions": ("pk",),
    "network_sessions_detail": ("pk", "session"),
    "network_follow_ups": ("pk", "delegation"),
}
API_WRITES = {
    ("post", "network_convenings"): (),
    ("patch", "network_convenings_detail"): ("pk",),
    ("delete", "network_convenings_detail"): ("pk",),
    ("post", "network_delegations"): ("pk",),
    ("delete", "network_delegations_detail"): ("pk", "delegation"),
    ("post", "network_delegates"): ("pk", "delegation"),
    ("delete", "network_delegates_detail"): ("pk", "delegation", "delegate"),
    ("post", "network_sessions_review"): ("pk", "session"),
    ("post", "network_sessions_schedule"): ("pk", "session"),
    ("post", "network_follow_ups"): ("pk", "delegation"),
    ("post", "network_follow_ups_review"): ("pk", "delegation", "follow_up"),
}
API_BODY = {
    "title": "Hijacked", "host_city": 1, "venue": "V", "starts_on": "2026-05-12",
    "ends_on": "2026-05-13", "capacity": 5, "cities": [1], "kind": "official", "name": "Hijacked",
    "status": "declined", "room": "Z", "starts_at": "2026-05-12T09:00",
    "ends_at": "2026-05-12T10:00", "idea": "Hijacked", "owner_name": "X", "due_on": "2026-09-01",
    "days": 30,
}  # fmt: skip


def api_url(name: str, world: dict, ids: tuple[str, ...]) -> str:
    return reverse(f"api:{name}", args=["midsize", *(world[k] for k in ids)])


@pytest.mark.parametrize("name", API_READS)
def test_every_seat_reads_every_endpoint_and_no_one_else(
    name, world, nadia, vera, otis, carol, other_network
):
    address = api_url(name, world, API_READS[name])
    for member in (nadia, vera, otis):
        assert api_for(member.user).get(address).status_code == 200, (member.user, name)
    assert api_for(carol).get(address).status_code == 404
    assert Client().get(address).status_code == 401


@pytest.mark.parametrize(("method", "name"), API_WRITES)
def test_no_write_endpoint_lets_a_viewer_an_outsider_or_nobody_in(
    method, name, world, vera, otis, carol, other_network
):
    address = api_url(name, world, API_WRITES[(method, name)])
    before = snapshot()
    body = json.dumps({**API_BODY, **({"status": "done"} if "follow_ups" in name else {})})

    def call(client: Client) -> int:
        return getattr(client, method)(address, body, content_type="application/json").status_code

    assert call(api_for(vera.user)) == 403
    assert call(api_for(otis.user)) == 403
    assert call(api_for(carol)) == 404
    assert call(Client()) == 401
    assert snapshot() == before
