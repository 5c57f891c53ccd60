"""The demo city Riverton: deterministic, idempotent, and shaped like a real city's network."""

from __future__ import annotations

import datetime as dt
import io
import zoneinfo
from collections import Counter, defaultdict
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from cityweave.accounts.models import User
from cityweave.demo import DEMO_PASSWORD, DEMO_SLUG, DEMO_USERS, build_demo, demo_is_needed
from cityweave.demo_network import DEMO_CITIES, NETWORK_SLUG, NETWORK_STAFF
from cityweave.engagement.models import Commitment, Interaction
from cityweave.goals.models import Goal
from cityweave.partnerships import benchmarks
from cityweave.partnerships.models import Activity, Partner, Partnership
from cityweave.peers import city_network
from cityweave.peers.access import network_member
from cityweave.peers.matching import load_facts, matches
from cityweave.peers.models import (
    CityNetwork,
    CityOfficial,
    Convening,
    Delegation,
    Guide,
    MemberCity,
    Strength,
)
from cityweave.stakeholders.models import Stakeholder, Tie
from cityweave.vocabulary import SectorChoice
from cityweave.workspaces.models import Membership, Workspace

TODAY = dt.date(2025, 3, 14)
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """Riverton built once for the whole module, and removed again after it."""
    with django_db_blocker.unblock():
        workspace = build_demo(TODAY)
    yield workspace
    with django_db_blocker.unblock():
        Workspace.objects.filter(slug=DEMO_SLUG).delete()
        CityNetwork.objects.filter(slug=NETWORK_SLUG).delete()
        emails = [user.email for user in (*DEMO_USERS, *NETWORK_STAFF)]
        User.objects.filter(email__in=emails).delete()


@pytest.fixture(scope="module")
def demo_dump(demo, django_db_blocker):
    with django_db_blocker.unblock():
        return canonical_dump(demo)


def canonical_dump(workspace: Workspace) -> dict[str, list[Any]]:
    """Everything the demo builds, by name rather than by id, in a stable order."""
    stakeholders = Stakeholder.objects.filter(workspace=workspace).prefetch_related(
        "tags", "organisations"
    )
    ties = Tie.objects.filter(workspace=workspace).select_related("source", "target", "owner__user")
    interactions = Interaction.objects.filter(workspace=workspace).prefetch_related(
        "participants", "members_present__user"
    )
    commitments = Commitment.objects.filter(workspace=workspace).select_related("stakeholder")
    goals = Goal.objects.filter(workspace=workspace).prefetch_related("progress", "stakeholders")
    rows: dict[str, list[Any]] = {
        "stakeholders": [
            (s.name, s.kind, s.sector, s.level, s.is_internal, s.title, s.email, s.influence,
             s.interest, s.stance, s.offers, sorted(t.name for t in s.tags.all()),
             sorted(o.name for o in s.organisations.all()))
            for s in stakeholders
        ],
        "ties": [
            (t.source.name, t.target.name, t.kind, t.directed, t.status, t.started_on, t.ended_on,
             t.cadence_days, t.max_cadence_days, t.roles, t.trust, t.value, t.owner and t.owner.user.email)
            for t in ties
        ],
        "interactions": [
            (i.occurred_at, i.kind, i.summary, i.private, sorted(p.name for p in i.participants.all()),
             sorted(m.user.email for m in i.members_present.all()))
            for i in interactions
        ],
        "commitments": [
            (c.description, c.owed_by, c.stakeholder.name, c.due_on, c.status, c.closed_at)
            for c in commitments
        ],
        "goals": [
            (g.statement, g.deadline, g.status, sorted(s.name for s in g.stakeholders.all()),
             [(p.recorded_on, p.value) for p in g.progress.all()])
            for g in goals
        ],
    }  # fmt: skip
    return {kind: sorted(items, key=repr) for kind, items in rows.items()}


def relationship_health(workspace: Workspace, now: dt.datetime) -> Counter[str]:
    """Health by its definition: days since the far side was last met, against the ideal cadence
    and the maximum gap."""
    last_met: dict[int, dt.datetime] = {}
    participants = Interaction.participants.through.objects.filter(interaction__workspace=workspace)
    for stakeholder_id, when in participants.values_list(
        "stakeholder_id", "interaction__occurred_at"
    ):
        last_met[stakeholder_id] = max(when, last_met.get(stakeholder_id, when))
    health: Counter[str] = Counter()
    ties = Tie.objects.filter(workspace=workspace, cadence_days__isnull=False).exclude(
        status=Tie.Status.ENDED
    )
    for tie in ties.select_related("source", "target"):
        far_side = [s for s in (tie.source, tie.target) if not s.is_internal]
        assert len(far_side) == 1, "the demo gives cadences to the city's own ties only"
        days = (now - last_met[far_side[0].pk]).days
        cadence, maximum = tie.cadence_days, tie.max_cadence_days or 2 * tie.cadence_days
        health["cold" if days > maximum else "cooling" if days > cadence else "healthy"] += 1
    return health


