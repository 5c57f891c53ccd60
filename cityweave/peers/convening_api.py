"""JSON API of a network's convenings under /api/v1/networks/{network}/convenings: convenings,
their delegations (against the rule) and delegates, sessions with review and scheduling, and
each delegation's follow-up. Seats as on the pages (services in convenings.py and agenda.py):
no seat or another network's id is 404, a seat without the right 403, bad input 422 naming the
field (a scheduling conflict names `room`, `presenters`, `starts_at` or `ends_at`).

A delegate's email, personal link and needs are shown only to the network's staff and the
delegate's own city's officials (null for others). Nothing of a city's own workspace is shown.

No `from __future__ import annotations` here: django-ninja reads the annotations at import time.
"""

import datetime as dt
from typing import Any, ClassVar

from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from cityweave.peers import agenda
from cityweave.peers import convenings as conv
from cityweave.peers.access import NetworkMember, network_member
from cityweave.peers.models import (
    REVIEW_DAYS,
    Convening,
    Delegate,
    DelegateKind,
    Delegation,
    FollowUp,
    FollowUpStatus,
    Session,
    SessionFormat,
    SessionStatus,
)
from cityweave.workspaces.api import Id, ListPagination, PatchSchema, Whole

router = Router(tags=["peers"])

C = "/{network}/convenings/{int:convening_id}"
D = C + "/delegations/{int:delegation_id}"


def _member(request: HttpRequest, network: str) -> NetworkMember:
    return network_member(request.user, network)  # type: ignore[arg-type]


def _convening(
    request: HttpRequest, network: str, convening_id: int
) -> tuple[NetworkMember, Convening]:
    member = _member(request, network)
    return member, conv.get_convening(member, convening_id)


def _delegation(
    request: HttpRequest, network: str, convening_id: int, delegation_id: int
) -> tuple[NetworkMember, Delegation]:
    member, convening = _convening(request, network, convening_id)
    return member, conv.get_delegation(member, convening, delegation_id)


# == Convenings ==================================================================================


class ConveningIn(Schema):
    """A new convening (staff editors): dates as YYYY-MM-DD, capacity in delegates, and the
    delegation rule (officials and local partners each delegation should bring)."""

    title: str = Field(min_length=1, max_length=200)
    host_city: Id = Field(description="The id of a member city of the network.")
    venue: str = Field(min_length=1, max_length=200)
    starts_on: dt.date
    ends_on: dt.date
    theme: str = Field(default="", max_length=50, description="A challenge key, or empty.")
    capacity: Whole = Field(ge=1, le=10_000)
    officials_required: Whole = Field(default=2, ge=0, le=20)
    partners_required: Whole = Field(default=1, ge=0, le=20)
    description: str = ""


class ConveningPatch(PatchSchema):
    """Fields to change on a convening (staff editors)."""

    Creates: ClassVar[type[Schema]] = ConveningIn

    title: str | None = Field(default=None, min_length=1, max_length=200)
    host_city: Id | None = None
    venue: str | None = Field(default=None, min_length=1, max_length=200)
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None
    theme: str | None = Field(default=None, max_length=50)
    capacity: Whole | None = Field(default=None, ge=1, le=10_000)
    officials_required: Whole | None = Field(default=None, ge=0, le=20)
    partners_required: Whole | None = Field(default=None, ge=0, le=20)
    description: str | None = None


class ConveningFields(Schema):
    """A convening of the network."""

    id: int
    uid: str
    title: str
    host_city: int
    host_city_name: str
    venue: str
    starts_on: dt.date
    ends_on: dt.date
    theme: str
    capacity: int
    officials_required: int
    partners_required: int
    description: str
    created_at: dt.datetime
    updated_at: dt.datetime


class ConveningOut(ConveningFields):
    """A convening of the network."""

    @staticmethod
    def resolve_uid(obj: Convening) -> str:
        return str(obj.uid)

    @staticmethod
    def resolve_host_city(obj: Convening) -> int:
        return obj.host_city_id

    @staticmethod
    def resolve_host_city_name(obj: Convening) -> str:
        return str(obj.host_city)


