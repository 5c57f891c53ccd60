"""The input model: stakeholders and ties cleaned into a simple igraph Graph and its undirected skeleton.

Cleaning rules, applied in this order and counted in the result:

- A tie's weight is its strength. `None` means 1. A weight that is not a number, is NaN or
  infinite, or is negative is an error naming the tie.
- Self-loops (a stakeholder tied to itself) are dropped.
- Ties of weight 0 are dropped when weights are used: a tie with no strength carries nothing, and
  its distance 1/0 would be infinite. When weights are ignored (`weight=False`) every tie counts
  as weight 1, so a zero-weight tie is an ordinary tie. Burt's measures are the exception: igraph
  and networkx count a zero-weight tie as a contact, so the contact skeleton (`contact_*`) keeps
  them (see `structural_holes`).
- Duplicate ties are merged and their weights summed (unweighted, the merged tie has weight 1).
  Undirected, a-b and b-a are the same tie; directed, a->b and b->a are two arcs and both kept.

Ties may name stakeholders that are not in the node list; those are added, after the listed ones,
in order of first appearance.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import igraph as ig
import numpy as np

LABEL_ATTRIBUTES = ("label", "name")


@dataclass(frozen=True)
class Network:
    """A cleaned network: node ids and attributes, the simple graph, and its undirected skeleton.

    The contact skeleton is the undirected skeleton with zero-weight ties kept (mutual weight 0);
    without zero-weight ties it is the skeleton itself.
    """

    ids: list[Hashable]
    labels: list[str]
    attributes: list[dict[str, Any]]
    directed: bool
    weighted: bool
    graph: ig.Graph
    weights: np.ndarray
    skeleton: ig.Graph
    skeleton_low: np.ndarray
    skeleton_high: np.ndarray
    skeleton_weights: np.ndarray
    skeleton_forward: np.ndarray
    skeleton_backward: np.ndarray
    contact_skeleton: ig.Graph
    contact_low: np.ndarray
    contact_high: np.ndarray
    contact_weights: np.ndarray
    self_loops_dropped: int
    duplicate_ties_merged: int
    zero_weight_ties_dropped: int

    @property
    def node_count(self) -> int:
        return len(self.ids)

    @property
    def tie_count(self) -> int:
        return int(self.graph.ecount())


def build_network(
    nodes: Iterable[Any] | None,
    ties: Iterable[Any],
    *,
    directed: bool = False,
    weight: bool = True,
    node_attributes: Iterable[str] = (),
) -> Network:
    """Clean `nodes` and `ties` into a Network; raise ValueError naming the bad node or tie."""
    ids, attributes, index = _read_nodes(nodes or (), tuple(node_attributes))
    sources, targets, raw_weights = _read_ties(ties, ids, attributes, index)
    node_count = len(ids)
    weights = _checked_weights(raw_weights) if weight else np.ones(len(sources))

    loops = sources == targets
    keep = ~loops
    zero_weights = keep & (weights == 0) if weight else np.zeros(len(sources), dtype=bool)
    keep &= ~zero_weights
    all_pairs = (sources[~loops], targets[~loops], weights[~loops])
    sources, targets, weights = sources[keep], targets[keep], weights[keep]

    if not directed:
        sources, targets = np.minimum(sources, targets), np.maximum(sources, targets)
    edges, merged_weights = _merge(sources, targets, weights, node_count)
    if not weight:
        # Unweighted, a repeated tie is still one tie of weight 1.
        merged_weights = np.ones(len(merged_weights))
    graph = ig.Graph(n=node_count, edges=_edge_pairs(edges), directed=directed)

    if directed:
        skeleton_edges, skeleton_weights, forward, backward = _skeleton(
            edges, merged_weights, node_count
        )
        skeleton = ig.Graph(n=node_count, edges=_edge_pairs(skeleton_edges), directed=False)
    else:
        skeleton, skeleton_edges, skeleton_weights = graph, edges, merged_weights
        forward = backward = np.ones(len(merged_weights), dtype=bool)
    if zero_weights.any():
        # Burt's measures count zero-weight ties as contacts, so they get their own skeleton.
        pair_sources, pair_targets, pair_weights = all_pairs
        contact_edges, contact_weights = _merge(
            np.minimum(pair_sources, pair_targets),
            np.maximum(pair_sources, pair_targets),
            pair_weights,
            node_count,
        )
        contact_skeleton = ig.Graph(n=node_count, edges=_edge_pairs(contact_edges), directed=False)
    else:
        contact_skeleton, contact_edges = skeleton, skeleton_edges
        contact_weights = skeleton_weights

    return Network(
        ids=ids,
        labels=[_label(node_id, attrs) for node_id, attrs in zip(ids, attributes, strict=True)],
        attributes=attributes,
        directed=directed,
        weighted=weight,
        graph=graph,
        weights=merged_weights,
        skeleton=skeleton,
        skeleton_low=skeleton_edges[:, 0],
        skeleton_high=skeleton_edges[:, 1],
        skeleton_weights=skeleton_weights,
        skeleton_forward=forward,
        skeleton_backward=backward,
        contact_skeleton=contact_skeleton,
        contact_low=contact_edges[:, 0],
        contact_high=contact_edges[:, 1],
        contact_weights=contact_weights,
        self_loops_dropped=int(loops.sum()),
        duplicate_ties_merged=int(len(sources) - len(merged_weights)),
        zero_weight_ties_dropped=int(zero_weights.sum()),
    )


def _read_nodes(
    nodes: Iterable[Any], wanted: tuple[str, ...]
) -> tuple[list[Hashable], list[dict[str, Any]], dict[Hashable, int]]:
    ids: list[Hashable] = []
    attributes: list[dict[str, Any]] = []
    index: dict[Hashable, int] = {}
    for position, node in enumerate(nodes, start=1):
        if isinstance(node, dict | Mapping):
            if "id" not in node:
                raise ValueError(f"node {position} has no id")
            node_id = node["id"]
            attrs = {key: value for key, value in node.items() if key != "id"}
        else:
            if not hasattr(node, "id"):
                raise ValueError(f"node {position} has no id")
            node_id = node.id
            # Objects (model instances) expose many attributes; read only those the analysis uses.
            attrs = {
                name: getattr(node, name)
                for name in (*LABEL_ATTRIBUTES, *wanted)
                if hasattr(node, name)
            }
        if node_id is None or node_id == "":
            raise ValueError(f"node {position} has an empty id")
        try:
            known = node_id in index
        except TypeError:
            raise ValueError(
                f"node {position} has an id that cannot be a key: {node_id!r}"
            ) from None
        if known:
            raise ValueError(f"node {position}: id {node_id!r} appears more than once")
        index[node_id] = len(ids)
        ids.append(node_id)
        attributes.append(attrs)
    return ids, attributes, index


def _read_ties(
    ties: Iterable[Any],
    ids: list[Hashable],
    attributes: list[dict[str, Any]],
    index: dict[Hashable, int],
) -> tuple[np.ndarray, np.ndarray, list[Any]]:
    sources: list[int] = []
    targets: list[int] = []
    weights: list[Any] = []
    lookup = index.get
    for position, tie in enumerate(ties, start=1):
        try:
            if len(tie) == 2:
                source, target = tie
                tie_weight = None
            else:
                source, target, tie_weight = tie
        except (TypeError, ValueError):
            raise ValueError(
                f"tie {position} is not (source, target) or (source, target, weight)"
            ) from None
        try:
            source_index = lookup(source)
            if source_index is None:
                source_index = _add_implicit_node(
                    source, position, "source", ids, attributes, index
                )
            target_index = lookup(target)
            if target_index is None:
                target_index = _add_implicit_node(
                    target, position, "target", ids, attributes, index
                )
        except TypeError:
            raise ValueError(f"tie {position} has an end that cannot be a key: {tie!r}") from None
        sources.append(source_index)
        targets.append(target_index)
        weights.append(tie_weight)
    return np.array(sources, dtype=np.int64), np.array(targets, dtype=np.int64), weights


def _add_implicit_node(
    node_id: Any,
    position: int,
    end: str,
    ids: list[Hashable],
    attributes: list[dict[str, Any]],
    index: dict[Hashable, int],
) -> int:
    """Add a stakeholder that only a tie names; blank ids are an error."""
    if node_id is None or node_id == "":
        raise ValueError(f"tie {position} has an empty {end}")
    index[node_id] = len(ids)
    ids.append(node_id)
    attributes.append({})
    return index[node_id]


def _checked_weights(raw: list[Any]) -> np.ndarray:
    kinds = set(map(type, raw))
    if kinds <= {int, float, type(None)}:
        # The common case, checked at numpy speed: plain numbers and None.
        values = np.array([1.0 if value is None else value for value in raw], dtype=float)
    else:
        values = np.ones(len(raw))
        for position, value in enumerate(raw):
            if value is None:
                continue
            if isinstance(value, bool | np.bool_) or not _is_numeric(value):
                raise ValueError(f"tie {position + 1} has a weight that is not a number: {value!r}")
            values[position] = float(value)
    not_finite = np.flatnonzero(~np.isfinite(values))
    if len(not_finite):
        position = int(not_finite[0])
        raise ValueError(f"tie {position + 1} has a weight that is not finite: {raw[position]!r}")
    negative = np.flatnonzero(values < 0)
    if len(negative):
        position = int(negative[0])
        raise ValueError(f"tie {position + 1} has a negative weight: {raw[position]!r}")
    return values


def _is_numeric(value: Any) -> bool:
    """Numbers from numpy or decimal; strings are not numbers here, so '3' is rejected."""
    if isinstance(value, str | bytes):
        return False
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _merge(
    sources: np.ndarray, targets: np.ndarray, weights: np.ndarray, node_count: int
) -> tuple[np.ndarray, np.ndarray]:
    if len(sources) == 0:
        return np.empty((0, 2), dtype=np.int64), np.empty(0)
    keys = sources * node_count + targets
    unique_keys, inverse = np.unique(keys, return_inverse=True)
    merged = np.bincount(inverse, weights=weights, minlength=len(unique_keys))
    edges = np.column_stack((unique_keys // node_count, unique_keys % node_count))
    return edges, merged


def _skeleton(
    arcs: np.ndarray, weights: np.ndarray, node_count: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Collapse arcs into undirected edges: mutual weight = both directions summed, plus which exist."""
    low = np.minimum(arcs[:, 0], arcs[:, 1])
    high = np.maximum(arcs[:, 0], arcs[:, 1])
    edges, mutual = _merge(low, high, weights, node_count)
    if len(edges) == 0:
        empty = np.zeros(0, dtype=bool)
        return edges, mutual, empty, empty
    keys = edges[:, 0] * node_count + edges[:, 1]
    slot = np.searchsorted(keys, low * node_count + high)
    is_forward = arcs[:, 0] < arcs[:, 1]
    forward = np.zeros(len(edges), dtype=bool)
    backward = np.zeros(len(edges), dtype=bool)
    forward[slot[is_forward]] = True
    backward[slot[~is_forward]] = True
    return edges, mutual, forward, backward


def _edge_pairs(edges: np.ndarray) -> list[tuple[int, int]]:
    return list(zip(edges[:, 0].tolist(), edges[:, 1].tolist(), strict=True))


def _label(node_id: Hashable, attributes: dict[str, Any]) -> str:
    for name in LABEL_ATTRIBUTES:
        value = attributes.get(name)
        if value is not None and str(value).strip():
            return str(value).strip()
    return str(node_id)
