"""Convenings of a network of cities, shared by pages, the API and the CLI: the convening itself,
the cities invited (delegations) and their delegates, the delegation rule and capacity checks,
registration through a delegate's personal link, attendance, proposed sessions, and the
follow-up each delegation takes home (ideas moved to action, reviewed at 30, 90 and 180 days).

Seats as in services.py: staff editors run a convening (create, invite, review, record
attendance); a city's officials manage their own delegation's delegates, sessions and
follow-ups; staff viewers and other cities' officials read. Another network's ids and records
in the trash answer Http404; bad input raises one ValidationError naming every bad field, with
nothing written. A partner picked from a city's own workspace is copied onto the delegate (name,
title, organisation): nothing the network shows reads the workspace.
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cityweave.accounts.services import normalise_email
from cityweave.peers import services
from cityweave.peers.access import NetworkMember, require_staff_editor
from cityweave.peers.models import (
    ACTED_ON,
    REVIEW_DAYS,
    Convening,
    Delegate,
    DelegateKind,
    Delegation,
    FollowUp,
    FollowUpStatus,
    MemberCity,
    NetworkRecord,
    Session,
    SessionFormat,
    SessionStatus,
)
from cityweave.stakeholders.models import Stakeholder, label_sectors
from cityweave.storable import MAX_ID, moment_problem
from cityweave.workspaces.models import Membership
from cityweave.workspaces.services import collect_errors

CONVENING_FIELDS = (
    "title",
    "venue",
    "starts_on",
    "ends_on",
    "theme",
    "capacity",
    "officials_required",
    "partners_required",
    "description",
)
CONVENING_TEXT = {"theme", "description"}
DELEGATE_FIELDS = ("kind", "name", "title", "organisation", "email")
REGISTRATION_FIELDS = ("name", "title", "dietary_needs", "access_needs")
SESSION_FIELDS = ("title", "challenge", "format", "description")
FOLLOW_UP_FIELDS = ("idea", "owner_name", "due_on", "status", "notes")
#: The models of a convening, highest first: what trashing and restoring move together.
CONVENING_MODELS: tuple[type[NetworkRecord], ...] = (
    Convening,
    Delegation,
    Delegate,
    Session,
    FollowUp,
)
#: Sectors of a city's workspace a local partner usually comes from, first in the picker.
PARTNER_SECTORS = ("philanthropy", "anchor-institution", "business", "education", "academia")
#: The most stakeholders the partner picker offers.
PARTNER_CHOICES = 300


def _text(value: object) -> object:
    if value is None:
        return ""
    return value.strip() if isinstance(value, str) else value


def _raise(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationError(errors)


def require_delegation_editor(
    member: NetworkMember, city: MemberCity, what: str = "delegation"
) -> None:
    """PermissionDenied unless `member` may change `city`'s `what` at a convening (its
    delegation: delegates and follow-ups; or its sessions): staff editors and the city's
    officials."""
    if not member.can_edit_city(city):
        raise PermissionDenied(
            f"Only the network's staff editors and the officials of {city} can change its {what}."
        )


# == Convenings ==================================================================================


def convening_zone(convening: Convening) -> zoneinfo.ZoneInfo:
    """The time zone a convening's sessions are in: its host city's, else UTC."""
    name = convening.host_city.timezone if convening.host_city_id else ""
    try:
        return zoneinfo.ZoneInfo(name or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def convenings(member: NetworkMember) -> QuerySet[Convening]:
    """The network's live convenings, latest first, their host city loaded and annotated with
    `delegation_count` and `delegate_count` (live ones). Two queries at most, whatever the
    number of convenings."""
    return (
        Convening.objects.filter(network=member.network)
        .select_related("host_city")
        .annotate(
            delegation_count=Count(
                "delegations", filter=Q(delegations__deleted_at__isnull=True), distinct=True
            ),
            delegate_count=Count(
                "delegations__delegates",
                filter=Q(
                    delegations__deleted_at__isnull=True,
                    delegations__delegates__deleted_at__isnull=True,
                ),
                distinct=True,
            ),
        )
        .order_by("-starts_on", "title", "pk")
    )


def split_by_date(
    found: Iterable[Convening], today: dt.date
) -> tuple[list[Convening], list[Convening]]:
    """(upcoming and under way, soonest first; past, latest first) as of `today`."""
    rows = list(found)
    upcoming = sorted((c for c in rows if c.ends_on >= today), key=lambda c: (c.starts_on, c.pk))
    past = [c for c in rows if c.ends_on < today]
    return upcoming, past


def get_convening(member: NetworkMember, pk: int) -> Convening:
    """One live convening of the network, host city loaded; Http404 otherwise."""
    found = (
        Convening.objects.filter(network=member.network, pk=pk).select_related("host_city").first()
    )
    if found is None:
        raise Http404("No such convening")
    found.network = member.network
    return found


def _host_city(member: NetworkMember, value: object) -> MemberCity:
    if isinstance(value, MemberCity):
        value = value.pk
    try:
        pk = int(str(value))
    except (TypeError, ValueError):
        raise ValidationError({"host_city": "Choose the host city."}) from None
    if not 0 < pk <= MAX_ID:
        raise ValidationError({"host_city": "No such city in this network."})
    found = MemberCity.objects.filter(network=member.network, pk=pk).first()
    if found is None:
        raise ValidationError({"host_city": "No such city in this network."})
    return found


@transaction.atomic
def save_convening(
    member: NetworkMember, data: dict[str, Any], instance: Convening | None = None
) -> Convening:
    """Create or update a convening from `data`: CONVENING_FIELDS (dates as `datetime.date`,
    capacity in delegates, the rule's officials and partners per delegation) and `host_city`
    (a member city's id). Fields left out keep their value. Staff editors only; every bad
    field at once (ValidationError), including, for an existing convening, days that would
    leave scheduled sessions outside them (`starts_on`/`ends_on`, with how many) and a
    capacity below its live delegates (`capacity`)."""
    require_staff_editor(member)
    if instance is not None and (instance.network_id != member.network.pk or instance.in_trash):
        raise Http404("No such convening")
    convening = instance or Convening(network=member.network)
    errors: dict[str, list[str]] = {}
    for name in CONVENING_FIELDS:
        if name in data:
            value = data[name]
            if value is None and name in CONVENING_TEXT:
                value = ""
            setattr(convening, name, _text(value))
    if "host_city" in data or instance is None:
        try:
            convening.host_city = _host_city(member, data.get("host_city"))
        except ValidationError as error:
            collect_errors(errors, error)
    if convening.theme:
        known = dict(services.challenge_choices(member.network))
        if convening.theme not in known:
            errors["theme"] = [f"Unknown challenge “{convening.theme}”."]
    try:
        convening.full_clean(exclude=[*errors, "network"])
    except ValidationError as error:
        collect_errors(errors, error)
    if instance is not None:
        _check_change(convening, errors)
    _raise(errors)
    convening.save()
    return convening


def _session_day(moment: dt.datetime, zone: dt.tzinfo, end: bool) -> dt.date:
    """The day of the host city a session's start (or end, `end`) falls on; a session ending
    at midnight ends on the day before (as `agenda.schedule_session` reads it)."""
    local = moment.astimezone(zone)
    if end and local.time() == dt.time(0):
        return local.date() - dt.timedelta(days=1)
    return local.date()


def _check_change(convening: Convening, errors: dict[str, list[str]]) -> None:
    """Refuse (into `errors`) a change to an existing convening that would leave its scheduled
    sessions outside its days (on `starts_on` for those before the first day, `ends_on` for
    those after the last, in the host city's time zone) or its capacity below its live
    delegates (on `capacity`). The convening's row is locked so a delegate added meanwhile
    is counted. Two queries."""
    Convening.objects.select_for_update().filter(pk=convening.pk).first()
    first, last = convening.starts_on, convening.ends_on
    if (
        "starts_on" not in errors
        and "ends_on" not in errors
        and isinstance(first, dt.date)
        and isinstance(last, dt.date)
    ):
        zone = convening_zone(convening)
        before = after = 0
        rows = Session.objects.filter(
            convening=convening, starts_at__isnull=False, ends_at__isnull=False
        ).values_list("starts_at", "ends_at")
        for starts, ends in rows:
            if _session_day(starts, zone, end=False) < first:
                before += 1
            elif _session_day(ends, zone, end=True) > last:
                after += 1
        for name, count, where in (
            ("starts_on", before, f"before {first:%-d %b %Y}"),
            ("ends_on", after, f"after {last:%-d %b %Y}"),
        ):
            if count:
                errors.setdefault(name, []).append(
                    f"{count} scheduled session{'s' if count != 1 else ''} would fall {where}: "
                    "reschedule or take them off the agenda first."
                )
    if "capacity" not in errors and isinstance(convening.capacity, int):
        used = delegate_count(convening)
        if convening.capacity < used:
            errors.setdefault("capacity", []).append(
                f"The convening has {used} delegates: the capacity cannot be lower."
            )


def _trash(records: Iterable[QuerySet[Any]]) -> uuid.UUID:
    batch, now = uuid.uuid4(), timezone.now()
    for queryset in records:
        queryset.filter(deleted_at__isnull=True).update(deleted_at=now, deletion_batch=batch)
    return batch


@transaction.atomic
def trash_convening(member: NetworkMember, convening: Convening) -> uuid.UUID:
    """Move a convening with its delegations, delegates, sessions and follow-ups to the
    network's trash (one restorable batch); staff editors only."""
    require_staff_editor(member)
    if convening.network_id != member.network.pk or convening.in_trash:
        raise Http404("No such convening")
    return _trash(
        [
            FollowUp.objects.filter(delegation__convening=convening),
            Session.objects.filter(convening=convening),
            Delegate.objects.filter(delegation__convening=convening),
            Delegation.objects.filter(convening=convening),
            Convening.objects.filter(pk=convening.pk),
        ]
    )


@dataclass(frozen=True)
class TrashedItem:
    """One deletion among the convenings' records: the record that was deleted (the highest of
    its batch), what it is, and where it belonged."""

    kind: str
    record: NetworkRecord
    context: str


def trashed(member: NetworkMember) -> list[TrashedItem]:
    """The convenings' deletions, latest first: one item per batch, the batch's highest record,
    leaving out those whose convening or delegation is itself in the trash (they come back
    with it). Five queries."""
    heads: dict[uuid.UUID, TrashedItem] = {}
    kinds = {
        Convening: "convening",
        Delegation: "delegation",
        Delegate: "delegate",
        Session: "session",
        FollowUp: "follow-up",
    }
    related = {
        Convening: ("host_city",),
        Delegation: ("convening", "city"),
        Delegate: ("delegation__convening", "delegation__city"),
        Session: ("convening", "city"),
        FollowUp: ("delegation__convening", "delegation__city"),
    }
    for model in CONVENING_MODELS:
        rows = model.all_objects.filter(
            network=member.network, deleted_at__isnull=False
        ).select_related(*related[model])
        for row in rows:
            batch = row.deletion_batch
            if batch in heads:
                continue
            context = _context(row)
            if context is None:
                continue
            heads[batch] = TrashedItem(kinds[model], row, context)
    return sorted(heads.values(), key=lambda i: (i.record.deleted_at, i.record.pk), reverse=True)


def _context(row: NetworkRecord) -> str | None:
    """Where a trashed record belonged, or None when its container is in the trash too (in
    another batch) so it comes back with it."""
    if isinstance(row, Convening):
        return str(row.host_city)
    if isinstance(row, Delegation | Session):
        return None if row.convening.in_trash else str(row.convening)
    assert isinstance(row, Delegate | FollowUp)
    delegation = row.delegation
    if delegation.in_trash and delegation.deletion_batch != row.deletion_batch:
        return None
    if delegation.convening.in_trash:
        return None
    return f"{delegation.city} at {delegation.convening}"


@transaction.atomic
def restore(member: NetworkMember, kind: str, pk: int) -> NetworkRecord:
    """Bring a trashed convening record back with everything trashed with it (its batch):
    `kind` is convening, delegation, delegate, session or follow-up. Staff editors only.
    Http404 when there is no such record in the trash or its container is in the trash;
    ValidationError on `city` when the city has been invited again since, or is in the trash."""
    require_staff_editor(member)
    models = {
        "convening": Convening,
        "delegation": Delegation,
        "delegate": Delegate,
        "session": Session,
        "follow-up": FollowUp,
    }
    model = models.get(kind)
    if model is None:
        raise Http404("No such kind of record")
    record = model.all_objects.filter(
        network=member.network, pk=pk, deleted_at__isnull=False
    ).first()
    if record is None or not any(i.record == record for i in trashed(member)):
        raise Http404("No such record in the trash")
    batch = record.deletion_batch
    coming = Delegation.all_objects.filter(network=member.network, deletion_batch=batch)
    for delegation in coming.select_related("city"):
        if delegation.city.in_trash:
            raise ValidationError({"city": f"{delegation.city} is in the trash; restore it first."})
        twin = Delegation.objects.filter(
            convening_id=delegation.convening_id, city_id=delegation.city_id
        )
        if twin.exists():
            raise ValidationError(
                {"city": f"{delegation.city} has been invited again since; remove that first."}
            )
    for each in CONVENING_MODELS:
        each.all_objects.filter(network=member.network, deletion_batch=batch).update(
            deleted_at=None, deletion_batch=None
        )
    record.deleted_at, record.deletion_batch = None, None
    return record


# == Delegations =================================================================================


def delegations(convening: Convening) -> QuerySet[Delegation]:
    """The convening's live delegations by city name, each with its city, its live delegates
    (`delegates_live`, by kind then name) and live follow-ups (`follow_ups_live`, by due date)
    loaded. Three queries."""
    return (
        Delegation.objects.filter(convening=convening)
        .select_related("city")
        .prefetch_related(
            Prefetch(
                "delegates",
                queryset=Delegate.objects.order_by("kind", "name", "pk"),
                to_attr="delegates_live",
            ),
            Prefetch(
                "follow_ups",
                queryset=FollowUp.objects.order_by("due_on", "pk"),
                to_attr="follow_ups_live",
            ),
        )
        .order_by("city__name", "city__region", "pk")
    )


def get_delegation(member: NetworkMember, convening: Convening, pk: int) -> Delegation:
    """One live delegation of the convening (its city live), with delegates and follow-ups
    loaded; Http404 otherwise."""
    found = delegations(convening).filter(pk=pk, city__deleted_at__isnull=True).first()
    if found is None or convening.network_id != member.network.pk:
        raise Http404("No such delegation")
    found.convening = convening
    return found


def delegation_of(member: NetworkMember, convening: Convening, city: MemberCity) -> Delegation:
    """The convening's live delegation of `city`; Http404 when the city is not invited."""
    found = delegations(convening).filter(city=city).first()
    if found is None:
        raise Http404("This city is not invited to the convening")
    found.convening = convening
    return found


def uninvited_cities(member: NetworkMember, convening: Convening) -> QuerySet[MemberCity]:
    """The network's live cities without a live delegation to the convening, by name."""
    invited = Delegation.objects.filter(convening=convening).values("city_id")
    return (
        MemberCity.objects.filter(network=member.network)
        .exclude(pk__in=invited)
        .order_by("name", "region", "pk")
    )


@transaction.atomic
def invite(
    member: NetworkMember, convening: Convening, city_ids: Iterable[int]
) -> list[Delegation]:
    """Invite cities (ids of the network's live member cities) to the convening: one delegation
    each. Staff editors only. ValidationError on `cities` naming ids that are no city of the
    network and cities invited already; nothing is written then."""
    require_staff_editor(member)
    if convening.network_id != member.network.pk or convening.in_trash:
        raise Http404("No such convening")
    wanted = list(dict.fromkeys(int(pk) for pk in city_ids))
    if not wanted:
        raise ValidationError({"cities": "Choose at least one city to invite."})
    found = {c.pk: c for c in MemberCity.objects.filter(network=member.network, pk__in=wanted)}
    unknown = [str(pk) for pk in wanted if pk not in found]
    if unknown:
        raise ValidationError({"cities": f"No such city in this network: {', '.join(unknown)}."})
    already = Delegation.objects.filter(convening=convening, city_id__in=wanted).select_related(
        "city"
    )
    names = sorted(str(d.city) for d in already)
    if names:
        raise ValidationError({"cities": f"Invited already: {', '.join(names)}."})
    return Delegation.objects.bulk_create(
        Delegation(network=member.network, convening=convening, city=found[pk]) for pk in wanted
    )


@transaction.atomic
def trash_delegation(member: NetworkMember, delegation: Delegation) -> uuid.UUID:
    """Withdraw a city's invitation: its delegation, delegates and follow-ups go to the trash
    (one restorable batch). Staff editors only."""
    require_staff_editor(member)
    if delegation.network_id != member.network.pk or delegation.in_trash:
        raise Http404("No such delegation")
    return _trash(
        [
            FollowUp.objects.filter(delegation=delegation),
            Delegate.objects.filter(delegation=delegation),
            Delegation.objects.filter(pk=delegation.pk),
        ]
    )


# == The delegation rule and capacity ============================================================


@dataclass
class DelegationCheck:
    """A delegation against its convening's rule: how many officials and partners it has, and
    the problems in words ("1 official of 2"); `ok` when there are none."""

    delegation: Delegation
    officials: int
    partners: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def check_delegation(convening: Convening, delegation: Delegation) -> DelegationCheck:
    """Whether `delegation` meets the convening's rule: at least `officials_required` officials
    and `partners_required` local partners (from `delegates_live` when loaded). No query when
    loaded."""
    people = delegates_of(delegation)
    officials = sum(1 for d in people if d.kind == DelegateKind.OFFICIAL)
    partners = sum(1 for d in people if d.kind == DelegateKind.PARTNER)
    check = DelegationCheck(delegation, officials, partners)
    if officials < convening.officials_required:
        check.problems.append(
            f"{officials} official{'s' if officials != 1 else ''} of {convening.officials_required}"
        )
    if partners < convening.partners_required:
        check.problems.append(
            f"{partners} local partner{'s' if partners != 1 else ''} of "
            f"{convening.partners_required}"
        )
    return check


def delegates_of(delegation: Delegation) -> list[Delegate]:
    """The delegation's live delegates: the `delegates_live` a `delegations` prefetch loaded, else
    read now (one query)."""
    loaded = getattr(delegation, "delegates_live", None)
    return list(loaded) if loaded is not None else list(delegation.delegates.all())


def follow_ups_of(delegation: Delegation) -> list[FollowUp]:
    """The delegation's live follow-ups by due date: the `follow_ups_live` a `delegations`
    prefetch loaded, else read now (one query)."""
    loaded = getattr(delegation, "follow_ups_live", None)
    if loaded is not None:
        return list(loaded)
    return list(delegation.follow_ups.order_by("due_on", "pk"))


def delegate_count(convening: Convening) -> int:
    """The convening's live delegates in live delegations (one query)."""
    return Delegate.objects.filter(
        delegation__convening=convening,
        delegation__deleted_at__isnull=True,
        delegation__city__deleted_at__isnull=True,
    ).count()


# == Delegates ===================================================================================


def partner_workspace(member: NetworkMember, city: MemberCity) -> Any:
    """The city's own workspace when `member` may pick local partners from it: an official of
    the city who is also a member of that workspace (staff never see it); None otherwise."""
    if city.pk not in member.city_ids or city.workspace_id is None:
        return None
    seat = (
        Membership.objects.filter(user=member.user, workspace_id=city.workspace_id)
        .select_related("workspace")
        .first()
    )
    return seat.workspace if seat is not None else None


def partner_candidates(member: NetworkMember, city: MemberCity) -> list[Stakeholder]:
    """Organisations of the city's workspace a local partner can come from (foundations,
    anchor institutions, businesses first, then by name; at most PARTNER_CHOICES), or [] when
    `member` may not pick from it (partner_workspace)."""
    workspace = partner_workspace(member, city)
    if workspace is None:
        return []
    rows = list(
        Stakeholder.objects.filter(workspace=workspace, is_internal=False).order_by(
            "sort_name", "pk"
        )[:2000]
    )
    rank = {key: i for i, key in enumerate(PARTNER_SECTORS)}
    rows.sort(key=lambda s: (s.kind != "organisation", rank.get(s.sector, len(rank))))
    chosen = rows[:PARTNER_CHOICES]
    label_sectors(chosen)
    return chosen


def _pick(member: NetworkMember, city: MemberCity, value: object) -> Stakeholder:
    """The stakeholder `value` (an id) of the city's workspace, for an official of the city who
    is a member of it; ValidationError on `stakeholder` otherwise (the same answer whether the
    stakeholder exists or not, so nothing of the workspace leaks)."""
    workspace = partner_workspace(member, city)
    refused = ValidationError(
        {
            "stakeholder": "Only an official of this city who is a member of its workspace can "
            "pick a partner from it."
        }
    )
    if workspace is None:
        raise refused
    try:
        pk = int(str(value))
    except (TypeError, ValueError):
        raise ValidationError({"stakeholder": "Choose a stakeholder of the workspace."}) from None
    if not 0 < pk <= MAX_ID:
        raise ValidationError({"stakeholder": "No such stakeholder in the city's workspace."})
    found = (
        Stakeholder.objects.filter(workspace=workspace, pk=pk)
        .prefetch_related("organisations")
        .first()
    )
    if found is None:
        raise ValidationError({"stakeholder": "No such stakeholder in the city's workspace."})
    return found


def copy_partner(delegate: Delegate, stakeholder: Stakeholder) -> None:
    """Copy what the network needs of a workspace's stakeholder onto the delegate: a person's
    name, title and first organisation; an organisation's name (the delegate's own name stays
    what was typed, or the organisation's when none was)."""
    delegate.stakeholder = stakeholder
    if stakeholder.kind == Stakeholder.Kind.PERSON:
        delegate.name = stakeholder.name
        delegate.title = delegate.title or stakeholder.title
        organisations = [o for o in stakeholder.organisations.all() if o.deleted_at is None]
        if organisations and not delegate.organisation:
            delegate.organisation = organisations[0].name
    else:
        delegate.organisation = stakeholder.name
        delegate.name = delegate.name or stakeholder.name


@transaction.atomic
def save_delegate(
    member: NetworkMember,
    delegation: Delegation,
    data: dict[str, Any],
    instance: Delegate | None = None,
) -> Delegate:
    """Add or update a delegate of the delegation from `data`: `kind` (official or partner),
    `name`, `title`, `organisation`, `email`, and for a partner optionally `stakeholder` (the id
    of a stakeholder of the city's own workspace, which only an official of the city who is a
    member of that workspace may give; its name and organisation are copied). Staff editors and
    the city's officials. A new delegate past the convening's capacity is refused (on `name`).
    Every bad field at once."""
    if delegation.network_id != member.network.pk or delegation.in_trash:
        raise Http404("No such delegation")
    require_delegation_editor(member, delegation.city)
    if instance is not None and (instance.delegation_id != delegation.pk or instance.in_trash):
        raise Http404("No such delegate")
    convening = Convening.objects.select_for_update().get(pk=delegation.convening_id)
    delegate = instance or Delegate(network=member.network, delegation=delegation)
    errors: dict[str, list[str]] = {}
    for name in DELEGATE_FIELDS:
        if name in data:
            setattr(delegate, name, _text(data[name]))
    if delegate.email:
        try:
            delegate.email = normalise_email(delegate.email)
        except ValidationError as error:
            collect_errors(errors, error)
    if data.get("stakeholder") not in (None, ""):
        if delegate.kind != DelegateKind.PARTNER:
            errors["stakeholder"] = ["Only a local partner is picked from the workspace."]
        else:
            try:
                copy_partner(delegate, _pick(member, delegation.city, data["stakeholder"]))
            except ValidationError as error:
                collect_errors(errors, error)
    try:
        delegate.full_clean(exclude=[*errors, "network", "delegation"])
    except ValidationError as error:
        collect_errors(errors, error)
    if instance is None and not errors and delegate_count(convening) >= convening.capacity:
        errors["name"] = [f"The convening is full: its capacity is {convening.capacity} delegates."]
    _raise(errors)
    delegate.save()
    return delegate


def get_delegate(member: NetworkMember, delegation: Delegation, pk: int) -> Delegate:
    """One live delegate of the delegation; Http404 otherwise."""
    found = Delegate.objects.filter(delegation=delegation, pk=pk).first()
    if found is None:
        raise Http404("No such delegate")
    found.delegation = delegation
    return found


@transaction.atomic
def trash_delegate(member: NetworkMember, delegate: Delegate) -> uuid.UUID:
    """Move a delegate to the trash; staff editors and the city's officials."""
    if delegate.network_id != member.network.pk or delegate.in_trash:
        raise Http404("No such delegate")
    require_delegation_editor(member, delegate.delegation.city)
    return _trash([Delegate.objects.filter(pk=delegate.pk)])


def can_see_private(member: NetworkMember, city: MemberCity) -> bool:
    """Whether `member` sees a delegation's emails, personal links and needs: the network's
    staff and the city's own officials."""
    return member.is_staff or city.pk in member.city_ids


# == Registration and attendance =================================================================


def delegate_for_token(token: str) -> Delegate | None:
    """The live delegate whose personal link has `token` (its delegation, city and convening
    live), with them loaded; None otherwise (unknown, withdrawn, too long)."""
    if not token or len(token) > 64:
        return None
    return (
        Delegate.objects.filter(
            token=token,
            delegation__deleted_at__isnull=True,
            delegation__convening__deleted_at__isnull=True,
            delegation__city__deleted_at__isnull=True,
        )
        .select_related("delegation__city", "delegation__convening__host_city", "network")
        .first()
    )


def registration_open(delegate: Delegate, today: dt.date) -> bool:
    """A delegate registers (or changes their details) until the convening's last day."""
    return today <= delegate.delegation.convening.ends_on


@transaction.atomic
def register(delegate: Delegate, data: dict[str, Any], today: dt.date) -> Delegate:
    """Record a delegate's registration through their personal link: `name`, `title`,
    `dietary_needs`, `access_needs` (the last two optional). ValidationError naming each bad
    field; on `__all__` once the convening is over."""
    if not registration_open(delegate, today):
        raise ValidationError("The convening is over: registration has closed.")
    errors: dict[str, list[str]] = {}
    for name in REGISTRATION_FIELDS:
        if name in data:
            setattr(delegate, name, _text(data[name]))
    try:
        delegate.full_clean(exclude=["network", "delegation", "stakeholder"])
    except ValidationError as error:
        collect_errors(errors, error)
    _raise(errors)
    delegate.registered_at = delegate.registered_at or timezone.now()
    delegate.save()
    return delegate


def badges(convening: Convening) -> QuerySet[Delegate]:
    """The convening's live delegates in live delegations, by city then kind and name, each with
    its city loaded: the badges to print (one query)."""
    return (
        Delegate.objects.filter(
            delegation__convening=convening,
            delegation__deleted_at__isnull=True,
            delegation__city__deleted_at__isnull=True,
        )
        .select_related("delegation__city")
        .order_by("delegation__city__name", "delegation__city__region", "kind", "name", "pk")
    )


@transaction.atomic
def record_attendance(
    member: NetworkMember, convening: Convening, attended: dict[int, bool | None], today: dt.date
) -> int:
    """Record who came: `attended` maps delegate ids of the convening to True (came), False (did
    not) or None (not recorded). From the convening's first day on; staff editors only.
    ValidationError on `attended` before then or for ids that are no delegate of it. Returns
    how many delegates changed."""
    require_staff_editor(member)
    if convening.network_id != member.network.pk or convening.in_trash:
        raise Http404("No such convening")
    if today < convening.starts_on:
        raise ValidationError(
            {
                "attended": f"Attendance is recorded from the first day, {convening.starts_on:%-d %b %Y}."
            }
        )
    rows = {d.pk: d for d in badges(convening).filter(pk__in=list(attended))}
    unknown = sorted(str(pk) for pk in attended if pk not in rows)
    if unknown:
        raise ValidationError(
            {"attended": f"No such delegate of this convening: {', '.join(unknown)}."}
        )
    changed = [d for pk, d in rows.items() if d.attended is not attended[pk]]
    for delegate in changed:
        delegate.attended = attended[delegate.pk]
    if changed:
        Delegate.objects.bulk_update(changed, ["attended"])
    return len(changed)


# == Sessions (proposals and review; the agenda is in agenda.py) =================================


def sessions(convening: Convening) -> QuerySet[Session]:
    """The convening's live sessions, scheduled ones by time and room first, then the others by
    title; their proposing city and live presenters (with their cities) loaded. Three queries."""
    return (
        Session.objects.filter(convening=convening)
        .select_related("city")
        .prefetch_related(
            Prefetch(
                "presenters",
                queryset=Delegate.objects.select_related("delegation__city").order_by("name"),
            )
        )
        .order_by(F("starts_at").asc(nulls_last=True), "room", "title", "pk")
    )


def get_session(member: NetworkMember, convening: Convening, pk: int) -> Session:
    """One live session of the convening; Http404 otherwise."""
    found = sessions(convening).filter(pk=pk).first()
    if found is None or convening.network_id != member.network.pk:
        raise Http404("No such session")
    found.convening = convening
    return found


def proposing_cities(member: NetworkMember, convening: Convening) -> list[MemberCity]:
    """The invited cities `member` may propose a session for: every one for staff editors,
    else those they are an official of."""
    invited = [d.city for d in delegations(convening).filter(city__deleted_at__isnull=True)]
    return [c for c in invited if member.can_edit_city(c)]


@transaction.atomic
def propose_session(
    member: NetworkMember,
    convening: Convening,
    data: dict[str, Any],
    instance: Session | None = None,
) -> Session:
    """Propose a session (or change a proposal) from `data`: `city` (the id of an invited city),
    `title`, `challenge` (a key, optional), `format` (SessionFormat) and `description`. Staff
    editors and the proposing city's officials; a city's officials change their proposal only
    while it is not accepted. Every bad field at once."""
    if convening.network_id != member.network.pk or convening.in_trash:
        raise Http404("No such convening")
    if instance is not None and (instance.convening_id != convening.pk or instance.in_trash):
        raise Http404("No such session")
    session = instance or Session(network=member.network, convening=convening)
    errors: dict[str, list[str]] = {}
    if "city" in data or instance is None:
        allowed = {c.pk: c for c in proposing_cities(member, convening)}
        try:
            city_id = int(str(data.get("city")))
        except (TypeError, ValueError):
            city_id = None
        if not allowed:
            raise PermissionDenied(
                "Only the network's staff editors and invited cities' officials propose sessions."
            )
        if city_id not in allowed:
            errors["city"] = ["Choose an invited city you speak for."]
        else:
            session.city = allowed[city_id]
    if instance is not None:
        require_delegation_editor(member, instance.city, "sessions")
        if not member.can_edit and instance.status == SessionStatus.ACCEPTED:
            raise ValidationError(
                {"title": "The session is accepted: ask the network's staff to change it."}
            )
    for name in SESSION_FIELDS:
        if name in data:
            setattr(session, name, _text(data[name]))
    if session.challenge and session.challenge not in dict(
        services.challenge_choices(member.network)
    ):
        errors["challenge"] = [f"Unknown challenge “{session.challenge}”."]
    if session.format and session.format not in SessionFormat.values:
        errors["format"] = [f"Use one of {', '.join(SessionFormat.values)}."]
    try:
        session.full_clean(
            exclude=[*errors, "network", "convening", "city", "starts_at", "ends_at", "room"]
        )
    except ValidationError as error:
        collect_errors(errors, error)
    _raise(errors)
    session.save()
    return session


@transaction.atomic
def review_session(member: NetworkMember, session: Session, status: str) -> Session:
    """Accept, decline or put back a proposed session (staff editors). Declining or putting
    back a session takes it off the agenda (its room, time and presenters are cleared).
    ValidationError on `status`."""
    require_staff_editor(member)
    if session.network_id != member.network.pk or session.in_trash:
        raise Http404("No such session")
    if status not in SessionStatus.values:
        raise ValidationError({"status": f"Use one of {', '.join(SessionStatus.values)}."})
    session.status = status
    if status != SessionStatus.ACCEPTED:
        session.room, session.starts_at, session.ends_at = "", None, None
        session.presenters.clear()
    session.save()
    return session


@transaction.atomic
def trash_session(member: NetworkMember, session: Session) -> uuid.UUID:
    """Move a session to the trash: staff editors, or the proposing city's officials while it
    is not accepted."""
    if session.network_id != member.network.pk or session.in_trash:
        raise Http404("No such session")
    require_delegation_editor(member, session.city, "sessions")
    if not member.can_edit and session.status == SessionStatus.ACCEPTED:
        raise ValidationError({"status": "The session is accepted: ask the network's staff."})
    return _trash([Session.objects.filter(pk=session.pk)])


# == Follow-up ===================================================================================


def get_follow_up(member: NetworkMember, delegation: Delegation, pk: int) -> FollowUp:
    """One live follow-up of the delegation; Http404 otherwise."""
    found = FollowUp.objects.filter(delegation=delegation, pk=pk).first()
    if found is None:
        raise Http404("No such follow-up")
    found.delegation = delegation
    return found


@transaction.atomic
def save_follow_up(
    member: NetworkMember,
    delegation: Delegation,
    data: dict[str, Any],
    instance: FollowUp | None = None,
) -> FollowUp:
    """Add or update an idea the delegation will act on: `idea`, `owner_name`, `due_on` (a
    date), `status` (planned, in-progress, done, dropped) and `notes`. Staff editors and the
    city's officials. Every bad field at once."""
    if delegation.network_id != member.network.pk or delegation.in_trash:
        raise Http404("No such delegation")
    require_delegation_editor(member, delegation.city)
    if instance is not None and (instance.delegation_id != delegation.pk or instance.in_trash):
        raise Http404("No such follow-up")
    follow_up = instance or FollowUp(network=member.network, delegation=delegation)
    for name in FOLLOW_UP_FIELDS:
        if name in data:
            value = data[name]
            if value is None and name == "notes":
                value = ""
            setattr(follow_up, name, _text(value))
    errors: dict[str, list[str]] = {}
    try:
        follow_up.full_clean(exclude=["network", "delegation"])
    except ValidationError as error:
        collect_errors(errors, error)
    _raise(errors)
    follow_up.save()
    return follow_up


@transaction.atomic
def trash_follow_up(member: NetworkMember, follow_up: FollowUp) -> uuid.UUID:
    """Move a follow-up to the trash; staff editors and the city's officials."""
    if follow_up.network_id != member.network.pk or follow_up.in_trash:
        raise Http404("No such follow-up")
    require_delegation_editor(member, follow_up.delegation.city)
    return _trash([FollowUp.objects.filter(pk=follow_up.pk)])


def review_dates(convening: Convening) -> dict[int, dt.date]:
    """When each review falls: REVIEW_DAYS days after the convening's last day."""
    return {days: convening.ends_on + dt.timedelta(days=days) for days in REVIEW_DAYS}


def reviews_due(convening: Convening, follow_up: FollowUp, today: dt.date) -> list[int]:
    """The reviews of a follow-up that are due and not recorded as of `today` (30, 90, 180:
    days after the convening's last day). A done or dropped idea needs no more review."""
    if follow_up.status in (FollowUpStatus.DONE, FollowUpStatus.DROPPED):
        return []
    return [
        days
        for days, on in review_dates(convening).items()
        if on <= today and getattr(follow_up, f"reviewed_{days}_on") is None
    ]


@transaction.atomic
def record_review(
    member: NetworkMember,
    follow_up: FollowUp,
    days: int,
    status: str | None = None,
    on: dt.date | None = None,
) -> FollowUp:
    """Record the `days`-day review (30, 90 or 180) of a follow-up on `on` (the host city's
    today by default), optionally with its new `status`. Staff editors and the city's
    officials. ValidationError on `days` or `status`, and on `on` for a day before the
    convening's last day or after the host city's today."""
    if follow_up.network_id != member.network.pk or follow_up.in_trash:
        raise Http404("No such follow-up")
    require_delegation_editor(member, follow_up.delegation.city)
    if days not in REVIEW_DAYS:
        raise ValidationError({"days": f"Use one of {', '.join(map(str, REVIEW_DAYS))}."})
    if status is not None and status not in FollowUpStatus.values:
        raise ValidationError({"status": f"Use one of {', '.join(FollowUpStatus.values)}."})
    problem = moment_problem(on) if on is not None else None
    if problem:
        raise ValidationError({"on": problem})
    convening = follow_up.delegation.convening
    today = timezone.localdate(timezone=convening_zone(convening))
    day = on or today
    if day < convening.ends_on:
        raise ValidationError(
            {
                "on": f"A review comes after the convening: on or after {convening.ends_on:%-d %b %Y}."
            }
        )
    if day > today:
        raise ValidationError(
            {"on": f"A review is recorded once it is done: {day:%-d %b %Y} is in the future."}
        )
    setattr(follow_up, f"reviewed_{days}_on", day)
    if status is not None:
        follow_up.status = status
    follow_up.save()
    return follow_up


@dataclass(frozen=True)
class ActionRate:
    """Ideas moved to action: `acted` (in progress or done) of `ideas` (all live ideas, dropped
    ones included), and the share as a whole percentage (None without ideas)."""

    label: str
    acted: int
    ideas: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.acted / self.ideas) if self.ideas else None


def action_by_city(rows: Iterable[Delegation]) -> tuple[list[ActionRate], ActionRate]:
    """Ideas moved to action by city (delegations with `follow_ups_live` loaded, no query) and
    over them all: acted = in progress or done; share = acted ÷ all ideas."""
    by_city = []
    for delegation in rows:
        ideas = follow_ups_of(delegation)
        acted = sum(1 for f in ideas if f.status in ACTED_ON)
        by_city.append(ActionRate(str(delegation.city), acted, len(ideas)))
    total = ActionRate("All cities", sum(r.acted for r in by_city), sum(r.ideas for r in by_city))
    return by_city, total


def network_action(totals: dict[int, ActionRate]) -> ActionRate:
    """Ideas moved to action over all the network's convenings (from `action_totals`)."""
    rates = list(totals.values())
    return ActionRate("All convenings", sum(r.acted for r in rates), sum(r.ideas for r in rates))


def action_totals(member: NetworkMember) -> dict[int, ActionRate]:
    """Ideas moved to action for each live convening of the network, by convening id (one
    query, whatever the number of convenings)."""
    rows = (
        FollowUp.objects.filter(
            network=member.network,
            delegation__deleted_at__isnull=True,
            delegation__convening__deleted_at__isnull=True,
        )
        .values("delegation__convening_id")
        .annotate(ideas=Count("pk"), acted=Count("pk", filter=Q(status__in=ACTED_ON)))
    )
    return {
        r["delegation__convening_id"]: ActionRate("All cities", r["acted"], r["ideas"])
        for r in rows
    }
