"""Burt's constraint, effective size and efficiency against networkx's and igraph's own test values."""

from __future__ import annotations

import math

import igraph as ig
import networkx as nx
import pytest
from hypothesis import given

from cityweave.analytics import analyze
from cityweave.analytics.structural_holes import structural_holes_of_pairs
from cityweave.analytics.tests.strategies import checked, networks, networkx_graph

# networkx/algorithms/tests/test_structuralholes.py (values from UCINET and igraph, checked by hand).
DIRECTED = [(0, 1), (0, 2), (1, 0), (2, 1)]
DIRECTED_WEIGHTS = {(0, 1): 2, (0, 2): 2, (1, 0): 1, (2, 1): 1}
BORGATTI = {
    ("A", "B"): 2,
    ("A", "F"): 3,
    ("A", "G"): 5,
    ("A", "E"): 2,
    ("E", "G"): 8,
    ("F", "G"): 3,
    ("B", "G"): 4,
    ("B", "D"): 1,
    ("D", "G"): 3,
    ("G", "C"): 10,
}


def networkx_measures(graph: nx.Graph) -> tuple[dict, dict]:
    """networkx's constraint and effective size, per node (`nodes=list(G)`, its exact path).

    networkx decides that a node is isolated by looking at G[v], which in a DiGraph holds only
    successors, so a node with in-coming ties alone comes back NaN. For those nodes this
    evaluates networkx's own per-node formula (its local_constraint and normalized mutual
    weights) without that guard.
    """
    everyone = list(graph)
    constraint = nx.constraint(graph, nodes=everyone, weight="weight")
    size = nx.effective_size(graph, nodes=everyone, weight="weight")
    weight = nx.algorithms.structuralholes.normalized_mutual_weight
    for v in everyone:
        contacts = set(nx.all_neighbors(graph, v))
        if not graph.is_directed() or graph.out_degree(v) or not contacts:
            continue
        constraint[v] = sum(nx.local_constraint(graph, v, u, weight="weight") for u in contacts)
        size[v] = sum(
            1
            - sum(
                weight(graph, v, w, weight="weight")
                * weight(graph, u, w, norm=max, weight="weight")
                for w in contacts
            )
            for u in contacts
        )
    return constraint, size


def borgatti(weighted: bool, extra_nodes=()):
    ties = [(a, b, w) for (a, b), w in BORGATTI.items()]
    nodes = [{"id": name} for name in extra_nodes]
    return analyze(nodes, ties, weight=weighted)


def values(result, measure):
    return {node["id"]: node[measure] for node in result.nodes}


def test_it_reproduces_networkx_directed_constraint_and_effective_size():
    result = analyze([], [(s, t, None) for s, t in DIRECTED], directed=True, weight=False)
    constraint, size = values(result, "constraint"), values(result, "effective_size")
    assert constraint == pytest.approx({0: 1.003, 1: 1.003, 2: 1.389}, abs=1e-3)
    assert size == pytest.approx({0: 1.167, 1: 1.167, 2: 1.0}, abs=1e-3)


def test_it_reproduces_networkx_weighted_directed_values():
    ties = [(s, t, DIRECTED_WEIGHTS[(s, t)]) for s, t in DIRECTED]
    result = analyze([], ties, directed=True)
    constraint, size = values(result, "constraint"), values(result, "effective_size")
    assert constraint == pytest.approx({0: 0.840, 1: 1.143, 2: 1.378}, abs=1e-3)
    assert size == pytest.approx({0: 1.567, 1: 1.083, 2: 1.0}, abs=1e-3)


def test_it_reproduces_networkx_undirected_values_and_borgattis_effective_size():
    result = borgatti(weighted=False)
    constraint, size = values(result, "constraint"), values(result, "effective_size")
    assert [constraint[n] for n in "GAC"] == pytest.approx([0.400, 0.595, 1.0], abs=1e-3)
    assert [size[n] for n in "GAC"] == pytest.approx([4.67, 2.50, 1.0], abs=1e-2)


def test_it_reproduces_networkx_weighted_undirected_values():
    result = borgatti(weighted=True)
    constraint, size = values(result, "constraint"), values(result, "effective_size")
    assert [constraint[n] for n in "GAC"] == pytest.approx([0.299, 0.795, 1.0], abs=1e-3)
    assert [size[n] for n in "GAC"] == pytest.approx([5.47, 2.47, 1.0], abs=1e-2)


