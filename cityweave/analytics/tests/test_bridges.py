"""find_gaps' generalisations for a part of a network seen on its own: a given density, some
stakeholders' bridges ranked first, and a pair with no tie as a hole whatever the density."""

from __future__ import annotations

import numpy as np

from cityweave.analytics.bridges import Partition, SkeletonTies, find_gaps


def ties(pairs, n):
    low = np.array([min(a, b) for a, b, _ in pairs], dtype=np.int64)
    high = np.array([max(a, b) for a, b, _ in pairs], dtype=np.int64)
    strengths = np.array([w for _, _, w in pairs], dtype=float)
    return SkeletonTies(n, low, high, strengths)


# Nodes 0, 1 are in part A, 2 in part B; 3 and 4 are in no part. 0–1 within A; 3 (weight 4) and
# 4 (weight 1, 1) are tied to both sides; nobody ties A to B directly.
CODES = np.array([0, 0, 1, -1, -1])
PARTITION = Partition(CODES, ["A", "B"], "groups")
PAIRS = [(0, 1, 2), (3, 0, 4), (3, 2, 4), (4, 1, 1), (4, 2, 1)]
IDS = ["a0", "a1", "b2", "x3", "x4"]


def gaps(**options):
    return find_gaps(PARTITION, ties(PAIRS, 5), IDS, IDS, np.zeros(5), **options)


def test_expected_ties_follow_the_density_given():
    # The network's own density is 5 / 10: A and B (2 × 1) expect 1 tie.
    assert gaps().holes[0]["expected_ties"] == 1.0
    assert gaps(density=0.25).holes[0]["expected_ties"] == 0.5


def test_bridges_marked_first_come_first_whatever_their_strength():
    assert [b["id"] for b in gaps().holes[0]["bridges"]] == ["x3", "x4"]
    first = np.array([False, False, False, False, True])
    assert [b["id"] for b in gaps(first=first).holes[0]["bridges"]] == ["x4", "x3"]


def test_a_pair_without_ties_is_a_hole_even_when_the_density_expects_none():
    assert gaps(density=0.0).holes == []
    found = gaps(density=0.0, unlinked_are_holes=True).holes
    assert [(h["groups"], h["ties"], h["expected_ties"]) for h in found] == [(["A", "B"], 0, 0.0)]
    empty = find_gaps(PARTITION, ties([], 5), IDS, IDS, np.zeros(5), unlinked_are_holes=True)
    assert [(h["groups"], h["bridges"]) for h in empty.holes] == [(["A", "B"], [])]
