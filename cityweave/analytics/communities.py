"""Names for Leiden communities that a person can use: "Philanthropy (Riverton Community Foundation)".

A community's name is its dominant group (the sector most of its members are in; a tie goes to
the sector of its central member, then to the first label in alphabetical order) and, in
brackets, its most central member: the one with the most ties inside the community, then the
most ties in all, then the first by label, then by position. Without a group attribute the name
is "Around <central member>". Two communities that would share a name are told apart by their
number ("Business (Chamber of Commerce) 2" for the second by number).

Everything a name is made of belongs to the community itself, so a community whose members and
ties are unchanged keeps its name when the rest of the network changes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import numpy as np


def community_names(
    membership: np.ndarray,
    count: int,
    labels: Sequence[str],
    low: np.ndarray,
    high: np.ndarray,
    groups: Sequence[str | None] | None = None,
    group_labels: Mapping[str, str] | None = None,
) -> list[str]:
    """One name per community, community k (1..count) at position k - 1.

    `membership`: each node's community (1..count); `labels`: each node's display name; `low`,
    `high`: the ends of each undirected tie (node positions); `groups`: each node's group value
    (None for none); `group_labels`: a group value's display name (the value itself otherwise).
    """
    n = len(membership)
    if count == 0 or n == 0:
        return []
    same = membership[low] == membership[high]
    inside = np.bincount(np.concatenate((low[same], high[same])), minlength=n)
    degree = np.bincount(np.concatenate((low, high)), minlength=n)
    shown = dict(group_labels or {})
    names: list[str] = []
    for number in range(1, count + 1):
        members = np.flatnonzero(membership == number).tolist()
        central = min(members, key=lambda v: (-inside[v], -degree[v], labels[v], v))
        if groups is None:
            names.append(f"Around {labels[central]}")
            continue
        found: Counter[str] = Counter(g for g in (groups[v] for v in members) if g is not None)
        if not found:
            names.append(f"Around {labels[central]}")
            continue
        most = max(found.values())
        leading = [g for g, c in found.items() if c == most]
        own = groups[central]
        group = own if own in leading else min(leading, key=lambda g: shown.get(g, g))
        names.append(f"{shown.get(group, group)} ({labels[central]})")
    seen: Counter[str] = Counter()
    unique = []
    for name in names:
        seen[name] += 1
        unique.append(name if seen[name] == 1 else f"{name} {seen[name]}")
    return unique
