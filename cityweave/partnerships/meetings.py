"""The meeting planner: meetings that invite only who is needed.

A plan's agenda items say which roles (vocabulary.PartnerRole) or value types (vocabulary.ValueType)
they need. The proposed invitation list is the partners who have a role an item needs, or whose
stakeholder offers (Stakeholder.offers) a value type an item needs — nobody else — each with the
items that need them and their **meeting load**: the meetings and events they took part in over the
last `LOAD_DAYS` days (interactions of kind meeting or event, up to now) and the hours those took,
a meeting without a length counted as `UNKNOWN_LENGTH_MINUTES`. A load is heavy when it is over
`LOAD_MAX_MEETINGS` meetings or `LOAD_MAX_HOURS` hours.

Confirming a plan makes a planned interaction (kind meeting, at the plan's start, which must be in
the future, participants the invitees, the plan's length) through engagement's services; its
follow-ups become commitments linked to that interaction. Every function takes the acting member;
writes need an editor (PermissionDenied), records of another workspace or partnership or in the
trash answer Http404, and bad input raises one ValidationError naming every bad field (list
entries as `agenda[0].text`, `follow_ups[1].due_on`), with nothing written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from cityweave.engagement.models import Commitment, Interaction
from cityweave.engagement.services import (
    commitments,
    save_commitment,
    save_interaction,
    workspace_time,
)
from cityweave.partnerships.activities import resolve_partners
from cityweave.partnerships.models import AgendaItem, MeetingPlan, Partner, Partnership
from cityweave.partnerships.services import partners, require_live
from cityweave.vocabulary import PartnerRole, ValueType, labels_for
from cityweave.workspaces.models import Membership, TrashEntry
from cityweave.workspaces.services import collect_errors, move_to_trash, require_editor

PLAN_FIELDS = ("title", "starts_at", "duration_minutes", "place")
AGENDA_FIELDS = ("text", "roles", "value_types")
FOLLOW_UP_FIELDS = ("description", "owed_by", "stakeholder", "due_on")
#: The meeting load's window, in days up to now.
LOAD_DAYS = 90
#: A partner's load is heavy over this many meetings and events in the window …
LOAD_MAX_MEETINGS = 6
#: … or over this many hours of them.
LOAD_MAX_HOURS = 8
#: A meeting or event logged without a length counts this many minutes towards the hours.
UNKNOWN_LENGTH_MINUTES = 60
#: The interaction kinds that count as meetings attended.
LOAD_KINDS = (Interaction.Kind.MEETING, Interaction.Kind.EVENT)


# == Plans ========================================================================================


def meeting_plans(partnership: Partnership) -> QuerySet[MeetingPlan]:
    """The partnership's live plans, latest start first, with their agenda and interaction: two
    queries when listed."""
    return (
        MeetingPlan.objects.filter(partnership=partnership)
        .select_related("interaction")
        .prefetch_related(
            Prefetch("agenda", queryset=AgendaItem.objects.order_by("position", "pk"))
        )
    )


def get_plan(member: Membership, partnership: Partnership, pk: int) -> MeetingPlan:
    """One live plan of the partnership; Http404 otherwise."""
    require_live(member, partnership)
    found = meeting_plans(partnership).filter(pk=pk).first()
    if found is None:
        raise Http404("No such meeting plan")
    return found


def is_confirmed(plan: MeetingPlan) -> bool:
    """Whether the plan became a planned interaction that is still live."""
    return (
        plan.interaction_id is not None
        and plan.interaction is not None
        and not (plan.interaction.in_trash)
    )


def _agenda_items(
    plan: MeetingPlan, entries: Sequence[Any], errors: dict[str, list[str]]
) -> list[AgendaItem]:
    """Agenda items for `plan` from `entries` (dicts of AGENDA_FIELDS), checked; problems go to
    `errors` as `agenda[i].field`."""
    items = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            errors.setdefault(f"agenda[{index}]", []).append("An agenda item is an object.")
            continue
        item = AgendaItem(
            plan=plan,
            position=index,
            text=(entry.get("text") or "").strip(),
            roles=list(entry.get("roles") or []),
            value_types=list(entry.get("value_types") or []),
        )
        try:
            item.full_clean(exclude=["plan"])
        except ValidationError as error:
            found: dict[str, list[str]] = {}
            collect_errors(found, error)
            for name, messages in found.items():
                errors.setdefault(f"agenda[{index}].{name}", []).extend(messages)
        items.append(item)
    return items


@transaction.atomic
def save_plan(
    member: Membership,
    partnership: Partnership,
    data: dict[str, Any],
    instance: MeetingPlan | None = None,
    now: dt.datetime | None = None,
) -> MeetingPlan:
    """Create or update a plan from `data`: `title`, `starts_at` (a datetime, or ISO 8601 text;
    without an offset, the workspace's local time; in the future), `duration_minutes` (5–1440),
    `place`, and `agenda`: a list of {"text", "roles": [PartnerRole keys], "value_types":
    [ValueType keys]}, each naming at least one role or value type; given, it replaces the agenda
    (at least one item; left out, the agenda stays, and a new plan starts without one: add items
    with `save_agenda_item`). A confirmed plan's meeting follows the change (`sync_meeting`)."""
    require_editor(member)
    require_live(member, partnership)
    now = now or timezone.now()
    plan = instance or MeetingPlan(workspace=member.workspace, partnership=partnership)
    if instance is not None and (instance.partnership_id != partnership.pk or instance.in_trash):
        raise Http404("No such meeting plan")
    for name in PLAN_FIELDS:
        if name in data:
            value = data[name]
            if name == "starts_at":
                value = workspace_time(value, member.workspace)
            if name == "place" and value is None:
                value = ""
            setattr(plan, name, value)
    errors: dict[str, list[str]] = {}
    starts_given = "starts_at" in data or instance is None
    if starts_given and isinstance(plan.starts_at, dt.datetime) and plan.starts_at <= now:
        errors["starts_at"] = ["A meeting is planned in the future."]
    items: list[AgendaItem] | None = None
    if "agenda" in data:
        entries = data.get("agenda") or []
        if not isinstance(entries, list):
            errors.setdefault("agenda", []).append("The agenda is a list of items.")
        else:
            items = _agenda_items(plan, entries, errors)
            if not entries:
                errors.setdefault("agenda", []).append("Give at least one agenda item.")
    try:
        plan.full_clean(exclude=["interaction"])
    except ValidationError as error:
        collect_errors(errors, error)
    if errors:
        raise ValidationError(errors)
    plan.save()
    if items is not None:
        AgendaItem.objects.filter(plan=plan).delete()
        for item in items:
            item.plan = plan
        AgendaItem.objects.bulk_create(items)
    sync_meeting(member, plan)
    return plan


#: The planned meeting's errors as the plan's own fields name them.
MEETING_FIELD_NAMES = {"occurred_at": "starts_at", "summary": "title"}


def sync_meeting(member: Membership, plan: MeetingPlan) -> None:
    """Keep a confirmed plan's meeting in step with the plan: its start, length, title (the
    summary) and place and agenda (the notes). Nothing for a plan not confirmed."""
    if not is_confirmed(plan):
        return
    try:
        save_interaction(
            member,
            {
                "occurred_at": plan.starts_at,
                "summary": plan.title,
                "notes": agenda_notes(plan),
                "duration_minutes": plan.duration_minutes,
            },
            plan.interaction,
        )
    except ValidationError as error:
        found: dict[str, list[str]] = {}
        collect_errors(found, error)
        raise ValidationError(
            {MEETING_FIELD_NAMES.get(k, k): v for k, v in found.items()}
        ) from error


def agenda_items(plan: MeetingPlan) -> QuerySet[AgendaItem]:
    """The plan's agenda, in order."""
    return AgendaItem.objects.filter(plan=plan).order_by("position", "pk")


def get_agenda_item(member: Membership, plan: MeetingPlan, pk: int) -> AgendaItem:
    """One item of the plan's agenda; Http404 otherwise."""
    require_live(member, plan.partnership)
    found = agenda_items(plan).filter(pk=pk).first()
    if found is None or plan.in_trash:
        raise Http404("No such agenda item")
    return found


@transaction.atomic
def save_agenda_item(
    member: Membership,
    plan: MeetingPlan,
    data: dict[str, Any],
    instance: AgendaItem | None = None,
) -> AgendaItem:
    """Add an item at the end of the plan's agenda, or change one: `text`, `roles` (PartnerRole
    keys) and `value_types` (ValueType keys), at least one role or value type. Fields left out
    keep their value; a confirmed plan's meeting notes follow."""
    require_editor(member)
    require_live(member, plan.partnership)
    if plan.in_trash or plan.workspace_id != member.workspace.pk:
        raise Http404("No such meeting plan")
    if instance is not None and instance.plan_id != plan.pk:
        raise Http404("No such agenda item")
    item = instance
    if item is None:
        last = agenda_items(plan).order_by("-position").values_list("position", flat=True).first()
        item = AgendaItem(plan=plan, position=0 if last is None else last + 1)
    for name in AGENDA_FIELDS:
        if name in data:
            value = data[name]
            if name == "text":
                value = (value or "").strip()
            elif value is None:
                value = []
            setattr(item, name, list(value) if isinstance(value, tuple) else value)
    item.full_clean(exclude=["plan"])
    item.save()
    sync_meeting(member, plan)
    return item


@transaction.atomic
def delete_agenda_item(member: Membership, item: AgendaItem) -> None:
    """Take an item off its plan's agenda (a part of the plan, not a record of its own: it is
    deleted, as editing the plan would); a confirmed plan's meeting notes follow."""
    require_editor(member)
    plan = item.plan
    require_live(member, plan.partnership)
    item.delete()
    sync_meeting(member, plan)


def trash_plan(member: Membership, plan: MeetingPlan) -> TrashEntry:
    """Move a plan to the trash with the planned interaction it became (restorable together);
    commitments made on it stay, as promises still stand."""
    along = [Interaction.objects.filter(pk=plan.interaction_id)] if plan.interaction_id else []
    return move_to_trash(member, plan, along_with=along)


# == Meeting load =================================================================================


@dataclass(frozen=True)
class MeetingLoad:
    """A stakeholder's meetings and events over the last LOAD_DAYS days: how many, their minutes
    (those without a length counted as UNKNOWN_LENGTH_MINUTES) and how many had no length."""

    meetings: int = 0
    minutes: int = 0
    unknown_length: int = 0

    @property
    def hours(self) -> float:
        """The minutes in hours, to one decimal."""
        return round(self.minutes / 60, 1)

    @property
    def heavy(self) -> bool:
        """Over LOAD_MAX_MEETINGS meetings or LOAD_MAX_HOURS hours."""
        return self.meetings > LOAD_MAX_MEETINGS or self.minutes > LOAD_MAX_HOURS * 60


def meeting_loads(
    member: Membership, stakeholder_ids: Iterable[int], now: dt.datetime | None = None
) -> dict[int, MeetingLoad]:
    """Each stakeholder's MeetingLoad, by id, over `(now − LOAD_DAYS days, now]`: the live
    interactions of kind meeting or event they took part in that `member` may see (another
    member's private ones are left out). One query; stakeholders without any have an empty load."""
    now = now or timezone.now()
    ids = list(dict.fromkeys(stakeholder_ids))
    loads = {pk: MeetingLoad() for pk in ids}
    if not ids:
        return loads
    through = Interaction.participants.through
    rows = (
        through.objects.filter(
            stakeholder_id__in=ids,
            interaction__workspace=member.workspace,
            interaction__deleted_at__isnull=True,
            interaction__kind__in=LOAD_KINDS,
            interaction__occurred_at__gt=now - dt.timedelta(days=LOAD_DAYS),
            interaction__occurred_at__lte=now,
        )
        .filter(Q(interaction__private=False) | Q(interaction__author=member))
        .values("stakeholder_id")
        .annotate(
            meetings=Count("interaction_id"),
            minutes=Sum(Coalesce("interaction__duration_minutes", Value(UNKNOWN_LENGTH_MINUTES))),
            unknown=Count("pk", filter=Q(interaction__duration_minutes__isnull=True)),
        )
        .order_by()
    )
    for row in rows:
        loads[row["stakeholder_id"]] = MeetingLoad(
            meetings=row["meetings"], minutes=row["minutes"] or 0, unknown_length=row["unknown"]
        )
    return loads


# == Proposed invitees ============================================================================


@dataclass
class Invitee:
    """A partner as the planner sees it: the agenda items that need it (empty: not proposed),
    with why (`reasons`, e.g. "funder", "offers data") per item, and its meeting load."""

    partner: Partner
    load: MeetingLoad
    items: list[AgendaItem] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    @property
    def proposed(self) -> bool:
        return bool(self.items)


def item_needs(item: AgendaItem, partner: Partner) -> list[str]:
    """Why `item` needs `partner`: the labels of the roles it needs that the partner has, then
    "offers <value type>" for the value types it needs that the partner's stakeholder offers."""
    roles = [r for r in item.roles if r in (partner.roles or [])]
    offers = [v for v in item.value_types if v in (partner.stakeholder.offers or [])]
    return labels_for(PartnerRole, roles) + [
        f"offers {label.lower()}" for label in labels_for(ValueType, offers)
    ]


def planner(member: Membership, plan: MeetingPlan, now: dt.datetime | None = None) -> list[Invitee]:
    """Every live partner of the plan's partnership as an Invitee: those an agenda item needs
    (proposed) first, by name, then the others, by name; each with its meeting load. Three
    queries (agenda, partners, loads) whatever their numbers."""
    agenda = list(plan.agenda.order_by("position", "pk"))
    everyone = list(partners(plan.partnership))
    loads = meeting_loads(member, [p.stakeholder_id for p in everyone], now)
    invitees = []
    for partner in everyone:
        invitee = Invitee(partner, loads[partner.stakeholder_id])
        for item in agenda:
            why = item_needs(item, partner)
            if why:
                invitee.items.append(item)
                invitee.reasons.append(", ".join(why))
        invitees.append(invitee)
    return [i for i in invitees if i.proposed] + [i for i in invitees if not i.proposed]


def proposed_invitees(
    member: Membership, plan: MeetingPlan, now: dt.datetime | None = None
) -> list[Invitee]:
    """Only the partners an agenda item needs (see `planner`)."""
    return [i for i in planner(member, plan, now) if i.proposed]


# == Confirming and follow-ups ====================================================================


def agenda_notes(plan: MeetingPlan) -> str:
    """The planned interaction's notes: the place, then the agenda as numbered lines."""
    lines = [f"Place: {plan.place}"] if plan.place else []
    lines.append("Agenda:")
    lines += [f"{n}. {item.text}" for n, item in enumerate(agenda_items(plan), start=1)]
    return "\n".join(lines)


def _follow_up(
    member: Membership,
    interaction: Interaction | None,
    entry: Any,
    errors: dict[str, list[str]],
    prefix: str,
) -> Commitment | None:
    """One follow-up saved as a commitment on `interaction` (owner: `member`), or its problems
    added to `errors` under `prefix` + field. Call it inside a transaction."""
    if not isinstance(entry, dict):
        errors.setdefault(prefix.rstrip("."), []).append("A follow-up is an object.")
        return None
    data = {name: entry.get(name) for name in FOLLOW_UP_FIELDS}
    data["owed_by"] = data["owed_by"] or Commitment.OwedBy.US
    data["description"] = (data["description"] or "").strip()
    data.update(owner=member, interaction=interaction, status=Commitment.Status.OPEN)
    try:
        # Saved even while other fields are wrong, to name all its problems: the caller's
        # transaction then rolls it back.
        return save_commitment(member, data)
    except ValidationError as error:
        found: dict[str, list[str]] = {}
        collect_errors(found, error)
        for name, messages in found.items():
            errors.setdefault(f"{prefix}{name}", []).extend(messages)
    return None


@transaction.atomic
def confirm_plan(
    member: Membership,
    plan: MeetingPlan,
    invited: Iterable[Partner | int] | None = None,
    follow_ups: Sequence[dict[str, Any]] = (),
    now: dt.datetime | None = None,
) -> MeetingPlan:
    """Confirm a plan: `invited` (partner ids or objects of its partnership; the proposed
    invitees when None) become the participants of a new planned interaction (kind meeting, at
    the plan's start, which must still be in the future, the plan's length, the title as summary,
    the place and agenda as notes, the acting member present), and each of `follow_ups`
    ({"description", "owed_by": "us"|"them", "stakeholder": id, "due_on": date}) a commitment on
    it owned by the acting member. All or nothing; every bad field named (`invited`, `starts_at`,
    `follow_ups[i].due_on` …). Confirming a confirmed plan again changes who its meeting invites
    (and adds any follow-ups)."""
    require_editor(member)
    partnership = plan.partnership
    require_live(member, partnership)
    if plan.in_trash or plan.workspace_id != member.workspace.pk:
        raise Http404("No such meeting plan")
    confirmed = is_confirmed(plan)
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    if not confirmed and plan.starts_at <= now:
        errors["starts_at"] = ["The meeting's start has passed: plan it in the future first."]
    chosen: list[Partner] = []
    try:
        if invited is None:
            chosen = [i.partner for i in proposed_invitees(member, plan, now)]
        else:
            chosen = resolve_partners(partnership, invited, "invited")
    except ValidationError as error:
        collect_errors(errors, error)
    else:
        if not chosen:
            errors["invited"] = ["Invite at least one partner."]
    interaction = plan.interaction if confirmed else None
    if not errors and confirmed:
        interaction = save_interaction(
            member, {"participants": [p.stakeholder for p in chosen]}, plan.interaction
        )
    elif not errors:
        interaction = save_interaction(
            member,
            {
                "kind": Interaction.Kind.MEETING,
                "occurred_at": plan.starts_at,
                "summary": plan.title,
                "notes": agenda_notes(plan),
                "duration_minutes": plan.duration_minutes,
                "participants": [p.stakeholder for p in chosen],
                "members_present": [member],
            },
        )
    for index, entry in enumerate(follow_ups):
        _follow_up(member, interaction, entry, errors, f"follow_ups[{index}].")
    if errors:
        raise ValidationError(errors)
    assert interaction is not None
    plan.interaction = interaction
    plan.save()
    plan.invited.set(chosen)
    return plan


def follow_ups_of(member: Membership, plan: MeetingPlan) -> QuerySet[Commitment]:
    """The live commitments made on the plan's meeting, soonest due first, stakeholders and owners
    loaded;
    none before it is confirmed."""
    if not plan.interaction_id:
        return commitments(member).none()
    return (
        commitments(member)
        .filter(interaction_id=plan.interaction_id)
        .select_related("stakeholder", "owner__user")
        .order_by("due_on", "pk")
    )


def get_follow_up(member: Membership, plan: MeetingPlan, pk: int) -> Commitment:
    """One live commitment made on the plan's meeting; Http404 otherwise."""
    found = follow_ups_of(member, plan).filter(pk=pk).first()
    if found is None:
        raise Http404("No such follow-up")
    return found


@transaction.atomic
def add_follow_up(member: Membership, plan: MeetingPlan, data: dict[str, Any]) -> Commitment:
    """A follow-up typed on a confirmed plan, as a commitment linked to its meeting and owned by
    the acting member: `description`, `owed_by` ("us" or "them"), `stakeholder` (an id or
    object), `due_on`. Errors name those fields; an unconfirmed plan answers a ValidationError
    on `__all__`."""
    require_editor(member)
    require_live(member, plan.partnership)
    if plan.in_trash or plan.workspace_id != member.workspace.pk:
        raise Http404("No such meeting plan")
    if not is_confirmed(plan):
        raise ValidationError("Confirm the plan first: follow-ups are linked to its meeting.")
    errors: dict[str, list[str]] = {}
    commitment = _follow_up(member, plan.interaction, data, errors, "")
    if errors or commitment is None:
        raise ValidationError(errors or {"__all__": ["The follow-up could not be saved."]})
    return commitment
