"""The demo's peer guide: one published guide on digital inclusion, co-written by two of the
network's cities, with four sections (three of them case examples) and two versions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cityweave.peers import guides
from cityweave.peers.models import (
    BuiltInChallenge,
    CityNetwork,
    Guide,
    GuideAuthor,
    GuideSection,
    GuideStatus,
    GuideVersion,
    MemberCity,
)

TITLE = "Getting every resident online: navigators, devices and affordable service"
SUMMARY = (
    "For city leaders starting or scaling a digital inclusion effort. Two member cities show "
    "how they found who was offline, put trained digital navigators in libraries, kept "
    "refurbished devices in the community, and measured what changed in the first year. "
    "(cityweave's demo: the cities are real, the people and figures are illustrative.)"
)
#: (heading, body in Markdown, whose case example: 0 the first city, 1 the second, None).
SECTIONS: list[tuple[str, str, int | None]] = [
    (
        "Start with a map of who is offline",
        "Before choosing programmes, both cities put three sources on one map by census tract:\n\n"
        "- the American Community Survey's *computer and internet use* table (S2801);\n"
        "- the library's own counts of guest computer sessions and hotspot waiting lists;\n"
        "- a short door-to-door and phone survey in the ten tracts with the lowest subscription "
        "rates.\n\n"
        "The survey mattered most: cost was the first reason given for not subscribing, but "
        "*not knowing where to start* came a close second, which pointed to people rather "
        "than hardware.",
        None,
    ),
    (
        "Digital navigators at the library",
        "{city} trained eight **digital navigators** (four of them library staff, four hired "
        "from the neighbourhoods served) to help residents one-to-one: setting up an email "
        "account, applying for the federal Lifeline discount, using a patient portal.\n\n"
        "| What | First year |\n|---|---|\n| Residents helped | 1,140 |\n"
        "| Lifeline sign-ups completed | 310 |\n| Hotspots lent (3-month loans) | 420 |\n\n"
        "Navigators kept regular hours in the same two branches, so that neighbours could "
        "send each other; walk-ins grew every quarter.",
        0,
    ),
    (
        "Devices that stay in the community",
        "{city} asked its largest employers and the school district to give retired laptops "
        "to a local nonprofit, which wipes, repairs and hands them out with a year of free "
        "support. A resident who finishes three navigator sessions may keep the laptop.\n\n"
        "> Pair every device with a person to call: the devices that came back unused were "
        "the ones given without support.\n\n"
        "Write the data-wiping standard into the donation agreement from the start (see "
        "[NIST SP 800-88](https://csrc.nist.gov/pubs/sp/800/88/r1/final)).",
        1,
    ),
    (
        "Measuring what changed",
        "Both cities track the same four measures each quarter, so that the network can compare "
        "them:\n\n"
        "1. households in the target tracts with a home internet subscription (survey);\n"
        "2. residents helped by a navigator, and how many came back on their own later;\n"
        "3. devices handed out, and still in use after six months (a call to each household);\n"
        "4. Lifeline or low-cost plan enrolments completed with help.\n\n"
        "Report the counts alongside the survey's margin of error; a single year's change in "
        "one tract is rarely meaningful on its own.",
        None,
    ),
]
#: What the second version changed: the device programme's results, added to its section.
RESULTS = (
    "\n\n**After twelve months:** 640 laptops handed out; 87% were still in use when the "
    "household was called six months later."
)
FIRST_NOTE = "First edition, published after the spring convening."
SECOND_NOTE = "Added the device programme's twelve-month results."


def _authors(network: CityNetwork) -> list[MemberCity]:
    """Two live cities of the network working on digital inclusion (facing it or strong in
    it), else its first two cities by name."""
    key = BuiltInChallenge.DIGITAL_INCLUSION.value
    live = MemberCity.objects.filter(network=network).order_by("name", "region", "pk")
    working = list(
        live.filter(
            Q(challenge_rows__key=key)
            | Q(strengths__challenge=key, strengths__deleted_at__isnull=True)
        ).distinct()[:2]
    )
    if len(working) < 2:
        working += [c for c in live[:3] if c not in working][: 2 - len(working)]
    return working


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


@transaction.atomic
def add_demo_guide(
    network: CityNetwork, today: dt.date, authors: Sequence[MemberCity] | None = None
) -> Guide:
    """Add the demo's published guide to `network`, written by `authors` (two cities), else by
    two of its cities working on digital inclusion (one when it has one; ValueError when it has
    none): published 75 days before `today` (version 1), its device section updated 20 days
    before (version 2)."""
    cities = list(authors) if authors is not None else _authors(network)
    if not cities:
        raise ValueError(f"{network} has no member city to write a guide.")
    published = _at(today - dt.timedelta(days=75))
    guide = Guide.objects.create(
        network=network,
        title=TITLE,
        challenge=BuiltInChallenge.DIGITAL_INCLUSION.value,
        summary=SUMMARY,
        status=GuideStatus.PUBLISHED,
        published_at=published,
        slug=guides.unique_slug(network, TITLE),
        created_at=published - dt.timedelta(days=30),
    )
    names = ["Maya Thompson, Digital Equity Manager", "Luis Ortega, Chief Information Officer"]
    GuideAuthor.objects.bulk_create(
        [
            GuideAuthor(guide=guide, city=city, name=name)
            for city, name in zip(cities, names, strict=False)
        ]
    )
    sections = []
    for order, (heading, body, whose) in enumerate(SECTIONS):
        city = cities[min(whose, len(cities) - 1)] if whose is not None else None
        sections.append(
            GuideSection.objects.create(
                network=network,
                guide=guide,
                order=order,
                heading=heading,
                body=body.format(city=city.name if city else ""),
                case_city=city,
            )
        )
    GuideVersion.objects.create(
        guide=guide,
        number=1,
        snapshot=guides.snapshot(guide),
        change_note=FIRST_NOTE,
        created_at=published,
    )
    devices = sections[2]
    devices.body += RESULTS
    devices.save(update_fields=["body", "updated_at"])
    GuideVersion.objects.create(
        guide=guide,
        number=2,
        snapshot=guides.snapshot(guide),
        change_note=SECOND_NOTE,
        created_at=_at(today - dt.timedelta(days=20)),
    )
    return guide
