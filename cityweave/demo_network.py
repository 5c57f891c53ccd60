"""The demo's network of cities: about forty real US cities (state, population and time zone from
GeoNames, through the same import the pages use) with the challenges they face and the strengths
they can share, plus Riverton, the demo city, whose officials keep its workspace private.

The cities are real; their challenges and strengths are illustrative, drawn from programmes
reported in the press, and the people are made up.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from django.contrib.auth.hashers import make_password

from cityweave.accounts.models import User
from cityweave.peers import exchanges, geo, services
from cityweave.peers.access import network_member
from cityweave.peers.demo_convenings import add_demo_convenings
from cityweave.peers.demo_guides import add_demo_guide
from cityweave.peers.models import CityNetwork, CityOfficial, MemberCity
from cityweave.workspaces.models import Workspace

NETWORK_NAME = "Peer Cities Network"
NETWORK_SLUG = "peer-cities"


class DemoStaff(NamedTuple):
    email: str
    name: str
    role: str


#: The network's staff (the hosting organisation). The demo city's owner joins as an official.
NETWORK_STAFF = (
    DemoStaff("dana@peer-cities.example", "Dana Whitfield", "owner"),
    DemoStaff("sam@peer-cities.example", "Sam Ortega", "viewer"),
)

#: The network's own challenges, beside the built-in ones.
OWN_CHALLENGES = (("extreme-heat", "Extreme heat"), ("homelessness", "Homelessness"))

DI, WF, AH, FH, PS, CR = (
    "digital-inclusion",
    "workforce-development",
    "affordable-housing",
    "fiscal-health",
    "public-safety",
    "climate-resilience",
)
HEAT, HOME = "extreme-heat", "homelessness"


class DemoCity(NamedTuple):
    """A member city: "Name, ST", its challenges, and its strengths as (challenge, what, evidence)."""

    place: str
    challenges: tuple[str, ...]
    strengths: tuple[tuple[str, str, str], ...] = ()


DEMO_CITIES = (
    DemoCity(
        "Chattanooga, TN",
        (WF, AH),
        (
            (
                DI,
                "City-owned fibre network with low-cost home internet for students",
                "Tens of thousands of students connected at no cost to their families.",
            ),
        ),
    ),
    DemoCity("Louisville, KY", (DI, PS, AH)),
    DemoCity(
        "Tulsa, OK",
        (AH, PS),
        (
            (
                WF,
                "Remote-worker relocation programme",
                "Hundreds of remote workers relocated, with retention tracked.",
            ),
        ),
    ),
    DemoCity("Kansas City, MO", (DI, AH, PS)),
    DemoCity("Cleveland, OH", (DI, CR, FH)),
    DemoCity(
        "Detroit, MI",
        (DI, AH, WF),
        (
            (
                FH,
                "Balanced budgets and restored credit rating after restructuring",
                "Several balanced budgets in a row; oversight board's active control lifted.",
            ),
        ),
    ),
    DemoCity(
        "Pittsburgh, PA",
        (CR, WF),
        (
            (
                FH,
                "Left the state's distressed-city programme",
                "Exited state oversight after fourteen years, with reserves rebuilt.",
            ),
        ),
    ),
    DemoCity("Providence, RI", (FH, AH, CR)),
    DemoCity("Rochester, NY", (PS, WF, FH)),
    DemoCity(
        "Syracuse, NY",
        (DI, WF),
        (
            (
                AH,
                "Land bank returning vacant homes to owners",
                "Hundreds of vacant properties sold to owner-occupiers.",
            ),
        ),
    ),
    DemoCity("Richmond, VA", (AH, PS, HEAT)),
    DemoCity(
        "Durham, NC",
        (AH, WF),
        (
            (
                PS,
                "Unarmed crisis response teams for mental-health calls",
                "Thousands of calls answered by responders instead of police, with follow-up care.",
            ),
        ),
    ),
    DemoCity("Raleigh, NC", (AH, CR)),
    DemoCity("Charlotte, NC", (WF, AH, PS)),
    DemoCity("Austin, TX", (AH, HOME, HEAT)),
    DemoCity(
        "San Antonio, TX",
        (DI, HEAT),
        (
            (
                WF,
                "Sales-tax-funded training and degrees for residents",
                "Thousands enrolled in training, with wages tracked after completion.",
            ),
        ),
    ),
    DemoCity(
        "Houston, TX",
        (CR, PS),
        (
            (
                HOME,
                "Housing First with a coordinated regional system",
                "Homelessness more than halved over a decade across the region.",
            ),
        ),
    ),
    DemoCity(
        "New Orleans, LA",
        (FH, PS, AH),
        (
            (
                CR,
                "Resilience strategy with green infrastructure for storm water",
                "Projects storing millions of gallons of storm water in neighbourhoods.",
            ),
        ),
    ),
    DemoCity("Tampa, FL", (CR, AH, HEAT)),
    DemoCity(
        "Miami, FL",
        (CR, AH),
        (
            (
                HEAT,
                "Heat season campaign and cooling centres",
                "Heat-health alerts and cooling sites reaching residents.",
            ),
        ),
    ),
    DemoCity("Atlanta, GA", (AH, WF, DI)),
    DemoCity("Birmingham, AL", (PS, DI, FH)),
    DemoCity("Memphis, TN", (PS, WF, FH)),
    DemoCity("Nashville, TN", (AH, HOME)),
    DemoCity(
        "Denver, CO",
        (AH, HOME),
        (
            (
                PS,
                "Health professionals sent to low-risk 911 calls",
                "Thousands of calls answered without police; no arrests needed on those calls.",
            ),
        ),
    ),
    DemoCity(
        "Albuquerque, NM",
        (HOME, WF),
        (
            (
                PS,
                "A third public-safety department for community response",
                "Responders handling calls on homelessness and behavioural health.",
            ),
        ),
    ),
    DemoCity("Tucson, AZ", (HEAT, CR, AH)),
    DemoCity(
        "Phoenix, AZ",
        (AH, HOME),
        (
            (
                HEAT,
                "A city office for heat response and mitigation",
                "Cool pavement and shade "
                "programmes, with temperatures measured on treated streets.",
            ),
        ),
    ),
    DemoCity("Salt Lake City, UT", (AH, CR, HOME)),
    DemoCity("Boise, ID", (AH, WF)),
    DemoCity("Spokane, WA", (AH, HOME, FH)),
    DemoCity("Portland, OR", (PS, HOME, AH)),
    DemoCity("Sacramento, CA", (AH, HOME, HEAT)),
    DemoCity("Fresno, CA", (DI, WF, HEAT)),
    DemoCity(
        "Long Beach, CA",
        (CR, AH),
        (
            (
                DI,
                "Digital inclusion roadmap with free devices and training",
                "Devices, hotspots and digital-skills classes given out citywide.",
            ),
        ),
    ),
    DemoCity(
        "Minneapolis, MN",
        (PS, CR),
        (
            (
                AH,
                "Zoning reform allowing more homes on every lot",
                "Rents held steadier than the region's while the housing stock grew.",
            ),
        ),
    ),
    DemoCity("Milwaukee, WI", (WF, FH, PS)),
    DemoCity("Columbus, OH", (WF, AH, DI)),
    DemoCity("Indianapolis, IN", (WF, PS)),
    DemoCity("Grand Rapids, MI", (AH, WF)),
    DemoCity("Buffalo, NY", (CR, WF, FH)),
    DemoCity("Baltimore, MD", (PS, DI, FH)),
)

#: Riverton, the demo city: not in GeoNames, so its profile is written by hand.
RIVERTON = {
    "name": "Riverton",
    "region": "IL",
    "population": 186_000,
    "timezone": "America/Chicago",
    "challenges": [AH, WF, CR],
    "officials": "Alice Reyes, Director of Partnerships, alice@riverton.example",
    "partners": "United Way of the Riverton Region\nRiverton Regional Airport",
}
RIVERTON_STRENGTH = {
    "challenge": DI,
    "description": "Library hotspot lending and a digital navigator corps",
    "evidence": "Hotspots lent thousands of times; navigators trained by the community college.",
}


#: The cities invited to the demo's two past convenings (peers/demo_convenings.py), host first:
#: digital inclusion in Chattanooga, workforce development in San Antonio (Riverton went).
CONVENING_CITIES = (
    ("Chattanooga", "Long Beach", "Cleveland", "Kansas City", "Fresno"),
    ("San Antonio", "Riverton", "Detroit", "Columbus", "Boise"),
)
#: The two cities that wrote the demo's published guide on digital inclusion.
GUIDE_AUTHORS = ("Chattanooga", "Long Beach")
#: Peer exchanges between cities: (city, city, kind, days before today, note).
EXCHANGES = (
    ("Riverton", "Syracuse", "study-tour", 140, "The land bank's sales to owner-occupiers."),
    ("Riverton", "Minneapolis", "call", 60, "Zoning reform: how the council was won over."),
    ("Denver", "Albuquerque", "mentoring", 200, "Standing up a community response team."),
    ("Phoenix", "Tucson", "visit", 90, "Cool pavement trials and shade plans."),
    ("Houston", "Austin", "visit", 300, "Coordinated entry for people without homes."),
    ("Pittsburgh", "Providence", "call", 45, "Leaving state oversight and rebuilding reserves."),
    ("New Orleans", "Tampa", "study-tour", 120, "Storm water stored in neighbourhood parks."),
    ("Chattanooga", "Detroit", "call", 30, "Low-cost home internet sign-ups through schools."),
    ("Long Beach", "Tucson", "visit", 160, "Shade and cooling along bus routes."),
    ("Houston", "New Orleans", "study-tour", 250, "Flood buyouts and green infrastructure."),
    ("Denver", "Salt Lake City", "call", 80, "Sanctioned camping and supportive housing."),
    ("Columbus", "Pittsburgh", "visit", 110, "A regional jobs compact with the universities."),
)


def build_demo_network(
    today: dt.date, workspace: Workspace, official: User, password: str
) -> CityNetwork:
    """Build the demo network of cities (replacing one of the same slug): its staff (made-up
    users with the demo's `password`), its own challenges, the cities of
    DEMO_CITIES imported from GeoNames with their challenges and strengths, and Riverton, whose
    workspace `workspace` stays private and whose official is `official`. `today` dates the two
    past convenings, the published guide and the peer exchanges the network has had. Runs
    inside the caller's transaction."""
    CityNetwork.objects.filter(slug=NETWORK_SLUG).delete()
    existing = {u.email: u for u in User.objects.filter(email__in=[s.email for s in NETWORK_STAFF])}
    hashed = make_password(password) if len(existing) < len(NETWORK_STAFF) else ""
    staff_users = [
        existing.get(email) or User.objects.create(email=email, name=name, password=hashed)
        for email, name, _role in NETWORK_STAFF
    ]
    network = services.create_network(NETWORK_NAME, NETWORK_SLUG, owner=staff_users[0])
    member = network_member(staff_users[0], NETWORK_SLUG)
    for email, _name, role in NETWORK_STAFF[1:]:
        services.add_staff(member, email, role)
    for key, label in OWN_CHALLENGES:
        services.add_challenge(member, key, label)
    report = geo.import_cities(member, [city.place for city in DEMO_CITIES])
    by_place = {f"{city.name}, {city.region}": city for city in report.added}
    for demo in DEMO_CITIES:
        city = by_place[demo.place]
        services.save_city(member, {"challenges": list(demo.challenges)}, city)
        for challenge, description, evidence in demo.strengths:
            services.save_strength(
                member,
                city,
                {"challenge": challenge, "description": description, "evidence": evidence},
            )
    riverton = services.save_city(member, dict(RIVERTON))
    services.save_strength(member, riverton, dict(RIVERTON_STRENGTH))
    MemberCity.objects.filter(pk=riverton.pk).update(workspace=workspace)
    CityOfficial.objects.create(city=riverton, user=official)
    by_name = {city.name: city for city in MemberCity.objects.filter(network=network)}
    add_demo_convenings(
        network,
        today,
        [[by_name[name] for name in names] for names in CONVENING_CITIES],
    )
    add_demo_guide(network, today, [by_name[name] for name in GUIDE_AUTHORS])
    for first, second, kind, days_ago, note in EXCHANGES:
        exchanges.save_exchange(
            member,
            {
                "city_a": by_name[first],
                "city_b": by_name[second],
                "kind": kind,
                "date": today - dt.timedelta(days=days_ago),
                "note": note,
            },
        )
    return network


def demo_network_logins() -> str:
    """The sentence telling who can sign in to the demo network."""
    staff = NETWORK_STAFF[0]
    return (
        f"The network of cities “{NETWORK_NAME}”: {staff.email} is its staff owner; "
        "alice@riverton.example is Riverton's official there."
    )
