"""Small factories for the network-of-cities tests (and the pages' fixtures)."""

from __future__ import annotations

from typing import Any

from cityweave.accounts.models import User
from cityweave.peers.access import NetworkMember, network_member
from cityweave.peers.models import CityNetwork, CityOfficial, MemberCity, NetworkStaff, Strength
from cityweave.testing import make_user


def make_network(name: str = "Mid-Size Cities Network", slug: str = "midsize") -> CityNetwork:
    return CityNetwork.objects.create(name=name, slug=slug)


def make_staff(
    network: CityNetwork, user: User | None = None, role: str = "owner"
) -> NetworkMember:
    """A staff seat for `user` (a new user if None), returned as that user's NetworkMember."""
    user = user or make_user()
    NetworkStaff.objects.create(network=network, user=user, role=role)
    return network_member(user, network.slug)


def make_city(
    network: CityNetwork,
    name: str,
    region: str = "TN",
    population: int | None = 100_000,
    challenges: list[str] | None = None,
    **fields: Any,
) -> MemberCity:
    """A member city with its challenges, written directly (no seat needed)."""
    city = MemberCity.objects.create(
        network=network, name=name, region=region, population=population, **fields
    )
    for key in challenges or []:
        city.challenge_rows.create(key=key)
    return city


def make_strength(
    city: MemberCity, challenge: str, description: str = "A programme that worked"
) -> Strength:
    return Strength.objects.create(
        network=city.network, city=city, challenge=challenge, description=description
    )


def make_official(city: MemberCity, user: User | None = None) -> NetworkMember:
    """An official seat on `city` for `user` (a new user if None), as their NetworkMember."""
    user = user or make_user()
    CityOfficial.objects.create(city=city, user=user)
    return network_member(user, city.network.slug)
