"""Structural holes between groups, the stakeholders who could bridge them, and the network's brokers.

For a partition of the stakeholders (sectors, or Leiden communities), each pair of parts (A, B):

- ties: how many ties run between A and B; expected: how many there would be if ties between
  them were as dense as in the whole network (density x |A| x |B|).
- A pair is a structural hole when its ties are fewer than half the expected number.
- Bridges: stakeholders on both sides, that is a member of one side with ties into the other, or
  an outsider with ties into both. Ranked by their tie strength into the weaker side (for a
  member, the other side), then by their total strength into both. Tie strength is the weight
  (trust, when the caller passes trust as weight).
- A sole bridge: the one stakeholder through whom every tie between A and B passes, either as the
  only outsider tied to both when no tie runs between them directly, or as the only member of
  one side with ties to the other when no outsider links them. Its sentence says which, and
  never calls one of several ties "the only tie".

Two generalisations serve a part of the network seen on its own (a partnership's partners, with
the stakeholders around them as possible bridges): `density` sets the density the expected ties
are measured against (by default the density of every tie given), `first` ranks some stakeholders'
bridges ahead of the rest (the partners before outsiders), and `unlinked_are_holes` makes a pair
with no tie between it a hole even when that density expects none (a part with no ties at all).

Only the 20 largest parts are paired (communities need at least 3 members), so the work stays
bounded when a partition has many small parts.

Brokers: the sole bridges first (most pairs bridged, then betweenness), then the stakeholders
with the highest betweenness, up to ten, each with one plain-language sentence.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import sparse

MAX_PARTS = 20
HOLE_SHARE = 0.5
BRIDGES_PER_HOLE = 5
HOLES_LISTED = 20
BROKERS_LISTED = 10


@dataclass(frozen=True)
class Partition:
    """Stakeholders split into named parts; `codes` is a part index per node, -1 for none."""

    codes: np.ndarray
    names: list[str]
    noun: str
    is_community: bool = False
    min_size: int = 1
    display: Mapping[str, str] = field(default_factory=dict)

    def shown(self, name: str) -> str:
        """The name as a sentence shows it: its display label when one was given."""
        return self.display.get(name, name)

    def describe_pair(self, first: str, second: str) -> str:
        if self.is_community:
            return f"the {self.noun} {self.shown(first)} and {self.shown(second)}"
        return f"the {self.shown(first)} and {self.shown(second)} {self.noun}"


@dataclass(frozen=True)
class SkeletonTies:
    """The undirected ties the gap analysis walks: edges (low, high) and their strengths."""

    node_count: int
    low: np.ndarray
    high: np.ndarray
    strengths: np.ndarray


@dataclass
class SoleBridge:
    """A pair of parts that every tie between passes through one stakeholder (and maybe a partner)."""

    pair: str
    combined_size: int
    partner: int | None = None
    report_rank: int = 0
    #: Ties running directly between the two parts: 0 when the bridge is an outsider tied to
    #: both, 1 for a partner's tie, else all of them end at the bridge.
    ties: int = 0


@dataclass
class GapReport:
    holes: list[dict[str, Any]] = field(default_factory=list)
    sole_bridges: dict[int, list[SoleBridge]] = field(default_factory=dict)
    reach: np.ndarray | None = None
    selected_names: list[str] = field(default_factory=list)


def find_gaps(
    partition: Partition,
    ties: SkeletonTies,
    ids: Sequence[Hashable],
    labels: Sequence[str],
    betweenness: np.ndarray,
    *,
    density: float | None = None,
    first: np.ndarray | None = None,
    unlinked_are_holes: bool = False,
) -> GapReport:
    """Holes between the parts of `partition`, their bridges, and who solely bridges which pair.

    `density` (0 to 1): what the expected ties are measured against, by default the density of
    `ties` over all `ties.node_count` stakeholders; `first`: a bool per stakeholder, whose
    bridges are listed before the others' (each group ranked as the module docstring says);
    `unlinked_are_holes`: a pair of parts with no tie between them is a hole whatever its
    expected ties (see the module docstring)."""
    n = ties.node_count
    report = GapReport()
    sizes = np.bincount(partition.codes[partition.codes >= 0], minlength=len(partition.names))
    eligible = [
        part for part in np.argsort(-sizes, kind="stable") if sizes[part] >= partition.min_size
    ]
    selected = eligible[:MAX_PARTS]
    if n == 0 or (len(ties.low) == 0 and not unlinked_are_holes) or len(selected) < 2:
        return report
    column = np.full(len(partition.names) + 1, -1, dtype=np.int64)
    column[selected] = np.arange(len(selected))
    member = column[partition.codes]  # -1 (the extra slot) for no part or an unselected one
    report.selected_names = [partition.names[part] for part in selected]

    ends_from = np.concatenate((ties.low, ties.high))
    ends_to = np.concatenate((ties.high, ties.low))
    end_strength = np.concatenate((ties.strengths, ties.strengths))
    into = member[ends_to] >= 0
    shape = (n, len(selected))
    coordinates = (ends_from[into], member[ends_to][into])
    ties_to = sparse.csr_matrix((np.ones(int(into.sum())), coordinates), shape=shape).toarray()
    strength_to = sparse.csr_matrix((end_strength[into], coordinates), shape=shape).toarray()
    is_member = member[:, None] == np.arange(len(selected))[None, :]
    reach = (ties_to > 0) | is_member
    report.reach = reach

    member_counts = is_member.sum(axis=0)
    touches = ties_to > 0
    as_float = is_member.astype(float)
    between = as_float.T @ ties_to  # [i, j]: ties from members of i into j
    ends = as_float.T @ touches  # [i, j]: members of i with ties into j
    outside = (touches & ~is_member).astype(float)
    outsiders_of = outside.T @ outside  # [i, j]: non-members of i and j tied into both
    if density is None:
        density = len(ties.low) / (n * (n - 1) / 2) if n > 1 else 0.0
    expected = density * np.outer(member_counts, member_counts)
    # Only pairs that are holes or may have a sole bridge need a look at individual stakeholders.
    is_hole = between < HOLE_SHARE * expected
    if unlinked_are_holes:
        is_hole |= between == 0
    may_be_sole = ((between == 0) & (outsiders_of == 1)) | (
        (between > 0) & (outsiders_of == 0) & ((ends == 1) | (ends.T == 1))
    )
    holes: list[dict[str, Any]] = []
    for i, j in zip(*np.nonzero(np.triu(is_hole | may_be_sole, k=1)), strict=True):
        cross = int(round(between[i, j]))
        size_i, size_j = int(member_counts[i]), int(member_counts[j])
        on_both = np.flatnonzero(reach[:, i] & reach[:, j])
        if may_be_sole[i, j]:
            sole = _sole_bridge(cross, on_both, member, touches, i, j, betweenness)
            if sole is not None:
                node, partner = sole
                pair = partition.describe_pair(report.selected_names[i], report.selected_names[j])
                report.sole_bridges.setdefault(node, []).append(
                    SoleBridge(pair, size_i + size_j, partner, ties=cross)
                )
        if not is_hole[i, j]:
            continue
        # A member's tie to its own side is its membership, so only its ties to the other count.
        side_i = np.where(member[on_both] == i, np.inf, strength_to[on_both, i])
        side_j = np.where(member[on_both] == j, np.inf, strength_to[on_both, j])
        total = strength_to[on_both, i] + strength_to[on_both, j]
        keys = [total, np.minimum(side_i, side_j)]
        if first is not None:
            keys.append(first[on_both])
        ranked = on_both[np.lexsort(keys)[::-1]]
        holes.append(
            {
                "groups": [report.selected_names[i], report.selected_names[j]],
                "sizes": [size_i, size_j],
                "ties": cross,
                "expected_ties": round(float(expected[i, j]), 2),
                "bridges": [
                    _bridge(int(node), i, j, ties_to, strength_to, member, report, ids, labels)
                    for node in ranked[:BRIDGES_PER_HOLE]
                ],
            }
        )
    holes.sort(
        key=lambda hole: (hole["ties"] / max(hole["expected_ties"], 1e-12), -hole["expected_ties"])
    )
    report.holes = holes[:HOLES_LISTED]
    return report


def _sole_bridge(
    cross: int,
    on_both: np.ndarray,
    member: np.ndarray,
    touches: np.ndarray,
    i: int,
    j: int,
    betweenness: np.ndarray,
) -> tuple[int, int | None] | None:
    """(stakeholder, partner or None) through whom every tie between two parts passes, if any."""
    sides = member[on_both]
    outsiders = on_both[(sides != i) & (sides != j)]
    ends_i = on_both[(sides == i) & touches[on_both, j]]
    ends_j = on_both[(sides == j) & touches[on_both, i]]
    if cross == 0:
        return (int(outsiders[0]), None) if len(outsiders) == 1 else None
    if len(outsiders):
        return None
    if len(ends_i) == 1 and len(ends_j) == 1:
        # One tie: credit the end with the higher betweenness, name the other as its partner.
        first, second = int(ends_i[0]), int(ends_j[0])
        if betweenness[second] > betweenness[first]:
            first, second = second, first
        return first, second
    if len(ends_i) == 1:
        return int(ends_i[0]), None
    if len(ends_j) == 1:
        return int(ends_j[0]), None
    return None


def _bridge(
    node: int,
    i: int,
    j: int,
    ties_to: np.ndarray,
    strength_to: np.ndarray,
    member: np.ndarray,
    report: GapReport,
    ids: Sequence[Hashable],
    labels: Sequence[str],
) -> dict[str, Any]:
    return {
        "id": ids[node],
        "label": labels[node],
        "member_of": report.selected_names[member[node]] if member[node] in (i, j) else None,
        "ties": [int(ties_to[node, i]), int(ties_to[node, j])],
        "strength": [float(strength_to[node, i]), float(strength_to[node, j])],
    }


def brokers(
    reports: list[tuple[Partition, GapReport]],
    ids: Sequence[Hashable],
    labels: Sequence[str],
    betweenness_normalized: np.ndarray | None,
) -> list[dict[str, Any]]:
    """The network's brokers, each with one sentence; sectors' reports come before communities'."""
    betweenness = (
        betweenness_normalized if betweenness_normalized is not None else np.zeros(len(ids))
    )
    sole: dict[int, list[SoleBridge]] = {}
    for rank, (_, report) in enumerate(reports):
        for node, bridges in report.sole_bridges.items():
            for bridge in bridges:
                bridge.report_rank = rank
            sole.setdefault(node, []).extend(bridges)
    ranked_sole = sorted(sole, key=lambda node: (-len(sole[node]), -betweenness[node], node))
    chosen = ranked_sole[:BROKERS_LISTED]
    for node in np.argsort(-betweenness, kind="stable").tolist():
        if len(chosen) >= BROKERS_LISTED or betweenness[node] <= 0:
            break
        if node not in sole:
            chosen.append(node)

    listed = []
    for node in chosen:
        if node in sole:
            # A pair of sectors says more than a pair of communities; then the biggest pair.
            best = min(sole[node], key=lambda bridge: (bridge.report_rank, -bridge.combined_size))
            sentence = _sole_sentence(labels, node, best)
        else:
            sentence = _betweenness_sentence(node, labels, betweenness, reports)
        listed.append(
            {
                "id": ids[node],
                "label": labels[node],
                "betweenness_normalized": float(betweenness[node]),
                "sole_bridge_of": [bridge.pair for bridge in sole.get(node, [])],
                "sentence": sentence,
            }
        )
    return listed


