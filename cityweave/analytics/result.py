"""The result of an analysis, and its JSON-safe form: NaN and infinity become None, numpy becomes Python."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class AnalysisResult:
    """Network-level measures, one record per stakeholder, structural holes and brokers."""

    network: dict[str, Any]
    nodes: list[dict[str, Any]]
    structural_holes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    brokers: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Everything as plain, JSON-safe Python (no NaN, no numpy types)."""
        return {
            "network": json_safe(self.network),
            "nodes": self._json_nodes(),
            "structural_holes": json_safe(self.structural_holes),
            "brokers": json_safe(self.brokers),
        }

    def _json_nodes(self) -> list[dict[str, Any]]:
        # Node records are built JSON-safe; only ids of other types (UUIDs, say) need converting.
        if all(type(record["id"]) in (str, int) for record in self.nodes):
            return self.nodes
        return [{**record, "id": json_safe(record["id"])} for record in self.nodes]

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False, ensure_ascii=False)

    def node(self, node_id: Any) -> dict[str, Any]:
        """The record of one stakeholder by id (KeyError when absent)."""
        for record in self.nodes:
            if record["id"] == node_id:
                return record
        raise KeyError(node_id)


def json_safe(value: Any) -> Any:
    """A copy of `value` that json.dumps(allow_nan=False) accepts."""
    if isinstance(value, float | np.floating):
        number = float(value)
        return number if math.isfinite(number) else None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, Mapping):
        return {_key(key): json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [json_safe(item) for item in value]
    if value is None or isinstance(value, str):
        return value
    return str(value)


def column(values: np.ndarray | None) -> list[Any]:
    """A numpy column as Python values, NaN and infinity as None (fast path for per-node lists)."""
    if values is None:
        return []
    if values.dtype.kind in "iub":
        return values.tolist()
    return [item if math.isfinite(item) else None for item in values.tolist()]


def count_column(values: np.ndarray) -> list[int | None]:
    """Whole-number counts held as floats (NaN for "not defined") as ints and None."""
    return [int(item) if math.isfinite(item) else None for item in values.tolist()]


def _key(key: Any) -> str:
    return key if isinstance(key, str) else str(json_safe(key))