class ActionOut(Schema):
    """Ideas moved to action: `acted` (in progress or done) of `ideas` (all, dropped included);
    `percent` = round(100 × acted ÷ ideas), null without ideas."""

    label: str
    acted: int
    ideas: int
    percent: int | None


class DelegationOut(Schema):
    """A city's delegation against the convening's rule: its officials and local partners, the
    problems in words ("1 official of 2"), and its ideas moved to action."""

    id: int
    city: int
    city_name: str
    officials: int
    partners: int
    meets_rule: bool
    problems: list[str]
    action: ActionOut


class ConveningDetailOut(ConveningFields):
    """A convening with its delegations against the rule, its delegates against its capacity,
    and ideas moved to action over all cities."""

    delegates: int
    over_capacity: bool
    delegations: list[DelegationOut]
    action: ActionOut


def _action(rate: conv.ActionRate) -> dict[str, Any]:
    return {"label": rate.label, "acted": rate.acted, "ideas": rate.ideas, "percent": rate.percent}


def _delegation_rows(convening: Convening, rows: list[Delegation]) -> list[dict[str, Any]]:
    by_city, _ = conv.action_by_city(rows)
    out = []
    for delegation, rate in zip(rows, by_city, strict=True):
        check = conv.check_delegation(convening, delegation)
        out.append(
            {
                "id": delegation.pk,
                "city": delegation.city_id,
                "city_name": str(delegation.city),
                "officials": check.officials,
                "partners": check.partners,
                "meets_rule": check.ok,
                "problems": check.problems,
                "action": _action(rate),
            }
        )
    return out


def _detail(convening: Convening) -> dict[str, Any]:
    rows = list(conv.delegations(convening).filter(city__deleted_at__isnull=True))
    used = sum(len(conv.delegates_of(d)) for d in rows)
    _, total = conv.action_by_city(rows)
    return {
        **{
            name: getattr(convening, name)
            for name in ConveningFields.model_fields
            if name not in ("uid", "host_city", "host_city_name")
        },
        "uid": str(convening.uid),
        "host_city": convening.host_city_id,
        "host_city_name": str(convening.host_city),
        "delegates": used,
        "over_capacity": used > convening.capacity,
        "delegations": _delegation_rows(convening, rows),
        "action": _action(total),
    }


@router.get("/{network}/convenings", response=list[ConveningOut], url_name="network_convenings")
@paginate(ListPagination)
def list_convenings(request: HttpRequest, network: str) -> QuerySet[Convening]:
    """The network's convenings, latest first; paginated with `limit` and `offset`."""
    return conv.convenings(_member(request, network))


@router.post(
    "/{network}/convenings",
    response={201: ConveningDetailOut},
    url_name="network_convenings_create",
)
def create_convening(
    request: HttpRequest, network: str, payload: ConveningIn
) -> Status[dict[str, Any]]:
    """Create a convening (staff editors)."""
    member = _member(request, network)
    convening = conv.save_convening(member, payload.dict())
    return Status(201, _detail(conv.get_convening(member, convening.pk)))


@router.get(C, response=ConveningDetailOut, url_name="network_convenings_detail")
def get_convening(request: HttpRequest, network: str, convening_id: int) -> dict[str, Any]:
    """One convening, with its delegations against the rule and ideas moved to action."""
    return _detail(_convening(request, network, convening_id)[1])


@router.patch(C, response=ConveningDetailOut, url_name="network_convenings_update")
def update_convening(
    request: HttpRequest, network: str, convening_id: int, payload: ConveningPatch
) -> dict[str, Any]:
    """Change some fields of a convening (staff editors); 422 on `starts_on`/`ends_on` when
    scheduled sessions would fall outside the new days (reschedule them first), on `capacity`
    below the live delegates."""
    member, convening = _convening(request, network, convening_id)
    conv.save_convening(member, payload.dict(exclude_unset=True), convening)
    return _detail(conv.get_convening(member, convening_id))


@router.delete(C, response={204: None}, url_name="network_convenings_delete")
def delete_convening(request: HttpRequest, network: str, convening_id: int) -> Status[None]:
    """Move a convening with everything in it to the trash (staff editors can restore it)."""
    member, convening = _convening(request, network, convening_id)
    conv.trash_convening(member, convening)
    return Status(204, None)


