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


# == Regressions: strict input, ISO dates, pages of 50, duplicates ===============================


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"city_a": True}, "city_a"),
        ({"city_a": 2.0}, "city_a"),
        ({"city_b": "2"}, "city_b"),
        ({"note": "a\x00b"}, "note"),
        ({"note": "x" * 20_001}, "note"),
        ({"date": "1899-12-31"}, "date"),
    ],
)
def test_the_api_refuses_what_cannot_be_stored_naming_the_field(
    ed, chattanooga, dayton, change, field
):
    body = {"city_a": chattanooga.pk, "city_b": dayton.pk, "date": "2026-03-02", **change}
    response = send(api_for(ed.user), "post", api_url("network_exchanges"), body)
    assert response.status_code == 422, response.json()
    assert [d["field"] for d in response.json()["detail"]] == [field]
    assert not PeerExchange.all_objects.exists()


def test_the_service_refuses_a_nul_a_long_note_and_an_early_date(ed, chattanooga, dayton):
    with pytest.raises(ValidationError) as error:
        log(ed, chattanooga, dayton, note="x" * 20_001, date=dt.date(1899, 12, 31))
    assert set(error.value.message_dict) == {"note", "date"}
    with pytest.raises(ValidationError) as error:
        log(ed, chattanooga, dayton, note="a\x00b")
    assert list(error.value.message_dict) == ["note"]
    assert log(ed, chattanooga, dayton, note="x" * 20_000, date=dt.date(1900, 1, 1)).pk
    assert PeerExchange.objects.count() == 1


def test_the_page_refuses_a_note_too_long(ed, chattanooga, dayton):
    body = {"city_a": chattanooga.pk, "city_b": dayton.pk, "kind": "call", "date": "2026-03-02"}
    response = client_for(ed).post(url("exchange-add"), {**body, "note": "x" * 20_001})
    assert response.status_code == 422
    assert "at most 20000 characters" in response.text
    assert not PeerExchange.all_objects.exists()


def test_the_form_renders_its_date_as_iso(ed, chattanooga):
    page = client_for(ed).get(url("exchanges"))
    today = dt.date.today().isoformat()
    assert f'type="date" name="date" value="{today}"' in page.text
    response = client_for(ed).post(url("exchange-add"), {"date": "2026-03-02", "note": "x"})
    assert response.status_code == 422
    assert 'value="2026-03-02"' in response.text


def many(ed, a, b, count):
    PeerExchange.objects.bulk_create(
        PeerExchange(
            network=ed.network,
            city_a=a,
            city_b=b,
            kind="call",
            date=DAY - dt.timedelta(days=i),
            logged_by=ed.user,
        )
        for i in range(count)
    )


def test_the_page_shows_50_exchanges_a_page_keeping_the_city_filter(
    ed, chattanooga, dayton, tacoma
):
    many(ed, chattanooga, dayton, 70)
    many(ed, tacoma, dayton, 60)
    client = client_for(ed)
    first = client.get(url("exchanges"))
    assert first.text.count("<tr>") == 1 + 50
    assert "Page 1 of 3 · 130 in all" in first.text and "?page=2" in first.text
    last = client.get(url("exchanges") + "?page=3")
    assert last.text.count("<tr>") == 1 + 30
    only = client.get(url("exchanges") + f"?city={tacoma.pk}")
    assert "Page 1 of 2 · 60 in all" in only.text
    assert f"?city={tacoma.pk}&amp;page=2" in only.text or f"?city={tacoma.pk}&page=2" in (
        only.text
    )
    assert "Chattanooga, TN</a> and" not in only.text
    second = client.get(url("exchanges") + f"?city={tacoma.pk}&page=2")
    assert second.text.count("<tr>") == 1 + 10
    # An unknown city or page is ignored rather than an error.
    assert client.get(url("exchanges") + "?city=x&page=99").status_code == 200


def test_a_duplicate_of_a_live_exchange_is_refused_naming_the_date(ed, chattanooga, dayton):
    first = log(ed, chattanooga, dayton)
    for a, b in ((chattanooga, dayton), (dayton, chattanooga)):
        with pytest.raises(ValidationError) as error:
            log(ed, a, b)
        assert list(error.value.message_dict) == ["date"]
        assert "2026-03-02" in error.value.message_dict["date"][0]
    assert log(ed, chattanooga, dayton, kind="call").pk  # another kind
    assert log(ed, chattanooga, dayton, date=DAY - dt.timedelta(days=1)).pk  # another day
    body = {"city_a": dayton.pk, "city_b": chattanooga.pk, "date": "2026-03-02"}
    response = send(api_for(ed.user), "post", api_url("network_exchanges"), body)
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["detail"]] == ["date"]
    # A change that keeps its own cities, kind and date is not a duplicate of itself.
    assert exchanges.save_exchange(ed, {"note": "changed"}, first).note == "changed"
    # Once the first is in the trash it may be logged again; then it cannot come back.
    exchanges.trash_exchange(ed, first)
    again = log(ed, dayton, chattanooga)
    with pytest.raises(ValidationError, match="logged again"):
        exchanges.restore_exchange(ed, first.pk)
    response = client_for(ed).post(url("exchange-restore", first.pk), follow=True)
    assert response.status_code == 200 and "logged again since" in response.text
    assert PeerExchange.objects.filter(date=DAY, kind="visit").get() == again
