"""The relationship plan's value model on hand-made workspaces (Alice owns Riverton, Bob is a
viewer there, Carol owns Lakeside)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from cityweave.stakeholders.models import Tie
from cityweave.strategy import budget
from cityweave.strategy.planning import Weights, propose_plan
from cityweave.testing import make_goal, make_stakeholder, make_tie

pytestmark = pytest.mark.django_db

#: Only goals count, so the value is worked out by hand below.
GOALS_ONLY = Weights(
    goal=1, need=0, sector=0, community=0, trust=0, value=0, brokerage=0, decay=0.5
)
#: Every tier an hour a contact: maintained monthly (0.98 h/month), active fortnightly, close weekly.
HOURLY_TIERS = {
    "maintained": {"cadence_days": 31, "minutes": 60},
    "active": {"cadence_days": 15, "minutes": 60},
    "close": {"cadence_days": 7, "minutes": 60},
    "dormant": {"cadence_days": 365, "minutes": 60},
}


def cluster(workspace, member):
    """City Hall tied (by Alice) to a broker and to three community leaders, each leader linked
    to a goal of their own; the broker has full-trust ties to all three."""
    city = make_stakeholder(workspace, "City Hall", sector="local-government", is_internal=True)
    broker = make_stakeholder(workspace, "Neighbourhood Council")
    leaders = [make_stakeholder(workspace, f"Leader {i}") for i in (1, 2, 3)]
    ties = {}
    for other in (broker, *leaders):
        ties[other.name] = make_tie(city, other, owner=member, trust=4, cadence_days=31)
    for leader in leaders:
        make_tie(broker, leader, trust=4)
        goal = make_goal(workspace, statement=f"Work with {leader.name}")
        goal.stakeholders.add(leader)
    return ties


def plan_with(member, hours, weights=GOALS_ONLY):
    budget.save_budget(member, {"hours_per_month": hours, "tiers": HOURLY_TIERS})
    return propose_plan(member, weights=weights)


def test_one_trusted_broker_beats_three_direct_ties_when_hours_are_short(riverton, alice_member):
    ties = cluster(riverton, alice_member)
    plan = plan_with(alice_member, 1)
    by_name = {line.counterpart_name: line for line in plan.lines}
    # Maintained (strength 0.5), the broker reaches each goal at 1 × δ × 1 = 0.5: 3 × 0.25 = 0.75,
    # against 0.5 for any one leader kept directly.
    assert by_name["Neighbourhood Council"].proposed == "maintained"
    assert plan.value_after == pytest.approx(0.75)
    for i in (1, 2, 3):
        line = by_name[f"Leader {i}"]
        assert line.proposed == "broker"
        assert line.broker_name == "Neighbourhood Council"
        assert line.proposed_hours == 0
        assert line.sentence.startswith(f"Reach Leader {i} through Neighbourhood Council")
        assert line.tie_id == ties[f"Leader {i}"].pk
    assert plan.optimal and plan.method == "exact"
    assert plan.hours_after <= 1
    goals = [t for t in plan.targets if t.kind == "goal"]
    assert [t.after for t in goals] == [0.25, 0.25, 0.25]
    assert all(t.route == "through Neighbourhood Council" for t in goals)


def test_with_hours_for_three_the_direct_ties_win(riverton, alice_member):
    cluster(riverton, alice_member)
    plan = plan_with(alice_member, 3)
    by_name = {line.counterpart_name: line.proposed for line in plan.lines}
    # Three leaders maintained: 3 × 0.5 = 1.5, against 0.5 + 0.5 + 0.25 with the broker.
    assert by_name == {
        "Neighbourhood Council": "broker",
        "Leader 1": "maintained",
        "Leader 2": "maintained",
        "Leader 3": "maintained",
    }
    assert plan.value_after == pytest.approx(1.5)


def test_a_plan_stays_within_the_budget_and_lists_every_relationship(riverton, alice_member):
    ties = cluster(riverton, alice_member)
    plan = plan_with(alice_member, 2, Weights())
    assert plan.hours_after <= 2 + 1e-9
    assert {line.tie_id for line in plan.lines} == {tie.pk for tie in ties.values()}
    assert plan.budget_hours == 2
    assert all(line.sentence.endswith(".") for line in plan.lines)
    assert plan.sectors_after and len(plan.sectors_before) == 4


def test_a_goal_nobody_reaches_says_what_it_would_take(riverton, alice_member):
    cluster(riverton, alice_member)
    make_goal(riverton, statement="Open a youth centre")
    plan = plan_with(alice_member, 1)
    uncovered = {target.label: sentence for target, sentence in plan.uncovered}
    assert uncovered["Open a youth centre"].startswith("Nobody is linked to this goal yet")
    # The leaders' goals are reached through the broker, so only that one is uncovered.
    assert list(uncovered) == ["Open a youth centre"]


def test_resting_ties_may_be_revived_and_count_no_hours_now(riverton, alice_member):
    ties = cluster(riverton, alice_member)
    Tie.objects.filter(pk=ties["Leader 1"].pk).update(status=Tie.Status.DORMANT)
    plan = plan_with(alice_member, 3)
    line = next(x for x in plan.lines if x.counterpart_name == "Leader 1")
    assert line.current == "rest" and line.current_hours == 0
    assert line.proposed == "maintained" and line.changed
    assert line.sentence.startswith("Revive Leader 1 as maintained")


def test_planning_needs_a_budget(alice_member):
    with pytest.raises(ValidationError) as error:
        propose_plan(alice_member)
    assert "hours_per_month" in error.value.message_dict


def test_another_members_plan_needs_their_budget_shared(riverton, alice_member, bob_member):
    cluster(riverton, alice_member)
    budget.save_budget(alice_member, {"hours_per_month": 2})
    with pytest.raises(Http404):
        propose_plan(bob_member, alice_member.pk)
    budget.save_budget(alice_member, {"shared": True})
    assert propose_plan(bob_member, alice_member.pk).member == alice_member


def test_another_workspaces_member_is_not_found(lakeside, alice_member, carol):
    carol_member = carol.memberships.get(workspace=lakeside)
    budget.save_budget(carol_member, {"hours_per_month": 5, "shared": True})
    with pytest.raises(Http404):
        propose_plan(alice_member, carol_member.pk)


def test_weights_name_each_bad_field():
    assert Weights.from_data({"goal": "4.5", "decay": 0}).goal == 4.5
    with pytest.raises(ValidationError) as error:
        Weights.from_data({"goal": -1, "decay": 2, "close": True, "luck": 1, "need": "lots"})
    assert set(error.value.message_dict) == {"goal", "decay", "close", "luck", "need"}
    assert error.value.message_dict["decay"] == ["A number from 0 to 1."]
    assert Weights.from_data(None) == Weights()
    assert set(Weights().as_dict()) == set(Weights.FIELDS)


def test_the_plan_reads_a_bounded_number_of_queries(riverton, alice_member):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            propose_plan(alice_member, weights=Weights())
        return len(captured)

    cluster(riverton, alice_member)
    budget.save_budget(alice_member, {"hours_per_month": 5})
    propose_plan(alice_member)  # the first call queues the network analysis
    few = queries()
    cluster(riverton, alice_member)
    propose_plan(alice_member)  # and analyses the bigger network
    assert queries() == few
    assert few <= 20


def test_a_second_tie_with_someone_already_kept_rests_and_says_why(riverton, alice_member):
    ties = cluster(riverton, alice_member)
    office = make_stakeholder(riverton, "Mayor's Office", is_internal=True)
    leader = ties["Leader 1"].target
    twin = make_tie(office, leader, owner=alice_member, trust=4, cadence_days=31)
    plan = plan_with(alice_member, 3)
    lines = {line.tie_id: line for line in plan.lines}
    kept = [lines[t.pk] for t in (ties["Leader 1"], twin) if lines[t.pk].proposed != "rest"]
    resting = [lines[t.pk] for t in (ties["Leader 1"], twin) if lines[t.pk].proposed == "rest"]
    assert len(kept) == 1 and len(resting) == 1
    assert resting[0].sentence.startswith("Let this tie with Leader 1 rest: another of your ties")
    assert resting[0].broker_name is None


def test_an_active_tie_in_the_yearly_tier_left_to_rest_is_a_change(riverton, alice_member):
    ties = cluster(riverton, alice_member)
    Tie.objects.filter(pk=ties["Leader 2"].pk).update(cadence_days=365)
    plan = plan_with(alice_member, 1)
    line = next(x for x in plan.lines if x.counterpart_name == "Leader 2")
    assert line.current == "rest" and line.current_hours > 0
    assert line.proposed in ("broker", "rest") and line.proposed_hours == 0
    assert line.changed  # accepting sets it aside, so its hours leave the budget too
