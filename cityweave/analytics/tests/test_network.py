"""Network-level measures and shortest-path centralities, checked by hand and against networkx."""

from __future__ import annotations

from fractions import Fraction
from types import SimpleNamespace

import igraph as ig
import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

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


# 29 stakeholders in five sectors, trust 1-4 (ties as "a-b:trust"). Before weights were rescaled,
# seed 42 found 5 communities here and 6 when every trust was divided by 4.
SECTOR_NETWORK = """
0-15:1 0-18:2 1-8:3 1-19:3 1-25:1 1-27:1 1-28:4 2-5:3 2-8:2 2-15:1 2-24:4 2-27:4 3-10:2
3-14:4 3-16:1 3-23:4 4-5:2 4-14:2 4-24:2 4-25:4 5-16:3 6-12:2 6-15:1 6-27:1 7-17:1 7-19:3
7-24:3 8-9:1 10-19:2 10-23:4 11-15:3 11-16:4 11-17:2 11-20:4 11-22:3 11-23:2 11-27:4 13-14:3
13-18:1 14-19:1 14-25:1 14-28:4 16-18:4 16-20:4 17-19:4 17-28:3 19-23:4 20-26:1 21-23:4
21-26:2 21-27:2 23-26:2 24-27:1
"""


def sector_ties(factor: float = 1) -> list[tuple[int, int, float]]:
    ties = []
    for item in SECTOR_NETWORK.split():
        pair, trust = item.split(":")
        a, b = pair.split("-")
        ties.append((int(a), int(b), int(trust) * factor))
    return ties


def communities(result) -> list[int]:
    return [node["community"] for node in result.nodes]


def same_partition(first: list[int], second: list[int]) -> bool:
    """Whether two community lists group the nodes alike, whatever the communities' numbers."""
    return len(set(zip(first, second, strict=True))) == len(set(first)) == len(set(second))


def test_it_finds_the_same_communities_when_trust_is_divided_by_four():
    trust = analyze([{"id": i} for i in range(29)], sector_ties())
    quarter = analyze([{"id": i} for i in range(29)], sector_ties(0.25))
    assert communities(trust) == communities(quarter)
    assert trust.network["communities"] == quarter.network["communities"]
    assert trust.network["modularity"] == pytest.approx(quarter.network["modularity"], abs=1e-9)


@checked
@given(
    networks(max_nodes=30, weighted=True, directed=False),
    st.sampled_from([0.25, 3, 1000, 1 / 64, 7]),
)
def test_it_finds_the_same_communities_whatever_the_unit_of_the_weights(network, factor):
    n, _, ties = network
    nodes = [{"id": i} for i in range(n)]
    original = analyze(nodes, ties)
    scaled = analyze(nodes, [(s, t, w * factor) for s, t, w in ties])
    assert same_partition(communities(original), communities(scaled))
    assert communities(original) == communities(scaled)  # numbered the same way too
    if original.network["modularity"] is None:
        assert scaled.network["modularity"] is None
    else:
        assert scaled.network["modularity"] == pytest.approx(
            original.network["modularity"], abs=1e-9
        )


@checked
@given(networks(weighted=True))
def test_it_finds_the_same_communities_every_time(network):
    n, directed, ties = network
    nodes = [{"id": i} for i in range(n)]
    first, second = analyze(nodes, ties, directed=directed), analyze(nodes, ties, directed=directed)
    assert communities(first) == communities(second)
    assert first.network["modularity"] == second.network["modularity"]


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


def test_leiden_stops_after_a_bounded_number_of_passes_when_it_never_settles(monkeypatch):
    """igraph's "until stable" can cycle between partitions; the passes are counted instead."""
    from cityweave.analytics import network as engine

    calls = []

    def flip_flop(self, **options):
        calls.append(options["initial_membership"])
        return SimpleNamespace(membership=[len(calls) % 2, 0, 1])

    monkeypatch.setattr(ig.Graph, "community_leiden", flip_flop)
    membership = engine._leiden_until_stable(ig.Graph.Ring(3), [1.0, 1.0, 1.0], 1.0)
    assert len(calls) == engine.MAX_LEIDEN_PASSES and membership in ([0, 0, 1], [1, 0, 1])
    assert calls[0] is None and calls[1] == [1, 0, 1]  # each pass starts from the last
