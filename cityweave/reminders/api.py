"""JSON API for a member's notifications under /api/v1/workspaces/{slug}/notifications.

A member's notifications and digest rhythm are their own: any member, viewers included, may mark
theirs read and choose how often the digest comes (`cityweave.api.PERSONAL_ROUTES`).

No `from __future__ import annotations` here: django-ninja reads the annotations at import time.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from cityweave.reminders import services
from cityweave.reminders.models import DigestFrequency
from cityweave.workspaces.api import Id, ListPagination, api_member

router = Router()


class NotificationOut(Schema):
    """Something that needs the member's attention: `kind` commitment, tie or goal; `state`
    overdue, due-soon, cold, deadline-soon or deadline-passed; `url` the record's page."""

    id: int
    kind: str
    object_id: int
    state: str
    title: str
    url: str
    on: dt.date | None
    created_at: dt.datetime
    read_at: dt.datetime | None
    emailed_at: dt.datetime | None


class ReadIn(Schema):
    """The notifications to mark read; all of the member's when `ids` is null or left out."""

    ids: list[Id] | None = Field(default=None, max_length=500)


class ReadOut(Schema):
    marked: int


class DigestIn(Schema):
    frequency: DigestFrequency


class DigestOut(Schema):
    frequency: DigestFrequency


@router.get(
    "/{slug}/notifications",
    response=list[NotificationOut],
    tags=["notifications"],
    url_name="notifications_list",
)
@paginate(ListPagination)
def list_notifications(request: HttpRequest, slug: str) -> Any:
    """The caller's notifications that need attention now (brought up to date first), unread
    first, then by date; paginated with `limit` and `offset`."""
    member = api_member(request, slug)
    services.refresh_notifications(member.workspace)
    return services.notifications_of(member)


@router.post(
    "/{slug}/notifications/read",
    response=ReadOut,
    tags=["notifications"],
    url_name="notifications_read",
)
def mark_notifications_read(request: HttpRequest, slug: str, payload: ReadIn) -> dict[str, int]:
    """Mark the caller's notifications read; ids of others' notifications are ignored."""
    member = api_member(request, slug)
    return {"marked": services.mark_read(member, payload.ids)}


@router.put(
    "/{slug}/notifications/digest",
    response=DigestOut,
    tags=["notifications"],
    url_name="notifications_digest",
)
def set_digest(request: HttpRequest, slug: str, payload: DigestIn) -> dict[str, str]:
    """Choose how often the caller gets the email digest: daily, weekly or never."""
    member = api_member(request, slug)
    return {"frequency": services.set_frequency(member, payload.frequency).frequency}
