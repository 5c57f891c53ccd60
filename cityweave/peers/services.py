"""Network-of-cities operations shared by pages, the API and the CLI: networks and their staff,
the challenge taxonomy, member cities with their challenges, strengths and officials, and the
network's trash.

Every function takes the acting `NetworkMember` (access.py) first. Writes need the right seat
(PermissionDenied otherwise): staff editors change anything, a city's officials change only that
city's profile and strengths, owners manage staff and restore. Records of another network or in
the trash answer Http404; bad input raises one ValidationError naming every bad field, with
nothing written.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from cityweave.accounts.models import User
from cityweave.accounts.services import normalise_email
from cityweave.peers.access import (
    NetworkMember,
    require_city_editor,
    require_staff_editor,
    require_staff_owner,
)
from cityweave.peers.models import (
    BuiltInChallenge,
    Challenge,
    CityChallenge,
    CityNetwork,
    CityOfficial,
    MemberCity,
    NetworkRecord,
    NetworkStaff,
    Strength,
)
from cityweave.workspaces.models import Membership, Role
from cityweave.workspaces.services import collect_errors

#: A city's profile fields that pages, the API and the CLI may set.
CITY_FIELDS = ("name", "region", "country", "population", "timezone", "officials", "partners")
#: Profile fields that are text and may be left empty ("" for None).
CITY_TEXT = {"region", "timezone", "officials", "partners"}
STRENGTH_FIELDS = ("challenge", "description", "evidence")


# == Networks and their staff ====================================================================


@transaction.atomic
def create_network(name: str, slug: str, owner: User | None = None) -> CityNetwork:
    """Create a network after validating its fields; `owner` (if given) joins its staff as owner.
    For the CLI and the admin, which act for the installation rather than for a member."""
    network = CityNetwork(name=name, slug=slug)
    if CityNetwork.objects.filter(slug=slug).exists():
        raise ValidationError({"slug": f"There is a network “{slug}” already."})
    network.full_clean(validate_unique=False)
    network.save()
    if owner is not None:
        NetworkStaff.objects.create(network=network, user=owner, role=Role.OWNER)
    return network


@dataclass(frozen=True)
class NetworkSeat:
    """A network a user belongs to, and how: "Staff: owner" or "City official" (with the cities)."""

    network: CityNetwork
    role_label: str
    cities: list[str]


def networks_of(user: User) -> list[NetworkSeat]:
    """The networks `user` has a seat in, by name, with their role; two queries."""
    seats: dict[int, NetworkSeat] = {}
    for staff in NetworkStaff.objects.filter(user=user).select_related("network"):
        seats[staff.network_id] = NetworkSeat(
            staff.network, f"Staff: {staff.get_role_display().lower()}", []
        )
    officials = CityOfficial.objects.filter(
        user=user, city__deleted_at__isnull=True
    ).select_related("city__network")
    for seat in officials:
        network = seat.city.network
        found = seats.setdefault(network.pk, NetworkSeat(network, "City official", []))
        found.cities.append(str(seat.city))
    return sorted(seats.values(), key=lambda s: (s.network.name.casefold(), s.network.pk))


def staff(member: NetworkMember) -> QuerySet[NetworkStaff]:
    """The network's staff, by email (any seat may read who they are)."""
    return (
        NetworkStaff.objects.filter(network=member.network)
        .select_related("user")
        .order_by("user__email")
    )


def _user_for(email: str) -> User:
    """The user with `email`, or a new account with no password (to be set through the
    password-reset page). ValidationError on `email` when it is not an address."""
    address = normalise_email(email)
    user = User.objects.filter(email=address).first()
    return user if user is not None else User.objects.create_user(address)


@transaction.atomic
def add_staff(member: NetworkMember, email: str, role: str) -> NetworkStaff:
    """Give the person with `email` a staff role (owner, editor or viewer); owners only.
    ValidationError on `email` (not an address, already on the staff) or `role`."""
    require_staff_owner(member)
    errors: dict[str, list[str]] = {}
    if role not in Role.values:
        errors["role"] = [f"Unknown role “{role}”; use one of {', '.join(Role.values)}."]
    try:
        address = normalise_email(email)
    except ValidationError as error:
        collect_errors(errors, error)
    else:
        if NetworkStaff.objects.filter(network=member.network, user__email=address).exists():
            errors["email"] = [f"{address} is on the network's staff already."]
    if errors:
        raise ValidationError(errors)
    return NetworkStaff.objects.create(network=member.network, user=_user_for(email), role=role)


