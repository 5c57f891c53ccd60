"""The API's types are strict: ids are whole numbers that fit a 64-bit integer (never true, false
or "1"), null only clears what may be empty, a body is a JSON object of bounded size; anything
else is a 4xx in JSON naming the field, and nothing is written."""

from __future__ import annotations

import json
import re

import pytest
from django.test import override_settings
from django.urls import reverse

from cityweave.stakeholders.models import Stakeholder, Tie
from cityweave.storable import MAX_ID
from cityweave.testing import make_stakeholder
from tests.api_strategies import ROUTES

pytestmark = pytest.mark.django_db

BEYOND = str(MAX_ID + 1)  # 9223372036854775808


def api(slug: str, name: str, *args: int) -> str:
    return reverse(f"api:{name}", args=[slug, *args])


def send(client, method: str, url: str, body) -> tuple[int, dict]:
    raw = body if isinstance(body, str) else json.dumps(body)
    response = getattr(client, method)(url, raw, content_type="application/json")
    assert response["Content-Type"].startswith("application/json"), response.content[:200]
    return response.status_code, response.json()


def fields(detail: dict) -> set:
    return {error["field"] for error in detail["detail"]}


@pytest.fixture
def pair(riverton):
    return make_stakeholder(riverton, "City of Riverton"), make_stakeholder(
        riverton, "Riverton Bank"
    )


@pytest.mark.parametrize(
    "query",
    [f"stakeholder={BEYOND}", f"owner={BEYOND}", "stakeholder=0", "owner=-1", "offset=-1",
     f"offset={BEYOND}", "limit=0", "limit=501", "limit=ten", "stakeholder=%2B5",
     "stakeholder=1.0", "offset=%205", "limit=%D9%A5", "owner=0x10"],
)  # fmt: skip
def test_list_filters_out_of_range_answer_422_naming_the_field(
    alice_api, riverton, alice_member, query
):
    response = alice_api.get(api(riverton.slug, "ties_list") + "?" + query)
    assert response.status_code == 422, response.content
    assert {error["field"] for error in response.json()["detail"]} == {query.split("=")[0]}


def test_the_interaction_list_page_takes_no_id_beyond_64_bits(alice_client, riverton, alice_member):
    url = reverse("interactions:list", args=[riverton.slug])
    refused = alice_client.get(f"{url}?stakeholder={BEYOND}")
    assert refused.status_code == 400  # named, as every list names a bad filter
    assert "stakeholder" in refused.context["filter_errors"]
    assert alice_client.get(f"{url}?stakeholder=3").status_code == 200


@pytest.mark.parametrize("source", [True, False, "1", 1.5, int(BEYOND), 0, None])
def test_an_id_is_a_whole_number_in_range_never_a_boolean_or_text(
    alice_api, riverton, alice_member, pair, source
):
    city, bank = pair
    status, detail = send(
        alice_api, "post", api(riverton.slug, "ties_create"), {"source": source, "target": bank.pk}
    )
    assert (status, fields(detail)) == (422, {"source"})
    assert not Tie.all_objects.exists()


def test_a_list_of_ids_names_the_position_of_the_bad_one(alice_api, riverton, alice_member, pair):
    status, detail = send(
        alice_api,
        "post",
        api(riverton.slug, "interactions_create"),
        {"occurred_at": "2026-03-02T10:00:00Z", "kind": "meeting", "summary": "Coffee",
         "participants": [pair[0].pk, True]},
    )  # fmt: skip
    assert status == 422
    assert [error["field"] for error in detail["detail"]] == ["participants[1]"]


@pytest.mark.parametrize(
    "field", ["tags", "organisations", "name", "sector", "notes", "is_internal"]
)
def test_null_for_a_field_that_cannot_be_empty_is_refused_and_changes_nothing(
    alice_api, riverton, alice_member, pair, field
):
    bank = pair[1]
    status, detail = send(
        alice_api, "patch", api(riverton.slug, "stakeholders_update", bank.pk), {field: None}
    )
    assert (status, fields(detail)) == (422, {field})
    assert "cannot be null" in detail["detail"][0]["msg"]
    assert Stakeholder.objects.get(pk=bank.pk).name == "Riverton Bank"


