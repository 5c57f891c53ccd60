"""JSON API for goals under /api/v1/workspaces/{slug}/goals.

No `from __future__ import annotations` here: django-ninja reads the annotations at import time.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from cityweave.goals import filters as list_filters
from cityweave.goals import services
from cityweave.goals.models import Goal, GoalProgress
from cityweave.web.filtering import apply
from cityweave.workspaces.api import Id, ListPagination, PatchSchema, api_member
from cityweave.workspaces.models import Membership, listed

router = Router()

#: The model's DecimalField(max_digits=14, decimal_places=2), checked before the model sees it.
Amount = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]


class GoalIn(Schema):
    """A new goal. `owner` is a membership id; `stakeholders` are stakeholder ids."""

    statement: str = Field(min_length=1, max_length=300)
    metric: str = Field(min_length=1, max_length=200, description="What is measured.")
    baseline: Amount = Decimal(0)
    target: Amount = Field(description="Must differ from the baseline.")
    unit: str = Field(default="", max_length=40)
    deadline: dt.date
    owner: Id | None = None
    status: Goal.GoalStatus = Goal.GoalStatus.ACTIVE
    stakeholders: list[Id] = []


class GoalPatch(PatchSchema):
    """Fields to change on a goal; omitted fields stay as they are (`owner: null` clears it)."""

    Creates: ClassVar[type[Schema]] = GoalIn

    statement: str | None = Field(default=None, min_length=1, max_length=300)
    metric: str | None = Field(default=None, min_length=1, max_length=200)
    baseline: Amount | None = None
    target: Amount | None = None
    unit: str | None = Field(default=None, max_length=40)
    deadline: dt.date | None = None
    owner: Id | None = None
    status: Goal.GoalStatus | None = None
    stakeholders: list[Id] | None = None


class ProgressIn(Schema):
    """A measurement of the goal's metric; `recorded_on` defaults to today in the workspace."""

    value: Amount
    recorded_on: dt.date | None = None
    note: str = Field(default="", max_length=300)


class ProgressOut(Schema):
    """One dated measurement."""

    id: int
    recorded_on: dt.date
    value: float
    note: str


class GoalOut(Schema):
    """A goal with its progress; `progress_percent` is how far from baseline to target the
    latest value is, clamped to 0–100."""

    id: int
    uid: str
    statement: str
    metric: str
    baseline: float
    target: float
    unit: str
    deadline: dt.date
    status: str
    owner: int | None
    owner_name: str | None
    stakeholders: list[int]
    current_value: float
    progress_percent: int
    progress: list[ProgressOut]
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_uid(obj: Goal) -> str:
        return str(obj.uid)

    @staticmethod
    def resolve_owner(obj: Goal) -> int | None:
        return obj.owner_id

    @staticmethod
    def resolve_owner_name(obj: Goal) -> str | None:
        return obj.owner.user.display_name if obj.owner is not None else None

    @staticmethod
    def resolve_stakeholders(obj: Goal) -> list[int]:
        return [s.pk for s in obj.related("stakeholders")]

    @staticmethod
    def resolve_progress(obj: Goal) -> list[GoalProgress]:
        return obj.related("progress")


class GoalFilters(Schema):
    """Query filters and order for the goal list."""

    q: str | None = Field(default=None, description="Search in statement and metric.")
    status: Goal.GoalStatus | None = None
    owner: str | None = Field(
        default=None, description="A membership id, or `none` for the goals nobody owns."
    )
    sort: Literal["deadline", "-deadline", "progress", "-progress"] = "deadline"


SORTS = {
    "deadline": ("deadline", "pk"),
    "-deadline": ("-deadline", "-pk"),
    "progress": ("progress_order", "deadline", "pk"),
    "-progress": ("-progress_order", "deadline", "pk"),
}


def _loaded(queryset: QuerySet[Goal]) -> QuerySet[Goal]:
    return queryset.select_related("owner__user").prefetch_related(
        *listed("progress", "stakeholders")
    )


def _goal(member: Membership, goal_id: int) -> Goal:
    """The goal with its owner, stakeholders and progress loaded for `GoalOut`."""
    goal = _loaded(services.goals(member)).filter(pk=goal_id).first()
    if goal is None:
        raise Http404("No such goal")
    return goal


@router.get("/{slug}/goals", response=list[GoalOut], tags=["goals"], url_name="goals_list")
@paginate(ListPagination)
def list_goals(request: HttpRequest, slug: str, filters: Query[GoalFilters]) -> Any:
    """The workspace's goals, by deadline or by progress; paginated with `limit` and `offset`."""
    member = api_member(request, slug)
    # The list page's and the export's filters (goals/filters.py): the same rows.
    goals = apply(list_filters.GoalFilters, request.GET, member, services.goals(member))
    queryset = services.with_progress_order(_loaded(goals))
    return queryset.order_by(*SORTS[filters.sort])


@router.post("/{slug}/goals", response={201: GoalOut}, tags=["goals"], url_name="goals_create")
def create_goal(request: HttpRequest, slug: str, payload: GoalIn) -> Status[Goal]:
    """Set a goal."""
    member = api_member(request, slug, write=True)
    goal = services.save_goal(member, payload.dict())
    return Status(201, _goal(member, goal.pk))


@router.get(
    "/{slug}/goals/{int:goal_id}", response=GoalOut, tags=["goals"], url_name="goals_detail"
)
def get_goal(request: HttpRequest, slug: str, goal_id: int) -> Goal:
    """One goal with its progress history."""
    return _goal(api_member(request, slug), goal_id)


@router.patch(
    "/{slug}/goals/{int:goal_id}", response=GoalOut, tags=["goals"], url_name="goals_update"
)
def update_goal(request: HttpRequest, slug: str, goal_id: int, payload: GoalPatch) -> Goal:
    """Change some fields of a goal."""
    member = api_member(request, slug, write=True)
    goal = services.get_goal(member, goal_id)
    services.save_goal(member, payload.dict(exclude_unset=True), goal)
    return _goal(member, goal_id)


@router.delete(
    "/{slug}/goals/{int:goal_id}", response={204: None}, tags=["goals"], url_name="goals_delete"
)
def delete_goal(request: HttpRequest, slug: str, goal_id: int) -> Status[None]:
    """Move a goal to the trash (an owner can restore it)."""
    member = api_member(request, slug, write=True)
    services.trash_goal(member, services.get_goal(member, goal_id))
    return Status(204, None)


@router.post(
    "/{slug}/goals/{int:goal_id}/progress",
    response={201: GoalOut},
    tags=["goals"],
    url_name="goals_progress",
)
def record_progress(
    request: HttpRequest, slug: str, goal_id: int, payload: ProgressIn
) -> Status[Goal]:
    """Record a measurement; returns the goal with its new current value and progress."""
    member = api_member(request, slug, write=True)
    goal = services.get_goal(member, goal_id)
    services.record_progress(member, goal, **payload.dict())
    return Status(201, _goal(member, goal_id))


@router.delete(
    "/{slug}/goals/{int:goal_id}/progress/{int:entry_id}",
    response={204: None},
    tags=["goals"],
    url_name="goals_progress_delete",
)
def delete_progress(request: HttpRequest, slug: str, goal_id: int, entry_id: int) -> Status[None]:
    """Remove a measurement recorded by mistake."""
    member = api_member(request, slug, write=True)
    services.delete_progress(member, services.get_goal(member, goal_id), entry_id)
    return Status(204, None)
