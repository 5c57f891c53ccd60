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
    """Burt's measures on a simple undirected graph with edges (low, high) sorted by that pair."""
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
    isolated = contacts == 0
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
    """part / whole, with 0 where the whole is 0 (networkx's convention for zero weights)."""
    result = np.zeros(len(part))
    np.divide(part, whole, out=result, where=whole != 0)
    return result
