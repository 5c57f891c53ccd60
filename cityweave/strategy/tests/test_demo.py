"""The demo city's budget: Alice's, on the real Riverton data."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from cityweave.demo import DEMO_USERS, build_demo
from cityweave.stakeholders.models import Tie
from cityweave.strategy import budget
from cityweave.strategy.demo import add_demo_budgets
from cityweave.strategy.models import TimeBudget
from cityweave.workspaces.models import Membership

pytestmark = pytest.mark.django_db


def test_alice_plans_24_hours_a_month_and_the_summary_adds_up():
    workspace = build_demo(dt.date(2026, 6, 15))
    (made,) = add_demo_budgets(workspace)
    add_demo_budgets(workspace)  # again: the same budget
    assert TimeBudget.objects.count() == 1
    assert (made.hours_per_month, made.shared) == (24, True)
    assert made.split == {"operational": 30, "personal": 30, "strategic": 40}
    alice = Membership.objects.select_related("workspace", "user").get(
        workspace=workspace, user__email=DEMO_USERS[0].email
    )
    now = dt.datetime(2026, 6, 15, 12, tzinfo=ZoneInfo("America/Chicago"))
    summary = budget.budget_summary(alice, now=now)
    planned = Tie.objects.filter(
        workspace=workspace, owner=alice, status__in=["active", "prospect"]
    )
    assert len(summary.costs) == planned.count() > 0
    # Every cost is its formula, each tie in one tier and one sector.
    for cost in summary.costs:
        assert cost.hours == pytest.approx(30.4375 / cost.cadence_days * cost.minutes / 60)
        if cost.tie.cadence_days:
            assert cost.cadence_days == cost.tie.cadence_days
    assert sum(s.hours for s in summary.by_tier) == pytest.approx(summary.planned_hours)
    assert sum(s.hours for s in summary.by_sector) == pytest.approx(summary.planned_hours)
    assert sum(s.ties for s in summary.by_sector) == len(summary.costs)
    # The demo's goals name stakeholders Alice's ties reach, and some of her ties serve none.
    assert summary.by_goal
    assert summary.unaligned
    assert all(not c.goal_ids for c in summary.unaligned)
    print(
        f"planned {summary.planned_hours:.1f} h over {len(summary.costs)} ties; "
        f"unaligned {summary.unaligned_hours:.1f} h over {len(summary.unaligned)}; "
        f"actual {[round(m.hours, 1) for m in summary.actual]}; "
        f"tiers {[(s.key, s.ties, round(s.hours, 1)) for s in summary.by_tier]}; "
        f"bases {sorted({c.minutes_basis for c in summary.costs})}"
    )
    hours = [c.hours for c in summary.unaligned]
    assert hours == sorted(hours, reverse=True)
    # The demo logs interactions with members present: Alice has some in the last 12 months.
    assert sum(m.interactions for m in summary.actual) > 0
    assert summary.actual[-1].month == dt.date(2026, 6, 1)
    # Another member reads it, as it is shared.
    viewer = Membership.objects.select_related("workspace").get(
        workspace=workspace, user__email=DEMO_USERS[3].email
    )
    assert budget.budget_summary(viewer, alice, now=now).planned_hours == summary.planned_hours


def test_alice_can_be_introduced_to_the_demos_funders_and_has_people_to_meet():
    from cityweave.strategy import introductions, next_best

    workspace = build_demo(dt.date(2026, 6, 15))
    alice = Membership.objects.select_related("workspace", "user").get(
        workspace=workspace, user__email=DEMO_USERS[0].email
    )
    answer = introductions.introductions(alice, sector="philanthropy")
    assert answer.paths, answer.note
    assert all(path.sentence.startswith("Ask ") for path in answer.paths)
    products = [path.product for path in answer.paths]
    assert products == sorted(products, reverse=True)
    found = next_best.next_best(alice)
    assert len(found.candidates) == next_best.DEFAULT_LIMIT
    assert found.diversity.blau is not None and found.diversity.blau > 0.5
    assert sum(1 for c in found.candidates if c.introduction) >= 10
