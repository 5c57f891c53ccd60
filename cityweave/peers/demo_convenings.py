"""Demo convenings for a network of cities: two past gatherings with delegations (one of them
breaking the delegation rule), registered delegates and who came, a scheduled agenda, and
follow-ups with some ideas moved to action. The demo calls `add_demo_convenings`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import cycle

from django.db import transaction

from cityweave.peers.convenings import convening_zone
from cityweave.peers.models import (
    CityNetwork,
    Convening,
    Delegate,
    DelegateKind,
    Delegation,
    FollowUp,
    FollowUpStatus,
    MemberCity,
    Session,
    SessionFormat,
    SessionStatus,
)

OFFICIALS = (
    ("Maria Delgado", "Mayor"),
    ("James Whitfield", "Chief of Staff"),
    ("Aisha Coleman", "Director of Economic Development"),
    ("Robert Nguyen", "Chief Innovation Officer"),
    ("Linda Park", "City Manager"),
    ("Daniel Brooks", "Deputy Mayor"),
    ("Sofia Ramirez", "Director of Housing"),
    ("Michael Osei", "Chief Resilience Officer"),
)
PARTNERS = (
    ("Community Foundation of {city}", "Karen Holt", "President"),
    ("{city} Area Chamber of Commerce", "Tom Reyes", "Chief Executive"),
    ("{city} Regional Medical Center", "Grace Liu", "Vice President, Community Health"),
)
#: (title, theme, days before `today` it started, sessions, ideas).
PLAN = (
    (
        "Digital Inclusion Peer Exchange",
        "digital-inclusion",
        220,
        (
            ("Gigabit for every home", SessionFormat.CASE_STUDY),
            ("Digital navigators in libraries", SessionFormat.WORKSHOP),
            ("Closing the device gap", SessionFormat.PEER_PROBLEM_SOLVING),
            ("Tour of the innovation district", SessionFormat.CITY_TOUR),
        ),
        ("Train digital navigators", "Hotspot lending at libraries", "Low-cost plan sign-up drive"),
    ),
    (
        "Workforce Pathways Summit",
        "workforce-development",
        75,
        (
            ("Apprenticeships with local manufacturers", SessionFormat.CASE_STUDY),
            ("Designing a talent pipeline", SessionFormat.WORKSHOP),
            ("Evening reception", SessionFormat.NETWORKING),
        ),
        ("Apprenticeship pilot with two employers", "Shared jobs board with the college"),
    ),
)
#: How the ideas stand, in turn: some moved to action (in progress or done), some not.
STATUSES = (
    FollowUpStatus.DONE,
    FollowUpStatus.IN_PROGRESS,
    FollowUpStatus.PLANNED,
    FollowUpStatus.IN_PROGRESS,
    FollowUpStatus.DROPPED,
)


@transaction.atomic
def add_demo_convenings(
    network: CityNetwork,
    today: dt.date,
    invitations: Sequence[Sequence[MemberCity]] | None = None,
) -> list[Convening]:
    """Add two past convenings to `network`, hosted and attended by its live cities in name
    order (up to five invited to each): every delegation registered, most delegates present,
    the last delegation of each with one official and no partner (so it breaks the rule of two
    officials and one partner), a scheduled agenda in two rooms, and two or three ideas per
    delegation with their due reviews recorded. `invitations` (optional) names, for each of the
    two convenings in turn, the cities invited, the host first. ValueError when the network has
    no city."""
    cities = list(MemberCity.objects.filter(network=network).order_by("name", "region", "pk"))
    if not cities:
        raise ValueError(f"{network} has no city to hold a convening.")
    made = []
    officials = cycle(OFFICIALS)
    statuses = cycle(STATUSES)
    for index, (title, theme, ago, sessions, ideas) in enumerate(PLAN):
        if invitations is not None:
            invited = list(invitations[index])
        else:
            invited = [cities[(index + i) % len(cities)] for i in range(min(5, len(cities)))]
        host = invited[0]
        starts = today - dt.timedelta(days=ago)
        convening = Convening.objects.create(
            network=network,
            title=title,
            host_city=host,
            venue=f"{host.name} Convention Center",
            starts_on=starts,
            ends_on=starts + dt.timedelta(days=1),
            theme=theme,
            capacity=40,
            description=f"City delegations compare what worked on {theme.replace('-', ' ')}.",
        )
        registered = dt.datetime.combine(
            starts - dt.timedelta(days=14), dt.time(10), tzinfo=convening_zone(convening)
        )
        presenters: list[Delegate] = []
        delegations = []
        for position, city in enumerate(invited):
            delegation = Delegation.objects.create(network=network, convening=convening, city=city)
            delegations.append(delegation)
            breaks_rule = position == len(invited) - 1 and len(invited) > 1
            people = [next(officials) for _ in range(1 if breaks_rule else 2)]
            for number, (name, job) in enumerate(people):
                delegate = Delegate.objects.create(
                    network=network,
                    delegation=delegation,
                    kind=DelegateKind.OFFICIAL,
                    name=name,
                    title=job,
                    registered_at=registered,
                    attended=not (position == 1 and number == 1),
                )
                if number == 0:
                    presenters.append(delegate)
            if not breaks_rule:
                organisation, name, job = PARTNERS[position % len(PARTNERS)]
                Delegate.objects.create(
                    network=network,
                    delegation=delegation,
                    kind=DelegateKind.PARTNER,
                    name=name,
                    title=job,
                    organisation=organisation.format(city=city.name),
                    registered_at=registered,
                    attended=True,
                )
        _schedule(convening, sessions, delegations, presenters)
        for number, delegation in enumerate(delegations):
            for idea in ideas[: 2 + number % 2]:
                _follow_up(convening, delegation, idea, next(statuses), today)
        made.append(convening)
    return made


def _schedule(
    convening: Convening,
    sessions: tuple[tuple[str, str], ...],
    delegations: list[Delegation],
    presenters: list[Delegate],
) -> None:
    """The sessions on the agenda: two a day, 09:30 in Hall A and 14:00 in Room 2, each
    presented by the first official of a different city (so no one is double-booked); one more
    proposal stays declined."""
    zone = convening_zone(convening)
    slots = [(0, dt.time(9, 30), "Hall A"), (0, dt.time(14), "Room 2")]
    slots += [(1, dt.time(9, 30), "Hall A"), (1, dt.time(14), "Room 2")]
    for (title, form), (day, start, room), number in zip(
        sessions, slots, range(len(sessions)), strict=False
    ):
        delegation = delegations[number % len(delegations)]
        starts = dt.datetime.combine(
            convening.starts_on + dt.timedelta(days=day), start, tzinfo=zone
        )
        session = Session.objects.create(
            network=convening.network,
            convening=convening,
            city=delegation.city,
            title=title,
            challenge=convening.theme,
            format=form,
            description=f"{delegation.city.name} shares what it learned.",
            status=SessionStatus.ACCEPTED,
            room=room,
            starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=90),
        )
        session.presenters.set([presenters[number % len(presenters)]])
    Session.objects.create(
        network=convening.network,
        convening=convening,
        city=delegations[-1].city,
        title="Open microphone",
        format=SessionFormat.NETWORKING,
        status=SessionStatus.DECLINED,
    )


def _follow_up(
    convening: Convening, delegation: Delegation, idea: str, status: str, today: dt.date
) -> None:
    """An idea with its owner, due 120 days after the convening, and the reviews (30, 90, 180
    days after it) whose day has come recorded on that day."""
    reviews = {
        f"reviewed_{days}_on": convening.ends_on + dt.timedelta(days=days)
        for days in (30, 90, 180)
        if convening.ends_on + dt.timedelta(days=days) <= today
    }
    FollowUp.objects.create(
        network=convening.network,
        delegation=delegation,
        idea=idea,
        owner_name=OFFICIALS[delegation.pk % len(OFFICIALS)][0],
        due_on=convening.ends_on + dt.timedelta(days=120),
        status=status,
        **reviews,
    )
