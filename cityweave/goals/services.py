"""Goal and goal-progress operations shared by pages, the API and the CLI."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypedDict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, FloatField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Greatest, Least, NullIf
from django.http import Http404

from cityweave.engagement.services import workspace_today
from cityweave.goals.models import Goal, GoalProgress
from cityweave.stakeholders.services import resolve_stakeholders
from cityweave.workspaces.models import Membership, TrashEntry
from cityweave.workspaces.services import (
    collect_errors,
    move_to_trash,
    require_editor,
    resolve_member,
)

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

GOAL_FIELDS = ("statement", "metric", "baseline", "target", "unit", "deadline", "status")

#: Goals still being worked on: only these can be overdue.
OPEN_STATUSES = (Goal.Status.ACTIVE, Goal.Status.PAUSED)


def goals(member: Membership) -> QuerySet[Goal]:
    """The workspace's goals that are not in the trash."""
    return Goal.objects.filter(workspace=member.workspace)


def get_goal(member: Membership, pk: int) -> Goal:
    goal = goals(member).select_related("owner__user").filter(pk=pk).first()
    if goal is None:
        raise Http404("No such goal")
    return goal


class ProgressOrder(TypedDict):
    """The annotation `with_progress_order` adds to each goal."""

    progress_order: float


def with_progress_order(
    queryset: QuerySet[Goal],
) -> QuerySet[WithAnnotations[Goal, ProgressOrder]]:
    """Annotate `progress_order`: the database's `Goal.progress_fraction`, so lists can sort by it."""
    latest_value = (
        GoalProgress.objects.filter(goal=OuterRef("pk"))
        .order_by("-recorded_on", "-pk")
        .values("value")[:1]
    )
    current = Coalesce(Subquery(latest_value), F("baseline"))
    # Casting to float keeps SQLite from doing integer division on whole-number decimals;
    # NULLIF turns a zero span (only possible in data written around `clean()`) into 0 progress.
    span = NullIf(Cast(F("target") - F("baseline"), FloatField()), Value(0.0))
    fraction = Cast(current - F("baseline"), FloatField()) / span
    clamped = Greatest(Least(Coalesce(fraction, Value(0.0)), Value(1.0)), Value(0.0))
    return queryset.annotate(progress_order=clamped)


@transaction.atomic
def save_goal(member: Membership, data: dict[str, Any], instance: Goal | None = None) -> Goal:
    """Create or update a goal from `data` (model fields; `owner` a membership id or object,
    `stakeholders` ids or objects of the workspace); every bad field is reported at once."""
    require_editor(member)
    goal = instance or Goal(workspace=member.workspace)
    if goal.workspace_id != member.workspace.pk or goal.in_trash:
        raise Http404("No such goal")
    for name in GOAL_FIELDS:
        if name in data:
            value = data[name]
            setattr(goal, name, "" if value is None and name == "unit" else value)
    errors: dict[str, list[str]] = {}
    if "owner" in data:
        try:
            goal.owner = resolve_member(member.workspace, data["owner"], "owner")
        except ValidationError as error:
            collect_errors(errors, error)
    stakeholders = None
    if "stakeholders" in data:
        try:
            stakeholders = resolve_stakeholders(
                member.workspace, data["stakeholders"] or [], "stakeholders"
            )
        except ValidationError as error:
            collect_errors(errors, error)
    try:
        goal.full_clean()
    except ValidationError as error:
        collect_errors(errors, error)
    if errors:
        raise ValidationError(errors)
    goal.save()
    if stakeholders is not None:
        goal.stakeholders.set(list(dict.fromkeys(stakeholders)))
    return goal


def _require_live_goal(member: Membership, goal: Goal) -> None:
    if goal.workspace_id != member.workspace.pk or goal.in_trash:
        raise Http404("No such goal")


@transaction.atomic
def record_progress(
    member: Membership,
    goal: Goal,
    value: Decimal | int | float | str,
    recorded_on: dt.date | str | None = None,
    note: str | None = "",
) -> GoalProgress:
    """Record a dated measurement of the goal's metric (dated today where the workspace is by default)."""
    require_editor(member)
    _require_live_goal(member, goal)
    today = workspace_today(member.workspace)
    entry = GoalProgress(
        goal=goal,
        value=value,
        recorded_on=today if recorded_on in (None, "") else recorded_on,
        note=note or "",
    )
    save_measurement(entry, today)
    return entry


def save_measurement(entry: Any, today: dt.date, exclude: list[str] | None = None) -> None:
    """Check and save a dated measurement: a goal's progress entry, or any model with the same
    `value`, `recorded_on` and `note` (a partnership benchmark's). Every bad field is reported at
    once in a ValidationError; `recorded_on` after `today` (the workspace's date) is refused, as a
    future-dated entry would stay "the latest" and hide every real measurement until then.
    `exclude` names fields not to check (the parent, set by the caller)."""
    errors: dict[str, list[str]] = {}
    try:
        entry.full_clean(exclude=exclude)
    except ValidationError as error:
        collect_errors(errors, error)
    if isinstance(entry.recorded_on, dt.date) and entry.recorded_on > today:
        errors.setdefault("recorded_on", []).append("A measurement cannot be dated in the future.")
    if errors:
        raise ValidationError(errors)
    entry.save()


@transaction.atomic
def delete_progress(member: Membership, goal: Goal, entry_id: int) -> None:
    """Remove one progress entry of the goal for good (entries have no trash of their own)."""
    require_editor(member)
    _require_live_goal(member, goal)
    deleted, _ = GoalProgress.objects.filter(goal=goal, pk=entry_id).delete()
    if not deleted:
        raise Http404("No such progress entry")


def trash_goal(member: Membership, goal: Goal) -> TrashEntry:
    """Move a goal to the trash; its progress stays with it, linked interactions stay live."""
    return move_to_trash(member, goal)


@dataclass(frozen=True)
class Countdown:
    """How a goal's deadline stands today: days left, due today, or overdue."""

    days_left: int
    is_open: bool

    @property
    def overdue(self) -> bool:
        return self.is_open and self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_left if self.overdue else 0

    @property
    def label(self) -> str:
        if not self.is_open:
            return ""
        if self.days_left < 0:
            late = -self.days_left
            return f"overdue by {late} day{'s' if late != 1 else ''}"
        if self.days_left == 0:
            return "due today"
        return f"{self.days_left} day{'s' if self.days_left != 1 else ''} left"


def countdown(goal: Goal, today: dt.date) -> Countdown:
    """Days from `today` to the goal's deadline; only active and paused goals can be overdue."""
    return Countdown(days_left=(goal.deadline - today).days, is_open=goal.status in OPEN_STATUSES)
