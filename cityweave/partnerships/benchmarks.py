"""Benchmarks: a partnership's measurable milestones (SMART, like goals), their dated progress
and their status, which is computed from the entries and the calendar, never typed.

The status rule (STATUS_RULE, shown on the page), for a benchmark from `baseline` on `starts_on`
to `target` by `due_on`, whose latest entry (by date) is `v` on day `d`, on day `today`:

- **met**: `v` reached the target (≥ target when the target is above the baseline, ≤ target
  when it is below: a target under the baseline is met by going down);
- **missed**: not met, and the due date has passed (`today` > `due_on`);
- **on track**: `v` is at least the linear expectation on the day of the latest entry,
  `baseline + (target − baseline) × elapsed(d)` with `elapsed(d) = (d − starts_on) /
  (due_on − starts_on)` clamped to 0–1 (direction-aware: "at least" means ≤ for a falling
  target);
- **at risk**: otherwise; also with no entry once a quarter of the time has passed
  (`elapsed(today)` ≥ 0.25);
- **not started**: no entry yet and less than a quarter of the time has passed.

The linear expectation is the straight line from baseline to target, as in a burn-up chart;
a quarter of the time without a measurement is the point where silence itself is a warning.

Writes need an editor (PermissionDenied); a benchmark of another workspace or partnership, or
in the trash, answers Http404; bad input raises one ValidationError naming every bad field, with
nothing written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from cityweave.engagement.services import workspace_today
from cityweave.goals.services import save_measurement
from cityweave.partnerships.models import Benchmark, BenchmarkProgress, Partnership
from cityweave.partnerships.services import require_live
from cityweave.workspaces.models import Membership, TrashEntry
from cityweave.workspaces.services import collect_errors, move_to_trash, require_editor

BENCHMARK_FIELDS = ("statement", "metric", "baseline", "target", "unit", "starts_on", "due_on")
#: The share of a benchmark's time after which no measurement at all puts it at risk.
SILENT_SHARE = 0.25

STATUS_RULE = (
    "Met: the latest value reached the target (for a target below the baseline, by going "
    "down). Missed: not met and the due date has passed. On track: the latest value is at least "
    "where a straight line from baseline to target would be on the day it was measured. At "
    "risk: behind that line, or no measurement once a quarter of the time has passed. Not "
    "started: no measurement yet, within the first quarter of the time."
)


class BenchmarkStatus(models.TextChoices):
    """A benchmark's computed status (see the module's docstring)."""

    MET = "met", "Met"
    ON_TRACK = "on-track", "On track"
    AT_RISK = "at-risk", "At risk"
    MISSED = "missed", "Missed"
    NOT_STARTED = "not-started", "Not started"


#: The statuses that count as on track in a partnership's health.
GOING_WELL = frozenset({BenchmarkStatus.MET, BenchmarkStatus.ON_TRACK})


@dataclass(frozen=True)
class BenchmarkState:
    """A benchmark's status on a day, with what it was computed from: `latest` (the latest
    entry or None), `expected` (the linear expectation on the latest entry's day, in the
    benchmark's unit, or None without entries) and `elapsed` (the share of the time passed
    by `today`, 0–1)."""

    status: BenchmarkStatus
    latest: BenchmarkProgress | None
    expected: Decimal | None
    elapsed: float

    @property
    def label(self) -> str:
        return str(self.status.label)

    @property
    def elapsed_percent(self) -> int:
        """The share of the time passed, as a whole percentage (0–100)."""
        return round(self.elapsed * 100)

    @property
    def going_well(self) -> bool:
        return self.status in GOING_WELL


def elapsed_share(benchmark: Benchmark, day: dt.date) -> float:
    """The share of the benchmark's time (starts_on → due_on) passed on `day`, clamped to 0–1."""
    days = (benchmark.due_on - benchmark.starts_on).days
    if days <= 0:
        return 1.0
    return min(max((day - benchmark.starts_on).days / days, 0.0), 1.0)


def expected_value(benchmark: Benchmark, day: dt.date) -> Decimal:
    """The linear expectation on `day`: baseline + (target − baseline) × elapsed share, to the
    cent (the benchmark's unit)."""
    share = Decimal(str(elapsed_share(benchmark, day)))
    value = benchmark.baseline + (benchmark.target - benchmark.baseline) * share
    return value.quantize(Decimal("0.01"))


def _at_least(benchmark: Benchmark, value: Decimal, mark: Decimal) -> bool:
    """Whether `value` is at or beyond `mark` in the benchmark's direction."""
    if benchmark.target >= benchmark.baseline:
        return value >= mark
    return value <= mark


def benchmark_state(
    benchmark: Benchmark, entries: Sequence[BenchmarkProgress], today: dt.date
) -> BenchmarkState:
    """The benchmark's status on `today` from its progress `entries` (any order) by the rule
    in the module's docstring. Pure: reads nothing from the database."""
    latest = max(entries, key=lambda e: (e.recorded_on, e.pk or 0)) if entries else None
    elapsed = elapsed_share(benchmark, today)
    if latest is None:
        expected = None
        if today > benchmark.due_on:
            status = BenchmarkStatus.MISSED
        elif elapsed >= SILENT_SHARE:
            status = BenchmarkStatus.AT_RISK
        else:
            status = BenchmarkStatus.NOT_STARTED
        return BenchmarkState(status, None, expected, elapsed)
    expected = expected_value(benchmark, latest.recorded_on)
    if _at_least(benchmark, latest.value, benchmark.target):
        status = BenchmarkStatus.MET
    elif today > benchmark.due_on:
        status = BenchmarkStatus.MISSED
    elif _at_least(benchmark, latest.value, expected):
        status = BenchmarkStatus.ON_TRACK
    else:
        status = BenchmarkStatus.AT_RISK
    return BenchmarkState(status, latest, expected, elapsed)