@transaction.atomic
def remove_staff(member: NetworkMember, pk: int) -> None:
    """Take someone off the staff; never the last owner. Owners only."""
    require_staff_owner(member)
    seat = NetworkStaff.objects.select_for_update().filter(network=member.network, pk=pk).first()
    if seat is None:
        raise Http404("No such staff member")
    if seat.role == Role.OWNER:
        owners = NetworkStaff.objects.filter(network=member.network, role=Role.OWNER).count()
        if owners == 1:
            raise ValidationError({"role": f"{seat.user} is the network's last owner."})
    seat.delete()


# == The challenge taxonomy ======================================================================


def challenge_choices(network: CityNetwork) -> list[tuple[str, str]]:
    """(key, label) of every challenge: the built-in ones, then the network's own by label."""
    own = [(c.key, c.label) for c in Challenge.objects.filter(network=network)]
    return [(key, str(label)) for key, label in BuiltInChallenge.choices] + own


@transaction.atomic
def add_challenge(member: NetworkMember, key: str, label: str) -> Challenge:
    """Add one of the network's own challenges; staff editors only. ValidationError on `key`
    (not a slug, built in, taken) or `label`."""
    require_staff_editor(member)
    challenge = Challenge(network=member.network, key=key, label=label.strip())
    errors: dict[str, list[str]] = {}
    if Challenge.objects.filter(network=member.network, key=key).exists():
        errors["key"] = [f"This network has a challenge “{key}” already."]
    try:
        challenge.full_clean(validate_constraints=False)
    except ValidationError as error:
        collect_errors(errors, error)
    if errors:
        raise ValidationError(errors)
    challenge.save()
    return challenge


def _check_challenges(network: CityNetwork, keys: object, field: str) -> list[str]:
    """`keys` as a list of distinct challenge keys of the network; ValidationError on `field`."""
    known = dict(challenge_choices(network))
    if not isinstance(keys, list | tuple) or not all(isinstance(k, str) for k in keys):
        raise ValidationError({field: "Give a list of challenge keys."})
    unknown = [k for k in keys if k not in known]
    if unknown:
        raise ValidationError(
            {
                field: f"Unknown challenge {', '.join(f'“{k}”' for k in unknown)}; "
                f"use one of {', '.join(known)}."
            }
        )
    return list(dict.fromkeys(keys))


# == Member cities ===============================================================================


def cities(member: NetworkMember, challenge: str = "") -> QuerySet[MemberCity]:
    """The network's live member cities by name, their challenges loaded (`challenge_rows`),
    optionally only those facing `challenge` (a key)."""
    found = MemberCity.objects.filter(network=member.network)
    if challenge:
        found = found.filter(challenge_rows__key=challenge)
    return found.prefetch_related("challenge_rows").order_by("name", "region", "pk")


def get_city(member: NetworkMember, pk: int) -> MemberCity:
    """One live member city of the network, with its challenges; Http404 otherwise."""
    found = cities(member).filter(pk=pk).first()
    if found is None:
        raise Http404("No such city")
    found.network = member.network
    return found


def city_challenges(city: MemberCity) -> list[str]:
    """The keys of the challenges the city faces (from a `cities` prefetch when loaded)."""
    return [row.key for row in city.challenge_rows.all()]


def _resolve_workspace(member: NetworkMember, value: object) -> Any:
    """The city's own workspace from a slug (None or "" for none): only an owner of that
    workspace may name it, so no one links a workspace that is not theirs."""
    if value is None or value == "":
        return None
    membership = (
        Membership.objects.select_related("workspace")
        .filter(user=member.user, workspace__slug=str(value), role=Role.OWNER)
        .first()
    )
    if membership is None:
        raise ValidationError(
            {"workspace": f"You are not an owner of a workspace “{value}”; its owner can link it."}
        )
    return membership.workspace


