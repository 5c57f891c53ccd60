"""An id past what the database stores, typed into a form's choice, is refused naming the field
(422), never a server error."""

from __future__ import annotations

import pytest

from cityweave.partnerships.testing import make_partner, make_partnership
from cityweave.testing import make_stakeholder

HUGE = "99999999999999999999"


@pytest.mark.parametrize(
    ("path", "data", "field"),
    [
        ("new/", {"name": "Y", "status": "active", "goals": HUGE}, "goals"),
        ("{pk}/edit/", {"name": "Y", "status": "active", "goals": HUGE}, "goals"),
        ("{pk}/edit/", {"name": "Y", "status": "active", "officer": HUGE}, "officer"),
        ("{pk}/activities/new/", {"name": "E", "held_on": "2026-11-01", "partners": HUGE}, "partners"),
    ],
)  # fmt: skip
def test_a_huge_id_is_refused_naming_its_field(alice_client, alice_member, path, data, field):
    partnership = make_partnership(alice_member, "Housing")
    make_partner(
        alice_member, partnership, make_stakeholder(alice_member.workspace, "Bank"), "funder"
    )
    response = alice_client.post(f"/w/riverton/partnerships/{path.format(pk=partnership.pk)}", data)
    assert response.status_code == 422
    assert field in response.context["form"].errors


def test_an_interactions_goal_with_a_huge_id_is_refused(alice_client, alice_member):
    bank = make_stakeholder(alice_member.workspace, "Bank")
    response = alice_client.post(
        "/w/riverton/interactions/new/",
        {"kind": "meeting", "occurred_at": "2026-11-01T10:00", "summary": "Talk",
         "participants": [bank.pk], "goal": HUGE},
    )  # fmt: skip
    assert response.status_code == 422
    assert "goal" in response.context["form"].errors
