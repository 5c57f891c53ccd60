"""Named characters of the network of cities: Nadia owns the network's staff, Ed is a staff
editor, Vera a staff viewer, Otis an official of Chattanooga; Carol (of the root conftest) is
on the staff of another network, and Alice owns the Riverton workspace but has no seat here."""

from __future__ import annotations

import pytest
from django.test import Client

from cityweave.peers.access import NetworkMember
from cityweave.peers.models import CityNetwork, MemberCity
from cityweave.peers.testing import make_city, make_network, make_official, make_staff
from cityweave.testing import make_user


@pytest.fixture
def network(db) -> CityNetwork:
    return make_network("Mid-Size Cities Network", "midsize")


@pytest.fixture
def nadia(network) -> NetworkMember:
    return make_staff(network, make_user("nadia@network.example", "Nadia Park"), "owner")


@pytest.fixture
def ed(network) -> NetworkMember:
    return make_staff(network, make_user("ed@network.example", "Ed Moss"), "editor")


@pytest.fixture
def vera(network) -> NetworkMember:
    return make_staff(network, make_user("vera@network.example", "Vera Lund"), "viewer")


@pytest.fixture
def chattanooga(network) -> MemberCity:
    return make_city(
        network,
        "Chattanooga",
        "TN",
        181_099,
        ["digital-inclusion", "workforce-development"],
        timezone="America/New_York",
    )


@pytest.fixture
def dayton(network) -> MemberCity:
    return make_city(network, "Dayton", "OH", 137_644, ["workforce-development", "fiscal-health"])


@pytest.fixture
def otis(chattanooga) -> NetworkMember:
    return make_official(chattanooga, make_user("otis@chattanooga.example", "Otis Grant"))


@pytest.fixture
def other_network(carol) -> CityNetwork:
    network = make_network("Coastal Cities", "coastal")
    make_staff(network, carol, "owner")
    return network


def client_for(member: NetworkMember) -> Client:
    client = Client()
    client.force_login(member.user)
    return client
