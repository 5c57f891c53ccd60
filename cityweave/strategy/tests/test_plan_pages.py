"""The plan pages: proposing, reading, accepting and reverting, and who may do what (Alice owns
Riverton, Bob is a viewer there, Carol owns Lakeside). Plans are hand-built (plan_factories),
except where a page asks the optimiser for one."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cityweave.stakeholders.models import Tie
from cityweave.strategy import budget, plans
from cityweave.strategy.models import Plan, PlanLineRecord
from cityweave.strategy.tests.plan_factories import make_proposal
from cityweave.testing import make_stakeholder, make_tie

pytestmark = pytest.mark.django_db


def page(slug: str = "riverton") -> str:
    return reverse("budget:my-plan", args=[slug])


@pytest.fixture
def ties(riverton, alice_member):
    budget.save_budget(alice_member, {"hours_per_month": 10})
    city = make_stakeholder(riverton, "City Hall", is_internal=True)
    harbor = make_stakeholder(riverton, "Harbor Business Association", sector="business")
    gazette = make_stakeholder(riverton, "Riverton Gazette", sector="media")
    return {
        "harbor": make_tie(city, harbor, cadence_days=7, owner=alice_member),
        "gazette": make_tie(city, gazette, cadence_days=90, owner=alice_member),
    }


@pytest.fixture
def plan(alice_member, ties) -> Plan:
    proposal = make_proposal(
        alice_member,
        {ties["harbor"]: ("close", "rest"), ties["gazette"]: ("maintained", "maintained")},
    )
    return plans.save_proposal(alice_member, proposal)


def test_the_page_shows_the_plan_its_reasons_and_the_diversity_check(alice_client, plan):
    response = alice_client.get(page())
    assert response.status_code == 200
    text = response.content.decode()
    assert "Your relationship plan" in text
    assert "6.0 → 7.5" in text  # value before → after
    assert "Optimal" in text
    assert "Harbor Business Association: close to rest." in text  # its sentence
    assert "saves 4.3 h a month" in text
    assert "Costs in reach: Harbor Business Association" in text
    assert "Blau index" in text and "0.50 → <strong>0.00" in text  # business + media → media
    assert "Left uncovered" in text and "Keep one media relationship" in text
    assert "Accept all 1 open change" in text
    assert "1 relationship unchanged" in text
    assert 'name="weights-goal"' in text  # every weight is on the page, with its meaning
    assert "per open goal reached" in text
    assert (
        "Sectors of the ties you keep" in text and "a sector missing here may be a target" in text
    )
    assert text.index("Propose a new plan") < text.index("Diversity check")  # near the top
    assert '<details class="plan-targets-fold" open>' in text  # two targets: shown open


def test_a_long_list_of_targets_is_folded(alice_client, alice_member, plan):
    Plan.objects.filter(pk=plan.pk).update(
        targets=[
            {"key": f"goal:{i}", "kind": "goal", "label": f"Goal {i}", "weight": 1.0,
             "before": 0.5, "after": 0.5, "route": ""}
            for i in range(13)
        ]
    )  # fmt: skip
    text = alice_client.get(page()).content.decode()
    assert '<details class="plan-targets-fold">' in text
    assert "Show the 13 targets" in text


def test_the_button_at_the_top_proposes_with_the_saved_weights(alice_client, alice_member, ties):
    budget.save_budget(alice_member, {"hours_per_month": 10})
    plans.save_plan_weights(alice_member, {"goal": 5})
    response = alice_client.post(page(), {"saved": "1"})
    assert response.status_code == 302, response.content
    plan = plans.latest_plan(alice_member)
    assert plan is not None and plan.weights["goal"] == 5
    assert plans.plan_weights(alice_member).goal == 5


def test_the_button_at_the_top_without_a_budget_says_so(bob_client, bob_member):
    response = bob_client.post(page(), {"saved": "1"})
    assert response.status_code == 422
    assert "Set your hours per month before planning." in response.content.decode()
    assert not Plan.objects.exists()


def test_a_plan_found_by_the_greedy_method_states_its_gap(alice_client, alice_member, ties):
    proposal = make_proposal(
        alice_member, {ties["harbor"]: ("close", "rest")}, optimal=False, gap=0.042
    )
    plans.save_proposal(alice_member, proposal)
    text = alice_client.get(page()).content.decode()
    assert "within 4.2%" in text
    assert "gap = (bound − value) ÷ bound" in text


def test_without_a_budget_the_page_asks_for_one(bob_client):
    text = bob_client.get(page()).content.decode()
    assert "set your budget" in text
    response = bob_client.post(page(), {"weights-goal": "3"})
    assert response.status_code == 422


def test_proposing_saves_the_weights_and_the_plan(alice_client, alice_member, ties):
    data = {
        f"weights-{name}": str(value)
        for name, value in plans.plan_weights(alice_member).as_dict().items()
    }
    data["weights-goal"] = "5"
    response = alice_client.post(page(), data)
    assert response.status_code == 302, response.content
    assert plans.plan_weights(alice_member).goal == 5
    plan = plans.latest_plan(alice_member)
    assert plan is not None and plan.weights["goal"] == 5
    assert {line.tie_id for line in plan.lines.all()} == {ties["harbor"].pk, ties["gazette"].pk}


def test_a_bad_weight_is_named_and_nothing_is_proposed(alice_client, alice_member, ties):
    response = alice_client.post(page(), {"weights-goal": "-2", "weights-decay": "x"})
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "goal" in errors and "decay" in errors
    assert not Plan.objects.exists()


def test_accepting_all_and_one_line_and_reverting(alice_client, plan, ties):
    accept = reverse("budget:plan-accept", args=["riverton", plan.pk])
    response = alice_client.post(accept, {"tie": [str(ties["harbor"].pk)]})
    assert response.status_code == 302
    assert Tie.objects.get(pk=ties["harbor"].pk).status == Tie.Status.DORMANT
    text = alice_client.get(page()).content.decode()
    assert "Revert this line" in text and "Accepted" in text
    revert = reverse("budget:plan-revert", args=["riverton", plan.pk, ties["harbor"].pk])
    assert alice_client.post(revert).status_code == 302
    assert Tie.objects.get(pk=ties["harbor"].pk).status == Tie.Status.ACTIVE
    alice_client.post(accept, {"all": "1"})
    assert Tie.objects.get(pk=ties["harbor"].pk).status == Tie.Status.DORMANT
    response = alice_client.post(accept, {"all": "1"}, follow=True)
    assert "already accepted" not in response.content.decode()  # nothing open: nothing refused


def test_accepting_nothing_ticked_or_a_stale_line_says_so(alice_client, plan, ties):
    accept = reverse("budget:plan-accept", args=["riverton", plan.pk])
    response = alice_client.post(accept, {}, follow=True)
    assert "Tick the lines to accept" in response.content.decode()
    Tie.objects.filter(pk=ties["harbor"].pk).update(status=Tie.Status.ENDED)
    response = alice_client.post(accept, {"all": "1"}, follow=True)
    assert "ended now" in response.content.decode()
    assert not PlanLineRecord.objects.filter(accepted_at__isnull=False).exists()


def test_a_viewer_proposes_their_own_plan_but_may_not_accept(bob_client, bob_member, riverton):
    budget.save_budget(bob_member, {"hours_per_month": 2})
    city = make_stakeholder(riverton, "City Hall", is_internal=True)
    tie = make_tie(city, make_stakeholder(riverton, "Library"), cadence_days=7, owner=bob_member)
    plan = plans.save_proposal(bob_member, make_proposal(bob_member, {tie: ("close", "rest")}))
    text = bob_client.get(page()).content.decode()
    assert "needs the editor or owner role" in text and "only you may accept" in text
    assert "accept it for you" not in text  # no one else may
    assert "Accept all" not in text
    accept = reverse("budget:plan-accept", args=["riverton", plan.pk])
    assert bob_client.post(accept, {"all": "1"}).status_code == 403
    assert Tie.objects.get(pk=tie.pk).status == Tie.Status.ACTIVE


def test_another_members_plan_is_read_only_and_only_when_shared(
    bob_client, alice_member, bob_member, plan
):
    url = reverse("budget:member-plan", args=["riverton", alice_member.pk])
    assert bob_client.get(url).status_code == 404
    budget.save_budget(alice_member, {"shared": True})
    response = bob_client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Alice Reyes’s relationship plan" in text
    assert "Accept" not in text and 'name="weights-goal"' not in text
    assert "The weights this plan used" in text
    assert (
        bob_client.get(reverse("budget:member-plan", args=["riverton", bob_member.pk])).status_code
        == 302
    )


def test_another_workspaces_plan_answers_404(carol_client, alice_member, plan):
    budget.save_budget(alice_member, {"shared": True})
    assert (
        carol_client.get(
            reverse("budget:member-plan", args=["riverton", alice_member.pk])
        ).status_code
        == 404
    )
    assert carol_client.get(page()).status_code == 404
    accept = reverse("budget:plan-accept", args=["lakeside", plan.pk])
    assert carol_client.post(accept, {"all": "1"}).status_code == 404
    revert = reverse("budget:plan-revert", args=["lakeside", plan.pk, plan.lines.first().tie_id])
    assert carol_client.post(revert).status_code == 404


def test_the_budget_page_links_to_the_plan(alice_client, alice_member):
    budget.save_budget(alice_member, {"hours_per_month": 10})
    text = alice_client.get(reverse("budget:mine", args=["riverton"])).content.decode()
    assert f'href="{page()}"' in text


def test_a_long_plan_shows_the_first_changes_and_counts_the_rest(
    alice_client, alice_member, riverton, monkeypatch
):
    from cityweave.strategy import plan_views

    monkeypatch.setattr(plan_views, "CHANGED_SHOWN", 3)
    monkeypatch.setattr(plan_views, "UNCHANGED_SHOWN", 2)
    budget.save_budget(alice_member, {"hours_per_month": 10})
    city = make_stakeholder(riverton, "City Hall", is_internal=True)
    many = [
        make_tie(
            city, make_stakeholder(riverton, f"Partner {i}"), cadence_days=30, owner=alice_member
        )
        for i in range(9)
    ]
    moves = {tie: ("active", "rest" if i < 5 else "active") for i, tie in enumerate(many)}
    plans.save_proposal(alice_member, make_proposal(alice_member, moves))
    text = alice_client.get(page()).content.decode()
    assert "… and 2 more changes" in text
    assert "4 relationships unchanged" in text and "… and 2 more." in text