@transaction.atomic
def save_city(
    member: NetworkMember, data: dict[str, Any], instance: MemberCity | None = None
) -> MemberCity:
    """Add a member city (staff editors) or update its profile (staff editors and the city's
    officials) from `data`: CITY_FIELDS (population in people, time zone an IANA name),
    `challenges` (keys of the network's taxonomy) and `workspace` (the slug of the city's own
    workspace, which the acting user owns; None or "" to unlink). Fields left out keep their
    value. A city is in a network once (same name and region). Every bad field at once."""
    if instance is None:
        require_staff_editor(member)
        city = MemberCity(network=member.network)
    else:
        if instance.network_id != member.network.pk or instance.in_trash:
            raise Http404("No such city")
        require_city_editor(member, instance)
        city = instance
    for name in CITY_FIELDS:
        if name in data:
            value = data[name]
            if value is None and name in CITY_TEXT:
                value = ""
            if isinstance(value, str):
                value = value.strip()
            setattr(city, name, value)
    errors: dict[str, list[str]] = {}
    challenges: list[str] | None = None
    if data.get("challenges") is not None:
        try:
            challenges = _check_challenges(member.network, data["challenges"], "challenges")
        except ValidationError as error:
            collect_errors(errors, error)
    if "workspace" in data:
        try:
            city.workspace = _resolve_workspace(member, data["workspace"])
        except ValidationError as error:
            collect_errors(errors, error)
    try:
        city.full_clean(exclude=["workspace"])
    except ValidationError as error:
        collect_errors(errors, error)
    if "name" not in errors and "region" not in errors:
        twin = MemberCity.objects.filter(
            network=member.network, name__iexact=city.name, region__iexact=city.region
        ).exclude(pk=city.pk)
        if twin.exists():
            errors.setdefault("name", []).append(f"{city} is a member of this network already.")
    if errors:
        raise ValidationError(errors)
    city.save()
    if challenges is not None:
        CityChallenge.objects.filter(city=city).exclude(key__in=challenges).delete()
        have = set(CityChallenge.objects.filter(city=city).values_list("key", flat=True))
        CityChallenge.objects.bulk_create(
            [CityChallenge(city=city, key=k) for k in challenges if k not in have]
        )
    return city


# == Strengths ===================================================================================


def strengths(member: NetworkMember, city: MemberCity) -> QuerySet[Strength]:
    """The city's live strengths, by challenge."""
    return Strength.objects.filter(network=member.network, city=city).order_by("challenge", "pk")


def get_strength(member: NetworkMember, city: MemberCity, pk: int) -> Strength:
    """One live strength of the city; Http404 otherwise."""
    found = strengths(member, city).filter(pk=pk).first()
    if found is None:
        raise Http404("No such strength")
    return found


@transaction.atomic
def save_strength(
    member: NetworkMember,
    city: MemberCity,
    data: dict[str, Any],
    instance: Strength | None = None,
) -> Strength:
    """Add or update a strength of the city: `challenge` (a key of the taxonomy), `description`
    (one line, up to 300 characters) and `evidence`. Staff editors and the city's officials.
    Every bad field at once."""
    if city.network_id != member.network.pk or city.in_trash:
        raise Http404("No such city")
    require_city_editor(member, city)
    if instance is not None and (instance.city_id != city.pk or instance.in_trash):
        raise Http404("No such strength")
    strength = instance or Strength(network=member.network, city=city)
    errors: dict[str, list[str]] = {}
    for name in STRENGTH_FIELDS:
        if name in data:
            value = data[name]
            value = "" if value is None else value
            setattr(strength, name, value.strip() if isinstance(value, str) else value)
    if "challenge" in data or instance is None:
        try:
            _check_challenges(member.network, [strength.challenge], "challenge")
        except ValidationError as error:
            collect_errors(errors, error)
    try:
        strength.full_clean(exclude=["challenge"] if errors else None)
    except ValidationError as error:
        collect_errors(errors, error)
    if errors:
        raise ValidationError(errors)
    strength.save()
    return strength


# == Officials ===================================================================================


def officials(city: MemberCity) -> QuerySet[CityOfficial]:
    """The city's officials (users), by email."""
    return CityOfficial.objects.filter(city=city).select_related("user").order_by("user__email")


def all_officials(member: NetworkMember) -> QuerySet[CityOfficial]:
    """The officials of the network's live cities, by city then email, users and cities loaded."""
    return (
        CityOfficial.objects.filter(city__network=member.network, city__deleted_at__isnull=True)
        .select_related("user", "city")
        .order_by("city__name", "city__region", "user__email")
    )