def test_null_clears_what_may_be_empty(alice_api, riverton, alice_member, pair):
    bank = pair[1]
    Stakeholder.objects.filter(pk=bank.pk).update(influence=4)
    status, body = send(
        alice_api, "patch", api(riverton.slug, "stakeholders_update", bank.pk), {"influence": None}
    )
    assert (status, body["influence"]) == (200, None)


@pytest.mark.parametrize("body", ['""', "[]", "3", "null", '"name"', "{name: 1}"])
def test_a_body_that_is_not_a_json_object_is_refused(alice_api, riverton, alice_member, pair, body):
    status, detail = send(
        alice_api, "patch", api(riverton.slug, "stakeholders_update", pair[1].pk), body
    )
    assert status == 400
    assert detail["detail"][0]["loc"] == ["body"]
    assert "JSON" in detail["detail"][0]["msg"]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=10_000)
def test_an_oversized_body_gets_a_json_413(alice_api, riverton, alice_member):
    status, detail = send(
        alice_api,
        "post",
        api(riverton.slug, "stakeholders_create"),
        {"name": "Riverton Bank", "sector": "business", "notes": "x" * 20_000},
    )
    assert status == 413
    assert "10,000 bytes" in detail["detail"][0]["msg"]
    assert not Stakeholder.all_objects.exists()


def test_a_viewer_is_refused_a_change_before_its_body_is_read(bob_api, riverton, bob_member, pair):
    """A viewer hears that they cannot change the workspace, not what is wrong with the change."""
    for method, url, body in (
        ("post", api(riverton.slug, "stakeholders_create"), {"name": ""}),
        ("patch", api(riverton.slug, "stakeholders_update", pair[1].pk), {"influence": 99}),
        ("post", api(riverton.slug, "ties_create"), "not json"),
    ):
        response = getattr(bob_api, method)(
            url, json.dumps(body) if body != "not json" else body, content_type="application/json"
        )
        assert response.status_code == 403, (url, response.content)
        assert "Viewers can read" in response.json()["detail"]
    assert bob_api.get(api(riverton.slug, "stakeholders_list")).status_code == 200


@pytest.mark.parametrize(
    "query", ["occurred_to=9999-12-31", "occurred_from=0001-01-01", "occurred_from=1899-12-31"]
)
def test_interaction_day_filters_outside_1900_2200_are_refused_naming_them_never_500(
    alice_api, alice_client, riverton, alice_member, query
):
    riverton.timezone = "Asia/Tokyo"  # east of UTC: the first day's midnight is before year 1
    riverton.save()
    response = alice_api.get(api(riverton.slug, "interactions_list") + "?" + query)
    assert response.status_code == 422, response.content
    assert {error["field"] for error in response.json()["detail"]} == {query.split("=")[0]}
    page = alice_client.get(reverse("interactions:list", args=[riverton.slug]) + "?" + query)
    assert page.status_code == 400  # the page names a bad filter, as every list does
    assert set(page.context["filter_errors"]) == {query.split("=")[0]}
    export = alice_client.get(reverse("interactions:export", args=[riverton.slug]) + "?" + query)
    assert export.status_code == 422


#: Every number a write route's body takes (ids, ratings, cadences, amounts), from the schema.
NUMBERS = [
    (route, name)
    for route in ROUTES
    for name, spec in route.fields.items()
    if (spec.item or spec).kind in ("id", "integer", "decimal")
]


@pytest.mark.parametrize(("route", "name"), NUMBERS, ids=[f"{r} {n}" for r, n in NUMBERS])
def test_a_boolean_is_never_a_number(alice_api, riverton, alice_member, route, name):
    """JSON true is not 1: `"trust": true` was stored as trust 1 (pydantic's lax integers)."""
    params = {p: 1 for p in re.findall(r"\{(\w+)\}", route.path) if p != "slug"}
    url = route.path.format(slug=riverton.slug, **params)
    for value in (True, False):
        body = {name: [value] if route.fields[name].kind == "list" else value}
        status, detail = send(alice_api, route.method, url, body)
        assert status == 422, detail
        assert name in {re.split(r"\[", field)[0] for field in fields(detail)}, detail
    assert not Stakeholder.all_objects.exists() and not Tie.all_objects.exists()
