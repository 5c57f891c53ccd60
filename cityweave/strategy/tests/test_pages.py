"""The budget pages: who reads and writes what (Alice owns Riverton, Bob is a viewer there,
Carol owns Lakeside)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cityweave.strategy import budget
from cityweave.strategy.models import TierSetting, TieTier, TimeBudget
from cityweave.testing import make_goal, make_member, make_stakeholder, make_tie, make_user

pytestmark = pytest.mark.django_db


def mine(slug: str = "riverton") -> str:
    return reverse("budget:mine", args=[slug])


def test_the_page_shows_planned_against_the_budget(alice_client, alice_member, riverton):
    budget.save_budget(alice_member, {"hours_per_month": 2})
    city = make_stakeholder(riverton, "City Hall", is_internal=True)
    fund = make_stakeholder(riverton, "Riverton Fund", sector="philanthropy")
    make_tie(city, fund, cadence_days=7, owner=alice_member)
    response = alice_client.get(mine())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Your relationship budget" in page
    assert "Over budget" in page  # 7-day cadence at 60 min: 4.35 h a month
    assert "4.35" in page
    assert "Riverton Fund" in page
    assert 'class="table-wrap" tabindex="0"' in page
    assert 'aria-current="page">Budget<' in page


def test_saving_the_budget_names_the_bad_field_and_writes_nothing(alice_client):
    response = alice_client.post(
        mine(),
        {
            "hours_per_month": "20",
            "operational_percent": "50",
            "personal_percent": "30",
            "strategic_percent": "30",
        },
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert "strategic_percent" in form.errors
    assert "add up to 110" in str(form.errors["strategic_percent"])
    assert not TimeBudget.objects.exists()
    response = alice_client.post(mine(), {"hours_per_month": "0"})
    assert response.status_code == 422
    assert "hours_per_month" in response.context["form"].errors


def test_saving_the_budget_with_a_split_and_own_tiers(alice_client, alice_member):
    response = alice_client.post(
        mine(),
        {
            "hours_per_month": "24",
            "operational_percent": "30",
            "personal_percent": "30",
            "strategic_percent": "40",
            "shared": "on",
            "close_cadence_days": "14",
            "dormant_minutes": "15",
        },
    )
    assert response.status_code == 302
    saved = TimeBudget.objects.get(member=alice_member)
    assert (saved.hours_per_month, saved.shared) == (24, True)
    assert saved.split == {"operational": 30, "personal": 30, "strategic": 40}
    assert saved.tiers == {"close": {"cadence_days": 14}, "dormant": {"minutes": 15}}
    page = alice_client.get(mine()).content.decode()
    assert "7.2" in page  # 30% of 24 h


def test_a_viewer_sets_their_own_budget_but_not_the_workspaces_tiers(bob_client, bob_member):
    assert bob_client.post(mine(), {"hours_per_month": "5"}).status_code == 302
    assert TimeBudget.objects.get().member == bob_member
    page = bob_client.get(mine()).content.decode()
    assert "The workspace’s defaults" not in page
    response = bob_client.post(
        reverse("budget:tiers", args=["riverton"]),
        {"defaults-close_cadence_days": "10", "defaults-close_minutes": "30"},
    )
    assert response.status_code == 403
    assert not TierSetting.objects.exists()


def test_an_editor_sets_the_workspaces_tiers_with_field_named_errors(alice_client):
    url = reverse("budget:tiers", args=["riverton"])
    data = {
        "defaults-close_cadence_days": "10",
        "defaults-close_minutes": "30",
        "defaults-active_cadence_days": "30",
        "defaults-active_minutes": "45",
        "defaults-maintained_cadence_days": "90",
        "defaults-maintained_minutes": "30",
        "defaults-dormant_cadence_days": "365",
        "defaults-dormant_minutes": "2",
    }
    response = alice_client.post(url, data)
    assert response.status_code == 422
    assert "dormant_minutes" in response.context["defaults_form"].errors
    assert not TierSetting.objects.exists()
    data["defaults-dormant_minutes"] = "20"
    assert alice_client.post(url, data).status_code == 302
    # Only the tier that differs from the built-in default is kept.
    assert list(TierSetting.objects.values_list("tier", "cadence_days", "minutes")) == [
        ("close", 10, 30)
    ]


def test_another_members_budget_shows_only_when_shared(
    alice_client, bob_client, alice_member, bob_member
):
    url = reverse("budget:member", args=["riverton", alice_member.pk])
    budget.save_budget(alice_member, {"hours_per_month": 24})
    assert bob_client.get(url).status_code == 404
    budget.save_budget(alice_member, {"shared": True})
    response = bob_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Alice Reyes’s relationship budget" in page
    assert "Set your budget" not in page
    assert bob_client.get(mine()).status_code == 200
    # One's own address goes to one's own page.
    own = reverse("budget:member", args=["riverton", bob_member.pk])
    assert bob_client.get(own).status_code == 302


def test_another_workspaces_ids_answer_404(
    alice_client, carol, carol_client, lakeside, riverton, alice_member
):
    carol_member = carol.memberships.get()
    budget.save_budget(carol_member, {"hours_per_month": 10, "shared": True})
    assert (
        alice_client.get(reverse("budget:member", args=["riverton", carol_member.pk])).status_code
        == 404
    )
    assert carol_client.get(mine("riverton")).status_code == 404
    foreign = make_tie(make_stakeholder(lakeside), make_stakeholder(lakeside))
    url = reverse("budget:tie-tier", args=["riverton", foreign.pk])
    assert alice_client.post(url, {"tier": "close"}).status_code == 404
    assert not TieTier.objects.exists()


def test_an_editor_sets_a_ties_tier_and_a_viewer_may_not(
    alice_client, bob_client, alice_member, riverton
):
    city = make_stakeholder(riverton, is_internal=True)
    tie = make_tie(city, make_stakeholder(riverton), cadence_days=7, owner=alice_member)
    url = reverse("budget:tie-tier", args=["riverton", tie.pk])
    assert bob_client.post(url, {"tier": "dormant"}).status_code == 403
    assert alice_client.post(url, {"tier": "dormant"}).status_code == 302
    assert TieTier.objects.get().tier == "dormant"
    response = alice_client.post(url, {"tier": "weekly"}, follow=True)
    assert "Unknown tier" in response.content.decode()
    assert alice_client.post(url, {"tier": ""}).status_code == 302
    assert not TieTier.objects.exists()


def test_a_tie_serving_no_goal_is_listed_as_time_without_a_goal(
    alice_client, alice_member, riverton
):
    city = make_stakeholder(riverton, is_internal=True)
    served = make_stakeholder(riverton, "Served Org")
    idle = make_stakeholder(riverton, "Idle Org")
    make_tie(city, served, cadence_days=30, owner=alice_member)
    make_tie(city, idle, cadence_days=30, owner=alice_member)
    make_goal(riverton, statement="Open the library").stakeholders.set([served])
    response = alice_client.get(mine())
    unaligned = response.context["unaligned"]
    assert [c.counterpart.name for c in unaligned] == ["Idle Org"]
    assert "Open the library" in response.content.decode()


def test_logged_out_visitors_go_to_log_in(client):
    response = client.get(mine())
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_a_member_of_no_budget_sees_an_empty_page(riverton):
    from django.test import Client

    user = make_user()
    make_member(riverton, user, "editor")
    client = Client()
    client.force_login(user)
    page = client.get(mine()).content.decode()
    assert "No budget set yet" in page
