"""A partner's private profile page: its own trust and value against the network's, through an
unguessable link; nothing of who rated it; hidden scores under the fewest raters."""

from __future__ import annotations

import re

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from cityweave.surveys.profile import SALT, partner_profile, profile_token
from cityweave.surveys.testing import make_respondent, make_response, make_survey, make_wave
from cityweave.testing import make_stakeholder
from cityweave.workspaces.services import move_to_trash


def _rate(trust: int, value: int) -> dict[str, int]:
    return {
        "reliability": trust, "mission": trust, "openness": trust,
        "power": value, "involvement": value, "resources": value,
    }  # fmt: skip


@pytest.fixture
def rated(alice_member):
    """Clinic rated by three partners (trust 4, 3, 2 → 3; value 2 each → 2); School by one."""
    riverton = alice_member.workspace
    clinic, school = make_stakeholder(riverton, "Clinic"), make_stakeholder(riverton, "School")
    raters = [make_stakeholder(riverton, f"Rater {n}") for n in range(3)]
    survey = make_survey(alice_member, min_raters=2)
    wave = make_wave(survey, roster=[clinic, school, *raters])
    for rater, trust in zip(raters, (4, 3, 2), strict=True):
        ties = {clinic: _rate(trust, 2)}
        if trust == 4:
            ties[school] = _rate(1, 1)
        make_response(wave, make_respondent(wave, rater), ties=ties)
    return {"wave": wave, "clinic": clinic, "school": school, "raters": raters}


def url(wave, stakeholder) -> str:
    return reverse("answer:partner-profile", args=[profile_token(wave, stakeholder.pk)])


def test_the_profile_shows_the_partners_scores_against_the_networks(client: Client, rated):
    response = client.get(url(rated["wave"], rated["clinic"]))
    assert response.status_code == 200
    found = response.context["profile"]
    assert found.score.trust.score == pytest.approx(3.0)
    assert found.score.value.score == pytest.approx(2.0)
    assert found.score.trust.raters == 3
    # The network's means are over rated partners: Clinic (3, 2) and School (1, 1).
    assert found.network.trust == pytest.approx(2.0)
    assert found.network.value == pytest.approx(1.5)
    assert found.named_by == 3
    page = response.content.decode()
    assert "Clinic: how partners rate you" in page
    for rater in rated["raters"]:
        assert rater.name not in page
    assert response["Cache-Control"] == "private, no-store"


def test_scores_from_fewer_than_the_fewest_raters_are_not_shown(client: Client, rated):
    response = client.get(url(rated["wave"], rated["school"]))
    assert response.status_code == 200
    assert response.context["profile"].score is None
    page = response.content.decode()
    assert "Fewer than 2 partners rated School" in page
    assert "1.00" not in page  # its only rater's ratings


def test_a_partner_nobody_rated_hears_so(client: Client, rated):
    response = client.get(url(rated["wave"], rated["raters"][1]))
    assert "No partner rated Rater 1 in this wave." in response.content.decode()


def test_a_forged_or_altered_token_is_not_found(client: Client, rated):
    token = profile_token(rated["wave"], rated["clinic"].pk)
    for bad in ("nonsense", token[:-2] + ("AA" if not token.endswith("AA") else "BB")):
        assert client.get(reverse("answer:partner-profile", args=[bad])).status_code == 404


def test_the_link_stops_working_when_the_wave_or_the_partner_is_in_the_trash(
    client: Client, alice_member, rated
):
    move_to_trash(alice_member, rated["clinic"])
    assert client.get(url(rated["wave"], rated["clinic"])).status_code == 404
    move_to_trash(alice_member, rated["wave"])
    assert client.get(url(rated["wave"], rated["school"])).status_code == 404


def test_a_token_cannot_pair_a_wave_with_another_workspaces_stakeholder(rated, lakeside):
    from django.http import Http404

    outsider = make_stakeholder(lakeside, "Lakeside Library")
    with pytest.raises(Http404):
        partner_profile(profile_token(rated["wave"], outsider.pk))


def test_the_scores_page_links_each_partner_to_its_profile(alice_client, rated):
    wave = rated["wave"]
    page = alice_client.get(
        reverse("surveys:results-scores", args=["riverton", wave.survey_id, wave.pk])
    ).content.decode()
    # A token is signed with the time, so the page's is read back rather than made again.
    prefix = reverse("answer:partner-profile", args=["TOKEN"]).split("TOKEN")[0]
    tokens = re.findall(re.escape(prefix) + r"([^/\"]+)/", page)
    assert [wave.pk, rated["clinic"].pk] in [signing.loads(t, salt=SALT) for t in tokens]
