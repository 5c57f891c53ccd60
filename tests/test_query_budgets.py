"""Query budgets: every page a person uses daily and every API list costs a fixed number of queries.

Two workspaces of the same shape are built once for the module: a small one, and one with three
times the rows of every kind (stakeholders in a workspace-defined sector, tags, organisations and
their people, ties with a cadence and an owner, interactions with several participants and members
present, private interactions, follow-up commitments, goals with progress, trash, members, sectors,
API tokens). Each page is requested once to warm process caches (content types, the network map's
layout), then measured in both workspaces:

- the two counts must be equal: a count that grows with the rows is an N+1 query;
- the count must be the one written down in EXPECTED, so any change is a deliberate edit here.

The network page, its map data and the network API are measured with the analysis already cached,
as a request finds it once the background analysis has run. What pages derive from the whole
workspace and keep between requests (`workspaces.derived`: health statuses, the dashboard's
relationships at risk, the map's ties) is measured as the first request after a change finds it:
built anew.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cityweave.accounts.models import ApiToken
from cityweave.engagement.models import Commitment, Interaction
from cityweave.goals.models import Goal, GoalProgress
from cityweave.network.services import network_report
from cityweave.partnerships import benchmarks as partnership_benchmarks
from cityweave.partnerships.models import Partnership, Risk
from cityweave.partnerships.testing import make_partner, make_partnership
from cityweave.peers.convening_testing import (
    make_convening,
    make_delegate,
    make_delegation,
    make_follow_up,
    make_session,
)
from cityweave.peers.models import (
    CityNetwork,
    CityOfficial,
    Cohort,
    Convening,
    Delegation,
    MemberCity,
    NetworkStaff,
    OfficialInvitation,
    PeerExchange,
    Session,
)
from cityweave.peers.testing import make_city, make_strength
from cityweave.peers.tests.guide_factories import add_guide_batch, make_budget_guide
from cityweave.stakeholders.models import Sector, Stakeholder, Tag, Tie
from cityweave.strategy.budget import save_budget
from cityweave.strategy.plans import save_proposal
from cityweave.strategy.tests.plan_factories import make_proposal
from cityweave.testing import (
    make_commitment,
    make_goal,
    make_interaction,
    make_member,
    make_stakeholder,
    make_tie,
    make_user,
    make_workspace,
)
from cityweave.workspaces import derived
from cityweave.workspaces.models import Membership, Workspace
from cityweave.workspaces.services import move_to_trash

#: Queries per request in the small workspace, written down: a change here is a decision, made in
#: the commit that causes it. A page request starts with 3 (session, user, membership) and its
#: template adds 1 (the menu of your workspaces). Marked: counts that follow relationship health
#: (engagement/health.py; it also asks whether others keep private interactions, whose times it
#: withholds), the network analysis (network/) or the forms' pickers (*/forms.py).
EXPECTED: dict[str, int] = {
    "dashboard": 30,  # health and the survey panel (kept between requests: measured rebuilt); every stakeholder counted
    "stakeholder_list": 11,
    "stakeholder_list_filtered": 11,
    "stakeholder_list_late_page": 11,
    "stakeholder_detail": 29,  # health, network, partnerships it is a partner in; how to reach (3, 2 more with paths)
    "stakeholder_new": 5,  # pickers
    "stakeholder_edit": 9,  # pickers
    "tie_list": 16,  # health
    "tie_list_filtered": 10,  # health
    "tie_detail": 14,  # health, the survey wave that could fill its trust and value
    "tie_new": 7,  # pickers
    "tie_edit": 8,  # pickers
    "interaction_list": 12,
    "interaction_list_filtered": 12,
    "interaction_detail": 9,
    "interaction_invitation": 7,
    "interaction_new": 7,  # pickers
    "interaction_edit": 10,  # pickers
    "interaction_capture": 9,  # pickers
    "commitment_list": 11,
    "commitment_list_filtered": 11,
    "commitment_detail": 6,
    "commitment_new": 6,  # pickers
    "commitment_edit": 7,  # pickers
    "goal_list": 10,
    "goal_list_by_progress": 10,
    "goal_detail": 11,
    "goal_new": 5,  # pickers
    "goal_edit": 8,  # pickers
    "partnership_list": 9,  # health: benchmarks with progress, risks, partners engaged
    "partnership_list_filtered": 9,
    "partnership_detail": 20,  # its sections (sections.py): partners, network, benchmarks, assets and needs, risks, activities, channels, meetings
    "partnership_new": 6,  # pickers
    "partnership_edit": 9,  # pickers
    "partnership_brief": 12,  # brief.py: goals, benchmarks with progress, partners, assets, needs, risks
    "trash": 6,
    "settings": 7,
    "settings_member_remove": 9,
    "account": 5,
    "notifications": 17,  # health, network (brought up to date on each visit), calendar feed
    "notifications_bell": 4,
    "network": 11,  # network
    "network_map_data": 13,  # network, health
    "network_partnership": 16,  # network, the partnership and its own network
    "network_map_data_partnership": 15,  # network, health, the partnership and its partners
    "api_workspaces": 2,
    "api_stakeholders": 8,
    "api_ties": 11,  # health
    "api_ties_filtered": 13,  # health
    "api_interactions": 8,
    "api_commitments": 5,
    "api_goals": 7,
    "api_partnerships": 7,
    "api_partnership_partners": 6,
    "api_partnership_benchmarks": 7,
    "api_network": 12,  # network, health
    "api_partnership_network": 7,
    "api_network_node": 7,  # network
    "peer_networks": 5,
    "peer_cities": 10,  # the page count
    "peer_cities_filtered": 10,
    "peer_city": 12,
    "peer_city_edit": 10,
    "peer_matches": 15,  # its ties in the city network (exchanges, convenings, guides)
    "peer_staff": 8,
    "api_networks": 3,
    "api_network_cities": 8,
    "api_network_city_matches": 13,  # its ties in the city network (three sources)
    "peer_exchanges": 10,  # the cities (filter and form), a page of 50 and its count, the trash
    "peer_city_network": 10,  # ties from exchanges, convenings and guides
    "peer_cohorts": 15,  # the form's challenges, the cities' facts, saved cohorts and their trash
    "peer_officials": 10,  # cities, officials, exchanges, invitations
    "api_network_exchanges": 7,
    "api_network_city_network": 8,  # ties from exchanges, convenings and guides
    "api_network_cohorts": 8,
    "api_network_saved_cohorts": 6,
    "api_network_invitations": 5,
    "api_network_activity": 8,
    "peer_guides": 10,
    "peer_guides_filtered": 11,  # is there a published guide (for the public page's link)
    "peer_guide": 13,
    "peer_guide_edit": 15,  # the forms' city choices
    "peer_guide_versions": 9,
    "public_guides": 8,
    "public_guide": 10,
    "api_network_guides": 8,
    "api_network_guide": 8,
    "api_network_published_guides": 6,
    "peer_convenings": 8,
    "peer_convening": 15,  # delegations with delegates and ideas, sessions with presenters, cities to invite, the network-wide total
    "peer_delegation": 10,
    "peer_session": 11,
    "peer_agenda": 9,
    "peer_agenda_ics": 8,
    "peer_badges": 8,
    "peer_attendance": 8,
    "api_network_convenings": 7,
    "api_network_convening": 8,
    "api_network_delegations": 8,
    "api_network_delegates": 8,
    "api_network_sessions": 7,
    "api_network_follow_ups": 8,
    "budget": 14,  # budget.py: budget, tiers, ties, sectors, lengths (2), goals, months; shared budgets
    "budget_member": 15,  # the same, and whether the member shares it
    "api_budget": 10,  # budget.py: the summary's 8
    "api_budget_member": 11,  # and whether the member shares it
    "api_budget_members": 3,
    "api_budget_tiers": 4,
    "budget_plan": 10,  # plans.py: the weights' budget, the plan, sectors, lines (3)
    "budget_member_plan": 10,  # the plan, sectors, lines (3), and whether the member shares it
    "api_budget_plan": 7,  # plans.py: the plan, sectors, changed and unchanged lines, counts
    "api_budget_member_plan": 8,  # and whether the member shares it
    "api_budget_plan_weights": 3,
    "budget_introductions": 11,  # introductions.py: stakeholders, ties, sectors, loads, organisations; the form's sectors, the stored analysis
    "budget_next": 12,  # next_best.py: the graph's 3, goals, needs, the stored analysis, loads, organisations
    "api_budget_introductions": 7,
    "api_budget_next": 10,
}

SMALL, LARGE = 1, 3
#: The workspace's own sector that the focal stakeholder and many others are in.
PORT = "port-authority"


@dataclass
class World:
    """One workspace with its owner's clients and the records the detail pages show."""

    workspace: Workspace
    owner: Membership
    other: Membership
    client: Client
    api: Client
    stakeholder: Stakeholder
    tie: Tie
    interaction: Interaction
    commitment: Commitment
    goal: Goal
    partnership: Partnership
    network: CityNetwork
    city: MemberCity
    members: list[Membership] = field(default_factory=list)
    batches: int = 0
    guide: Any = None  # the network's focal peer guide (published)
    # The network's convening hosted by the focal city, its delegation and a scheduled session.
    convening: Convening | None = None
    delegation: Delegation | None = None
    session: Session | None = None

    @property
    def slug(self) -> str:
        return self.workspace.slug


