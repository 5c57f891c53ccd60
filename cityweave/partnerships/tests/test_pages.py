"""Partnership pages: the list (empty state, status filter), the page with its sections, the
partnership form and trash; scoping to the workspace and viewers reading only."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cityweave.engagement.services import workspace_today
from cityweave.partnerships import benchmarks, services
from cityweave.partnerships.models import (
    Benchmark,
    BenchmarkProgress,
    Partner,
    Partnership,
    Risk,
)
from cityweave.partnerships.testing import make_partner, make_partnership
from cityweave.testing import make_goal, make_interaction, make_stakeholder
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


# == Partners and roles ===========================================================================


def test_add_a_partner_with_roles_through_htmx_and_see_the_section(alice_client, alice_member):
    riverton = alice_member.workspace
    partnership = make_partnership(alice_member)
    school = make_stakeholder(riverton, "Riverton Unified")
    response = alice_client.post(
        url("partnerships:partner-add", partnership.pk),
        {"stakeholder": school.pk, "roles": ["champion", "implementer"], "responsibility": "Gates"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    section = response.content.decode()
    assert section.startswith('<section class="card" id="partners"')
    assert "Riverton Unified" in section and "Champion" in section and "Implementer" in section
    assert "Champion outside government" in section
    partner = Partner.objects.get()
    assert partner.roles == ["champion", "implementer"] and partner.responsibility == "Gates"


def test_a_partner_added_twice_or_with_a_bad_role_is_named(alice_client, alice_member):
    riverton = alice_member.workspace
    partnership = make_partnership(alice_member)
    school = make_stakeholder(riverton, "Riverton Unified")
    make_partner(alice_member, partnership, school, "funder")
    response = alice_client.post(
        url("partnerships:partner-add", partnership.pk),
        {"stakeholder": school.pk, "roles": ["funder"]},
        HTTP_HX_REQUEST="true",
    )
    assert "is a partner of this partnership already" in response.content.decode()
    response = alice_client.post(
        url("partnerships:partner-add", partnership.pk),
        {"stakeholder": make_stakeholder(riverton).pk, "roles": ["king"]},
    )
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert Partner.objects.count() == 1


def test_a_partner_without_a_role_is_flagged_and_champions_placed(alice_client, alice_member):
    riverton = alice_member.workspace
    partnership = make_partnership(alice_member)
    make_partner(alice_member, partnership, make_stakeholder(riverton, "Silent Partner"))
    council = make_stakeholder(riverton, "County Council", sector="local-government")
    make_partner(alice_member, partnership, council, "champion")
    page = alice_client.get(partnership.get_absolute_url()).content.decode()
    assert "1 partner without a role." in page
    assert "every partner has a specific role to play" in page.lower()
    assert "Champion inside government" in page
    assert "Champions: 1 inside government, 0 outside" in page


def test_edit_and_remove_a_partner(alice_client, alice_member):
    riverton = alice_member.workspace
    partnership = make_partnership(alice_member)
    partner = make_partner(alice_member, partnership, make_stakeholder(riverton), "funder")
    edit = url("partnerships:partner-edit", partnership.pk, partner.pk)
    assert alice_client.get(edit).status_code == 200
    response = alice_client.post(edit, {"roles": ["advisor", "broker"], "responsibility": "Advice"})
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.roles == ["advisor", "broker"] and partner.responsibility == "Advice"
    response = alice_client.post(url("partnerships:partner-delete", partnership.pk, partner.pk))
    assert response.status_code == 302
    assert not Partner.objects.exists()
    assert alice_client.get(edit).status_code == 404


def test_partners_are_scoped_and_viewers_cannot_change_them(
    alice_member, bob_client, carol_client, carol
):
    riverton = alice_member.workspace
    partnership = make_partnership(alice_member)
    partner = make_partner(alice_member, partnership, make_stakeholder(riverton), "funder")
    other = make_partnership(carol.memberships.get(), "Lakeside Greens")
    # Alice's partner under Carol's partnership, and Alice's partnership in Carol's workspace.
    assert (
        carol_client.get(
            url("partnerships:partner-edit", other.pk, partner.pk, slug="lakeside")
        ).status_code
        == 404
    )
    assert (
        carol_client.post(
            url("partnerships:partner-add", partnership.pk, slug="lakeside"), {}
        ).status_code
        == 404
    )
    page = bob_client.get(partnership.get_absolute_url()).content.decode()
    assert "Add a partner" not in page
    assert url("partnerships:partner-edit", partnership.pk, partner.pk) not in page
    for name in ("partnerships:partner-edit", "partnerships:partner-delete"):
        assert bob_client.post(url(name, partnership.pk, partner.pk), {}).status_code == 403
    assert bob_client.post(url("partnerships:partner-add", partnership.pk), {}).status_code == 403


# == Benchmarks ===================================================================================


def benchmark_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "statement": "Double the children walking to school",
        "metric": "children walking",
        "unit": "children",
        "baseline": "40",
        "target": "80",
        "starts_on": "2026-01-01",
        "due_on": "2026-12-01",
    }
    data.update(overrides)
    return data


def test_create_a_benchmark_and_record_progress(alice_client, alice_member):
    partnership = make_partnership(alice_member)
    response = alice_client.post(
        url("partnerships:benchmark-new", partnership.pk), benchmark_form()
    )
    assert response.status_code == 302
    benchmark = Benchmark.objects.get()
    today = workspace_today(alice_member.workspace)
    record = url("partnerships:benchmark-progress", partnership.pk, benchmark.pk)
    prefix = f"b{benchmark.pk}-"
    response = alice_client.post(
        record,
        {f"{prefix}value": "41", f"{prefix}recorded_on": today.isoformat()},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    section = response.content.decode()
    assert section.startswith('<section class="card" id="benchmarks"')
    assert "<svg" in section and "<polyline" in section
    assert "How the status is computed." in section
    future = (today + dt.timedelta(days=3)).isoformat()
    response = alice_client.post(
        record, {f"{prefix}value": "50", f"{prefix}recorded_on": future}, HTTP_HX_REQUEST="true"
    )
    assert "A measurement cannot be dated in the future." in response.content.decode()
    response = alice_client.post(record, {f"{prefix}value": "", f"{prefix}recorded_on": future})
    assert response.status_code == 422
    assert "<h1>" in response.content.decode()  # the whole page, with the form's errors
    assert BenchmarkProgress.objects.count() == 1
    entry = BenchmarkProgress.objects.get()
    response = alice_client.post(
        url("partnerships:benchmark-progress-delete", partnership.pk, benchmark.pk, entry.pk)
    )
    assert response.status_code == 302 and not BenchmarkProgress.objects.exists()


def test_a_benchmark_form_names_the_bad_fields(alice_client, alice_member):
    partnership = make_partnership(alice_member)
    response = alice_client.post(
        url("partnerships:benchmark-new", partnership.pk),
        benchmark_form(target="40", due_on="2025-06-01"),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "The target must differ from the baseline." in page
    assert "The due date must be after the start date." in page
    assert not Benchmark.objects.exists()


def test_the_status_shows_on_the_page(alice_client, alice_member):
    partnership = make_partnership(alice_member)
    today = workspace_today(alice_member.workspace)
    benchmark = benchmarks.save_benchmark(
        alice_member,
        partnership,
        {
            "statement": "Cut crossings without a guard",
            "metric": "unguarded crossings",
            "baseline": Decimal(20),
            "target": Decimal(10),
            "starts_on": today - dt.timedelta(days=100),
            "due_on": today + dt.timedelta(days=100),
        },
    )
    benchmarks.record_progress(alice_member, benchmark, "9", today)
    page = alice_client.get(partnership.get_absolute_url()).content.decode()
    assert '<span class="badge met">Met</span>' in page
    assert "down to 10" in page


def test_benchmarks_are_scoped_and_viewers_cannot_change_them(
    alice_member, bob_client, carol_client
):
    partnership = make_partnership(alice_member)
    benchmark = benchmarks.save_benchmark(
        alice_member,
        partnership,
        {
            "statement": "S",
            "metric": "m",
            "baseline": Decimal(0),
            "target": Decimal(1),
            "due_on": dt.date(2030, 1, 1),
        },
    )
    edit = url("partnerships:benchmark-edit", partnership.pk, benchmark.pk)
    assert carol_client.get(edit.replace("riverton", "lakeside")).status_code == 404
    page = bob_client.get(partnership.get_absolute_url()).content.decode()
    assert "Record progress" not in page and edit not in page
    assert bob_client.get(edit).status_code == 403
    assert (
        bob_client.post(
            url("partnerships:benchmark-progress", partnership.pk, benchmark.pk), {}
        ).status_code
        == 403
    )


# == The list's health ============================================================================


def test_the_list_shows_each_partnerships_health(alice_client, alice_member):
    riverton = alice_member.workspace
    partnership = make_partnership(alice_member, officer=alice_member.pk)
    today = workspace_today(riverton)
    fields = {"metric": "m", "baseline": Decimal(0), "target": Decimal(10)}
    on_track = benchmarks.save_benchmark(
        alice_member,
        partnership,
        {
            "statement": "A",
            "starts_on": today - dt.timedelta(days=10),
            "due_on": today + dt.timedelta(days=10),
            **fields,
        },
    )
    benchmarks.record_progress(alice_member, on_track, "6", today)  # expected 5
    benchmarks.save_benchmark(
        alice_member,
        partnership,
        {
            "statement": "B",
            "starts_on": today - dt.timedelta(days=50),
            "due_on": today + dt.timedelta(days=50),
            **fields,
        },
    )  # no entry after half the time: at risk
    Risk.objects.create(
        workspace=riverton, partnership=partnership, title="R1", likelihood=3, impact=4
    )
    Risk.objects.create(
        workspace=riverton, partnership=partnership, title="R2", likelihood=2, impact=2
    )
    Risk.objects.create(
        workspace=riverton,
        partnership=partnership,
        title="R3",
        likelihood=5,
        impact=5,
        status="closed",
    )
    met, quiet = make_stakeholder(riverton), make_stakeholder(riverton)
    make_partner(alice_member, partnership, met, "funder")
    make_partner(alice_member, partnership, quiet, "advisor")
    make_interaction(riverton, [met], when=timezone.now() - dt.timedelta(days=10))
    make_interaction(riverton, [quiet], when=timezone.now() - dt.timedelta(days=91))
    page = alice_client.get(url("partnerships:list")).content.decode()
    assert "<strong>1</strong> of 2" in page  # benchmarks on track
    assert '<strong>2</strong> <small class="muted">highest score 12 of 25</small>' in page
    assert page.count("<strong>1</strong> of 2") == 2  # and partners engaged
    assert "How health is counted." in page
    assert "Alice Reyes" in page


def test_the_stakeholder_page_lists_its_partnerships_with_roles(alice_client, alice_member):
    riverton = alice_member.workspace
    school = make_stakeholder(riverton, "Riverton Unified")
    safe = make_partnership(alice_member, "Safe Routes")
    make_partner(alice_member, safe, school, "champion", "data-partner")
    warm = make_partnership(alice_member, "Warm Homes")
    make_partner(alice_member, warm, school)
    gone = make_partnership(alice_member, "Old Plan")
    make_partner(alice_member, gone, school, "funder")
    services.trash_partnership(alice_member, gone)
    page = alice_client.get(url("stakeholders:detail", school.pk)).content.decode()
    assert "<dt>Partnerships</dt>" in page
    assert (
        f'{url("partnerships:detail", safe.pk)}">Safe Routes</a> (champion, data partner)' in page
    )
    assert "Warm Homes</a> (no role yet)" in page
    assert "Old Plan" not in page
