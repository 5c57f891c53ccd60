"""Probable duplicates: found by email, name key and similar names; warned on the page and
refused with 409 by the API until the person saves anyway."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cityweave.stakeholders.duplicates import FUZZY_THRESHOLD, probable_duplicates
from cityweave.stakeholders.models import Stakeholder
from cityweave.testing import make_stakeholder

pytestmark = pytest.mark.django_db

BASE = "/api/v1/workspaces/riverton/stakeholders"


def found(riverton, name, kind="organisation", email="", exclude=None):
    return probable_duplicates(
        riverton.pk, riverton.slug, name=name, kind=kind, email=email, exclude=exclude
    )


def test_it_finds_the_same_name_after_normalising(riverton):
    rcf = make_stakeholder(riverton, "Riverton Community Foundation")
    (candidate,) = found(riverton, "The Riverton Community Foundation, Inc.")
    assert (candidate.id, candidate.reason, candidate.score) == (rcf.pk, "name", 100)
    assert candidate.url == f"/w/riverton/stakeholders/{rcf.pk}/"


def test_it_finds_a_similar_name_above_the_threshold_only(riverton):
    rcf = make_stakeholder(riverton, "Riverton Community Foundation")
    make_stakeholder(riverton, "Riverton Parks Council")
    (candidate,) = found(riverton, "Riverton Comunity Foundation")
    assert (candidate.id, candidate.reason) == (rcf.pk, "similar name")
    assert FUZZY_THRESHOLD <= candidate.score < 100
    assert found(riverton, "Riverton Arts Council") == []


def test_names_with_other_numbers_are_not_similar(riverton):
    one = make_stakeholder(riverton, "Riverton School District 1")
    assert found(riverton, "Riverton School District 2") == []
    assert [c.id for c in found(riverton, "Riverton Schol District 1")] == [one.pk]


def test_it_finds_the_same_email_whatever_the_name(riverton):
    alan = make_stakeholder(riverton, "Alan Brooks", kind="person", email="alan@rcc.example")
    (candidate,) = found(riverton, "A. B.", kind="person", email="ALAN@rcc.example ")
    assert (candidate.id, candidate.reason) == (alan.pk, "email")


def test_a_reordered_person_name_is_similar(riverton):
    alan = make_stakeholder(riverton, "Dr. Alan Brooks", kind="person")
    assert [c.id for c in found(riverton, "Brooks, Alan", kind="person")] == [alan.pk]


def test_other_kinds_workspaces_the_trash_and_itself_do_not_count(riverton, lakeside):
    rcf = make_stakeholder(riverton, "Riverton Community Foundation")
    make_stakeholder(lakeside, "Riverton Community Foundation")
    make_stakeholder(riverton, "Riverton Community Foundation", kind="person")
    gone = make_stakeholder(riverton, "Riverton Community Foundation")
    Stakeholder.objects.filter(pk=gone.pk).update(deleted_at="2026-01-01T00:00:00Z")
    assert [c.id for c in found(riverton, "Riverton Community Foundation")] == [rcf.pk]
    assert found(riverton, "Riverton Community Foundation", exclude=rcf.pk) == []


def test_same_email_comes_before_same_name_before_similar_names(riverton):
    similar = make_stakeholder(riverton, "Riverton Comunity Foundation")
    same = make_stakeholder(riverton, "Riverton Community Foundation")
    mail = make_stakeholder(riverton, "RCF", email="info@rcf.example")
    ranked = found(riverton, "Riverton Community Foundation", email="info@rcf.example")
    assert [c.id for c in ranked] == [mail.pk, same.pk, similar.pk]


def test_it_takes_one_query_for_thousands_of_stakeholders(riverton, django_assert_num_queries):
    Stakeholder.objects.bulk_create(
        Stakeholder(workspace=riverton, name=f"Org {i}", name_key=f"org {i}", sector="business")
        for i in range(2500)
    )
    with django_assert_num_queries(1):
        assert [c.name for c in found(riverton, "Org 1234")] == ["Org 1234"]


# The page


def page(name: str, *args: object) -> str:
    return reverse(name, args=["riverton", *args])


FORM = {"kind": "organisation", "sector": "philanthropy", "level": "local"}


def test_creating_a_probable_duplicate_warns_and_saves_nothing(alice_client, riverton):
    rcf = make_stakeholder(riverton, "Riverton Community Foundation", sector="philanthropy")
    response = alice_client.post(
        page("stakeholders:new"), {**FORM, "name": "Riverton Community Foundation Inc."}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "This may be a stakeholder you already have." in html
    assert f'href="/w/riverton/stakeholders/{rcf.pk}/"' in html
    assert 'name="allow_duplicate" value="1"' in html and "Save anyway" in html
    # The form keeps what was typed.
    assert 'value="Riverton Community Foundation Inc."' in html
    assert Stakeholder.objects.filter(workspace=riverton).count() == 1


def test_save_anyway_creates_the_second_record(alice_client, riverton):
    make_stakeholder(riverton, "Riverton Community Foundation", sector="philanthropy")
    response = alice_client.post(
        page("stakeholders:new"),
        {**FORM, "name": "Riverton Community Foundation", "allow_duplicate": "1"},
    )
    assert response.status_code == 302
    assert Stakeholder.objects.filter(name="Riverton Community Foundation").count() == 2


def test_renaming_into_a_duplicate_warns_but_other_edits_do_not(alice_client, riverton):
    make_stakeholder(riverton, "Riverton Community Foundation", sector="philanthropy")
    other = make_stakeholder(riverton, "Riverton Comunity Foundation", sector="philanthropy")
    edit = page("stakeholders:edit", other.pk)
    # Already similar: an edit that leaves the name alone saves without a warning.
    kept = alice_client.post(edit, {**FORM, "name": "Riverton Comunity Foundation", "area": "East"})
    assert kept.status_code == 302
    renamed = alice_client.post(edit, {**FORM, "name": "Riverton Community Foundation"})
    assert renamed.status_code == 422 and b"Save anyway" in renamed.content
    # The heading names the record as saved, not as typed.
    assert b"<h1>Edit Riverton Comunity Foundation</h1>" in renamed.content
    other.refresh_from_db()
    assert other.name == "Riverton Comunity Foundation"


def test_a_viewer_gets_no_form_and_another_workspace_gets_404(bob_client, carol_client, riverton):
    assert bob_client.post(page("stakeholders:new"), {**FORM, "name": "X"}).status_code == 403
    assert carol_client.post(page("stakeholders:new"), {**FORM, "name": "X"}).status_code == 404


# The API


def test_the_api_refuses_a_duplicate_with_409_listing_them(alice_api, riverton):
    rcf = make_stakeholder(riverton, "Riverton Community Foundation", email="info@rcf.example")
    response = alice_api.post(
        BASE,
        {"name": "RCF", "sector": "philanthropy", "email": "info@rcf.example"},
        content_type="application/json",
    )
    assert response.status_code == 409
    body = response.json()
    assert "Riverton Community Foundation" in body["detail"]
    assert body["duplicates"] == [
        {
            "id": rcf.pk,
            "name": "Riverton Community Foundation",
            "email": "info@rcf.example",
            "reason": "email",
            "score": body["duplicates"][0]["score"],
            "url": f"/w/riverton/stakeholders/{rcf.pk}/",
        }
    ]
    assert Stakeholder.objects.filter(workspace=riverton).count() == 1
    allowed = alice_api.post(
        BASE,
        {
            "name": "RCF",
            "sector": "philanthropy",
            "email": "info@rcf.example",
            "allow_duplicate": True,
        },
        content_type="application/json",
    )
    assert allowed.status_code == 201


def test_the_api_refuses_a_rename_into_a_duplicate_unless_allowed(alice_api, riverton):
    make_stakeholder(riverton, "Riverton Community Foundation")
    other = make_stakeholder(riverton, "Lakeside Trust")
    url = f"{BASE}/{other.pk}"
    rename = {"name": "The Riverton Community Foundation"}
    assert alice_api.patch(url, rename, content_type="application/json").status_code == 409
    assert alice_api.patch(url, {"notes": "x"}, content_type="application/json").status_code == 200
    allowed = alice_api.patch(
        url, {**rename, "allow_duplicate": True}, content_type="application/json"
    )
    assert allowed.status_code == 200 and allowed.json()["name"] == rename["name"]


def test_a_bad_field_is_named_before_a_duplicate(alice_api, riverton):
    make_stakeholder(riverton, "Riverton Community Foundation")
    response = alice_api.post(
        BASE,
        {
            "name": "Riverton Community Foundation",
            "sector": "philanthropy",
            "organisations": [999999],
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "organisations" in response.content.decode()
