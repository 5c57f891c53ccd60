"""Gould–Fernandez brokerage against a direct reading of the sna::brokerage definition."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cityweave.analytics import analyze
from cityweave.analytics.brokerage import ROLES
from cityweave.analytics.tests.strategies import checked, networks


def brute_force_brokerage(n, arcs, groups):
    """Every ordered pair (a, b) through every v: a->v, v->b, a != b, no a->b; roles by groups."""
    counts = {v: dict.fromkeys(ROLES, 0) for v in range(n)}
    for v in range(n):
        for a in range(n):
            for b in range(n):
                if a == b or (a, v) not in arcs or (v, b) not in arcs or (a, b) in arcs:
                    continue
                if None in (groups[a], groups[v], groups[b]):
                    continue
                if groups[a] == groups[v] == groups[b]:
                    role = "coordinator"
                elif groups[a] == groups[b]:
                    role = "itinerant"
                elif groups[a] == groups[v]:
                    role = "representative"
                elif groups[b] == groups[v]:
                    role = "gatekeeper"
                else:
                    role = "liaison"
                counts[v][role] += 1
    return counts


def arcs_of(ties, directed):
    arcs = set()
    for source, target, _ in ties:
        if source != target:
            arcs.add((source, target))
            if not directed:
                arcs.add((target, source))
    return arcs


def test_it_counts_each_role_on_a_small_directed_example():
    groups = {"a": "x", "b": "x", "c": "y", "d": "z", "v": "x"}
    nodes = [{"id": key, "sector": value} for key, value in groups.items()]
    # a->v->b coordinator, a->v->c representative, d->v->b gatekeeper, d->v->c liaison.
    ties = [("a", "v", 1), ("v", "b", 1), ("v", "c", 1), ("d", "v", 1)]
    result = analyze(nodes, ties, directed=True, group="sector")
    assert result.node("v")["brokerage"] == {
        "coordinator": 1,
        "itinerant": 0,
        "representative": 1,
        "gatekeeper": 1,
        "liaison": 1,
        "total": 4,
    }


def test_it_counts_an_undirected_pair_twice_as_sna_does():
    nodes = [{"id": "a", "sector": "x"}, {"id": "v", "sector": "y"}, {"id": "b", "sector": "x"}]
    result = analyze(nodes, [("a", "v", 1), ("v", "b", 1)], group="sector")
    assert result.node("v")["brokerage"]["itinerant"] == 2
    assert result.node("v")["brokerage"]["total"] == 2


def test_it_does_not_count_a_pair_that_is_already_tied():
    nodes = [{"id": i, "sector": "x"} for i in range(3)]
    result = analyze(nodes, [(0, 1, 1), (1, 2, 1), (0, 2, 1)], group="sector")
    assert all(node["brokerage"]["total"] == 0 for node in result.nodes)


def test_it_gives_stakeholders_without_a_group_no_brokerage_and_leaves_them_out_of_triads():
    nodes = [{"id": "a", "sector": "x"}, {"id": "v", "sector": ""}, {"id": "b", "sector": "y"}]
    nodes.append({"id": "w", "sector": "z"})
    ties = [("a", "v", 1), ("v", "b", 1), ("a", "w", 1), ("w", "b", 1)]
    result = analyze(nodes, ties, group="sector")
    assert result.node("v")["brokerage"] == dict.fromkeys([*ROLES, "total"], None)
    assert result.node("w")["brokerage"]["liaison"] == 2


@checked
@given(networks(max_nodes=9, weighted=False), st.lists(st.sampled_from(["x", "y", "z", None])))
def test_it_matches_a_brute_force_reading_of_the_definition(network, group_values):
    n, directed, ties = network
    groups = [group_values[i] if i < len(group_values) else "x" for i in range(n)]
    nodes = [{"id": i, "sector": groups[i]} for i in range(n)]
    result = analyze(nodes, ties, directed=directed, group="sector")
    expected = brute_force_brokerage(n, arcs_of(ties, directed), groups)
    for node in result.nodes:
        if groups[node["id"]] is None:
            assert node["brokerage"]["total"] is None
            continue
        wanted = expected[node["id"]]
        assert node["brokerage"] == {**wanted, "total": sum(wanted.values())}
