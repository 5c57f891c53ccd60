"""JSON API for interactions and commitments under /api/v1/workspaces/{slug}/….

No `from __future__ import annotations` here: django-ninja reads the annotations at import time.
"""

import datetime as dt
from typing import Any, ClassVar, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from cityweave.engagement import filters as list_filters
from cityweave.engagement import services
from cityweave.engagement.models import Commitment, Interaction
from cityweave.storable import EARLIEST_DATE, LATEST_DATE, TEXT_MAX_LENGTH
from cityweave.web.filtering import apply
from cityweave.workspaces.api import Id, ListPagination, PatchSchema, QueryId, api_member
from cityweave.workspaces.models import listed

router = Router()

WHEN_HELP = "ISO 8601; without an offset it is read in the workspace's time zone."


class InteractionIn(Schema):
    """A new interaction. `participants` are stakeholder ids (at least one), `members_present`
    membership ids, `goal` a goal id, all of this workspace."""

    occurred_at: dt.datetime = Field(description=WHEN_HELP)
    kind: Interaction.InteractionKind = Interaction.InteractionKind.MEETING
    summary: str = Field(min_length=1, max_length=300)
    notes: str = Field(default="", max_length=TEXT_MAX_LENGTH)
    participants: list[Id] = []
    members_present: list[Id] = []
    private: bool = Field(default=False, description="Visible only to its author (the caller).")
    goal: Id | None = None
    duration_minutes: int | None = Field(
        default=None, ge=5, le=24 * 60, description="Its length in minutes (5–1440), if known."
    )


class InteractionPatch(PatchSchema):
    """Fields to change on an interaction; omitted fields stay as they are."""

    Creates: ClassVar[type[Schema]] = InteractionIn

    occurred_at: dt.datetime | None = Field(default=None, description=WHEN_HELP)
    kind: Interaction.InteractionKind | None = None
    summary: str | None = Field(default=None, min_length=1, max_length=300)
    notes: str | None = Field(default=None, max_length=TEXT_MAX_LENGTH)
    participants: list[Id] | None = None
    members_present: list[Id] | None = None
    private: bool | None = None
    goal: Id | None = None
    duration_minutes: int | None = Field(default=None, ge=5, le=24 * 60)


class InteractionOut(Schema):
    """An interaction as the API returns it; `author` and `members_present` are membership ids."""

    id: int
    uid: str
    occurred_at: dt.datetime
    kind: str
    summary: str
    notes: str
    participants: list[int]
    members_present: list[int]
    author: int | None
    private: bool
    goal: int | None
    duration_minutes: int | None
    follow_ups: list[int]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_uid(obj: Interaction) -> str:
        return str(obj.uid)

    @staticmethod
    def resolve_participants(obj: Interaction) -> list[int]:
        return [p.pk for p in obj.related("participants")]

    @staticmethod
    def resolve_members_present(obj: Interaction) -> list[int]:
        return [m.pk for m in obj.related("members_present")]

    @staticmethod
    def resolve_author(obj: Interaction) -> int | None:
        return obj.author_id

    @staticmethod
    def resolve_goal(obj: Interaction) -> int | None:
        return obj.goal_id

    @staticmethod
    def resolve_follow_ups(obj: Interaction) -> list[int]:
        return [c.pk for c in obj.related("follow_ups") if c.deleted_at is None]


class InteractionFilters(Schema):
    """Query filters for the interaction list."""

    q: str | None = Field(
        default=None, description="Search in summary, notes and participant names."
    )
    kind: Interaction.InteractionKind | None = None
    sector: str | None = Field(default=None, description="A participant's sector key.")
    participant: QueryId | None = Field(default=None, description="A participant's stakeholder id.")
    stakeholder: QueryId | None = Field(
        default=None,
        description="The same as `participant` (what a stakeholder's page links with).",
    )
    member: QueryId | None = Field(
        default=None, description="The membership id of a member present."
    )
    goal: QueryId | None = None
    occurred_from: dt.date | None = Field(
        default=None,
        ge=EARLIEST_DATE,
        le=LATEST_DATE,
        description="On or after this day (workspace time).",
    )
    occurred_to: dt.date | None = Field(
        default=None,
        ge=EARLIEST_DATE,
        le=LATEST_DATE,
        description="On or before this day (workspace time).",
    )
    order: Literal["occurred_at", "-occurred_at"] = "-occurred_at"


