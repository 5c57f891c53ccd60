"""The network's pages: each one for staff, for a city's officials (their own city only), for
someone of another network (404) and for nobody signed in; bad input named; a city's workspace
never shows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cityweave.peers.models import MemberCity, Strength
from cityweave.peers.testing import make_city, make_official, make_strength
from cityweave.peers.tests.conftest import client_for
from cityweave.peers.views import CITIES_PER_PAGE
from cityweave.testing import make_stakeholder


def url(name: str, *args: object) -> str:
    return reverse(f"peers:{name}", args=["midsize", *args])


@pytest.fixture
def pages(chattanooga) -> list[str]:
    """Every page a seat reads (GET)."""
    return [
        url("cities"),
        url("cities") + "?challenge=digital-inclusion",
        url("city", chattanooga.pk),
        url("matches", chattanooga.pk),
        url("matches", chattanooga.pk) + "?challenge=fiscal-health",
    ]


def test_every_seat_reads_every_page(nadia, vera, otis, pages, dayton):
    for member in (nadia, vera, otis):
        client = client_for(member)
        for page in pages:
            response = client.get(page)
            assert response.status_code == 200, (member.user, page)


def test_someone_of_another_network_finds_nothing(carol, other_network, pages, chattanooga):
    client = client_for_user(carol)
    for page in [*pages, url("city-edit", chattanooga.pk), url("trash")]:
        assert client.get(page).status_code == 404, page
    response = client.post(url("city-edit", chattanooga.pk), {"name": "Hijacked"})
    assert response.status_code == 404
    assert not MemberCity.objects.filter(name="Hijacked").exists()


def test_nobody_signed_in_is_sent_to_log_in(db, pages, client):
    for page in [*pages, reverse("peers:networks")]:
        response = client.get(page)
        assert response.status_code == 302 and "/login" in response["Location"], page


def test_the_networks_page_lists_the_users_networks(otis, nadia, network):
    text = client_for(otis).get(reverse("peers:networks")).content.decode()
    assert "Mid-Size Cities Network" in text and "Chattanooga, TN" in text


def test_a_user_with_networks_but_no_workspace_lands_on_them(otis):
    response = client_for(otis).get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("peers:networks")


def test_an_official_edits_their_own_city_and_no_other(otis, chattanooga, dayton):
    client = client_for(otis)
    assert client.get(url("city-edit", chattanooga.pk)).status_code == 200
    response = client.post(
        url("city-edit", chattanooga.pk),
        {
            "name": "Chattanooga",
            "region": "TN",
            "country": "United States",
            "population": "181099",
            "timezone": "America/New_York",
            "challenges": ["digital-inclusion", "climate-resilience"],
            "officials": "Mayor Tim Kelly",
        },
    )
    assert response.status_code == 302
    chattanooga.refresh_from_db()
    assert chattanooga.officials == "Mayor Tim Kelly"
    assert sorted(r.key for r in chattanooga.challenge_rows.all()) == [
        "climate-resilience",
        "digital-inclusion",
    ]
    assert client.get(url("city-edit", dayton.pk)).status_code == 403
    assert client.post(url("city-edit", dayton.pk), {"name": "X"}).status_code == 403
    assert client.get(url("city-new")).status_code == 403
    assert client.get(url("city-delete", chattanooga.pk)).status_code == 403
    assert client.post(url("city-delete", chattanooga.pk)).status_code == 403
    assert client.get(url("trash")).status_code == 403


def test_bad_input_is_named_on_the_form_and_nothing_is_saved(ed, chattanooga):
    response = client_for(ed).post(
        url("city-edit", chattanooga.pk),
        {"name": "", "country": "United States", "population": "-3", "timezone": "Mars/Base"},
    )
    assert response.status_code == 422
    form = response.context["form"]
    assert {"name", "population"} <= set(form.errors)
    response = client_for(ed).post(
        url("city-edit", chattanooga.pk),
        {"name": "Chattanooga", "country": "United States", "timezone": "Mars/Base"},
    )
    assert response.status_code == 422 and "timezone" in response.context["form"].errors
    chattanooga.refresh_from_db()
    assert chattanooga.timezone == "America/New_York"


def test_a_staff_viewer_reads_but_every_write_is_refused(vera, chattanooga):
    client = client_for(vera)
    strength = make_strength(chattanooga, "digital-inclusion")
    for page in (
        url("city-new"),
        url("city-edit", chattanooga.pk),
        url("city-delete", chattanooga.pk),
    ):
        assert client.get(page).status_code == 403, page
    for page, data in (
        (url("city-new"), {"name": "Knoxville"}),
        (url("city-delete", chattanooga.pk), {}),
        (url("strength-add", chattanooga.pk), {"challenge": "fiscal-health", "description": "x"}),
        (url("strength-delete", chattanooga.pk, strength.pk), {}),
        (url("official-add", chattanooga.pk), {"email": "x@example.org"}),
        (url("import"), {"places": "Dayton, OH"}),
        (url("challenge-add"), {"key": "transit", "label": "Transit"}),
        (url("restore", chattanooga.pk), {}),
    ):
        assert client.post(page, data).status_code == 403, page
    assert Strength.objects.filter(pk=strength.pk).exists()


def test_staff_add_import_trash_and_restore_cities(nadia, ed):
    client = client_for(ed)
    response = client.post(
        url("city-new"),
        {
            "name": "Tacoma",
            "region": "WA",
            "country": "United States",
            "challenges": ["affordable-housing"],
        },
    )
    assert response.status_code == 302
    tacoma = MemberCity.objects.get(name="Tacoma")
    response = client.post(url("import"), {"places": "Dayton, OH\nAtlantis, TN"})
    assert response.status_code == 422 and "Atlantis" in response.content.decode()
    assert client.post(url("import"), {"places": "Dayton, OH"}).status_code == 302
    assert client.post(url("city-delete", tacoma.pk)).status_code == 302
    assert client.get(url("city", tacoma.pk)).status_code == 404
    assert "Tacoma" in client.get(url("trash")).content.decode()
    assert client.post(url("restore", tacoma.pk)).status_code == 403  # editors do not restore
    assert client_for(nadia).post(url("restore", tacoma.pk)).status_code == 302
    assert client.get(url("city", tacoma.pk)).status_code == 200


def test_strengths_and_officials_are_added_and_removed_on_the_city_page(ed, otis, chattanooga):
    official = client_for(otis)
    response = official.post(
        url("strength-add", chattanooga.pk), {"challenge": "nope", "description": ""}
    )
    assert response.status_code == 422
    assert {"challenge", "description"} <= set(response.context["strength_form"].errors)
    response = official.post(
        url("strength-add", chattanooga.pk),
        {"challenge": "digital-inclusion", "description": "Free home internet for students"},
    )
    assert response.status_code == 302
    strength = Strength.objects.get()
    assert official.post(url("strength-delete", chattanooga.pk, strength.pk)).status_code == 302
    assert not Strength.objects.exists()
    assert (
        official.post(url("official-add", chattanooga.pk), {"email": "x@example.org"}).status_code
        == 403
    )
    staff = client_for(ed)
    response = staff.post(url("official-add", chattanooga.pk), {"email": "not-an-address"})
    assert response.status_code == 422 and "email" in response.context["official_form"].errors
    assert (
        staff.post(
            url("official-add", chattanooga.pk), {"email": "deputy@chattanooga.example"}
        ).status_code
        == 302
    )
    seat = chattanooga.official_seats.get(user__email="deputy@chattanooga.example")
    assert staff.post(url("official-remove", chattanooga.pk, seat.pk)).status_code == 302


def test_the_matches_page_says_why(otis, chattanooga, dayton):
    make_strength(dayton, "workforce-development", "Apprenticeships")
    text = client_for(otis).get(url("matches", chattanooga.pk)).content.decode()
    assert "Both face workforce development; Dayton has a strength in workforce development" in text
    assert "opportunity" in text


def test_a_citys_workspace_never_appears_in_the_network(alice, riverton, ed, chattanooga, dayton):
    make_official(chattanooga, alice)
    make_stakeholder(riverton, "Confidential Harbour Board")
    alice_client = client_for_user(alice)
    edit = url("city-edit", chattanooga.pk)
    response = alice_client.post(
        edit,
        {
            "name": "Chattanooga",
            "region": "TN",
            "country": "United States",
            "workspace": "riverton",
        },
    )
    assert response.status_code == 302
    chattanooga.refresh_from_db()
    assert chattanooga.workspace == riverton
    for member_client in (client_for(ed), alice_client):
        for page in (url("cities"), url("city", chattanooga.pk), url("matches", dayton.pk)):
            text = member_client.get(page).content.decode()
            assert "Confidential Harbour Board" not in text
            # Neither the workspace's name nor a link into it (Alice's own switcher aside:
            # these pages have none).
            assert "Riverton" not in text and "/w/riverton" not in text
    staff_text = client_for(ed).get(url("city", chattanooga.pk)).content.decode()
    assert "private to the city" in staff_text
    # The staff editor's form does not offer (or reveal) Alice's workspace.
    form_text = client_for(ed).get(edit).content.decode()
    assert "Riverton" not in form_text and 'value="riverton"' not in form_text


def client_for_user(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def test_staff_see_the_staff_and_officials_and_owners_manage_the_staff(
    nadia, ed, otis, chattanooga
):
    page = url("staff")
    text = client_for(ed).get(page).content.decode()
    assert "nadia@network.example" in text and "otis@chattanooga.example" in text
    assert client_for(otis).get(page).status_code == 403
    assert (
        client_for(ed)
        .post(url("staff-add"), {"email": "x@example.org", "role": "viewer"})
        .status_code
        == 403
    )
    owner = client_for(nadia)
    response = owner.post(url("staff-add"), {"email": "nope", "role": "boss"})
    assert response.status_code == 422 and {"email", "role"} <= set(response.context["form"].errors)
    assert (
        owner.post(url("staff-add"), {"email": "new@network.example", "role": "editor"}).status_code
        == 302
    )
    seat = nadia.network.staff.get(user__email="new@network.example")
    assert owner.post(url("staff-remove", seat.pk)).status_code == 302
    # The last owner stays.
    owner.post(url("staff-remove", nadia.staff.pk))
    assert nadia.network.staff.filter(pk=nadia.staff.pk).exists()


def test_the_city_list_pages_a_large_network(nadia, network):
    for n in range(CITIES_PER_PAGE + 5):
        make_city(network, f"Town {n:03d}", challenges=["fiscal-health"])
    client = client_for(nadia)
    first = client.get(url("cities") + "?challenge=fiscal-health").content.decode()
    assert "Town 000" in first and "Town 104" not in first
    assert f"{CITIES_PER_PAGE + 5} in all" in first
    # The next page keeps the filter.
    assert (
        "?challenge=fiscal-health&amp;page=2" in first or "?challenge=fiscal-health&page=2" in first
    )
    second = client.get(url("cities") + "?challenge=fiscal-health&page=2").content.decode()
    assert "Town 104" in second and "Town 000" not in second


def test_with_a_challenge_the_peers_with_a_strength_in_it_come_first(otis, chattanooga, network):
    # Knoxville faces it; Austin faces nothing Chattanooga faces but has a strength in it.
    make_city(network, "Knoxville", challenges=["fiscal-health", "digital-inclusion"])
    austin = make_city(network, "Austin", "TX", challenges=["public-safety"])
    make_strength(austin, "fiscal-health", "Balanced budgets")
    text = client_for(otis).get(url("matches", chattanooga.pk) + "?challenge=fiscal-health")
    body = text.content.decode()
    assert 'Have made headway on fiscal health <span class="muted">(1)' in body
    assert (
        body.index("Austin, TX") < body.index("Also face fiscal health") < body.index("Knoxville")
    )


def test_the_matches_page_shows_the_best_fifty_until_asked_for_all(otis, chattanooga, network):
    for n in range(55):
        make_city(network, f"Peer {n:02d}", challenges=["digital-inclusion"])
    client = client_for(otis)
    cut = client.get(url("matches", chattanooga.pk)).content.decode()
    assert cut.count('<td><a href="/networks/midsize/cities/') == 50
    assert "Show all 55 peers" in cut
    full = client.get(url("matches", chattanooga.pk) + "?all=1").content.decode()
    assert full.count('<td><a href="/networks/midsize/cities/') == 55 and "Show all" not in full