def test_it_builds_riverton_in_chicago_with_the_demo_logins(db, demo):
    assert (demo.name, demo.slug, demo.timezone) == ("Riverton", "riverton", "America/Chicago")
    roles = dict(Membership.objects.filter(workspace=demo).values_list("user__email", "role"))
    assert roles == {
        "alice@riverton.example": "owner",
        "bob@riverton.example": "viewer",
        "priya@riverton.example": "editor",
        "marcus@riverton.example": "editor",
    }
    alice = User.objects.get(email="alice@riverton.example")
    assert alice.name == "Alice Reyes"
    assert alice.check_password(DEMO_PASSWORD)


def test_it_builds_records_in_the_stated_numbers(db, demo):
    assert 130 <= Stakeholder.objects.filter(workspace=demo).count() <= 170
    assert 350 <= Tie.objects.filter(workspace=demo).count() <= 450
    assert 500 <= Interaction.objects.filter(workspace=demo).count() <= 700
    assert 100 <= Commitment.objects.filter(workspace=demo).count() <= 140
    assert Goal.objects.filter(workspace=demo).count() == 5


def test_it_covers_every_built_in_sector_with_people_and_organisations(db, demo):
    stakeholders = Stakeholder.objects.filter(workspace=demo)
    assert set(stakeholders.values_list("sector", flat=True)) == set(SectorChoice.values)
    kinds = Counter(stakeholders.values_list("kind", flat=True))
    assert kinds["person"] >= 50 and kinds["organisation"] >= 50


def test_it_links_people_to_their_organisations_and_marks_the_city_as_internal(db, demo):
    city = Stakeholder.objects.get(workspace=demo, name="City of Riverton")
    mayor = Stakeholder.objects.get(workspace=demo, name="Mayor Dana Whitfield")
    assert city.is_internal and mayor.is_internal
    assert list(mayor.organisations.all()) == [city]
    assert mayor.title == "Mayor of Riverton"
    chen = Stakeholder.objects.get(workspace=demo, name="Margaret Chen")
    assert not chen.is_internal
    assert [o.name for o in chen.organisations.all()] == ["Riverton Community Foundation"]
    people = Stakeholder.objects.filter(workspace=demo, kind="person")
    assert people.filter(organisations__isnull=False).distinct().count() >= 50


def test_it_never_ties_a_stakeholder_to_itself_or_a_pair_twice(db, demo):
    pairs = list(Tie.objects.filter(workspace=demo).values_list("source_id", "target_id"))
    assert all(source != target for source, target in pairs)
    assert len({frozenset(pair) for pair in pairs}) == len(pairs)


def test_it_joins_faith_and_business_only_through_the_foundation(db, demo):
    neighbour_sectors: dict[str, set[str]] = defaultdict(set)
    ties = Tie.objects.filter(workspace=demo).select_related("source", "target")
    for tie in ties:
        assert {tie.source.sector, tie.target.sector} != {"faith-based", "business"}
        neighbour_sectors[tie.source.name].add(tie.target.sector)
        neighbour_sectors[tie.target.name].add(tie.source.sector)
    bridges = {
        n for n, sectors in neighbour_sectors.items() if {"faith-based", "business"} <= sectors
    }
    assert bridges == {"Riverton Community Foundation", "Margaret Chen"}


def test_it_gives_ties_a_realistic_mix_of_kinds_statuses_and_ratings(db, demo):
    ties = Tie.objects.filter(workspace=demo)
    assert set(ties.values_list("kind", flat=True)) == set(Tie.Kind.values)
    statuses = Counter(ties.values_list("status", flat=True))
    assert set(statuses) == set(Tie.Status.values)
    assert statuses["active"] > sum(statuses.values()) / 2
    cadences = set(ties.exclude(cadence_days=None).values_list("cadence_days", flat=True))
    assert cadences and min(cadences) >= 14 and max(cadences) <= 90
    maxima = ties.exclude(max_cadence_days=None)
    assert 0 < maxima.count() < ties.exclude(cadence_days=None).count() / 3
    assert all(t.cadence_days < t.max_cadence_days for t in maxima)
    assert ties.filter(trust__isnull=True).exists() and ties.filter(trust=4).exists()
    assert ties.exclude(roles=[]).exists() and ties.filter(owner__isnull=False).exists()


