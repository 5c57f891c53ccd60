"""Workspace services: members and roles (never without an owner), settings, sectors, trash."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cityweave.engagement.models import Commitment
from cityweave.engagement.services import trash_stakeholder
from cityweave.stakeholders.models import Sector, Stakeholder, Tie
from cityweave.testing import (
    make_commitment,
    make_goal,
    make_interaction,
    make_member,
    make_stakeholder,
    make_tie,
    make_user,
)
from cityweave.workspaces import members
from cityweave.workspaces.models import Membership, Role, TrashEntry
from cityweave.workspaces.services import purge, restore, trash_entries

pytestmark = pytest.mark.django_db


def test_an_owner_adds_an_existing_user_by_email(alice_member, riverton):
    dana = make_user("dana@riverton.example")
    added = members.add_member_by_email(alice_member, " DANA@riverton.example ", "viewer")
    membership = added.membership
    assert (membership.user, membership.workspace, membership.role) == (dana, riverton, Role.VIEWER)
    assert not added.invited


def test_an_owner_adds_someone_without_an_account_who_gets_one_without_a_password(alice_member):
    added = members.add_member_by_email(alice_member, "Nobody@Example.org", "editor")
    user = added.membership.user
    assert added.invited and user.email == "nobody@example.org"
    assert not user.has_usable_password()


def test_adding_a_bad_address_a_member_again_or_an_unknown_role_names_the_field(alice_member):
    make_user("dana@riverton.example")
    for email in ("not an address", "alice@riverton.example"):
        with pytest.raises(ValidationError) as refused:
            members.add_member_by_email(alice_member, email, "viewer")
        assert "email" in refused.value.message_dict
    with pytest.raises(ValidationError) as bad_role:
        members.add_member_by_email(alice_member, "dana@riverton.example", "emperor")
    assert "role" in bad_role.value.message_dict


def test_only_owners_manage_members(bob_member, alice_member, riverton):
    editor = make_member(riverton, role="editor")
    make_user("dana@riverton.example")
    for acting in (bob_member, editor):
        with pytest.raises(PermissionDenied):
            members.add_member_by_email(acting, "dana@riverton.example", "viewer")
        with pytest.raises(PermissionDenied):
            members.change_role(acting, alice_member.pk, "viewer")
        with pytest.raises(PermissionDenied):
            members.remove_member(acting, alice_member.pk)
        with pytest.raises(PermissionDenied):
            members.update_workspace(acting, "Hacked", "UTC")


def test_a_workspace_never_loses_its_last_owner(alice_member, bob_member):
    with pytest.raises(ValidationError) as demoted:
        members.change_role(alice_member, alice_member.pk, "editor")
    assert "last owner" in demoted.value.message_dict["role"][0]
    with pytest.raises(ValidationError):
        members.remove_member(alice_member, alice_member.pk)
    alice_member.refresh_from_db()
    assert alice_member.role == Role.OWNER


def test_with_two_owners_either_may_step_down(alice_member, bob_member):
    members.change_role(alice_member, bob_member.pk, "owner")
    members.change_role(alice_member, alice_member.pk, "editor")
    assert set(Membership.objects.values_list("role", flat=True)) == {"owner", "editor"}


def test_another_workspaces_membership_is_404(alice_member, carol):
    carols = Membership.objects.get(user=carol)
    with pytest.raises(Http404):
        members.change_role(alice_member, carols.pk, "viewer")
    with pytest.raises(Http404):
        members.remove_member(alice_member, carols.pk)


def test_removal_consequences_count_what_the_member_leaves_behind(bob_member, riverton):
    a, b = make_stakeholder(riverton), make_stakeholder(riverton)
    make_tie(a, b, owner=bob_member)
    make_commitment(a, owner=bob_member)
    make_commitment(a, owner=bob_member, status="done")
    make_goal(riverton, owner=bob_member)
    make_interaction(riverton, [a], private=True, author=bob_member)
    make_interaction(riverton, [a], private=False, author=bob_member)
    consequences = members.removal_consequences(bob_member)
    assert (
        consequences.ties,
        consequences.open_commitments,
        consequences.goals,
        consequences.private_interactions,
    ) == (1, 1, 1, 1)


def test_update_workspace_validates_the_time_zone(alice_member, riverton):
    with pytest.raises(ValidationError) as error:
        members.update_workspace(alice_member, "Riverton", "Mars/Olympus")
    assert "timezone" in error.value.message_dict
    members.update_workspace(alice_member, "  City of Riverton ", "Europe/London")
    riverton.refresh_from_db()
    assert (riverton.name, riverton.timezone) == ("City of Riverton", "Europe/London")


def test_a_sector_in_use_even_in_the_trash_cannot_be_removed(alice_member, riverton):
    sector = Sector.objects.create(workspace=riverton, key="sport", label="Sport")
    rovers = make_stakeholder(riverton, "Riverton Rovers", sector="sport")
    trash_stakeholder(alice_member, rovers)
    with pytest.raises(ValidationError) as error:
        members.remove_sector(alice_member, sector.pk)
    assert "sector" in error.value.message_dict
    assert Sector.objects.filter(pk=sector.pk).exists()


def test_another_workspaces_sector_is_404(alice_member, lakeside):
    elsewhere = Sector.objects.create(workspace=lakeside, key="sport", label="Sport")
    with pytest.raises(Http404):
        members.remove_sector(alice_member, elsewhere.pk)


def test_restore_brings_back_the_record_and_everything_that_went_with_it(alice_member, riverton):
    bank = make_stakeholder(riverton, "Riverton Bank")
    make_tie(bank, make_stakeholder(riverton))
    make_commitment(bank)
    entry = trash_stakeholder(alice_member, bank)
    assert list(trash_entries(alice_member)) == [entry]
    assert entry.related_count == 2

    restored = restore(alice_member, entry.pk)

    assert restored == bank
    assert Stakeholder.objects.filter(pk=bank.pk).exists()
    assert Tie.objects.filter(source=bank).exists()
    assert Commitment.objects.filter(stakeholder=bank).exists()
    assert not TrashEntry.objects.exists()


def test_purge_deletes_the_batch_for_good(alice_member, riverton):
    bank = make_stakeholder(riverton, "Riverton Bank")
    make_commitment(bank)
    entry = trash_stakeholder(alice_member, bank)
    purge(alice_member, entry.pk)
    assert not Stakeholder.all_objects.filter(pk=bank.pk).exists()
    assert not Commitment.all_objects.exists()


def test_only_owners_restore_or_purge_and_only_their_workspaces_entries(
    alice_member, bob_member, riverton, carol
):
    entry = trash_stakeholder(alice_member, make_stakeholder(riverton))
    with pytest.raises(PermissionDenied):
        restore(bob_member, entry.pk)
    with pytest.raises(PermissionDenied):
        purge(bob_member, entry.pk)
    carols = Membership.objects.get(user=carol)
    with pytest.raises(Http404):
        restore(carols, entry.pk)
    with pytest.raises(Http404):
        purge(carols, entry.pk)
    assert TrashEntry.objects.filter(pk=entry.pk).exists()
