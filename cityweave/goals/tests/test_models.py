"""Goal progress: current value, the fraction from baseline to target, and its database twin."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from cityweave.goals import services
from cityweave.goals.models import Goal, GoalProgress
from cityweave.testing import make_goal, make_member, make_workspace

pytestmark = pytest.mark.django_db

JAN_1 = dt.date(2025, 1, 1)


def record(goal: Goal, value: int | str, on: dt.date = JAN_1) -> GoalProgress:
    return GoalProgress.objects.create(goal=goal, value=Decimal(value), recorded_on=on)


def test_a_goal_without_entries_stands_at_its_baseline(riverton):
    goal = make_goal(riverton, baseline=Decimal(2), target=Decimal(10))
    assert goal.current_value == Decimal(2)
    assert goal.progress_fraction == 0.0
    assert goal.progress_percent == 0


def test_progress_is_the_share_of_the_way_from_baseline_to_target(riverton):
    goal = make_goal(riverton, baseline=Decimal(2), target=Decimal(10))
    record(goal, 6)
    assert goal.current_value == Decimal(6)
    assert goal.progress_fraction == pytest.approx(0.5)
    assert goal.progress_percent == 50


def test_a_decreasing_target_counts_progress_downwards(riverton):
    # "Cut the response time to partner requests from 10 to 4 days."
    goal = make_goal(riverton, baseline=Decimal(10), target=Decimal(4), unit="days")
    record(goal, 7)
    assert goal.progress_fraction == pytest.approx(0.5)
    record(goal, 4, JAN_1 + dt.timedelta(days=30))
    assert Goal.objects.get(pk=goal.pk).progress_fraction == 1.0


def test_progress_is_clamped_beyond_the_target(riverton):
    goal = make_goal(riverton, baseline=Decimal(2), target=Decimal(10))
    record(goal, 14)
    assert goal.progress_fraction == 1.0
    assert goal.progress_percent == 100


def test_progress_is_clamped_when_the_metric_moves_the_wrong_way(riverton):
    goal = make_goal(riverton, baseline=Decimal(10), target=Decimal(4))
    record(goal, 12)
    assert goal.current_value == Decimal(12)
    assert goal.progress_fraction == 0.0


def test_the_latest_entry_by_date_wins_not_the_latest_recorded(riverton):
    goal = make_goal(riverton, baseline=Decimal(0), target=Decimal(10))
    record(goal, 8, dt.date(2025, 3, 1))
    record(goal, 3, dt.date(2025, 2, 1))  # back-filled later, but measured earlier
    assert goal.current_value == Decimal(8)
    assert goal.progress_percent == 80


def test_of_two_entries_on_the_same_day_the_later_one_wins(riverton):
    goal = make_goal(riverton, baseline=Decimal(0), target=Decimal(10))
    record(goal, 4)
    record(goal, 5)
    assert goal.current_value == Decimal(5)


def test_prefetched_progress_gives_the_same_answer(riverton):
    goal = make_goal(riverton, baseline=Decimal(0), target=Decimal(4))
    record(goal, 1, dt.date(2025, 1, 1))
    record(goal, 3, dt.date(2025, 1, 5))
    loaded = Goal.objects.prefetch_related("progress").get(pk=goal.pk)
    assert loaded.progress_percent == 75


def test_the_target_must_differ_from_the_baseline(riverton):
    goal = Goal(
        workspace=riverton,
        statement="Stay put",
        metric="ties",
        baseline=Decimal(5),
        target=Decimal(5),
        deadline=JAN_1,
    )
    with pytest.raises(ValidationError) as error:
        goal.full_clean()
    assert "target" in error.value.message_dict


def test_the_owner_must_belong_to_the_workspace(riverton, lakeside):
    stranger = make_member(lakeside)
    goal = Goal(
        workspace=riverton,
        statement="Grow ties",
        metric="ties",
        target=Decimal(5),
        deadline=JAN_1,
        owner=stranger,
    )
    with pytest.raises(ValidationError) as error:
        goal.full_clean()
    assert "owner" in error.value.message_dict


def test_the_database_progress_order_matches_the_model(riverton):
    rising = make_goal(riverton, baseline=Decimal(2), target=Decimal(10))
    record(rising, 4)
    falling = make_goal(riverton, baseline=Decimal(10), target=Decimal(4))
    record(falling, 1)
    record(falling, 9, JAN_1 + dt.timedelta(days=1))
    untouched = make_goal(riverton, baseline=Decimal(0), target=Decimal(3))
    overshot = make_goal(riverton, baseline=Decimal(1), target=Decimal(3))
    record(overshot, 7)
    annotated = services.with_progress_order(Goal.objects.filter(workspace=riverton))
    fractions = {goal.pk: goal.progress_fraction for goal in annotated}
    for pk, progress_order in annotated.values_list("pk", "progress_order"):
        assert progress_order == pytest.approx(fractions[pk])
    by_progress = [g.pk for g in annotated.order_by("progress_order")]
    assert by_progress == [untouched.pk, falling.pk, rising.pk, overshot.pk]


def test_a_deadline_countdown_says_days_left_due_today_or_overdue(riverton):
    today = dt.date(2025, 6, 1)
    goal = make_goal(riverton, deadline=dt.date(2025, 6, 11))
    assert services.countdown(goal, today).label == "10 days left"
    goal.deadline = today
    assert services.countdown(goal, today).label == "due today"
    goal.deadline = dt.date(2025, 5, 31)
    late = services.countdown(goal, today)
    assert (late.overdue, late.days_overdue, late.label) == (True, 1, "overdue by 1 day")


def test_achieved_goals_are_never_overdue(riverton):
    goal = make_goal(riverton, deadline=dt.date(2020, 1, 1), status=Goal.Status.ACHIEVED)
    countdown = services.countdown(goal, dt.date(2025, 1, 1))
    assert not countdown.overdue
    assert countdown.label == ""


def test_the_progress_order_of_another_workspace_is_not_mixed_in(riverton):
    other = make_workspace("Elsewhere", "elsewhere")
    make_goal(other)
    mine = make_goal(riverton)
    annotated = services.with_progress_order(services.goals(make_member(riverton)))
    assert [g.pk for g in annotated] == [mine.pk]
