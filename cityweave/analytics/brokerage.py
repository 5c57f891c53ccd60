"""Gould–Fernandez brokerage roles over a group attribute, counted exactly as R's `sna::brokerage`.

Stakeholder v brokers the ordered pair (a, b) when a->v and v->b are ties, a != b, and there is no
tie a->b. The role depends on the groups of a, v and b:

- coordinator: a, v and b all in one group;
- itinerant: a and b share a group, v does not;
- representative: a and v share a group, b does not;
- gatekeeper: v and b share a group, a does not;
- liaison: all three differ.

An undirected tie is two arcs, so undirected input counts each pair twice, as sna does.
Stakeholders without a group value neither broker nor are brokered: triples that include one are
not counted, and their own counts are None.

Counting: for a broker v, the pairs (a, b) with a->v and v->b number in-degree x out-degree; the
role of each depends only on how many in- and out-contacts share v's group or each other's. From
those products take away the pairs with a = b (reciprocated contacts) and the closed pairs, where
a->b exists; closed pairs are triangles through v, so the count costs one pass over triangles.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from cityweave.analytics.triangles import Triangles

ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison")


@dataclass(frozen=True)
class Brokerage:
    """Counts per role and node (NaN for nodes without a group), and the total."""

    counts: dict[str, np.ndarray]

    @property
    def total(self) -> np.ndarray:
        return np.sum([self.counts[role] for role in ROLES], axis=0)


def brokerage(
    node_count: int,
    low: np.ndarray,
    high: np.ndarray,
    forward: np.ndarray,
    backward: np.ndarray,
    groups: np.ndarray,
    triangles: Triangles,
) -> Brokerage:
    """Brokerage roles on a network given as its skeleton (low, high) and which arcs exist.

    `forward[e]` says the arc low->high of edge e exists, `backward[e]` the arc high->low;
    `groups` holds a group number per node, -1 for none.
    """
    groups = np.asarray(groups, dtype=np.int64)
    arc_sources = np.concatenate((low[forward], high[backward]))
    arc_targets = np.concatenate((high[forward], low[backward]))
    both = forward & backward
    mutual_a = np.concatenate((low[both], high[both]))
    mutual_b = np.concatenate((high[both], low[both]))

    group_count = int(groups.max()) + 1 if len(groups) else 0
    incoming = _group_counts(arc_targets, arc_sources, groups, node_count, group_count)
    outgoing = _group_counts(arc_sources, arc_targets, groups, node_count, group_count)
    reciprocated = _group_counts(mutual_a, mutual_b, groups, node_count, group_count)

    has_group = groups >= 0
    own_column = np.where(has_group, groups, 0)
    rows = np.arange(node_count)

    def own_and_other(matrix: sparse.csr_matrix) -> tuple[np.ndarray, np.ndarray]:
        grouped_total = np.asarray(matrix.sum(axis=1)).ravel()
        if group_count == 0:
            return np.zeros(node_count), grouped_total
        own = np.asarray(matrix[rows, own_column]).ravel() * has_group
        return own, grouped_total - own

    in_own, in_other = own_and_other(incoming)
    out_own, out_other = own_and_other(outgoing)
    mutual_own, mutual_other = own_and_other(reciprocated)
    same_group_pairs = np.asarray(incoming.multiply(outgoing).sum(axis=1)).ravel()
    same_other_group_pairs = same_group_pairs - in_own * out_own

    closed = _closed_pairs(node_count, low, high, forward, backward, groups, triangles)
    counts = {
        "coordinator": in_own * out_own - mutual_own - closed["coordinator"],
        "itinerant": same_other_group_pairs - mutual_other - closed["itinerant"],
        "representative": in_own * out_other - closed["representative"],
        "gatekeeper": in_other * out_own - closed["gatekeeper"],
        "liaison": in_other * out_other - same_other_group_pairs - closed["liaison"],
    }
    for role in ROLES:
        counts[role] = np.where(has_group, counts[role], np.nan)
    return Brokerage(counts)


def _group_counts(
    rows: np.ndarray, columns_of: np.ndarray, groups: np.ndarray, node_count: int, group_count: int
) -> sparse.csr_matrix:
    """Matrix [node, group]: how many of the node's contacts (rows -> columns_of) are in each group."""
    contact_groups = groups[columns_of]
    keep = contact_groups >= 0
    return sparse.csr_matrix(
        (np.ones(int(keep.sum())), (rows[keep], contact_groups[keep])),
        shape=(node_count, max(group_count, 1)),
    )


def _closed_pairs(
    node_count: int,
    low: np.ndarray,
    high: np.ndarray,
    forward: np.ndarray,
    backward: np.ndarray,
    groups: np.ndarray,
    triangles: Triangles,
) -> dict[str, np.ndarray]:
    """Per broker v and role: pairs a->v->b that a->b closes, found on the triangles a, b, v."""
    closed = {role: np.zeros(node_count) for role in ROLES}
    if len(triangles) == 0:
        return closed
    exists = np.empty(2 * len(low), dtype=bool)
    exists[0::2], exists[1::2] = forward, backward
    for (a, b, broker), (ab, a_broker, broker_b, _) in zip(
        triangles.corners(), triangles.orientations(), strict=True
    ):
        is_closed = exists[a_broker] & exists[broker_b] & exists[ab]
        group_a, group_v, group_b = groups[a], groups[broker], groups[b]
        is_closed &= (group_a >= 0) & (group_v >= 0) & (group_b >= 0)
        roles = {
            "coordinator": (group_a == group_v) & (group_b == group_v),
            "itinerant": (group_a == group_b) & (group_a != group_v),
            "representative": (group_a == group_v) & (group_b != group_v),
            "gatekeeper": (group_b == group_v) & (group_a != group_v),
            "liaison": (group_a != group_v) & (group_b != group_v) & (group_a != group_b),
        }
        for role, matches in roles.items():
            selected = is_closed & matches
            closed[role] += np.bincount(broker[selected], minlength=node_count)
    return closed
