"""The relationship plan's optimiser: hand-made plans whose optimum is known, and properties."""

from __future__ import annotations

import itertools
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cityweave.strategy.optimiser import (
    Problem,
    Programme,
    Relationship,
    best_routes,
    evaluate,
    greedy,
    solve,
)

STRENGTHS = {"close": 1.0, "active": 0.75, "maintained": 0.5}


def one_tier(key: int, cost: float, reach: dict[str, float], own: float = 0.0) -> Relationship:
    return Relationship(key, {"active": cost}, own, reach)


def greedy_trap() -> Problem:
    """By value per hour greedy takes the 7-for-6 tie and then nothing fits; the optimum is
    the two 5-for-5 ties (10)."""
    return Problem(
        [one_tier(1, 6, {"a": 1}), one_tier(2, 5, {"b": 1}), one_tier(3, 5, {"c": 1})],
        {"a": 7, "b": 5, "c": 5},
        {"active": 1.0},
        hours=10,
        tie_penalty=0,
    )


def test_it_keeps_the_relationship_worth_most_within_the_hours() -> None:
    problem = Problem(
        [one_tier(1, 2, {"a": 1}), one_tier(2, 2, {"b": 1})],
        {"a": 1, "b": 3},
        {"active": 1.0},
        hours=2,
    )
    plan = solve(problem)
    assert plan.tiers == {1: None, 2: "active"}
    assert plan.value == pytest.approx(3)
    assert plan.optimal and plan.gap == 0
    assert plan.hours == pytest.approx(2)


def test_a_broker_reaching_a_cluster_beats_three_direct_ties_on_a_tight_budget() -> None:
    # The broker reaches three community leaders' goals at half strength (δ = 0.5, full
    # trust); each direct tie reaches one goal fully. One tie's hours: 1.5 against 1.
    broker = one_tier(10, 1, {"g1": 0.5, "g2": 0.5, "g3": 0.5})
    direct = [one_tier(i, 1, {f"g{i}": 1.0}) for i in (1, 2, 3)]
    problem = Problem([broker, *direct], {"g1": 1, "g2": 1, "g3": 1}, {"active": 1.0}, hours=1.5)
    plan = solve(problem)
    assert plan.tiers == {10: "active", 1: None, 2: None, 3: None}
    assert plan.value == pytest.approx(1.5)
    # With hours for three ties the direct ones win: 3 against 1 + 1 + 0.5.
    roomy = solve(Problem([broker, *direct], problem.targets, {"active": 1.0}, hours=3))
    assert roomy.tiers == {10: None, 1: "active", 2: "active", 3: "active"}
    assert roomy.value == pytest.approx(3)


def test_a_target_counts_once_by_its_strongest_route() -> None:
    problem = Problem(
        [one_tier(1, 1, {"goal": 1.0}), one_tier(2, 1, {"goal": 0.5})],
        {"goal": 2},
        {"active": 1.0},
        hours=10,
    )
    plan = solve(problem)
    # The second tie adds nothing: it keeps the fewest relationships needed.
    assert plan.tiers == {1: "active", 2: None}
    assert plan.value == pytest.approx(2)
    assert best_routes(problem, plan.tiers) == {"goal": (1.0, 1)}


def test_it_chooses_the_strongest_tier_the_hours_allow() -> None:
    rel = Relationship(1, {"close": 4.3, "active": 1.0, "maintained": 0.3}, 1.0, {"g": 1.0})
    targets = {"g": 2.0}
    assert solve(Problem([rel], targets, STRENGTHS, hours=0.5)).tiers == {1: "maintained"}
    assert solve(Problem([rel], targets, STRENGTHS, hours=2)).tiers == {1: "active"}
    assert solve(Problem([rel], targets, STRENGTHS, hours=5)).tiers == {1: "close"}
    assert solve(Problem([rel], targets, STRENGTHS, hours=0.2)).tiers == {1: None}


def test_greedy_alone_states_how_far_it_may_be_from_the_optimum() -> None:
    # By value per hour the greedy plan takes the 7-for-6 tie, and then nothing fits;
    # the optimum is the two 5-for-5 ties.
    problem = greedy_trap()
    approximate = solve(problem, method="greedy")
    assert approximate.method == "greedy"
    assert approximate.value == pytest.approx(7)
    assert approximate.bound >= 10 - 1e-6
    assert approximate.gap >= 0.3 - 1e-6
    assert not approximate.optimal
    exact = solve(problem)
    assert exact.method == "exact" and exact.optimal
    assert exact.tiers == {1: None, 2: "active", 3: "active"}
    assert exact.value == pytest.approx(10)


def test_greedy_falls_back_on_the_best_single_move() -> None:
    # Per hour the small tie is best, after which the large one does not fit (Khuller et al.).
    problem = Problem(
        [one_tier(1, 10, {"a": 1}), one_tier(2, 1, {"b": 1})],
        {"a": 10, "b": 2},
        {"active": 1.0},
        hours=10,
    )
    assert greedy(problem) == {1: "active", 2: None}


