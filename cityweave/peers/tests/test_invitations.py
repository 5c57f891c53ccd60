"""Invitations for city officials: a staff editor invites, the email carries a signed link that
works once; accepting signed in, or by choosing a password for a new address, makes the seat;
expired, reused, withdrawn and forged links refused; a viewer or an official cannot invite;
another network's staff finds nothing. Staff see who is active; pages, API and CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import Http404
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cityweave.accounts.models import User
from cityweave.peers import invitations
from cityweave.peers.access import network_member
from cityweave.peers.models import CityOfficial, OfficialInvitation
from cityweave.peers.testing import make_city
from cityweave.peers.tests.conftest import client_for
from cityweave.peers.tests.test_api import api_for, send
from cityweave.peers.tests.test_pages import client_for_user
from cityweave.testing import make_user

PASSWORD = "a long enough passphrase 42"


@pytest.fixture
def invite(ed, chattanooga, mailoutbox, django_capture_on_commit_callbacks):
    """Invite an address to Chattanooga as Ed; the link emailed."""

    def invite(email: str = "mae@chattanooga.example") -> tuple[OfficialInvitation, str]:
        with django_capture_on_commit_callbacks(execute=True):
            invitation = invitations.invite_official(ed, chattanooga, email)
        body = mailoutbox[-1].body
        (link,) = re.findall(r"https?://\S+/networks/join/\S+/", body)
        return invitation, urlsplit(link).path

    return invite


def test_the_email_names_the_city_and_carries_a_link(invite, mailoutbox):
    invitation, path = invite()
    (mail,) = mailoutbox
    assert mail.to == ["mae@chattanooga.example"]
    assert "Chattanooga, TN" in mail.subject and "Mid-Size Cities Network" in mail.body
    assert "works once, for 14 days" in mail.body
    assert path.startswith("/networks/join/")
    assert invitation.status == "pending"


def test_a_new_address_chooses_a_password_and_becomes_an_official(invite, chattanooga):
    _, path = invite()
    client = Client()
    page = client.get(path)
    assert page.status_code == 200 and "Choose your password" in page.text
    response = client.post(
        path, {"name": "Mae Jones", "password": PASSWORD, "password_again": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("peers:city", args=["midsize", chattanooga.pk])
    user = User.objects.get(email="mae@chattanooga.example")
    assert user.name == "Mae Jones" and user.check_password(PASSWORD)
    assert network_member(user, "midsize").city_ids == {chattanooga.pk}
    # Signed in now: the network is theirs to read, their city theirs to edit.
    assert (
        client.get(reverse("peers:city-edit", args=["midsize", chattanooga.pk])).status_code == 200
    )


def test_a_weak_or_mismatched_password_is_named_and_nothing_is_made(invite):
    _, path = invite()
    response = Client().post(path, {"name": "", "password": "123", "password_again": "124"})
    assert response.status_code == 422
    assert "password_again" in response.context["form"].errors
    response = Client().post(path, {"name": "Mae", "password": "123", "password_again": "123"})
    assert response.status_code == 422 and "password" in response.context["form"].errors
    assert not User.objects.filter(email="mae@chattanooga.example").exists()
    assert not CityOfficial.objects.exists()


def test_someone_with_an_account_accepts_signed_in(invite, chattanooga):
    mae = make_user("mae@chattanooga.example", "Mae Jones")
    mae.set_password(PASSWORD)
    mae.save()
    _, path = invite()
    anonymous = Client().get(path)
    assert "Log in as mae@chattanooga.example" in anonymous.text
    assert Client().post(path).status_code == 302  # to the login page
    assert not CityOfficial.objects.exists()
    client = client_for_user(mae)
    assert "Accept" in client.get(path).text
    assert client.post(path).status_code == 302
    assert CityOfficial.objects.filter(city=chattanooga, user=mae).exists()


def test_a_used_link_is_refused(invite):
    _, path = invite()
    client = Client()
    client.post(path, {"name": "Mae", "password": PASSWORD, "password_again": PASSWORD})
    again = Client().get(path)
    assert again.status_code == 410 and "used already" in again.text
    assert client.post(path).status_code == 410
    assert CityOfficial.objects.count() == 1


def test_an_expired_link_is_refused(invite):
    invitation, path = invite()
    OfficialInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    page = Client().get(path)
    assert page.status_code == 410 and "expired" in page.text
    response = Client().post(path, {"name": "M", "password": PASSWORD, "password_again": PASSWORD})
    assert response.status_code == 410
    assert not CityOfficial.objects.exists()


def test_a_forged_or_mangled_link_is_not_found(invite, db):
    invitation, path = invite()
    assert Client().get(path[:-5] + "xxxx/").status_code == 404
    # Signed with another salt (as another kind of link would be), or naming another address.
    other_salt = signing.dumps([invitation.pk, invitation.email], salt="elsewhere", compress=True)
    assert Client().get(reverse("peers:invitation-accept", args=[other_salt])).status_code == 404
    other_email = signing.dumps([invitation.pk, "eve@example.org"], salt=invitations.SALT)
    assert Client().get(reverse("peers:invitation-accept", args=[other_email])).status_code == 404


def test_inviting_again_withdraws_the_earlier_link(invite):
    _, first = invite()
    _, second = invite()
    assert first != second
    assert Client().get(first).status_code == 410
    assert Client().get(second).status_code == 200


def test_someone_else_signed_in_cannot_accept(invite, dayton):
    _, path = invite()
    other = make_user("someone@else.example")
    client = client_for_user(other)
    assert "you are signed in as someone@else.example" in client.get(path).text
    assert client.post(path).status_code == 403
    assert not CityOfficial.objects.exists()


def test_a_viewer_or_an_official_cannot_invite(vera, otis, chattanooga):
    for member in (vera, otis):
        with pytest.raises(PermissionDenied):
            invitations.invite_official(member, chattanooga, "x@example.org")
        response = client_for(member).post(
            reverse("peers:invite", args=["midsize"]),
            {"city": chattanooga.pk, "email": "x@example.org"},
        )
        assert response.status_code == 403
        body = {"city": chattanooga.pk, "email": "x@example.org"}
        api = api_for(member.user)
        path = reverse("api:network_invitations", args=["midsize"])
        assert send(api, "post", path, body).status_code == 403
    assert not OfficialInvitation.objects.exists()


def test_another_networks_invitation_is_not_ours(carol, other_network, invite, ed, chattanooga):
    invitation, _ = invite()
    coastal = network_member(carol, "coastal")
    savannah = make_city(other_network, "Savannah", "GA")
    with pytest.raises(Http404):
        invitations.invite_official(coastal, chattanooga, "x@example.org")
    with pytest.raises(Http404):
        invitations.withdraw(coastal, invitation.pk)
    with pytest.raises(Http404):
        invitations.invite_official(ed, savannah, "x@example.org")
    client = client_for_user(carol)
    assert client.get(reverse("peers:officials", args=["midsize"])).status_code == 404
    own = reverse("peers:invitation-withdraw", args=["coastal", invitation.pk])
    assert client.post(own).status_code == 404
    response = client.post(
        reverse("peers:invite", args=["coastal"]),
        {"city": chattanooga.pk, "email": "x@example.org"},
    )
    assert response.status_code == 422  # not one of Coastal's cities
    assert OfficialInvitation.objects.get(pk=invitation.pk).status == "pending"


def test_bad_addresses_and_officials_already_are_named(ed, otis, chattanooga):
    with pytest.raises(ValidationError) as error:
        invitations.invite_official(ed, chattanooga, "not an address")
    assert list(error.value.message_dict) == ["email"]
    with pytest.raises(ValidationError, match="already"):
        invitations.invite_official(ed, chattanooga, otis.user.email)
    response = client_for(ed).post(
        reverse("peers:invite", args=["midsize"]), {"city": "", "email": "nope"}
    )
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"city", "email"}


# == Who is active ===============================================================================


def test_staff_see_each_citys_officials_last_login_and_open_invitations(
    nadia, vera, otis, invite, dayton
):
    client_for(otis).get("/")  # force_login has set Otis's last login
    invite()
    for member in (nadia, vera):
        page = client_for(member).get(reverse("peers:officials", args=["midsize"]))
        assert page.status_code == 200
        row = page.text.split("Chattanooga, TN</a>")[1].split("</tr>")[0]
        assert "otis@chattanooga.example" in row and "never signed in" not in row
        assert "mae@chattanooga.example" in row
    assert (
        ">Withdraw<" not in client_for(vera).get(reverse("peers:officials", args=["midsize"])).text
    )
    rows = invitations.activity(nadia)
    assert [r.city.name for r in rows] == ["Chattanooga", "Dayton"]
    assert rows[0].last_login is not None and rows[1].officials == []


def test_an_official_does_not_see_who_is_active(otis):
    assert client_for(otis).get(reverse("peers:officials", args=["midsize"])).status_code == 403
    with pytest.raises(PermissionDenied):
        invitations.activity(otis)


def test_staff_withdraw_an_invitation_on_the_page(ed, invite):
    invitation, path = invite()
    response = client_for(ed).post(
        reverse("peers:invitation-withdraw", args=["midsize", invitation.pk])
    )
    assert response.status_code == 302
    assert Client().get(path).status_code == 410


def test_staff_invite_on_the_page(ed, chattanooga, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(ed).post(
            reverse("peers:invite", args=["midsize"]),
            {"city": chattanooga.pk, "email": "Mae@Chattanooga.example"},
        )
    assert response.status_code == 302
    (mail,) = mailoutbox
    assert "http://testserver/networks/join/" in mail.body
    assert OfficialInvitation.objects.get().email == "mae@chattanooga.example"


# == API and CLI =================================================================================


def test_the_api_invites_lists_withdraws_and_reports_activity(
    ed, vera, otis, chattanooga, mailoutbox, django_capture_on_commit_callbacks
):
    api = api_for(ed.user)
    path = reverse("api:network_invitations", args=["midsize"])
    with django_capture_on_commit_callbacks(execute=True):
        response = send(api, "post", path, {"city": chattanooga.pk, "email": "mae@example.org"})
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["status"] == "pending" and created["city_name"] == "Chattanooga, TN"
    assert "link" not in created  # the link goes to the invitee only
    assert len(mailoutbox) == 1
    assert [i["email"] for i in api_for(vera.user).get(path).json()] == ["mae@example.org"]
    assert api_for(otis.user).get(path).status_code == 403
    bad = send(api, "post", path, {"city": 999_999, "email": "x@example.org"})
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "city"
    gone = reverse("api:network_invitations_delete", args=["midsize", created["id"]])
    assert api_for(vera.user).delete(gone).status_code == 403
    assert api.delete(gone).status_code == 204
    assert api.get(path).json() == []
    activity = api.get(reverse("api:network_activity", args=["midsize"])).json()
    assert activity[0]["officials"][0]["email"] == otis.user.email


def test_the_cli_invites_and_lists_activity(
    ed, otis, chattanooga, mailoutbox, django_capture_on_commit_callbacks
):
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "city-network", "invite", "midsize", str(chattanooga.pk), "mae@example.org",
            "--as", ed.user.email, stdout=out,
        )  # fmt: skip
    assert "Invited mae@example.org" in out.getvalue() and len(mailoutbox) == 1
    with pytest.raises(CommandError, match="--as"):
        call_command(
            "city-network", "invite", "midsize", str(chattanooga.pk), "x@example.org",
            "--as", otis.user.email,
        )  # fmt: skip
    out = io.StringIO()
    call_command(
        "city-network", "activity", "midsize", "--as", ed.user.email, "--format", "json", stdout=out
    )
    (row,) = json.loads(out.getvalue())
    assert row["open_invitations"] == 1 and row["officials"][0]["email"] == otis.user.email


def test_inviting_the_same_address_in_any_case_leaves_one_pending(ed, chattanooga, dayton):
    # An invitation stored before addresses were lowercased, then two more in other cases.
    OfficialInvitation.objects.create(
        network=ed.network,
        city=chattanooga,
        email="Mae@Chattanooga.Example",
        invited_by=ed.user,
        expires_at=timezone.now() + dt.timedelta(days=14),
    )
    invitations.invite_official(ed, chattanooga, "MAE@chattanooga.example")
    latest = invitations.invite_official(ed, chattanooga, "mae@CHATTANOOGA.example")
    elsewhere = invitations.invite_official(ed, dayton, "mae@chattanooga.example")
    pending = OfficialInvitation.objects.filter(accepted_at__isnull=True, revoked_at__isnull=True)
    assert set(pending) == {latest, elsewhere}
    assert OfficialInvitation.objects.filter(city=chattanooga).count() == 3
