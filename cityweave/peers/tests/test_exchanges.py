"""Peer exchanges: logged by staff editors or an official of either city, never by a viewer or
an official of neither; another network's cities and exchanges answer 404; bad input named with
nothing written; trash and restore; pages, API and CLI."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import Http404
from django.urls import reverse

from cityweave.peers import exchanges
from cityweave.peers.models import PeerExchange
from cityweave.peers.testing import make_city, make_official
from cityweave.peers.tests.conftest import client_for
from cityweave.peers.tests.test_api import api_for, send
from cityweave.peers.tests.test_pages import client_for_user

DAY = dt.date(2026, 3, 2)


@pytest.fixture
def tacoma(network):
    return make_city(network, "Tacoma", "WA", 219_346, ["affordable-housing"])


def log(member, a, b, **data):
    return exchanges.save_exchange(
        member, {"city_a": a.pk, "city_b": b.pk, "kind": "visit", "date": DAY, **data}
    )


def test_a_staff_editor_logs_an_exchange_between_any_two_cities(ed, chattanooga, dayton):
    exchange = log(ed, chattanooga, dayton, note="Digital equity walk")
    assert exchange.logged_by == ed.user
    assert list(exchanges.exchanges(ed)) == [exchange]
    assert str(exchange) == "Visit: Chattanooga, TN and Dayton, OH, 2026-03-02"


def test_an_official_logs_only_their_own_citys_exchanges(otis, chattanooga, dayton, tacoma):
    assert log(otis, dayton, chattanooga).city_b == chattanooga
    with pytest.raises(ValidationError) as error:
        log(otis, dayton, tacoma)
    assert "city_a" in error.value.message_dict
    assert PeerExchange.objects.count() == 1


def test_a_viewer_and_an_official_of_neither_city_cannot_change_one(
    vera, ed, chattanooga, dayton, tacoma
):
    exchange = log(ed, chattanooga, dayton)
    with pytest.raises(PermissionDenied):
        log(vera, chattanooga, dayton)
    tacoma_official = make_official(tacoma)
    with pytest.raises(PermissionDenied):
        exchanges.trash_exchange(tacoma_official, exchange)
    with pytest.raises(PermissionDenied):
        exchanges.trash_exchange(vera, exchange)


def test_bad_input_names_every_field_and_writes_nothing(ed, chattanooga, other_network):
    foreign = make_city(other_network, "Savannah", "GA")
    with pytest.raises(ValidationError) as error:
        exchanges.save_exchange(
            ed,
            {"city_a": foreign.pk, "city_b": "x", "kind": "party", "date": "2026-02-30"},
        )
    assert set(error.value.message_dict) == {"city_a", "city_b", "kind", "date"}
    assert "No city" in error.value.message_dict["city_a"][0]
    with pytest.raises(ValidationError) as error:
        log(ed, chattanooga, chattanooga)
    assert error.value.message_dict["city_b"] == ["Choose two different cities."]
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    with pytest.raises(ValidationError, match="future"):
        log(ed, chattanooga, foreign, date=tomorrow)
    assert not PeerExchange.objects.exists()


def test_trash_and_restore(ed, otis, chattanooga, dayton):
    exchange = log(ed, chattanooga, dayton)
    exchanges.trash_exchange(otis, exchange)
    assert not exchanges.exchanges(ed).exists()
    assert list(exchanges.trashed_exchanges(ed)) == [exchange]
    exchanges.restore_exchange(otis, exchange.pk)
    assert list(exchanges.exchanges(ed)) == [exchange]
    with pytest.raises(Http404):
        exchanges.restore_exchange(otis, exchange.pk)


def test_an_exchange_of_a_trashed_city_leaves_with_it(ed, nadia, chattanooga, dayton):
    from cityweave.peers import services

    log(ed, chattanooga, dayton)
    services.trash_city(ed, dayton)
    assert not exchanges.exchanges(ed).exists()
    services.restore_city(nadia, dayton.pk)
    assert exchanges.exchanges(ed).count() == 1


# == Pages =======================================================================================


def url(name: str, *args: object) -> str:
    return reverse(f"peers:{name}", args=["midsize", *args])


def test_the_page_lists_exchanges_and_an_official_logs_one(otis, chattanooga, dayton):
    client = client_for(otis)
    page = client.get(url("exchanges"))
    assert page.status_code == 200 and "Log an exchange" in page.text
    response = client.post(
        url("exchange-add"),
        {"city_a": chattanooga.pk, "city_b": dayton.pk, "kind": "call", "date": "2026-03-02"},
    )
    assert response.status_code == 302
    page = client.get(url("exchanges"))
    assert "Chattanooga, TN</a> and <a" in page.text and "Call" in page.text


def test_the_page_names_bad_fields(ed, chattanooga):
    response = client_for(ed).post(
        url("exchange-add"), {"city_a": chattanooga.pk, "city_b": chattanooga.pk, "date": ""}
    )
    assert response.status_code == 422
    assert "Choose two different cities" in response.text or "This field is required" in (
        response.text
    )


def test_a_viewer_reads_but_cannot_log(vera, chattanooga, dayton):
    client = client_for(vera)
    page = client.get(url("exchanges"))
    assert page.status_code == 200 and "Log an exchange" not in page.text
    response = client.post(
        url("exchange-add"), {"city_a": chattanooga.pk, "city_b": dayton.pk, "date": "2026-03-02"}
    )
    assert response.status_code == 403
    assert not PeerExchange.objects.exists()


def test_another_networks_staff_finds_nothing(carol, other_network, ed, chattanooga, dayton):
    exchange = log(ed, chattanooga, dayton)
    client = client_for_user(carol)
    assert client.get(url("exchanges")).status_code == 404
    assert client.post(url("exchange-delete", exchange.pk)).status_code == 404
    own = reverse("peers:exchange-delete", args=["coastal", exchange.pk])
    assert client.post(own).status_code == 404
    assert exchanges.exchanges(ed).count() == 1


def test_trash_and_restore_from_the_page(otis, ed, chattanooga, dayton):
    exchange = log(ed, chattanooga, dayton)
    client = client_for(otis)
    assert client.post(url("exchange-delete", exchange.pk)).status_code == 302
    page = client.get(url("exchanges"))
    assert "In the trash" in page.text
    assert client.post(url("exchange-restore", exchange.pk)).status_code == 302
    assert exchanges.exchanges(ed).count() == 1


# == API and CLI =================================================================================


def api_url(name: str, *args: object) -> str:
    return reverse(f"api:{name}", args=["midsize", *args])


def test_the_api_logs_lists_trashes_and_restores(otis, chattanooga, dayton):
    api = api_for(otis.user)
    body = {
        "city_a": chattanooga.pk,
        "city_b": dayton.pk,
        "kind": "study-tour",
        "date": "2026-03-02",
    }
    response = send(api, "post", api_url("network_exchanges"), body)
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["city_a_name"] == "Chattanooga, TN" and created["kind"] == "study-tour"
    listed = api.get(api_url("network_exchanges") + f"?city={dayton.pk}").json()
    assert listed["count"] == 1
    assert api.delete(api_url("network_exchanges_delete", created["id"])).status_code == 204
    assert api.get(api_url("network_exchanges")).json()["count"] == 0
    restored = api.post(api_url("network_exchanges_restore", created["id"]))
    assert restored.status_code == 200 and restored.json()["id"] == created["id"]


def test_the_api_names_bad_fields_and_refuses_a_viewer(vera, ed, chattanooga, dayton):
    response = send(
        api_for(ed.user),
        "post",
        api_url("network_exchanges"),
        {"city_a": chattanooga.pk, "city_b": 999_999, "kind": "x", "date": "2026-03-02"},
    )
    assert response.status_code == 422
    fields = {d["field"] for d in response.json()["detail"]}
    assert fields == {"city_b", "kind"}
    body = {"city_a": chattanooga.pk, "city_b": dayton.pk, "date": "2026-03-02"}
    assert send(api_for(vera.user), "post", api_url("network_exchanges"), body).status_code == 403
    assert not PeerExchange.objects.exists()


def test_the_api_answers_404_to_another_network(carol, other_network, ed, chattanooga, dayton):
    exchange = log(ed, chattanooga, dayton)
    api = api_for(carol)
    assert api.get(api_url("network_exchanges")).status_code == 404
    assert api.delete(api_url("network_exchanges_delete", exchange.pk)).status_code == 404


def command(*args: str) -> str:
    out = io.StringIO()
    call_command("city-network", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_cli_logs_and_lists_exchanges(otis, chattanooga, dayton):
    email = otis.user.email
    text = command(
        "log-exchange", "midsize", str(chattanooga.pk), str(dayton.pk), "--date", "2026-03-02",
        "--as", email,
    )  # fmt: skip
    assert "Logged exchange" in text
    rows = json.loads(command("exchanges", "midsize", "--as", email, "--format", "json"))
    assert [(r["city_a"], r["city_b"]) for r in rows] == [(chattanooga.pk, dayton.pk)]
    with pytest.raises(CommandError, match="date"):
        command(
            "log-exchange", "midsize", str(chattanooga.pk), str(dayton.pk), "--date", "soon",
            "--as", email,
        )  # fmt: skip