@router.get(
    "/{slug}/interactions",
    response=list[InteractionOut],
    tags=["interactions"],
    url_name="interactions_list",
)
@paginate(ListPagination)
def list_interactions(request: HttpRequest, slug: str, filters: Query[InteractionFilters]) -> Any:
    """The interactions the caller may see (others' private ones are left out), newest first."""
    member = api_member(request, slug)
    # The list page's and the export's filters (engagement/filters.py): the same rows.
    queryset = apply(
        list_filters.InteractionFilters,
        request.GET,
        member,
        services.interactions_visible_to(member),
    )
    return queryset.prefetch_related(
        *listed("participants", "members_present", "follow_ups")
    ).order_by(filters.order, "pk")


@router.post(
    "/{slug}/interactions",
    response={201: InteractionOut},
    tags=["interactions"],
    url_name="interactions_create",
)
def create_interaction(
    request: HttpRequest, slug: str, payload: InteractionIn
) -> Status[Interaction]:
    """Log an interaction; the caller is its author."""
    member = api_member(request, slug, write=True)
    return Status(201, services.save_interaction(member, payload.dict()))


@router.get(
    "/{slug}/interactions/{int:interaction_id}",
    response=InteractionOut,
    tags=["interactions"],
    url_name="interactions_detail",
)
def get_interaction(request: HttpRequest, slug: str, interaction_id: int) -> Interaction:
    """One interaction (404 for someone else's private one)."""
    return services.get_interaction(api_member(request, slug), interaction_id)


@router.patch(
    "/{slug}/interactions/{int:interaction_id}",
    response=InteractionOut,
    tags=["interactions"],
    url_name="interactions_update",
)
def update_interaction(
    request: HttpRequest, slug: str, interaction_id: int, payload: InteractionPatch
) -> Interaction:
    """Change some fields of an interaction."""
    member = api_member(request, slug, write=True)
    interaction = services.get_interaction(member, interaction_id)
    return services.save_interaction(member, payload.dict(exclude_unset=True), interaction)


@router.delete(
    "/{slug}/interactions/{int:interaction_id}",
    response={204: None},
    tags=["interactions"],
    url_name="interactions_delete",
)
def delete_interaction(request: HttpRequest, slug: str, interaction_id: int) -> Status[None]:
    """Move an interaction to the trash; its follow-up commitments stay."""
    member = api_member(request, slug, write=True)
    services.trash_interaction(member, services.get_interaction(member, interaction_id))
    return Status(204, None)


class CommitmentIn(Schema):
    """A new commitment. `stakeholder` is a stakeholder id, `owner` a membership id (the caller
    when omitted), `interaction` the id of the interaction it was promised in."""

    description: str = Field(min_length=1, max_length=300)
    stakeholder: Id
    owed_by: Commitment.CommitmentOwedBy = Commitment.CommitmentOwedBy.US
    owner: Id | None = None
    due_on: dt.date
    status: Commitment.CommitmentStatus = Commitment.CommitmentStatus.OPEN
    interaction: Id | None = None


class CommitmentPatch(PatchSchema):
    """Fields to change on a commitment; omitted fields stay as they are. Closing it (done, missed,
    cancelled) stamps `closed_at`; reopening clears it."""

    Creates: ClassVar[type[Schema]] = CommitmentIn

    description: str | None = Field(default=None, min_length=1, max_length=300)
    stakeholder: Id | None = None
    owed_by: Commitment.CommitmentOwedBy | None = None
    owner: Id | None = None
    due_on: dt.date | None = None
    status: Commitment.CommitmentStatus | None = None
    interaction: Id | None = None


