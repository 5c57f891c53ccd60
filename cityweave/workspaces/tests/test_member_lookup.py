"""The member lookup behind the member pickers: matches, order, limit, scoping and roles."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cityweave.testing import make_member, make_user

pytestmark = pytest.mark.django_db

LOOKUP = reverse("settings:member_lookup", args=["riverton"])


def names(response) -> list[str]:
    assert response.status_code == 200
    return [r["name"] for r in response.json()["results"]]


def test_it_answers_id_name_and_role(alice_client, alice_member, bob_member):
    assert alice_client.get(LOOKUP, {"q": "bob"}).json() == {
        "results": [
            {"id": bob_member.pk, "name": "Bob Okafor", "role": "viewer", "role_label": "Viewer"}
        ]
    }


def test_it_finds_members_by_name_or_email_names_starting_with_it_first(
    alice_client, riverton, alice
):
    make_member(riverton, make_user("dana@riverton.example", "Dana Reyes"), "editor")
    make_member(riverton, make_user("reyes.ops@riverton.example"), "editor")
    assert names(alice_client.get(LOOKUP, {"q": "reyes"})) == [
        "reyes.ops",
        "Alice Reyes",
        "Dana Reyes",
    ]


def test_it_answers_at_most_twenty(alice_client, riverton, alice):
    for i in range(25):
        make_member(riverton, make_user(f"officer{i:02d}@riverton.example", f"Officer {i:02d}"))
    assert names(alice_client.get(LOOKUP, {"q": "officer"})) == [
        f"Officer {i:02d}" for i in range(20)
    ]


def test_it_takes_the_same_queries_for_one_match_or_twenty(
    alice_client, riverton, alice, django_assert_num_queries
):
    for i in range(25):
        make_member(riverton, make_user(f"officer{i:02d}@riverton.example", f"Officer {i:02d}"))
    # The session, the user, the membership and the members with their users.
    with django_assert_num_queries(4):
        assert len(names(alice_client.get(LOOKUP, {"q": "alice"}))) == 1
    with django_assert_num_queries(4):
        assert len(names(alice_client.get(LOOKUP, {"q": "officer"}))) == 20


def test_a_viewer_may_look_up(bob_client, alice):
    assert names(bob_client.get(LOOKUP, {"q": "alice"})) == ["Alice Reyes"]


def test_another_workspace_gets_404_and_never_sees_its_members(carol_client, alice_client, alice):
    assert carol_client.get(LOOKUP, {"q": "alice"}).status_code == 404
    assert names(alice_client.get(LOOKUP, {"q": "carol"})) == []


def test_logged_out_callers_get_403(client, riverton):
    assert client.get(LOOKUP, {"q": "alice"}).status_code == 403
