"""JSON API for a partnership's joint activities, channels and meeting plans, under
/api/v1/workspaces/{slug}/partnerships/{partnership_id}/….

No `from __future__ import annotations` here: django-ninja reads the annotations at import time.
"""

import datetime as dt
from typing import Any, ClassVar

from django.http import HttpRequest
from django.urls import reverse
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from cityweave.engagement.api import CommitmentOut
from cityweave.engagement.models import Commitment
from cityweave.engagement.services import workspace_today
from cityweave.partnerships import activities, channels, meetings, services
from cityweave.partnerships.models import Activity, AgendaItem, Channel, MeetingPlan, Partnership
from cityweave.storable import EARLIEST_DATE, LATEST_DATE, TEXT_MAX_LENGTH
from cityweave.vocabulary import PartnerRole, ValueType
from cityweave.workspaces.api import Id, PatchSchema, Whole, api_member
from cityweave.workspaces.models import Membership

router = Router()

BASE = "/{slug}/partnerships/{int:partnership_id}"
WHEN_HELP = "ISO 8601; without an offset it is read in the workspace's time zone."


def _partnership(
    request: HttpRequest, slug: str, pk: int, write: bool = False
) -> tuple[Membership, Partnership]:
    member = api_member(request, slug, write=write)
    return member, services.get_partnership(member, pk)


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


@router.get(
    f"{BASE}/activities",
    response=list[JointActivityOut],
    tags=["partnerships"],
    url_name="partnership_list_activities",
)
def list_activities(request: HttpRequest, slug: str, partnership_id: int) -> Any:
    """The partnership's joint activities, newest first."""
    _, partnership = _partnership(request, slug, partnership_id)
    return list(activities.activities(partnership))


@router.post(
    f"{BASE}/activities",
    response={201: JointActivityOut},
    tags=["partnerships"],
    url_name="partnership_create_activity",
)
def create_activity(
    request: HttpRequest, slug: str, partnership_id: int, payload: JointActivityIn
) -> Status[Activity]:
    """Record a joint activity and log it as an interaction with its partners."""
    member, partnership = _partnership(request, slug, partnership_id, write=True)
    return Status(201, activities.save_activity(member, partnership, payload.dict()))


@router.get(
    f"{BASE}/activities/{{int:activity_id}}",
    response=JointActivityOut,
    tags=["partnerships"],
    url_name="partnership_get_activity",
)
def get_activity(
    request: HttpRequest, slug: str, partnership_id: int, activity_id: int
) -> Activity:
    """One joint activity."""
    member, partnership = _partnership(request, slug, partnership_id)
    return activities.get_activity(member, partnership, activity_id)


@router.patch(
    f"{BASE}/activities/{{int:activity_id}}",
    response=JointActivityOut,
    tags=["partnerships"],
    url_name="partnership_update_activity",
)
def update_activity(
    request: HttpRequest,
    slug: str,
    partnership_id: int,
    activity_id: int,
    payload: JointActivityPatch,
) -> Activity:
    """Change some fields of an activity; its interaction is kept in step."""
    member, partnership = _partnership(request, slug, partnership_id, write=True)
    activity = activities.get_activity(member, partnership, activity_id)
    activities.save_activity(member, partnership, payload.dict(exclude_unset=True), activity)
    return activities.get_activity(member, partnership, activity_id)


@router.delete(
    f"{BASE}/activities/{{int:activity_id}}",
    response={204: None},
    tags=["partnerships"],
    url_name="partnership_delete_activity",
)
def delete_activity(
    request: HttpRequest, slug: str, partnership_id: int, activity_id: int
) -> Status[None]:
    """Move an activity to the trash with its interaction."""
    member, partnership = _partnership(request, slug, partnership_id, write=True)
    activities.trash_activity(member, activities.get_activity(member, partnership, activity_id))
    return Status(204, None)


# == Channels =====================================================================================


