"""The time budget's formulas, tiers, permissions and summary (Alice owns Riverton, Bob is a
viewer there, Carol owns Lakeside)."""

from __future__ import annotations

import datetime as dt
import math
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from cityweave.strategy import budget
from cityweave.strategy.models import TierSetting, TimeBudget
from cityweave.testing import (
    make_goal,
    make_interaction,
    make_stakeholder,
    make_tie,
)

pytestmark = pytest.mark.django_db

CHICAGO = ZoneInfo("America/Chicago")
NOW = dt.datetime(2026, 6, 15, 12, 0, tzinfo=CHICAGO)


def test_a_ties_cost_is_contacts_a_month_times_hours():
    assert budget.tie_cost(7, 60) == pytest.approx(30.4375 / 7)
    assert budget.tie_cost(30, 45) == pytest.approx(30.4375 / 30 * 0.75)
    with pytest.raises(ValueError):
        budget.tie_cost(0, 60)


def test_the_usual_length_is_the_median_of_three_logged_else_the_kind_else_the_tier():
    assert budget.usual_minutes([30, 90, 45], ["call"], 20) == (45.0, "logged")
    assert budget.usual_minutes([30, 90, 45, 60], [], 20) == (52.5, "logged")
    assert budget.usual_minutes([120, 120], ["call", "call", "meeting"], 10) == (20.0, "kind")
    # Equal counts: the kind listed first (meeting before call).
    assert budget.usual_minutes([], ["call", "meeting"], 10) == (60.0, "kind")
    assert budget.usual_minutes([], [], 25) == (25.0, "tier")


def test_a_cadence_falls_in_the_nearest_tier_on_a_ratio_scale(riverton):
    rules = budget.workspace_tiers(riverton)
    assert budget.nearest_tier(1, rules) == "close"
    assert budget.nearest_tier(14, rules) == "close"  # 14/7 = 2 < 30/14
    assert budget.nearest_tier(15, rules) == "active"
    assert budget.nearest_tier(45, rules) == "active"
    assert budget.nearest_tier(60, rules) == "maintained"
    assert budget.nearest_tier(3650, rules) == "dormant"


def test_member_overrides_win_over_workspace_defaults_over_built_in(riverton, alice_member):
    budget.save_tier_defaults(alice_member, {"active": {"cadence_days": 21, "minutes": 30}})
    mine = budget.save_budget(
        alice_member, {"hours_per_month": 20, "tiers": {"active": {"minutes": 50}}}
    )
    rules = budget.member_tiers(budget.workspace_tiers(riverton), mine)
    assert (rules["active"].cadence_days, rules["active"].cadence_source) == (21, "workspace")
    assert (rules["active"].minutes, rules["active"].minutes_source) == (50, "member")
    assert (rules["close"].cadence_days, rules["close"].minutes) == (7, 60)
    budget.save_tier_defaults(alice_member, {"active": {"cadence_days": None, "minutes": None}})
    assert not TierSetting.objects.exists()


def test_tier_defaults_are_for_editors_and_name_the_bad_value(alice_member, bob_member):
    with pytest.raises(PermissionDenied):
        budget.save_tier_defaults(bob_member, {"close": {"cadence_days": 10, "minutes": 30}})
    with pytest.raises(ValidationError) as error:
        budget.save_tier_defaults(
            alice_member,
            {"close": {"cadence_days": 10, "minutes": 30}, "active": {"cadence_days": 0}},
        )
    assert set(error.value.message_dict) == {"active_cadence_days"}
    assert not TierSetting.objects.exists()  # nothing half-written


def test_a_budget_needs_hours_and_a_split_of_three_summing_to_100(alice_member):
    with pytest.raises(ValidationError) as error:
        budget.save_budget(alice_member, {})
    assert "hours_per_month" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        budget.save_budget(alice_member, {"hours_per_month": 10, "operational_percent": 50})
    assert "personal_percent" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        budget.save_budget(
            alice_member,
            {
                "hours_per_month": 10,
                "operational_percent": 50,
                "personal_percent": 30,
                "strategic_percent": 30,
            },
        )
    assert "strategic_percent" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        budget.save_budget(alice_member, {"hours_per_month": 745})
    assert "hours_per_month" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        budget.save_budget(alice_member, {"hours_per_month": 5, "tiers": {"weekly": {}}})
    assert "tiers" in error.value.message_dict
    assert not TimeBudget.objects.exists()
    saved = budget.save_budget(
        alice_member,
        {
            "hours_per_month": 24,
            "operational_percent": 30,
            "personal_percent": 30,
            "strategic_percent": 40,
        },
    )
    assert saved.split == {"operational": 30, "personal": 30, "strategic": 40}


def test_a_viewer_keeps_a_budget_of_their_own(bob_member):
    saved = budget.save_budget(bob_member, {"hours_per_month": 6})
    assert saved.member == bob_member