@pytest.mark.parametrize("weighted", [False, True])
def test_it_gives_an_isolated_stakeholder_no_constraint_effective_size_or_efficiency(weighted):
    result = borgatti(weighted, extra_nodes=[1])
    isolated = result.node(1)
    assert (isolated["constraint"], isolated["effective_size"], isolated["efficiency"]) == (
        None,
        None,
        None,
    )


def test_it_treats_a_stakeholder_with_only_a_self_loop_as_isolated():
    result = analyze([], [(0, 0, 10)])
    assert result.node(0)["constraint"] is None
    assert result.network["self_loops_dropped"] == 1


def test_it_computes_efficiency_as_effective_size_per_contact():
    result = borgatti(weighted=False)
    g = result.node("G")
    assert g["efficiency"] == pytest.approx(g["effective_size"] / g["degree"])


# igraph's tests/unit/igraph_constraint.c and its expected output igraph_constraint.out.
FULL_4 = [(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]
HOLE = [*FULL_4, (3, 4), (4, 5), (5, 6), (5, 7), (5, 8), (6, 7), (6, 8), (7, 8)]


def test_it_reproduces_igraphs_constraint_on_a_line_and_a_complete_graph():
    line = structural_holes_of_pairs(4, [(0, 1), (1, 2), (2, 3)])
    assert line.constraint.tolist() == pytest.approx([1, 0.5, 0.5, 1])
    full = structural_holes_of_pairs(4, FULL_4, [1.0] * 6)
    assert full.constraint.tolist() == pytest.approx([0.925926] * 4, abs=1e-6)


def test_it_reproduces_igraphs_constraint_when_weights_are_split_over_repeated_ties():
    pairs = [(0, 1), (0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (1, 3), (1, 3), (2, 3)]
    weights = [0.5, 0.5, 1, 1, 1, 1 / 3, 1 / 3, 1 / 3, 1]
    split = structural_holes_of_pairs(4, pairs, weights)
    assert split.constraint.tolist() == pytest.approx([0.925926] * 4, abs=1e-6)


def test_it_reproduces_igraphs_constraint_with_a_self_loop():
    result = structural_holes_of_pairs(4, [(0, 0), *FULL_4])
    assert result.constraint.tolist() == pytest.approx([0.925926] * 4, abs=1e-6)


def test_it_reproduces_igraphs_constraint_for_a_hole_between_two_clusters():
    result = structural_holes_of_pairs(9, HOLE)
    expected = [0.865741] * 3 + [0.583333, 0.5, 0.583333] + [0.865741] * 3
    assert result.constraint.tolist() == pytest.approx(expected, abs=1e-6)


def test_it_reproduces_igraphs_zero_weight_contacts_at_the_low_level():
    # igraph keeps zero-weight edges as contacts: "weights make it a line" gives 1.25, 0.5625.
    result = structural_holes_of_pairs(4, FULL_4, [1, 0, 0, 1, 0, 1])
    assert result.constraint.tolist() == pytest.approx([1.25, 0.5625, 0.5625, 1.25])


def test_it_keeps_zero_weight_ties_as_contacts_as_igraph_does():
    # igraph's "full graph, 4 vertices, weights make it a line": not the line's 1, 0.5, 0.5, 1.
    ties = [(a, b, w) for (a, b), w in zip(FULL_4, [1, 0, 0, 1, 0, 1], strict=True)]
    result = analyze([{"id": i} for i in range(4)], ties)
    assert [node["constraint"] for node in result.nodes] == pytest.approx(
        [1.25, 0.5625, 0.5625, 1.25]
    )
    graph = ig.Graph(n=4, edges=FULL_4)
    expected = graph.constraint(weights=[1, 0, 0, 1, 0, 1])
    assert [node["constraint"] for node in result.nodes] == pytest.approx(expected)
    # The paths still leave them out: a zero-weight tie has no strength and an infinite length.
    assert result.network["zero_weight_ties_dropped"] == 3
    assert [node["degree"] for node in result.nodes] == [1, 2, 2, 1]


def test_it_matches_networkx_with_a_zero_weight_tie_in_a_triangle():
    # Alice-Bob 3 and Bob-Carol 2 carry trust; Alice-Carol is known but rated 0.
    ties = [("alice", "bob", 3), ("bob", "carol", 2), ("alice", "carol", 0), ("carol", "dan", 1)]
    result = analyze([], ties)
    graph = nx.Graph()
    graph.add_weighted_edges_from(ties)
    constraint, size = networkx_measures(graph)
    for node in result.nodes:
        assert node["constraint"] == pytest.approx(constraint[node["id"]])
        assert node["effective_size"] == pytest.approx(size[node["id"]])
    assert result.node("alice")["constraint"] != pytest.approx(1.0)  # Carol still constrains her


def test_it_gives_no_burt_measures_to_a_stakeholder_whose_ties_all_weigh_zero():
    result = analyze([], [("alice", "bob", 2), ("bob", "carol", 1), ("dan", "bob", 0)])
    dan = result.node("dan")
    assert (dan["constraint"], dan["effective_size"], dan["efficiency"]) == (None, None, None)
    assert math.isnan(ig.Graph(n=2, edges=[(0, 1)]).constraint(weights=[0])[0])
    assert result.node("bob")["constraint"] is not None


def test_it_matches_igraphs_constraint_on_zacharys_karate_club_with_random_weights():
    karate = ig.Graph.Famous("Zachary")
    weights = [(edge.index * 7) % 10 + 1 for edge in karate.es]
    ours = structural_holes_of_pairs(karate.vcount(), karate.get_edgelist(), weights)
    assert ours.constraint.tolist() == pytest.approx(karate.constraint(weights=weights))


def test_it_gives_no_values_for_empty_and_single_node_graphs():
    assert structural_holes_of_pairs(0, []).constraint.tolist() == []
    assert math.isnan(structural_holes_of_pairs(1, []).constraint[0])


def mutual_strength(graph: nx.Graph, node) -> float:
    """The sum of a node's tie weights in both directions (0 when they all weigh 0)."""
    if graph.is_directed():
        return graph.in_degree(node, weight="weight") + graph.out_degree(node, weight="weight")
    return graph.degree(node, weight="weight")


@checked
@given(networks(weighted=True, zero_weights=True))
def test_it_matches_networkx_constraint_and_effective_size_on_random_networks(network):
    n, directed, ties = network
    result = analyze([{"id": i} for i in range(n)], ties, directed=directed)
    graph = networkx_graph(n, directed, ties)
    expected_constraint, expected_size = networkx_measures(graph)
    for node in result.nodes:
        if mutual_strength(graph, node["id"]) == 0:
            # Isolated, or only zero-weight ties: no value (networkx's per-node path says 0).
            assert node["constraint"] is None and node["effective_size"] is None
            continue
        for ours, theirs in (
            (node["constraint"], expected_constraint[node["id"]]),
            (node["effective_size"], expected_size[node["id"]]),
        ):
            assert ours == pytest.approx(theirs)


@checked
@given(networks(weighted=False, directed=False))
def test_it_matches_borgattis_formula_on_random_unweighted_networks(network):
    n, directed, ties = network
    result = analyze([{"id": i} for i in range(n)], ties, weight=False)
    graph = networkx_graph(n, directed, ties)
    expected = nx.effective_size(graph, nodes=list(graph))
    for node in result.nodes:
        if math.isnan(expected[node["id"]]):
            assert node["effective_size"] is None
        else:
            assert node["effective_size"] == pytest.approx(expected[node["id"]])


@checked
@given(networks(weighted=True, zero_weights=True))
def test_it_matches_igraphs_constraint_on_random_networks(network):
    n, directed, ties = network
    result = analyze([{"id": i} for i in range(n)], ties, directed=directed)
    graph = ig.Graph(n=n, edges=[(s, t) for s, t, _ in ties if s != t], directed=directed)
    expected = graph.constraint(weights=[w for s, t, w in ties if s != t])
    strength = graph.strength(mode="all", weights=[w for s, t, w in ties if s != t])
    for node, theirs in zip(result.nodes, expected, strict=True):
        if strength[node["id"]] == 0:
            assert node["constraint"] is None
        elif math.isnan(theirs):
            # igraph's 0/0 for a contact whose ties all weigh 0 spreads NaN to its neighbours.
            neighbours = graph.neighbors(node["id"], mode="all")
            assert any(strength[other] == 0 for other in neighbours)
        else:
            assert node["constraint"] == pytest.approx(theirs)
