"""JSON API for stakeholders and ties under /api/v1/workspaces/{slug}/stakeholders and …/ties.

No `from __future__ import annotations` here: django-ninja reads the annotations at import time.
"""

import dataclasses
import datetime as dt
from typing import Any, ClassVar, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from cityweave.engagement.health import TieHealth, as_seen_by, tie_health
from cityweave.engagement.services import trash_stakeholder
from cityweave.stakeholders import filters as list_filters
from cityweave.stakeholders import services
from cityweave.stakeholders.models import MAX_CADENCE_DAYS, Stakeholder, Tie, label_sectors
from cityweave.storable import TEXT_MAX_LENGTH
from cityweave.web.filtering import apply
from cityweave.workspaces.api import Id, ListPagination, PatchSchema, QueryId, Whole, api_member
from cityweave.workspaces.models import Membership, listed

router = Router()


class StakeholderIn(Schema):
    """A new stakeholder. `sector` is a sector key; `organisations` are stakeholder ids."""

    name: str = Field(min_length=1, max_length=200)
    sector: str
    kind: Stakeholder.StakeholderKind = Stakeholder.StakeholderKind.ORGANISATION
    level: Stakeholder.StakeholderLevel = Stakeholder.StakeholderLevel.LOCAL
    is_internal: bool = False
    title: str = ""
    email: str = ""
    phone: str = ""
    website: str = ""
    address: str = ""
    area: str = ""
    influence: Whole | None = Field(default=None, ge=1, le=5)
    interest: Whole | None = Field(default=None, ge=1, le=5)
    stance: Stakeholder.StakeholderStance | None = None
    notes: str = Field(default="", max_length=TEXT_MAX_LENGTH)
    offers: list[str] = []
    tags: list[str] = []
    organisations: list[Id] = []
    given_name: str = Field(
        default="", max_length=100, description="For a person; read from the name when empty."
    )
    family_name: str = Field(
        default="",
        max_length=100,
        description="For a person: lists sort by it; read from the name when empty.",
    )
    allow_duplicate: bool = Field(
        default=False,
        description="Save even when the workspace has probable duplicates (otherwise: 409).",
    )


class StakeholderPatch(PatchSchema):
    """Fields to change on a stakeholder; omitted fields stay as they are."""

    Creates: ClassVar[type[Schema]] = StakeholderIn

    name: str | None = Field(default=None, min_length=1, max_length=200)
    sector: str | None = None
    kind: Stakeholder.StakeholderKind | None = None
    level: Stakeholder.StakeholderLevel | None = None
    is_internal: bool | None = None
    title: str | None = None
    email: str | None = None
    phone: str | None = None
    website: str | None = None
    address: str | None = None
    area: str | None = None
    influence: Whole | None = Field(default=None, ge=1, le=5)
    interest: Whole | None = Field(default=None, ge=1, le=5)
    stance: Stakeholder.StakeholderStance | None = None
    notes: str | None = Field(default=None, max_length=TEXT_MAX_LENGTH)
    offers: list[str] | None = None
    tags: list[str] | None = None
    organisations: list[Id] | None = None
    given_name: str | None = Field(default=None, max_length=100)
    family_name: str | None = Field(default=None, max_length=100)
    allow_duplicate: bool | None = Field(
        default=None,
        description="Save a new name, kind or email even when it has probable duplicates "
        "(otherwise: 409).",
    )


class DuplicateOut(Schema):
    """A stakeholder that may be the same as the one being saved."""

    id: int
    name: str
    email: str
    reason: Literal["email", "name", "similar name"]
    score: int = Field(description="How alike the two names are, 0-100.")
    url: str


class DuplicatesOut(Schema):
    """Nothing was saved: the workspace has probable duplicates. Send `allow_duplicate: true` to
    save anyway, or merge them."""

    detail: str
    duplicates: list[DuplicateOut]


class StakeholderOut(Schema):
    """A stakeholder as the API returns it."""

    id: int
    uid: str
    name: str
    kind: str
    given_name: str
    family_name: str
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
        return [t.name for t in obj.related("tags")]

    @staticmethod
    def resolve_organisations(obj: Stakeholder) -> list[int]:
        return [o.pk for o in obj.related("organisations")]


