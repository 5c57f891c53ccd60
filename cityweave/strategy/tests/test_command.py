"""`cityweave budget show` and `budget plan` (Alice owns Riverton, Bob is a viewer there, Carol owns Lakeside)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cityweave.stakeholders.models import Tie
from cityweave.strategy import budget, plans
from cityweave.strategy.models import Plan
from cityweave.strategy.tests.plan_factories import make_proposal
from cityweave.testing import make_stakeholder, make_tie
from cityweave.workspaces.models import Workspace

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("budget", *args, stdout=out)
    return out.getvalue()


def test_it_shows_my_budget_as_text(alice, alice_member, riverton):
    budget.save_budget(
        alice_member,
        {
            "hours_per_month": 24,
            "operational_percent": 30,
            "personal_percent": 30,
            "strategic_percent": 40,
        },
    )
    city = make_stakeholder(riverton, "City Hall", is_internal=True)
    make_tie(
        city, make_stakeholder(riverton, "Harbor Association"), cadence_days=7, owner=alice_member
    )
    text = run("show", "riverton", "--as", alice.email)
    assert "Budget: 24 h a month" in text
    assert "strategic: 40% = 9.6 h" in text
    assert "Planned: 4.3 h a month over 1 tie (18% of the budget)" in text
    assert "Harbor Association" in text  # serves no goal
    assert "Close partners" in text


def test_it_shows_a_shared_budget_as_json_and_refuses_an_unshared_one(bob, alice, alice_member):
    budget.save_budget(alice_member, {"hours_per_month": 24})
    with pytest.raises(CommandError, match="--member"):
        run("show", "riverton", "--as", bob.email, "--member", alice.email)
    budget.save_budget(alice_member, {"shared": True})
    body = json.loads(
        run("show", "riverton", "--as", bob.email, "--member", alice.email, "--format", "json")
    )
    assert (body["member"], body["hours_per_month"]) == (alice_member.pk, 24)


def test_it_refuses_someone_outside_the_workspace(carol, alice):
    with pytest.raises(CommandError, match="--as"):
        run("show", "riverton", "--as", carol.email)
    with pytest.raises(CommandError, match="--member"):
        run("show", "lakeside", "--as", carol.email, "--member", alice.email)


# ----------------------------------------------------------------------------------------------
# cityweave budget plan


@pytest.fixture
def alices_ties(alice_member, riverton):
    budget.save_budget(alice_member, {"hours_per_month": 10})
    city = make_stakeholder(riverton, "City Hall", is_internal=True)
    harbor = make_stakeholder(riverton, "Harbor Association", sector="business")
    return [make_tie(city, harbor, cadence_days=7, owner=alice_member)]


def test_budget_plan_proposes_a_plan_and_keeps_it(alice, alice_member, alices_ties):
    text = run("plan", "riverton", "--as", alice.email, "--time-limit", "2")
    assert "Relationship plan of Alice Reyes" in text
    assert "Hours a month:" in text and "(budget 10 h)" in text
    assert "Blau index" in text
    plan = plans.latest_plan(alice_member)
    assert plan is not None
    assert [line.tie_id for line in plan.lines.all()] == [alices_ties[0].pk]


def test_budget_plan_latest_and_accept(alice, alice_member, alices_ties):
    proposal = make_proposal(alice_member, {alices_ties[0]: ("close", "rest")})
    plans.save_proposal(alice_member, proposal)
    data = json.loads(run("plan", "riverton", "--as", alice.email, "--latest", "--format", "json"))
    assert data["changes"] == 1 and data["lines"][0]["proposed"] == "rest"
    text = run("plan", "riverton", "--as", alice.email, "--latest", "--accept")
    assert "Accepted now: 1 change(s)." in text
    assert Tie.objects.get(pk=alices_ties[0].pk).status == Tie.Status.DORMANT


def test_budget_plan_prints_times_in_the_workspaces_time_zone(
    alice, alice_member, riverton, alices_ties
):
    Workspace.objects.filter(pk=riverton.pk).update(timezone="Asia/Tokyo")
    plan = plans.save_proposal(
        alice_member, make_proposal(alice_member, {alices_ties[0]: ("close", "rest")})
    )
    made = dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC)
    Plan.objects.filter(pk=plan.pk).update(created_at=made)
    text = run("plan", "riverton", "--as", alice.email, "--latest")
    assert "Relationship plan of Alice Reyes, 2026-03-02 08:30 (Asia/Tokyo)" in text


def test_budget_plan_refuses_what_it_cannot_do(alice, bob, bob_member, alices_ties, lakeside):
    with pytest.raises(CommandError, match="No plan yet"):
        run("plan", "riverton", "--as", alice.email, "--latest")
    with pytest.raises(CommandError, match="hours per month"):
        run("plan", "riverton", "--as", bob.email)
    budget.save_budget(bob_member, {"hours_per_month": 2})
    with pytest.raises(CommandError, match="--accept: Viewers") as refused:
        run("plan", "riverton", "--as", bob.email, "--accept")
    assert refused.value.returncode == 2
    assert not Plan.objects.filter(member=bob_member).exists()  # refused before proposing
    with pytest.raises(CommandError, match="more than 0 and at most 600") as refused:
        run("plan", "riverton", "--as", alice.email, "--time-limit", "0")
    assert refused.value.returncode == 2
    with pytest.raises(CommandError, match="not a member"):
        run("plan", "lakeside", "--as", alice.email)
    with pytest.raises(CommandError, match="WORKSPACE: no workspace “nowhere”"):
        run("plan", "nowhere", "--as", alice.email)
