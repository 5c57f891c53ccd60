"""The demo city's three cross-sector partnerships, in three states: an active housing pipeline, a
cooling-centre network still forming, and a summer-jobs partnership in its sustaining years.

Everything is written through the partnerships' own services (so every rule they keep holds for
the demo too), dated from the demo's day: no randomness, so the same day builds the same records.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, NamedTuple

from cityweave.goals.models import Goal
from cityweave.partnerships import activities, benchmarks, channels, gaps, meetings, risks
from cityweave.partnerships import services as partnership_services
from cityweave.partnerships.models import Partner, Partnership
from cityweave.stakeholders.models import Stakeholder
from cityweave.workspaces.models import Membership


class PartnerPlan(NamedTuple):
    ref: str  # an organisation's key or a person's name in demo_data
    roles: str  # comma-separated PartnerRole keys; empty: a partner still without a role
    responsibility: str = ""


class BenchmarkPlan(NamedTuple):
    statement: str
    metric: str
    baseline: int
    target: int
    unit: str
    started: int  # days before the demo's day
    due: int  # days after the demo's day (negative: already due)
    readings: tuple[tuple[int, int], ...]  # (days ago, value)


class AssetPlan(NamedTuple):
    kind: str
    holder: str
    description: str
    amount: int | None
    unit: str = "money"


class NeedPlan(NamedTuple):
    value_type: str
    description: str
    amount: int | None
    unit: str = "money"


class RiskPlan(NamedTuple):
    title: str
    category: str
    likelihood: int
    impact: int
    mitigation: str
    status: str = "open"


class ActivityPlan(NamedTuple):
    name: str
    days_ago: int
    place: str
    attendance: int
    outcome: str
    partners: str  # comma-separated refs of partners involved


class ChannelPlan(NamedTuple):
    kind: str
    name: str
    every_days: int
    response_days: int | None
    last_used: int | None  # days ago; None: never used


class MeetingPlanPlan(NamedTuple):
    title: str
    in_days: int
    place: str
    agenda: tuple[tuple[str, str, str], ...]  # (text, roles, value types)
    confirm: bool
    follow_ups: tuple[tuple[str, str, str, int], ...] = ()  # (text, owed by, ref, due in days)


class PartnershipPlan(NamedTuple):
    name: str
    status: str
    goal_prefix: str  # the demo goal it serves, by the start of its statement
    problem: str
    area: str
    population_groups: tuple[str, ...]
    past_efforts: str
    consulted: str
    started: int  # days ago
    review_in: int  # days from the demo's day
    officer: int  # index into the demo's members
    partners: tuple[PartnerPlan, ...]
    benchmarks: tuple[BenchmarkPlan, ...]
    assets: tuple[AssetPlan, ...]
    needs: tuple[NeedPlan, ...]
    risks: tuple[RiskPlan, ...]
    activities: tuple[ActivityPlan, ...]
    channels: tuple[ChannelPlan, ...]
    meetings: tuple[MeetingPlanPlan, ...]


PARTNERSHIPS = (
    PartnershipPlan(
        name="Eastside Homes Pipeline",
        status="active",
        goal_prefix="Raise $2.5 million",
        problem=(
            "Eastside families spend more than half their income on rent, and 40 city-owned lots "
            "have stood empty for a decade. Residents asked for homes they can afford to own, "
            "built without pushing their neighbours out."
        ),
        area="Eastside",
        population_groups=("Renter households under 60% of area median income", "Seniors"),
        past_efforts=(
            "A 2019 land sale to one developer stalled after financing fell through: this time "
            "the lots go to a community land trust and the financing is pooled before any sale."
        ),
        consulted="eastside, northgate, Maria Delgado, Kevin O'Brien",
        started=240,
        review_in=45,
        officer=1,
        partners=(
            PartnerPlan("Keisha Morgan", "champion", "Carries the pipeline inside City Hall"),
            PartnerPlan("rha", "implementer", "Manages the lots and the rental units"),
            PartnerPlan("habitat", "implementer", "Builds the ownership homes with volunteers"),
            PartnerPlan("frb", "funder", "Construction loans at below-market rates"),
            PartnerPlan("rcf", "funder, convener", "Seed grant; chairs the funders' table"),
            PartnerPlan("shfa", "funder", "Low-income housing tax credits"),
            PartnerPlan(
                "eastside", "community-voice", "Holds the neighbourhood listening sessions"
            ),
            PartnerPlan("northgate", "community-voice", "Speaks for the tenants at risk of moving"),
            PartnerPlan(
                "urbanlab", "data-partner", "Tracks displacement and prices block by block"
            ),
            PartnerPlan("legalaid", "advisor", "Land-trust deeds and tenant protections"),
            PartnerPlan("Janet Morales", "champion", "Brings the builders and the churches along"),
            PartnerPlan("devco", ""),
        ),
        benchmarks=(
            BenchmarkPlan(
                "Start building 120 affordable homes",
                "homes under construction",
                0,
                120,
                "homes",
                240,
                125,
                ((180, 8), (120, 30), (60, 52), (10, 80)),
            ),
            BenchmarkPlan(
                "Pool $2.5 million in gap financing",
                "financing committed",
                0,
                2_500_000,
                "USD",
                240,
                60,
                ((200, 250_000), (120, 600_000), (30, 900_000)),
            ),
            BenchmarkPlan(
                "Counsel 300 households on buying a home",
                "households counselled",
                0,
                300,
                "households",
                240,
                30,
                ((150, 110), (90, 190), (20, 305)),
            ),
        ),  # fmt: skip
        assets=(
            AssetPlan("land", "city", "40 city-owned vacant lots on Eastside", 1_200_000),
            AssetPlan("financial", "frb", "Construction loan fund", 500_000),
            AssetPlan("financial", "rcf", "Seed grant", 250_000),
            AssetPlan("staff", "habitat", "Site supervisors and volunteer crews", 2_000, "hours"),
            AssetPlan("data", "urbanlab", "Displacement early-warning data", None),
            AssetPlan("expertise", "legalaid", "Community land-trust legal work", 300, "hours"),
        ),
        needs=(
            NeedPlan("funding", "Gap financing for the first 120 homes", 2_500_000),
            NeedPlan("land", "Sites for the second phase", None),
            NeedPlan("volunteers", "Build-day volunteers", 4_000, "hours"),
            NeedPlan("expertise", "Land-trust and tenant law", 300, "hours"),
            NeedPlan("community-connections", "Reach into Somali and Latino households", None),
        ),
        risks=(
            RiskPlan(
                "Interest rates rise before the loans close",
                "resources",
                4,
                4,
                "Lock rates with First Riverton Bank for 18 months; ask the state for a buy-down.",
            ),
            RiskPlan(
                "Neighbours fear the homes raise their rents",
                "community-trust",
                3,
                4,
                "Monthly listening sessions; a right of first refusal for current tenants.",
                "mitigating",
            ),
            RiskPlan(
                "Habitat's crews are stretched across two counties",
                "capacity",
                3,
                3,
                "Second Chance Workforce Center trainees join the crews.",
            ),
            RiskPlan(
                "Council majority changes after the election",
                "political",
                2,
                4,
                "Brief every candidate; put the land transfer to a vote before November.",
            ),
            RiskPlan(
                "Zoning blocks duplexes on the lots",
                "legal",
                4,
                5,
                "Council passed the Eastside zoning overlay in the spring.",
                "closed",
            ),
        ),  # fmt: skip
        activities=(
            ActivityPlan(
                "Eastside housing listening session",
                75,
                "Eastside Neighborhood Center",
                85,
                "Residents chose ownership over rental for the first 40 homes.",
                "eastside, northgate, rha, Keisha Morgan",
            ),
            ActivityPlan(
                "Habitat build day on Maple Street",
                12,
                "1400 block of Maple Street",
                64,
                "Framed two homes; 18 first-time volunteers signed up again.",
                "habitat, frb, Janet Morales",
            ),
        ),  # fmt: skip
        channels=(
            ChannelPlan("email-list", "Eastside Homes steering list", 14, 3, 5),
            ChannelPlan("meeting-series", "Monthly funders' table", 30, None, 44),
        ),
        meetings=(
            MeetingPlanPlan(
                "Steering group: closing the financing gap",
                9,
                "City Hall, room 301",
                (
                    ("The $1.6 million gap and who can close it", "funder", "funding"),
                    ("Second-phase sites", "", "land"),
                ),
                confirm=True,
                follow_ups=(("Send the pro forma to every funder", "us", "rcf", 16),),
            ),
        ),  # fmt: skip
    ),
    PartnershipPlan(
        name="Cool Congregations",
        status="forming",
        goal_prefix="Sign up six congregations",
        problem=(
            "Three heat waves last summer sent 41 seniors to the emergency room; most live alone "
            "and far from the two public cooling centres. Congregations are close to them, "
            "trusted, and have cool halls."
        ),
        area="Citywide",
        population_groups=("Seniors living alone", "People without air conditioning"),
        past_efforts="Library cooling hours were little used: too far, and no one went door to door.",
        consulted="seniors, interfaith",
        started=50,
        review_in=30,
        officer=2,
        partners=(
            PartnerPlan("Elena Novak", "champion", "Heat plan lead at the city"),
            PartnerPlan("interfaith", "convener", "Recruits the congregations"),
            PartnerPlan("stbrigid", "implementer", "Opens its parish hall"),
            PartnerPlan("bethel", "implementer", "Opens its fellowship hall"),
            PartnerPlan(
                "hospital", "advisor, data-partner", "Heat-illness data and staff training"
            ),
            PartnerPlan("seniors", "community-voice", "Checks the plan with members"),
            PartnerPlan("pplfund", "funder", "Pays for fans, water and extra electricity"),
        ),
        benchmarks=(
            BenchmarkPlan(
                "Six congregations open as cooling centres",
                "congregations signed up",
                0,
                6,
                "congregations",
                50,
                110,
                ((35, 1), (7, 2)),
            ),
            BenchmarkPlan(
                "Train 40 volunteers to check on seniors",
                "volunteers trained",
                0,
                40,
                "volunteers",
                40,
                100,
                (),
            ),
        ),  # fmt: skip
        assets=(
            AssetPlan(
                "infrastructure", "stbrigid", "Parish hall, 120 seats, air-conditioned", None
            ),
            AssetPlan("infrastructure", "bethel", "Fellowship hall, 80 seats", None),
            AssetPlan("financial", "pplfund", "Cooling supplies grant", 40_000),
            AssetPlan("expertise", "hospital", "Heat-illness training for volunteers", 60, "hours"),
        ),
        needs=(
            NeedPlan("facilities", "Halls in the north and west of the city", None),
            NeedPlan("funding", "Supplies and extra electricity for six sites", 90_000),
            NeedPlan("volunteers", "Volunteers for door-to-door checks", 1_200, "hours"),
            NeedPlan("visibility", "Word of the centres in five languages", None),
        ),
        risks=(
            RiskPlan(
                "Congregations worry about insurance",
                "legal",
                4,
                3,
                "City risk office drafts one indemnity agreement for all sites.",
            ),
            RiskPlan(
                "Not enough volunteers in August",
                "capacity",
                3,
                4,
                "Recruit through the youth summer-jobs programme too.",
            ),
            RiskPlan(
                "Funding arrives after the first heat wave",
                "resources",
                2,
                4,
                "Ask the community fund for an advance on the grant.",
                "mitigating",
            ),
        ),  # fmt: skip
        activities=(
            ActivityPlan(
                "Interfaith heat-safety breakfast",
                20,
                "Greater Bethel AME Church",
                38,
                "Four more congregations asked for the site checklist.",
                "interfaith, bethel, stbrigid, Elena Novak",
            ),
        ),  # fmt: skip
        channels=(ChannelPlan("chat-group", "Cooling centre hosts chat", 7, 1, 3),),
        meetings=(
            MeetingPlanPlan(
                "Site walk-through before summer",
                14,
                "St. Brigid's Parish hall",
                (
                    ("Check the hall against the site checklist", "implementer", ""),
                    ("Volunteer training dates", "advisor", "volunteers"),
                ),
                confirm=False,
            ),
        ),  # fmt: skip
    ),
    PartnershipPlan(
        name="Riverton Summer Jobs",
        status="sustaining",
        goal_prefix="Place 40 young people",
        problem=(
            "Young people on the Eastside and in Westbank find few first jobs close to home, and "
            "employers say they cannot find entry-level workers."
        ),
        area="Eastside and Westbank",
        population_groups=("Young people 16–21",),
        past_efforts=(
            "Two summers of a city-only programme placed 15 young people a year; employers asked "
            "for coaching and transport, which the partners now provide."
        ),
        consulted="bgclub, youthfutures, Tasha Greene",
        started=420,
        review_in=90,
        officer=0,
        partners=(
            PartnerPlan("Jamal Carter", "champion", "Runs the programme at the city"),
            PartnerPlan("Carla Benson", "champion", "Signs up employers through the Chamber"),
            PartnerPlan("youthfutures", "implementer", "Coaches the young people every week"),
            PartnerPlan("chamber", "convener", "Hosts the employers' breakfasts"),
            PartnerPlan("rbm", "implementer", "Takes ten young people a summer"),
            PartnerPlan("gpl", "implementer", "Takes eight young people a summer"),
            PartnerPlan("masonlee", "funder", "Pays half of every wage"),
            PartnerPlan("rcc", "advisor", "Credits the summer toward a certificate"),
            PartnerPlan("bgclub", "community-voice", "Finds the young people who need it most"),
        ),
        benchmarks=(
            BenchmarkPlan(
                "Place 40 young people in paid summer jobs",
                "young people placed",
                0,
                40,
                "people",
                300,
                -20,
                ((200, 12), (120, 31), (40, 42)),
            ),
            BenchmarkPlan(
                "Sign 15 employers",
                "employers signed",
                0,
                15,
                "employers",
                300,
                -30,
                ((200, 5), (120, 9), (45, 11)),
            ),
            BenchmarkPlan(
                "Keep 80% of placements to the end of summer",
                "placements kept",
                50,
                80,
                "%",
                120,
                70,
                ((90, 58), (30, 66)),
            ),
        ),  # fmt: skip
        assets=(
            AssetPlan("financial", "masonlee", "Half of every wage", 120_000),
            AssetPlan("staff", "youthfutures", "Weekly job coaching", 900, "hours"),
            AssetPlan("programme", "rcc", "Work-readiness certificate", None),
            AssetPlan("infrastructure", "transit", "Free summer bus passes", 18_000),
        ),
        needs=(
            NeedPlan("funding", "The other half of the wages", 240_000),
            NeedPlan("paid-staff", "Job coaches", 900, "hours"),
            NeedPlan("in-kind", "Work clothes and safety boots", None),
        ),
        risks=(
            RiskPlan(
                "The foundation's grant ends next year",
                "resources",
                3,
                5,
                "Ask employers to pay a growing share; apply to the federal workforce fund.",
            ),
            RiskPlan(
                "Employers drop out in a slow summer",
                "priorities",
                2,
                3,
                "Breakfasts with the Chamber every spring.",
                "mitigating",
            ),
        ),  # fmt: skip
        activities=(
            ActivityPlan(
                "Summer jobs fair",
                130,
                "Riverton Community College gym",
                220,
                "61 young people interviewed; 34 offers on the day.",
                "youthfutures, chamber, rbm, gpl, rcc, Jamal Carter",
            ),
            ActivityPlan(
                "Employers' thank-you breakfast",
                25,
                "Riverton Chamber of Commerce",
                30,
                "Eleven employers renewed for next summer.",
                "chamber, rbm, gpl, masonlee, Carla Benson",
            ),
        ),  # fmt: skip
        channels=(
            ChannelPlan("newsletter", "Summer Jobs employer update", 30, None, 12),
            ChannelPlan("email-list", "Coaches' list", 7, 2, None),
        ),
        meetings=(),
    ),
)


class PartnershipBuilder:
    """Writes PARTNERSHIPS into the demo workspace through the partnerships' services, acting as
    the demo's owner; `by_ref` finds stakeholders by organisation key or person name."""

    def __init__(
        self,
        today: dt.date,
        at: Any,
        members: list[Membership],
        by_ref: dict[str, Stakeholder],
        goals: list[Goal],
    ) -> None:
        self.today = today
        self.at = at  # at(days_ago, hour) -> an aware datetime in the city's zone
        self.owner = members[0]
        self.members = members
        self.by_ref = by_ref
        self.goals = goals
        self.now = at(0, 9)

    def day(self, days_ago: int) -> dt.date:
        return self.today - dt.timedelta(days=days_ago)

    def build(self) -> list[Partnership]:
        return [self.partnership(plan) for plan in PARTNERSHIPS]

    def partnership(self, plan: PartnershipPlan) -> Partnership:
        owner = self.owner
        goals = [g for g in self.goals if g.statement.startswith(plan.goal_prefix)]
        partnership = partnership_services.save_partnership(
            owner,
            {
                "name": plan.name,
                "problem": plan.problem,
                "area": plan.area,
                "population_groups": list(plan.population_groups),
                "past_efforts": plan.past_efforts,
                "status": plan.status,
                "started_on": self.day(plan.started),
                "review_on": self.day(-plan.review_in),
                "officer": self.members[plan.officer],
                "consulted": self.refs(plan.consulted),
                "goals": goals,
            },
        )
        partners: dict[str, Partner] = {}
        for item in plan.partners:
            partners[item.ref] = partnership_services.save_partner(
                owner,
                partnership,
                {
                    "stakeholder": self.by_ref[item.ref],
                    "roles": [role.strip() for role in item.roles.split(",") if role.strip()],
                    "responsibility": item.responsibility,
                    "joined_on": self.day(plan.started),
                },
            )
        for bench in plan.benchmarks:
            benchmark = benchmarks.save_benchmark(
                owner,
                partnership,
                {
                    "statement": bench.statement,
                    "metric": bench.metric,
                    "baseline": Decimal(bench.baseline),
                    "target": Decimal(bench.target),
                    "unit": bench.unit,
                    "starts_on": self.day(bench.started),
                    "due_on": self.day(-bench.due),
                },
            )
            for days_ago, value in bench.readings:
                benchmarks.record_progress(owner, benchmark, value, self.day(days_ago))
        for asset in plan.assets:
            gaps.save_asset(
                owner,
                partnership,
                {
                    "kind": asset.kind,
                    "holder": self.by_ref[asset.holder],
                    "description": asset.description,
                    "amount": asset.amount,
                    "amount_unit": asset.unit,
                },
            )
        for need in plan.needs:
            gaps.save_need(
                owner,
                partnership,
                {
                    "value_type": need.value_type,
                    "description": need.description,
                    "amount": need.amount,
                    "amount_unit": need.unit,
                },
            )
        writers = [m for m in self.members if m.role != "viewer"]
        for n, risk in enumerate(plan.risks):
            risks.save_risk(
                owner,
                partnership,
                {
                    "title": risk.title,
                    "category": risk.category,
                    "likelihood": risk.likelihood,
                    "impact": risk.impact,
                    "mitigation": risk.mitigation,
                    "status": risk.status,
                    "owner": writers[n % len(writers)],
                },
            )
        for event in plan.activities:
            activities.save_activity(
                owner,
                partnership,
                {
                    "name": event.name,
                    "held_on": self.day(event.days_ago),
                    "place": event.place,
                    "attendance": event.attendance,
                    "outcome": event.outcome,
                    "partners": [partners[ref] for ref in _split(event.partners)],
                },
            )
        for channel in plan.channels:
            channels.save_channel(
                owner,
                partnership,
                {
                    "kind": channel.kind,
                    "name": channel.name,
                    "every_days": channel.every_days,
                    "response_days": channel.response_days,
                    "last_used_on": None
                    if channel.last_used is None
                    else self.day(channel.last_used),
                },
            )
        for meeting in plan.meetings:
            self.meeting(partnership, meeting)
        return partnership

    def meeting(self, partnership: Partnership, plan: MeetingPlanPlan) -> None:
        agenda = [
            {"text": text, "roles": _split(roles), "value_types": _split(value_types)}
            for text, roles, value_types in plan.agenda
        ]
        saved = meetings.save_plan(
            self.owner,
            partnership,
            {
                "title": plan.title,
                "starts_at": self.at(-plan.in_days, 10),
                "duration_minutes": 90,
                "place": plan.place,
                "agenda": agenda,
            },
            now=self.now,
        )
        if plan.confirm:
            follow_ups = [
                {
                    "description": text,
                    "owed_by": owed_by,
                    "stakeholder": self.by_ref[ref],
                    "due_on": self.day(-due_in),
                }
                for text, owed_by, ref, due_in in plan.follow_ups
            ]
            meetings.confirm_plan(self.owner, saved, follow_ups=follow_ups, now=self.now)

    def refs(self, refs: str) -> list[Stakeholder]:
        return [self.by_ref[ref] for ref in _split(refs)]


def _split(refs: str) -> list[str]:
    return [ref.strip() for ref in refs.split(",") if ref.strip()]