# == Reading =====================================================================================


def with_progress(queryset: QuerySet[Benchmark]) -> QuerySet[Benchmark]:
    """`queryset` with each benchmark's progress entries loaded (oldest first) as a list, read
    by `entries_of`: one query more, whatever the number of benchmarks."""
    entries = BenchmarkProgress.objects.order_by("recorded_on", "pk")
    return queryset.prefetch_related(Prefetch("progress", queryset=entries, to_attr="entries"))


def entries_of(benchmark: Benchmark) -> list[BenchmarkProgress]:
    """The benchmark's progress entries, oldest first (loaded by `with_progress`, else read)."""
    loaded = getattr(benchmark, "entries", None)
    if loaded is None:
        return list(benchmark.progress.order_by("recorded_on", "pk"))
    return list(loaded)


def benchmarks(partnership: Partnership) -> QuerySet[Benchmark]:
    """The partnership's live benchmarks, by due date, their progress loaded (two queries)."""
    return with_progress(Benchmark.objects.filter(partnership=partnership))


def states(items: Iterable[Benchmark], today: dt.date) -> list[tuple[Benchmark, BenchmarkState]]:
    """Each benchmark with its state on `today` (entries as `entries_of` reads them)."""
    return [(b, benchmark_state(b, entries_of(b), today)) for b in items]


def get_benchmark(member: Membership, partnership: Partnership, pk: int) -> Benchmark:
    """One live benchmark of the partnership, progress loaded; Http404 otherwise."""
    require_live(member, partnership)
    found = benchmarks(partnership).filter(pk=pk).first()
    if found is None:
        raise Http404("No such benchmark")
    return found


# == Writing =====================================================================================


@transaction.atomic
def save_benchmark(
    member: Membership,
    partnership: Partnership,
    data: dict[str, Any],
    instance: Benchmark | None = None,
) -> Benchmark:
    """Create or update a benchmark from `data` (BENCHMARK_FIELDS: `statement`, `metric`,
    `baseline` and `target` as numbers in `unit`, `starts_on` and `due_on` dates; fields left
    out keep their value, a new one starts today in the workspace unless said). Every bad
    field is reported at once: the target must differ from the baseline, the due date come
    after the start."""
    require_editor(member)
    require_live(member, partnership)
    if instance is not None and (instance.partnership_id != partnership.pk or instance.in_trash):
        raise Http404("No such benchmark")
    benchmark = instance or Benchmark(
        workspace=member.workspace,
        partnership=partnership,
        starts_on=workspace_today(member.workspace),
    )
    for name in BENCHMARK_FIELDS:
        if name in data:
            value = data[name]
            if name == "unit" and value is None:
                value = ""
            if name == "starts_on" and value is None:
                value = workspace_today(member.workspace)
            setattr(benchmark, name, value)
    errors: dict[str, list[str]] = {}
    try:
        benchmark.full_clean()
    except ValidationError as error:
        collect_errors(errors, error)
    if errors:
        raise ValidationError(errors)
    benchmark.save()
    return benchmark


def trash_benchmark(member: Membership, benchmark: Benchmark) -> TrashEntry:
    """Move a benchmark (its progress with it) to the trash; restoring brings it back."""
    return move_to_trash(member, benchmark)


@transaction.atomic
def record_progress(
    member: Membership,
    benchmark: Benchmark,
    value: Decimal | int | float | str,
    recorded_on: dt.date | str | None = None,
    note: str | None = "",
) -> BenchmarkProgress:
    """Record a dated measurement of the benchmark's metric, in its unit (dated today in the
    workspace by default; never in the future, which would hide every real measurement until
    then)."""
    require_editor(member)
    _require_live_benchmark(member, benchmark)
    today = workspace_today(member.workspace)
    entry = BenchmarkProgress(
        benchmark=benchmark,
        value=value,
        recorded_on=today if recorded_on in (None, "") else recorded_on,
        note=note or "",
    )
    save_measurement(entry, today, exclude=["benchmark"])
    return entry


def delete_progress(member: Membership, benchmark: Benchmark, entry_id: int) -> None:
    """Remove one progress entry of the benchmark for good (entries have no trash of their own);
    Http404 when the benchmark has no such entry."""
    require_editor(member)
    _require_live_benchmark(member, benchmark)
    deleted, _ = BenchmarkProgress.objects.filter(benchmark=benchmark, pk=entry_id).delete()
    if not deleted:
        raise Http404("No such progress entry")


def _require_live_benchmark(member: Membership, benchmark: Benchmark) -> None:
    """Http404 unless the benchmark is live and of the member's workspace (a partnership in the
    trash took its benchmarks with it)."""
    if benchmark.workspace_id != member.workspace.pk or benchmark.in_trash:
        raise Http404("No such benchmark")
