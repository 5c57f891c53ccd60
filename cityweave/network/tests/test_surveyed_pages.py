"""The switch between the network as recorded, as surveyed and both, on the network page, its
map data, the network API and its exports: who may see it, bad input, and fixed query counts."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cityweave.network.api import SurveyedNetworkOut
from cityweave.network.tests.test_surveyed_views import build_surveyed
from cityweave.surveys.testing import make_respondent, make_response, make_survey, make_wave
from cityweave.testing import make_stakeholder
from cityweave.workspaces import derived
from cityweave.workspaces.models import Membership

pytestmark = pytest.mark.django_db

MAP = reverse("network:map", args=["riverton"])
MAP_DATA = reverse("network:map-data", args=["riverton"])
STATUS = reverse("network:status", args=["riverton"])
API = "/api/v1/workspaces/riverton/network"
EXPORT = f"{API}/export"


@pytest.fixture
def surveyed(alice_member):
    return build_surveyed(alice_member)


@pytest.fixture
def theirs(carol, lakeside):
    """A wave of Lakeside's, with a submitted roster answer."""
    member = Membership.objects.get(user=carol, workspace=lakeside)
    a, b = make_stakeholder(lakeside, "Pier"), make_stakeholder(lakeside, "Dock")
    wave = make_wave(make_survey(member), "Lakeside spring", roster=[a, b])
    make_response(wave, make_respondent(wave, a), ties={b: {"reliability": 4}})
    return wave


def test_the_page_is_as_recorded_by_default_and_offers_the_switch(alice_client, surveyed):
    page = alice_client.get(MAP).content.decode()
    assert 'name="view"' in page and "As surveyed" in page
    assert 'id="network-wave"' not in page
    assert "Surveyed, reported by both" not in page


