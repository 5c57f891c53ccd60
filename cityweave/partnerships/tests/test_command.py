"""`cityweave partnership list` and `gaps`: the partnerships with their health, and a
partnership's asset and gap map with its suggestions, as the pages show them."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from cityweave.partnerships import gaps, risks
from cityweave.partnerships.testing import make_partner, make_partnership
from cityweave.testing import make_interaction, make_stakeholder, make_tie


def run(*args: str) -> str:
    out = StringIO()
    call_command("partnership", *args, stdout=out)
    return out.getvalue()


def test_list_gives_each_partnership_its_health(alice_member):
    riverton = alice_member.workspace
    bank, clinic = make_stakeholder(riverton, "Bank"), make_stakeholder(riverton, "Clinic")
    housing = make_partnership(alice_member, "Housing", officer=alice_member.pk)
    make_partner(alice_member, housing, bank, "funder")
    make_partner(alice_member, housing, clinic, "advisor")
    risks.save_risk(alice_member, housing, {"title": "Rates", "likelihood": 3, "impact": 4})
    make_interaction(riverton, [bank], timezone.now() - dt.timedelta(days=3))
    # A private interaction of Alice's is hers alone: the command line does not count it.
    make_interaction(
        riverton, [clinic], timezone.now() - dt.timedelta(days=2), author=alice_member, private=True
    )
    make_partnership(alice_member, "Jobs", status="exploring")

    out = run("list", "--workspace", "riverton")

    lines = out.splitlines()
    assert [line.split()[1] for line in lines] == ["Housing", "Jobs"]
    assert "[Active]" in lines[0] and "Alice" in lines[0]
    assert "1 open risks (top 12/25)" in lines[0]
    assert "partners engaged 1/2" in lines[0]
    assert run("list", "--workspace", "riverton", "--status", "exploring").count("\n") == 1
    assert "No partnerships in status closed." in run(
        "list", "--workspace", "riverton", "--status", "closed"
    )


def test_gaps_prints_the_map_with_suggestions_and_introducers(alice_member):
    riverton = alice_member.workspace
    city = make_stakeholder(riverton, "City of Riverton", is_internal=True)
    fund = make_stakeholder(riverton, "Riverton Fund", offers=["funding"])
    make_tie(city, fund, trust=4)
    housing = make_partnership(alice_member, "Housing")
    gaps.save_need(
        alice_member, housing, {"value_type": "funding", "description": "Seed", "amount": 100}
    )

    out = run("gaps", str(housing.pk), "--workspace", "riverton")

    assert "Housing: 0 covered, 0 partly covered, 1 uncovered." in out
    assert "- Funding: uncovered (needed 100 in money; offered nothing counted)" in out
    assert (
        "1. Riverton Fund (4.0 of 4 (tie rating)); could be introduced by City of Riverton" in out
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["list", "--workspace", "nowhere"], "--workspace: no workspace “nowhere”."),
        (["gaps", "999", "--workspace", "riverton"], "PARTNERSHIP_ID: no partnership 999"),
    ],
)
def test_the_commands_name_what_is_wrong(alice_member, args, message):
    with pytest.raises(CommandError, match=message) as raised:
        run(*args)
    assert raised.value.returncode == 2


def test_gaps_leaves_another_workspaces_partnership_alone(alice_member, carol):
    ours = make_partnership(alice_member, "Housing")
    with pytest.raises(CommandError, match="PARTNERSHIP_ID"):
        run("gaps", str(ours.pk), "--workspace", "lakeside")