@transaction.atomic
def add_official(member: NetworkMember, city: MemberCity, email: str) -> CityOfficial:
    """Make the person with `email` an official of the city (an account without a password is
    made for someone new, who sets one through "Forgot your password?"); staff editors only.
    ValidationError on `email` (not an address, an official already)."""
    require_staff_editor(member)
    if city.network_id != member.network.pk or city.in_trash:
        raise Http404("No such city")
    address = normalise_email(email)
    if CityOfficial.objects.filter(city=city, user__email=address).exists():
        raise ValidationError({"email": f"{address} is an official of {city} already."})
    return CityOfficial.objects.create(city=city, user=_user_for(address))


def remove_official(member: NetworkMember, city: MemberCity, pk: int) -> None:
    """Take an official off the city; staff editors only."""
    require_staff_editor(member)
    deleted, _ = CityOfficial.objects.filter(
        city=city, city__network=member.network, pk=pk
    ).delete()
    if not deleted:
        raise Http404("No such official")


# == Trash =======================================================================================


def _trash(records: Iterable[QuerySet[Any]]) -> uuid.UUID:
    batch, now = uuid.uuid4(), timezone.now()
    for queryset in records:
        queryset.filter(deleted_at__isnull=True).update(deleted_at=now, deletion_batch=batch)
    return batch


@transaction.atomic
def trash_city(member: NetworkMember, city: MemberCity) -> uuid.UUID:
    """Move a city with its strengths to the network's trash (one restorable batch); staff
    editors only. Its officials lose their seat in the network until it is restored."""
    require_staff_editor(member)
    if city.network_id != member.network.pk or city.in_trash:
        raise Http404("No such city")
    batch = _trash(
        [
            Strength.objects.filter(city=city),
            MemberCity.objects.filter(pk=city.pk),
        ]
    )
    city.deleted_at, city.deletion_batch = timezone.now(), batch
    return batch


@transaction.atomic
def trash_strength(member: NetworkMember, strength: Strength) -> uuid.UUID:
    """Move a strength to the network's trash; staff editors and the city's officials."""
    if strength.network_id != member.network.pk or strength.in_trash:
        raise Http404("No such strength")
    require_city_editor(member, strength.city)
    return _trash([Strength.objects.filter(pk=strength.pk)])


def trashed_cities(member: NetworkMember) -> QuerySet[MemberCity]:
    """The network's cities in the trash, latest first."""
    return MemberCity.all_objects.filter(network=member.network, deleted_at__isnull=False).order_by(
        "-deleted_at", "pk"
    )


def _restore(member: NetworkMember, record: NetworkRecord) -> None:
    for model in (MemberCity, Strength):
        model.all_objects.filter(
            network=member.network, deletion_batch=record.deletion_batch
        ).update(deleted_at=None, deletion_batch=None)
    record.deleted_at, record.deletion_batch = None, None


@transaction.atomic
def restore_city(member: NetworkMember, pk: int) -> MemberCity:
    """Bring a trashed city back with the strengths trashed with it; owners only. A city of the
    same name and region added since keeps its place (ValidationError on `name`)."""
    require_staff_owner(member)
    city = trashed_cities(member).filter(pk=pk).first()
    if city is None:
        raise Http404("No such city in the trash")
    twin = MemberCity.objects.filter(
        network=member.network, name__iexact=city.name, region__iexact=city.region
    )
    if twin.exists():
        raise ValidationError({"name": f"{city} was added again since; remove that one first."})
    _restore(member, city)
    return city


@transaction.atomic
def restore_strength(member: NetworkMember, pk: int) -> Strength:
    """Bring a trashed strength back (its city must be live); staff editors and its city's
    officials."""
    strength = (
        Strength.all_objects.filter(
            network=member.network, pk=pk, deleted_at__isnull=False, city__deleted_at__isnull=True
        )
        .select_related("city")
        .first()
    )
    if strength is None:
        raise Http404("No such strength in the trash")
    require_city_editor(member, strength.city)
    _restore(member, strength)
    return strength


def with_profile(queryset: QuerySet[MemberCity]) -> QuerySet[MemberCity]:
    """Cities with their challenges and live strengths loaded (`strengths_live`)."""
    return queryset.prefetch_related(
        "challenge_rows",
        Prefetch(
            "strengths",
            queryset=Strength.objects.order_by("challenge", "pk"),
            to_attr="strengths_live",
        ),
    )
