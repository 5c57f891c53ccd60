"""Relationship health: healthy, cooling and cold against a tie's cadence, and which ties have one."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cityweave.engagement.health import (
    COLD,
    COOLING,
    HEALTHY,
    at_risk_summary,
    classify,
    health_statuses,
    tie_health,
    workspace_health,
)
from cityweave.stakeholders.models import Tie
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


def every_reading(riverton, ties: list[Tie]) -> list[dict[int, str]]:
    """Each tie's health as the page reading, the workspace reading and the database's CASE see
    it: three dicts that must agree."""
    queryset = Tie.objects.filter(workspace=riverton)
    loaded = Tie.objects.filter(pk__in=[t.pk for t in ties]).select_related(
        "workspace", "source", "target"
    )
    return [
        {h.tie.pk: h.status for h in tie_health(loaded, now=NOW)},
        {pk: r.status for pk, r in workspace_health(queryset, NOW).items()},
        health_statuses(queryset, NOW),
    ]


@pytest.mark.parametrize(
    ("days", "status"),
    [(30, HEALTHY), (31, COOLING), (45, COOLING), (46, COLD), (60, COLD)],
)
def test_with_its_own_maximum_a_tie_is_cold_past_it(riverton, city, foundation, days, status):
    tie = make_tie(city, foundation, cadence_days=30, max_cadence_days=45)
    make_interaction(riverton, [foundation], when=days_ago(days))
    for found in every_reading(riverton, [tie]):
        assert found == {tie.pk: status}
    assert health_of(tie).max_days == 45 and not health_of(tie).max_is_default


@pytest.mark.parametrize(
    ("days", "status"), [(30, HEALTHY), (31, COOLING), (60, COOLING), (61, COLD)]
)
def test_without_one_the_maximum_is_twice_the_ideal_everywhere(
    riverton, city, foundation, days, status
):
    tie = make_tie(city, foundation, cadence_days=30)
    make_interaction(riverton, [foundation], when=days_ago(days))
    for found in every_reading(riverton, [tie]):
        assert found == {tie.pk: status}
    assert health_of(tie).max_days == 60 and health_of(tie).max_is_default


def test_a_maximum_equal_to_the_ideal_goes_from_healthy_straight_to_cold(
    riverton, city, foundation, bank
):
    on_the_day = make_tie(city, foundation, cadence_days=14, max_cadence_days=14)
    a_day_past = make_tie(city, bank, cadence_days=14, max_cadence_days=14)
    make_interaction(riverton, [foundation], when=days_ago(14, hours=23))
    make_interaction(riverton, [bank], when=days_ago(15))
    for found in every_reading(riverton, [on_the_day, a_day_past]):
        assert found == {on_the_day.pk: HEALTHY, a_day_past.pk: COLD}


def test_a_maximum_counts_from_the_start_date_at_midnight_where_the_workspace_is(
    riverton, city, foundation
):
    # Started 1 June, midnight in Chicago (05:00 UTC): 40 whole days pass at 05:00 UTC on 11 July.
    tie = make_tie(
        city, foundation, cadence_days=20, max_cadence_days=39, started_on=dt.date(2025, 6, 1)
    )
    queryset = Tie.objects.filter(workspace=riverton)
    just_before = dt.datetime(2025, 7, 11, 4, 59, tzinfo=dt.UTC)
    for now, status in ((just_before, COOLING), (just_before + dt.timedelta(minutes=2), COLD)):
        assert tie_health([tie], now=now)[0].status == status
        assert health_statuses(queryset, now) == {tie.pk: status}


def test_classify_puts_the_boundaries_on_the_ideal_and_the_maximum():
    assert [classify(d, 7, 10) for d in (7, 8, 10, 11)] == [HEALTHY, COOLING, COOLING, COLD]
    assert [classify(d, 7, 7) for d in (7, 8)] == [HEALTHY, COLD]
    assert [classify(d, 7, None) for d in (14, 15)] == [COOLING, COLD]


def test_the_most_overdue_is_the_furthest_between_its_ideal_and_its_maximum(
    riverton, city, foundation, bank
):
    # 34 days against 30 and at most 35 is 4/5 of the way to cold; 50 against 30 (so 60) is 2/3.
    nearly_cold = make_tie(city, foundation, cadence_days=30, max_cadence_days=35)
    further_past = make_tie(city, bank, cadence_days=30)
    make_interaction(riverton, [foundation], when=days_ago(34))
    make_interaction(riverton, [bank], when=days_ago(50))
    assert [h.tie for h in tie_health([further_past, nearly_cold], now=NOW)] == [
        nearly_cold,
        further_past,
    ]
    ties = Tie.objects.filter(workspace=riverton)
    assert [r.tie_id for r in workspace_health(ties, NOW).values()] == [
        nearly_cold.pk,
        further_past.pk,
    ]
    assert [r.tie_id for r in at_risk_summary(ties, NOW).first] == [nearly_cold.pk, further_past.pk]


def test_many_maxima_cost_the_database_reading_no_more_queries(
    riverton, city, django_assert_num_queries
):
    for number in range(12):
        person = make_stakeholder(riverton, f"Partner {number}")
        make_tie(city, person, cadence_days=10 + number, max_cadence_days=30 + 3 * number)
        make_interaction(riverton, [person], when=days_ago(8 * number))
    ties = Tie.objects.filter(workspace=riverton)
    with django_assert_num_queries(2):
        statuses = health_statuses(ties, NOW)
    assert statuses == {pk: r.status for pk, r in workspace_health(ties, NOW).items()}
    assert set(statuses.values()) == {HEALTHY, COOLING, COLD}


#: Days ago, near the tie's ideal or maximum (a day either side) or anywhere, and hours more.
AGO = st.tuples(
    st.sampled_from(["ideal", "maximum", "anywhere"]), st.integers(-1, 1), st.integers(0, 500)
)
TIE_TERMS = st.tuples(
    st.integers(1, 120),  # the ideal
    st.none() | st.integers(0, 200),  # the maximum, as days past the ideal
    st.none() | st.tuples(AGO, st.integers(0, 23)),  # the last contact
    st.none() | AGO,  # the start
    st.tuples(AGO, st.integers(0, 23)),  # when the tie was recorded
)


def _days(ago: tuple[str, int, int], ideal: int, maximum: int) -> int:
    anchor, shift, anywhere = ago
    return {"ideal": ideal, "maximum": maximum, "anywhere": anywhere}[anchor] + shift


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(terms=st.lists(TIE_TERMS, min_size=1, max_size=6))
def test_the_database_and_the_reading_agree_on_any_ideal_and_maximum(riverton, city, terms):
    outsiders = [make_stakeholder(riverton, f"Partner {n}") for n in range(len(terms))]
    ties = []
    gaps: dict[int, tuple[int, int]] = {}
    try:
        for person, (ideal, slack, contact, started, recorded) in zip(
            outsiders, terms, strict=True
        ):
            maximum = 2 * ideal if slack is None else ideal + slack
            tie = make_tie(
                city,
                person,
                cadence_days=ideal,
                max_cadence_days=None if slack is None else maximum,
                started_on=None
                if started is None
                else days_ago(_days(started, ideal, maximum)).date(),
            )
            last = (
                None if contact is None else days_ago(_days(contact[0], ideal, maximum), contact[1])
            )
            Tie.all_objects.filter(pk=tie.pk).update(
                last_contact_at=last,
                created_at=days_ago(_days(recorded[0], ideal, maximum), recorded[1]),
            )
            ties.append(tie)
            gaps[tie.pk] = (ideal, maximum)
        page, workspace, database = every_reading(riverton, ties)
        assert page == workspace == database
        for tie in ties:
            reading = tie_health([Tie.objects.select_related("workspace").get(pk=tie.pk)], NOW)[0]
            assert page[tie.pk] == classify(reading.days_since or 0, *gaps[tie.pk])
    finally:
        Tie.all_objects.filter(workspace=riverton).delete()
        for person in outsiders:
            person.delete()


def test_the_database_reads_each_start_date_in_its_own_workspaces_time_zone(
    riverton, lakeside, city
):
    # Started 1 June: midnight is 05:00 UTC in Chicago (Riverton), 04:00 UTC in New York.
    chicago = make_tie(
        city, make_stakeholder(riverton), cadence_days=29, started_on=dt.date(2025, 6, 1)
    )
    new_york = make_tie(
        make_stakeholder(lakeside, is_internal=True),
        make_stakeholder(lakeside),
        cadence_days=29,
        max_cadence_days=30,
        started_on=dt.date(2025, 6, 1),
    )
    now = dt.datetime(2025, 7, 1, 4, 30, tzinfo=dt.UTC)
    assert health_statuses(Tie.objects.all(), now) == {chicago.pk: HEALTHY, new_york.pk: COOLING}
