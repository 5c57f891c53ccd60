"""Coordinates for the server-drawn SVG of a benchmark: its recorded values over time against
the straight line from baseline to target (the linear expectation its status is judged by).
The page shows a table with the same numbers beside it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from cityweave.charts import time_value_scale
from cityweave.partnerships.models import Benchmark, BenchmarkProgress

# The chart's frame in SVG user units; the plot leaves room for value labels on the left.
WIDTH, HEIGHT = 560, 190
LEFT, RIGHT, TOP, BOTTOM = 64, 548, 18, 162
#: The room the plot leaves on each side of any size of chart: right of the plot and below it.
RIGHT_MARGIN, BOTTOM_MARGIN = WIDTH - RIGHT, HEIGHT - BOTTOM


@dataclass(frozen=True)
class Point:
    """One measurement placed on the chart."""

    x: float
    y: float
    recorded_on: dt.date
    value: Decimal


@dataclass(frozen=True)
class BenchmarkChart:
    """Where things go on the chart, in SVG user units: the measurements, the expectation line
    from (start, baseline) to (due date, target), the target's height and the due date's x."""

    points: list[Point]
    start_x: float
    due_x: float
    baseline_y: float
    target_y: float
    start: dt.date
    end: dt.date
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = RIGHT
    top: int = TOP
    bottom: int = BOTTOM

    @property
    def polyline(self) -> str:
        return " ".join(f"{p.x},{p.y}" for p in self.points)


def benchmark_chart(
    benchmark: Benchmark,
    entries: list[BenchmarkProgress],
    width: int = WIDTH,
    height: int = HEIGHT,
) -> BenchmarkChart:
    """Place the entries (oldest first) on a time axis from the start date (or the first entry,
    if earlier) to the due date (or the latest entry, if later), in a chart `width` × `height`
    SVG units (the page's 560 × 190 by default; the brief draws a smaller one with the same
    margins, so its labels keep their size)."""
    start = min([benchmark.starts_on, *(e.recorded_on for e in entries)])
    end = max([benchmark.due_on, *(e.recorded_on for e in entries)])
    values = [e.value for e in entries] + [benchmark.baseline, benchmark.target]
    right, bottom = width - RIGHT_MARGIN, height - BOTTOM_MARGIN
    x, y = time_value_scale(start, end, values, (LEFT, TOP, right, bottom))

    return BenchmarkChart(
        points=[Point(x(e.recorded_on), y(e.value), e.recorded_on, e.value) for e in entries],
        start_x=x(benchmark.starts_on),
        due_x=x(benchmark.due_on),
        baseline_y=y(benchmark.baseline),
        target_y=y(benchmark.target),
        start=start,
        end=end,
        width=width,
        height=height,
        right=right,
        bottom=bottom,
    )
