"""Coordinates for the server-drawn SVG of a benchmark: its recorded values over time against
the straight line from baseline to target (the linear expectation its status is judged by).
The page shows a table with the same numbers beside it."""

from __future__ import annotations

from dataclasses import dataclass

from cityweave.charts import ChartPoint, TimeValueChart, time_value_scale
from cityweave.partnerships.models import Benchmark, BenchmarkProgress


@dataclass(frozen=True, kw_only=True)
class BenchmarkChart(TimeValueChart):
    """A benchmark's chart (cityweave.charts.TimeValueChart), with the x of its start and due
    dates: the expectation line runs from (start, baseline) to (due date, target)."""

    start_x: float
    due_x: float
    height: int = 190
    bottom: int = 162


def benchmark_chart(
    benchmark: Benchmark,
    entries: list[BenchmarkProgress],
    width: int = 560,
    height: int = 190,
) -> BenchmarkChart:
    """Place the entries (oldest first) on a time axis from the start date (or the first entry,
    if earlier) to the due date (or the latest entry, if later), in a chart `width` × `height`
    SVG units (the page's 560 × 190 by default; the brief draws a smaller one with the same
    margins, so its labels keep their size)."""
    start = min([benchmark.starts_on, *(e.recorded_on for e in entries)])
    end = max([benchmark.due_on, *(e.recorded_on for e in entries)])
    values = [e.value for e in entries] + [benchmark.baseline, benchmark.target]
    # Any size keeps the page's margins, so the labels keep their size.
    right = width - (BenchmarkChart.width - BenchmarkChart.right)
    bottom = height - (BenchmarkChart.height - BenchmarkChart.bottom)
    x, y = time_value_scale(
        start, end, values, (BenchmarkChart.left, BenchmarkChart.top, right, bottom)
    )

    return BenchmarkChart(
        points=[ChartPoint(x(e.recorded_on), y(e.value), e.recorded_on, e.value) for e in entries],
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
