"""Network-level measures and shortest-path centralities, checked by hand and against networkx."""

from __future__ import annotations

from fractions import Fraction

import networkx as nx
import pytest
from hypothesis import given

from cityweave.analytics import analyze
from cityweave.analytics.tests.strategies import checked, networks, networkx_graph


def star(leaves: int):
    return analyze([], [("hub", f"leaf{i}", 1) for i in range(leaves)])


def path(length: int):
    return analyze([], [(i, i + 1, 1) for i in range(length - 1)])


def complete(size: int):
    return analyze([], [(i, j, 1) for i in range(size) for j in range(i + 1, size)])


def test_it_gives_a_star_degree_and_betweenness_centralization_of_one():
    network = star(5).network
    assert network["degree_centralization"] == pytest.approx(1.0)
    assert network["betweenness_centralization"] == pytest.approx(1.0)


def test_it_gives_a_complete_graph_centralization_of_zero():
    network = complete(6).network
    assert network["degree_centralization"] == 0
    assert network["betweenness_centralization"] == 0


def test_it_gives_a_path_freemans_degree_centralization():
    # Degrees 1, 2, 2, 2, 1: (1 + 0 + 0 + 0 + 1) / ((5 - 1)(5 - 2)).
    assert path(5).network["degree_centralization"] == pytest.approx(2 / 12)


def test_it_counts_isolates_in_degree_centralization():
    result = analyze([{"id": "alone"}], [("hub", f"leaf{i}", 1) for i in range(3)])
    # Degrees 3, 1, 1, 1, 0 over 5 nodes: (0 + 2 + 2 + 2 + 3) / (4 * 3).
    assert result.network["degree_centralization"] == pytest.approx(9 / 12)


def test_it_uses_contacts_in_either_direction_for_a_directed_star():
    result = analyze([], [(f"leaf{i}", "hub", 1) for i in range(4)], directed=True)
    assert result.network["degree_centralization"] == pytest.approx(1.0)


def test_it_normalizes_betweenness_by_the_pairs_of_other_nodes():
    result = star(4)
    hub = result.node("hub")
    assert hub["betweenness"] == 6  # the 4 * 3 / 2 pairs of leaves
    assert hub["betweenness_normalized"] == pytest.approx(1.0)
    directed = analyze([], [(0, 1, 1), (1, 2, 1)], directed=True).node(1)
    assert directed["betweenness_normalized"] == pytest.approx(1 / 2)


def test_it_reports_density_components_and_reciprocity():
    result = analyze([{"id": "x"}], [("a", "b", 1), ("b", "a", 1), ("b", "c", 1)], directed=True)
    network = result.network
    assert network["density"] == pytest.approx(3 / 12)
    assert (network["components"], network["largest_component"]) == (2, 3)
    assert network["reciprocity"] == pytest.approx(2 / 3)
    assert analyze([], [("a", "b", 1)]).network["reciprocity"] is None


def test_it_gives_the_same_communities_for_the_same_seed():
    ties = [(u, v, 1) for u, v in nx.karate_club_graph().edges()]
    first, second = analyze([], ties, seed=7), analyze([], ties, seed=7)
    assert [n["community"] for n in first.nodes] == [n["community"] for n in second.nodes]
    assert first.network["modularity"] == second.network["modularity"]


def test_it_numbers_communities_from_one_largest_first():
    ties = [(u, v, 1) for u, v in nx.karate_club_graph().edges()]
    result = analyze([], ties)
    sizes = [0] * result.network["communities"]
    for node in result.nodes:
        sizes[node["community"] - 1] += 1
    assert sizes == sorted(sizes, reverse=True)
    assert result.network["modularity"] > 0.4


def test_it_reports_the_modularity_of_the_communities_it_found():
    graph = nx.karate_club_graph()
    result = analyze([], [(u, v, d["weight"]) for u, v, d in graph.edges(data=True)])
    parts: dict[int, set] = {}
    for node in result.nodes:
        parts.setdefault(node["community"], set()).add(node["id"])
    expected = nx.community.modularity(graph, parts.values(), weight="weight")
    assert result.network["modularity"] == pytest.approx(expected)


@checked
@given(networks(weighted=False))
def test_it_matches_networkx_density_transitivity_and_betweenness(network):
    n, directed, ties = network
    result = analyze([{"id": i} for i in range(n)], ties, directed=directed, weight=False)
    graph = networkx_graph(n, directed, ties)
    if n > 1:
        assert result.network["density"] == pytest.approx(nx.density(graph))
    expected_transitivity = nx.transitivity(graph.to_undirected())
    if result.network["transitivity"] is not None:
        assert result.network["transitivity"] == pytest.approx(expected_transitivity)
    else:
        assert expected_transitivity == 0
    betweenness = nx.betweenness_centrality(graph, normalized=False)
    for node in result.nodes:
        assert node["betweenness"] == pytest.approx(betweenness[node["id"]])


@checked
@given(networks(weighted=True))
def test_it_matches_networkx_weighted_betweenness_and_closeness_with_exact_lengths(network):
    n, directed, ties = network
    result = analyze([{"id": i} for i in range(n)], ties, directed=directed)
    graph = networkx_graph(n, directed, ties)
    for _, _, data in graph.edges(data=True):
        data["length"] = Fraction(1, data["weight"])  # exact 1/weight, so ties tie exactly
    betweenness = nx.betweenness_centrality(graph, weight="length", normalized=False)
    outgoing = graph.reverse() if directed else graph  # networkx measures in-coming closeness
    closeness = nx.closeness_centrality(outgoing, distance="length", wf_improved=False)
    for node in result.nodes:
        assert node["betweenness"] == pytest.approx(float(betweenness[node["id"]]))
        if node["closeness"] is None:
            assert closeness[node["id"]] == 0
        else:
            assert node["closeness"] == pytest.approx(float(closeness[node["id"]]))


@checked
@given(networks(weighted=False))
def test_it_matches_freemans_formula_for_degree_centralization(network):
    n, directed, ties = network
    result = analyze([{"id": i} for i in range(n)], ties, directed=directed, weight=False)
    degrees = [d for _, d in networkx_graph(n, False, ties).degree()]
    if n < 3:
        assert result.network["degree_centralization"] is None
    else:
        expected = sum(max(degrees) - d for d in degrees) / ((n - 1) * (n - 2))
        assert result.network["degree_centralization"] == pytest.approx(expected)


@checked
@given(networks(weighted=True))
def test_it_matches_networkx_pagerank_with_weights_and_directions(network):
    n, directed, ties = network
    result = analyze([{"id": i} for i in range(n)], ties, directed=directed)
    if n == 0:
        return
    expected = nx.pagerank(
        networkx_graph(n, directed, ties), weight="weight", tol=1e-12, max_iter=10_000
    )
    for node in result.nodes:
        assert node["pagerank"] == pytest.approx(expected[node["id"]], abs=1e-9)


def test_it_gives_the_same_eigenvector_and_pagerank_scores_to_the_last_digit_every_time():
    graph = nx.connected_watts_strogatz_graph(300, 6, 0.2, seed=5)
    ties = [(u, v, 1 + (u + v) % 4) for u, v in graph.edges()]
    first, second = analyze([], ties), analyze([], ties)
    for measure in ("eigenvector", "pagerank"):
        assert [node[measure] for node in first.nodes] == [node[measure] for node in second.nodes]
