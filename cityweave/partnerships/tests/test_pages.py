"""Partnership pages: the list (empty state, status filter), the page with its sections, the
partnership form and trash; scoping to the workspace and viewers reading only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cityweave.partnerships.models import Partnership
from cityweave.partnerships.testing import make_partner, make_partnership
from cityweave.testing import make_goal, make_stakeholder
from cityweave.workspaces.models import TrashEntry

pytestmark = pytest.mark.django_db


def url(name: str, *args: object, slug: str = "riverton") -> str:
    return reverse(name, args=[slug, *args])


def test_an_empty_list_explains_what_a_partnership_is(alice_client):
    page = alice_client.get(url("partnerships:list")).content.decode()
    assert "No partnerships yet" in page
    assert "specific role to play" in page
    assert url("partnerships:new") in page


def test_the_list_filters_by_status(alice_client, alice_member):
    make_partnership(alice_member, "Safe Routes", status="active")
    make_partnership(alice_member, "Warm Homes", status="exploring")
    page = alice_client.get(url("partnerships:list")).content.decode()
    assert "Safe Routes" in page and "Warm Homes" in page
    page = alice_client.get(url("partnerships:list") + "?status=exploring").content.decode()
    assert "Warm Homes" in page and "Safe Routes" not in page
    page = alice_client.get(url("partnerships:list") + "?status=closed").content.decode()
    assert "No partnerships with this status" in page


def test_the_nav_links_to_partnerships(alice_client):
    page = alice_client.get(url("partnerships:list")).content.decode()
    assert f'href="{url("partnerships:list")}" aria-current="page">Partnerships' in page


def test_the_page_shows_the_header_and_the_partners_section(alice_client, alice_member):
    riverton = alice_member.workspace
    school = make_stakeholder(riverton, "Riverton Unified")
    goal = make_goal(riverton, statement="Fewer injuries near schools")
    partnership = make_partnership(
        alice_member,
        problem="Children walk along busy roads.",
        consulted=[school],
        area="North Riverton",
        population_groups=["Children", "Parents"],
        goals=[goal],
        officer=alice_member.pk,
    )
    make_partner(alice_member, partnership, school, "champion", responsibility="Opens the gates")
    page = alice_client.get(partnership.get_absolute_url()).content.decode()
    assert "Children walk along busy roads." in page
    assert "North Riverton" in page and "Children, Parents" in page
    assert "Fewer injuries near schools" in page
    assert 'id="partners"' in page and "Opens the gates" in page


def test_create_edit_and_trash_through_the_pages(alice_client, alice_member):
    riverton = alice_member.workspace
    school = make_stakeholder(riverton, "Riverton Unified")
    response = alice_client.post(
        url("partnerships:new"),
        {
            "name": "Safe Routes",
            "problem": "Busy roads",
            "consulted": [school.pk],
            "population_groups_text": "Children\n\n Parents \n",
            "status": "forming",
            "started_on": "2026-02-01",
            "review_on": "2026-08-01",
            "officer": alice_member.pk,
        },
    )
    assert response.status_code == 302
    partnership = Partnership.objects.get(name="Safe Routes")
    assert partnership.population_groups == ["Children", "Parents"]
    assert list(partnership.consulted.all()) == [school]
    response = alice_client.post(
        url("partnerships:edit", partnership.pk),
        {
            "name": "Safe Routes",
            "status": "active",
            "started_on": "2026-02-01",
            "review_on": "2026-01-01",
        },
    )
    assert response.status_code == 422
    assert "The review date cannot be before the start date." in response.content.decode()
    partnership.refresh_from_db()
    assert partnership.status == "forming"
    response = alice_client.post(url("partnerships:delete", partnership.pk))
    assert response.status_code == 302
    assert TrashEntry.objects.filter(object_id=partnership.pk).exists()
    assert alice_client.get(partnership.get_absolute_url()).status_code == 404


def test_a_viewer_reads_but_cannot_write(bob_client, alice_member):
    partnership = make_partnership(alice_member)
    assert bob_client.get(url("partnerships:list")).status_code == 200
    page = bob_client.get(partnership.get_absolute_url()).content.decode()
    assert url("partnerships:edit", partnership.pk) not in page
    assert bob_client.get(url("partnerships:new")).status_code == 403
    assert bob_client.post(url("partnerships:new"), {"name": "X"}).status_code == 403
    assert bob_client.post(url("partnerships:delete", partnership.pk)).status_code == 403


def test_another_workspaces_partnership_is_not_found(carol_client, alice_member):
    partnership = make_partnership(alice_member)
    for name in ("partnerships:detail", "partnerships:edit", "partnerships:delete"):
        assert carol_client.get(url(name, partnership.pk, slug="lakeside")).status_code == 404
