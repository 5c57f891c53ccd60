"""Filling the office's ties' trust and value from a survey wave: the action on the tie page, its
confirmation page, the page for a whole wave, and the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cityweave.network.tests.test_surveyed_views import build_surveyed
from cityweave.stakeholders.models import Tie
from cityweave.surveys.testing import make_survey, make_wave
from cityweave.testing import make_stakeholder, make_tie
from cityweave.workspaces.models import Membership

pytestmark = pytest.mark.django_db

API = "/api/v1/workspaces/riverton/network/tie-fills"


@pytest.fixture
def surveyed(alice_member):
    """See build_surveyed: the office's City Hall–Foundation tie (trust 1) was rated in Spring
    2027 with trust (4 + 3 + 2 + 2 + 2) / 5 = 2.6 -> 3 and value 3 (one rating)."""
    return build_surveyed(alice_member)


@pytest.fixture
def tie(surveyed):
    return Tie.objects.get(source=surveyed.city, target=surveyed.foundation)


@pytest.fixture
def theirs(carol, lakeside):
    return make_wave(make_survey(Membership.objects.get(user=carol, workspace=lakeside)), "Theirs")


def fill_url(tie: Tie) -> str:
    return reverse("network:tie-fill", args=["riverton", tie.pk])


WAVE_FILL = reverse("network:wave-fill", args=["riverton"])


def test_the_tie_page_offers_to_fill_from_the_latest_wave(alice_client, tie):
    page = alice_client.get(tie.get_absolute_url()).content.decode()
    assert "From the partner survey" in page
    assert "Fill trust and value from Spring 2027 (6 ratings)" in page
    assert fill_url(tie) in page


def test_bob_the_viewer_sees_the_survey_s_values_but_no_fill_button(bob_client, tie):
    page = bob_client.get(tie.get_absolute_url()).content.decode()
    assert "From the partner survey" in page and "trust 3, value 3" in page
    assert fill_url(tie) not in page
    assert bob_client.get(fill_url(tie)).status_code == 403
    assert bob_client.post(fill_url(tie)).status_code == 403
    assert Tie.objects.get(pk=tie.pk).trust == 1


def test_a_tie_no_wave_rated_offers_nothing(alice_client, surveyed):
    harbour_tie = Tie.objects.get(source=surveyed.city, target=surveyed.harbour)
    page = alice_client.get(harbour_tie.get_absolute_url()).content.decode()
    assert "From the partner survey" not in page
    confirm = alice_client.get(fill_url(harbour_tie))
    assert "nothing to fill from" in confirm.content.decode()
    assert alice_client.post(fill_url(harbour_tie)).status_code == 422


def test_the_confirmation_shows_what_it_would_set_and_saving_fills_the_tie(alice_client, tie):
    page = alice_client.get(fill_url(tie)).content.decode()
    assert "“Spring 2027”" in page
    assert "the mean of 5 trust ratings" in page
    response = alice_client.post(fill_url(tie), {"wave": tie_wave(tie)})
    assert response.status_code == 302 and response["Location"] == tie.get_absolute_url()
    tie.refresh_from_db()
    assert (tie.trust, tie.value) == (3, 3)
    assert "“Spring 2027”" in tie.notes


def tie_wave(tie: Tie) -> int:
    from cityweave.surveys.models import Wave

    return Wave.objects.get(name="Spring 2027").pk


def test_another_workspace_s_tie_or_wave_is_404(alice_client, carol_client, tie, theirs):
    assert carol_client.get(fill_url(tie)).status_code == 404
    assert carol_client.post(fill_url(tie)).status_code == 404
    assert alice_client.get(fill_url(tie), {"wave": theirs.pk}).status_code == 404
    assert alice_client.post(fill_url(tie), {"wave": theirs.pk}).status_code == 404
    assert alice_client.get(WAVE_FILL, {"wave": theirs.pk}).status_code == 404
    assert alice_client.post(WAVE_FILL, {"wave": theirs.pk}).status_code == 404
    assert Tie.objects.get(pk=tie.pk).trust == 1


def test_logged_out_visitors_go_to_login(client, tie):
    for url in (fill_url(tie), WAVE_FILL):
        response = client.get(url)
        assert response.status_code == 302 and "login" in response["Location"]


def test_a_whole_wave_fills_every_office_tie_it_rated(alice_client, bob_client, surveyed, tie):
    page = alice_client.get(WAVE_FILL).content.decode()
    assert "From <strong>“Spring 2027”</strong>" in page
    assert "City Hall — Foundation" in page
    assert "Fill 1 tie" in page
    assert bob_client.post(WAVE_FILL, {"wave": surveyed.wave.pk}).status_code == 403
    response = alice_client.post(WAVE_FILL, {"wave": surveyed.wave.pk})
    assert response.status_code == 302
    assert Tie.objects.values_list("trust", "value").get(pk=tie.pk) == (3, 3)


def test_the_surveyed_network_page_offers_the_wave_fill_to_editors(
    alice_client, bob_client, surveyed
):
    link = f"{WAVE_FILL}?wave={surveyed.wave.pk}"
    assert (
        link
        in alice_client.get(
            reverse("network:map", args=["riverton"]), {"view": "both"}
        ).content.decode()
    )
    assert (
        link
        not in bob_client.get(
            reverse("network:map", args=["riverton"]), {"view": "both"}
        ).content.decode()
    )


def test_the_api_shows_and_makes_fills(alice_api, bob_api, surveyed, tie):
    listed = alice_api.get(API).json()
    assert [(f["tie"], f["trust"], f["value"], f["trust_before"]) for f in listed] == [
        (tie.pk, 3, 3, 1)
    ]
    one = alice_api.get(f"{API}/{tie.pk}").json()
    assert one["wave"]["name"] == "Spring 2027" and one["trust_ratings"] == 5
    assert bob_api.get(f"{API}/{tie.pk}").status_code == 200
    assert bob_api.post(f"{API}/{tie.pk}").status_code == 403
    assert bob_api.post(API).status_code == 403
    made = alice_api.post(f"{API}/{tie.pk}")
    assert made.status_code == 200
    assert (made.json()["trust_before"], made.json()["trust"]) == (1, 3)
    assert Tie.objects.get(pk=tie.pk).trust == 3
    bulk = alice_api.post(f"{API}?wave={surveyed.wave.pk}")
    assert [f["tie"] for f in bulk.json()] == [tie.pk]


def test_the_api_refuses_bad_input_naming_the_field_and_writes_nothing(
    alice_api, carol_api, client, surveyed, tie, theirs, riverton
):
    for wave in (theirs.pk, "x"):
        response = alice_api.post(f"{API}?wave={wave}")
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["detail"]] == ["wave"]
        response = alice_api.post(f"{API}/{tie.pk}?wave={wave}")
        assert response.status_code == 422
    unrated = make_tie(surveyed.museum, make_stakeholder(riverton, "Nobody"))
    response = alice_api.post(f"{API}/{unrated.pk}")
    assert response.status_code == 422
    assert alice_api.get(f"{API}/{unrated.pk}").status_code == 404
    assert alice_api.get(API, {"wave": theirs.pk}).status_code == 422
    assert Tie.objects.get(pk=tie.pk).trust == 1
    assert carol_api.get(f"{API}/{tie.pk}").status_code == 404
    assert client.get(API).status_code == 401
