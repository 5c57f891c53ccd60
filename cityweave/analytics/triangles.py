"""Triangles of the undirected skeleton, indexed by edge, for the measures that look at shared contacts.

Constraint, effective size and brokerage all ask, for a tie u-v, about the contacts w that u and v
share. Those w are exactly the third corners of the triangles on u-v, so one listing of triangles
(igraph, in C) answers all three in time proportional to the number of triangles, without the
dense n x n products of the textbook formulas.

Each undirected edge e = (low, high) has two arcs: 2e is low->high and 2e+1 is high->low.
"""

from __future__ import annotations

from dataclasses import dataclass

import igraph as ig
import numpy as np


@dataclass(frozen=True)
class Triangles:
    """Corners a < b < c of each triangle and the edge ids of its sides ab, ac and bc."""

    a: np.ndarray
    b: np.ndarray
    c: np.ndarray
    ab: np.ndarray
    ac: np.ndarray
    bc: np.ndarray

    def __len__(self) -> int:
        return len(self.a)

    def arc(self, side: str, forward: bool) -> np.ndarray:
        """Arc ids of one side: forward goes from the lower corner to the higher one."""
        edges = getattr(self, side)
        return 2 * edges + (0 if forward else 1)

    def corners(self) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """The six orderings (u, v, w) of the corners, in the order `orientations` uses."""
        a, b, c = self.a, self.b, self.c
        return [(a, b, c), (b, a, c), (a, c, b), (c, a, b), (b, c, a), (c, b, a)]

    def orientations(self) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]:
        """For each of the six orderings (u, v, w) of the corners: arcs u->v, u->w, w->v, v->w."""
        ab, ba = self.arc("ab", True), self.arc("ab", False)
        ac, ca = self.arc("ac", True), self.arc("ac", False)
        bc, cb = self.arc("bc", True), self.arc("bc", False)
        return [
            (ab, ac, cb, bc),  # u=a, v=b, w=c
            (ba, bc, ca, ac),  # u=b, v=a, w=c
            (ac, ab, bc, cb),  # u=a, v=c, w=b
            (ca, cb, ba, ab),  # u=c, v=a, w=b
            (bc, ba, ac, ca),  # u=b, v=c, w=a
            (cb, ca, ab, ba),  # u=c, v=b, w=a
        ]


def arc_endpoints(low: np.ndarray, high: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Source and target of every arc, in arc-id order."""
    sources = np.empty(2 * len(low), dtype=np.int64)
    targets = np.empty(2 * len(low), dtype=np.int64)
    sources[0::2], sources[1::2] = low, high
    targets[0::2], targets[1::2] = high, low
    return sources, targets


def list_triangles(skeleton: ig.Graph, low: np.ndarray, high: np.ndarray) -> Triangles:
    """All triangles of a simple undirected graph whose edges are (low, high), sorted by that pair."""
    found = skeleton.list_triangles() if skeleton.ecount() else []
    if not found:
        empty = np.zeros(0, dtype=np.int64)
        return Triangles(empty, empty, empty, empty, empty, empty)
    corners = np.sort(np.array(found, dtype=np.int64), axis=1)
    a, b, c = corners[:, 0], corners[:, 1], corners[:, 2]
    n = skeleton.vcount()
    keys = low * n + high

    def edge_ids(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return np.searchsorted(keys, x * n + y)

    return Triangles(a, b, c, edge_ids(a, b), edge_ids(a, c), edge_ids(b, c))
