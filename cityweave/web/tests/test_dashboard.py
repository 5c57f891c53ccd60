"""The dashboard: headline numbers, promises due, relationships cooling, goals, sectors; roles and scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cityweave.goals.models import GoalProgress
from cityweave.testing import (
    make_commitment,
    make_goal,
    make_interaction,
    make_member,
    make_stakeholder,
    make_tie,
)
from cityweave.web.views import workspace_today

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("dashboard", args=["riverton"])


def days_ago(n: int) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=n)


def test_it_shows_the_headline_numbers(alice_client, riverton):
    city = make_stakeholder(riverton, "City of Riverton", is_internal=True)
    foundation = make_stakeholder(riverton, "Riverton Community Foundation")
    make_tie(city, foundation, status="active")
    make_tie(foundation, make_stakeholder(riverton, "Old Mill Trust"), status="ended")
    make_interaction(riverton, [foundation], when=days_ago(3))
    make_interaction(riverton, [foundation], when=days_ago(45))
    make_commitment(foundation, status="open")
    make_commitment(foundation, status="done", owed_by="us")
    make_commitment(foundation, status="done", owed_by="us")
    make_commitment(foundation, status="done", owed_by="us")
    make_commitment(foundation, status="missed", owed_by="us")
    make_commitment(foundation, status="missed", owed_by="them")

    response = alice_client.get(DASHBOARD)

    assert response.status_code == 200
    stats = response.context["stats"]
    assert stats["stakeholders"] == 3
    assert stats["active_ties"] == 1
    assert stats["recent_interactions"] == 1
    assert stats["open_commitments"] == 1
    assert (stats["kept"].kept, stats["kept"].missed, stats["kept"].percent) == (3, 1, 75)
    assert "75%" in response.content.decode()
    assert "kept ÷ (kept + missed)" in response.content.decode()


def test_it_lists_overdue_and_due_this_week_commitments_with_owner_and_days(
    alice_client, riverton, alice_member
):
    today = workspace_today(riverton)
    bank = make_stakeholder(riverton, "Riverton Savings Bank")
    make_commitment(
        bank, today - dt.timedelta(days=4), description="Send the budget", owner=alice_member
    )
    make_commitment(bank, today + dt.timedelta(days=2), description="Share the site plan")
    make_commitment(bank, today + dt.timedelta(days=20), description="Annual report")
    make_commitment(bank, today - dt.timedelta(days=9), description="Closed one", status="done")

    response = alice_client.get(DASHBOARD)

    content = response.content.decode()
    overdue = [row["commitment"].description for row in response.context["overdue"]]
    due_soon = [row["commitment"].description for row in response.context["due_soon"]]
    assert overdue == ["Send the budget"]
    assert due_soon == ["Share the site plan"]
    assert "4 days overdue" in content
    assert "in 2 days" in content
    assert "Riverton Savings Bank" in content
    assert "Alice Reyes" in content
    assert "Annual report" not in content


def test_it_lists_cooling_and_cold_relationships_most_influential_first(alice_client, riverton):
    city = make_stakeholder(riverton, "City of Riverton", is_internal=True)
    quiet = make_stakeholder(riverton, "Quiet Library Friends", influence=2)
    mayor_ally = make_stakeholder(riverton, "Riverton Chamber", influence=5)
    warm = make_stakeholder(riverton, "Weekly Partners", influence=5)
    make_tie(city, quiet, cadence_days=30, started_on=(days_ago(200)).date())
    make_tie(city, mayor_ally, cadence_days=30, started_on=(days_ago(200)).date())
    make_tie(city, warm, cadence_days=30, started_on=(days_ago(200)).date())
    make_interaction(riverton, [quiet], when=days_ago(90))  # cold: over twice the cadence
    make_interaction(riverton, [mayor_ally], when=days_ago(40))  # cooling
    make_interaction(riverton, [warm], when=days_ago(5))  # healthy

    response = alice_client.get(DASHBOARD)

    rows = response.context["at_risk"]
    assert [(h.counterparts[0].name, h.status) for h in rows] == [
        ("Riverton Chamber", "cooling"),
        ("Quiet Library Friends", "cold"),
    ]
    content = response.content.decode()
    assert "?health=cold" in content and "?health=cooling" in content
    assert "40 days ago" in content


def test_its_cooling_panel_names_both_ends_and_the_cadence_with_its_unit(alice_client, riverton):
    city = make_stakeholder(riverton, "City of Riverton", is_internal=True)
    foundation = make_stakeholder(riverton, "Riverton Community Foundation", influence=4)
    bank = make_stakeholder(riverton, "Riverton Savings Bank", influence=3)
    make_tie(city, foundation, cadence_days=14, started_on=days_ago(200).date())
    make_tie(foundation, bank, cadence_days=1, started_on=days_ago(200).date())
    make_interaction(riverton, [foundation], when=days_ago(20))

    content = alice_client.get(DASHBOARD).content.decode()

    panel = content.split('id="risk-h"')[1].split("</section>")[0]
    assert "City of Riverton</a> — <a" in panel
    assert ">Riverton Community Foundation</a>" in panel
    assert "Riverton Community Foundation</a> — <a" in panel  # the tie between two outsiders
    assert "every 14 days, at most 28" in panel
    assert "every 1 day, at most 2<" in panel
    assert "/ every" not in panel


def test_its_cooling_panel_counts_a_tie_past_its_own_maximum_as_cold(alice_client, riverton):
    city = make_stakeholder(riverton, "City of Riverton", is_internal=True)
    foundation = make_stakeholder(riverton, "Riverton Community Foundation", influence=4)
    make_tie(city, foundation, cadence_days=14, max_cadence_days=18)
    make_interaction(riverton, [foundation], when=days_ago(20))

    content = alice_client.get(DASHBOARD).content.decode()

    panel = content.split('id="risk-h"')[1].split("</section>")[0]
    assert '<span class="badge cold">1 cold</span>' in panel
    assert "cooling</span></a>" not in panel
    assert "every 14 days, at most 18" in panel


def test_a_dormant_tie_is_not_listed_as_cooling_anywhere(alice_client, riverton):
    city = make_stakeholder(riverton, "City of Riverton", is_internal=True)
    shelved = make_stakeholder(riverton, "Shelved Partner", influence=5)
    cooling = make_stakeholder(riverton, "Cooling Partner", influence=1)
    dormant = make_tie(
        city, shelved, cadence_days=30, status="dormant", started_on=days_ago(400).date()
    )
    make_tie(city, cooling, cadence_days=30, started_on=days_ago(45).date())

    response = alice_client.get(DASHBOARD)

    assert [h.counterparts[0].name for h in response.context["at_risk"]] == ["Cooling Partner"]
    assert (response.context["cold_count"], response.context["cooling_count"]) == (0, 1)
    assert "Shelved Partner" not in response.content.decode()
    cooling_list = alice_client.get(reverse("ties:list", args=["riverton"]) + "?health=cold")
    assert "Shelved Partner" not in cooling_list.content.decode()
    tie_page = alice_client.get(reverse("ties:detail", args=["riverton", dormant.pk]))
    assert "Dormant ties have no health" in tie_page.content.decode()


def test_it_shows_active_goals_by_deadline_with_progress(alice_client, riverton):
    today = workspace_today(riverton)
    later = make_goal(
        riverton, statement="Ten anchor ties", deadline=today + dt.timedelta(days=300)
    )
    sooner = make_goal(
        riverton,
        statement="Five philanthropy ties",
        baseline=Decimal(0),
        target=Decimal(10),
        deadline=today + dt.timedelta(days=30),
    )
    GoalProgress.objects.create(goal=sooner, value=Decimal(4))
    make_goal(riverton, statement="Done already", status="achieved")

    response = alice_client.get(DASHBOARD)

    assert [row["goal"] for row in response.context["goals"]] == [sooner, later]
    content = response.content.decode()
    assert 'aria-valuenow="40"' in content
    assert "Done already" not in content


def test_it_counts_stakeholders_by_sector(alice_client, riverton):
    make_stakeholder(riverton, sector="philanthropy")
    make_stakeholder(riverton, sector="philanthropy")
    make_stakeholder(riverton, sector="business")

    response = alice_client.get(DASHBOARD)

    bars = [(b["key"], b["count"], b["percent"]) for b in response.context["sector_bars"]]
    assert bars == [("philanthropy", 2, 100), ("business", 1, 50)]
    assert 'class="bars"' in response.content.decode()


def test_it_shows_recent_interactions_but_not_other_peoples_private_ones(
    bob_client, riverton, alice_member
):
    foundation = make_stakeholder(riverton, "Riverton Community Foundation")
    make_interaction(riverton, [foundation], summary="Coffee with the director")
    make_interaction(
        riverton, [foundation], summary="Secret budget talk", private=True, author=alice_member
    )

    response = bob_client.get(DASHBOARD)

    content = response.content.decode()
    assert "Coffee with the director" in content
    assert "Secret budget talk" not in content
    assert response.context["stats"]["recent_interactions"] == 1


def test_a_new_workspace_is_told_what_to_do_first(alice_client, bob_client, riverton):
    owner_view = alice_client.get(DASHBOARD).content.decode()
    assert "Getting started" in owner_view
    assert reverse("stakeholders:new", args=["riverton"]) in owner_view

    viewer_view = bob_client.get(DASHBOARD).content.decode()
    assert "Getting started" in viewer_view
    assert "ask an editor or owner" in viewer_view
    assert reverse("stakeholders:new", args=["riverton"]) not in viewer_view


def test_it_needs_few_queries_however_much_data(
    alice_client, riverton, alice_member, django_assert_max_num_queries
):
    today = workspace_today(riverton)
    city = make_stakeholder(riverton, "City of Riverton", is_internal=True)
    for i in range(12):
        partner = make_stakeholder(riverton, f"Partner {i}", sector=["business", "media"][i % 2])
        make_tie(
            city,
            partner,
            cadence_days=10,
            owner=alice_member,
            started_on=today - dt.timedelta(days=400),
        )
        make_interaction(riverton, [partner, city], when=days_ago(25 + i), author=alice_member)
        make_commitment(partner, today - dt.timedelta(days=i + 1), owner=alice_member)
        make_commitment(partner, today + dt.timedelta(days=i % 7), owner=alice_member)
        goal = make_goal(riverton, owner=alice_member)
        GoalProgress.objects.create(goal=goal, value=Decimal(5))

    with django_assert_max_num_queries(30):
        response = alice_client.get(DASHBOARD)

    assert response.status_code == 200
    assert len(response.context["overdue"]) == 10
    assert response.context["overdue_count"] == 12
    assert len(response.context["at_risk"]) == 10


def test_a_viewer_reads_the_dashboard_but_cannot_post(bob_client, riverton):
    assert bob_client.get(DASHBOARD).status_code == 200
    assert bob_client.post(DASHBOARD).status_code == 403


def test_another_workspace_gets_404(carol_client, riverton):
    assert carol_client.get(DASHBOARD).status_code == 404


def test_logged_out_visitors_are_sent_to_login(client, riverton):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_today_follows_the_workspace_time_zone(riverton, lakeside):
    riverton.timezone, lakeside.timezone = "Pacific/Kiritimati", "Pacific/Pago_Pago"
    # UTC+14 and UTC-11 are 25 hours apart: never the same calendar day (two days apart in the
    # hour from 10:00 UTC, when Kiritimati has reached tomorrow and Pago Pago is still in yesterday).
    apart = workspace_today(riverton) - workspace_today(lakeside)
    assert apart in (dt.timedelta(days=1), dt.timedelta(days=2))


def test_an_editor_sees_the_same_numbers_as_the_owner(client, riverton):
    editor = make_member(riverton, role="editor")
    make_stakeholder(riverton, "Riverton Bank")
    client.force_login(editor.user)
    response = client.get(DASHBOARD)
    assert response.context["stats"]["stakeholders"] == 1
