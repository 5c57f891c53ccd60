"""Interaction and commitment operations shared by pages, the API and the CLI."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from cityweave.engagement.health import counterparts
from cityweave.engagement.models import Commitment, Interaction
from cityweave.stakeholders.models import Stakeholder, Tie
from cityweave.stakeholders.services import resolve_stakeholders
from cityweave.storable import EARLIEST_DATE, LATEST_DATE
from cityweave.workspaces.models import Membership, TrashEntry, Workspace, listed
from cityweave.workspaces.services import (
    collect_errors,
    move_to_trash,
    require_editor,
    resolve_members,
)

if TYPE_CHECKING:
    from cityweave.goals.models import Goal


def interactions_visible_to(member: Membership) -> QuerySet[Interaction]:
    """The workspace's live interactions, without other people's private ones. A reader who is
    no saved membership (the command line reading as a viewer) sees the shared ones only."""
    shared = Interaction.objects.filter(workspace=member.workspace)
    if member.pk is None:
        return shared.filter(private=False)
    return shared.filter(Q(private=False) | Q(author=member))


def tie_interactions(member: Membership, tie: Tie) -> QuerySet[Interaction]:
    """Interactions this member may see that keep the tie warm: with its external end, or with both
    ends when both are external (or both internal)."""
    ends = counterparts(tie) or (tie.source, tie.target)
    interactions = interactions_visible_to(member)
    for end in ends:
        interactions = interactions.filter(participants=end)
    return (
        interactions.select_related("author__user")
        .prefetch_related(*listed("participants"))
        .distinct()
    )


def trash_stakeholder(member: Membership, stakeholder: Stakeholder) -> TrashEntry:
    """Move a stakeholder to the trash, with its ties and the commitments about it.

    Here rather than in stakeholders.services: the commitments are engagement's records, and
    stakeholders sit below engagement in the layers (pyproject.toml, tests/test_layers.py).
    """
    return move_to_trash(
        member,
        stakeholder,
        [
            Tie.objects.filter(Q(source=stakeholder) | Q(target=stakeholder)),
            Commitment.objects.filter(stakeholder=stakeholder),
        ],
    )


def recent_window(today: dt.date, days: int) -> dict[str, dt.date]:
    """The list filters for "the last `days` days": `occurred_from` and `occurred_to` (today
    included), whole days in the workspace's time zone, as the interaction list reads them."""
    return {"occurred_from": today - dt.timedelta(days=days - 1), "occurred_to": today}


def recent_interactions(member: Membership, today: dt.date, days: int) -> QuerySet[Interaction]:
    """The interactions `member` may see from the last `days` days through `today` (the
    workspace's date): the interaction list filtered by `recent_window(today, days)`."""
    window = recent_window(today, days)
    return filter_interactions(
        interactions_visible_to(member),
        member.workspace,
        occurred_from=window["occurred_from"],
        occurred_to=window["occurred_to"],
    )


def open_commitments(member: Membership) -> QuerySet[Commitment]:
    """The live commitments still open: the commitment list filtered by `status=open`."""
    return filter_commitments(commitments(member), member.workspace, status=Commitment.Status.OPEN)


def commitments(member: Membership) -> QuerySet[Commitment]:
    """The workspace's live commitments."""
    return Commitment.objects.filter(workspace=member.workspace)


def overdue_commitments(member: Membership, today: dt.date | None = None) -> QuerySet[Commitment]:
    """Open commitments whose due date has passed."""
    today = today or timezone.localdate()
    return commitments(member).filter(status=Commitment.Status.OPEN, due_on__lt=today)


def due_soon_commitments(
    member: Membership, today: dt.date | None = None, days: int = 7
) -> QuerySet[Commitment]:
    """Open commitments due from today through the next `days` days."""
    today = today or timezone.localdate()
    return commitments(member).filter(
        status=Commitment.Status.OPEN,
        due_on__gte=today,
        due_on__lte=today + dt.timedelta(days=days),
    )


