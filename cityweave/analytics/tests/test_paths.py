"""Exact integer path lengths for weighted shortest paths, and sampled (fast) estimates."""

from __future__ import annotations

import math
from fractions import Fraction

import networkx as nx
import numpy as np
import pytest

from cityweave.analytics import analyze
from cityweave.analytics.paths import path_lengths


def test_it_turns_integer_weights_into_integer_lengths_proportional_to_one_over_weight():
    lengths = path_lengths(np.array([1.0, 2.0, 3.0, 2.0]))
    assert lengths.lengths == [6.0, 3.0, 2.0, 3.0]
    assert lengths.divisor == 6
    assert lengths.exact


def test_it_handles_decimal_weights_exactly():
    lengths = path_lengths(np.array([0.5, 2.5]))
    assert lengths.exact and lengths.lengths is not None
    real = [length / lengths.divisor for length in lengths.lengths]
    assert real == [2.0, 0.4]


def test_it_counts_hops_when_every_weight_is_equal():
    lengths = path_lengths(np.array([3.0, 3.0]))
    assert lengths.lengths is None
    assert lengths.divisor == 3


def test_it_rounds_other_weights_to_about_one_part_in_a_million():
    weights = np.array([math.pi, math.e, math.sqrt(2)])
    lengths = path_lengths(weights)
    assert not lengths.exact and lengths.lengths is not None
    assert all(length == int(length) for length in lengths.lengths)
    real = np.array(lengths.lengths) / lengths.divisor
    assert real == pytest.approx(1 / weights, rel=1e-6)


def test_it_counts_both_paths_when_reciprocal_lengths_tie_exactly():
    # 1/10 + 1/5 == 1/(10/3) exactly, though not in floating point (0.1 + 0.2 != 0.3).
    ties = [("s", "a", 10), ("a", "t", 5), ("s", "t", 10 / 3)]
    result = analyze([], ties)
    assert result.node("a")["betweenness"] == 0.5


def test_it_reports_closeness_in_units_of_one_over_weight():
    result = analyze([], [("a", "b", 2), ("b", "c", 4)])
    # From b: lengths 1/2 and 1/4, mean 3/8.
    assert result.node("b")["closeness"] == pytest.approx(8 / 3)


def karate_ties():
    graph = nx.karate_club_graph()
    return [(u, v, d["weight"]) for u, v, d in graph.edges(data=True)]


def test_it_computes_exactly_in_fast_mode_when_the_sample_covers_everyone():
    exact = analyze([], karate_ties())
    fast = analyze([], karate_ties(), fast=True)
    assert fast.network["sampling"] == {"sources": 34, "of": 34, "exact": True}
    assert [n["betweenness"] for n in fast.nodes] == [n["betweenness"] for n in exact.nodes]


def test_it_estimates_betweenness_and_closeness_from_a_seeded_sample_with_stated_error():
    graph = nx.connected_watts_strogatz_graph(400, 6, 0.2, seed=3)
    ties = [(u, v, 1 + (u * v) % 4) for u, v in graph.edges()]
    exact = analyze([], ties)
    fast = analyze([], ties, fast=True, sample_size=200)
    again = analyze([], ties, fast=True, sample_size=200)
    sampling = fast.network["sampling"]
    assert sampling["sources"] == 200 and not sampling["exact"]
    assert sampling["betweenness_normalized_max_error"] > 0
    assert [n["betweenness"] for n in fast.nodes] == [n["betweenness"] for n in again.nodes]

    estimated = np.array([n["betweenness_normalized"] for n in fast.nodes])
    true = np.array([n["betweenness_normalized"] for n in exact.nodes])
    errors = np.array([n["betweenness_normalized_error"] for n in fast.nodes])
    # The most central stakeholders, whom the estimate is for, lie within four standard errors.
    central = np.argsort(-true)[:20]
    assert np.all(np.abs(estimated - true)[central] <= 4 * errors[central])
    assert np.abs(estimated - true).mean() < 0.15 * true.mean()
    closeness = np.array([n["closeness"] for n in fast.nodes])
    true_closeness = np.array([n["closeness"] for n in exact.nodes])
    assert closeness == pytest.approx(true_closeness, rel=0.05)


def test_it_computes_closeness_exactly_for_small_pieces_a_sample_misses():
    graph = nx.connected_watts_strogatz_graph(300, 4, 0.1, seed=1)
    ties = [(u, v, 1) for u, v in graph.edges()] + [("x", "y", 1), ("y", "z", 1)]
    fast = analyze([], ties, fast=True, sample_size=50)
    assert fast.node("y")["closeness"] == pytest.approx(1.0)
    assert fast.node("x")["closeness"] == pytest.approx(2 / 3)


def test_it_estimates_out_going_closeness_in_directed_networks():
    graph = nx.gnp_random_graph(300, 0.03, seed=2, directed=True)
    ties = [(u, v, 1 + (u + v) % 3) for u, v in graph.edges()]
    nodes = [{"id": i} for i in range(300)]
    exact = analyze(nodes, ties, directed=True)
    fast = analyze(nodes, ties, directed=True, fast=True, sample_size=100)
    for estimated, true in zip(fast.nodes, exact.nodes, strict=True):
        if true["closeness"] is None:
            assert estimated["closeness"] is None
        else:
            assert estimated["closeness"] == pytest.approx(true["closeness"], rel=0.1)


def test_it_estimates_closeness_of_a_connected_unweighted_network():
    ties = [("hub", f"leaf{i}", 1) for i in range(30)]
    fast = analyze([], ties, weight=False, fast=True, sample_size=10)
    assert fast.node("hub")["closeness"] == pytest.approx(1.0)


def test_it_estimates_closeness_from_exact_lengths_to_the_sampled_stakeholders():
    graph = nx.gnp_random_graph(120, 0.05, seed=4, directed=True)
    ties = [(u, v, 1 + (u * v) % 5) for u, v in graph.edges()]
    for u, v, weight in ties:
        graph[u][v]["length"] = Fraction(1, weight)
    fast = analyze([{"id": i} for i in range(120)], ties, directed=True, fast=True, sample_size=40)
    sampled = set(np.random.default_rng(42).choice(120, size=40, replace=False).tolist())
    compared = 0
    for node in fast.nodes:
        lengths = nx.single_source_dijkstra_path_length(graph, node["id"], weight="length")
        to_sampled = [
            length for other, length in lengths.items() if other in sampled and other != node["id"]
        ]
        if len(to_sampled) >= 10:
            assert node["closeness"] == pytest.approx(float(len(to_sampled) / sum(to_sampled)))
            compared += 1
    assert compared > 100
