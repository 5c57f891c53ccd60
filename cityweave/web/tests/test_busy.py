"""A database too busy for a write answers 503 with Retry-After and saves nothing, never a 500."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.utils import OperationalError
from django.urls import reverse

from cityweave.stakeholders import services as stakeholder_services
from cityweave.stakeholders.models import Stakeholder
from cityweave.web.busy import is_busy

pytestmark = pytest.mark.django_db


@pytest.fixture
def locked(monkeypatch):
    """The stakeholder service writes, then finds the database locked within its transaction, as
    SQLite reports a write that waited out its busy timeout."""
    real = stakeholder_services.save_stakeholder

    def save_then_lock(*args, **kwargs):
        with transaction.atomic():
            real(*args, **kwargs)
            raise OperationalError("database is locked")

    monkeypatch.setattr(stakeholder_services, "save_stakeholder", save_then_lock)


def test_a_page_answers_503_with_retry_after(alice_client, riverton, locked):
    response = alice_client.post(
        reverse("stakeholders:new", args=["riverton"]),
        {
            "kind": "organisation",
            "name": "Riverton Rowing Club",
            "sector": "community-group",
            "level": "local",
        },
    )
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "try again" in response.content.decode().lower()


def test_the_api_answers_503_with_retry_after_in_json(alice_api, riverton, locked):
    response = alice_api.post(
        reverse("api:stakeholders_create", args=["riverton"]),
        {"kind": "organisation", "name": "Riverton Rowing Club", "sector": "community-group"},
        content_type="application/json",
    )
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "try again" in response.json()["detail"].lower()


def test_nothing_half_written_stays(alice_api, riverton, locked):
    alice_api.post(
        reverse("api:stakeholders_create", args=["riverton"]),
        {"kind": "organisation", "name": "Riverton Rowing Club", "sector": "community-group"},
        content_type="application/json",
    )
    assert not Stakeholder.all_objects.filter(name="Riverton Rowing Club").exists()


def test_other_database_errors_are_not_called_busy():
    assert is_busy(OperationalError("database is locked"))
    assert is_busy(OperationalError("deadlock detected\nDETAIL: ..."))
    assert not is_busy(OperationalError("no such table: stakeholders_stakeholder"))
    assert not is_busy(ValueError("database is locked"))
