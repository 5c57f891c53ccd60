"""Properties of the budget's formulas, over generated values (no database)."""

from __future__ import annotations

import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cityweave.strategy import budget
from cityweave.strategy.models import BUILT_IN_TIERS, KIND_MINUTES

RULES = {
    tier: budget.TierRule(tier, days, minutes) for tier, (days, minutes) in BUILT_IN_TIERS.items()
}
ORDER = list(RULES)

cadences = st.integers(min_value=1, max_value=3650)
lengths = st.integers(min_value=5, max_value=1440)


@given(cadences, cadences)
def test_a_longer_cadence_never_falls_in_a_closer_tier(one, other):
    low, high = sorted((one, other))
    assert ORDER.index(budget.nearest_tier(low, RULES)) <= ORDER.index(
        budget.nearest_tier(high, RULES)
    )


@given(cadences, lengths)
def test_a_cost_halves_when_the_cadence_doubles(days, minutes):
    assert budget.tie_cost(2 * days, minutes) * 2 == pytest.approx(budget.tie_cost(days, minutes))
    assert budget.tie_cost(days, minutes) > 0


@given(
    st.lists(lengths, max_size=12),
    st.lists(st.sampled_from(list(KIND_MINUTES)), max_size=6),
    lengths,
)
def test_the_usual_length_comes_from_the_first_source_that_has_enough(durations, kinds, tier):
    minutes, basis = budget.usual_minutes(durations, kinds, tier)
    if len(durations) >= budget.MIN_LOGGED:
        assert (minutes, basis) == (statistics.median(durations), "logged")
        assert min(durations) <= minutes <= max(durations)
    elif kinds:
        assert basis == "kind" and minutes in KIND_MINUTES.values()
    else:
        assert (minutes, basis) == (tier, "tier")
