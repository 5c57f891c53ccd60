"""The dashboard's counts agree with the lists they link to, including after a restore."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cityweave.engagement.services import trash_stakeholder
from cityweave.stakeholders.models import Tie
from cityweave.stakeholders.services import trash_tie
from cityweave.testing import make_stakeholder, make_tie

pytestmark = pytest.mark.django_db


def url(name: str, *args: object) -> str:
    return reverse(name, args=["riverton", *args])


def listed_count(client, address: str) -> int:
    response = client.get(address)
    assert response.status_code == 200
    return response.context["page_obj"].paginator.count


def test_restoring_a_tie_whose_end_is_in_the_trash_keeps_the_count_and_the_list_agreeing(
    alice_client, alice_member, riverton
):
    city = make_stakeholder(riverton, "City of Riverton", is_internal=True)
    bank = make_stakeholder(riverton, "Riverton Bank")
    make_tie(city, make_stakeholder(riverton, "Chamber of Commerce"), status=Tie.Status.ACTIVE)
    tie = make_tie(city, bank, status=Tie.Status.ACTIVE)
    tie_entry = trash_tie(alice_member, tie)
    bank_entry = trash_stakeholder(
        alice_member, bank
    )  # the tie is already in the trash: it stays there
    response = alice_client.post(url("trash:restore", tie_entry.pk))
    assert response.status_code == 302
    tie.refresh_from_db()
    assert tie.deleted_at is None  # the tie is back, its end (the bank) is not

    dashboard = alice_client.get(url("dashboard"))
    active = dashboard.context["stats"]["active_ties"]
    assert active == 1
    assert listed_count(alice_client, f"{url('ties:list')}?status=active") == active
    # The city's tie count on the stakeholders list leaves out the tie to the trashed bank too.
    stakeholders = alice_client.get(url("stakeholders:list"), {"q": "City of Riverton"})
    (row,) = stakeholders.context["object_list"]
    assert row.tie_count == 1

    # Restoring the bank brings the tie back into both.
    alice_client.post(url("trash:restore", bank_entry.pk))
    assert alice_client.get(url("dashboard")).context["stats"]["active_ties"] == 2
    assert listed_count(alice_client, f"{url('ties:list')}?status=active") == 2


def test_each_count_links_to_its_list_filtered_to_the_same_rows(
    alice_client, bob_client, alice_member, bob_member, riverton
):
    import datetime as dt

    from django.utils import timezone

    from cityweave.engagement.models import Commitment
    from cityweave.testing import make_commitment, make_interaction

    city = make_stakeholder(riverton, "City of Riverton", is_internal=True)
    partners = [make_stakeholder(riverton, f"Partner {i}") for i in range(4)]
    make_tie(city, partners[0], status=Tie.Status.ACTIVE)
    make_tie(city, partners[1], status=Tie.Status.DORMANT)
    make_tie(city, partners[2], status=Tie.Status.ACTIVE)
    now = timezone.now()
    for days_ago in (0, 3, 29, 31, 90):
        make_interaction(riverton, [partners[0]], when=now - dt.timedelta(days=days_ago))
    make_interaction(riverton, [partners[1]], when=now + dt.timedelta(days=5))  # planned
    # Alice's private note: she counts it, Bob neither counts nor sees it.
    make_interaction(riverton, [partners[2]], private=True, author=alice_member)
    make_commitment(partners[0])
    make_commitment(partners[1], status=Commitment.Status.DONE)
    make_commitment(partners[2], due_on=timezone.localdate() - dt.timedelta(days=3))

    for client, expected_recent in ((alice_client, 4), (bob_client, 3)):
        dashboard = client.get(url("dashboard"))
        stats, links = dashboard.context["stats"], dashboard.context["stat_links"]
        assert stats["recent_interactions"] == expected_recent
        assert stats["stakeholders"] == 5
        assert stats["active_ties"] == 2
        assert stats["open_commitments"] == 2
        for key in ("stakeholders", "active_ties", "recent_interactions", "open_commitments"):
            assert f'href="{links[key]}"'.replace("&", "&amp;") in dashboard.content.decode()
            assert listed_count(client, links[key]) == stats[key], key