def _sole_sentence(labels: Sequence[str], node: int, bridge: SoleBridge) -> str:
    """What a sole bridge does for its pair, claiming no more than is true: the only tie when
    there is one, every tie when it holds several, the only go-between when none runs directly."""
    name = labels[node]
    if bridge.partner is not None:
        return f"{name} and {labels[bridge.partner]} hold the only tie between {bridge.pair}."
    if bridge.ties == 0:
        return (
            f"{name} is the only stakeholder tied to both {bridge.pair}, "
            "and no tie runs between them directly."
        )
    return f"{name} holds all {bridge.ties} ties between {bridge.pair}."


def _betweenness_sentence(
    node: int,
    labels: Sequence[str],
    betweenness: np.ndarray,
    reports: list[tuple[Partition, GapReport]],
) -> str:
    share = 100 * betweenness[node]
    percent = f"{share:.0f}%" if share >= 10 else f"{share:.1f}%"
    sentence = (
        f"{labels[node]} sits on {percent} of the shortest paths between other stakeholders "
        "(averaged over pairs)"
    )
    for partition, report in reports:
        if report.reach is None:
            continue
        reached = [
            partition.shown(name)
            for name, hit in zip(report.selected_names, report.reach[node], strict=True)
            if hit
        ]
        if len(reached) >= 2:
            shown = ", ".join(reached[:4]) + (
                f" and {len(reached) - 4} more" if len(reached) > 4 else ""
            )
            sentence += f" and reaches {len(reached)} {partition.noun}: {shown}"
            break
    return sentence + "."
