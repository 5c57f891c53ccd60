"""JSON API for a partnership's joint activities, channels and meeting plans (their agenda, the
proposed invitees, confirming, follow-ups), under
/api/v1/workspaces/{slug}/partnerships/{partnership_id}/….

No `from __future__ import annotations` here: django-ninja reads the annotations at import time.
"""

import datetime as dt
from typing import Any, ClassVar

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from cityweave.engagement.api import CommitmentOut
from cityweave.engagement.models import Commitment
from cityweave.engagement.services import workspace_today
from cityweave.partnerships import activities, channels, meetings, services
from cityweave.partnerships.api_parts import Part, add_part_routes
from cityweave.partnerships.models import Activity, AgendaItem, Channel, MeetingPlan, Partnership
from cityweave.storable import EARLIEST_DATE, LATEST_DATE, TEXT_MAX_LENGTH
from cityweave.vocabulary import PartnerRole, ValueType
from cityweave.workspaces.api import Id, ListPagination, PatchSchema, Whole, api_member
from cityweave.workspaces.models import Membership

TAGS = ["partnerships"]
router = Router(tags=TAGS)

BASE = "/{slug}/partnerships/{int:partnership_id}"
PLAN = BASE + "/meeting-plans/{int:plan_id}"
WHEN_HELP = "ISO 8601; without an offset it is read in the workspace's time zone."


def _partnership(
    request: HttpRequest, slug: str, pk: int, write: bool = False
) -> tuple[Membership, Partnership]:
    member = api_member(request, slug, write=write)
    return member, services.get_partnership(member, pk)


def _plan(
    request: HttpRequest, slug: str, pk: int, plan_id: int, write: bool = False
) -> tuple[Membership, MeetingPlan]:
    member, partnership = _partnership(request, slug, pk, write)
    return member, meetings.get_plan(member, partnership, plan_id)


# == Activities ===================================================================================


class JointActivityIn(Schema):
    """A joint activity or event; `partners` are partner ids of this partnership (at least one).
    It is logged as an interaction (kind event, that day) with every partner's stakeholder."""

    name: str = Field(min_length=1, max_length=200)
    held_on: dt.date = Field(ge=EARLIEST_DATE, le=LATEST_DATE)
    place: str = Field(default="", max_length=200)
    attendance: Whole | None = Field(default=None, ge=0, le=10_000_000)
    outcome: str = Field(default="", max_length=TEXT_MAX_LENGTH)
    partners: list[Id] = []


class JointActivityPatch(PatchSchema):
    """Fields to change on an activity; its interaction follows."""

    Creates: ClassVar[type[Schema]] = JointActivityIn

    name: str | None = Field(default=None, min_length=1, max_length=200)
    held_on: dt.date | None = Field(default=None, ge=EARLIEST_DATE, le=LATEST_DATE)
    place: str | None = Field(default=None, max_length=200)
    attendance: Whole | None = Field(default=None, ge=0, le=10_000_000)
    outcome: str | None = Field(default=None, max_length=TEXT_MAX_LENGTH)
    partners: list[Id] | None = None


class JointActivityOut(Schema):
    """An activity; `partners` are partner ids, `interaction` the interaction that logs it."""

    id: int
    name: str
    held_on: dt.date
    place: str
    attendance: int | None
    outcome: str
    partners: list[int]
    interaction: int | None

    @staticmethod
    def resolve_partners(obj: Activity) -> list[int]:
        return [p.pk for p in obj.partners.all()]

    @staticmethod
    def resolve_interaction(obj: Activity) -> int | None:
        return obj.interaction_id


add_part_routes(
    router,
    Part(
        plural="activities",
        noun="activity",
        In=JointActivityIn,
        Patch=JointActivityPatch,
        Out=JointActivityOut,
        listing=lambda partnership: activities.activities(partnership).order_by("-held_on", "-pk"),
        get=activities.get_activity,
        save=activities.save_activity,
        trash=activities.trash_activity,
        docs={
            "list": "The partnership's joint activities, newest first; paginated with `limit` "
            "and `offset`.",
            "create": "Record a joint activity and log it as an interaction with its partners.",
            "get": "One joint activity.",
            "update": "Change some fields of an activity; its interaction is kept in step.",
            "delete": "Move an activity to the trash with its interaction.",
        },
    ),
    TAGS,
    __name__,
)


