"""A stakeholder's page reads at a glance: profile, health, ties and timeline first; quick capture
folded until asked for; a trashed stakeholder's address says where it went and who restores it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cityweave.engagement.services import trash_stakeholder
from cityweave.testing import make_interaction, make_member, make_stakeholder, make_tie, make_user

pytestmark = pytest.mark.django_db


def url(name: str, *args: object, slug: str = "riverton") -> str:
    return reverse(name, args=[slug, *args])


def days_ago(n: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=n)


@pytest.fixture
def foundation(riverton):
    return make_stakeholder(riverton, "Riverton Community Foundation", sector="philanthropy")


def test_profile_health_ties_and_timeline_come_before_the_capture_form(
    alice_client, riverton, foundation
):
    city = make_stakeholder(riverton, "City of Riverton", is_internal=True)
    make_tie(city, foundation, cadence_days=14, started_on=days_ago(100).date())
    make_interaction(riverton, [foundation], when=days_ago(20), summary="Budget walk-through")

    content = alice_client.get(url("stakeholders:detail", foundation.pk)).content.decode()

    order = [
        content.index(marker)
        for marker in (
            'id="profile-h"',
            'id="health-h"',
            'id="ties-h"',
            'id="timeline-h"',
            '<details class="card capture-panel" id="log">',
        )
    ]
    assert order == sorted(order)
    panel = content.split('<details class="card capture-panel" id="log">')[1].split("</details>")[0]
    assert "Log an interaction" in panel
    assert url("interactions:capture", foundation.pk) in panel  # the one quick-capture form
    assert '<details class="card capture-panel" id="log" open' not in content


def test_the_health_panel_counts_and_names_both_ends_of_each_cooling_tie(
    alice_client, riverton, foundation
):
    city = make_stakeholder(riverton, "City of Riverton", is_internal=True)
    bank = make_stakeholder(riverton, "Riverton Savings Bank")
    make_tie(city, foundation, cadence_days=14, started_on=days_ago(100).date())
    make_tie(foundation, bank, cadence_days=30, started_on=days_ago(100).date())
    make_interaction(riverton, [foundation, bank], when=days_ago(20))  # cools only the 14-day tie

    response = alice_client.get(url("stakeholders:detail", foundation.pk))

    summary = response.context["health_summary"]
    assert summary["total"] == 2
    assert [(r["status"], r["count"]) for r in summary["counts"]] == [
        ("cooling", 1),
        ("healthy", 1),
    ]
    panel = response.content.decode().split('id="health-h"')[1].split("</section>")[0]
    assert "1 cooling" in panel and "1 healthy" in panel
    assert "City of Riverton — Riverton Community Foundation" in panel
    assert "every 14 days" in panel


def test_the_timeline_lists_the_other_participants_without_a_trailing_comma(
    alice_client, riverton, foundation
):
    bank = make_stakeholder(riverton, "Riverton Savings Bank")
    # The page's stakeholder is the last participant by name: its name used to leave a comma.
    first = make_stakeholder(riverton, "Aardvark Trust")
    make_interaction(riverton, [first, bank, foundation], summary="Three-way call")

    content = alice_client.get(url("stakeholders:detail", foundation.pk)).content.decode()

    assert "with Aardvark Trust, Riverton Savings Bank</small>" in content
    assert ",</small>" not in content and ", </small>" not in content


def test_a_viewer_sees_no_capture_panel(bob_client, foundation):
    content = bob_client.get(url("stakeholders:detail", foundation.pk)).content.decode()
    assert "capture-panel" not in content
    assert 'id="health-h"' in content


def trash(member, stakeholder):
    return trash_stakeholder(member, stakeholder)


def test_a_trashed_stakeholder_says_it_is_in_the_trash_and_an_owner_restores_it(
    alice_client, alice_member, riverton, foundation
):
    make_tie(make_stakeholder(riverton, "City of Riverton", is_internal=True), foundation)
    entry = trash(alice_member, foundation)

    response = alice_client.get(url("stakeholders:detail", foundation.pk))

    assert response.status_code == 404
    content = response.content.decode()
    assert "Riverton Community Foundation is in the trash" in content
    assert entry.deleted_at.astimezone(dt.UTC).strftime("%Y") in content
    assert "by Alice Reyes" in content
    assert "with 1 record that went with it" in content
    assert url("trash:restore", entry.pk) in content  # Alice is an owner: she can restore it here
    assert url("trash:list") in content


def test_an_editor_is_told_which_owners_can_restore_it(client, alice_member, riverton, foundation):
    erin = make_user("erin@riverton.example", "Erin Park")
    make_member(riverton, erin, "editor")
    client.force_login(erin)
    entry = trash(alice_member, foundation)

    response = client.get(url("stakeholders:detail", foundation.pk))

    content = response.content.decode()
    assert response.status_code == 404
    assert "Only an owner of Riverton can restore it: Alice Reyes." in content
    assert url("trash:restore", entry.pk) not in content
    assert url("trash:list") in content


def test_a_viewer_reads_the_notice_without_a_restore_button(bob_client, alice_member, foundation):
    entry = trash(alice_member, foundation)
    content = bob_client.get(url("stakeholders:detail", foundation.pk)).content.decode()
    assert "is in the trash" in content
    assert url("trash:restore", entry.pk) not in content


def test_another_workspace_gets_a_bare_404_for_a_trashed_stakeholder(
    carol_client, alice_member, foundation
):
    trash(alice_member, foundation)
    response = carol_client.get(url("stakeholders:detail", foundation.pk))
    assert response.status_code == 404
    assert b"in the trash" not in response.content
    assert b"Riverton Community Foundation" not in response.content
    response = carol_client.get(url("stakeholders:detail", foundation.pk, slug="lakeside"))
    assert response.status_code == 404
    assert b"Riverton Community Foundation" not in response.content


def test_a_live_stakeholders_missing_id_is_still_a_plain_404(alice_client):
    response = alice_client.get(url("stakeholders:detail", 999_999))
    assert response.status_code == 404
    assert b"in the trash" not in response.content
