"""Peer exchanges between member cities (a visit, a call, a study tour, mentoring): logging one,
listing them, and the network's trash for them.

Every function takes the acting `NetworkMember` (access.py) first. Staff editors log an exchange
between any two cities; a city's official logs one that their own city took part in; staff
viewers and other officials read. Cities and exchanges of another network, or in the trash,
answer Http404; bad input raises one ValidationError naming every bad field, with nothing
written. An exchange whose city is in the trash is hidden with it and comes back when the city
is restored.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cityweave.peers.access import NetworkMember
from cityweave.peers.models import ExchangeKind, MemberCity, PeerExchange
from cityweave.workspaces.services import collect_errors

EXCHANGE_FIELDS = ("city_a", "city_b", "kind", "date", "note")
#: How far ahead an exchange may be dated: one being planned is logged once it happened.
MAX_DAYS_AHEAD = 0


def exchanges(member: NetworkMember, city: MemberCity | None = None) -> QuerySet[PeerExchange]:
    """The network's live exchanges between live cities, latest first, both cities loaded;
    only those `city` took part in when given."""
    found = PeerExchange.objects.filter(
        network=member.network,
        city_a__deleted_at__isnull=True,
        city_b__deleted_at__isnull=True,
    )
    if city is not None:
        found = found.filter(Q(city_a=city) | Q(city_b=city))
    return found.select_related("city_a", "city_b", "logged_by").order_by("-date", "-pk")


def get_exchange(member: NetworkMember, pk: int) -> PeerExchange:
    """One live exchange of the network; Http404 otherwise."""
    found = exchanges(member).filter(pk=pk).first()
    if found is None:
        raise Http404("No such exchange")
    return found


def can_log(member: NetworkMember, *cities: MemberCity) -> bool:
    """Staff editors log any exchange; an official one their own city took part in."""
    return member.can_edit or any(city.pk in member.city_ids for city in cities)


def _require_logger(member: NetworkMember, exchange: PeerExchange) -> None:
    if not can_log(member, exchange.city_a, exchange.city_b):
        raise PermissionDenied(
            "Only the network's staff editors and the officials of the two cities can do this."
        )


def _city(member: NetworkMember, value: Any, field: str, errors: dict[str, list[str]]) -> Any:
    """The live city of the network with id `value` (an int or a MemberCity), or None with an
    error on `field`."""
    if isinstance(value, MemberCity):
        value = value.pk
    if value in (None, ""):
        errors[field] = ["Choose a city."]
        return None
    try:
        pk = int(value)
    except (TypeError, ValueError):
        errors[field] = [f"“{value}” is not a city id."]
        return None
    city = MemberCity.objects.filter(network=member.network, pk=pk).first() if pk > 0 else None
    if city is None:
        errors[field] = [f"No city {value} in this network."]
    return city


@transaction.atomic
def save_exchange(
    member: NetworkMember, data: dict[str, Any], instance: PeerExchange | None = None
) -> PeerExchange:
    """Log an exchange (or change one) from `data`: `city_a` and `city_b` (ids of two different
    live cities of the network, or the cities), `kind` (visit, call, study-tour, mentoring,
    other), `date` (a date from 1900, not in the future) and `note` (text, up to 20,000
    characters, no NUL). Staff editors, or an official of either city (of either city before and
    after a change). Fields left out keep their value; every bad field at once
    (ValidationError), nothing written. A duplicate of a live exchange (the same two cities,
    kind and date) is a ValidationError on `date` (422 in the API)."""
    if instance is not None:
        if instance.network_id != member.network.pk or instance.in_trash:
            raise Http404("No such exchange")
        _require_logger(member, instance)
    elif not member.can_edit and not member.city_ids:
        raise PermissionDenied(
            "Only the network's staff editors and the officials of the two cities can do this."
        )
    exchange = instance or PeerExchange(network=member.network, logged_by=member.user)
    errors: dict[str, list[str]] = {}
    for field in ("city_a", "city_b"):
        if field in data or instance is None:
            city = _city(member, data.get(field), field, errors)
            if city is not None:
                setattr(exchange, field, city)
    if "kind" in data or instance is None:
        kind = data.get("kind") or ExchangeKind.VISIT
        if kind not in ExchangeKind.values:
            errors["kind"] = [
                f"Unknown kind “{kind}”; use one of {', '.join(ExchangeKind.values)}."
            ]
        else:
            exchange.kind = kind
    if "date" in data or instance is None:
        day = data.get("date")
        if isinstance(day, str):
            try:
                day = dt.date.fromisoformat(day)
            except ValueError:
                errors["date"] = [f"“{day}” is not a date (YYYY-MM-DD)."]
                day = None
        if isinstance(day, dt.datetime):
            day = day.date()
        if day is None:
            errors.setdefault("date", ["Give the date it took place."])
        elif not isinstance(day, dt.date):
            errors["date"] = ["Give a date (YYYY-MM-DD)."]
        elif day > timezone.localdate() + dt.timedelta(days=MAX_DAYS_AHEAD):
            errors["date"] = [
                "An exchange is logged once it took place: the date is in the future."
            ]
        else:
            exchange.date = day
    if "note" in data:
        note = data.get("note")
        if note is not None and not isinstance(note, str):
            errors["note"] = ["Give the note as text."]
        else:
            exchange.note = (note or "").strip()
    try:
        # The stored-value checks (StorableModel): NUL characters, the 20,000-character limit
        # of free text, dates 1900-2200.
        exchange.full_clean(exclude=[*errors, "city_a", "city_b"], validate_unique=False)
    except ValidationError as error:
        collect_errors(errors, error)
    if not errors and exchange.city_a_id == exchange.city_b_id:
        errors["city_b"] = ["Choose two different cities."]
    if not errors and not can_log(member, exchange.city_a, exchange.city_b):
        errors["city_a"] = ["You can log only the exchanges your own city took part in."]
    if not errors:
        twin = live_twin(exchange)
        if twin is not None:
            errors["date"] = [
                f"This {twin.get_kind_display().lower()} of {twin.city_a} and {twin.city_b} on "
                f"{twin.date:%Y-%m-%d} is logged already."
            ]
    if errors:
        raise ValidationError(errors)
    exchange.save()
    return exchange


def live_twin(exchange: PeerExchange) -> PeerExchange | None:
    """The live exchange, other than `exchange`, between the same two cities (either way round)
    of the same kind on the same date, or None. Such a duplicate is refused with a
    ValidationError on `date` (a 422 in the API, like other field errors, not a 409)."""
    pair = Q(city_a_id=exchange.city_a_id, city_b_id=exchange.city_b_id) | Q(
        city_a_id=exchange.city_b_id, city_b_id=exchange.city_a_id
    )
    return (
        PeerExchange.objects.filter(
            pair, network_id=exchange.network_id, kind=exchange.kind, date=exchange.date
        )
        .exclude(pk=exchange.pk)
        .select_related("city_a", "city_b")
        .first()
    )


@transaction.atomic
def trash_exchange(member: NetworkMember, exchange: PeerExchange) -> uuid.UUID:
    """Move an exchange to the network's trash (a batch of one, restorable); staff editors and
    the officials of its cities."""
    if exchange.network_id != member.network.pk or exchange.in_trash:
        raise Http404("No such exchange")
    _require_logger(member, exchange)
    batch = uuid.uuid4()
    PeerExchange.objects.filter(pk=exchange.pk).update(
        deleted_at=timezone.now(), deletion_batch=batch
    )
    exchange.deleted_at, exchange.deletion_batch = timezone.now(), batch
    return batch


def trashed_exchanges(member: NetworkMember) -> QuerySet[PeerExchange]:
    """The network's exchanges in the trash (between live cities), latest deleted first."""
    return (
        PeerExchange.all_objects.filter(
            network=member.network,
            deleted_at__isnull=False,
            city_a__deleted_at__isnull=True,
            city_b__deleted_at__isnull=True,
        )
        .select_related("city_a", "city_b")
        .order_by("-deleted_at", "-pk")
    )


@transaction.atomic
def restore_exchange(member: NetworkMember, pk: int) -> PeerExchange:
    """Bring an exchange back from the trash; staff editors and the officials of its cities.
    ValidationError on `date` when the same exchange (cities, kind, date) was logged again
    since."""
    exchange = trashed_exchanges(member).filter(pk=pk).first()
    if exchange is None:
        raise Http404("No such exchange in the trash")
    _require_logger(member, exchange)
    if live_twin(exchange) is not None:
        raise ValidationError(
            {"date": f"“{exchange}” was logged again since; delete that one first."}
        )
    PeerExchange.all_objects.filter(pk=exchange.pk).update(deleted_at=None, deletion_batch=None)
    exchange.deleted_at, exchange.deletion_batch = None, None
    return exchange
