"""An id past what the database stores, in a picker's address or a form's field, is "no such
record" (a 4xx naming the field), never a server error."""

from __future__ import annotations

import pytest

from cityweave.testing import make_stakeholder

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"


@pytest.fixture
def funder(riverton):
    return make_stakeholder(riverton, "Riverton Community Foundation", kind="organisation")


@pytest.mark.parametrize(
    "path",
    [
        "/w/riverton/interactions/new/?stakeholder=" + HUGE,
        "/w/riverton/commitments/new/?stakeholder=" + HUGE,
        "/w/riverton/ties/new/?source=" + HUGE,
    ],
)
def test_a_huge_id_in_a_pickers_address_is_no_choice(alice_client, funder, path):
    assert alice_client.get(path).status_code == 200


def test_a_huge_id_in_the_merge_address_is_no_choice(alice_client, funder):
    assert alice_client.get(
        f"/w/riverton/stakeholders/{funder.pk}/merge/?stakeholder={HUGE}"
    ).status_code in (200, 400, 422)


@pytest.mark.parametrize(
    ("path", "data", "field"),
    [
        (
            "/w/riverton/stakeholders/new/",
            {
                "name": "Ana",
                "kind": "person",
                "sector": "nonprofit",
                "level": "local",
                "organisations": HUGE,
            },
            "organisations",
        ),
        (
            "/w/riverton/interactions/new/",
            {
                "occurred_at": "2026-11-01T10:00",
                "kind": "meeting",
                "summary": "x",
                "participants": HUGE,
            },
            "participants",
        ),
        (
            "/w/riverton/ties/new/",
            {"source": HUGE, "target": HUGE, "kind": "partner", "status": "active"},
            "source",
        ),
    ],
)
def test_a_huge_id_posted_is_refused_naming_the_field(alice_client, funder, path, data, field):
    response = alice_client.post(path, data)
    assert 400 <= response.status_code < 500
    assert f'id="id_{field}_error"' in response.text or "No such" in response.text


def test_a_huge_id_posted_to_the_merge_is_refused(alice_client, funder):
    response = alice_client.post(
        f"/w/riverton/stakeholders/{funder.pk}/merge/", {"stakeholder": HUGE}
    )
    assert 400 <= response.status_code < 500
