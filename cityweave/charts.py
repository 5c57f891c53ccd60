"""Scales shared by the server-drawn SVG charts (plain Python, no Django)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

#: The share of the value range added above and below, so points on a target line stay off the frame.
HEADROOM = 0.08


def time_value_scale(
    start: dt.date,
    end: dt.date,
    values: Iterable[float | Decimal],
    frame: tuple[int, int, int, int],
) -> tuple[Callable[[dt.date], float], Callable[[float | Decimal], float]]:
    """The x of a day and the y of a value in `frame` (left, top, right, bottom, SVG units, y
    counting down): days from `start` to `end` across, `values`' range (with HEADROOM; a
    single value spans one unit) up. Positions are rounded to 0.1."""
    left, top, right, bottom = frame
    days = max((end - start).days, 1)
    numbers = [float(v) for v in values]
    low, high = min(numbers), max(numbers)
    if low == high:
        high = low + 1
    margin = (high - low) * HEADROOM
    low, high = low - margin, high + margin

    def x(day: dt.date) -> float:
        return round(left + (day - start).days / days * (right - left), 1)

    def y(value: float | Decimal) -> float:
        return round(bottom - (float(value) - low) / (high - low) * (bottom - top), 1)

    return x, y


@dataclass(frozen=True)
class ChartPoint:
    """One measurement placed on a chart: its position and what it shows."""

    x: float
    y: float
    recorded_on: dt.date
    value: Decimal


@dataclass(frozen=True, kw_only=True)
class TimeValueChart:
    """A measured value over time against its baseline and target, in SVG user units: the
    points (oldest first), the heights of the baseline and the target, the days the axis runs
    from and to, and the frame (width, height, and the plot's left, right, top and bottom)."""

    points: list[ChartPoint]
    baseline_y: float
    target_y: float
    start: dt.date
    end: dt.date
    width: int = 560
    height: int = 200
    left: int = 64
    right: int = 548
    top: int = 18
    bottom: int = 172

    @classmethod
    def plot_frame(cls) -> tuple[int, int, int, int]:
        """The plot's (left, top, right, bottom) of this kind of chart, for time_value_scale."""
        return cls.left, cls.top, cls.right, cls.bottom

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)