class ChannelIn(Schema):
    """An agreed communication channel: used at least every `every_days` days, messages answered
    within `response_days`."""

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
    """A channel with its state today: `kept` (used within `every_days`), `lapsed` or
    `never-used`; `days_since` its last use."""

    id: int
    kind: str
    name: str
    every_days: int
    response_days: int | None
    last_used_on: dt.date | None
    state: str
    days_since: int | None


def _channel_out(member: Membership, channel: Channel) -> dict[str, Any]:
    status = channels.channel_state(channel, workspace_today(member.workspace))
    return {
        "id": channel.pk,
        "kind": channel.kind,
        "name": channel.name,
        "every_days": channel.every_days,
        "response_days": channel.response_days,
        "last_used_on": channel.last_used_on,
        "state": status.state,
        "days_since": status.days_since,
    }


@router.get(
    f"{BASE}/channels",
    response=list[ChannelOut],
    tags=["partnerships"],
    url_name="partnership_list_channels",
)
def list_channels(request: HttpRequest, slug: str, partnership_id: int) -> Any:
    """The partnership's channels, with whether each is kept."""
    member, partnership = _partnership(request, slug, partnership_id)
    return [_channel_out(member, c) for c in channels.channels(partnership)]


@router.post(
    f"{BASE}/channels",
    response={201: ChannelOut},
    tags=["partnerships"],
    url_name="partnership_create_channel",
)
def create_channel(
    request: HttpRequest, slug: str, partnership_id: int, payload: ChannelIn
) -> Status[dict[str, Any]]:
    """Agree a channel."""
    member, partnership = _partnership(request, slug, partnership_id, write=True)
    channel = channels.save_channel(member, partnership, payload.dict())
    return Status(201, _channel_out(member, channel))


@router.get(
    f"{BASE}/channels/{{int:channel_id}}",
    response=ChannelOut,
    tags=["partnerships"],
    url_name="partnership_get_channel",
)
def get_channel(request: HttpRequest, slug: str, partnership_id: int, channel_id: int) -> Any:
    """One channel."""
    member, partnership = _partnership(request, slug, partnership_id)
    return _channel_out(member, channels.get_channel(member, partnership, channel_id))


@router.patch(
    f"{BASE}/channels/{{int:channel_id}}",
    response=ChannelOut,
    tags=["partnerships"],
    url_name="partnership_update_channel",
)
def update_channel(
    request: HttpRequest, slug: str, partnership_id: int, channel_id: int, payload: ChannelPatch
) -> Any:
    """Change some fields of a channel."""
    member, partnership = _partnership(request, slug, partnership_id, write=True)
    channel = channels.get_channel(member, partnership, channel_id)
    data = payload.dict(exclude_unset=True)
    return _channel_out(member, channels.save_channel(member, partnership, data, channel))


@router.post(
    f"{BASE}/channels/{{int:channel_id}}/used",
    response=ChannelOut,
    tags=["partnerships"],
    url_name="partnership_mark_channel_used",
)
def mark_channel_used(request: HttpRequest, slug: str, partnership_id: int, channel_id: int) -> Any:
    """Record that the channel was used today (the workspace's date)."""
    member, partnership = _partnership(request, slug, partnership_id, write=True)
    channel = channels.get_channel(member, partnership, channel_id)
    return _channel_out(member, channels.mark_used(member, channel))


@router.delete(
    f"{BASE}/channels/{{int:channel_id}}",
    response={204: None},
    tags=["partnerships"],
    url_name="partnership_delete_channel",
)
def delete_channel(
    request: HttpRequest, slug: str, partnership_id: int, channel_id: int
) -> Status[None]:
    """Move a channel to the trash."""
    member, partnership = _partnership(request, slug, partnership_id, write=True)
    channels.trash_channel(member, channels.get_channel(member, partnership, channel_id))
    return Status(204, None)


# == Meeting plans ================================================================================


class AgendaItemIn(Schema):
    """An agenda item and what it needs: roles and/or value types (at least one of them)."""

    text: str = Field(min_length=1, max_length=300)
    roles: list[PartnerRole] = []
    value_types: list[ValueType] = []


class AgendaItemOut(Schema):
    """An agenda item with the roles and value types it needs."""

    id: int
    text: str
    roles: list[str]
    value_types: list[str]