# == Delegations and delegates ===================================================================


class InviteIn(Schema):
    """Cities to invite: ids of the network's member cities."""

    cities: list[Id] = Field(min_length=1, max_length=1000)


@router.get(C + "/delegations", response=list[DelegationOut], url_name="network_delegations")
def list_delegations(request: HttpRequest, network: str, convening_id: int) -> list[dict[str, Any]]:
    """The convening's delegations by city, against its rule."""
    _, convening = _convening(request, network, convening_id)
    rows = list(conv.delegations(convening).filter(city__deleted_at__isnull=True))
    return _delegation_rows(convening, rows)


@router.post(
    C + "/delegations",
    response={201: list[DelegationOut]},
    url_name="network_delegations_create",
)
def invite_cities(
    request: HttpRequest, network: str, convening_id: int, payload: InviteIn
) -> Status[list[dict[str, Any]]]:
    """Invite cities: one delegation each (staff editors); 422 on `cities` for unknown cities
    and cities invited already."""
    member, convening = _convening(request, network, convening_id)
    made = {d.pk for d in conv.invite(member, convening, payload.cities)}
    rows = [d for d in conv.delegations(convening) if d.pk in made]
    return Status(201, _delegation_rows(convening, rows))


@router.get(D, response=DelegationOut, url_name="network_delegations_detail")
def get_delegation(
    request: HttpRequest, network: str, convening_id: int, delegation_id: int
) -> dict[str, Any]:
    """One delegation against the rule."""
    _, delegation = _delegation(request, network, convening_id, delegation_id)
    return _delegation_rows(delegation.convening, [delegation])[0]


@router.delete(D, response={204: None}, url_name="network_delegations_delete")
def delete_delegation(
    request: HttpRequest, network: str, convening_id: int, delegation_id: int
) -> Status[None]:
    """Withdraw a city's invitation; its delegates and follow-ups go to the trash with it."""
    member, delegation = _delegation(request, network, convening_id, delegation_id)
    conv.trash_delegation(member, delegation)
    return Status(204, None)


class DelegateIn(Schema):
    """A delegate: an official or a local partner. `stakeholder` (a partner picked from the
    city's own workspace) only for an official of the city who is a member of it; its name,
    title and organisation are copied."""

    kind: DelegateKind
    name: str = Field(default="", max_length=200)
    title: str = Field(default="", max_length=200)
    organisation: str = Field(default="", max_length=200)
    email: str = Field(default="", max_length=254)
    stakeholder: Id | None = None


class DelegateOut(Schema):
    """A delegate. `email`, `registration_url`, `dietary_needs` and `access_needs` are null
    unless the caller is on the staff or an official of the delegate's city."""

    id: int
    kind: str
    name: str
    title: str
    organisation: str
    registered_at: dt.datetime | None
    attended: bool | None
    email: str | None
    registration_url: str | None
    dietary_needs: str | None
    access_needs: str | None


def _delegate(delegate: Delegate, private: bool, request: HttpRequest) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": delegate.pk,
        "kind": delegate.kind,
        "name": delegate.name,
        "title": delegate.title,
        "organisation": delegate.organisation,
        "registered_at": delegate.registered_at,
        "attended": delegate.attended,
        "email": None,
        "registration_url": None,
        "dietary_needs": None,
        "access_needs": None,
    }
    if private:
        row.update(
            email=delegate.email,
            registration_url=request.build_absolute_uri(
                reverse("convening-registration", args=[delegate.token])
            ),
            dietary_needs=delegate.dietary_needs,
            access_needs=delegate.access_needs,
        )
    return row


@router.get(D + "/delegates", response=list[DelegateOut], url_name="network_delegates")
def list_delegates(
    request: HttpRequest, network: str, convening_id: int, delegation_id: int
) -> list[dict[str, Any]]:
    """The delegation's delegates by kind and name."""
    member, delegation = _delegation(request, network, convening_id, delegation_id)
    private = conv.can_see_private(member, delegation.city)
    return [_delegate(d, private, request) for d in conv.delegates_of(delegation)]


