"""The account page: name and email, workspaces and roles, personal API tokens."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cityweave.accounts.models import ApiToken
from cityweave.testing import make_member

pytestmark = pytest.mark.django_db

ACCOUNT = reverse("account:index")
CREATE = reverse("account:token_create")


def test_it_shows_the_users_name_email_workspaces_and_roles(alice_client, alice, lakeside):
    make_member(lakeside, alice, "viewer")
    response = alice_client.get(ACCOUNT)
    content = response.content.decode()
    assert response.status_code == 200
    assert "alice@riverton.example" in content
    assert "Alice Reyes" in content
    assert "Riverton" in content and "Owner" in content
    assert "Lakeside" in content and "Viewer" in content


def test_it_lists_only_the_users_own_tokens(alice_client, alice, carol):
    mine, _ = ApiToken.issue(alice, "reporting script")
    ApiToken.issue(carol, "carols laptop")
    content = alice_client.get(ACCOUNT).content.decode()
    assert "reporting script" in content
    assert mine.hint in content
    assert "never" in content
    assert "carols laptop" not in content


def test_creating_a_token_shows_it_once_with_a_curl_example(alice_client, alice):
    response = alice_client.post(CREATE, {"name": "reporting script"})

    assert response.status_code == 200
    raw = response.context["new_token"][1]
    content = response.content.decode()
    assert raw.startswith("cw_") and raw in content
    assert f'curl -H "Authorization: Bearer {raw}" http://testserver/api/v1/workspaces' in content
    assert "no-store" in response["Cache-Control"]
    token = ApiToken.objects.get(user=alice)
    assert token.name == "reporting script"
    assert raw not in alice_client.get(ACCOUNT).content.decode()

    api = Client(headers={"Authorization": f"Bearer {raw}"})
    workspaces = api.get("/api/v1/workspaces").json()
    assert [w["slug"] for w in workspaces] == ["riverton"]


def test_a_token_needs_a_name(alice_client, alice):
    response = alice_client.post(CREATE, {"name": "  "})
    assert response.status_code == 422
    assert "name" in response.context["token_form"].errors
    assert not ApiToken.objects.filter(user=alice).exists()


def test_a_token_name_longer_than_allowed_names_the_field(alice_client, alice):
    response = alice_client.post(CREATE, {"name": "x" * 101})
    assert response.status_code == 422
    assert "name" in response.context["token_form"].errors
    assert not ApiToken.objects.filter(user=alice).exists()


def test_revoking_a_token_stops_it_working_and_the_api_says_so(alice_client, alice):
    token, raw = ApiToken.issue(alice, "old laptop")
    response = alice_client.post(reverse("account:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    page = alice_client.get(reverse("account:index")).content.decode()
    assert "Revoked the token “old laptop”" in page and "<td>old laptop</td>" not in page
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    refused = api.get("/api/v1/workspaces")
    assert refused.status_code == 401
    assert refused.json()["detail"].startswith("This token was revoked on")


def test_an_expired_token_is_refused_saying_so(alice):
    token, raw = ApiToken.issue(alice, "conference demo", dt.timedelta(days=30))
    api = Client(headers={"Authorization": f"Bearer {raw}"})
    assert api.get("/api/v1/workspaces").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    refused = api.get("/api/v1/workspaces")
    assert refused.status_code == 401 and "expired" in refused.json()["detail"]


def test_a_token_can_be_made_to_expire(alice_client, alice):
    alice_client.post(CREATE, {"name": "intern's script", "expires": "90"})
    token = ApiToken.objects.get(user=alice)
    assert token.expires_at is not None
    days = (token.expires_at - timezone.now()).days
    assert 89 <= days <= 90


def test_someone_elses_token_cannot_be_revoked(carol_client, alice):
    token, _ = ApiToken.issue(alice, "reporting script")
    response = carol_client.post(reverse("account:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    assert ApiToken.objects.filter(pk=token.pk).exists()


def test_revoking_asks_first(alice_client, alice):
    token, raw = ApiToken.issue(alice, "reporting script")
    page = alice_client.get(reverse("account:token_revoke", args=[token.pk]))
    assert (
        page.status_code == 200 and "Revoke the token “reporting script”?" in page.content.decode()
    )
    assert ApiToken.authenticate(raw) == alice


def test_it_changes_the_users_name(alice_client, alice):
    response = alice_client.post(reverse("account:profile"), {"name": "Alice Reyes-Okafor"})
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.name == "Alice Reyes-Okafor"


def test_a_name_too_long_is_refused_naming_the_field(alice_client, alice):
    response = alice_client.post(reverse("account:profile"), {"name": "x" * 201})
    assert response.status_code == 422
    assert "name" in response.context["profile_form"].errors
    alice.refresh_from_db()
    assert alice.name == "Alice Reyes"


def test_a_viewer_manages_their_own_tokens_too(bob_client, bob):
    assert bob_client.post(CREATE, {"name": "bobs script"}).status_code == 200
    assert ApiToken.objects.filter(user=bob, name="bobs script").exists()


def test_logged_out_visitors_are_sent_to_login(client, alice):
    token, _ = ApiToken.issue(alice, "reporting script")
    for response in (
        client.get(ACCOUNT),
        client.post(CREATE, {"name": "sneaky"}),
        client.post(reverse("account:token_revoke", args=[token.pk])),
        client.post(reverse("account:profile"), {"name": "sneaky"}),
    ):
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    assert ApiToken.objects.filter(user=alice).count() == 1
