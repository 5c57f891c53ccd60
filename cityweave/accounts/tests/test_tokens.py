"""An API token's "last used" note never makes a read wait or fail."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.db.models import QuerySet

from cityweave.accounts.models import ApiToken
from cityweave.testing import make_user

pytestmark = pytest.mark.django_db


def test_a_busy_database_skips_the_last_used_note_and_the_read_goes_on(monkeypatch):
    user = make_user("analyst@riverton.example")
    token, raw = ApiToken.issue(user, "reports")

    def locked(self: QuerySet, **fields: object) -> int:
        raise OperationalError("database is locked")

    monkeypatch.setattr(QuerySet, "update", locked)
    assert ApiToken.authenticate(raw) == user
    monkeypatch.undo()
    token.refresh_from_db()
    assert token.last_used_at is None  # noted next time
    assert ApiToken.authenticate(raw) == user
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_any_other_database_error_is_not_hidden(monkeypatch):
    user = make_user("analyst@riverton.example")
    _, raw = ApiToken.issue(user, "reports")

    def broken(self: QuerySet, **fields: object) -> int:
        raise OperationalError("no such column: last_used_at")

    monkeypatch.setattr(QuerySet, "update", broken)
    with pytest.raises(OperationalError):
        ApiToken.authenticate(raw)
