"""Benchmarks: each computed status on hand-made data (rising and falling targets), and the
services that write benchmarks and their progress (fields named, no future dates, scoping)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cityweave.engagement.services import workspace_today
from cityweave.partnerships import benchmarks
from cityweave.partnerships.benchmarks import BenchmarkStatus, benchmark_state, expected_value
from cityweave.partnerships.models import Benchmark, BenchmarkProgress
from cityweave.partnerships.testing import make_partnership

START, DUE = dt.date(2026, 1, 1), dt.date(2026, 11, 28)  # 331 days


def bench(baseline: str = "10", target: str = "110") -> Benchmark:
    """A benchmark from `baseline` on 1 Jan to `target` by 28 Nov 2026 (331 days), unsaved."""
    return Benchmark(
        statement="Children walking to school",
        metric="children walking",
        baseline=Decimal(baseline),
        target=Decimal(target),
        starts_on=START,
        due_on=DUE,
    )


def entry(day: dt.date, value: str, pk: int = 1) -> BenchmarkProgress:
    return BenchmarkProgress(pk=pk, recorded_on=day, value=Decimal(value))


def status(b: Benchmark, entries: list[BenchmarkProgress], today: dt.date) -> BenchmarkStatus:
    return benchmark_state(b, entries, today).status


# == The rule, state by state =====================================================================


def test_not_started_without_entries_in_the_first_quarter():
    # 82 of 331 days is 24.8 %: still not started; 83 days is 25.1 %: at risk.
    assert status(bench(), [], START + dt.timedelta(days=82)) == BenchmarkStatus.NOT_STARTED
    assert status(bench(), [], START + dt.timedelta(days=83)) == BenchmarkStatus.AT_RISK


def test_the_linear_expectation_runs_from_baseline_to_target():
    b = bench()  # 10 → 110 over 331 days
    assert expected_value(b, START) == Decimal("10.00")
    assert expected_value(b, START + dt.timedelta(days=100)) == Decimal(
        "40.21"
    )  # 10 + 100 × 100/331
    assert expected_value(b, DUE) == Decimal("110.00")
    assert expected_value(b, DUE + dt.timedelta(days=9)) == Decimal("110.00")  # clamped
    assert expected_value(b, START - dt.timedelta(days=9)) == Decimal("10.00")


def test_on_track_at_or_above_the_line_and_at_risk_below_it():
    day = START + dt.timedelta(days=100)  # expectation 40.21
    today = day + dt.timedelta(days=5)
    assert status(bench(), [entry(day, "40.21")], today) == BenchmarkStatus.ON_TRACK
    assert status(bench(), [entry(day, "40.20")], today) == BenchmarkStatus.AT_RISK
    state = benchmark_state(bench(), [entry(day, "39")], today)
    assert state.expected == Decimal("40.21") and state.latest is not None


def test_the_latest_entry_counts_not_the_best():
    early = entry(START + dt.timedelta(days=50), "60", pk=1)  # well ahead then
    late = entry(START + dt.timedelta(days=200), "40", pk=2)  # expectation 70.42: behind now
    today = START + dt.timedelta(days=210)
    assert status(bench(), [late, early], today) == BenchmarkStatus.AT_RISK


def test_met_once_the_latest_value_reaches_the_target_even_after_the_due_date():
    met = [entry(START + dt.timedelta(days=30), "110")]
    assert status(bench(), met, START + dt.timedelta(days=31)) == BenchmarkStatus.MET
    assert status(bench(), met, DUE + dt.timedelta(days=60)) == BenchmarkStatus.MET


def test_missed_after_the_due_date_when_not_met():
    behind = [entry(DUE, "109")]
    assert status(bench(), behind, DUE) == BenchmarkStatus.AT_RISK
    assert status(bench(), behind, DUE + dt.timedelta(days=1)) == BenchmarkStatus.MISSED
    assert status(bench(), [], DUE + dt.timedelta(days=1)) == BenchmarkStatus.MISSED


def test_a_falling_target_is_met_by_going_down():
    b = bench(baseline="40", target="10")  # cut something from 40 to 10
    day = START + dt.timedelta(days=100)  # expectation 40 − 30 × 100/331 = 30.94
    today = day + dt.timedelta(days=1)
    assert expected_value(b, day) == Decimal("30.94")
    assert status(b, [entry(day, "30")], today) == BenchmarkStatus.ON_TRACK
    assert status(b, [entry(day, "30.94")], today) == BenchmarkStatus.ON_TRACK
    assert status(b, [entry(day, "31")], today) == BenchmarkStatus.AT_RISK
    assert status(b, [entry(day, "10")], today) == BenchmarkStatus.MET
    assert status(b, [entry(day, "9")], today) == BenchmarkStatus.MET
    assert status(b, [entry(DUE, "11")], DUE + dt.timedelta(days=1)) == BenchmarkStatus.MISSED


# == Services =====================================================================================


@pytest.fixture
def partnership(alice_member):
    return make_partnership(alice_member)


def benchmark_data(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "statement": "Double the children walking to school",
        "metric": "children walking",
        "baseline": Decimal(40),
        "target": Decimal(80),
        "unit": "children",
        "starts_on": dt.date(2026, 1, 1),
        "due_on": dt.date(2026, 12, 1),
    }
    data.update(overrides)
    return data


def test_a_benchmark_names_every_bad_field_and_writes_nothing(alice_member, partnership):
    with pytest.raises(ValidationError) as raised:
        benchmarks.save_benchmark(
            alice_member,
            partnership,
            benchmark_data(statement="", target=Decimal(40), due_on=dt.date(2025, 1, 1)),
        )
    assert set(raised.value.message_dict) == {"statement", "target", "due_on"}
    assert not Benchmark.objects.exists()


def test_progress_is_never_dated_in_the_future(alice_member, partnership):
    b = benchmarks.save_benchmark(alice_member, partnership, benchmark_data())
    today = workspace_today(alice_member.workspace)
    with pytest.raises(ValidationError) as raised:
        benchmarks.record_progress(alice_member, b, "50", today + dt.timedelta(days=1))
    assert set(raised.value.message_dict) == {"recorded_on"}
    with pytest.raises(ValidationError) as raised:
        benchmarks.record_progress(alice_member, b, "not a number", today)
    assert set(raised.value.message_dict) == {"value"}
    entry = benchmarks.record_progress(alice_member, b, "50")
    assert entry.recorded_on == today
    benchmarks.delete_progress(alice_member, b, entry.pk)
    with pytest.raises(Http404):
        benchmarks.delete_progress(alice_member, b, entry.pk)


def test_viewers_and_other_workspaces_cannot_write(alice_member, bob_member, partnership, carol):
    b = benchmarks.save_benchmark(alice_member, partnership, benchmark_data())
    with pytest.raises(PermissionDenied):
        benchmarks.save_benchmark(bob_member, partnership, benchmark_data())
    with pytest.raises(PermissionDenied):
        benchmarks.record_progress(bob_member, b, "50")
    carol_member = carol.memberships.get()
    with pytest.raises(Http404):
        benchmarks.get_benchmark(carol_member, partnership, b.pk)
    with pytest.raises(Http404):
        benchmarks.record_progress(carol_member, b, "50")


def test_a_trashed_benchmark_is_gone_with_its_progress(alice_member, partnership):
    b = benchmarks.save_benchmark(alice_member, partnership, benchmark_data())
    benchmarks.record_progress(alice_member, b, "50")
    benchmarks.trash_benchmark(alice_member, b)
    with pytest.raises(Http404):
        benchmarks.get_benchmark(alice_member, partnership, b.pk)
    with pytest.raises(Http404):
        benchmarks.record_progress(alice_member, b, "60")
