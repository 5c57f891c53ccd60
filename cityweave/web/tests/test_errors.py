"""Error pages in the app's layout (400, 403, 404, 405, 500, CSRF failure), JSON under /api/, and
logging out from a link."""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from cityweave.stakeholders.models import Stakeholder
from cityweave.testing import make_goal
from cityweave.web import errors


def page_text(response) -> str:
    return response.content.decode()


def test_a_missing_record_in_a_workspace_is_a_404_page_with_the_workspace_menu(alice_client):
    response = alice_client.get("/w/riverton/stakeholders/987654/")
    assert response.status_code == 404
    html = page_text(response)
    assert "Page not found" in html
    assert 'aria-label="Workspace"' in html  # the sidebar: the app's own layout
    assert 'href="/w/riverton/"' in html and "Go to the Riverton dashboard" in html


def test_another_workspaces_address_is_a_404_page_that_names_nothing_of_it(alice_client, carol):
    response = alice_client.get("/w/lakeside/")
    assert response.status_code == 404
    html = page_text(response)
    assert "Page not found" in html and "Lakeside" not in html
    assert "Go to your workspaces" in html


def test_a_404_outside_a_session_points_to_the_start_page(client, db):
    response = client.get("/nowhere/")
    assert response.status_code == 404
    assert "Page not found" in page_text(response)
    assert "Go to cityweave's start page" in page_text(response)


def test_api_errors_stay_json(alice_api):
    response = alice_api.get("/api/v1/nowhere")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_a_viewer_writing_gets_a_403_page_saying_why(bob_client, riverton):
    response = bob_client.get(reverse("stakeholders:new", args=["riverton"]))
    assert response.status_code == 403
    html = page_text(response)
    assert "Not allowed" in html
    assert "Viewers can read this workspace but not change it." in html
    assert 'aria-label="Workspace"' in html


def test_a_get_to_a_post_only_address_is_a_405_page_keeping_allow(alice_client, riverton):
    goal = make_goal(riverton)
    response = alice_client.get(reverse("goals:progress", args=["riverton", goal.pk]))
    assert response.status_code == 405
    assert response["Allow"] == "POST, OPTIONS"
    html = page_text(response)
    assert "This address takes a form, not a visit" in html
    assert "Go to the Riverton dashboard" in html


def test_a_form_sent_to_a_reading_page_is_a_405_page(alice_client, riverton):
    response = alice_client.post(reverse("dashboard", args=["riverton"]))
    assert response.status_code == 405
    html = page_text(response)
    assert "This page takes no form" in html and "nothing was changed" in html


def test_an_htmx_405_stays_bodiless(alice_client, riverton):
    goal = make_goal(riverton)
    response = alice_client.get(
        reverse("goals:progress", args=["riverton", goal.pk]), headers={"HX-Request": "true"}
    )
    assert response.status_code == 405
    assert response.content == b""


def test_a_form_without_its_csrf_token_gets_the_expired_form_page(alice, riverton):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    response = client.post(
        reverse("stakeholders:new", args=["riverton"]), {"name": "Harbour Trust"}
    )
    assert response.status_code == 403
    html = page_text(response)
    assert "The form has expired" in html and "nothing was saved" in html
    assert Stakeholder.objects.filter(workspace=riverton, name="Harbour Trust").count() == 0


def test_a_500_is_a_page_without_the_request(db):
    response = errors.server_error(RequestFactory().get("/w/riverton/"))
    assert response.status_code == 500
    html = page_text(response)
    assert "Something went wrong" in html and "nothing was saved" in html
    assert '<main id="main"' in html
    api = errors.server_error(RequestFactory().get("/api/v1/workspaces"))
    assert api.status_code == 500 and api["Content-Type"] == "application/json"


@override_settings(DEBUG=False)
def test_an_unreadable_request_is_a_400_page(client, db):
    response = errors.bad_request(RequestFactory().get("/"), ValueError("bad"))
    assert response.status_code == 400
    assert "Bad request" in page_text(response)


def test_logging_out_by_a_link_asks_then_logs_out_by_post(alice_client):
    response = alice_client.get(reverse("logout"))
    assert response.status_code == 200
    html = page_text(response)
    assert "Log out of cityweave?" in html
    assert f'action="{reverse("logout")}"' in html and 'method="post"' in html
    assert alice_client.get("/w/riverton/").status_code == 200  # still logged in
    response = alice_client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert alice_client.get("/w/riverton/").status_code == 302  # now logged out


def test_logging_out_by_a_link_when_logged_out_goes_to_log_in(client, db):
    response = client.get(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")


@pytest.mark.parametrize("path", ["/w/riverton/stakeholders/987654/", "/nowhere/"])
def test_error_pages_keep_the_content_security_policy(alice_client, path):
    assert "Content-Security-Policy" in alice_client.get(path)
