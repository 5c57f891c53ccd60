"""The trash page: everyone reads it; owners restore or delete for good; other workspaces get 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cityweave.engagement.models import Commitment
from cityweave.engagement.services import trash_stakeholder
from cityweave.stakeholders.models import Stakeholder, Tie
from cityweave.testing import make_commitment, make_member, make_stakeholder, make_tie
from cityweave.workspaces.models import TrashEntry

pytestmark = pytest.mark.django_db


def url(name: str, *args: object) -> str:
    return reverse(name, args=["riverton", *args])


@pytest.fixture
def trashed_bank(riverton, alice_member) -> TrashEntry:
    """Riverton Bank in the trash, with its tie and a commitment about it."""
    bank = make_stakeholder(riverton, "Riverton Bank")
    make_tie(bank, make_stakeholder(riverton, "Chamber of Commerce"))
    make_commitment(bank, description="Send the loan terms")
    return trash_stakeholder(alice_member, bank)


def test_it_lists_what_was_deleted_by_whom_and_what_went_with_it(alice_client, trashed_bank):
    response = alice_client.get(url("trash:list"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Riverton Bank" in content
    assert "Stakeholder" in content
    assert "Alice Reyes" in content
    assert "2 records" in content
    assert url("trash:restore", trashed_bank.pk) in content
    assert url("trash:purge", trashed_bank.pk) in content


def test_an_empty_trash_says_so(alice_client, riverton):
    assert "The trash is empty" in alice_client.get(url("trash:list")).content.decode()


def test_an_owner_restores_a_record_with_everything_that_went_with_it(alice_client, trashed_bank):
    response = alice_client.post(url("trash:restore", trashed_bank.pk))
    assert response.status_code == 302
    assert response["Location"] == url("trash:list")
    bank = Stakeholder.objects.get(name="Riverton Bank")
    assert Tie.objects.filter(source=bank).count() == 1
    assert Commitment.objects.filter(stakeholder=bank).count() == 1
    assert not TrashEntry.objects.exists()


def test_delete_forever_asks_first_then_deletes_for_good(alice_client, trashed_bank):
    confirm = alice_client.get(url("trash:purge", trashed_bank.pk))
    assert confirm.status_code == 200
    assert "cannot be undone" in confirm.content.decode()
    assert Stakeholder.all_objects.filter(name="Riverton Bank").exists()

    response = alice_client.post(url("trash:purge", trashed_bank.pk))

    assert response.status_code == 302
    assert not Stakeholder.all_objects.filter(name="Riverton Bank").exists()
    assert not Commitment.all_objects.exists()
    assert Stakeholder.objects.filter(name="Chamber of Commerce").exists()
    assert not TrashEntry.objects.exists()


def test_a_viewer_reads_the_trash_but_every_post_is_403(bob_client, trashed_bank):
    page = bob_client.get(url("trash:list"))
    assert page.status_code == 200
    assert "Riverton Bank" in page.content.decode()
    assert url("trash:restore", trashed_bank.pk) not in page.content.decode()
    assert bob_client.post(url("trash:restore", trashed_bank.pk)).status_code == 403
    assert bob_client.get(url("trash:purge", trashed_bank.pk)).status_code == 403
    assert bob_client.post(url("trash:purge", trashed_bank.pk)).status_code == 403
    assert TrashEntry.objects.filter(pk=trashed_bank.pk).exists()


def test_an_editor_sees_the_list_without_buttons_and_gets_403(client, riverton, trashed_bank):
    client.force_login(make_member(riverton, role="editor").user)
    page = client.get(url("trash:list")).content.decode()
    assert "Riverton Bank" in page
    assert "Delete forever" not in page
    assert client.post(url("trash:restore", trashed_bank.pk)).status_code == 403
    assert client.get(url("trash:purge", trashed_bank.pk)).status_code == 403
    assert client.post(url("trash:purge", trashed_bank.pk)).status_code == 403
    assert Stakeholder.all_objects.get(name="Riverton Bank").in_trash


def test_another_workspace_gets_404(carol_client, trashed_bank):
    assert carol_client.get(url("trash:list")).status_code == 404
    assert carol_client.post(url("trash:restore", trashed_bank.pk)).status_code == 404
    assert carol_client.get(url("trash:purge", trashed_bank.pk)).status_code == 404
    assert carol_client.post(url("trash:purge", trashed_bank.pk)).status_code == 404
    assert TrashEntry.objects.filter(pk=trashed_bank.pk).exists()


def test_an_entry_of_another_workspace_is_404_even_for_its_owner(carol_client, trashed_bank):
    lakeside_url = reverse("trash:restore", args=["lakeside", trashed_bank.pk])
    assert carol_client.post(lakeside_url).status_code == 404
    lakeside_purge = reverse("trash:purge", args=["lakeside", trashed_bank.pk])
    assert carol_client.post(lakeside_purge).status_code == 404
    assert TrashEntry.objects.filter(pk=trashed_bank.pk).exists()


def test_logged_out_visitors_are_sent_to_login(client, trashed_bank):
    for response in (
        client.get(url("trash:list")),
        client.post(url("trash:restore", trashed_bank.pk)),
    ):
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
