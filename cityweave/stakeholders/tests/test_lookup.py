"""The stakeholder lookup behind the pickers: matches, order, limit, scoping and roles."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from cityweave.stakeholders.models import Sector
from cityweave.testing import make_stakeholder

pytestmark = pytest.mark.django_db

LOOKUP = reverse("stakeholders:lookup", args=["riverton"])


def names(response) -> list[str]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return [r["name"] for r in response.json()["results"]]


def test_it_answers_id_name_sector_and_kind(alice_client, riverton):
    foundation = make_stakeholder(
        riverton, "Riverton Community Foundation", sector="philanthropy", kind="organisation"
    )
    response = alice_client.get(LOOKUP, {"q": "foundation"})
    assert response.json() == {
        "results": [
            {
                "id": foundation.pk,
                "name": "Riverton Community Foundation",
                "sector_label": "Philanthropy",
                "kind": "organisation",
            }
        ]
    }


def test_it_labels_a_workspaces_own_sector(alice_client, riverton):
    Sector.objects.create(workspace=riverton, key="arts", label="Arts & culture")
    make_stakeholder(riverton, "Riverton Opera", sector="arts")
    assert alice_client.get(LOOKUP, {"q": "opera"}).json()["results"][0]["sector_label"] == (
        "Arts & culture"
    )


def test_names_starting_with_the_query_come_first_then_words_starting_with_it(
    alice_client, riverton
):
    for name in ["Westbank Co-op", "First Bank", "Bank of Riverton", "Riverbank", "Bankside Arts"]:
        make_stakeholder(riverton, name)
    make_stakeholder(riverton, "City Hall")
    assert names(alice_client.get(LOOKUP, {"q": "BANK"})) == [
        "Bank of Riverton",
        "Bankside Arts",
        "First Bank",
        "Riverbank",
        "Westbank Co-op",
    ]


def test_every_word_of_the_query_must_be_in_the_name(alice_client, riverton):
    make_stakeholder(riverton, "Riverton Community Foundation")
    make_stakeholder(riverton, "Riverton Community College")
    assert names(alice_client.get(LOOKUP, {"q": "  riv  found "})) == [
        "Riverton Community Foundation"
    ]


def test_it_answers_at_most_twenty(alice_client, riverton):
    for i in range(30):
        make_stakeholder(riverton, f"Org {i:02d}")
    assert names(alice_client.get(LOOKUP, {"q": "org"})) == [f"Org {i:02d}" for i in range(20)]


def test_an_empty_query_finds_nothing(alice_client, riverton):
    make_stakeholder(riverton, "City Hall")
    assert names(alice_client.get(LOOKUP, {"q": " "})) == []
    assert names(alice_client.get(LOOKUP)) == []


def test_it_narrows_to_one_kind_and_leaves_out_one_stakeholder(alice_client, riverton):
    food_bank = make_stakeholder(riverton, "Riverton Food Bank", kind="organisation")
    make_stakeholder(riverton, "Riverton Foundation", kind="organisation")
    make_stakeholder(riverton, "Rita Rivers", kind="person")
    organisations = alice_client.get(
        LOOKUP, {"q": "riv", "kind": "organisation", "exclude": food_bank.pk}
    )
    assert names(organisations) == ["Riverton Foundation"]


def test_trashed_stakeholders_are_left_out(alice_client, riverton):
    make_stakeholder(riverton, "Riverton Food Bank")
    make_stakeholder(riverton, "Riverton Old Mill", deleted_at=timezone.now())
    assert names(alice_client.get(LOOKUP, {"q": "riverton"})) == ["Riverton Food Bank"]


def test_it_takes_the_same_queries_for_one_match_or_twenty(
    alice_client, riverton, django_assert_num_queries
):
    Sector.objects.create(workspace=riverton, key="arts", label="Arts & culture")
    make_stakeholder(riverton, "Lonely Org", sector="arts")
    for i in range(40):
        make_stakeholder(riverton, f"Org {i:02d}", sector="arts" if i % 2 else "business")
    # The session, the user, the membership, the stakeholders and the workspace's own sectors.
    with django_assert_num_queries(5):
        assert len(names(alice_client.get(LOOKUP, {"q": "lonely"}))) == 1
    with django_assert_num_queries(5):
        assert len(names(alice_client.get(LOOKUP, {"q": "org"}))) == 20


def test_a_viewer_may_look_up(bob_client, riverton):
    make_stakeholder(riverton, "City Hall")
    assert names(bob_client.get(LOOKUP, {"q": "city"})) == ["City Hall"]


def test_another_workspace_gets_404_and_never_sees_its_stakeholders(
    carol_client, alice_client, riverton, lakeside
):
    make_stakeholder(riverton, "Riverton City Hall")
    make_stakeholder(lakeside, "Lakeside City Hall")
    assert carol_client.get(LOOKUP, {"q": "city"}).status_code == 404
    assert names(alice_client.get(LOOKUP, {"q": "city"})) == ["Riverton City Hall"]


def test_logged_out_callers_get_403_not_a_login_page(client, riverton):
    assert client.get(LOOKUP, {"q": "city"}).status_code == 403


def test_it_only_answers_get(alice_client, riverton):
    assert alice_client.post(LOOKUP, {"q": "city"}).status_code == 405