# == Channels =====================================================================================


class ChannelIn(Schema):
    """An agreed communication channel: used at least every `every_days` days, messages answered
    within `response_days`; `last_used_on` not after today."""

    kind: Channel.ChannelKind
    name: str = Field(min_length=1, max_length=200)
    every_days: Whole = Field(ge=1, le=366)
    response_days: Whole | None = Field(default=None, ge=0, le=366)
    last_used_on: dt.date | None = Field(default=None, ge=EARLIEST_DATE, le=LATEST_DATE)


class ChannelPatch(PatchSchema):
    """Fields to change on a channel."""

    Creates: ClassVar[type[Schema]] = ChannelIn

    kind: Channel.ChannelKind | None = None
    name: str | None = Field(default=None, min_length=1, max_length=200)
    every_days: Whole | None = Field(default=None, ge=1, le=366)
    response_days: Whole | None = Field(default=None, ge=0, le=366)
    last_used_on: dt.date | None = Field(default=None, ge=EARLIEST_DATE, le=LATEST_DATE)


class ChannelOut(Schema):
    """A channel with its state today (the workspace's date): `kept` (used within `every_days`
    days), `lapsed` or `never-used`; `days_since` its last use."""

    id: int
    kind: str
    name: str
    every_days: int
    response_days: int | None
    last_used_on: dt.date | None
    state: str
    days_since: int | None

    @staticmethod
    def _status(obj: Channel) -> channels.ChannelStatus:
        return channels.channel_state(obj, workspace_today(obj.workspace))

    @staticmethod
    def resolve_state(obj: Channel) -> str:
        return str(ChannelOut._status(obj).state)

    @staticmethod
    def resolve_days_since(obj: Channel) -> int | None:
        return ChannelOut._status(obj).days_since


def _channels(partnership: Partnership) -> Any:
    return channels.channels(partnership).select_related("workspace")


add_part_routes(
    router,
    Part(
        plural="channels",
        noun="channel",
        In=ChannelIn,
        Patch=ChannelPatch,
        Out=ChannelOut,
        listing=_channels,
        get=channels.get_channel,
        save=channels.save_channel,
        trash=channels.trash_channel,
        docs={
            "list": "The partnership's channels, with whether each is kept; paginated.",
            "create": "Agree a channel.",
            "get": "One channel.",
            "update": "Change some fields of a channel.",
            "delete": "Move a channel to the trash.",
        },
    ),
    TAGS,
    __name__,
)


@router.post(
    f"{BASE}/channels/{{int:channel_id}}/used",
    response=ChannelOut,
    url_name="partnership_channel_used",
)
def mark_channel_used(
    request: HttpRequest, slug: str, partnership_id: int, channel_id: int
) -> Channel:
    """Record that the channel was used today (the workspace's date)."""
    member, partnership = _partnership(request, slug, partnership_id, write=True)
    return channels.mark_used(member, channels.get_channel(member, partnership, channel_id))


# == Meeting plans ================================================================================


class AgendaItemIn(Schema):
    """An agenda item and what it needs: roles and/or value types (at least one of them)."""

    text: str = Field(min_length=1, max_length=300)
    roles: list[PartnerRole] = Field(default=[], max_length=len(PartnerRole.values))
    value_types: list[ValueType] = Field(default=[], max_length=len(ValueType.values))


class AgendaItemPatch(PatchSchema):
    """Fields to change on an agenda item."""

    Creates: ClassVar[type[Schema]] = AgendaItemIn

    text: str | None = Field(default=None, min_length=1, max_length=300)
    roles: list[PartnerRole] | None = Field(default=None, max_length=len(PartnerRole.values))
    value_types: list[ValueType] | None = Field(default=None, max_length=len(ValueType.values))