@dataclass(frozen=True)
class KeptRate:
    """Promises we owed that were kept, against those kept or missed (open and cancelled don't count)."""

    kept: int
    missed: int

    @property
    def closed(self) -> int:
        return self.kept + self.missed

    @property
    def rate(self) -> float | None:
        return self.kept / self.closed if self.closed else None

    @property
    def percent(self) -> int | None:
        return None if self.rate is None else round(self.rate * 100)


def promises_kept(queryset: QuerySet[Commitment]) -> KeptRate:
    """The kept rate of the commitments owed by us in `queryset`."""
    counts = queryset.filter(owed_by=Commitment.OwedBy.US).aggregate(
        kept=Count("pk", filter=Q(status=Commitment.Status.DONE)),
        missed=Count("pk", filter=Q(status=Commitment.Status.MISSED)),
    )
    return KeptRate(kept=counts["kept"], missed=counts["missed"])


def promises_kept_by_member(member: Membership) -> list[tuple[Membership, KeptRate]]:
    """Each member's kept rate over the commitments they own, in one query."""
    rows = (
        commitments(member)
        .filter(owed_by=Commitment.OwedBy.US, owner__isnull=False)
        .values("owner")
        .annotate(
            kept=Count("pk", filter=Q(status=Commitment.Status.DONE)),
            missed=Count("pk", filter=Q(status=Commitment.Status.MISSED)),
        )
    )
    by_owner = {r["owner"]: KeptRate(r["kept"], r["missed"]) for r in rows}
    members = Membership.objects.filter(workspace=member.workspace).select_related("user")
    return [(m, by_owner.get(m.pk, KeptRate(0, 0))) for m in members]


# Writing and reading single interactions and commitments.

INTERACTION_FIELDS = (
    "occurred_at", "kind", "summary", "notes", "private", "duration_minutes",
)  # fmt: skip
COMMITMENT_FIELDS = ("description", "owed_by", "due_on", "status")
CLOSED_STATUSES = (Commitment.Status.DONE, Commitment.Status.MISSED, Commitment.Status.CANCELLED)
DUE_WINDOWS = ("overdue", "this-week", "later")
DUE_SOON_DAYS = 7


def workspace_zone(workspace: Workspace) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(workspace.timezone)


def workspace_today(workspace: Workspace) -> dt.date:
    """Today's date where the workspace is."""
    return timezone.localdate(timezone=workspace_zone(workspace))


def get_interaction(member: Membership, pk: int) -> Interaction:
    """One live interaction the member may see; 404 otherwise (others' private ones included)."""
    interaction = (
        interactions_visible_to(member).select_related("author__user", "goal").filter(pk=pk).first()
    )
    if interaction is None:
        raise Http404("No such interaction")
    return interaction


def get_commitment(member: Membership, pk: int) -> Commitment:
    commitment = (
        commitments(member).select_related("stakeholder", "owner__user").filter(pk=pk).first()
    )
    if commitment is None:
        raise Http404("No such commitment")
    return commitment


def resolve_goal(workspace: Workspace, value: Goal | int | None) -> Goal | None:
    """The workspace's live goal `value` (a goal or its id), None for none; ValidationError on
    `goal` when the workspace has no such goal."""
    if value is None or value == "":
        return None
    # Goals sit above engagement in the layers: the model is reached through the relation.
    goal_model = Interaction._meta.get_field("goal").related_model
    pk = value.pk if isinstance(value, goal_model) else value  # type: ignore[arg-type]
    goal = goal_model.objects.filter(workspace=workspace, pk=pk).first()  # type: ignore[union-attr]
    if goal is None:
        raise ValidationError({"goal": f"No such goal in this workspace: {pk}."})
    return goal


def workspace_time(value: Any, workspace: Workspace) -> Any:
    """A datetime (or ISO 8601 text) without an offset read as the workspace's local time;
    anything unreadable is returned as it is, for model validation to name."""
    if isinstance(value, str):
        try:
            value = parse_datetime(value.strip()) or value
        except ValueError:
            return value
    if isinstance(value, dt.datetime) and timezone.is_naive(value):
        return timezone.make_aware(value, workspace_zone(workspace))
    return value