class StakeholderPagination(ListPagination):
    """Pages whose stakeholders name their sectors from one query per page."""

    def finish(self, items: list[Any], request: HttpRequest) -> list[Any]:
        label_sectors(items)
        return items


class StakeholderFilters(Schema):
    """Query filters for the stakeholder list."""

    q: str | None = Field(default=None, description="Search in name, title, email and area.")
    sector: str | None = None
    kind: Stakeholder.StakeholderKind | None = None
    stance: Stakeholder.StakeholderStance | None = None
    tag: str | None = None
    owner: QueryId | None = Field(
        default=None, description="The membership id keeping one of its live ties."
    )


@router.get(
    "/{slug}/stakeholders",
    response=list[StakeholderOut],
    tags=["stakeholders"],
    url_name="stakeholders_list",
)
@paginate(StakeholderPagination)
def list_stakeholders(request: HttpRequest, slug: str, filters: Query[StakeholderFilters]) -> Any:
    """The workspace's stakeholders, by name (a person's family name first); paginated with `limit` and `offset`."""
    member = api_member(request, slug)
    # The list page's and the export's filters (stakeholders/filters.py): the same rows.
    queryset = apply(
        list_filters.StakeholderFilters, request.GET, member, services.stakeholders(member)
    )
    return queryset.prefetch_related(*listed("tags", "organisations")).order_by(
        "sort_name", "name", "pk"
    )


def duplicates_refused(found: services.ProbableDuplicates) -> Status[dict[str, Any]]:
    return Status(
        409,
        {"detail": str(found), "duplicates": [dataclasses.asdict(c) for c in found.candidates]},
    )


@router.post(
    "/{slug}/stakeholders",
    response={201: StakeholderOut, 409: DuplicatesOut},
    tags=["stakeholders"],
    url_name="stakeholders_create",
)
def create_stakeholder(request: HttpRequest, slug: str, payload: StakeholderIn) -> Status[Any]:
    """Add a stakeholder; 409 with the probable duplicates (same email, same or similar name)
    unless `allow_duplicate`."""
    member = api_member(request, slug, write=True)
    data = payload.dict()
    data["stance"] = data["stance"] or ""
    allow = data.pop("allow_duplicate")
    try:
        return Status(201, services.save_stakeholder(member, data, allow_duplicate=allow))
    except services.ProbableDuplicates as found:
        return duplicates_refused(found)


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
    response={200: StakeholderOut, 409: DuplicatesOut},
    tags=["stakeholders"],
    url_name="stakeholders_update",
)
def update_stakeholder(
    request: HttpRequest, slug: str, stakeholder_id: int, payload: StakeholderPatch
) -> Any:
    """Change some fields of a stakeholder; a new name, kind or email with probable duplicates
    answers 409 with them unless `allow_duplicate`."""
    member = api_member(request, slug, write=True)
    stakeholder = services.get_stakeholder(member, stakeholder_id)
    data = payload.dict(exclude_unset=True)
    if "stance" in data:
        data["stance"] = data["stance"] or ""
    allow = bool(data.pop("allow_duplicate", False))
    try:
        return services.save_stakeholder(member, data, stakeholder, allow_duplicate=allow)
    except services.ProbableDuplicates as found:
        return duplicates_refused(found)


@router.delete(
    "/{slug}/stakeholders/{int:stakeholder_id}",
    response={204: None},
    tags=["stakeholders"],
    url_name="stakeholders_delete",
)
def delete_stakeholder(request: HttpRequest, slug: str, stakeholder_id: int) -> Status[None]:
    """Move a stakeholder, its ties and commitments to the trash (an owner can restore them)."""
    member = api_member(request, slug, write=True)
    trash_stakeholder(member, services.get_stakeholder(member, stakeholder_id))
    return Status(204, None)


class MergeIn(Schema):
    """The stakeholder to merge into the one in the path (it goes to the trash)."""

    stakeholder: Id = Field(description="The id of the stakeholder merged into this one.")