class AgendaItemOut(Schema):
    """An agenda item with the roles and value types it needs, in agenda order (`position`)."""

    id: int
    position: int
    text: str
    roles: list[str]
    value_types: list[str]


class MeetingPlanIn(Schema):
    """A meeting plan: its start (in the future), length in minutes and place; its agenda items
    are added under `…/meeting-plans/{plan_id}/agenda`."""

    title: str = Field(min_length=1, max_length=200)
    starts_at: dt.datetime = Field(description=WHEN_HELP)
    duration_minutes: Whole = Field(default=60, ge=5, le=24 * 60)
    place: str = Field(default="", max_length=200)


class MeetingPlanPatch(PatchSchema):
    """Fields to change on a plan; a confirmed plan's meeting follows."""

    Creates: ClassVar[type[Schema]] = MeetingPlanIn

    title: str | None = Field(default=None, min_length=1, max_length=200)
    starts_at: dt.datetime | None = Field(default=None, description=WHEN_HELP)
    duration_minutes: Whole | None = Field(default=None, ge=5, le=24 * 60)
    place: str | None = Field(default=None, max_length=200)


class MeetingPlanOut(Schema):
    """A meeting plan; once confirmed, `interaction` is its planned meeting, `invited` the
    partner ids invited and `ics` the address of its calendar invitation (a page, signed in)."""

    id: int
    title: str
    starts_at: dt.datetime
    duration_minutes: int
    place: str
    agenda: list[AgendaItemOut]
    confirmed: bool
    interaction: int | None
    invited: list[int]
    ics: str | None

    @staticmethod
    def resolve_agenda(obj: MeetingPlan) -> list[AgendaItem]:
        return list(obj.agenda.all())

    @staticmethod
    def resolve_confirmed(obj: MeetingPlan) -> bool:
        return meetings.is_confirmed(obj)

    @staticmethod
    def resolve_interaction(obj: MeetingPlan) -> int | None:
        return obj.interaction_id if meetings.is_confirmed(obj) else None

    @staticmethod
    def resolve_invited(obj: MeetingPlan) -> list[int]:
        return sorted(p.pk for p in obj.invited.all())

    @staticmethod
    def resolve_ics(obj: MeetingPlan) -> str | None:
        if not meetings.is_confirmed(obj):
            return None
        return reverse("interaction-invitation", args=[obj.workspace.slug, obj.interaction_id])


class MeetingLoadOut(Schema):
    """Meetings and events attended over the last 90 days, their hours (a meeting without a
    length counted as 60 minutes; `unknown_length` of them) and whether that is heavy (over 6
    meetings or 8 hours)."""

    meetings: int
    hours: float
    unknown_length: int
    heavy: bool


class MeetingInviteeOut(Schema):
    """A partner the agenda needs: which items (ids), why (a reason per item) and its load."""

    partner: int
    stakeholder: int
    name: str
    items: list[int]
    reasons: list[str]
    load: MeetingLoadOut


class MeetingConfirmIn(Schema):
    """Confirm a plan: `invited` partner ids (the proposed invitees when left out or null).
    Confirming a confirmed plan again changes whom its meeting invites."""

    invited: list[Id] | None = None


class MeetingFollowUpIn(Schema):
    """A follow-up of the meeting, made a commitment on it owned by the caller."""

    description: str = Field(min_length=1, max_length=300)
    owed_by: Commitment.CommitmentOwedBy = Commitment.CommitmentOwedBy.US
    stakeholder: Id
    due_on: dt.date = Field(ge=EARLIEST_DATE, le=LATEST_DATE)


def _plans(partnership: Partnership) -> Any:
    return (
        meetings.meeting_plans(partnership).select_related("workspace").prefetch_related("invited")
    )