@transaction.atomic
def save_interaction(
    member: Membership, data: dict[str, Any], instance: Interaction | None = None
) -> Interaction:
    """Create or update an interaction from `data` (model fields; participants,
    members_present and goal as ids or objects of the workspace)."""
    require_editor(member)
    interaction = instance or Interaction(workspace=member.workspace, author=member)
    if interaction.workspace_id != member.workspace.pk:
        raise Http404("No such interaction")
    if (
        interaction.pk is not None
        and not interactions_visible_to(member).filter(pk=interaction.pk).exists()
    ):
        raise Http404("No such interaction")
    errors: dict[str, list[str]] = {}
    for name in INTERACTION_FIELDS:
        if name in data:
            value = data[name]
            if value is None and name in ("notes", "summary"):
                value = ""
            if name == "occurred_at":
                value = workspace_time(value, member.workspace)
            setattr(interaction, name, value)
    if interaction.private and interaction.author_id != member.pk:
        errors["private"] = ["Only the author of an interaction can make it private."]
    if "goal" in data:
        try:
            interaction.goal = resolve_goal(member.workspace, data["goal"])
        except ValidationError as error:
            collect_errors(errors, error)
    participants = None
    if "participants" in data or interaction.pk is None:
        try:
            participants = resolve_stakeholders(
                member.workspace, data.get("participants") or [], "participants"
            )
        except ValidationError as error:
            collect_errors(errors, error)
        else:
            if not participants:
                errors.setdefault("participants", []).append("Name at least one participant.")
    members_present = None
    if "members_present" in data:
        try:
            members_present = resolve_members(
                member.workspace, data["members_present"] or [], "members_present"
            )
        except ValidationError as error:
            collect_errors(errors, error)
    try:
        interaction.full_clean()
    except ValidationError as error:
        collect_errors(errors, error)
    if errors:
        raise ValidationError(errors)
    interaction.save()
    if participants is not None:
        interaction.participants.set(list(dict.fromkeys(participants)))
    if members_present is not None:
        interaction.members_present.set(members_present)
    return interaction


def trash_interaction(member: Membership, interaction: Interaction) -> TrashEntry:
    """Move an interaction to the trash; its follow-up commitments stay, as promises still stand."""
    get_interaction(member, interaction.pk)
    return move_to_trash(member, interaction)


@transaction.atomic
def save_commitment(
    member: Membership, data: dict[str, Any], instance: Commitment | None = None
) -> Commitment:
    """Create or update a commitment from `data` (model fields; stakeholder, owner and interaction
    as ids or objects of the workspace). Closing it stamps `closed_at`; reopening clears it."""
    require_editor(member)
    commitment = instance or Commitment(workspace=member.workspace)
    if commitment.workspace_id != member.workspace.pk:
        raise Http404("No such commitment")
    # Forms may already have set the new status on the instance, so read the stored one.
    previous_status = (
        Commitment.all_objects.filter(pk=commitment.pk).values_list("status", flat=True).first()
    )
    errors: dict[str, list[str]] = {}
    for name in COMMITMENT_FIELDS:
        if name in data:
            setattr(
                commitment, name, "" if data[name] is None and name == "description" else data[name]
            )
    if "stakeholder" in data:
        try:
            found = resolve_stakeholders(
                member.workspace,
                [data["stakeholder"]] if data["stakeholder"] else [],
                "stakeholder",
            )
        except ValidationError as error:
            collect_errors(errors, error)
        else:
            if found:
                commitment.stakeholder = found[0]
            else:
                errors.setdefault("stakeholder", []).append("Say whom the promise is with.")
    elif commitment.pk is None:
        errors.setdefault("stakeholder", []).append("Say whom the promise is with.")
    if "owner" in data:
        try:
            owners = resolve_members(
                member.workspace, [data["owner"]] if data["owner"] else [], "owner"
            )
        except ValidationError as error:
            collect_errors(errors, error)
        else:
            commitment.owner = owners[0] if owners else None
    # A link to another member's private interaction shows as none to `member` (API, forms):
    # clearing what they cannot see keeps it, so they cannot undo what they were never shown.
    hidden_link = (
        commitment.interaction_id is not None
        and not interactions_visible_to(member).filter(pk=commitment.interaction_id).exists()
    )
    if "interaction" in data and not (hidden_link and not data["interaction"]):
        commitment.interaction = None
        if data["interaction"]:
            pk = (
                data["interaction"].pk
                if isinstance(data["interaction"], Interaction)
                else data["interaction"]
            )
            commitment.interaction = interactions_visible_to(member).filter(pk=pk).first()
            if commitment.interaction is None:
                errors.setdefault("interaction", []).append(
                    f"No such interaction in this workspace: {pk}."
                )
    if commitment.status in CLOSED_STATUSES:
        if commitment.status != previous_status or commitment.closed_at is None:
            commitment.closed_at = timezone.now()
    else:
        commitment.closed_at = None
    try:
        commitment.full_clean(exclude=["stakeholder"] if "stakeholder" in errors else None)
    except ValidationError as error:
        collect_errors(errors, error)
    if errors:
        raise ValidationError(errors)
    commitment.save()
    return commitment