@router.post(D + "/delegates", response={201: DelegateOut}, url_name="network_delegates_create")
def create_delegate(
    request: HttpRequest, network: str, convening_id: int, delegation_id: int, payload: DelegateIn
) -> Status[dict[str, Any]]:
    """Add a delegate (staff editors and the city's officials); 422 on `name` past capacity."""
    member, delegation = _delegation(request, network, convening_id, delegation_id)
    delegate = conv.save_delegate(member, delegation, payload.dict())
    return Status(201, _delegate(delegate, True, request))


@router.get(
    D + "/delegates/{int:delegate_id}", response=DelegateOut, url_name="network_delegates_detail"
)
def get_delegate(
    request: HttpRequest, network: str, convening_id: int, delegation_id: int, delegate_id: int
) -> dict[str, Any]:
    """One delegate."""
    member, delegation = _delegation(request, network, convening_id, delegation_id)
    delegate = conv.get_delegate(member, delegation, delegate_id)
    return _delegate(delegate, conv.can_see_private(member, delegation.city), request)


@router.delete(
    D + "/delegates/{int:delegate_id}", response={204: None}, url_name="network_delegates_delete"
)
def delete_delegate(
    request: HttpRequest, network: str, convening_id: int, delegation_id: int, delegate_id: int
) -> Status[None]:
    """Move a delegate to the trash (staff editors and the city's officials)."""
    member, delegation = _delegation(request, network, convening_id, delegation_id)
    conv.trash_delegate(member, conv.get_delegate(member, delegation, delegate_id))
    return Status(204, None)


# == Sessions ====================================================================================


class SessionIn(Schema):
    """A session an invited city proposes (staff editors and the city's officials)."""

    city: Id
    title: str = Field(min_length=1, max_length=200)
    challenge: str = Field(default="", max_length=50)
    format: SessionFormat
    description: str = ""


class ReviewIn(Schema):
    """The staff's decision on a session."""

    status: SessionStatus


class ScheduleIn(Schema):
    """A session's room, times (ISO 8601; without an offset, the host city's local time) and
    presenters (delegate ids of the convening)."""

    room: str = Field(min_length=1, max_length=100)
    starts_at: dt.datetime
    ends_at: dt.datetime
    presenters: list[Id] = Field(default=[], max_length=50)


class SessionOut(Schema):
    """A session: proposed, accepted or declined; scheduled when it has a room and times."""

    id: int
    uid: str
    city: int
    city_name: str
    title: str
    challenge: str
    format: str
    description: str
    status: str
    room: str
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None
    presenters: list[int]

    @staticmethod
    def resolve_uid(obj: Session) -> str:
        return str(obj.uid)

    @staticmethod
    def resolve_city_name(obj: Session) -> str:
        return str(obj.city)

    @staticmethod
    def resolve_city(obj: Session) -> int:
        return obj.city_id

    @staticmethod
    def resolve_presenters(obj: Session) -> list[int]:
        return [p.pk for p in obj.presenters.all()]


@router.get(C + "/sessions", response=list[SessionOut], url_name="network_sessions")
def list_sessions(request: HttpRequest, network: str, convening_id: int) -> QuerySet[Session]:
    """The convening's sessions: scheduled ones by time and room, then the others."""
    return conv.sessions(_convening(request, network, convening_id)[1])


@router.post(C + "/sessions", response={201: SessionOut}, url_name="network_sessions_create")
def propose_session(
    request: HttpRequest, network: str, convening_id: int, payload: SessionIn
) -> Status[Session]:
    """Propose a session for an invited city."""
    member, convening = _convening(request, network, convening_id)
    session = conv.propose_session(member, convening, payload.dict())
    return Status(201, conv.get_session(member, convening, session.pk))


@router.get(
    C + "/sessions/{int:session_id}", response=SessionOut, url_name="network_sessions_detail"
)
def get_session(request: HttpRequest, network: str, convening_id: int, session_id: int) -> Session:
    """One session."""
    member, convening = _convening(request, network, convening_id)
    return conv.get_session(member, convening, session_id)


@router.post(
    C + "/sessions/{int:session_id}/review",
    response=SessionOut,
    url_name="network_sessions_review",
)
def review_session(
    request: HttpRequest, network: str, convening_id: int, session_id: int, payload: ReviewIn
) -> Session:
    """Accept, decline or put back a session (staff editors)."""
    member, convening = _convening(request, network, convening_id)
    conv.review_session(member, conv.get_session(member, convening, session_id), payload.status)
    return conv.get_session(member, convening, session_id)