def test_the_surveyed_page_names_the_wave_states_the_weight_and_draws_surveyed_ties(
    alice_client, surveyed
):
    response = alice_client.get(MAP, {"view": "surveyed"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "As surveyed in <strong>Spring 2027</strong>" in page
    assert "mean of the trust ratings given across both directions" in page
    assert f'<option value="{surveyed.wave.pk}" selected>Spring 2027' in page
    assert "Surveyed, reported by both (reciprocal)" in page
    assert "surveyed ties (pairs)" in page
    # The map, the polling and the downloads ask for the same view.
    params = f"view=surveyed&amp;wave={surveyed.wave.pk}"
    assert f"{MAP_DATA}?limit=2000&amp;{params}" in page
    assert f"{STATUS}?since=" in page and params in page
    assert f"{EXPORT}?format=json&amp;{params}" in page


def test_the_map_data_of_the_surveyed_view_marks_reciprocal_and_one_way_ties(
    alice_client, surveyed
):
    s = surveyed
    body = json.loads(alice_client.get(MAP_DATA, {"view": "surveyed"}).content)
    assert {node["id"] for node in body["nodes"]} == {
        s.city.pk, s.foundation.pk, s.chamber.pk, s.library.pk, s.museum.pk,
    }  # fmt: skip
    ties = {frozenset((t["source"], t["target"])): t for t in body["ties"]}
    assert len(ties) == 2
    pair = ties[frozenset((s.city.pk, s.foundation.pk))]
    assert (pair["id"], pair["origin"], pair["reciprocal"], pair["weight"]) == (
        None, "surveyed", True, 3,
    )  # fmt: skip
    one_way = ties[frozenset((s.city.pk, s.chamber.pk))]
    assert (one_way["reciprocal"], one_way["directed"], one_way["source"]) == (
        False, True, s.city.pk,
    )  # fmt: skip


def test_the_recorded_map_data_is_unchanged(alice_client, surveyed):
    body = json.loads(alice_client.get(MAP_DATA).content)
    assert all("origin" not in tie for tie in body["ties"])
    assert len(body["ties"]) == 3


def test_the_api_gives_each_view_in_its_schema(alice_api, surveyed):
    s = surveyed
    recorded = alice_api.get(API).json()
    assert "view" not in recorded and recorded["network"]["ties"] == 3
    body = alice_api.get(API, {"view": "both", "wave": s.wave.pk}).json()
    assert body["view"] == "both"
    assert body["wave"]["id"] == s.wave.pk and body["wave"]["name"] == "Spring 2027"
    assert body["network"]["ties"] == 4
    assert SurveyedNetworkOut.model_validate(body).model_dump(mode="json") == body
    origins = sorted(tie["origin"] for tie in body["ties"])
    assert origins == ["both", "recorded", "recorded", "surveyed"]


def test_the_exports_carry_the_survey_s_fields(alice_api, surveyed):
    s = surveyed
    response = alice_api.get(EXPORT, {"format": "ties.csv", "view": "surveyed"})
    assert response.status_code == 200
    assert f"riverton-network-surveyed-{s.wave.pk}-ties.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert {row["origin"] for row in rows} == {"surveyed"}
    assert sorted(row["reciprocal"] for row in rows) == ["false", "true"]
    assert {row["id"] for row in rows} == {""}
    for fmt in ("graphml", "gexf", "json", "nodes.csv"):
        got = alice_api.get(EXPORT, {"format": fmt, "view": "both", "wave": s.wave.pk})
        assert got.status_code == 200, fmt
    graphml = alice_api.get(EXPORT, {"format": "graphml", "view": "surveyed"}).content.decode()
    assert f'id="ts{s.city.pk}-{s.chamber.pk}"' in graphml
    assert 'attr.name="survey_trust"' in graphml


def test_bob_the_viewer_reads_every_view(bob_client, bob_api, surveyed):
    for view in ("surveyed", "both"):
        assert bob_client.get(MAP, {"view": view}).status_code == 200
        assert bob_client.get(MAP_DATA, {"view": view}).status_code == 200
        assert bob_api.get(API, {"view": view}).status_code == 200


def test_carol_gets_404_on_riverton_s_surveyed_views(carol_client, carol_api, surveyed):
    assert carol_client.get(MAP, {"view": "surveyed"}).status_code == 404
    assert carol_client.get(MAP_DATA, {"view": "surveyed"}).status_code == 404
    assert carol_api.get(API, {"view": "surveyed"}).status_code == 404


def test_logged_out_visitors_go_to_login_or_get_401(client, surveyed):
    response = client.get(MAP, {"view": "surveyed"})
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get(API, {"view": "surveyed"}).status_code == 401


def test_another_workspace_s_wave_is_404_on_pages_and_422_naming_the_wave_in_the_api(
    alice_client, alice_api, surveyed, theirs
):
    asked = {"view": "surveyed", "wave": theirs.pk}
    assert alice_client.get(MAP, asked).status_code == 404
    assert alice_client.get(MAP_DATA, asked).status_code == 404
    assert alice_client.get(STATUS, asked).status_code == 404
    for url in (API, EXPORT):
        response = alice_api.get(url, {**asked, "format": "json"})
        assert response.status_code == 422
        assert [e["field"] for e in response.json()["detail"]] == ["wave"]


def test_an_unknown_view_is_a_4xx_naming_the_view(alice_client, alice_api, surveyed):
    response = alice_client.get(MAP, {"view": "guessed"})
    assert response.status_code == 400
    assert "View: Choose one of recorded, surveyed, both." in response.content.decode()
    assert alice_client.get(MAP_DATA, {"view": "guessed"}).status_code == 400
    response = alice_api.get(API, {"view": "guessed"})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["view"]


def test_before_any_submitted_answer_the_surveyed_page_says_so(alice_client, alice_api, riverton):
    response = alice_client.get(MAP, {"view": "surveyed"})
    assert response.status_code == 400
    assert "No survey wave has submitted roster answers yet." in response.content.decode()
    assert alice_api.get(API, {"view": "surveyed"}).status_code == 422


def measure(client, url: str, params: dict) -> int:
    client.get(url, params)  # computes the analysis (the test's task backend is immediate)
    derived.MEMO.clear()  # measured as the first request after a change finds it
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("url", [MAP, MAP_DATA, API])
def test_the_surveyed_view_s_query_count_does_not_grow_with_responses(
    alice_client, alice_api, alice_member, surveyed, url
):
    s = surveyed
    client = alice_api if url == API else alice_client
    params = {"view": "both", "wave": s.wave.pk}
    partners = [make_stakeholder(alice_member.workspace, f"Partner {n}") for n in range(50)]
    s.wave.roster.add(*partners)
    for partner in partners[:2]:
        make_response(s.wave, make_respondent(s.wave, partner), ties={s.city: {"mission": 3}})
    few = measure(client, url, params)
    for n, partner in enumerate(partners[2:]):
        make_response(
            s.wave,
            make_respondent(s.wave, partner),
            ties={s.city: {"mission": 3}, partners[n]: {"openness": 2}},
        )
    assert s.wave.responses.filter(submitted_on__isnull=False).count() == 53
    assert measure(client, url, params) == few


def test_the_surveyed_view_without_any_wave_says_none_is_answered(alice_client, riverton):
    response = alice_client.get("/w/riverton/network/?view=surveyed")
    page = response.content.decode()
    assert "No survey wave has submitted roster answers yet" in page
    assert "As surveyed in <strong></strong>" not in page


def test_a_wave_of_a_survey_without_a_roster_has_no_surveyed_network(
    alice_client, alice_api, alice_member, surveyed
):
    community = make_wave(make_survey(alice_member, "community"), "Listening round")
    asked = {"view": "surveyed", "wave": community.pk}
    response = alice_client.get(MAP, asked)
    assert response.status_code == 400
    assert "Listening round is a wave of a survey without a roster question" in (
        response.content.decode()
    )
    assert alice_client.get(MAP_DATA, asked).status_code == 400
    response = alice_api.get(API, asked)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["detail"]] == ["wave"]