def test_another_members_budget_is_readable_only_when_shared(alice_member, bob_member, carol):
    budget.save_budget(alice_member, {"hours_per_month": 24})
    with pytest.raises(Http404):
        budget.budget_summary(bob_member, alice_member)
    assert budget.members_sharing(bob_member) == []
    budget.save_budget(alice_member, {"shared": True})
    assert budget.budget_summary(bob_member, alice_member).hours_per_month == 24
    assert budget.members_sharing(bob_member) == [alice_member]
    carol_member = carol.memberships.get()
    with pytest.raises(Http404):  # another workspace's member, shared or not
        budget.readable_member(carol_member, alice_member.pk)


def test_setting_a_ties_tier_is_for_editors_of_its_workspace(
    riverton, lakeside, alice_member, bob_member
):
    tie = make_tie(make_stakeholder(riverton), make_stakeholder(riverton))
    elsewhere = make_tie(make_stakeholder(lakeside), make_stakeholder(lakeside))
    with pytest.raises(PermissionDenied):
        budget.set_tie_tier(bob_member, tie.pk, "close")
    with pytest.raises(Http404):
        budget.set_tie_tier(alice_member, elsewhere.pk, "close")
    with pytest.raises(ValidationError):
        budget.set_tie_tier(alice_member, tie.pk, "weekly")
    chosen = budget.set_tie_tier(alice_member, tie.pk, "close")
    assert chosen is not None and chosen.tier == "close"
    assert budget.set_tie_tier(alice_member, tie.pk, None) is None


@pytest.fixture
def city(riverton):
    return make_stakeholder(
        riverton, "City of Riverton", sector="local-government", is_internal=True
    )


def test_the_summary_costs_each_planned_tie_and_splits_it(riverton, alice_member, bob_member, city):
    budget.save_budget(alice_member, {"hours_per_month": 10})
    fund = make_stakeholder(riverton, "Riverton Fund", sector="philanthropy")
    chamber = make_stakeholder(riverton, "Chamber", sector="business")
    church = make_stakeholder(riverton, "First Church", sector="faith-based")
    weekly = make_tie(city, fund, cadence_days=7, owner=alice_member)
    monthly = make_tie(city, chamber, cadence_days=30, owner=alice_member)
    uncadenced = make_tie(church, city, owner=alice_member, status="prospect")
    make_tie(city, make_stakeholder(riverton), cadence_days=7, owner=alice_member, status="dormant")
    make_tie(city, make_stakeholder(riverton), cadence_days=7, owner=bob_member)
    goal = make_goal(riverton)
    goal.stakeholders.set([fund])
    make_goal(riverton, status="achieved").stakeholders.set([chamber])  # not open: serves nothing
    # Three logged meetings with the fund: the median is its usual length.
    for minutes in (30, 40, 90):
        make_interaction(
            riverton, [city, fund], NOW - dt.timedelta(days=10), duration_minutes=minutes
        )
    # Calls with the chamber without a length: the kind's default.
    make_interaction(riverton, [chamber], NOW - dt.timedelta(days=3), kind="call")
    make_interaction(riverton, [chamber], NOW - dt.timedelta(days=4), kind="call")
    # Another member's private meeting does not count for Alice's lengths.
    make_interaction(
        riverton,
        [church],
        NOW - dt.timedelta(days=4),
        kind="event",
        private=True,
        author=bob_member,
    )

    summary = budget.budget_summary(alice_member, now=NOW)

    costs = {cost.tie.pk: cost for cost in summary.costs}
    assert set(costs) == {weekly.pk, monthly.pk, uncadenced.pk}
    assert (costs[weekly.pk].minutes, costs[weekly.pk].minutes_basis) == (40.0, "logged")
    assert costs[weekly.pk].hours == pytest.approx(30.4375 / 7 * 40 / 60)
    assert costs[weekly.pk].tier == "close"
    assert (costs[monthly.pk].minutes, costs[monthly.pk].minutes_basis) == (20.0, "kind")
    assert costs[monthly.pk].tier == "active"
    # No cadence, no tier set: "maintained", at its cadence and length.
    assert costs[uncadenced.pk].tier == "maintained"
    assert costs[uncadenced.pk].cadence_from_tier
    assert (costs[uncadenced.pk].minutes_basis, costs[uncadenced.pk].hours) == (
        "tier",
        pytest.approx(30.4375 / 90 * 0.5),
    )
    assert summary.planned_hours == pytest.approx(sum(c.hours for c in costs.values()))
    assert costs[uncadenced.pk].sector == "faith-based"  # the external end
    tiers = {share.key: share for share in summary.by_tier}
    assert list(tiers) == ["close", "active", "maintained", "dormant"]
    assert tiers["dormant"].ties == 0
    assert sum(share.percent for share in summary.by_tier) == pytest.approx(100)
    assert [s.key for s in summary.by_sector] == ["philanthropy", "business", "faith-based"]
    assert [(s.key, s.ties) for s in summary.by_goal] == [(str(goal.pk), 1)]
    assert [c.tie.pk for c in summary.unaligned] == [monthly.pk, uncadenced.pk]
    assert not summary.over_budget


