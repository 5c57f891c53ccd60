"""The network's services: who may change what, every bad field named, trash and restore."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cityweave.peers import services
from cityweave.peers.access import network_member
from cityweave.peers.models import MemberCity, SizeBand, Strength, size_band
from cityweave.peers.testing import make_city, make_strength


def test_a_staff_editor_adds_a_city_with_its_challenges(ed):
    city = services.save_city(
        ed,
        {
            "name": " Chattanooga ",
            "region": "TN",
            "population": 181_099,
            "timezone": "America/New_York",
            "challenges": ["digital-inclusion", "fiscal-health", "digital-inclusion"],
        },
    )
    assert city.name == "Chattanooga"
    assert sorted(services.city_challenges(city)) == ["digital-inclusion", "fiscal-health"]
    assert city.size_band == SizeBand.MID


def test_every_bad_field_is_named_at_once_and_nothing_is_written(ed):
    with pytest.raises(ValidationError) as caught:
        services.save_city(
            ed,
            {
                "name": "",
                "population": -4,
                "timezone": "Mars/Olympus",
                "challenges": ["time-travel"],
                "workspace": "riverton",
            },
        )
    assert set(caught.value.message_dict) == {
        "name",
        "population",
        "timezone",
        "challenges",
        "workspace",
    }
    assert not MemberCity.all_objects.exists()


def test_a_city_is_in_a_network_once(ed, chattanooga):
    with pytest.raises(ValidationError) as caught:
        services.save_city(ed, {"name": "chattanooga", "region": "tn"})
    assert "name" in caught.value.message_dict


def test_an_official_edits_their_own_city_only(otis, chattanooga, dayton):
    services.save_city(otis, {"partners": "Enterprise Center"}, chattanooga)
    chattanooga.refresh_from_db()
    assert chattanooga.partners == "Enterprise Center"
    with pytest.raises(PermissionDenied):
        services.save_city(otis, {"partners": "Nobody"}, dayton)
    with pytest.raises(PermissionDenied):
        services.save_city(otis, {"name": "Knoxville", "region": "TN"})
    with pytest.raises(PermissionDenied):
        services.trash_city(otis, chattanooga)


def test_a_staff_viewer_reads_but_cannot_write(vera, chattanooga):
    assert list(services.cities(vera)) == [chattanooga]
    with pytest.raises(PermissionDenied):
        services.save_city(vera, {"population": 1}, chattanooga)
    with pytest.raises(PermissionDenied):
        services.add_challenge(vera, "transit", "Transit")
    with pytest.raises(PermissionDenied):
        services.save_strength(
            vera, chattanooga, {"challenge": "fiscal-health", "description": "x"}
        )


def test_someone_without_a_seat_finds_no_network(alice, network, chattanooga, carol, other_network):
    with pytest.raises(Http404):
        network_member(alice, "midsize")
    with pytest.raises(Http404):
        network_member(carol, "midsize")
    with pytest.raises(Http404):
        network_member(alice, "no-such-network")


def test_a_city_of_another_network_is_not_found(ed, carol, other_network):
    theirs = make_city(other_network, "Savannah", "GA")
    with pytest.raises(Http404):
        services.get_city(ed, theirs.pk)
    with pytest.raises(Http404):
        services.save_city(ed, {"population": 1}, theirs)


def test_only_an_owner_of_a_workspace_links_it_and_the_link_is_kept_private(
    ed, chattanooga, alice, riverton
):
    with pytest.raises(ValidationError) as caught:
        services.save_city(ed, {"workspace": "riverton"}, chattanooga)
    assert "workspace" in caught.value.message_dict
    alice_in = network_member(
        alice, services.add_official(ed, chattanooga, alice.email).city.network.slug
    )
    services.save_city(alice_in, {"workspace": "riverton"}, chattanooga)
    chattanooga.refresh_from_db()
    assert chattanooga.workspace == riverton
    services.save_city(alice_in, {"workspace": None}, chattanooga)
    chattanooga.refresh_from_db()
    assert chattanooga.workspace is None


def test_a_network_adds_its_own_challenge_but_not_a_built_in_one_again(ed):
    services.add_challenge(ed, "transit", "Transit")
    assert ("transit", "Transit") in services.challenge_choices(ed.network)
    with pytest.raises(ValidationError) as caught:
        services.add_challenge(ed, "fiscal-health", "Money")
    assert "key" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.add_challenge(ed, "transit", "Buses")
    assert "key" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.add_challenge(ed, "Not A Slug", " ")
    assert set(caught.value.message_dict) == {"key", "label"}


def test_strengths_are_in_the_taxonomy_and_name_bad_fields(otis, chattanooga):
    strength = services.save_strength(
        otis,
        chattanooga,
        {
            "challenge": "digital-inclusion",
            "description": "Citywide gigabit and free home internet",
            "evidence": "EPB report",
        },
    )
    assert strength.network == chattanooga.network
    with pytest.raises(ValidationError) as caught:
        services.save_strength(otis, chattanooga, {"challenge": "nope", "description": ""})
    assert set(caught.value.message_dict) == {"challenge", "description"}


def test_a_trashed_city_takes_its_strengths_and_comes_back_with_them(nadia, ed, otis, chattanooga):
    strength = make_strength(chattanooga, "digital-inclusion")
    services.trash_city(ed, chattanooga)
    assert not services.cities(ed).exists()
    assert not Strength.objects.filter(pk=strength.pk).exists()
    with pytest.raises(Http404):
        network_member(otis.user, "midsize")  # the official's seat went with the city
    with pytest.raises(PermissionDenied):
        services.restore_city(ed, chattanooga.pk)
    services.restore_city(nadia, chattanooga.pk)
    assert list(services.cities(ed)) == [chattanooga]
    assert Strength.objects.filter(pk=strength.pk).exists()
    assert network_member(otis.user, "midsize").city_ids == {chattanooga.pk}


def test_a_strength_goes_to_the_trash_alone_and_back(otis, chattanooga):
    strength = make_strength(chattanooga, "digital-inclusion")
    services.trash_strength(otis, strength)
    assert not services.strengths(otis, chattanooga).exists()
    services.restore_strength(otis, strength.pk)
    assert list(services.strengths(otis, chattanooga)) == [strength]


def test_a_city_added_again_keeps_its_place_over_the_trashed_one(nadia, ed, chattanooga):
    services.trash_city(ed, chattanooga)
    services.save_city(ed, {"name": "Chattanooga", "region": "TN"})
    with pytest.raises(ValidationError) as caught:
        services.restore_city(nadia, chattanooga.pk)
    assert "name" in caught.value.message_dict


def test_staff_are_managed_by_owners_and_the_last_owner_stays(nadia, ed):
    seat = services.add_staff(nadia, "New.Person@Network.example", "viewer")
    assert seat.user.email == "new.person@network.example"
    assert not seat.user.has_usable_password()
    with pytest.raises(ValidationError) as caught:
        services.add_staff(nadia, "new.person@network.example", "boss")
    assert set(caught.value.message_dict) == {"email", "role"}
    with pytest.raises(PermissionDenied):
        services.add_staff(ed, "x@example.org", "owner")
    with pytest.raises(ValidationError):
        services.remove_staff(nadia, nadia.staff.pk)
    services.remove_staff(nadia, seat.pk)


def test_officials_are_added_by_staff_editors_once(ed, otis, chattanooga):
    with pytest.raises(ValidationError) as caught:
        services.add_official(ed, chattanooga, "otis@chattanooga.example")
    assert "email" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        services.add_official(otis, chattanooga, "friend@chattanooga.example")
    seat = services.add_official(ed, chattanooga, "deputy@chattanooga.example")
    services.remove_official(ed, chattanooga, seat.pk)
    assert [o.user.email for o in services.officials(chattanooga)] == [otis.user.email]


def test_the_networks_a_user_belongs_to_say_how(nadia, otis, chattanooga, network):
    (seat,) = services.networks_of(otis.user)
    assert seat.network == network and seat.role_label == "City official"
    assert seat.cities == ["Chattanooga, TN"]
    assert services.networks_of(nadia.user)[0].role_label == "Staff: owner"


@pytest.mark.parametrize(
    ("population", "band"),
    [
        (None, None),
        (0, SizeBand.SMALL),
        (49_999, SizeBand.SMALL),
        (50_000, SizeBand.MID),
        (250_000, SizeBand.LARGE),
        (1_000_000, SizeBand.VERY_LARGE),
    ],
)
def test_the_size_band_follows_the_population(population, band):
    assert size_band(population) == band


def test_the_city_list_filters_by_challenge(ed, chattanooga, dayton):
    assert list(services.cities(ed, "fiscal-health")) == [dayton]
    assert list(services.cities(ed, "workforce-development")) == [chattanooga, dayton]