def close_commitment(member: Membership, commitment: Commitment, status: str) -> Commitment:
    """Mark an open or closed commitment done, missed or cancelled."""
    if status not in CLOSED_STATUSES:
        choices = ", ".join(str(s) for s in CLOSED_STATUSES)
        raise ValidationError({"status": f"Close a commitment as one of: {choices}."})
    return save_commitment(member, {"status": status}, commitment)


def trash_commitment(member: Membership, commitment: Commitment) -> TrashEntry:
    """Move a commitment to the trash."""
    return move_to_trash(member, commitment)


@transaction.atomic
def log_interaction_with_follow_up(
    member: Membership,
    stakeholder: Stakeholder,
    interaction_data: dict[str, Any],
    follow_up_data: dict[str, Any] | None,
) -> tuple[Interaction, Commitment | None]:
    """Record an interaction with `stakeholder` (plus any other participants) and, when given, a
    follow-up commitment to them, all or nothing. Follow-up errors name `follow_up_<field>`."""
    require_editor(member)
    if stakeholder.workspace_id != member.workspace.pk or stakeholder.in_trash:
        raise Http404("No such stakeholder")
    errors: dict[str, list[str]] = {}
    data = dict(interaction_data)
    data["participants"] = [stakeholder, *(data.get("participants") or [])]
    interaction: Interaction | None = None
    try:
        interaction = save_interaction(member, data)
    except ValidationError as error:
        collect_errors(errors, error)
    follow_up = None
    if follow_up_data is not None:
        commitment_data = {
            **follow_up_data,
            "stakeholder": stakeholder,
            "interaction": interaction,
            "owner": follow_up_data.get("owner") or member,
        }
        try:
            follow_up = save_commitment(member, commitment_data)
        except ValidationError as error:
            follow_up_errors: dict[str, list[str]] = {}
            collect_errors(follow_up_errors, error)
            for field, messages in follow_up_errors.items():
                errors.setdefault(f"follow_up_{field}", []).extend(messages)
    if errors:
        raise ValidationError(errors)
    assert interaction is not None
    return interaction, follow_up


# Filters shared by the list pages and the API.


def filter_interactions(
    queryset: QuerySet[Interaction],
    workspace: Workspace,
    *,
    q: str | None = None,
    kind: str | None = None,
    sector: str | None = None,
    participant: int | None = None,
    member_present: int | None = None,
    goal: int | None = None,
    occurred_from: dt.date | None = None,
    occurred_to: dt.date | None = None,
) -> QuerySet[Interaction]:
    """Interactions narrowed by search text, kind, a participant's sector, who was there, goal and
    dates (whole days in the workspace's time zone); each once."""
    narrowed = narrow_interactions(
        queryset,
        workspace,
        q=q,
        kind=kind,
        sector=sector,
        participant=participant,
        member_present=member_present,
        goal=goal,
        occurred_from=occurred_from,
        occurred_to=occurred_to,
    )
    if repeats_interactions(q, sector, participant, member_present):
        # Pick by id instead of a DISTINCT over whole rows.
        return queryset.filter(pk__in=narrowed.values("pk"))
    return narrowed


