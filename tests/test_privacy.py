"""Private stays private: another member's private interaction shows neither in the trash nor
through a commitment promised in it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cityweave.testing import (
    PASSWORD,
    make_commitment,
    make_interaction,
    make_member,
    make_stakeholder,
    make_user,
)
from cityweave.workspaces.services import move_to_trash

pytestmark = pytest.mark.django_db


@pytest.fixture
def bank(riverton):
    return make_stakeholder(riverton, "Riverton Savings Bank")


def test_the_trash_shows_a_private_interaction_to_its_author_alone(
    riverton, alice_member, alice_client, client, bank
):
    dana = make_user("dana@riverton.example")
    author = make_member(riverton, dana, role="editor")
    secret = make_interaction(
        riverton, [bank], summary="Budget worries", private=True, author=author
    )
    shared = make_interaction(riverton, [bank], summary="Open day", author=author)
    move_to_trash(author, secret)
    move_to_trash(author, shared)
    url = reverse("trash:list", args=[riverton.slug])
    alice_page = alice_client.get(url).content.decode()
    assert "Open day" in alice_page and "Budget worries" not in alice_page
    assert client.login(username=dana.email, password=PASSWORD)
    dana_page = client.get(url).content.decode()
    assert "Open day" in dana_page and "Budget worries" in dana_page


def test_a_commitment_does_not_reveal_the_private_interaction_it_was_promised_in(
    riverton, alice_member, bob_member, alice_api, bob_api, bank
):
    secret = make_interaction(
        riverton, [bank], summary="Budget worries", private=True, author=bob_member
    )
    promise = make_commitment(bank, interaction=secret)
    for client, seen in ((alice_api, None), (bob_api, secret.pk)):
        detail = client.get(reverse("api:commitments_detail", args=[riverton.slug, promise.pk]))
        listed = client.get(reverse("api:commitments_list", args=[riverton.slug]))
        assert detail.json()["interaction"] == seen
        assert [row["interaction"] for row in listed.json()["items"]] == [seen]
