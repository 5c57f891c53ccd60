"""Scales shared by the server-drawn SVG charts (plain Python, no Django)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
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