def repeats_interactions(*given: object) -> bool:
    """Whether narrowing interactions by these values may repeat one: the search (it reads the
    participants' names), a participant's sector, a participant and a member present join
    many-valued relations; kind, goal and dates do not. Pass those four, None or "" for none."""
    return any(value not in (None, "") for value in given)


def narrow_interactions(
    queryset: QuerySet[Interaction],
    workspace: Workspace,
    *,
    q: str | None = None,
    kind: str | None = None,
    sector: str | None = None,
    participant: int | None = None,
    member_present: int | None = None,
    goal: int | None = None,
    occurred_from: dt.date | None = None,
    occurred_to: dt.date | None = None,
) -> QuerySet[Interaction]:
    """`filter_interactions` without keeping each row once: a participant or member filter may
    repeat an interaction (the caller picks by id, as `ListFilters.filter` does)."""
    if q:
        queryset = queryset.filter(
            Q(summary__icontains=q) | Q(notes__icontains=q) | Q(participants__name__icontains=q)
        )
    if kind:
        queryset = queryset.filter(kind=kind)
    if sector:
        queryset = queryset.filter(participants__sector=sector)
    if participant:
        queryset = queryset.filter(participants=participant)
    if member_present:
        queryset = queryset.filter(members_present=member_present)
    if goal:
        queryset = queryset.filter(goal=goal)
    zone = workspace_zone(workspace)
    # Days outside the supported range filter nothing more than its ends do (and a day past
    # 9999 has no midnight to compare with).
    if occurred_from:
        occurred_from = min(max(occurred_from, EARLIEST_DATE), LATEST_DATE)
        start = dt.datetime.combine(occurred_from, dt.time.min, tzinfo=zone)
        queryset = queryset.filter(occurred_at__gte=start)
    if occurred_to:
        occurred_to = min(max(occurred_to, EARLIEST_DATE), LATEST_DATE)
        end = dt.datetime.combine(occurred_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        queryset = queryset.filter(occurred_at__lt=end)
    return queryset


def filter_commitments(
    queryset: QuerySet[Commitment],
    workspace: Workspace,
    *,
    q: str | None = None,
    status: str | None = None,
    owed_by: str | None = None,
    owner: int | None = None,
    stakeholder: int | None = None,
    due: str | None = None,
    today: dt.date | None = None,
) -> QuerySet[Commitment]:
    """Commitments narrowed by text, status, who owes, owner, stakeholder and when they fall due:
    `overdue` (open, past due), `this-week` (open, due in the next 7 days) or `later` (open, after)."""
    if q:
        queryset = queryset.filter(Q(description__icontains=q) | Q(stakeholder__name__icontains=q))
    if status:
        queryset = queryset.filter(status=status)
    if owed_by:
        queryset = queryset.filter(owed_by=owed_by)
    if owner:
        queryset = queryset.filter(owner=owner)
    if stakeholder:
        queryset = queryset.filter(stakeholder=stakeholder)
    if due:
        today = today or workspace_today(workspace)
        soon = today + dt.timedelta(days=DUE_SOON_DAYS)
        queryset = queryset.filter(status=Commitment.Status.OPEN)
        if due == "overdue":
            queryset = queryset.filter(due_on__lt=today)
        elif due == "this-week":
            queryset = queryset.filter(due_on__gte=today, due_on__lte=soon)
        elif due == "later":
            queryset = queryset.filter(due_on__gt=soon)
        else:
            raise ValidationError({"due": f"Use one of: {', '.join(DUE_WINDOWS)}."})
    return queryset
