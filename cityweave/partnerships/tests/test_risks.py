"""The risk register: scores, the register's order, the heat grid, fields named, viewers and
other workspaces refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cityweave.partnerships import risks
from cityweave.partnerships.models import Risk
from cityweave.partnerships.testing import make_partnership
from cityweave.testing import make_member
from cityweave.workspaces.services import restore


@pytest.fixture
def partnership(alice_member):
    return make_partnership(alice_member)


def risk(member, partnership, title, likelihood, impact, **fields):
    data = {"title": title, "likelihood": likelihood, "impact": impact, **fields}
    return risks.save_risk(member, partnership, data)


def test_the_register_puts_the_highest_open_risks_first(alice_member, partnership):
    low = risk(alice_member, partnership, "Low", 1, 2)
    closed = risk(alice_member, partnership, "Closed", 5, 5, status="closed")
    mitigating = risk(alice_member, partnership, "Mitigating", 4, 4, status="mitigating")
    impact_first = risk(alice_member, partnership, "Impact first", 2, 3)
    likely_first = risk(alice_member, partnership, "Likely first", 3, 2)
    top = risk(alice_member, partnership, "Top", 5, 4)
    assert [r.score for r in (low, closed, mitigating, top)] == [2, 25, 16, 20]
    # Scores 20, 16, 6, 6, 2 among the open and mitigating; 6 = 2 × 3 before 3 × 2 (impact
    # first); closed last whatever its score.
    assert risks.risks(partnership) == [top, mitigating, impact_first, likely_first, low, closed]


def test_the_heat_grid_places_the_risks_not_closed(alice_member, partnership):
    top = risk(alice_member, partnership, "Top", 5, 4)
    risk(alice_member, partnership, "Closed", 5, 4, status="closed")
    grid = risks.heat_grid(risks.risks(partnership))
    assert [row[0].likelihood for row in grid] == [5, 4, 3, 2, 1]
    assert [cell.impact for cell in grid[0]] == [1, 2, 3, 4, 5]
    assert grid[0][3].risks == (top,)
    assert grid[0][3].band == "high" and grid[4][0].band == "low" and grid[2][2].band == "medium"
    assert sum(len(cell.risks) for row in grid for cell in row) == 1


def test_every_bad_field_is_named_and_nothing_is_written(alice_member, partnership, lakeside):
    stranger = make_member(lakeside)
    with pytest.raises(ValidationError) as raised:
        risks.save_risk(
            alice_member,
            partnership,
            {
                "title": "",
                "likelihood": 6,
                "impact": 0,
                "category": "weather",
                "status": "gone",
                "owner": stranger.pk,
            },
        )
    assert {"title", "likelihood", "impact", "category", "status", "owner"} <= set(
        raised.value.message_dict
    )
    assert not Risk.all_objects.exists()


def test_an_owner_is_a_member_and_can_be_cleared(alice_member, partnership):
    found = risk(alice_member, partnership, "Turnover", 3, 3, owner=alice_member.pk)
    assert found.owner == alice_member
    found = risks.save_risk(alice_member, partnership, {"owner": None}, found)
    assert found.owner is None


def test_viewers_cannot_write_and_other_workspaces_are_not_found(
    alice_member, bob_member, partnership, lakeside
):
    found = risk(alice_member, partnership, "Turnover", 3, 3)
    assert risks.get_risk(bob_member, partnership, found.pk) == found
    with pytest.raises(PermissionDenied):
        risks.save_risk(bob_member, partnership, {"title": "Mine"}, found)
    with pytest.raises(PermissionDenied):
        risks.trash_risk(bob_member, found)
    carol = make_member(lakeside)
    with pytest.raises(Http404):
        risks.get_risk(carol, partnership, found.pk)
    other = make_partnership(alice_member, "Other")
    with pytest.raises(Http404):
        risks.get_risk(alice_member, other, found.pk)


def test_a_risk_goes_to_the_trash_and_comes_back(alice_member, partnership):
    found = risk(alice_member, partnership, "Turnover", 3, 3)
    entry = risks.trash_risk(alice_member, found)
    assert risks.risks(partnership) == []
    restore(alice_member, entry.pk)
    assert risks.risks(partnership) == [found]
