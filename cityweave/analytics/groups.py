"""Groups of stakeholders (sector by default): diversity, the E-I index, ties within and between.

- Blau index: 1 - sum of p_k^2, p_k the share of stakeholders in group k. Stakeholders without a
  group value are left out of the shares.
- Groups present, and missing against an expected list (the workspace's sectors).
- E-I index (Krackhardt and Stern): (external - internal) / (external + internal) over ties whose
  ends both have a group; -1 all ties inside groups, +1 all between. Directed ties count as arcs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

MISSING = -1


@dataclass(frozen=True)
class GroupCodes:
    """A group number per node (MISSING for none) and the group names, most members first."""

    codes: np.ndarray
    names: list[str]

    def sizes(self) -> np.ndarray:
        grouped = self.codes[self.codes != MISSING]
        return np.bincount(grouped, minlength=len(self.names))


@dataclass(frozen=True)
class Diversity:
    blau_index: float | None
    shares: dict[str, float]
    present: int
    missing: list[str]


@dataclass(frozen=True)
class Mixing:
    ei_index: float | None
    ties_within: int
    ties_between: int


def group_value(attributes: dict[str, Any], attribute: str) -> str | None:
    """A node's group as text: the attribute, matched exactly and then ignoring case; blank is none."""
    value = attributes.get(attribute)
    if value is None:
        lowered = attribute.lower()
        value = next((v for key, v in attributes.items() if key.lower() == lowered), None)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def group_codes(values: Sequence[str | None]) -> GroupCodes:
    counts = Counter(value for value in values if value is not None)
    names = sorted(counts, key=lambda name: (-counts[name], name))
    number: dict[Hashable, int] = {name: position for position, name in enumerate(names)}
    codes = np.array([number.get(value, MISSING) for value in values], dtype=np.int64)
    return GroupCodes(codes, names)


def diversity(groups: GroupCodes, expected: Iterable[str] | None = None) -> Diversity:
    sizes = groups.sizes()
    total = int(sizes.sum())
    if total == 0:
        shares: dict[str, float] = {}
        blau = None
    else:
        proportions = sizes / total
        shares = {name: float(p) for name, p in zip(groups.names, proportions, strict=True)}
        blau = float(1.0 - (proportions**2).sum())
    present = set(groups.names)
    missing = [name for name in dict.fromkeys(expected or ()) if name not in present]
    return Diversity(blau, shares, len(present), missing)


def mixing(groups: GroupCodes, sources: np.ndarray, targets: np.ndarray) -> Mixing:
    source_groups, target_groups = groups.codes[sources], groups.codes[targets]
    grouped = (source_groups != MISSING) & (target_groups != MISSING)
    internal = int((grouped & (source_groups == target_groups)).sum())
    external = int(grouped.sum()) - internal
    total = internal + external
    ei = (external - internal) / total if total else None
    return Mixing(ei, internal, external)