def test_it_has_healthy_cooling_and_cold_relationships_today(db, demo):
    health = relationship_health(demo, dt.datetime.combine(TODAY, dt.time(12), tzinfo=CHICAGO))
    assert health["healthy"] > 0 and health["cooling"] > 0 and health["cold"] > 0


def test_it_keeps_the_history_within_two_years_before_today(db, demo):
    interactions = Interaction.objects.filter(workspace=demo)
    dates = [
        when.astimezone(CHICAGO).date()
        for when in interactions.values_list("occurred_at", flat=True)
    ]
    assert TODAY - dt.timedelta(days=731) <= min(dates) and max(dates) < TODAY + dt.timedelta(
        days=30
    )
    # Only a partnership's confirmed meeting plan is planned ahead; the rest is history.
    planned = interactions.filter(occurred_at__date__gte=TODAY)
    assert list(planned.values_list("summary", flat=True)) == [
        "Steering group: closing the financing gap"
    ]
    assert set(interactions.values_list("kind", flat=True)) == set(Interaction.Kind.values)
    sizes = {i.participants.count() for i in interactions.prefetch_related("participants")}
    assert {1, 2, 3, 4} <= sizes and max(sizes) <= 6  # partnership events bring more


def test_it_keeps_a_few_private_interactions_by_alice_and_links_some_to_goals(db, demo):
    interactions = Interaction.objects.filter(workspace=demo)
    private = interactions.filter(private=True)
    assert private.exists()
    assert set(private.values_list("author__user__email", flat=True)) == {"alice@riverton.example"}
    assert interactions.filter(goal__isnull=False).count() >= 10


def test_it_has_overdue_commitments_and_some_due_this_week(db, demo):
    commitments = Commitment.objects.filter(workspace=demo)
    open_ones = commitments.filter(status=Commitment.Status.OPEN)
    assert open_ones.filter(due_on__lt=TODAY).exists()
    assert open_ones.filter(due_on__gte=TODAY, due_on__lte=TODAY + dt.timedelta(days=7)).exists()
    assert set(commitments.values_list("status", flat=True)) == set(Commitment.Status.values)
    assert set(commitments.values_list("owed_by", flat=True)) == {"us", "them"}
    assert not open_ones.filter(closed_at__isnull=False).exists()
    assert not commitments.exclude(status=Commitment.Status.OPEN).filter(closed_at=None).exists()


def test_it_gives_each_goal_progress_and_stakeholders(db, demo):
    goals = Goal.objects.filter(workspace=demo)
    assert {"active", "achieved", "paused"} <= set(goals.values_list("status", flat=True))
    for goal in goals:
        assert goal.progress.count() >= 3 and goal.stakeholders.exists()
        assert all(entry.recorded_on <= TODAY for entry in goal.progress.all())
        assert goal.owner is not None and goal.target != goal.baseline


def test_it_returns_the_existing_demo_unchanged(db, demo, demo_dump):
    again = build_demo(TODAY + dt.timedelta(days=30))
    assert again.pk == demo.pk
    assert canonical_dump(again) == demo_dump


def test_it_builds_the_same_city_again_for_the_same_day(db, demo, demo_dump):
    rebuilt = build_demo(TODAY, rebuild=True)
    assert rebuilt.pk != demo.pk
    assert canonical_dump(rebuilt) == demo_dump


def test_it_dates_everything_from_the_day_it_is_given(db, demo):
    def local_times(workspace: Workspace) -> list[dt.datetime]:
        times = Interaction.objects.filter(workspace=workspace).values_list(
            "occurred_at", flat=True
        )
        return sorted(when.astimezone(CHICAGO).replace(tzinfo=None) for when in times)

    before = local_times(demo)
    later = local_times(build_demo(TODAY + dt.timedelta(days=10), rebuild=True))
    assert [when + dt.timedelta(days=10) for when in before] == later


def test_the_demo_is_needed_only_when_there_is_no_workspace(db, demo):
    assert not demo_is_needed()
    Workspace.objects.all().delete()
    assert demo_is_needed()


def test_the_command_with_if_empty_leaves_an_existing_database_alone(db, demo):
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "The demo city is already here" in out.getvalue()
    assert "riverton-demo" in out.getvalue()
    assert Workspace.objects.get(slug=DEMO_SLUG).pk == demo.pk


def test_the_command_with_if_empty_leaves_another_citys_database_alone(db, lakeside):
    # The module's demo city is renamed within this test's transaction, leaving only other cities.
    Workspace.objects.filter(slug=DEMO_SLUG).update(slug="riverton-renamed")
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "already has a workspace" in out.getvalue()
    assert not Workspace.objects.filter(slug=DEMO_SLUG).exists()