def test_nothing_to_keep_gives_an_empty_plan() -> None:
    plan = solve(Problem([], {}, STRENGTHS, hours=10))
    assert plan.tiers == {} and plan.value == 0 and plan.optimal
    zero = solve(Problem([one_tier(1, 1, {"g": 1})], {"g": 1}, {"active": 1.0}, hours=0))
    assert zero.tiers == {1: None} and zero.hours == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"hours": -1}, "hours"),
        ({"hours": math.inf}, "hours"),
        ({"strengths": {"active": 0}}, "strength"),
        ({"targets": {"g": -1}}, "weight"),
        ({"relationships": [one_tier(1, 0, {"g": 1})]}, "cost"),
        ({"relationships": [one_tier(1, 1, {"g": 1.5})]}, "reach"),
        ({"relationships": [one_tier(1, 1, {}, own=-1)]}, "own value"),
    ],
)
def test_it_refuses_a_malformed_problem(change: dict[str, object], message: str) -> None:
    given_args: dict[str, object] = {
        "relationships": [one_tier(1, 1, {"g": 1})],
        "targets": {"g": 1},
        "strengths": {"active": 1.0},
        "hours": 1,
    }
    with pytest.raises(ValueError, match=message):
        Problem(**(given_args | change))  # type: ignore[arg-type]


def test_it_refuses_an_unknown_method_or_time_limit() -> None:
    problem = Problem([], {}, STRENGTHS, hours=1)
    with pytest.raises(ValueError, match="method"):
        solve(problem, method="simplex")
    with pytest.raises(ValueError, match="time_limit"):
        solve(problem, time_limit=0)


def test_evaluate_refuses_a_tier_the_relationship_lacks() -> None:
    problem = Problem([one_tier(1, 1, {"g": 1})], {"g": 1}, {"active": 1.0, "close": 1.0}, 5)
    with pytest.raises(ValueError, match="cannot be kept in close"):
        evaluate(problem, {1: "close"})


# ----------------------------------------------------------------------------------------------
# Properties

TARGETS = ("g1", "g2", "g3", "s1", "s2")


@st.composite
def problems(draw: st.DrawFn, most: int = 5) -> Problem:
    count = draw(st.integers(0, most))
    relationships = []
    for key in range(count):
        minutes = draw(st.integers(5, 120))
        tiers = draw(st.sets(st.sampled_from(list(STRENGTHS)), min_size=1))
        cadence = {"close": 7, "active": 30, "maintained": 90}
        costs = {t: 30.4375 / cadence[t] * minutes / 60 for t in sorted(tiers)}
        reach = draw(
            st.dictionaries(
                st.sampled_from(TARGETS),
                st.sampled_from([1.0, 0.5, 0.375, 0.25, 0.125]),
                max_size=4,
            )
        )
        own = draw(st.sampled_from([0.0, 0.5, 1.0, 2.5]))
        relationships.append(Relationship(key, costs, own, reach))
    targets = {t: draw(st.sampled_from([0.0, 1.0, 2.0, 3.0])) for t in TARGETS}
    hours = draw(st.sampled_from([0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 20.0]))
    return Problem(relationships, targets, STRENGTHS, hours)


def brute_force(problem: Problem) -> float:
    """The best objective over every assignment of tiers (small problems only)."""
    options = [[None, *rel.costs] for rel in problem.relationships]
    best = 0.0
    for choice in itertools.product(*options):
        tiers = {rel.key: tier for rel, tier in zip(problem.relationships, choice, strict=True)}
        _, objective, hours = evaluate(problem, tiers)
        if hours <= problem.hours + 1e-9:
            best = max(best, objective)
    return best


PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(problems())
def test_no_plan_exceeds_the_budget(problem: Problem) -> None:
    for method in ("auto", "greedy", "exact"):
        plan = solve(problem, method=method)
        assert plan.hours <= problem.hours + 1e-6
        assert evaluate(problem, plan.tiers)[2] == pytest.approx(plan.hours)
        assert 0 <= plan.gap <= 1


@PROPERTY
@given(problems(most=4))
def test_the_exact_plan_is_the_optimum_and_greedy_stays_within_its_gap(problem: Problem) -> None:
    optimum = brute_force(problem)
    exact = solve(problem, method="exact")
    assert exact.optimal
    assert exact.objective == pytest.approx(optimum, abs=1e-6)
    approximate = solve(problem, method="greedy")
    assert approximate.objective <= optimum + 1e-6
    assert approximate.bound >= optimum - 1e-6
    assert approximate.objective >= (1 - approximate.gap) * approximate.bound - 1e-6


@PROPERTY
@given(problems(), st.sampled_from([0.5, 1.0, 3.0, 10.0]))
def test_more_hours_never_lower_the_value(problem: Problem, more: float) -> None:
    richer = Problem(
        problem.relationships, problem.targets, problem.strengths, problem.hours + more
    )
    assert solve(richer).objective >= solve(problem).objective - 1e-6


@PROPERTY
@given(problems(most=4))
def test_the_lagrangian_bound_never_falls_below_the_optimum(problem: Problem) -> None:
    optimum = brute_force(problem)
    model = Programme(problem)
    assert model.lagrangian_bound(target=0.0, seconds=5, enough=0.0) >= optimum - 1e-6
    assert model.lagrangian_bound(target=optimum, seconds=5) >= optimum - 1e-6


def test_the_lagrangian_bound_approaches_the_linear_relaxation() -> None:
    # The greedy-trap instance: the linear relaxation keeps the 7-for-6 tie and 4/5 of a
    # 5-for-5 one, 11.
    problem = greedy_trap()
    model = Programme(problem)
    relaxed = model.relaxation_bound(10)
    bound = model.lagrangian_bound(target=10.0, seconds=5, enough=0.0)
    assert relaxed - 1e-6 <= bound <= relaxed + 0.05