def test_a_tier_set_by_hand_wins_over_the_cadence(riverton, alice_member, city):
    tie = make_tie(city, make_stakeholder(riverton), cadence_days=7, owner=alice_member)
    budget.set_tie_tier(alice_member, tie.pk, "dormant")
    (cost,) = budget.budget_summary(alice_member, now=NOW).costs
    assert (cost.tier, cost.tier_set, cost.cadence_days) == ("dormant", True, 7)
    assert cost.minutes == 20  # the dormant tier's length: no interactions logged


def test_a_tie_between_two_outsiders_counts_meetings_with_both(riverton, alice_member):
    one, other = make_stakeholder(riverton), make_stakeholder(riverton)
    tie = make_tie(one, other, cadence_days=30, owner=alice_member)
    make_interaction(riverton, [one], NOW - dt.timedelta(days=1), kind="event")
    make_interaction(riverton, [one, other], NOW - dt.timedelta(days=2), kind="email")
    (cost,) = budget.budget_summary(alice_member, now=NOW).costs
    assert cost.tie == tie
    assert (cost.minutes, cost.minutes_basis) == (5.0, "kind")


def test_actual_hours_are_by_month_of_interactions_the_member_attended(
    riverton, alice_member, bob_member
):
    someone = make_stakeholder(riverton)

    def attended(when, members, **fields):
        interaction = make_interaction(riverton, [someone], when, **fields)
        interaction.members_present.set(members)

    attended(NOW - dt.timedelta(days=1), [alice_member], duration_minutes=90)
    attended(NOW - dt.timedelta(days=2), [alice_member, bob_member], kind="call")
    attended(NOW - dt.timedelta(days=40), [alice_member], kind="meeting")
    attended(NOW - dt.timedelta(days=3), [bob_member], duration_minutes=600)
    attended(NOW + dt.timedelta(days=3), [alice_member], duration_minutes=600)  # planned
    attended(NOW - dt.timedelta(days=400), [alice_member], duration_minutes=600)  # too old
    months = budget.actual_hours(alice_member, NOW)
    assert [m.month for m in months][-2:] == [dt.date(2026, 5, 1), dt.date(2026, 6, 1)]
    assert months[0].month == dt.date(2025, 7, 1)
    assert len(months) == 12
    assert (months[-1].hours, months[-1].interactions) == (pytest.approx(110 / 60), 2)
    assert months[-2].hours == pytest.approx(1.0)
    assert sum(m.hours for m in months) == pytest.approx(110 / 60 + 1)


def test_actual_months_follow_the_workspaces_time_zone(riverton, alice_member):
    someone = make_stakeholder(riverton)
    # 03:00 UTC on 1 June is still 31 May in Chicago.
    interaction = make_interaction(
        riverton, [someone], dt.datetime(2026, 6, 1, 3, 0, tzinfo=dt.UTC), duration_minutes=60
    )
    interaction.members_present.set([alice_member])
    months = {m.month: m.hours for m in budget.actual_hours(alice_member, NOW)}
    assert months[dt.date(2026, 5, 1)] == pytest.approx(1.0)


def build(workspace, owner, city, size):
    """`size` planned ties with interactions and goals, for the query count."""
    goal = make_goal(workspace)
    for i in range(size):
        other = make_stakeholder(workspace, sector="business" if i % 2 else "nonprofit")
        make_tie(city, other, cadence_days=7 + i, owner=owner)
        for day in range(3):
            interaction = make_interaction(
                workspace, [city, other], NOW - dt.timedelta(days=day + 1), duration_minutes=30
            )
            interaction.members_present.set([owner])
        goal.stakeholders.add(other)


def test_the_summary_reads_a_fixed_number_of_queries(riverton, alice_member, bob_member, city):
    budget.save_budget(alice_member, {"hours_per_month": 10, "shared": True})
    build(riverton, alice_member, city, 3)
    assert bob_member.workspace == riverton  # as a request has it, loaded with the membership
    with CaptureQueriesContext(connection) as small:
        budget.budget_summary(bob_member, alice_member, now=NOW)
    build(riverton, alice_member, city, 12)
    with CaptureQueriesContext(connection) as large:
        summary = budget.budget_summary(bob_member, alice_member, now=NOW)
    assert len(summary.costs) == 15
    assert len(small) == len(large) == 9
    assert math.isclose(summary.average_actual, 15 * 3 * 0.5 / 12)
