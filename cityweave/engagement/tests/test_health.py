"""Relationship health: healthy, cooling and cold against a tie's cadence, and which ties have one."""

from __future__ import annotations

import datetime as dt

import pytest

from cityweave.engagement.health import COLD, COOLING, HEALTHY, classify, tie_health
from cityweave.testing import make_interaction, make_member, make_stakeholder, make_tie
from cityweave.workspaces.services import move_to_trash

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 6, 30, 15, 0, tzinfo=dt.UTC)


def days_ago(days: int, hours: int = 0) -> dt.datetime:
    return NOW - dt.timedelta(days=days, hours=hours)


@pytest.fixture
def city(riverton):
    return make_stakeholder(
        riverton, "City of Riverton", sector="local-government", is_internal=True
    )


@pytest.fixture
def foundation(riverton):
    return make_stakeholder(
        riverton, "Riverton Community Foundation", sector="philanthropy", influence=4
    )


@pytest.fixture
def bank(riverton):
    return make_stakeholder(riverton, "Riverton Savings Bank", sector="business", influence=2)


def health_of(tie):
    results = tie_health([tie], now=NOW)
    return results[0] if results else None


@pytest.mark.parametrize(
    ("days", "status"),
    [(0, HEALTHY), (30, HEALTHY), (31, COOLING), (60, COOLING), (61, COLD), (400, COLD)],
)
def test_a_tie_is_healthy_through_its_cadence_cooling_past_it_and_cold_past_twice_it(
    riverton, city, foundation, days, status
):
    tie = make_tie(city, foundation, cadence_days=30)
    make_interaction(riverton, [foundation], when=days_ago(days))
    health = health_of(tie)
    assert (health.status, health.days_since) == (status, days)
    assert health.last_contact == days_ago(days)


def test_part_of_a_day_does_not_count_as_a_day(riverton, city, foundation):
    tie = make_tie(city, foundation, cadence_days=30)
    make_interaction(riverton, [foundation], when=days_ago(30, hours=23))
    assert health_of(tie).status == HEALTHY


def test_classify_puts_the_boundaries_on_the_cadence_and_twice_the_cadence():
    assert [classify(d, 7) for d in (7, 8, 14, 15)] == [HEALTHY, COOLING, COOLING, COLD]


def test_the_latest_interaction_counts(riverton, city, foundation):
    tie = make_tie(city, foundation, cadence_days=30)
    make_interaction(riverton, [foundation], when=days_ago(90))
    make_interaction(riverton, [foundation], when=days_ago(5))
    assert (health_of(tie).status, health_of(tie).days_since) == (HEALTHY, 5)


def test_for_a_city_tie_an_interaction_with_the_external_end_alone_counts(
    riverton, city, foundation
):
    tie = make_tie(city, foundation, cadence_days=30)
    make_interaction(riverton, [foundation], when=days_ago(3))
    health = health_of(tie)
    assert health.status == HEALTHY
    assert health.counterparts == (foundation,)


def test_for_a_city_tie_an_interaction_with_only_the_city_does_not_count(
    riverton, city, foundation
):
    tie = make_tie(
        city, foundation, cadence_days=30, started_on=(NOW - dt.timedelta(days=50)).date()
    )
    make_interaction(riverton, [city], when=days_ago(1))
    assert health_of(tie).status == COOLING
    assert health_of(tie).last_contact is None


def test_a_tie_between_two_outsiders_needs_an_interaction_with_both(riverton, foundation, bank):
    tie = make_tie(
        foundation, bank, cadence_days=30, started_on=(NOW - dt.timedelta(days=100)).date()
    )
    make_interaction(riverton, [foundation], when=days_ago(1))
    make_interaction(riverton, [bank], when=days_ago(2))
    assert health_of(tie).status == COLD
    make_interaction(riverton, [foundation, bank], when=days_ago(10))
    health = health_of(tie)
    assert (health.status, health.days_since) == (HEALTHY, 10)
    assert set(health.counterparts) == {foundation, bank}


