"""The notifications API: the caller's own, scoped, with viewers keeping their own."""

from __future__ import annotations

import datetime as dt

import pytest

from cityweave.engagement.services import workspace_today
from cityweave.reminders.models import DigestPreference, Notification
from cityweave.testing import make_commitment, make_stakeholder

pytestmark = pytest.mark.django_db
LIST = "/api/v1/workspaces/riverton/notifications"


@pytest.fixture
def overdue(riverton, alice_member):
    return make_commitment(
        make_stakeholder(riverton, "Harbor Bank"),
        workspace_today(riverton) - dt.timedelta(days=1),
        owner=alice_member,
        description="Send the lease",
    )


def test_it_lists_the_callers_notifications(alice_api, overdue):
    body = alice_api.get(LIST).json()
    assert body["count"] == 1
    (item,) = body["items"]
    assert item["kind"] == "commitment" and item["object_id"] == overdue.pk
    assert item["state"] == "overdue" and item["read_at"] is None
    assert item["title"].startswith("Send the lease (for Harbor Bank): overdue since")


def test_marking_read_by_id_and_all(alice_api, overdue):
    alice_api.get(LIST)
    row = Notification.objects.get()
    marked = alice_api.post(f"{LIST}/read", {"ids": [row.pk]}, content_type="application/json")
    assert marked.status_code == 200 and marked.json() == {"marked": 1}
    again = alice_api.post(f"{LIST}/read", {}, content_type="application/json")
    assert again.json() == {"marked": 0}


def test_bad_ids_are_a_422_naming_the_field(alice_api, overdue):
    refused = alice_api.post(f"{LIST}/read", {"ids": ["1"]}, content_type="application/json")
    assert refused.status_code == 422
    assert "ids" in refused.text


def test_a_viewer_sets_their_own_digest(bob_api, bob_member):
    answer = bob_api.put(f"{LIST}/digest", {"frequency": "daily"}, content_type="application/json")
    assert answer.status_code == 200 and answer.json() == {"frequency": "daily"}
    assert DigestPreference.objects.get(member=bob_member).frequency == "daily"
    refused = bob_api.put(
        f"{LIST}/digest", {"frequency": "hourly"}, content_type="application/json"
    )
    assert refused.status_code == 422


def test_a_viewer_still_cannot_change_the_workspace(bob_api):
    refused = bob_api.post(
        "/api/v1/workspaces/riverton/goals", {"statement": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403


def test_another_workspace_answers_404(carol_api, overdue):
    assert carol_api.get(LIST).status_code == 404
    assert carol_api.post(f"{LIST}/read", {}, content_type="application/json").status_code == 404
    digest = carol_api.put(
        f"{LIST}/digest", {"frequency": "never"}, content_type="application/json"
    )
    assert digest.status_code == 404
