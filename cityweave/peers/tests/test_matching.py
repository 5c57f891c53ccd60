"""Peer matching on a small hand-made network, the order and scores computed by hand, and its
properties checked by hypothesis."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cityweave.peers import matching
from cityweave.peers.matching import CityFacts, matches

DI, WD, FH = "digital-inclusion", "workforce-development", "fiscal-health"
LABELS = {DI: "Digital inclusion", WD: "Workforce development", FH: "Fiscal health"}

ATHENS = CityFacts(1, "Athens", frozenset({DI, WD}), population=100_000, region="TN")
BERLIN = CityFacts(2, "Berlin", frozenset({DI, WD}), population=100_000, region="OH")
CAIRO = CityFacts(
    3, "Cairo", frozenset({WD, FH}), frozenset({DI}), population=1_000_000, region="TN"
)
DOVER = CityFacts(4, "Dover", frozenset({FH}), population=100_000, region="TN")
NETWORK = [ATHENS, BERLIN, CAIRO, DOVER]

# By hand: N = 4; n(DI) = 2, n(WD) = 3, n(FH) = 2.
W_DI, W_WD, W_FH = math.log(3), math.log(1 + 4 / 3), math.log(3)


def test_the_weights_are_the_stated_idf():
    assert matching.challenge_weights(NETWORK) == pytest.approx({DI: W_DI, WD: W_WD, FH: W_FH})


def test_the_order_and_scores_are_those_computed_by_hand():
    found = matches(ATHENS, NETWORK, labels=LABELS)
    # Berlin: the same two challenges (overlap 1), no strength, same size, another state:
    # 3·1 + 2·0 + 1·1 + 0.5·0 = 4.
    # Cairo: shares WD of {DI, WD, FH}; has a strength in DI of Athens' {DI, WD}; ten times
    # larger (size 1 − 1/2); same state: 3·W_WD/(W_DI+W_WD+W_FH) + 2·W_DI/(W_DI+W_WD) + 0.5 + 0.5.
    # Dover shares nothing and helps with nothing: not a peer.
    cairo = 3 * W_WD / (W_DI + W_WD + W_FH) + 2 * W_DI / (W_DI + W_WD) + 0.5 + 0.5
    assert [(m.peer.name, m.score) for m in found] == [
        ("Berlin", pytest.approx(4.0)),
        ("Cairo", pytest.approx(cairo)),
    ]
    assert cairo == pytest.approx(2.9641, abs=1e-4)


def test_each_match_says_why_in_plain_words():
    berlin, cairo = matches(ATHENS, NETWORK, labels=LABELS)
    assert berlin.reason == "Both face digital inclusion and workforce development; similar size"
    assert cairo.reason == (
        "Both face workforce development; Cairo has a strength in digital inclusion; both in TN"
    )
    assert cairo.peer_strengths == (DI,)


def test_one_challenge_keeps_the_peers_facing_it_or_strong_in_it():
    found = matches(ATHENS, NETWORK, challenge=FH)
    # Dover: nothing shared, no help, same size and state: 1·1 + 0.5·1 = 1.5.
    assert [(m.peer.name, m.score) for m in found] == [
        ("Cairo", pytest.approx(2.9641, abs=1e-4)),
        ("Dover", pytest.approx(1.5)),
    ]
    assert [m.peer.name for m in matches(ATHENS, NETWORK, challenge=DI)] == ["Berlin", "Cairo"]


def test_past_contact_marks_a_peer_known_without_changing_its_score():
    plain = matches(ATHENS, NETWORK)
    met = matches(ATHENS, NETWORK, known={CAIRO.id})
    assert [m.status for m in met] == ["opportunity", "known"]
    assert [m.score for m in met] == [m.score for m in plain]


def test_a_city_with_no_challenge_or_population_matches_nothing_and_breaks_nothing():
    lone = CityFacts(9, "Lone", frozenset())
    assert matches(lone, [*NETWORK, lone]) == []
    assert matching.size_similarity(lone, ATHENS) == 0.0


KEYS = st.sampled_from([DI, WD, FH, "affordable-housing", "public-safety", "transit"])
CITIES = st.builds(
    CityFacts,
    id=st.integers(1, 10_000),
    name=st.text(min_size=1, max_size=10),
    challenges=st.frozensets(KEYS),
    strengths=st.frozensets(KEYS),
    population=st.none() | st.integers(0, 10_000_000),
    region=st.sampled_from(["", "TN", "OH", "tn"]),
    country=st.sampled_from(["United States", ""]),
)
NETWORKS = st.lists(CITIES, min_size=1, max_size=12, unique_by=lambda c: c.id)


@given(NETWORKS, st.data())
def test_a_city_never_matches_itself(network, data):
    city = data.draw(st.sampled_from(network))
    challenge = data.draw(st.sampled_from(["", DI, "transit"]))
    assert all(m.peer.id != city.id for m in matches(city, network, challenge=challenge))


@given(NETWORKS, st.data())
def test_the_shared_part_of_the_score_is_symmetric(network, data):
    a = data.draw(st.sampled_from(network))
    b = data.draw(st.sampled_from(network))
    weights = matching.challenge_weights(network)
    assert matching.overlap(a, b, weights) == pytest.approx(matching.overlap(b, a, weights))
    assert matching.size_similarity(a, b) == pytest.approx(matching.size_similarity(b, a))
    assert matching.same_region(a, b) == matching.same_region(b, a)
    a_to_b = {m.peer.id: m for m in matches(a, network)}
    b_to_a = {m.peer.id: m for m in matches(b, network)}
    if b.id in a_to_b and a.id in b_to_a:
        one, other = a_to_b[b.id], b_to_a[a.id]
        # Scores are rounded to 6 decimals, hence the tolerance.
        assert one.score - 2 * one.help == pytest.approx(other.score - 2 * other.help, abs=1e-5)
        assert set(one.shared) == set(other.shared)


@given(NETWORKS, st.data())
def test_every_part_is_between_zero_and_one_and_the_list_is_best_first(network, data):
    city = data.draw(st.sampled_from(network))
    found = matches(city, network)
    for m in found:
        assert all(0 <= part <= 1 for part in (m.overlap, m.help, m.size, m.region))
    assert [m.score for m in found] == sorted((m.score for m in found), reverse=True)