class CommitmentOut(Schema):
    """A commitment as the API returns it; `owner` is a membership id."""

    id: int
    uid: str
    description: str
    stakeholder: int
    owed_by: str
    owner: int | None
    due_on: dt.date
    status: str
    closed_at: dt.datetime | None
    interaction: int | None
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_uid(obj: Commitment) -> str:
        return str(obj.uid)

    @staticmethod
    def resolve_stakeholder(obj: Commitment) -> int:
        return obj.stakeholder_id

    @staticmethod
    def resolve_owner(obj: Commitment) -> int | None:
        return obj.owner_id

    @staticmethod
    def resolve_interaction(obj: Commitment, context: dict[str, Any]) -> int | None:
        """The interaction it was promised in; null when that is another member's private one."""
        source = obj.interaction
        if source is None:
            return None
        member = getattr(context["request"], "member", None)
        hidden = source.private and (member is None or source.author_id != member.pk)
        return None if hidden else source.pk


class CommitmentFilters(Schema):
    """Query filters for the commitment list."""

    q: str | None = Field(
        default=None, description="Search in the description and stakeholder name."
    )
    status: Commitment.CommitmentStatus | None = None
    owed_by: Commitment.CommitmentOwedBy | None = None
    owner: QueryId | None = Field(default=None, description="The owner's membership id.")
    stakeholder: QueryId | None = None
    due: Literal["overdue", "this-week", "later"] | None = Field(
        default=None,
        description="Open ones past due, due in the next 7 days, or due after that (workspace time).",
    )
    order: Literal["due_on", "-due_on"] = "due_on"


@router.get(
    "/{slug}/commitments",
    response=list[CommitmentOut],
    tags=["commitments"],
    url_name="commitments_list",
)
@paginate(ListPagination)
def list_commitments(request: HttpRequest, slug: str, filters: Query[CommitmentFilters]) -> Any:
    """The workspace's commitments, soonest due first."""
    member = api_member(request, slug)
    # The list page's and the export's filters (engagement/filters.py): the same rows.
    queryset = apply(
        list_filters.CommitmentFilters,
        request.GET,
        member,
        services.commitments(member).select_related("interaction"),
    )
    return queryset.order_by(filters.order, "pk")


@router.post(
    "/{slug}/commitments",
    response={201: CommitmentOut},
    tags=["commitments"],
    url_name="commitments_create",
)
def create_commitment(request: HttpRequest, slug: str, payload: CommitmentIn) -> Status[Commitment]:
    """Record a commitment."""
    member = api_member(request, slug, write=True)
    data = payload.dict()
    if "owner" not in payload.model_fields_set:
        data["owner"] = member
    return Status(201, services.save_commitment(member, data))


@router.get(
    "/{slug}/commitments/{int:commitment_id}",
    response=CommitmentOut,
    tags=["commitments"],
    url_name="commitments_detail",
)
def get_commitment(request: HttpRequest, slug: str, commitment_id: int) -> Commitment:
    """One commitment."""
    return services.get_commitment(api_member(request, slug), commitment_id)


@router.patch(
    "/{slug}/commitments/{int:commitment_id}",
    response=CommitmentOut,
    tags=["commitments"],
    url_name="commitments_update",
)
def update_commitment(
    request: HttpRequest, slug: str, commitment_id: int, payload: CommitmentPatch
) -> Commitment:
    """Change some fields of a commitment, e.g. `{"status": "done"}`."""
    member = api_member(request, slug, write=True)
    commitment = services.get_commitment(member, commitment_id)
    return services.save_commitment(member, payload.dict(exclude_unset=True), commitment)


@router.delete(
    "/{slug}/commitments/{int:commitment_id}",
    response={204: None},
    tags=["commitments"],
    url_name="commitments_delete",
)
def delete_commitment(request: HttpRequest, slug: str, commitment_id: int) -> Status[None]:
    """Move a commitment to the trash."""
    member = api_member(request, slug, write=True)
    services.trash_commitment(member, services.get_commitment(member, commitment_id))
    return Status(204, None)
