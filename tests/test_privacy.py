"""Private stays private: another member's private interaction shows neither in the trash, nor
through a commitment promised in it, nor through the time of a tie's last contact."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cityweave.testing import (
    PASSWORD,
    make_commitment,
    make_interaction,
    make_member,
    make_stakeholder,
    make_tie,
    make_user,
)
from cityweave.workspaces.models import TrashEntry
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
    # The owner still sees that something is there, unnamed, and can bring it back for its author.
    assert "Another member’s private interaction" in alice_page
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


@pytest.fixture
def city_and_bank(riverton, bank):
    """The city's tie to the bank, due every 30 days; a shared call 100 days ago."""
    city = make_stakeholder(riverton, "City of Riverton", is_internal=True)
    tie = make_tie(city, bank, cadence_days=30)
    make_interaction(riverton, [bank], when=timezone.now() - dt.timedelta(days=100))
    return tie


def test_tie_health_counts_a_private_interaction_but_shows_others_neither_its_time_nor_summary(
    riverton, alice_member, bob_member, alice_client, bob_client, alice_api, bob_api, city_and_bank
):
    tie = city_and_bank
    make_interaction(
        riverton,
        [tie.target],
        when=timezone.now() - dt.timedelta(days=3),
        summary="Budget worries",
        private=True,
        author=bob_member,
    )
    slug = riverton.slug
    pages = [
        reverse("ties:list", args=[slug]),
        reverse("ties:detail", args=[slug, tie.pk]),
        reverse("stakeholders:detail", args=[slug, tie.target.pk]),
    ]
    for url in pages:
        alice_page = alice_client.get(url).content.decode()
        assert "Healthy" in alice_page, url  # the private call keeps the tie warm for everyone
        assert "private contact" in alice_page or "private interaction" in alice_page, url
        assert "3 d" not in alice_page and "3 days" not in alice_page, url
        assert "100 d" not in alice_page, url  # not the older shared contact either
        assert "Budget worries" not in alice_page, url
        bob_page = bob_client.get(url).content.decode()
        assert "3 d" in bob_page or "3 days" in bob_page, url
    ties = reverse("api:ties_list", args=[slug])
    assert [
        (t["health"], t["days_since_contact"]) for t in alice_api.get(ties).json()["items"]
    ] == [("healthy", None)]
    assert [t["days_since_contact"] for t in bob_api.get(ties).json()["items"]] == [3]


def test_the_dashboard_withholds_the_time_of_anothers_private_contact(
    riverton, alice_member, bob_member, alice_client, bob_client, city_and_bank
):
    tie = city_and_bank
    tie.cadence_days = 1  # cooling after a private call two days ago: on the at-risk panel
    tie.save()
    make_interaction(
        riverton,
        [tie.target],
        when=timezone.now() - dt.timedelta(days=2),
        private=True,
        author=bob_member,
    )
    url = reverse("dashboard", args=[riverton.slug])
    alice_page = alice_client.get(url).content.decode()
    assert "Riverton Savings Bank" in alice_page
    assert ">private</abbr>" in alice_page and "2 days ago" not in alice_page
    assert "2 days ago" in bob_client.get(url).content.decode()


def test_shared_contacts_show_their_time_to_every_member(
    riverton, alice_member, bob_member, alice_client, city_and_bank
):
    make_interaction(riverton, [city_and_bank.target], private=True, author=alice_member)
    page = alice_client.get(reverse("ties:detail", args=[riverton.slug, city_and_bank.pk]))
    assert "0 days since the last contact" in page.content.decode()


def test_an_owner_restores_a_private_interaction_its_editor_author_deleted(
    riverton, alice_member, bob_member, alice_client, bank
):
    bob_member.role = "editor"
    bob_member.save()
    secret = make_interaction(
        riverton, [bank], summary="Budget worries", private=True, author=bob_member
    )
    move_to_trash(bob_member, secret)
    entry = TrashEntry.objects.get(object_id=secret.pk)
    purge = alice_client.get(
        reverse("trash:purge", args=[riverton.slug, entry.pk])
    ).content.decode()
    assert "Budget worries" not in purge and "private interaction" in purge
    response = alice_client.post(reverse("trash:restore", args=[riverton.slug, entry.pk]))
    assert response.status_code == 302
    secret.refresh_from_db()
    assert secret.deleted_at is None


def test_clearing_a_link_one_cannot_see_keeps_it(
    riverton, alice_member, bob_member, alice_api, bank
):
    secret = make_interaction(
        riverton, [bank], summary="Budget worries", private=True, author=bob_member
    )
    promise = make_commitment(bank, interaction=secret)
    url = reverse("api:commitments_detail", args=[riverton.slug, promise.pk])
    response = alice_api.patch(url, {"interaction": None}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["interaction"] is None  # still hidden from her
    promise.refresh_from_db()
    assert promise.interaction_id == secret.pk  # and still there for its author
