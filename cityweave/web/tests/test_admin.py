"""The Django admin: open to owners (scoped to the workspaces they own) and superusers, no one else."""

from __future__ import annotations

import pytest
from django.test import Client

from cityweave.accounts.models import ApiToken, User
from cityweave.engagement.models import Interaction
from cityweave.stakeholders.models import Stakeholder, Tie
from cityweave.testing import make_interaction, make_member, make_stakeholder, make_user
from cityweave.workspaces.models import Membership, Role

pytestmark = pytest.mark.django_db


def admin_url(model: str, *parts: object) -> str:
    app = {
        "stakeholder": "stakeholders",
        "tie": "stakeholders",
        "interaction": "engagement",
        "membership": "workspaces",
        "workspace": "workspaces",
        "user": "accounts",
        "apitoken": "accounts",
        "goal": "goals",
    }[model]
    rest = "".join(f"{p}/" for p in parts)
    return f"/admin/{app}/{model}/{rest}"


@pytest.fixture
def two_cities(riverton, lakeside, alice, carol) -> tuple[Stakeholder, Stakeholder]:
    return make_stakeholder(riverton, "Riverton Bank"), make_stakeholder(lakeside, "Lakeside Bank")


def stakeholder_form(workspace_id: int, name: str) -> dict[str, object]:
    return {
        "workspace": workspace_id,
        "kind": "organisation",
        "name": name,
        "sector": "business",
        "level": "local",
        "offers": "[]",
    }