def test_the_command_with_if_empty_builds_the_demo_in_an_empty_database(db, demo_dump):
    Workspace.objects.all().delete()
    out = io.StringIO()
    call_command("demo", "--if-empty", "--today", "2025-03-14", stdout=out)
    assert "Built the demo city" in out.getvalue()
    assert "alice@riverton.example" in out.getvalue() and DEMO_PASSWORD in out.getvalue()
    rebuilt = Workspace.objects.get(slug=DEMO_SLUG)
    assert len(Stakeholder.objects.filter(workspace=rebuilt)) == len(demo_dump["stakeholders"])


def test_the_command_rejects_a_today_that_is_not_a_date(db):
    with pytest.raises(CommandError, match="--today"):
        call_command("demo", "--today", "14/03/2025")


def test_it_has_three_partnerships_in_different_states_with_every_part(db, demo):
    partnerships = Partnership.objects.filter(workspace=demo)
    assert sorted(partnerships.values_list("status", flat=True)) == [
        "active", "forming", "sustaining"
    ]  # fmt: skip
    for partnership in partnerships:
        assert partnership.goals.exists() and partnership.officer is not None
        for part in (
            "partners",
            "benchmarks",
            "assets",
            "needs",
            "risks",
            "activities",
            "channels",
        ):
            assert getattr(partnership, part).exists(), (partnership.name, part)
    states = {
        state.status
        for partnership in partnerships
        for _, state in benchmarks.states(benchmarks.benchmarks(partnership), TODAY)
    }
    assert {"met", "missed", "on-track", "at-risk"} <= states
    # Every activity is logged as an interaction with its partners present.
    for activity in Activity.objects.filter(workspace=demo).select_related("interaction"):
        assert activity.interaction is not None
        assert activity.interaction.participants.count() >= 3
    # One partner still lacks a role, so the page shows the flag.
    assert Partner.objects.filter(workspace=demo, roles=[]).count() == 1


def test_it_builds_a_network_of_real_cities_with_riverton_as_a_member(db, demo):
    network = CityNetwork.objects.get(slug=NETWORK_SLUG)
    cities = MemberCity.objects.filter(network=network)
    assert cities.count() == len(DEMO_CITIES) + 1 >= 40
    # Imported from GeoNames: every real city has its state, population and time zone.
    real = cities.exclude(name="Riverton")
    assert not real.filter(geonameid__isnull=True).exists()
    assert not real.filter(population__isnull=True).exists()
    assert real.get(name="Chattanooga").region == "TN"
    assert all(city.challenge_rows.exists() for city in cities)
    assert Strength.objects.filter(network=network).count() >= 15
    # Riverton keeps its workspace, and Alice speaks for it; the staff owner signs in with the
    # demo password.
    riverton = cities.get(name="Riverton")
    assert riverton.workspace == demo
    alice = User.objects.get(email=DEMO_USERS[0].email)
    assert CityOfficial.objects.filter(city=riverton, user=alice).exists()
    owner = User.objects.get(email=NETWORK_STAFF[0].email)
    assert owner.check_password(DEMO_PASSWORD)
    assert network_member(owner, NETWORK_SLUG).is_owner
    # Riverton has peers to learn from on affordable housing (cities with a strength in it).
    facts = load_facts(network)
    focal = next(city for city in facts if city.id == riverton.pk)
    found = matches(focal, facts, challenge="affordable-housing")
    assert any(match.peer_strengths for match in found)


def test_the_network_has_held_two_convenings_and_published_a_guide(db, demo):
    network = CityNetwork.objects.get(slug=NETWORK_SLUG)
    convenings = Convening.objects.filter(network=network).order_by("starts_on")
    assert [c.host_city.name for c in convenings] == ["Chattanooga", "San Antonio"]
    assert all(c.ends_on < TODAY for c in convenings)
    # Riverton went to the workforce summit, with ideas to act on.
    riverton = MemberCity.objects.get(network=network, name="Riverton")
    delegation = Delegation.objects.get(convening=convenings[1], city=riverton)
    assert delegation.follow_ups.exists()
    guide = Guide.objects.get(network=network)
    assert guide.status == "published"
    assert sorted(a.city.name for a in guide.authors.all()) == ["Chattanooga", "Long Beach"]
    # Exchanges, convenings and the guide make a city network: Riverton knows its peers there.
    known = city_network.known_cities(network, riverton.pk)
    names = set(MemberCity.objects.filter(pk__in=known).values_list("name", flat=True))
    assert {"Syracuse", "Minneapolis", "San Antonio", "Detroit"} <= names
    assert {"convening", "guide", "exchange"} == {t.kind for t in city_network.city_ties(network)}