class MeetingPlanIn(Schema):
    """A meeting plan: its start (in the future), length in minutes, place and agenda."""

    title: str = Field(min_length=1, max_length=200)
    starts_at: dt.datetime = Field(description=WHEN_HELP)
    duration_minutes: Whole = Field(default=60, ge=5, le=24 * 60)
    place: str = Field(default="", max_length=200)
    agenda: list[AgendaItemIn] = Field(min_length=1, max_length=100)


class MeetingPlanPatch(PatchSchema):
    """Fields to change on a plan not yet confirmed; `agenda`, given, replaces the agenda."""

    Creates: ClassVar[type[Schema]] = MeetingPlanIn

    title: str | None = Field(default=None, min_length=1, max_length=200)
    starts_at: dt.datetime | None = Field(default=None, description=WHEN_HELP)
    duration_minutes: Whole | None = Field(default=None, ge=5, le=24 * 60)
    place: str | None = Field(default=None, max_length=200)
    agenda: list[AgendaItemIn] | None = Field(default=None, min_length=1, max_length=100)


class MeetingPlanOut(Schema):
    """A meeting plan; once confirmed, `interaction` is its planned meeting, `invited` the
    partner ids invited and `ics` the address of its calendar invitation."""

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
        return [p.pk for p in obj.invited.all()]

    @staticmethod
    def resolve_ics(obj: MeetingPlan) -> str | None:
        if not meetings.is_confirmed(obj):
            return None
        return reverse("interaction-invitation", args=[obj.workspace.slug, obj.interaction_id])


class MeetingLoadOut(Schema):
    """Meetings and events attended over the last 90 days, their hours (a meeting without a
    length counted as 60 minutes; `unknown_length` of them) and whether that is heavy."""

    meetings: int
    hours: float
    unknown_length: int
    heavy: bool


class MeetingInviteeOut(Schema):
    """A partner the agenda needs: which items (ids) and why (a reason per item), and its load."""

    partner: int
    stakeholder: int
    name: str
    items: list[int]
    reasons: list[str]
    load: MeetingLoadOut


class MeetingFollowUpIn(Schema):
    """A follow-up of the meeting, made a commitment on it owned by the caller."""

    description: str = Field(min_length=1, max_length=300)
    owed_by: Commitment.CommitmentOwedBy = Commitment.CommitmentOwedBy.US
    stakeholder: Id
    due_on: dt.date = Field(ge=EARLIEST_DATE, le=LATEST_DATE)


class MeetingConfirmIn(Schema):
    """Confirm a plan: `invited` partner ids (the proposed invitees when left out) and any
    follow-ups to record on the meeting."""

    invited: list[Id] | None = None
    follow_ups: list[MeetingFollowUpIn] = Field(default=[], max_length=100)


@router.get(
    f"{BASE}/meeting-plans",
    response=list[MeetingPlanOut],
    tags=["partnerships"],
    url_name="partnership_list_plans",
)
def list_plans(request: HttpRequest, slug: str, partnership_id: int) -> Any:
    """The partnership's meeting plans, latest start first."""
    _, partnership = _partnership(request, slug, partnership_id)
    return list(
        meetings.meeting_plans(partnership).select_related("workspace").prefetch_related("invited")
    )


@router.post(
    f"{BASE}/meeting-plans",
    response={201: MeetingPlanOut},
    tags=["partnerships"],
    url_name="partnership_create_plan",
)
def create_plan(
    request: HttpRequest, slug: str, partnership_id: int, payload: MeetingPlanIn
) -> Status[MeetingPlan]:
    """Plan a meeting: its agenda items say which roles or value types they need."""
    member, partnership = _partnership(request, slug, partnership_id, write=True)
    plan = meetings.save_plan(member, partnership, payload.dict())
    return Status(201, meetings.get_plan(member, partnership, plan.pk))


@router.get(
    f"{BASE}/meeting-plans/{{int:plan_id}}",
    response=MeetingPlanOut,
    tags=["partnerships"],
    url_name="partnership_get_plan",
)
def get_plan(request: HttpRequest, slug: str, partnership_id: int, plan_id: int) -> MeetingPlan:
    """One meeting plan."""
    member, partnership = _partnership(request, slug, partnership_id)
    return meetings.get_plan(member, partnership, plan_id)