@router.get(f"{BASE}/meeting-plans", response=list[MeetingPlanOut], url_name="partnership_plans")
@paginate(ListPagination)
def list_plans(request: HttpRequest, slug: str, partnership_id: int) -> Any:
    """The partnership's meeting plans, latest start first; paginated."""
    _, partnership = _partnership(request, slug, partnership_id)
    return _plans(partnership).order_by("-starts_at", "-pk")


def _plan_out(member: Membership, plan: MeetingPlan) -> MeetingPlan:
    return _plans(plan.partnership).get(pk=plan.pk)


@router.post(
    f"{BASE}/meeting-plans",
    response={201: MeetingPlanOut},
    url_name="partnership_plan_create",
)
def create_plan(
    request: HttpRequest, slug: str, partnership_id: int, payload: MeetingPlanIn
) -> Status[MeetingPlan]:
    """Plan a meeting; then add its agenda items, each saying which roles or value types it
    needs."""
    member, partnership = _partnership(request, slug, partnership_id, write=True)
    plan = meetings.save_plan(member, partnership, payload.dict())
    return Status(201, _plan_out(member, plan))


@router.get(PLAN, response=MeetingPlanOut, url_name="partnership_plan_detail")
def get_plan(request: HttpRequest, slug: str, partnership_id: int, plan_id: int) -> MeetingPlan:
    """One meeting plan."""
    member, plan = _plan(request, slug, partnership_id, plan_id)
    return _plan_out(member, plan)


@router.patch(PLAN, response=MeetingPlanOut, url_name="partnership_plan_update")
def update_plan(
    request: HttpRequest, slug: str, partnership_id: int, plan_id: int, payload: MeetingPlanPatch
) -> MeetingPlan:
    """Change a plan; a confirmed plan's meeting follows."""
    member, plan = _plan(request, slug, partnership_id, plan_id, write=True)
    meetings.save_plan(member, plan.partnership, payload.dict(exclude_unset=True), plan)
    return _plan_out(member, plan)


@router.delete(PLAN, response={204: None}, url_name="partnership_plan_delete")
def delete_plan(request: HttpRequest, slug: str, partnership_id: int, plan_id: int) -> Status[None]:
    """Move a plan to the trash with its planned meeting."""
    member, plan = _plan(request, slug, partnership_id, plan_id, write=True)
    meetings.trash_plan(member, plan)
    return Status(204, None)


@router.get(f"{PLAN}/agenda", response=list[AgendaItemOut], url_name="partnership_plan_agenda")
@paginate(ListPagination)
def list_agenda(request: HttpRequest, slug: str, partnership_id: int, plan_id: int) -> Any:
    """The plan's agenda, in order; paginated."""
    _, plan = _plan(request, slug, partnership_id, plan_id)
    return meetings.agenda_items(plan)


@router.post(
    f"{PLAN}/agenda", response={201: AgendaItemOut}, url_name="partnership_plan_agenda_add"
)
def add_agenda_item(
    request: HttpRequest, slug: str, partnership_id: int, plan_id: int, payload: AgendaItemIn
) -> Status[AgendaItem]:
    """Add an item at the end of the agenda."""
    member, plan = _plan(request, slug, partnership_id, plan_id, write=True)
    return Status(201, meetings.save_agenda_item(member, plan, payload.dict()))


@router.get(
    f"{PLAN}/agenda/{{int:item_id}}",
    response=AgendaItemOut,
    url_name="partnership_plan_agenda_item",
)
def get_agenda_item(
    request: HttpRequest, slug: str, partnership_id: int, plan_id: int, item_id: int
) -> AgendaItem:
    """One agenda item."""
    member, plan = _plan(request, slug, partnership_id, plan_id)
    return meetings.get_agenda_item(member, plan, item_id)


@router.patch(
    f"{PLAN}/agenda/{{int:item_id}}",
    response=AgendaItemOut,
    url_name="partnership_plan_agenda_update",
)
def update_agenda_item(
    request: HttpRequest,
    slug: str,
    partnership_id: int,
    plan_id: int,
    item_id: int,
    payload: AgendaItemPatch,
) -> AgendaItem:
    """Change an agenda item."""
    member, plan = _plan(request, slug, partnership_id, plan_id, write=True)
    item = meetings.get_agenda_item(member, plan, item_id)
    return meetings.save_agenda_item(member, plan, payload.dict(exclude_unset=True), item)


