"""Input the databases cannot store is refused before anything is written, wherever it comes from
(the API, the forms, `cityweave import`), with a 4xx or a message naming the field; what is
accepted is stored and read back unchanged, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cityweave.engagement.models import Interaction
from cityweave.stakeholders import services as stakeholder_services
from cityweave.stakeholders.models import Stakeholder, Tag
from cityweave.storable import text_problem
from cityweave.testing import make_stakeholder

pytestmark = pytest.mark.django_db

BAD_TEXT = {
    "a NUL character": ("Riverton\x00Bank", "NUL"),
    "a lone surrogate": ("Riverton \udfff Bank", "unicode"),
}
BLANK = {
    "spaces": "   ",
    "zero-width spaces": "\u200b\u200b",
    "a byte-order mark": " \ufeff ",
    "spaces and zero-width spaces in turn": "\u200b \u200b \u200b",
}


def api(slug: str, name: str, *args: int) -> str:
    return reverse(f"api:{name}", args=[slug, *args])


def post(client, url: str, body: dict) -> tuple[int, dict]:
    # json.dumps writes a lone surrogate as the escape "\udfff", as a client would send it.
    response = client.post(url, json.dumps(body), content_type="application/json")
    return response.status_code, response.json() if response.content else {}


def fields(detail: dict) -> set[str]:
    return {error["field"] for error in detail["detail"]}


@pytest.mark.parametrize("kind", BAD_TEXT)
@pytest.mark.parametrize("field", ["name", "notes", "area"])
def test_the_api_refuses_text_it_cannot_store_naming_the_field(
    alice_api, riverton, alice_member, kind, field
):
    value, word = BAD_TEXT[kind]
    body = {"name": "Riverton Savings Bank", "sector": "business", field: value}
    status, detail = post(alice_api, api(riverton.slug, "stakeholders_create"), body)
    assert status == 422, detail
    assert fields(detail) == {field}
    assert word in json.dumps(detail).lower() or word.lower() in json.dumps(detail).lower()
    assert not Stakeholder.all_objects.filter(workspace=riverton).exists()


@pytest.mark.parametrize("kind", BLANK)
def test_a_required_name_or_summary_of_invisible_characters_is_blank(
    alice_api, riverton, alice_member, kind
):
    status, detail = post(
        alice_api,
        api(riverton.slug, "stakeholders_create"),
        {"name": BLANK[kind], "sector": "business"},
    )
    assert (status, fields(detail)) == (422, {"name"})
    bank = make_stakeholder(riverton, "Riverton Savings Bank")
    status, detail = post(
        alice_api,
        api(riverton.slug, "interactions_create"),
        {
            "occurred_at": "2026-03-02T10:00:00Z",
            "kind": "meeting",
            "summary": BLANK[kind],
            "participants": [bank.pk],
        },
    )
    assert (status, fields(detail)) == (422, {"summary"})
    assert not Interaction.all_objects.exists()


@pytest.mark.parametrize("kind", BAD_TEXT)
def test_a_tag_it_cannot_store_is_refused_naming_tags(alice_api, riverton, alice_member, kind):
    """Tags are made outside the stakeholder's `full_clean`: a lone surrogate answered 500 on both
    databases, a NUL 500 on PostgreSQL and was stored on SQLite."""
    value, word = BAD_TEXT[kind]
    body = {"name": "Riverton Savings Bank", "sector": "business", "tags": ["banks", value]}
    status, detail = post(alice_api, api(riverton.slug, "stakeholders_create"), body)
    assert (status, fields(detail)) == (422, {"tags"}), detail
    assert word.lower() in detail["detail"][0]["msg"].lower()
    assert not Stakeholder.all_objects.exists() and not Tag.objects.exists()


def test_a_tag_that_shows_nothing_is_left_out(alice_api, riverton, alice_member):
    body = {"name": "Riverton Savings Bank", "sector": "business"}
    body["tags"] = ["banks", "\u200b", " \u2060\u200b \ufeff", ""]
    status, created = post(alice_api, api(riverton.slug, "stakeholders_create"), body)
    assert (status, created["tags"]) == (201, ["banks"])
    assert list(Tag.objects.values_list("name", flat=True)) == ["banks"]


@pytest.mark.parametrize(
    "moment",
    [
        "9999-12-31T23:59:59-12:00",
        "0001-01-01T03:00:00Z",
        "1899-12-31T12:00:00Z",
        "2201-01-01T00:00:00Z",
    ],
)
def test_a_time_outside_1900_to_2200_is_refused_even_after_its_time_zone(
    alice_api, riverton, alice_member, moment
):
    bank = make_stakeholder(riverton, "Riverton Savings Bank")
    status, detail = post(
        alice_api,
        api(riverton.slug, "interactions_create"),
        {"occurred_at": moment, "kind": "meeting", "summary": "Far off", "participants": [bank.pk]},
    )
    assert (status, fields(detail)) == (422, {"occurred_at"}), detail
    assert "between 1900 and 2200" in json.dumps(detail)
    assert not Interaction.all_objects.exists()
    # The pages that list interactions still answer.
    assert alice_api.get(api(riverton.slug, "interactions_list")).status_code == 200


def test_the_form_refuses_a_nul_in_a_name(alice_client, riverton, alice_member):
    response = alice_client.post(
        reverse("stakeholders:new", args=[riverton.slug]),
        {
            "name": "Riverton\x00Bank",
            "kind": "organisation",
            "sector": "business",
            "level": "local",
        },
    )
    assert response.status_code == 422
    assert "nul" in response.context["form"].errors["name"][0].lower()  # Django's own message
    assert not Stakeholder.all_objects.exists()


def test_an_import_with_a_nul_names_the_record_and_writes_nothing(tmp_path, riverton, alice_member):
    make_stakeholder(riverton, "Riverton Savings Bank", notes="fine")
    exported = tmp_path / "riverton.json"
    call_command("export", riverton.slug, "-o", str(exported))
    data = json.loads(exported.read_text())
    data["stakeholders"][0]["notes"] = "bad\x00notes"
    exported.write_text(json.dumps(data))
    with pytest.raises(CommandError) as refused:
        call_command("import", str(exported), "--slug", "riverton-copy")
    assert "notes" in str(refused.value) and "NUL" in str(refused.value)
    assert not Stakeholder.all_objects.filter(workspace__slug="riverton-copy").exists()


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(max_size=60))
def test_text_the_check_accepts_is_stored_and_read_back_unchanged(riverton, alice_member, text):
    problem = text_problem(text, required=False)
    data = {"name": "Riverton Savings Bank", "sector": "business", "notes": text}
    if problem:
        with pytest.raises(ValidationError) as refused:
            stakeholder_services.save_stakeholder(alice_member, data)
        assert set(refused.value.message_dict) == {"notes"}
        return
    saved = stakeholder_services.save_stakeholder(alice_member, data)
    assert Stakeholder.all_objects.get(pk=saved.pk).notes == text
    Stakeholder.all_objects.filter(pk=saved.pk).delete()


def test_free_text_has_a_documented_limit(alice_api, riverton, alice_member):
    from cityweave.storable import TEXT_MAX_LENGTH

    body = {"name": "Riverton Savings Bank", "sector": "business"}
    status, detail = post(
        alice_api,
        api(riverton.slug, "stakeholders_create"),
        {**body, "notes": "x" * (TEXT_MAX_LENGTH + 1)},
    )
    assert (status, fields(detail)) == (422, {"notes"})
    status, _ = post(
        alice_api,
        api(riverton.slug, "stakeholders_create"),
        {**body, "notes": "x" * TEXT_MAX_LENGTH},
    )
    assert status == 201
    # The service refuses it too, for the forms and the import.
    with pytest.raises(ValidationError) as refused:
        stakeholder_services.save_stakeholder(
            alice_member, {**body, "name": "Other", "notes": "y" * (TEXT_MAX_LENGTH + 1)}
        )
    assert "20,000 characters" in str(refused.value)


@pytest.mark.parametrize(
    "url",
    ["api:stakeholders_list", "api:ties_list", "api:interactions_list", "api:commitments_list",
     "api:goals_list", "stakeholders:list", "ties:list", "interactions:list", "commitments:list",
     "goals:list", "stakeholders:lookup"],
)  # fmt: skip
def test_a_nul_in_a_search_is_refused_naming_the_parameter(alice_api, riverton, alice_member, url):
    response = alice_api.get(reverse(url, args=[riverton.slug]) + "?sector=business&q=a%00b")
    assert response.status_code == 400
    if url.startswith("api:"):
        assert response.json()["detail"][0]["field"] == "q"
    else:
        assert "“q”" in response.content.decode()