@router.post(
    C + "/sessions/{int:session_id}/schedule",
    response=SessionOut,
    url_name="network_sessions_schedule",
)
def schedule_session(
    request: HttpRequest, network: str, convening_id: int, session_id: int, payload: ScheduleIn
) -> Session:
    """Put a session on the agenda (staff editors); 422 naming `room` or `presenters` when
    double-booked, `starts_at`/`ends_at` outside the convening's days."""
    member, convening = _convening(request, network, convening_id)
    agenda.schedule_session(member, conv.get_session(member, convening, session_id), payload.dict())
    return conv.get_session(member, convening, session_id)


# == Follow-up ===================================================================================


class FollowUpIn(Schema):
    """An idea the delegation will act on."""

    idea: str = Field(min_length=1, max_length=300)
    owner_name: str = Field(min_length=1, max_length=200)
    due_on: dt.date
    status: FollowUpStatus = FollowUpStatus.PLANNED
    notes: str = ""


class FollowUpReviewIn(Schema):
    """A 30-, 90- or 180-day review, with where the idea stands now."""

    days: Whole = Field(description=f"One of {', '.join(map(str, REVIEW_DAYS))}.")
    status: FollowUpStatus | None = None
    on: dt.date | None = Field(
        default=None,
        description="The day of the review: from the convening's last day to the host city's "
        "today (the default).",
    )


class FollowUpOut(Schema):
    """An idea a delegation will act on, its reviews and those due today."""

    id: int
    idea: str
    owner_name: str
    due_on: dt.date
    status: str
    notes: str
    reviewed_30_on: dt.date | None
    reviewed_90_on: dt.date | None
    reviewed_180_on: dt.date | None
    reviews_due: list[int]


def _follow_up(convening: Convening, follow_up: FollowUp) -> dict[str, Any]:
    return {
        **{
            name: getattr(follow_up, name)
            for name in (
                "idea",
                "owner_name",
                "due_on",
                "status",
                "notes",
                "reviewed_30_on",
                "reviewed_90_on",
                "reviewed_180_on",
            )
        },  # fmt: skip
        "id": follow_up.pk,
        "reviews_due": conv.reviews_due(convening, follow_up, timezone.localdate()),
    }


@router.get(D + "/follow-ups", response=list[FollowUpOut], url_name="network_follow_ups")
def list_follow_ups(
    request: HttpRequest, network: str, convening_id: int, delegation_id: int
) -> list[dict[str, Any]]:
    """The delegation's ideas by due date."""
    _, delegation = _delegation(request, network, convening_id, delegation_id)
    return [_follow_up(delegation.convening, f) for f in conv.follow_ups_of(delegation)]


@router.post(D + "/follow-ups", response={201: FollowUpOut}, url_name="network_follow_ups_create")
def create_follow_up(
    request: HttpRequest, network: str, convening_id: int, delegation_id: int, payload: FollowUpIn
) -> Status[dict[str, Any]]:
    """Record an idea (staff editors and the city's officials)."""
    member, delegation = _delegation(request, network, convening_id, delegation_id)
    follow_up = conv.save_follow_up(member, delegation, payload.dict())
    return Status(201, _follow_up(delegation.convening, follow_up))


@router.post(
    D + "/follow-ups/{int:follow_up_id}/reviews",
    response=FollowUpOut,
    url_name="network_follow_ups_review",
)
def review_follow_up(
    request: HttpRequest,
    network: str,
    convening_id: int,
    delegation_id: int,
    follow_up_id: int,
    payload: FollowUpReviewIn,
) -> dict[str, Any]:
    """Record a 30-, 90- or 180-day review (staff editors and the city's officials)."""
    member, delegation = _delegation(request, network, convening_id, delegation_id)
    follow_up = conv.get_follow_up(member, delegation, follow_up_id)
    status = payload.status.value if payload.status is not None else None
    conv.record_review(member, follow_up, payload.days, status, payload.on)
    return _follow_up(delegation.convening, follow_up)