def days_ago(days: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def build_world(slug: str, batches: int) -> World:
    """A workspace with its focal records, and `batches` batches of rows of every kind."""
    workspace = make_workspace(slug.title(), slug)
    user = make_user(f"owner@{slug}.example", "Alice Reyes")
    owner = make_member(workspace, user, "owner")
    Sector.objects.create(workspace=workspace, key=PORT, label="Port authority")
    city = make_stakeholder(workspace, f"City of {slug.title()}", sector="local-government")
    city.is_internal = True
    city.save()
    focal = make_stakeholder(workspace, "Harbour Board", sector=PORT, influence=4)
    tie = make_tie(
        city, focal, cadence_days=30, owner=owner, trust=3, started_on=dt.date(2023, 1, 1)
    )
    interaction = make_interaction(workspace, [city, focal], days_ago(10), author=owner)
    interaction.members_present.set([owner])
    commitment = make_commitment(focal, owner=owner, interaction=interaction)
    goal = make_goal(workspace, owner=owner)
    goal.stakeholders.set([focal])
    GoalProgress.objects.create(goal=goal, value=Decimal(3), recorded_on=dt.date(2024, 1, 1))
    partnership = make_partnership(owner, "Harbour Jobs", officer=owner.pk, goals=[goal])
    make_partner(owner, partnership, focal, "champion", responsibility="Opens the port")
    make_partner(owner, partnership, city, "convener")
    # A network of cities the owner is on the staff of: a city facing two challenges, with a
    # strength; each batch adds cities, strengths and officials.
    network = CityNetwork.objects.create(name=f"{slug.title()} Network", slug=f"{slug}-network")
    NetworkStaff.objects.create(network=network, user=user, role="owner")
    peer_city = make_city(
        network, "Chattanooga", "TN", 181_099, ["digital-inclusion", "workforce-development"]
    )
    make_strength(peer_city, "digital-inclusion")
    CityOfficial.objects.create(city=peer_city, user=user)
    convening = make_convening(peer_city, starts_on=timezone.localdate(), capacity=500)
    delegation = make_delegation(convening, peer_city)
    world = World(
        workspace=workspace,
        owner=owner,
        other=owner,
        client=Client(),
        api=Client(headers={"Authorization": f"Bearer {ApiToken.issue(user, 'tests')[1]}"}),
        stakeholder=focal,
        tie=tie,
        interaction=interaction,
        commitment=commitment,
        goal=goal,
        partnership=partnership,
        network=network,
        city=peer_city,
        members=[owner],
        convening=convening,
        delegation=delegation,
        session=make_session(convening, peer_city, status="accepted"),
    )
    world.guide = make_budget_guide(network, user, peer_city)
    for _ in range(batches):
        add_batch(world, city)
    world.other = world.members[1]
    # Relationship budgets: the owner's, and another member's that is shared.
    save_budget(
        owner,
        {
            "hours_per_month": 20,
            "operational_percent": 30,
            "personal_percent": 30,
            "strategic_percent": 40,
        },
    )
    save_budget(world.other, {"hours_per_month": 10, "shared": True})
    # Their relationship plans: every other tie they own let rest, the others kept active.
    for member in (owner, world.other):
        owned = Tie.objects.filter(owner=member).select_related("source", "target")
        moves = {t: ("active", "rest" if i % 2 else "active") for i, t in enumerate(owned)}
        save_proposal(member, make_proposal(member, moves))
    world.client.force_login(user)
    # The analysis is cached, as the background task leaves it.
    network_report(owner)
    return world


def add_convening_rows(world: World, peer: MemberCity, n: int) -> None:
    """The peer city's delegation to the convening, with delegates (one presenting a scheduled
    session), ideas and a proposed session; the focal delegation gains a delegate and an idea."""
    convening, focal = world.convening, world.delegation
    assert convening is not None and focal is not None
    delegation = make_delegation(convening, peer)
    for kind in ("official", "official", "partner"):
        make_delegate(
            delegation, f"{kind.title()} {n} {peer.region}", kind, registered_at=timezone.now()
        )
    make_delegate(focal, f"Official {n} of the host", attended=True)
    make_follow_up(delegation, status="in-progress")
    make_follow_up(focal, status="planned")
    make_session(convening, peer, f"Proposal {n} {peer.region}")
    start = timezone.now() + dt.timedelta(hours=n)
    session = make_session(
        convening, peer, f"Session {n} {peer.region}", status="accepted", room=f"Room {n}{peer.region}",
        starts_at=start, ends_at=start + dt.timedelta(minutes=30),
    )  # fmt: skip
    session.presenters.set(delegation.delegates.all()[:1])


def add_batch(world: World, city: Stakeholder) -> None:
    """Rows of every kind, many of them tied to the focal records the detail pages show."""
    world.batches += 1
    n = world.batches
    workspace, owner = world.workspace, world.owner
    focal, goal = world.stakeholder, world.goal
    user = world.owner.user
    editor = make_member(workspace, make_user(f"editor{n}@{workspace.slug}.example"), "editor")
    world.members.append(editor)
    # The network: peers of the focal city, with strengths and officials.
    for region in ("OH", "TN"):
        peer = make_city(
            world.network,
            f"Peer {n} {region}",
            region,
            90_000 * n,
            ["digital-inclusion", "fiscal-health"] if region == "OH" else ["workforce-development"],
        )
        make_strength(peer, "workforce-development")
        CityOfficial.objects.create(city=peer, user=editor.user)
        # The network as a network: an exchange with the focal city, an open invitation.
        PeerExchange.objects.create(
            network=world.network,
            city_a=world.city,
            city_b=peer,
            kind="visit",
            date=dt.date(2026, 1, n),
            logged_by=user,
        )
        saved = Cohort.objects.create(
            network=world.network, name=f"Cohort {n} {region}", theme="fiscal-health", size=3
        )
        saved.cities.set([world.city, peer])
        OfficialInvitation.objects.create(
            network=world.network,
            city=peer,
            email=f"invited{n}{region}@{workspace.slug}.example",
            invited_by=user,
            expires_at=timezone.now() + dt.timedelta(days=14),
        )
        add_convening_rows(world, peer, n)
    add_guide_batch(
        world.guide,
        user,
        list(MemberCity.objects.filter(name__startswith=f"Peer {n} ", network=world.network)),
    )
    members = [owner, editor]
    # The owner's other workspaces and API tokens (the account page lists them).
    make_member(make_workspace(f"{workspace.slug} partner {n}"), user, "viewer")
    ApiToken.issue(user, f"script {n}")
    own_sector = f"district-{n}"
    Sector.objects.create(workspace=workspace, key=own_sector, label=f"District {n}")
    tags = [
        Tag.objects.create(workspace=workspace, name=f"{word} {n}")
        for word in ("harbour", "grants")
    ]
    harbour = Tag.objects.get_or_create(workspace=workspace, name="harbour")[0]

    organisations = []
    for i, sector in enumerate((PORT, own_sector, "business", "philanthropy")):
        org = make_stakeholder(
            workspace, f"Org {n}.{i}", sector=sector, kind="organisation", influence=1 + i
        )
        org.tags.set([*tags, harbour] if sector == PORT else tags[:1])
        organisations.append(org)
    people = []
    for i, org in enumerate(organisations):
        person = make_stakeholder(
            workspace, f"Person {n}.{i}", sector=org.sector, kind="person", title="Director"
        )
        person.organisations.set([org, focal])
        person.tags.set(tags)
        people.append(person)
    focal.tags.add(*tags)
    # Filler rows, so that list pages fill up.
    filler = Stakeholder.objects.bulk_create(
        Stakeholder(workspace=workspace, name=f"Filler {n}.{i:02}", sector=[PORT, "media"][i % 2])
        for i in range(18)
    )

    # The workspace's date: progress dated after it is refused (UTC runs a day ahead of Chicago
    # every evening).
    today = timezone.localdate(timezone=ZoneInfo(workspace.timezone))
    others = organisations + people
    for i, other in enumerate(others):
        make_tie(
            focal if i % 2 else city,
            other,
            cadence_days=[7, 30, 90][i % 3],
            owner=members[i % 2],
            trust=1 + i % 4,
            started_on=today - dt.timedelta(days=200),
            status=Tie.Status.ENDED if i == 7 else Tie.Status.ACTIVE,
        )
    make_tie(organisations[0], organisations[1], cadence_days=14, owner=editor)
    Tie.objects.bulk_create(
        Tie(workspace=workspace, source=filler[i], target=filler[i + 1], kind="peer")
        for i in range(0, 16, 2)
    )

    for i in range(5):
        interaction = make_interaction(
            workspace,
            [focal, city, people[i % 4], organisations[i % 4]],
            days_ago(3 + 20 * i),
            author=members[i % 2],
            private=i == 4,
            goal=goal if i % 2 else None,
        )
        interaction.members_present.set(members)
        make_commitment(focal, today + dt.timedelta(days=i - 2), owner=members[i % 2])
        # Enough promises due this week that the dashboard's panel is full in both workspaces.
        make_commitment(organisations[i % 4], today + dt.timedelta(days=i), owner=members[i % 2])
        make_commitment(people[i % 4], today + dt.timedelta(days=i + 1), owner=None)
        make_commitment(
            people[i % 4],
            today + dt.timedelta(days=3 * i),
            owner=members[(i + 1) % 2],
            interaction=interaction,
            status=["open", "done", "missed", "open", "cancelled"][i],
            owed_by=["us", "us", "them", "us", "us"][i],
        )
    # Someone else's private note about the focal stakeholder, which the owner must not see.
    make_interaction(workspace, [focal], days_ago(1), author=editor, private=True)
    world.interaction.participants.add(*people)
    world.interaction.members_present.add(editor)
    make_commitment(focal, owner=editor, interaction=world.interaction)

    for i in range(2):
        other_goal = make_goal(workspace, owner=members[i], status="active")
        other_goal.stakeholders.set(organisations)
        GoalProgress.objects.bulk_create(
            GoalProgress(
                goal=other_goal, value=Decimal(3 + j), recorded_on=today - dt.timedelta(days=30 * j)
            )
            for j in range(3)
        )
    goal.stakeholders.add(*organisations)
    GoalProgress.objects.create(
        goal=goal, value=Decimal(3 + n), recorded_on=today - dt.timedelta(days=n)
    )

    # Partnerships: more partners (one without a role), benchmarks with progress, risks, and
    # another partnership of their own, so the list and the page hold more of everything.
    partnership = world.partnership
    for i, org in enumerate(organisations):
        make_partner(owner, partnership, org, *(["funder", "implementer"][: i % 3]))
    other_partnership = make_partnership(owner, f"Partnership {n}", officer=editor.pk)
    make_partner(owner, other_partnership, people[0], "champion")
    for target in (partnership, other_partnership):
        benchmark = partnership_benchmarks.save_benchmark(
            owner,
            target,
            {
                "statement": f"Milestone {n}",
                "metric": "jobs",
                "target": Decimal(50),
                "starts_on": today - dt.timedelta(days=100),
                "due_on": today + dt.timedelta(days=100),
            },
        )
        for j in range(3):
            partnership_benchmarks.record_progress(
                owner, benchmark, 10 * j, today - dt.timedelta(days=20 * j)
            )
        Risk.objects.create(
            workspace=workspace, partnership=target, title=f"Risk {n}", likelihood=3, impact=n
        )
    move_to_trash(owner, make_partner(owner, partnership, filler[0], "advisor"))

    move_to_trash(owner, make_stakeholder(workspace, f"Gone {n}"))
    move_to_trash(owner, make_interaction(workspace, [city], days_ago(5), author=owner))
    move_to_trash(owner, make_commitment(focal, owner=owner))
    move_to_trash(owner, make_goal(workspace, owner=owner))
    move_to_trash(owner, make_tie(people[0], people[1]))


@dataclass
class Worlds:
    small: World
    large: World


@pytest.fixture(scope="module")
def worlds(django_db_setup, django_db_blocker) -> Iterator[Worlds]:
    """Both workspaces, built once for the module and rolled back after it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield Worlds(small=build_world("small", SMALL), large=build_world("large", LARGE))
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def _pages() -> dict[str, Callable[[World], tuple[str, str]]]:
    """Every page a person uses daily and every API list: name → (which client, URL in a world)."""

    def page(name: str, *args: str, query: str = "") -> Callable[[World], tuple[str, str]]:
        def url(w: World) -> tuple[str, str]:
            ids = [getattr(w, a).pk for a in args]
            return "client", reverse(name, args=[w.slug, *ids]) + query.format(w=w)

        return url

    def api(name: str, *args: str, query: str = "") -> Callable[[World], tuple[str, str]]:
        def url(w: World) -> tuple[str, str]:
            ids = [getattr(w, a).pk for a in args]
            return "api", reverse(f"api:{name}", args=[w.slug, *ids]) + query

        return url

    return {
        "dashboard": page("dashboard"),
        "stakeholder_list": page("stakeholders:list"),
        "stakeholder_list_filtered": page(
            "stakeholders:list", query=f"?sector={PORT}&tag=harbour&sort=-ties"
        ),
        "stakeholder_list_late_page": page("stakeholders:list", query="?page=3"),
        "stakeholder_detail": page("stakeholders:detail", "stakeholder"),
        "stakeholder_new": page("stakeholders:new"),
        "stakeholder_edit": page("stakeholders:edit", "stakeholder"),
        "tie_list": page("ties:list"),
        "tie_list_filtered": page("ties:list", query=f"?sector={PORT}&health=cooling&sort=trust"),
        "tie_detail": page("ties:detail", "tie"),
        "tie_new": page("ties:new", query="?source={w.stakeholder.pk}"),
        "tie_edit": page("ties:edit", "tie"),
        "interaction_list": page("interactions:list"),
        "interaction_list_filtered": page(
            "interactions:list", query=f"?stakeholder={{w.stakeholder.pk}}&sector={PORT}"
        ),
        "interaction_detail": page("interactions:detail", "interaction"),
        "interaction_invitation": page("interaction-invitation", "interaction"),
        "interaction_new": page("interactions:new", query="?stakeholder={w.stakeholder.pk}"),
        "interaction_edit": page("interactions:edit", "interaction"),
        "interaction_capture": page("interactions:capture", "stakeholder"),
        "commitment_list": page("commitments:list"),
        "commitment_list_filtered": page("commitments:list", query="?due=this-week&owed_by=us"),
        "commitment_detail": page("commitments:detail", "commitment"),
        "commitment_new": page("commitments:new", query="?stakeholder={w.stakeholder.pk}"),
        "commitment_edit": page("commitments:edit", "commitment"),
        "goal_list": page("goals:list"),
        "goal_list_by_progress": page("goals:list", query="?sort=-progress&status=active"),
        "goal_detail": page("goals:detail", "goal"),
        "goal_new": page("goals:new"),
        "goal_edit": page("goals:edit", "goal"),
        "partnership_list": page("partnerships:list"),
        "partnership_list_filtered": page("partnerships:list", query="?status=active"),
        "partnership_detail": page("partnerships:detail", "partnership"),
        "partnership_new": page("partnerships:new"),
        "partnership_edit": page("partnerships:edit", "partnership"),
        "partnership_brief": page("partnerships:brief", "partnership"),
        "trash": page("trash:list"),
        "settings": page("settings:index"),
        "settings_member_remove": page("settings:member_remove", "other"),
        "account": lambda w: ("client", reverse("account:index")),
        "notifications": page("notifications:list"),
        "notifications_bell": page("notifications:bell"),
        "network": page("network:map"),
        "network_map_data": page("network:map-data"),
        "network_partnership": page("network:map", query="?partnership={w.partnership.pk}"),
        "network_map_data_partnership": page(
            "network:map-data", query="?partnership={w.partnership.pk}"
        ),
        "api_workspaces": lambda w: ("api", reverse("api:workspaces_list")),
        "api_stakeholders": api("stakeholders_list"),
        "api_ties": api("ties_list"),
        "api_ties_filtered": api("ties_list", query="?health=cooling&status=active"),
        "api_interactions": api("interactions_list"),
        "api_commitments": api("commitments_list"),
        "api_goals": api("goals_list"),
        "api_partnerships": api("partnerships_list"),
        "api_partnership_partners": api("partnerships_partners", "partnership"),
        "api_partnership_benchmarks": api("partnerships_benchmarks", "partnership"),
        "api_network": api("network"),
        "api_partnership_network": api("partnership_network", "partnership"),
        "api_network_node": api("network_node", "stakeholder"),
        "peer_networks": lambda w: ("client", reverse("peers:networks")),
        "peer_cities": lambda w: ("client", reverse("peers:cities", args=[w.network.slug])),
        "peer_cities_filtered": lambda w: (
            "client",
            reverse("peers:cities", args=[w.network.slug]) + "?challenge=digital-inclusion",
        ),
        "peer_city": lambda w: ("client", reverse("peers:city", args=[w.network.slug, w.city.pk])),
        "peer_city_edit": lambda w: (
            "client",
            reverse("peers:city-edit", args=[w.network.slug, w.city.pk]),
        ),
        "peer_matches": lambda w: (
            "client",
            reverse("peers:matches", args=[w.network.slug, w.city.pk]),
        ),
        "peer_staff": lambda w: ("client", reverse("peers:staff", args=[w.network.slug])),
        "peer_exchanges": lambda w: ("client", reverse("peers:exchanges", args=[w.network.slug])),
        "peer_city_network": lambda w: (
            "client",
            reverse("peers:city-network", args=[w.network.slug]),
        ),
        "peer_cohorts": lambda w: (
            "client",
            reverse("peers:cohorts", args=[w.network.slug]) + "?size=3",
        ),
        "peer_officials": lambda w: ("client", reverse("peers:officials", args=[w.network.slug])),
        "api_network_exchanges": lambda w: (
            "api",
            reverse("api:network_exchanges", args=[w.network.slug]),
        ),
        "api_network_city_network": lambda w: (
            "api",
            reverse("api:network_city_network", args=[w.network.slug]),
        ),
        "api_network_cohorts": lambda w: (
            "api",
            reverse("api:network_cohorts", args=[w.network.slug]) + "?size=3",
        ),
        "api_network_saved_cohorts": lambda w: (
            "api",
            reverse("api:network_saved_cohorts", args=[w.network.slug]),
        ),
        "api_network_invitations": lambda w: (
            "api",
            reverse("api:network_invitations", args=[w.network.slug]),
        ),
        "api_network_activity": lambda w: (
            "api",
            reverse("api:network_activity", args=[w.network.slug]),
        ),
        "api_networks": lambda w: ("api", reverse("api:networks_list")),
        "api_network_cities": lambda w: (
            "api",
            reverse("api:network_cities", args=[w.network.slug]),
        ),
        "api_network_city_matches": lambda w: (
            "api",
            reverse("api:network_city_matches", args=[w.network.slug, w.city.pk]),
        ),
        "peer_guides": lambda w: ("client", reverse("peers:guides", args=[w.network.slug])),
        "peer_guides_filtered": lambda w: (
            "client",
            reverse("peers:guides", args=[w.network.slug])
            + "?challenge=digital-inclusion&status=draft&q=step",
        ),
        "peer_guide": lambda w: (
            "client",
            reverse("peers:guide", args=[w.network.slug, w.guide.pk]),
        ),
        "peer_guide_edit": lambda w: (
            "client",
            reverse("peers:guide-edit", args=[w.network.slug, w.guide.pk]),
        ),
        "peer_guide_versions": lambda w: (
            "client",
            reverse("peers:guide-versions", args=[w.network.slug, w.guide.pk]),
        ),
        "public_guides": lambda w: (
            "client",
            reverse("guides:public-index", args=[w.network.slug]),
        ),
        "public_guide": lambda w: (
            "client",
            reverse("guides:public-guide", args=[w.network.slug, w.guide.slug]),
        ),
        "api_network_guides": lambda w: (
            "api",
            reverse("api:network_guides", args=[w.network.slug]),
        ),
        "api_network_guide": lambda w: (
            "api",
            reverse("api:network_guides_detail", args=[w.network.slug, w.guide.pk]),
        ),
        "api_network_published_guides": lambda w: (
            "api",
            reverse("api:network_published_guides", args=[w.network.slug]),
        ),
        "budget": page("budget:mine"),
        "budget_member": page("budget:member", "other"),
        "api_budget": api("budget_mine"),
        "api_budget_member": api("budget_member", "other"),
        "api_budget_members": api("budget_members"),
        "api_budget_tiers": api("budget_tiers"),
        "budget_plan": page("budget:my-plan"),
        "budget_member_plan": page("budget:member-plan", "other"),
        "api_budget_plan": api("budget_plan"),
        "api_budget_member_plan": api("budget_member_plan", "other"),
        "api_budget_plan_weights": api("budget_plan_weights"),
        "budget_introductions": page("budget:introductions", query="?sector=philanthropy"),
        "budget_next": page("budget:next"),
        "api_budget_introductions": api("budget_introductions", query="?sector=philanthropy"),
        "api_budget_next": api("budget_next"),
        **_convening_pages(),
    }


def _convening_pages() -> dict[str, Callable[[World], tuple[str, str]]]:
    """The convenings' pages and API lists, in the world's network."""

    def at(which: str, name: str, *parts: str) -> Callable[[World], tuple[str, str]]:
        def url(w: World) -> tuple[str, str]:
            ids = [getattr(w, part).pk for part in parts]
            return which, reverse(name, args=[w.network.slug, *ids])

        return url

    return {
        "peer_convenings": at("client", "peers:convenings"),
        "peer_convening": at("client", "peers:convening", "convening"),
        "peer_delegation": at("client", "peers:delegation", "convening", "delegation"),
        "peer_session": at("client", "peers:session", "convening", "session"),
        "peer_agenda": at("client", "peers:convening-agenda", "convening"),
        "peer_agenda_ics": at("client", "peers:convening-agenda-ics", "convening"),
        "peer_badges": at("client", "peers:convening-badges", "convening"),
        "peer_attendance": at("client", "peers:convening-attendance", "convening"),
        "api_network_convenings": at("api", "api:network_convenings"),
        "api_network_convening": at("api", "api:network_convenings_detail", "convening"),
        "api_network_delegations": at("api", "api:network_delegations", "convening"),
        "api_network_delegates": at("api", "api:network_delegates", "convening", "delegation"),
        "api_network_sessions": at("api", "api:network_sessions", "convening"),
        "api_network_follow_ups": at("api", "api:network_follow_ups", "convening", "delegation"),
    }


PAGES = _pages()


def get(world: World, page: str) -> CaptureQueriesContext:
    """Request the page twice, the first time to warm process caches; the second one's queries."""
    which, url = PAGES[page](world)
    client = world.api if which == "api" else world.client
    warm = client.get(url)
    assert warm.status_code == 200, (url, warm.status_code)
    derived.MEMO.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return queries


LITERALS = re.compile(r"\b\d+\b|'[^']*'")
LISTS = re.compile(r"\((?:\?, )*\?\)")


def shape(sql: str) -> str:
    """A query with its literal values and lists left out: the same query with other ids is equal."""
    return LISTS.sub("(…)", LITERALS.sub("?", sql))


def growth(small: CaptureQueriesContext, large: CaptureQueriesContext) -> str:
    """Which queries run more often (or less) with three times the rows."""
    before = Counter(shape(q["sql"]) for q in small.captured_queries)
    after = Counter(shape(q["sql"]) for q in large.captured_queries)
    lines = [
        f"  {before[sql]} → {after[sql]} times: {sql}"
        for sql in sorted(set(before) | set(after))
        if before[sql] != after[sql]
    ]
    return "\n".join(lines)


def test_every_page_has_its_count_written_down():
    assert sorted(EXPECTED) == sorted(PAGES)


@pytest.mark.parametrize("page", PAGES)
def test_the_query_count_is_fixed_and_written_down(worlds, db, page, django_assert_num_queries):
    small = get(worlds.small, page)
    large = get(worlds.large, page)
    assert len(large) == len(small), (
        f"{page}: {len(small)} queries with the small workspace, {len(large)} with three times "
        f"the rows; the queries whose count changed:\n{growth(small, large)}"
    )
    which, url = PAGES[page](worlds.small)
    client = worlds.small.api if which == "api" else worlds.small.client
    derived.MEMO.clear()
    try:
        with django_assert_num_queries(EXPECTED[page]) as captured:
            client.get(url)
    except pytest.fail.Exception as failure:
        message = str(failure).replace(" (add -v option to show queries)", "")
    else:
        return
    queries = "\n".join(f"  {q['sql']}" for q in captured.captured_queries)
    pytest.fail(
        f"{page}: {message}; change EXPECTED if that is intended.\n{queries}", pytrace=False
    )
