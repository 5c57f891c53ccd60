"""The demo's peer guide: published, on digital inclusion, by two cities working on it, with
case examples and two versions; readable by the public."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cityweave.peers import guides
from cityweave.peers.demo_guides import FIRST_NOTE, SECOND_NOTE, add_demo_guide
from cityweave.peers.models import GuideStatus
from cityweave.peers.testing import make_city, make_network, make_strength

TODAY = dt.date(2026, 6, 1)


def test_the_demo_guide_is_written_by_cities_working_on_digital_inclusion(network, client):
    make_city(network, "Akron", "OH", 190_000, ["fiscal-health"])
    make_city(network, "Chattanooga", "TN", 181_099, ["digital-inclusion"])
    strong = make_city(network, "Tacoma", "WA", 219_000, ["affordable-housing"])
    make_strength(strong, "digital-inclusion", "Library hotspot lending")
    guide = add_demo_guide(network, TODAY)
    assert guide.status == GuideStatus.PUBLISHED and guide.challenge == "digital-inclusion"
    assert guide.published_at is not None and guide.published_at.date() == dt.date(2026, 3, 18)
    cities = [str(c) for c in guides.author_cities(guide)]
    assert cities == ["Chattanooga, TN", "Tacoma, WA"]
    sections = list(guides.sections(guide))
    assert 3 <= len(sections) <= 4
    assert [str(s.case_city) for s in sections if s.case_city] == ["Chattanooga, TN", "Tacoma, WA"]
    assert "Chattanooga trained eight" in sections[1].body
    history = guides.version_history(guide)
    assert [c.version.change_note for c in history] == [SECOND_NOTE, FIRST_NOTE]
    assert any(line.startswith("+**After twelve months:**") for line in history[0].diff)
    page = client.get(reverse("guides:public-guide", args=[network.slug, guide.slug]))
    assert page.status_code == 200 and "<table>" in page.content.decode()


def test_without_cities_on_the_challenge_the_first_two_write_it(db):
    network = make_network("Small Towns", "towns")
    for name in ("Zion", "Ames", "Bend"):
        make_city(network, name, "XX")
    guide = add_demo_guide(network, TODAY)
    assert [c.name for c in guides.author_cities(guide)] == ["Ames", "Bend"]


def test_a_network_with_one_city_gets_a_guide_by_it_and_none_without(db):
    network = make_network("Solo", "solo")
    with pytest.raises(ValueError, match="no member city"):
        add_demo_guide(network, TODAY)
    make_city(network, "Ames", "IA")
    guide = add_demo_guide(network, TODAY)
    assert [c.name for c in guides.author_cities(guide)] == ["Ames"]
    assert {s.case_city.name for s in guides.sections(guide) if s.case_city} == {"Ames"}