@router.patch(
    f"{BASE}/meeting-plans/{{int:plan_id}}",
    response=MeetingPlanOut,
    tags=["partnerships"],
    url_name="partnership_update_plan",
)
def update_plan(
    request: HttpRequest, slug: str, partnership_id: int, plan_id: int, payload: MeetingPlanPatch
) -> MeetingPlan:
    """Change a plan not yet confirmed."""
    member, partnership = _partnership(request, slug, partnership_id, write=True)
    plan = meetings.get_plan(member, partnership, plan_id)
    meetings.save_plan(member, partnership, payload.dict(exclude_unset=True), plan)
    return meetings.get_plan(member, partnership, plan_id)


@router.delete(
    f"{BASE}/meeting-plans/{{int:plan_id}}",
    response={204: None},
    tags=["partnerships"],
    url_name="partnership_delete_plan",
)
def delete_plan(request: HttpRequest, slug: str, partnership_id: int, plan_id: int) -> Status[None]:
    """Move a plan to the trash with its planned meeting."""
    member, partnership = _partnership(request, slug, partnership_id, write=True)
    meetings.trash_plan(member, meetings.get_plan(member, partnership, plan_id))
    return Status(204, None)


@router.get(
    f"{BASE}/meeting-plans/{{int:plan_id}}/invitees",
    response=list[MeetingInviteeOut],
    tags=["partnerships"],
    url_name="partnership_proposed_invitees",
)
def proposed_invitees(request: HttpRequest, slug: str, partnership_id: int, plan_id: int) -> Any:
    """The proposed invitation list: only the partners an agenda item needs, with their meeting
    load over the last 90 days (heavy over 6 meetings or 8 hours)."""
    member, partnership = _partnership(request, slug, partnership_id)
    plan = meetings.get_plan(member, partnership, plan_id)
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


@router.post(
    f"{BASE}/meeting-plans/{{int:plan_id}}/confirm",
    response=MeetingPlanOut,
    tags=["partnerships"],
    url_name="partnership_confirm_plan",
)
def confirm_plan(
    request: HttpRequest, slug: str, partnership_id: int, plan_id: int, payload: MeetingConfirmIn
) -> MeetingPlan:
    """Make the plan a planned meeting with the invitees, and its follow-ups commitments."""
    member, partnership = _partnership(request, slug, partnership_id, write=True)
    plan = meetings.get_plan(member, partnership, plan_id)
    data = payload.dict()
    meetings.confirm_plan(member, plan, data["invited"], data["follow_ups"])
    return meetings.get_plan(member, partnership, plan_id)


@router.get(
    f"{BASE}/meeting-plans/{{int:plan_id}}/follow-ups",
    response=list[CommitmentOut],
    tags=["partnerships"],
    url_name="partnership_list_follow_ups",
)
def list_follow_ups(request: HttpRequest, slug: str, partnership_id: int, plan_id: int) -> Any:
    """The commitments made on the plan's meeting."""
    member, partnership = _partnership(request, slug, partnership_id)
    plan = meetings.get_plan(member, partnership, plan_id)
    return list(meetings.follow_ups_of(member, plan).select_related("interaction"))


@router.post(
    f"{BASE}/meeting-plans/{{int:plan_id}}/follow-ups",
    response={201: CommitmentOut},
    tags=["partnerships"],
    url_name="partnership_add_follow_up",
)
def add_follow_up(
    request: HttpRequest,
    slug: str,
    partnership_id: int,
    plan_id: int,
    payload: MeetingFollowUpIn,
) -> Status[Commitment]:
    """Record a follow-up of a confirmed plan's meeting, as a commitment owned by the caller."""
    member, partnership = _partnership(request, slug, partnership_id, write=True)
    plan = meetings.get_plan(member, partnership, plan_id)
    return Status(201, meetings.add_follow_up(member, plan, payload.dict()))
