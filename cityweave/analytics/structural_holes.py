"""Burt's constraint, effective size and efficiency of each stakeholder's ego network.

Definitions follow networkx's `constraint` and `effective_size` (and igraph's `constraint`), over
the undirected skeleton: the contacts of u are everyone tied to u in either direction, and the
mutual weight of u and v is the sum of the weights of the ties u->v and v->u.

- p(u, v) = mutual weight(u, v) / sum of u's mutual weights (0 when that sum is 0).
- m(v, w) = mutual weight(v, w) / v's largest mutual weight (0 when that is 0).
- Constraint c(u) = sum over contacts v of (p(u, v) + sum over contacts w of p(u, w) p(w, v))^2.
- Effective size e(u) = sum over contacts v of (1 - sum over contacts w of p(u, w) m(v, w)),
  which for unweighted undirected networks is Borgatti's n - 2t/n.
- Efficiency = effective size / number of contacts.

A stakeholder without contacts has none of the three (NaN here, None in the result). The inner
sums only have terms for contacts w that u and v share, so they are sums over the triangles on
the tie u-v.

Zero-weight ties. A tie of weight 0 is a contact with mutual weight 0, as igraph's `constraint`
and networkx's per-node `constraint` / `effective_size` (the path `nodes=...` takes) treat it:
its own share p(u, v) is 0 but it still adds its indirect term. igraph's unit test "full graph,
4 vertices, weights make it a line" (tests/unit/igraph_constraint.c) gives 1.25, 0.5625, 0.5625,
1.25 where the line alone gives 1, 0.5, 0.5, 1. (networkx's all-nodes path, taken when `nodes`
is None and scipy is installed, masks zero mutual weights and gives the line's values; it
disagrees with its own per-node path there, and we follow igraph.) Two corners:

- A stakeholder all of whose ties weigh 0 has no shares to divide (0/0): it has none of the
  three, as igraph (NaN) and networkx's all-nodes path (NaN) say; networkx's per-node path
  would give constraint 0, which would read as the least constrained broker of all.
- A contact w whose own ties all weigh 0 enters other stakeholders' sums with p(w, v) = 0 and
  m(w, v) = 0 (networkx's "0 where the whole is 0"). igraph lets that 0/0 become NaN for every
  stakeholder tied to w; we keep their values, which are networkx's.
"""

from __future__ import annotations

from dataclasses import dataclass

import igraph as ig
import numpy as np

from cityweave.analytics.triangles import Triangles, arc_endpoints, list_triangles


@dataclass(frozen=True)
class StructuralHoles:
    """Constraint, effective size and efficiency per node (NaN for nodes without contacts)."""

    constraint: np.ndarray
    effective_size: np.ndarray
    efficiency: np.ndarray


def structural_holes(
    node_count: int,
    low: np.ndarray,
    high: np.ndarray,
    mutual_weights: np.ndarray,
    triangles: Triangles,
) -> StructuralHoles:
    """Burt's measures on a simple undirected graph with edges (low, high) sorted by that pair.

    `low`, `high` and `mutual_weights` have one entry per edge (weights >= 0; zero-weight edges
    are contacts); `triangles` lists the graph's triangles. Returns three arrays of length
    `node_count`, NaN where undefined: no contacts, or contacts whose weights are all 0.
    """
    sources, _ = arc_endpoints(low, high)
    arc_weights = np.repeat(np.asarray(mutual_weights, dtype=float), 2)
    strength = np.bincount(sources, weights=arc_weights, minlength=node_count).astype(float)
    largest = np.zeros(node_count)
    np.maximum.at(largest, sources, arc_weights)
    contacts = np.bincount(sources, minlength=node_count).astype(float)

    proportion = _share(arc_weights, strength[sources])
    relative = _share(arc_weights, largest[sources])

    indirect = np.zeros(len(arc_weights))
    redundancy = np.zeros(len(arc_weights))
    for uv, uw, wv, vw in triangles.orientations():
        indirect += np.bincount(
            uv, weights=proportion[uw] * proportion[wv], minlength=len(indirect)
        )
        redundancy += np.bincount(
            uv, weights=proportion[uw] * relative[vw], minlength=len(indirect)
        )

    local_constraint = (proportion + indirect) ** 2
    constraint = np.bincount(sources, weights=local_constraint, minlength=node_count).astype(float)
    effective_size = contacts - np.bincount(sources, weights=redundancy, minlength=node_count)
    # No contacts, or only zero-weight ones: no shares p(u, v) to divide, so no value (igraph: NaN).
    isolated = (contacts == 0) | (strength == 0)
    constraint[isolated] = np.nan
    effective_size[isolated] = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        efficiency = np.where(isolated, np.nan, effective_size / contacts)
    return StructuralHoles(constraint, effective_size, efficiency)


def structural_holes_of_pairs(
    node_count: int, pairs: list[tuple[int, int]], weights: list[float] | None = None
) -> StructuralHoles:
    """Burt's measures for an undirected edge list; repeated pairs add up, self-loops are ignored.

    The entry point for small hand-made graphs (tests, igraph's and networkx's worked examples).
    """
    edge_weights = [1.0] * len(pairs) if weights is None else [float(w) for w in weights]
    mutual: dict[tuple[int, int], float] = {}
    for (u, v), weight in zip(pairs, edge_weights, strict=True):
        if u != v:
            key = (min(u, v), max(u, v))
            mutual[key] = mutual.get(key, 0.0) + weight
    keys = sorted(mutual)
    low = np.array([key[0] for key in keys], dtype=np.int64)
    high = np.array([key[1] for key in keys], dtype=np.int64)
    skeleton = ig.Graph(n=node_count, edges=keys, directed=False)
    triangles = list_triangles(skeleton, low, high)
    return structural_holes(
        node_count, low, high, np.array([mutual[key] for key in keys]), triangles
    )


def _share(part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """part / whole, with 0 where the whole is 0 (networkx's per-node convention for zero weights)."""
    result = np.zeros(len(part))
    np.divide(part, whole, out=result, where=whole != 0)
    return result