@router.post(
    "/{slug}/stakeholders/{int:stakeholder_id}/merge",
    response={201: StakeholderOut},
    tags=["stakeholders"],
    url_name="stakeholders_merge",
)
def merge_stakeholder(
    request: HttpRequest, slug: str, stakeholder_id: int, payload: MergeIn
) -> Status[Stakeholder]:
    """Merge `stakeholder` into this one: its ties (two ties with one third stakeholder become
    one; a tie between the two goes), interactions, commitments, goal links, tags,
    organisations, notes and empty fields move here, and it goes to the trash; restoring it from
    the trash undoes the merge. Answers this stakeholder as it now is."""
    from cityweave.stakeholders.merging import merge_stakeholders

    member = api_member(request, slug, write=True)
    keep = services.get_stakeholder(member, stakeholder_id)
    (merged,) = services.resolve_stakeholders(
        member.workspace, [payload.stakeholder], "stakeholder"
    )
    merge_stakeholders(member, keep, merged)
    return Status(201, services.get_stakeholder(member, stakeholder_id))


class TieIn(Schema):
    """A new tie. `source` and `target` are stakeholder ids; `owner` is a membership id."""

    source: Id
    target: Id
    kind: Tie.TieKind = Tie.TieKind.PARTNER
    directed: bool = Field(default=False, description="The tie runs from source to target.")
    status: Tie.TieStatus = Tie.TieStatus.ACTIVE
    started_on: dt.date | None = None
    ended_on: dt.date | None = None
    cadence_days: Whole | None = Field(
        default=None,
        ge=1,
        le=MAX_CADENCE_DAYS,
        description="The ideal days between contacts; past it the tie is cooling.",
    )
    max_cadence_days: Whole | None = Field(
        default=None,
        ge=1,
        le=MAX_CADENCE_DAYS,
        description="The most days between contacts before the tie is cold, at least "
        "`cadence_days` (which it needs); null for twice `cadence_days`.",
    )
    roles: list[str] = Field(default=[], description="Roles the target plays: champion, funder, …")
    notes: str = Field(default="", max_length=TEXT_MAX_LENGTH)
    owner: Id | None = Field(
        default=None, description="The membership id of the relationship owner."
    )
    trust: Whole | None = Field(default=None, ge=1, le=4)
    value: Whole | None = Field(default=None, ge=1, le=4)


class TiePatch(PatchSchema):
    """Fields to change on a tie; omitted fields stay as they are."""

    Creates: ClassVar[type[Schema]] = TieIn

    source: Id | None = None
    target: Id | None = None
    kind: Tie.TieKind | None = None
    directed: bool | None = None
    status: Tie.TieStatus | None = None
    started_on: dt.date | None = None
    ended_on: dt.date | None = None
    cadence_days: Whole | None = Field(default=None, ge=1, le=MAX_CADENCE_DAYS)
    max_cadence_days: Whole | None = Field(default=None, ge=1, le=MAX_CADENCE_DAYS)
    roles: list[str] | None = None
    notes: str | None = Field(default=None, max_length=TEXT_MAX_LENGTH)
    owner: Id | None = None
    trust: Whole | None = Field(default=None, ge=1, le=4)
    value: Whole | None = Field(default=None, ge=1, le=4)


class TieOut(Schema):
    """A tie as the API returns it, with its health when it has one."""

    id: int
    uid: str
    source: int
    source_name: str
    target: int
    target_name: str
    kind: str
    directed: bool
    status: str
    started_on: dt.date | None
    ended_on: dt.date | None
    cadence_days: int | None = Field(description="The ideal days between contacts.")
    max_cadence_days: int | None = Field(
        description="The most days between contacts before the tie is cold; null for the "
        "default, twice `cadence_days` (see `max_gap_days`)."
    )
    max_gap_days: int | None = Field(
        description="The maximum in effect: `max_cadence_days`, else twice `cadence_days`; "
        "null without a cadence."
    )
    roles: list[str]
    notes: str
    owner: int | None
    owner_email: str | None
    trust: int | None
    value: int | None
    health: str | None = Field(description="healthy, cooling or cold; null without a cadence.")
    days_since_contact: int | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_uid(obj: Tie) -> str:
        return str(obj.uid)

    @staticmethod
    def resolve_source(obj: Tie) -> int:
        return obj.source_id

    @staticmethod
    def resolve_source_name(obj: Tie) -> str:
        return obj.source.name

    @staticmethod
    def resolve_target(obj: Tie) -> int:
        return obj.target_id

    @staticmethod
    def resolve_target_name(obj: Tie) -> str:
        return obj.target.name

    @staticmethod
    def resolve_owner(obj: Tie) -> int | None:
        return obj.owner_id

    @staticmethod
    def resolve_owner_email(obj: Tie) -> str | None:
        return obj.owner.user.email if obj.owner is not None else None

    @staticmethod
    def resolve_health(obj: Tie, context: dict[str, Any]) -> str | None:
        health = health_of(obj, context["request"].member)
        return health.status if health else None

    @staticmethod
    def resolve_days_since_contact(obj: Tie, context: dict[str, Any]) -> int | None:
        """Null without a health, and when the last contact is another member's private one."""
        health = health_of(obj, context["request"].member)
        return health.days_since if health else None