def test_an_owner_sees_only_rows_of_the_workspaces_she_owns(alice_client, two_cities):
    response = alice_client.get(admin_url("stakeholder"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Riverton Bank" in content
    assert "Lakeside Bank" not in content
    assert alice_client.get(admin_url("stakeholder", two_cities[0].pk, "change")).status_code == 200


def test_a_row_of_another_workspace_is_404_for_an_owner(alice_client, two_cities):
    lakeside_bank = two_cities[1]
    for page in ("change", "delete", "history"):
        assert alice_client.get(admin_url("stakeholder", lakeside_bank.pk, page)).status_code == 404
    response = alice_client.post(
        admin_url("stakeholder", lakeside_bank.pk, "change"),
        stakeholder_form(lakeside_bank.workspace_id, "Taken over"),
    )
    assert response.status_code == 404
    assert (
        alice_client.post(
            admin_url("stakeholder", lakeside_bank.pk, "delete"), {"post": "yes"}
        ).status_code
        == 404
    )
    lakeside_bank.refresh_from_db()
    assert lakeside_bank.name == "Lakeside Bank"


def test_an_owner_edits_and_adds_records_in_her_workspace(alice_client, riverton, two_cities):
    riverton_bank = two_cities[0]
    edited = alice_client.post(
        admin_url("stakeholder", riverton_bank.pk, "change"),
        stakeholder_form(riverton.pk, "Riverton Savings Bank"),
    )
    assert edited.status_code == 302
    riverton_bank.refresh_from_db()
    assert riverton_bank.name == "Riverton Savings Bank"
    added = alice_client.post(
        admin_url("stakeholder", "add"), stakeholder_form(riverton.pk, "Mill Co")
    )
    assert added.status_code == 302
    assert Stakeholder.objects.get(name="Mill Co").workspace == riverton


def test_an_owner_cannot_add_a_record_to_a_workspace_she_does_not_own(
    alice_client, lakeside, two_cities
):
    response = alice_client.post(
        admin_url("stakeholder", "add"), stakeholder_form(lakeside.pk, "Planted")
    )
    assert response.status_code == 200
    assert "workspace" in response.context["adminform"].form.errors
    assert not Stakeholder.objects.filter(name="Planted").exists()


def test_related_choices_come_only_from_owned_workspaces(alice_client, riverton, two_cities):
    riverton_bank, lakeside_bank = two_cities
    search = alice_client.get(
        "/admin/autocomplete/",
        {"app_label": "stakeholders", "model_name": "tie", "field_name": "source", "term": "Bank"},
    )
    assert [r["text"] for r in search.json()["results"]] == ["Riverton Bank"]
    response = alice_client.post(
        admin_url("tie", "add"),
        {
            "workspace": riverton.pk,
            "source": riverton_bank.pk,
            "target": lakeside_bank.pk,
            "kind": "partner",
            "status": "active",
            "roles": "[]",
        },
    )
    assert response.status_code == 200
    assert "target" in response.context["adminform"].form.errors
    assert not Tie.objects.exists()


def test_a_superuser_sees_every_workspace(two_cities):
    root = make_user("root@example.org")
    User.objects.filter(pk=root.pk).update(is_superuser=True)
    client = Client()
    client.force_login(User.objects.get(pk=root.pk))
    content = client.get(admin_url("stakeholder")).content.decode()
    assert "Riverton Bank" in content and "Lakeside Bank" in content
    assert client.get(admin_url("user")).status_code == 200


def test_owners_see_neither_users_nor_tokens(alice_client, alice, carol):
    ApiToken.issue(carol, "carols laptop")
    index = alice_client.get("/admin/").content.decode()
    assert "/admin/accounts/" not in index
    assert alice_client.get(admin_url("user")).status_code == 403
    assert alice_client.get(admin_url("user", carol.pk, "change")).status_code == 403
    assert alice_client.get(admin_url("apitoken")).status_code == 403


def test_membership_user_choices_leave_out_people_of_other_workspaces(alice_client, bob, carol):
    content = alice_client.get(admin_url("membership", "add")).content.decode()
    assert "Bob Okafor" in content
    assert "Carol Lind" not in content


def test_the_last_owner_keeps_the_owner_role_in_the_admin(alice_client, alice_member):
    response = alice_client.post(
        admin_url("membership", alice_member.pk, "change"), {"role": "viewer"}
    )
    assert response.status_code == 200
    assert "role" in response.context["adminform"].form.errors
    assert alice_client.get(admin_url("membership", alice_member.pk, "delete")).status_code == 403
    alice_member.refresh_from_db()
    assert alice_member.role == Role.OWNER


def test_other_peoples_private_interactions_stay_hidden(alice_client, riverton, bob_member):
    secret = make_interaction(
        riverton, [], summary="Bob's private note", private=True, author=bob_member
    )
    make_interaction(riverton, [], summary="Open meeting notes")
    content = alice_client.get(admin_url("interaction")).content.decode()
    assert "Open meeting notes" in content
    assert "Bob&#x27;s private note" not in content
    assert alice_client.get(admin_url("interaction", secret.pk, "change")).status_code == 404
    assert Interaction.objects.filter(pk=secret.pk).exists()


def test_an_owner_renames_her_workspace_but_cannot_add_or_delete_one(alice_client, riverton):
    response = alice_client.post(
        admin_url("workspace", riverton.pk, "change"),
        {"name": "City of Riverton", "timezone": "UTC"},
    )
    assert response.status_code == 302
    riverton.refresh_from_db()
    assert (riverton.name, riverton.slug) == ("City of Riverton", "riverton")
    assert alice_client.get(admin_url("workspace", "add")).status_code == 403
    assert alice_client.get(admin_url("workspace", riverton.pk, "delete")).status_code == 403


def test_a_viewer_cannot_open_the_admin(bob_client):
    response = bob_client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert bob_client.get(admin_url("stakeholder"), follow=True).status_code == 403


def test_an_editor_cannot_open_the_admin(client, riverton):
    client.force_login(make_member(riverton, role="editor").user)
    assert client.get("/admin/", follow=True).status_code == 403


def test_logged_out_visitors_log_in_on_cityweaves_own_page(client):
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == "/accounts/login/?next=/admin/"


def test_the_admin_login_page_sends_owners_on_and_refuses_other_sites(alice_client):
    assert (
        alice_client.get("/admin/login/", {"next": "/admin/goals/goal/"})["Location"]
        == "/admin/goals/goal/"
    )
    assert (
        alice_client.get("/admin/login/", {"next": "https://evil.example/"})["Location"]
        == "/admin/"
    )


def test_an_owner_of_two_workspaces_sees_both(alice_client, alice, lakeside, two_cities):
    make_member(lakeside, alice, "owner")
    content = alice_client.get(admin_url("stakeholder")).content.decode()
    assert "Riverton Bank" in content and "Lakeside Bank" in content
    assert Membership.objects.filter(user=alice, role=Role.OWNER).count() == 2


def test_every_admin_list_and_add_page_an_owner_may_use_renders(alice_client, alice, two_cities):
    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().get("/admin/")
    request.user = alice
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        if model_admin.has_view_permission(request):
            assert alice_client.get(base).status_code == 200, base
        if model_admin.has_add_permission(request):
            assert alice_client.get(f"{base}add/").status_code == 200, base
