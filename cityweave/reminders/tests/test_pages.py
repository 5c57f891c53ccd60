"""The notifications page, the bell and the unsubscribe link: scoped, personal, never a 500."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from cityweave.engagement.services import workspace_today
from cityweave.reminders import services
from cityweave.reminders.models import DigestPreference, Notification
from cityweave.testing import make_commitment, make_stakeholder

pytestmark = pytest.mark.django_db

PAGE = "/w/riverton/notifications/"
BELL = "/w/riverton/notifications/bell/"


@pytest.fixture
def overdue(riverton, alice_member):
    funder = make_stakeholder(riverton, "Riverton Community Foundation")
    return make_commitment(
        funder,
        workspace_today(riverton) - dt.timedelta(days=2),
        owner=alice_member,
        description="Send the budget",
    )


def test_the_page_lists_what_needs_attention(alice_client, overdue):
    page = alice_client.get(PAGE)
    assert page.status_code == 200
    assert "Send the budget (for Riverton Community Foundation): overdue since" in page.text
    assert f'href="/w/riverton/commitments/{overdue.pk}/"' in page.text


def test_the_bell_counts_unread_and_costs_two_queries(
    alice_client, overdue, django_assert_max_num_queries
):
    alice_client.get(PAGE)
    with django_assert_max_num_queries(5):  # session, user, membership, count (+ savepoint-free)
        bell = alice_client.get(BELL)
    assert '<span class="count">1</span>' in bell.text
    assert "unread" in bell.text


def test_every_page_loads_the_bell(alice_client, overdue):
    dashboard = alice_client.get("/w/riverton/")
    assert f'hx-get="{BELL}"' in dashboard.text


def test_marking_read_and_all_read(alice_client, alice_member, overdue):
    alice_client.get(PAGE)
    row = Notification.objects.get()
    response = alice_client.post(PAGE, {"action": "read", "id": row.pk})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.read_at is not None
    assert "Mark all" not in alice_client.get(PAGE).text


def test_bad_input_is_a_400_naming_the_field(alice_client, overdue):
    assert alice_client.post(PAGE, {"action": "read", "id": "x"}).status_code == 400
    assert (
        alice_client.post(PAGE, {"action": "read", "id": "99999999999999999999"}).status_code == 400
    )
    refused = alice_client.post(PAGE, {"action": "frequency", "frequency": "hourly"})
    assert refused.status_code == 400
    assert "frequency" in refused.text
    assert alice_client.post(PAGE, {"action": "explode"}).status_code == 400


def test_a_viewer_keeps_their_own_notifications(bob_client, bob_member):
    response = bob_client.post(PAGE, {"action": "frequency", "frequency": "daily"})
    assert response.status_code == 302
    assert DigestPreference.objects.get(member=bob_member).frequency == "daily"
    assert bob_client.post(PAGE, {"action": "read-all"}).status_code == 302


def test_another_workspace_answers_404(carol_client, overdue):
    assert carol_client.get(PAGE).status_code == 404
    assert carol_client.get(BELL).status_code == 404
    assert carol_client.post(PAGE, {"action": "read-all"}).status_code == 404


def test_another_members_notification_cannot_be_marked(alice_client, bob_client, overdue):
    alice_client.get(PAGE)
    row = Notification.objects.get()
    bob_client.post(PAGE, {"action": "read", "id": row.pk})
    row.refresh_from_db()
    assert row.read_at is None


def test_logged_out_goes_to_login(overdue):
    response = Client().get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_unsubscribe_asks_then_stops_the_digest(alice_member):
    token = services.unsubscribe_token(alice_member)
    url = f"/unsubscribe/{token}/"
    asking = Client().get(url)
    assert asking.status_code == 200 and "Stop the digest" in asking.text
    # The mail client's one-click POST carries no CSRF token and no session.
    done = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "No more digests" in done.text
    assert DigestPreference.objects.get(member=alice_member).frequency == "never"


def test_a_forged_unsubscribe_token_is_a_404(alice_member):
    token = services.unsubscribe_token(alice_member)
    assert Client().get(f"/unsubscribe/{token}x/").status_code == 404
    assert Client().post(f"/unsubscribe/{token[:-2]}/").status_code == 404
    assert not DigestPreference.objects.filter(frequency="never").exists()
