"""JSON API for stakeholders under /api/v1/workspaces/{slug}/stakeholders.

No `from __future__ import annotations` here: django-ninja reads the annotations at import time.
"""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status
from pydantic import Field

from cityweave.stakeholders import services
from cityweave.stakeholders.models import Stakeholder
from cityweave.workspaces.api import api_member

router = Router()


class StakeholderIn(Schema):
    """A new stakeholder. `sector` is a sector key; `organisations` are stakeholder ids."""

    name: str = Field(min_length=1, max_length=200)
    sector: str
    kind: Stakeholder.Kind = Stakeholder.Kind.ORGANISATION
    level: Stakeholder.Level = Stakeholder.Level.LOCAL
    is_internal: bool = False
    title: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    address: str = ""
    area: str = ""
    influence: int | None = Field(default=None, ge=1, le=5)
    interest: int | None = Field(default=None, ge=1, le=5)
    stance: Stakeholder.Stance | None = None
    notes: str = ""
    offers: list[str] = []
    tags: list[str] = []
    organisations: list[int] = []


class StakeholderPatch(Schema):
    """Fields to change on a stakeholder; omitted fields stay as they are."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    sector: str | None = None
    kind: Stakeholder.Kind | None = None
    level: Stakeholder.Level | None = None
    is_internal: bool | None = None
    title: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    address: str | None = None
    area: str | None = None
    influence: int | None = Field(default=None, ge=1, le=5)
    interest: int | None = Field(default=None, ge=1, le=5)
    stance: Stakeholder.Stance | None = None
    notes: str | None = None
    offers: list[str] | None = None
    tags: list[str] | None = None
    organisations: list[int] | None = None


class StakeholderOut(Schema):
    """A stakeholder as the API returns it."""

    id: int
    uid: str
    name: str
    kind: str
    sector: str
    sector_label: str
    level: str
    is_internal: bool
    title: str
    email: str
    phone: str
    website: str
    address: str
    area: str
    influence: int | None
    interest: int | None
    stance: str
    notes: str
    offers: list[str]
    tags: list[str]
    organisations: list[int]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_uid(obj: Stakeholder) -> str:
        return str(obj.uid)

    @staticmethod
    def resolve_tags(obj: Stakeholder) -> list[str]:
        return [t.name for t in obj.tags.all()]

    @staticmethod
    def resolve_organisations(obj: Stakeholder) -> list[int]:
        return [o.pk for o in obj.organisations.all()]


class StakeholderFilters(Schema):
    """Query filters for the stakeholder list."""

    q: str | None = Field(default=None, description="Search in name, title, email and area.")
    sector: str | None = None
    kind: Stakeholder.Kind | None = None
    stance: Stakeholder.Stance | None = None
    tag: str | None = None


@router.get(
    "/{slug}/stakeholders",
    response=list[StakeholderOut],
    tags=["stakeholders"],
    url_name="stakeholders_list",
)
@paginate(LimitOffsetPagination)
def list_stakeholders(request: HttpRequest, slug: str, filters: Query[StakeholderFilters]) -> Any:
    """The workspace's stakeholders, by name; paginated with `limit` and `offset`."""
    member = api_member(request, slug)
    queryset = services.stakeholders(member).prefetch_related("tags", "organisations")
    if filters.q:
        from django.db.models import Q

        q = filters.q
        queryset = queryset.filter(
            Q(name__icontains=q)
            | Q(title__icontains=q)
            | Q(email__icontains=q)
            | Q(area__icontains=q)
        )
    for name in ("sector", "kind", "stance"):
        value = getattr(filters, name)
        if value:
            queryset = queryset.filter(**{name: value})
    if filters.tag:
        queryset = queryset.filter(tags__name=filters.tag)
    return queryset.order_by("name", "pk").distinct()


@router.post(
    "/{slug}/stakeholders",
    response={201: StakeholderOut},
    tags=["stakeholders"],
    url_name="stakeholders_create",
)
def create_stakeholder(
    request: HttpRequest, slug: str, payload: StakeholderIn
) -> Status[Stakeholder]:
    """Add a stakeholder."""
    member = api_member(request, slug, write=True)
    data = payload.dict()
    data["stance"] = data["stance"] or ""
    return Status(201, services.save_stakeholder(member, data))


@router.get(
    "/{slug}/stakeholders/{int:stakeholder_id}",
    response=StakeholderOut,
    tags=["stakeholders"],
    url_name="stakeholders_detail",
)
def get_stakeholder(request: HttpRequest, slug: str, stakeholder_id: int) -> Stakeholder:
    """One stakeholder."""
    return services.get_stakeholder(api_member(request, slug), stakeholder_id)


@router.patch(
    "/{slug}/stakeholders/{int:stakeholder_id}",
    response=StakeholderOut,
    tags=["stakeholders"],
    url_name="stakeholders_update",
)
def update_stakeholder(
    request: HttpRequest, slug: str, stakeholder_id: int, payload: StakeholderPatch
) -> Stakeholder:
    """Change some fields of a stakeholder."""
    member = api_member(request, slug, write=True)
    stakeholder = services.get_stakeholder(member, stakeholder_id)
    data = payload.dict(exclude_unset=True)
    if "stance" in data:
        data["stance"] = data["stance"] or ""
    return services.save_stakeholder(member, data, stakeholder)


@router.delete(
    "/{slug}/stakeholders/{int:stakeholder_id}",
    response={204: None},
    tags=["stakeholders"],
    url_name="stakeholders_delete",
)
def delete_stakeholder(request: HttpRequest, slug: str, stakeholder_id: int) -> Status[None]:
    """Move a stakeholder, its ties and commitments to the trash (an owner can restore them)."""
    member = api_member(request, slug, write=True)
    services.trash_stakeholder(member, services.get_stakeholder(member, stakeholder_id))
    return Status(204, None)
