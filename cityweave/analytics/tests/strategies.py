"""Hypothesis settings and random-network strategies shared by the analytics tests."""

from __future__ import annotations

import networkx as nx
from hypothesis import settings
from hypothesis import strategies as st

# No example database (tests must not write into the checkout); no deadline (igraph start-up).
checked = settings(database=None, deadline=None, max_examples=60)


@st.composite
def networks(
    draw,
    max_nodes: int = 12,
    weighted: bool = True,
    directed: bool | None = None,
    zero_weights: bool = False,
):
    """(node count, directed, ties as (source, target, weight)) with repeats and self-loops.

    Weights are whole numbers 1 to 5, or 0 to 5 with `zero_weights`.
    """
    n = draw(st.integers(min_value=0, max_value=max_nodes))
    is_directed = draw(st.booleans()) if directed is None else directed
    if n == 0:
        return 0, is_directed, []
    node = st.integers(min_value=0, max_value=n - 1)
    lightest = 0 if zero_weights else 1
    weight = st.integers(min_value=lightest, max_value=5) if weighted else st.just(1)
    ties = draw(st.lists(st.tuples(node, node, weight), max_size=3 * max_nodes))
    return n, is_directed, ties


def networkx_graph(n: int, directed: bool, ties, *, merge: bool = True) -> nx.Graph:
    """The same network in networkx: self-loops dropped, repeated ties merged with weights summed."""
    graph = nx.DiGraph() if directed else nx.Graph()
    graph.add_nodes_from(range(n))
    for source, target, weight in ties:
        if source == target:
            continue
        if graph.has_edge(source, target) and merge:
            graph[source][target]["weight"] += weight
        else:
            graph.add_edge(source, target, weight=weight)
    return graph
