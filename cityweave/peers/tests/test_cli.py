"""`cityweave peers`: create a network, import cities from GeoNames, list cities and peers;
seats checked, bad input named."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cityweave.peers.models import CityNetwork, MemberCity
from cityweave.peers.testing import make_strength


def peers(*args: str) -> str:
    out = io.StringIO()
    call_command("peers", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_a_network_is_created_with_its_owner(alice):
    text = peers("create", "southern", "--name", "Southern Cities", "--owner", alice.email)
    assert "Southern Cities" in text
    network = CityNetwork.objects.get(slug="southern")
    assert network.staff.get().user == alice


def test_create_names_a_bad_slug_or_an_unknown_owner(alice):
    with pytest.raises(CommandError, match="slug"):
        peers("create", "Not A Slug", "--name", "X", "--owner", alice.email)
    with pytest.raises(CommandError, match="--owner"):
        peers("create", "fine", "--name", "X", "--owner", "nobody@example.org")


def test_import_cities_adds_them_with_their_facts(ed):
    text = peers("import-cities", "midsize", "Chattanooga, TN", "Dayton, OH", "--as", ed.user.email)
    assert "Added Chattanooga, TN" in text and "America/New_York" in text
    assert MemberCity.objects.count() == 2


def test_import_cities_is_refused_to_viewers_strangers_and_unknown_places(vera, alice, ed):
    with pytest.raises(CommandError, match="--as"):
        peers("import-cities", "midsize", "Chattanooga, TN", "--as", vera.user.email)
    with pytest.raises(CommandError, match="--as"):
        peers("import-cities", "midsize", "Chattanooga, TN", "--as", alice.email)
    with pytest.raises(CommandError, match="NETWORK_SLUG"):
        peers("import-cities", "nowhere", "Chattanooga, TN", "--as", ed.user.email)
    with pytest.raises(CommandError, match="cities: .*Atlantis"):
        peers("import-cities", "midsize", "Atlantis, TN", "--as", ed.user.email)
    assert not MemberCity.objects.exists()


def test_cities_and_matches_are_listed_for_an_official(otis, chattanooga, dayton):
    make_strength(dayton, "workforce-development", "Apprenticeships with local plants")
    rows = json.loads(peers("cities", "midsize", "--as", otis.user.email, "--format", "json"))
    assert [r["name"] for r in rows] == ["Chattanooga", "Dayton"]
    text = peers("matches", "midsize", str(chattanooga.pk), "--as", otis.user.email)
    assert "Dayton" in text and "Dayton has a strength in workforce development" in text
    with pytest.raises(CommandError, match="--challenge"):
        peers(
            "matches", "midsize", str(chattanooga.pk), "--as", otis.user.email, "--challenge", "x"
        )
    with pytest.raises(CommandError, match="CITY_ID"):
        peers("matches", "midsize", "999999", "--as", otis.user.email)