def with_health(ties: list[Tie], member: Membership) -> list[Tie]:
    """The ties, each carrying its current health as `member` may see it, computed for all of
    them at once."""
    health = {h.tie.pk: h for h in as_seen_by(member, tie_health(ties))}
    for tie in ties:
        tie.current_health = health.get(tie.pk)  # type: ignore[attr-defined]
    return ties


def health_of(tie: Tie, member: Membership) -> TieHealth | None:
    if not hasattr(tie, "current_health"):
        with_health([tie], member)
    return tie.current_health  # type: ignore[attr-defined,no-any-return]


class TiePagination(ListPagination):
    """Pages whose ties carry their health, computed once per page."""

    def finish(self, items: list[Any], request: HttpRequest) -> list[Any]:
        return with_health(items, request.member)  # type: ignore[attr-defined]


class TieFilters(Schema):
    """Query filters for the tie list."""

    q: str | None = Field(
        default=None, description="Search in either stakeholder's name and the notes."
    )
    status: Tie.TieStatus | None = None
    kind: Tie.TieKind | None = None
    sector: str | None = Field(default=None, description="The sector of either end.")
    stakeholder: QueryId | None = Field(default=None, description="A stakeholder id at either end.")
    owner: QueryId | None = Field(default=None, description="The owner's membership id.")
    health: Literal["healthy", "cooling", "cold"] | None = None


@router.get("/{slug}/ties", response=list[TieOut], tags=["ties"], url_name="ties_list")
@paginate(TiePagination)
def list_ties(request: HttpRequest, slug: str, filters: Query[TieFilters]) -> Any:
    """The workspace's ties, by source then target name; paginated with `limit` and `offset`."""
    member = api_member(request, slug)
    # The list page's and the export's filters (stakeholders/filters.py): the same rows.
    queryset = apply(list_filters.TieFilters, request.GET, member, services.ties(member))
    return queryset.order_by("source__name", "target__name", "pk")


@router.post("/{slug}/ties", response={201: TieOut}, tags=["ties"], url_name="ties_create")
def create_tie(request: HttpRequest, slug: str, payload: TieIn) -> Status[Tie]:
    """Add a tie between two stakeholders of the workspace."""
    member = api_member(request, slug, write=True)
    tie = services.save_tie(member, payload.dict())
    return Status(201, with_health([tie], member)[0])


@router.get("/{slug}/ties/{int:tie_id}", response=TieOut, tags=["ties"], url_name="ties_detail")
def get_tie(request: HttpRequest, slug: str, tie_id: int) -> Tie:
    """One tie."""
    return services.get_tie(api_member(request, slug), tie_id)


@router.patch("/{slug}/ties/{int:tie_id}", response=TieOut, tags=["ties"], url_name="ties_update")
def update_tie(request: HttpRequest, slug: str, tie_id: int, payload: TiePatch) -> Tie:
    """Change some fields of a tie; send `owner: null` to clear the owner."""
    member = api_member(request, slug, write=True)
    tie = services.get_tie(member, tie_id)
    return services.save_tie(member, payload.dict(exclude_unset=True), tie)


@router.delete(
    "/{slug}/ties/{int:tie_id}", response={204: None}, tags=["ties"], url_name="ties_delete"
)
def delete_tie(request: HttpRequest, slug: str, tie_id: int) -> Status[None]:
    """Move a tie to the trash (an owner can restore it)."""
    member = api_member(request, slug, write=True)
    services.trash_tie(member, services.get_tie(member, tie_id))
    return Status(204, None)
