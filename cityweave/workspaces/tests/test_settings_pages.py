"""The settings page: owners change members, roles, sectors, name and time zone; others only read."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cityweave.stakeholders.models import Sector
from cityweave.testing import make_interaction, make_member, make_stakeholder, make_user
from cityweave.workspaces.models import Membership, Role

pytestmark = pytest.mark.django_db


def url(name: str, *args: object) -> str:
    return reverse(name, args=["riverton", *args])


def test_it_shows_members_roles_sectors_and_the_workspace(alice_client, riverton, bob):
    Sector.objects.create(workspace=riverton, key="arts", label="Arts & culture")
    response = alice_client.get(url("settings:index"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "alice@riverton.example" in content and "bob@riverton.example" in content
    assert "Arts &amp; culture" in content
    assert "America/Chicago" in content
    assert url("settings:member_add") in content


def test_a_viewer_reads_the_settings_without_forms(bob_client, riverton, alice):
    response = bob_client.get(url("settings:index"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "alice@riverton.example" in content
    assert "Only an owner can change them" in content
    assert url("settings:member_add") not in content


def test_it_adds_an_existing_user_by_email_with_a_role_and_emails_them(
    alice_client, riverton, mailoutbox, django_capture_on_commit_callbacks
):
    dana = make_user("dana@riverton.example", "Dana Whit")
    with django_capture_on_commit_callbacks(execute=True):
        response = alice_client.post(
            url("settings:member_add"), {"email": "Dana@Riverton.example", "role": "editor"}
        )
    assert response.status_code == 302
    assert Membership.objects.get(workspace=riverton, user=dana).role == Role.EDITOR
    [email] = mailoutbox
    assert email.to == ["dana@riverton.example"]
    assert "as editor" in email.body and f"/w/{riverton.slug}/" in email.body
    assert "password" not in email.body.split("Open")[0].lower()


def test_an_address_without_an_account_is_invited_and_the_owner_cannot_tell_the_difference(
    alice_client, riverton, client, mailoutbox, django_capture_on_commit_callbacks
):
    make_user("dana@riverton.example")
    said = []
    for email in ("dana@riverton.example", "new.person@example.org"):
        with django_capture_on_commit_callbacks(execute=True):
            response = alice_client.post(
                url("settings:member_add"), {"email": email, "role": "viewer"}, follow=True
            )
        said.append([str(m).replace(email, "EMAIL") for m in response.context["messages"]])
    assert (
        said[0]
        == said[1]
        == ["Added EMAIL as viewer; they have been emailed how to open the workspace."]
    )
    invitation = mailoutbox[-1]
    assert invitation.to == ["new.person@example.org"]
    link = next(w for w in invitation.body.split() if "/accounts/password-reset/" in w)
    # The invitation's link lets them choose a password, and then log in and open the workspace.
    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a-long-new-passphrase-9", "new_password2": "a-long-new-passphrase-9"},
    )
    assert done.status_code == 302
    assert client.login(username="new.person@example.org", password="a-long-new-passphrase-9")
    assert client.get(url("dashboard")).status_code == 200


def test_an_invited_person_can_ask_for_a_new_link_after_it_expires(
    client, alice_member, mailoutbox
):
    from cityweave.workspaces.members import add_member_by_email

    add_member_by_email(alice_member, "late@example.org", "viewer")
    response = client.post(reverse("password_reset"), {"email": "late@example.org"})
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [["late@example.org"]]


def test_adding_a_bad_address_names_the_field(alice_client, riverton):
    response = alice_client.post(
        url("settings:member_add"), {"email": "not an address", "role": "editor"}
    )
    assert response.status_code == 422
    assert "email" in response.context["add_member_form"].errors
    assert Membership.objects.filter(workspace=riverton).count() == 1


def test_adding_someone_already_in_the_workspace_is_refused(alice_client, riverton, bob):
    response = alice_client.post(
        url("settings:member_add"), {"email": "bob@riverton.example", "role": "owner"}
    )
    assert response.status_code == 422
    assert "already a member" in str(response.context["add_member_form"].errors["email"])
    assert Membership.objects.get(user=bob).role == Role.VIEWER


def test_adding_with_an_unknown_role_names_the_field(alice_client, riverton):
    make_user("dana@riverton.example")
    response = alice_client.post(
        url("settings:member_add"), {"email": "dana@riverton.example", "role": "emperor"}
    )
    assert response.status_code == 422
    assert "role" in response.context["add_member_form"].errors


def test_it_changes_a_members_role(alice_client, bob_member):
    response = alice_client.post(url("settings:member_role", bob_member.pk), {"role": "editor"})
    assert response.status_code == 302
    bob_member.refresh_from_db()
    assert bob_member.role == Role.EDITOR


def test_the_last_owner_keeps_the_owner_role(alice_client, alice_member):
    response = alice_client.post(url("settings:member_role", alice_member.pk), {"role": "viewer"})
    assert response.status_code == 422
    assert "last owner" in response.content.decode()
    alice_member.refresh_from_db()
    assert alice_member.role == Role.OWNER


def test_an_owner_steps_down_once_another_owner_exists(alice_client, alice_member, riverton):
    make_member(riverton, role="owner")
    response = alice_client.post(url("settings:member_role", alice_member.pk), {"role": "editor"})
    assert response.status_code == 302
    assert response["Location"] == url("dashboard")
    alice_member.refresh_from_db()
    assert alice_member.role == Role.EDITOR


def test_removing_a_member_asks_first_and_says_what_they_leave_behind(
    alice_client, bob_member, riverton
):
    make_interaction(riverton, [], private=True, author=bob_member)
    confirm = alice_client.get(url("settings:member_remove", bob_member.pk))
    assert confirm.status_code == 200
    assert "1 private interaction will be hidden from everyone" in confirm.content.decode()
    assert Membership.objects.filter(pk=bob_member.pk).exists()

    response = alice_client.post(url("settings:member_remove", bob_member.pk))

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=bob_member.pk).exists()


def test_the_last_owner_cannot_be_removed(alice_client, alice_member):
    response = alice_client.post(url("settings:member_remove", alice_member.pk))
    assert response.status_code == 422
    assert Membership.objects.filter(pk=alice_member.pk).exists()


def test_a_membership_of_another_workspace_is_404(alice_client, carol):
    carols = Membership.objects.get(user=carol)
    assert (
        alice_client.post(url("settings:member_role", carols.pk), {"role": "viewer"}).status_code
        == 404
    )
    assert alice_client.post(url("settings:member_remove", carols.pk)).status_code == 404
    carols.refresh_from_db()
    assert carols.role == Role.OWNER


def test_it_renames_the_workspace_and_changes_its_time_zone(alice_client, riverton):
    response = alice_client.post(
        url("settings:workspace"), {"name": "City of Riverton", "timezone": "Europe/London"}
    )
    assert response.status_code == 302
    riverton.refresh_from_db()
    assert (riverton.name, riverton.timezone) == ("City of Riverton", "Europe/London")


def test_bad_workspace_settings_name_the_fields(alice_client, riverton):
    response = alice_client.post(
        url("settings:workspace"), {"name": "", "timezone": "Mars/Olympus"}
    )
    assert response.status_code == 422
    errors = response.context["workspace_form"].errors
    assert "name" in errors and "timezone" in errors
    riverton.refresh_from_db()
    assert (riverton.name, riverton.timezone) == ("Riverton", "America/Chicago")


def test_it_adds_a_sector_of_the_workspaces_own(alice_client, riverton):
    response = alice_client.post(
        url("settings:sector_add"), {"key": "arts", "label": "Arts & culture"}
    )
    assert response.status_code == 302
    assert Sector.objects.get(workspace=riverton).label == "Arts & culture"


@pytest.mark.parametrize(
    ("key", "message"),
    [("business", "built-in"), ("arts", "already has"), ("Not A Slug!", "slug")],
)
def test_a_bad_sector_key_names_the_field(alice_client, riverton, key, message):
    Sector.objects.create(workspace=riverton, key="arts", label="Arts")
    response = alice_client.post(url("settings:sector_add"), {"key": key, "label": "Whatever"})
    assert response.status_code == 422
    errors = response.context["sector_form"].errors
    assert message in str(errors["key"]).lower() or message in str(errors["key"])
    assert Sector.objects.filter(workspace=riverton).count() == 1


def test_an_unused_sector_can_be_removed_but_not_one_in_use(alice_client, riverton):
    unused = Sector.objects.create(workspace=riverton, key="arts", label="Arts")
    used = Sector.objects.create(workspace=riverton, key="sport", label="Sport")
    make_stakeholder(riverton, "Riverton Rovers", sector="sport")

    assert alice_client.post(url("settings:sector_remove", unused.pk)).status_code == 302
    refused = alice_client.post(url("settings:sector_remove", used.pk))

    assert refused.status_code == 422
    assert "1 stakeholder uses" in refused.content.decode()
    assert list(Sector.objects.filter(workspace=riverton)) == [used]


def test_a_viewer_gets_403_on_every_change(bob_client, riverton, alice_member):
    sector = Sector.objects.create(workspace=riverton, key="arts", label="Arts")
    make_user("dana@riverton.example")
    for name, args, data in [
        ("settings:workspace", (), {"name": "Hacked", "timezone": "UTC"}),
        ("settings:member_add", (), {"email": "dana@riverton.example", "role": "owner"}),
        ("settings:member_role", (alice_member.pk,), {"role": "viewer"}),
        ("settings:member_remove", (alice_member.pk,), {}),
        ("settings:sector_add", (), {"key": "sport", "label": "Sport"}),
        ("settings:sector_remove", (sector.pk,), {}),
    ]:
        assert bob_client.post(url(name, *args), data).status_code == 403, name
    assert bob_client.get(url("settings:member_remove", alice_member.pk)).status_code == 403
    riverton.refresh_from_db()
    assert riverton.name == "Riverton"
    assert Membership.objects.filter(workspace=riverton).count() == 2
    assert Sector.objects.filter(workspace=riverton).count() == 1


def test_an_editor_reads_the_settings_but_gets_403_on_changes(client, riverton, bob_member):
    editor = make_member(riverton, role="editor")
    client.force_login(editor.user)
    assert client.get(url("settings:index")).status_code == 200
    assert (
        client.post(url("settings:member_role", bob_member.pk), {"role": "owner"}).status_code
        == 403
    )
    assert (
        client.post(url("settings:sector_add"), {"key": "arts", "label": "Arts"}).status_code == 403
    )
    bob_member.refresh_from_db()
    assert bob_member.role == Role.VIEWER
    assert not Sector.objects.exists()


def test_another_workspace_gets_404(carol_client, riverton, alice_member):
    assert carol_client.get(url("settings:index")).status_code == 404
    assert carol_client.get(url("settings:member_remove", alice_member.pk)).status_code == 404
    assert carol_client.post(url("settings:member_remove", alice_member.pk)).status_code == 404
    assert (
        carol_client.post(url("settings:workspace"), {"name": "X", "timezone": "UTC"}).status_code
        == 404
    )


def test_logged_out_visitors_are_sent_to_login(client, riverton):
    for response in (
        client.get(url("settings:index")),
        client.post(url("settings:workspace"), {"name": "X", "timezone": "UTC"}),
    ):
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_adding_again_someone_who_never_chose_a_password_sends_a_fresh_link(
    alice_client, riverton, mailoutbox, django_capture_on_commit_callbacks
):
    from cityweave.workspaces.members import add_member_by_email, remove_member

    owner = Membership.objects.get(workspace=riverton, role=Role.OWNER)
    added = add_member_by_email(owner, "late@example.org", "viewer")
    remove_member(owner, added.membership.pk)
    with django_capture_on_commit_callbacks(execute=True):
        alice_client.post(
            url("settings:member_add"), {"email": "late@example.org", "role": "viewer"}
        )
    assert "/accounts/password-reset/" in mailoutbox[-1].body