@router.delete(
    f"{PLAN}/agenda/{{int:item_id}}",
    response={204: None},
    url_name="partnership_plan_agenda_delete",
)
def delete_agenda_item(
    request: HttpRequest, slug: str, partnership_id: int, plan_id: int, item_id: int
) -> Status[None]:
    """Take an item off the agenda."""
    member, plan = _plan(request, slug, partnership_id, plan_id, write=True)
    meetings.delete_agenda_item(member, meetings.get_agenda_item(member, plan, item_id))
    return Status(204, None)


@router.get(
    f"{PLAN}/invitees",
    response=list[MeetingInviteeOut],
    url_name="partnership_plan_invitees",
)
def proposed_invitees(request: HttpRequest, slug: str, partnership_id: int, plan_id: int) -> Any:
    """The proposed invitation list: only the partners an agenda item needs (by a role they
    have or a value type their stakeholder offers), by name, with their meeting load over the
    last 90 days (heavy over 6 meetings or 8 hours; a meeting without a length counts 60
    minutes)."""
    member, plan = _plan(request, slug, partnership_id, plan_id)
    return [
        {
            "partner": i.partner.pk,
            "stakeholder": i.partner.stakeholder_id,
            "name": i.partner.stakeholder.name,
            "items": [item.pk for item in i.items],
            "reasons": i.reasons,
            "load": {
                "meetings": i.load.meetings,
                "hours": i.load.hours,
                "unknown_length": i.load.unknown_length,
                "heavy": i.load.heavy,
            },
        }
        for i in meetings.proposed_invitees(member, plan)
    ]


@router.post(f"{PLAN}/confirm", response={201: MeetingPlanOut}, url_name="partnership_plan_confirm")
def confirm_plan(
    request: HttpRequest, slug: str, partnership_id: int, plan_id: int, payload: MeetingConfirmIn
) -> Status[MeetingPlan]:
    """Make the plan a planned meeting (kind meeting, at its start, its length) with the
    invitees as participants; 201 with the plan, whose `ics` is the invitation."""
    member, plan = _plan(request, slug, partnership_id, plan_id, write=True)
    meetings.confirm_plan(member, plan, payload.invited)
    return Status(201, _plan_out(member, plan))


@router.get(
    f"{PLAN}/follow-ups", response=list[CommitmentOut], url_name="partnership_plan_follow_ups"
)
@paginate(ListPagination)
def list_follow_ups(request: HttpRequest, slug: str, partnership_id: int, plan_id: int) -> Any:
    """The commitments made on the plan's meeting, soonest due first; paginated."""
    member, plan = _plan(request, slug, partnership_id, plan_id)
    return meetings.follow_ups_of(member, plan).select_related("interaction")


@router.post(
    f"{PLAN}/follow-ups",
    response={201: CommitmentOut},
    url_name="partnership_plan_follow_up_add",
)
def add_follow_up(
    request: HttpRequest,
    slug: str,
    partnership_id: int,
    plan_id: int,
    payload: MeetingFollowUpIn,
) -> Status[Commitment]:
    """Record a follow-up of a confirmed plan's meeting, as a commitment owned by the caller
    (also in the commitments API)."""
    member, plan = _plan(request, slug, partnership_id, plan_id, write=True)
    return Status(201, meetings.add_follow_up(member, plan, payload.dict()))


@router.get(
    f"{PLAN}/follow-ups/{{int:commitment_id}}",
    response=CommitmentOut,
    url_name="partnership_plan_follow_up",
)
def get_follow_up(
    request: HttpRequest, slug: str, partnership_id: int, plan_id: int, commitment_id: int
) -> Commitment:
    """One follow-up of the plan's meeting."""
    member, plan = _plan(request, slug, partnership_id, plan_id)
    return meetings.get_follow_up(member, plan, commitment_id)
