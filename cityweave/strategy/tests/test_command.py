"""`cityweave budget show` (Alice owns Riverton, Bob is a viewer there, Carol owns Lakeside)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cityweave.strategy import budget
from cityweave.testing import make_stakeholder, make_tie

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