def test_ties_inside_the_city_ended_ties_and_ties_without_a_cadence_have_no_health(
    riverton, city, foundation, bank
):
    mayors_office = make_stakeholder(riverton, "Mayor's Office", is_internal=True)
    internal = make_tie(city, mayors_office, cadence_days=30)
    ended = make_tie(city, foundation, cadence_days=30, status="ended")
    no_cadence = make_tie(city, bank)
    assert tie_health([internal, ended, no_cadence], now=NOW) == []


def test_a_never_contacted_tie_counts_from_when_it_started(riverton, city, foundation):
    tie = make_tie(
        city, foundation, cadence_days=30, started_on=(NOW - dt.timedelta(days=31)).date()
    )
    health = health_of(tie)
    assert (health.status, health.last_contact) == (COOLING, None)


def test_a_never_contacted_tie_without_a_start_counts_from_when_it_was_recorded(
    riverton, city, foundation
):
    tie = make_tie(city, foundation, cadence_days=10)
    tie.created_at = days_ago(25)
    tie.save()
    health = health_of(tie)
    assert (health.status, health.days_since) == (COLD, 25)


def test_a_newly_recorded_tie_is_healthy(riverton, city, foundation):
    tie = make_tie(city, foundation, cadence_days=30)
    assert tie_health([tie])[0].status == HEALTHY


def test_interactions_in_the_trash_do_not_count(riverton, city, foundation):
    tie = make_tie(
        city, foundation, cadence_days=30, started_on=(NOW - dt.timedelta(days=100)).date()
    )
    recent = make_interaction(riverton, [foundation], when=days_ago(2))
    assert health_of(tie).status == HEALTHY
    move_to_trash(make_member(riverton), recent)
    assert health_of(tie).status == COLD


def test_interactions_in_another_workspace_do_not_count(riverton, lakeside, city, foundation):
    tie = make_tie(
        city, foundation, cadence_days=30, started_on=(NOW - dt.timedelta(days=100)).date()
    )
    stray = make_interaction(lakeside, [], when=days_ago(2))
    stray.participants.add(foundation)
    assert health_of(tie).status == COLD


def test_the_most_urgent_and_most_important_come_first(riverton, city, foundation, bank):
    library = make_stakeholder(riverton, "Riverton Public Library", influence=5)
    cooling_bank = make_tie(city, bank, cadence_days=30)
    cold_foundation = make_tie(city, foundation, cadence_days=30)
    cold_library = make_tie(city, library, cadence_days=30)
    make_interaction(riverton, [bank], when=days_ago(40))
    make_interaction(riverton, [foundation], when=days_ago(200))
    make_interaction(riverton, [library], when=days_ago(70))
    order = [h.tie for h in tie_health([cooling_bank, cold_foundation, cold_library], now=NOW)]
    assert order == [cold_library, cold_foundation, cooling_bank]


def test_overdue_days_count_past_the_cadence(riverton, city, foundation):
    tie = make_tie(city, foundation, cadence_days=30)
    make_interaction(riverton, [foundation], when=days_ago(45))
    health = health_of(tie)
    assert (health.overdue_days, health.cadence_days, health.label) == (15, 30, "Cooling")


def test_a_contact_from_before_the_tie_began_does_not_age_it(riverton, city, foundation):
    tie = make_tie(city, foundation, cadence_days=30, started_on=dt.date(2025, 6, 20))
    make_interaction(riverton, [foundation], when=days_ago(100))
    assert health_of(tie).status == HEALTHY


def test_the_start_date_is_midnight_where_the_workspace_is(riverton, city, foundation):
    # Riverton is in America/Chicago: 1 June at midnight there is 05:00 UTC.
    tie = make_tie(city, foundation, cadence_days=29, started_on=dt.date(2025, 6, 1))
    just_before = dt.datetime(2025, 7, 1, 4, 59, tzinfo=dt.UTC)
    assert tie_health([tie], now=just_before)[0].status == HEALTHY
    assert tie_health([tie], now=just_before + dt.timedelta(minutes=2))[0].status == COOLING


def test_an_interaction_planned_for_later_does_not_count_yet(riverton, city, foundation):
    tie = make_tie(city, foundation, cadence_days=30)
    make_interaction(riverton, [foundation], when=days_ago(45))
    make_interaction(riverton, [foundation], when=NOW + dt.timedelta(days=3))
    health = health_of(tie)
    assert (health.status, health.last_contact) == (COOLING, days_ago(45))
