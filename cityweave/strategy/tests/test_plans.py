"""Relationship plans: keeping them, accepting them whole or line by line, reverting a line, and
who may do what (Alice owns Riverton, Bob is a viewer there, Carol owns Lakeside). The plans are
built by hand (plan_factories), so these test what is done with a plan, not how it is found."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cityweave.engagement.health import tie_health
from cityweave.stakeholders.models import Tie
from cityweave.strategy import budget, plans
from cityweave.strategy.models import Plan, PlanLineRecord, TieTier
from cityweave.strategy.planning import Weights
from cityweave.strategy.tests.plan_factories import make_proposal
from cityweave.testing import make_member, make_stakeholder, make_tie, make_user
from cityweave.workspaces.services import move_to_trash

pytestmark = pytest.mark.django_db


@pytest.fixture
def ties(riverton, alice_member):
    """Alice's four relationships from City Hall: the Harbor Association (close), the Chamber
    (active), the Riverton Fund (maintained, at most every 120 days) and the Gazette (dormant)."""
    budget.save_budget(alice_member, {"hours_per_month": 10})
    city = make_stakeholder(riverton, "City Hall", is_internal=True)

    def tie(name: str, sector: str, **fields):
        return make_tie(
            city, make_stakeholder(riverton, name, sector=sector), owner=alice_member, **fields
        )

    return {
        "harbor": tie("Harbor Business Association", "business", cadence_days=7),
        "chamber": tie("Chamber of Commerce", "business", cadence_days=30),
        "fund": tie("Riverton Fund", "philanthropy", cadence_days=60, max_cadence_days=120),
        "gazette": tie("Riverton Gazette", "media", cadence_days=365, status=Tie.Status.DORMANT),
    }


def the_plan(alice_member, ties) -> Plan:
    """Let the Harbor Association rest, keep the Chamber, keep the Fund close, wake the Gazette."""
    proposal = make_proposal(
        alice_member,
        {
            ties["harbor"]: ("close", "rest"),
            ties["chamber"]: ("active", "active"),
            ties["fund"]: ("maintained", "close"),
            ties["gazette"]: ("rest", "active"),
        },
    )
    return plans.save_proposal(alice_member, proposal)


def test_a_proposal_is_kept_with_every_line_changed_first(alice_member, ties):
    plan = the_plan(alice_member, ties)
    lines = list(plan.lines.order_by("position"))
    assert [line.counterpart_name for line in lines][-1] == "Chamber of Commerce"
    assert [line.changed for line in lines] == [True, True, True, False]
    assert (plan.value_before, plan.value_after, plan.method) == (6.0, 7.5, "exact")
    assert plan.targets[0]["label"] == "Open 20 childcare centres"
    assert plan.uncovered[0]["what"].startswith("Keep one media relationship")
    assert plans.latest_plan(alice_member) == plan


def test_a_new_proposal_replaces_the_unaccepted_one_but_not_an_accepted_one(alice_member, ties):
    first = the_plan(alice_member, ties)
    second = the_plan(alice_member, ties)
    assert not Plan.objects.filter(pk=first.pk).exists()
    plans.accept_plan(alice_member, second, [ties["harbor"].pk])
    third = the_plan(alice_member, ties)
    assert set(Plan.objects.values_list("pk", flat=True)) == {second.pk, third.pk}
    assert plans.latest_plan(alice_member) == third


def test_accepting_the_whole_plan_writes_cadence_status_and_tier(alice_member, ties):
    plan = the_plan(alice_member, ties)
    result = plans.accept_plan(alice_member, plan)
    assert sorted(line.counterpart_name for line in result.accepted) == [
        "Harbor Business Association", "Riverton Fund", "Riverton Gazette",
    ]  # fmt: skip
    assert result.refused == []
    harbor, fund, gazette, chamber = (
        Tie.objects.get(pk=ties[name].pk) for name in ("harbor", "fund", "gazette", "chamber")
    )
    assert harbor.status == Tie.Status.DORMANT
    assert (fund.cadence_days, fund.max_cadence_days) == (7, 120)  # still above: kept
    assert TieTier.objects.get(tie=fund).tier == "close"
    assert (gazette.status, gazette.cadence_days) == (Tie.Status.ACTIVE, 30)
    assert TieTier.objects.get(tie=gazette).tier == "active"
    assert (chamber.cadence_days, chamber.status) == (30, Tie.Status.ACTIVE)  # unchanged line
    assert not TieTier.objects.filter(tie=chamber).exists()
    record = PlanLineRecord.objects.get(plan=plan, tie=harbor)
    assert record.accepted_at is not None
    assert record.previous == {
        "status": "active", "cadence_days": 7, "max_cadence_days": None, "tier": None,
    }  # fmt: skip


def test_the_longest_gap_is_cleared_only_when_it_would_fall_below_the_cadence(alice_member, ties):
    Tie.objects.filter(pk=ties["fund"].pk).update(cadence_days=10, max_cadence_days=20)
    plan = plans.save_proposal(
        alice_member, make_proposal(alice_member, {ties["fund"]: ("maintained", "active")})
    )
    plans.accept_plan(alice_member, plan)
    fund = Tie.objects.get(pk=ties["fund"].pk)
    assert (fund.cadence_days, fund.max_cadence_days) == (30, None)
    Tie.objects.filter(pk=fund.pk).update(cadence_days=10, max_cadence_days=200)
    plan = plans.save_proposal(
        alice_member, make_proposal(alice_member, {ties["fund"]: ("active", "maintained")})
    )
    plans.accept_plan(alice_member, plan)
    fund.refresh_from_db()
    assert (fund.cadence_days, fund.max_cadence_days) == (90, 200)


def test_health_follows_an_accepted_plan(alice_member, ties):
    plan = the_plan(alice_member, ties)
    before = {h.tie.pk for h in tie_health(Tie.objects.select_related("source", "target"))}
    assert ties["harbor"].pk in before and ties["gazette"].pk not in before
    plans.accept_plan(alice_member, plan)
    after = {h.tie.pk for h in tie_health(Tie.objects.select_related("source", "target"))}
    assert ties["harbor"].pk not in after  # resting: set aside on purpose, no health
    assert ties["gazette"].pk in after  # woken: active, every 30 days
    summary = budget.budget_summary(alice_member)
    assert ties["harbor"].pk not in {cost.tie.pk for cost in summary.costs}


def test_accepting_line_by_line(alice_member, ties):
    plan = the_plan(alice_member, ties)
    result = plans.accept_plan(alice_member, plan, [ties["gazette"].pk])
    assert [line.tie_id for line in result.accepted] == [ties["gazette"].pk]
    assert Tie.objects.get(pk=ties["harbor"].pk).status == Tie.Status.ACTIVE  # not accepted
    assert Tie.objects.get(pk=ties["gazette"].pk).status == Tie.Status.ACTIVE
    rest = plans.accept_plan(alice_member, plan)  # the open changes: not the Gazette again
    assert {line.tie_id for line in rest.accepted} == {ties["harbor"].pk, ties["fund"].pk}
    assert plans.plan_lines(plan).accepted_count == 3


def test_a_line_accepted_twice_or_not_a_change_is_refused(alice_member, ties):
    plan = the_plan(alice_member, ties)
    plans.accept_plan(alice_member, plan, [ties["harbor"].pk])
    with pytest.raises(ValidationError) as error:
        plans.accept_plan(alice_member, plan, [ties["harbor"].pk])
    assert "already accepted" in str(error.value.message_dict["tie_ids"])
    with pytest.raises(ValidationError) as error:
        plans.accept_plan(alice_member, plan, [ties["chamber"].pk])  # unchanged
    assert "Not a change in this plan" in str(error.value.message_dict["tie_ids"])


def test_stale_lines_are_refused_and_the_rest_accepted(riverton, alice_member, ties):
    plan = the_plan(alice_member, ties)
    move_to_trash(alice_member, ties["harbor"])
    Tie.objects.filter(pk=ties["fund"].pk).update(owner=make_member(riverton, make_user()))
    result = plans.accept_plan(alice_member, plan)
    assert [line.tie_id for line in result.accepted] == [ties["gazette"].pk]
    reasons = " ".join(reason for _, reason in result.refused)
    assert "moved to the trash" in reasons
    assert "Riverton Fund: the relationship is no longer yours" in reasons
    assert Tie.all_objects.get(pk=ties["harbor"].pk).status == Tie.Status.ACTIVE


def test_a_tie_whose_status_changed_since_the_plan_is_refused(alice_member, ties):
    plan = the_plan(alice_member, ties)
    Tie.objects.filter(pk=ties["gazette"].pk).update(status=Tie.Status.ACTIVE)
    Tie.objects.filter(pk=ties["harbor"].pk).update(status=Tie.Status.ENDED)
    with pytest.raises(ValidationError) as error:
        plans.accept_plan(alice_member, plan, [ties["gazette"].pk, ties["harbor"].pk])
    text = str(error.value.message_dict["tie_ids"])
    assert "Riverton Gazette: the relationship is active now" in text
    assert "ended now" in text
    assert PlanLineRecord.objects.filter(accepted_at__isnull=False).count() == 0


def test_a_tie_whose_cadence_changed_since_the_plan_is_refused(alice_member, ties):
    plan = the_plan(alice_member, ties)
    assert plan.lines.get(tie=ties["fund"]).tie_cadence_days == 60
    Tie.objects.filter(pk=ties["fund"].pk).update(cadence_days=45)  # Alice chose 45 days since
    result = plans.accept_plan(alice_member, plan)
    assert ties["fund"].pk not in [line.tie_id for line in result.accepted]
    assert [reason for _, reason in result.refused] == [
        "Riverton Fund: its cadence changed since the plan; propose a new plan."
    ]
    assert Tie.objects.get(pk=ties["fund"].pk).cadence_days == 45


def test_only_the_latest_ten_plans_with_accepted_lines_are_kept(alice_member, ties):
    accepted = []
    for _ in range(plans.ACCEPTED_PLANS_KEPT + 2):
        plan = the_plan(alice_member, ties)
        plans.accept_plan(alice_member, plan, [ties["harbor"].pk])
        accepted.append(plan.pk)
    latest = the_plan(alice_member, ties)
    kept = set(Plan.objects.filter(member=alice_member).values_list("pk", flat=True))
    assert kept == {*accepted[-plans.ACCEPTED_PLANS_KEPT :], latest.pk}


def test_reverting_a_line_puts_the_tie_back(alice_member, ties):
    TieTier.objects.create(workspace=ties["fund"].workspace, tie=ties["fund"], tier="maintained")
    plan = the_plan(alice_member, ties)
    plans.accept_plan(alice_member, plan)
    plans.revert_line(alice_member, plan, ties["fund"].pk)
    plans.revert_line(alice_member, plan, ties["gazette"].pk)
    fund, gazette = Tie.objects.get(pk=ties["fund"].pk), Tie.objects.get(pk=ties["gazette"].pk)
    assert (fund.cadence_days, fund.max_cadence_days) == (60, 120)
    assert TieTier.objects.get(tie=fund).tier == "maintained"
    assert (gazette.status, gazette.cadence_days) == (Tie.Status.DORMANT, 365)
    assert not TieTier.objects.filter(tie=gazette).exists()
    line = PlanLineRecord.objects.get(plan=plan, tie=gazette)
    assert (line.accepted_at, line.previous) == (None, None)
    with pytest.raises(ValidationError):
        plans.revert_line(alice_member, plan, ties["gazette"].pk)  # not accepted any more


def test_a_viewer_proposes_for_themselves_but_cannot_accept(riverton, bob_member):
    budget.save_budget(bob_member, {"hours_per_month": 3})
    city = make_stakeholder(riverton, "City Hall", is_internal=True)
    tie = make_tie(city, make_stakeholder(riverton, "Library"), cadence_days=7, owner=bob_member)
    plan = plans.save_proposal(bob_member, make_proposal(bob_member, {tie: ("close", "rest")}))
    with pytest.raises(PermissionDenied):
        plans.accept_plan(bob_member, plan)
    assert Tie.objects.get(pk=tie.pk).status == Tie.Status.ACTIVE


def test_only_the_plans_own_member_accepts_it(riverton, alice_member, ties):
    plan = the_plan(alice_member, ties)
    editor = make_member(riverton, make_user(), "editor")
    with pytest.raises(Http404):
        plans.accept_plan(editor, plan)
    with pytest.raises(Http404):
        plans.own_plan(editor, plan.pk)


def test_another_members_plan_is_read_only_when_they_share_their_budget(
    alice_member, bob_member, ties
):
    plan = the_plan(alice_member, ties)
    with pytest.raises(Http404):
        plans.latest_plan(bob_member, alice_member.pk)
    budget.save_budget(alice_member, {"shared": True})
    assert plans.latest_plan(bob_member, alice_member.pk) == plan


def test_another_workspaces_plan_answers_404(carol, lakeside, alice_member, ties):
    plan = the_plan(alice_member, ties)
    budget.save_budget(alice_member, {"shared": True})
    carol_member = carol.memberships.get(workspace=lakeside)
    with pytest.raises(Http404):
        plans.latest_plan(carol_member, alice_member.pk)
    with pytest.raises(Http404):
        plans.own_plan(carol_member, plan.pk)


def test_weights_are_kept_with_the_budget_and_bad_ones_named(alice_member, bob_member):
    with pytest.raises(ValidationError) as error:
        plans.save_plan_weights(bob_member, {"goal": 4.0})
    assert "hours_per_month" in error.value.message_dict  # no budget yet
    budget.save_budget(alice_member, {"hours_per_month": 10})
    weights = plans.save_plan_weights(alice_member, {**Weights().as_dict(), "goal": 4.0})
    assert weights.goal == 4.0
    saved = budget.get_budget(alice_member)
    assert saved is not None and saved.plan_weights == {"goal": 4.0}  # defaults not kept
    assert plans.plan_weights(alice_member) == Weights(goal=4.0)
    with pytest.raises(ValidationError) as error:
        plans.save_plan_weights(alice_member, {"goal": -1, "weight": 2})
    assert set(error.value.message_dict) == {"goal", "weight"}
    assert plans.plan_weights(alice_member) == Weights(goal=4.0)


def test_the_diversity_check_counts_kept_counterparts_by_sector():
    change = plans.diversity_change(
        ["business", "business", "media", "nonprofit"],
        ["business", "nonprofit"],
        ["business", "media", "nonprofit", "philanthropy"],
    )
    assert change.blau_before == pytest.approx(1 - (0.5**2 + 0.25**2 + 0.25**2))  # 0.625
    assert change.blau_after == pytest.approx(0.5)
    assert change.missing_before == ["philanthropy"]
    assert change.missing_after == ["media", "philanthropy"]
    assert change.newly_missing == ["media"]
    assert plans.diversity_change([], [], ["business"]).blau_after is None


def test_a_tie_kept_yearly_is_woken_without_changing_its_status(alice_member, ties):
    """An active tie in the dormant tier (contact once a year) counts as resting in the plan;
    keeping it active sets its cadence and tier and leaves it active."""
    TieTier.objects.create(workspace=ties["chamber"].workspace, tie=ties["chamber"], tier="dormant")
    plan = plans.save_proposal(
        alice_member, make_proposal(alice_member, {ties["chamber"]: ("rest", "active")})
    )
    result = plans.accept_plan(alice_member, plan)
    assert [line.tie_id for line in result.accepted] == [ties["chamber"].pk]
    chamber = Tie.objects.get(pk=ties["chamber"].pk)
    assert (chamber.status, chamber.cadence_days) == (Tie.Status.ACTIVE, 30)
    assert TieTier.objects.get(tie=chamber).tier == "active"


def test_propose_plans_every_relationship_within_the_budget(riverton, alice_member):
    """Through the optimiser, on a small workspace: what is certain is that the plan keeps
    within the hours and has a line for every relationship Alice owns, dormant ones included."""
    budget.save_budget(alice_member, {"hours_per_month": 3})
    city = make_stakeholder(riverton, "City Hall", is_internal=True)
    owned = [
        make_tie(city, make_stakeholder(riverton, f"Partner {i}", sector=sector), owner=alice_member,
                 cadence_days=cadence, status=status)
        for i, (sector, cadence, status) in enumerate([
            ("business", 7, Tie.Status.ACTIVE), ("business", 30, Tie.Status.ACTIVE),
            ("media", 30, Tie.Status.PROSPECT), ("philanthropy", 90, Tie.Status.DORMANT),
            ("nonprofit", 14, Tie.Status.ACTIVE),
        ])
    ]  # fmt: skip
    make_tie(city, make_stakeholder(riverton, "Not Alice's"), cadence_days=7)
    plan = plans.propose(alice_member, time_limit=5)
    assert plan.hours_after <= 3 + 1e-6
    assert plan.hours_before > 3  # the weekly tie alone takes 4.3 h
    assert {line.tie_id for line in plan.lines.all()} == {tie.pk for tie in owned}
    assert plan.method in ("exact", "greedy") and 0 <= plan.gap <= 1
    assert all(line.sentence for line in plan.lines.all())
    plans.accept_plan(alice_member, plan)
    assert budget.budget_summary(alice_member).planned_hours <= 3 + 0.05


def test_accepting_announces_the_changed_ties(alice_member, ties):
    """The ties are written in bulk, so their listeners (the workspace's data version, the
    network analysis's queue) hear of them through `records_changed`, once."""
    from cityweave.workspaces.signals import records_changed

    heard = []

    def listen(sender, workspace, pks, **kwargs):
        heard.append((sender, workspace.pk, sorted(pks)))

    records_changed.connect(listen, sender=Tie, dispatch_uid="test-plan-accept")
    try:
        plans.accept_plan(alice_member, the_plan(alice_member, ties))
    finally:
        records_changed.disconnect(dispatch_uid="test-plan-accept", sender=Tie)
    changed = sorted(ties[name].pk for name in ("harbor", "fund", "gazette"))
    assert heard == [(Tie, alice_member.workspace_id, changed)]


def test_a_line_whose_tie_changed_since_it_was_accepted_is_not_reverted(alice_member, ties):
    plan = the_plan(alice_member, ties)
    plans.accept_plan(alice_member, plan)
    Tie.objects.filter(pk=ties["fund"].pk).update(cadence_days=14)  # changed by hand since
    with pytest.raises(ValidationError) as error:
        plans.revert_line(alice_member, plan, ties["fund"].pk)
    assert "changed since you accepted" in str(error.value.message_dict["tie_id"])
    assert Tie.objects.get(pk=ties["fund"].pk).cadence_days == 14
