"""The network page's survey overlays on a surveyed view, `?compare=` (wave over wave) and
`?colour=` (colours by an answer): the page's legends, counts and table twins, the map data's
new fields, who may see them, bad input (400 naming the field, 404 for another workspace's
wave) and fixed query counts."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import pytest
from django.urls import reverse

from cityweave.engagement.services import workspace_today
from cityweave.network.tests.test_surveyed_pages import measure
from cityweave.network.tests.test_surveyed_views import Surveyed, build_surveyed
from cityweave.surveys.models import Answer, Response, Wave
from cityweave.surveys.testing import (
    make_respondent,
    make_response,
    make_survey,
    make_wave,
    question,
)
from cityweave.testing import make_stakeholder
from cityweave.workspaces.models import Membership

pytestmark = pytest.mark.django_db

MAP = reverse("network:map", args=["riverton"])
MAP_DATA = reverse("network:map-data", args=["riverton"])


@dataclass
class Compared:
    """build_surveyed's Spring 2027 and an earlier wave of the same survey, Autumn 2026.

    Autumn: City Hall names Foundation and Library, Foundation names Chamber, Museum names
    Harbour. Spring (build_surveyed): City Hall names Foundation and Chamber, Foundation names
    City Hall. So new: City Hall → Chamber, Foundation → City Hall; lost: City Hall → Library,
    Foundation → Chamber, Museum → Harbour; kept: City Hall → Foundation. Harbour is not in
    Spring's surveyed network. City Hall answers the key contribution "Funding" in Spring."""

    s: Surveyed
    autumn: Wave
    spring: Wave


def build_compared(member: Membership) -> Compared:
    s = build_surveyed(member)
    spring = s.wave
    today = workspace_today(member.workspace)
    autumn = make_wave(
        spring.survey,
        "Autumn 2026",
        opens_on=today - dt.timedelta(days=200),
        closes_on=today - dt.timedelta(days=170),
        roster=[s.city, s.foundation, s.chamber, s.museum, s.harbour],
    )
    make_response(autumn, make_respondent(autumn, s.city), ties={s.foundation: {}, s.library: {}})
    make_response(autumn, make_respondent(autumn, s.foundation), ties={s.chamber: {}})
    make_response(autumn, make_respondent(autumn, s.museum), ties={s.harbour: {}})
    Answer.objects.create(
        response=Response.objects.get(wave=spring, represents=s.city),
        question=question(spring.survey, "key-contribution"),
        value="funding",
    )
    return Compared(s, autumn, spring)


@pytest.fixture
def compared(alice_member) -> Compared:
    return build_compared(alice_member)


def surveyed(c: Compared, **params) -> dict:
    return {"view": "surveyed", "wave": c.spring.pk, **params}


def test_the_surveyed_page_offers_the_previous_wave_and_the_colours(alice_client, compared):
    c = compared
    page = alice_client.get(MAP, surveyed(c)).content.decode()
    assert f"compare={c.autumn.pk}" in page and "Compare Spring 2027 with Autumn 2026" in page
    assert f'<option value="{c.autumn.pk}">Autumn 2026</option>' in page
    key = question(c.spring.survey, "key-contribution")
    assert f'<option value="q{key.pk}">' in page and '<option value="trust">' in page
    assert 'id="compare-table"' not in page and 'id="colour-table"' not in page


def test_the_recorded_page_has_no_overlays(alice_client, compared):
    page = alice_client.get(MAP).content.decode()
    assert "overlay-switch" not in page and "Colour by" not in page


def test_the_compared_page_counts_and_lists_the_new_and_lost_ties(alice_client, compared):
    c = compared
    s = c.s
    response = alice_client.get(MAP, surveyed(c, compare=c.autumn.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert "2 new, 3 lost, 1 kept" in page
    assert "an ordered pair" in page and "named in Spring 2027 but not in Autumn 2026" in page
    assert f"compare={c.autumn.pk}" in page  # the map data asks for it too
    table = page[page.index('id="compare-table"') :]
    harbour = reverse("stakeholders:detail", args=["riverton", s.harbour.pk])
    assert f'<a href="{harbour}">Harbour</a>' in table
    new = table[table.index("New ties") : table.index("Lost ties")]
    assert new.count("<tr><td>") == 2 and "Chamber" in new
    results = reverse("surveys:results-changes", args=["riverton", c.spring.survey_id, c.spring.pk])
    assert f"{results}?since={c.autumn.pk}" in page
    assert "New since Autumn 2026" in page  # the map's legend


def test_the_map_data_draws_each_tie_of_either_wave_and_the_lost_ones_stakeholders(
    alice_client, compared
):
    c = compared
    s = c.s
    body = json.loads(alice_client.get(MAP_DATA, surveyed(c, compare=c.autumn.pk)).content)
    comparison = body["comparison"]
    assert comparison["before"] == {"id": c.autumn.pk, "name": "Autumn 2026"}
    assert comparison["counts"] == {"new": 2, "lost": 3, "kept": 1}
    pairs = {(p["source"], p["target"]): p["change"] for p in comparison["pairs"]}
    assert pairs == {
        (s.city.pk, s.chamber.pk): "new",
        (s.foundation.pk, s.city.pk): "new",
        (s.city.pk, s.library.pk): "lost",
        (s.foundation.pk, s.chamber.pk): "lost",
        (s.museum.pk, s.harbour.pk): "lost",
        (s.city.pk, s.foundation.pk): "kept",
    }
    # Harbour is not in Spring's surveyed network: drawn apart, with its name and page.
    assert [g["id"] for g in comparison["ghosts"]] == [s.harbour.pk]
    assert comparison["ghosts"][0]["label"] == "Harbour"
    assert "ordered pair" in comparison["definition"]
    # The view's own ties are unchanged.
    assert len(body["ties"]) == 2 and "colouring" not in body


def test_the_coloured_page_has_a_legend_with_counts_and_each_answer_as_text(alice_client, compared):
    c = compared
    key = question(c.spring.survey, "key-contribution")
    response = alice_client.get(MAP, surveyed(c, colour=f"q{key.pk}"))
    assert response.status_code == 200
    page = response.content.decode()
    legend = page[page.index('id="colour-legend"') :]
    legend = legend[: legend.index("</ul>")]
    assert "Funding" in legend and "No answer" in legend
    assert '<span class="count">1</span>' in legend and '<span class="count">4</span>' in legend
    assert "Land" not in legend  # options nobody chose are left out
    table = page[page.index('id="colour-table"') :]
    assert "<span>Funding</span>" in table and table.count("<span>No answer</span>") == 4
    assert f'<option value="q{key.pk}" selected>' in page


def test_the_map_data_carries_the_colours(alice_client, compared):
    c = compared
    s = c.s
    body = json.loads(alice_client.get(MAP_DATA, surveyed(c, colour="trust")).content)
    colouring = body["colouring"]
    assert colouring["key"] == "trust" and colouring["bins"][-1]["key"] == "none"
    # Foundation: City Hall rated reliability 4, mission 3 (3.5 → 4); City Hall: 2, 2, 2.
    assert colouring["nodes"][str(s.foundation.pk)][0] == "4"
    assert colouring["nodes"][str(s.city.pk)][0] == "2"
    assert str(s.chamber.pk) not in colouring["nodes"]
    assert "comparison" not in body


def test_both_overlays_go_together_and_on_the_both_view(alice_client, compared):
    c = compared
    params = {"view": "both", "wave": c.spring.pk, "compare": c.autumn.pk, "colour": "value"}
    body = json.loads(alice_client.get(MAP_DATA, params).content)
    assert "comparison" in body and "colouring" in body
    assert alice_client.get(MAP, params).status_code == 200


def test_bob_the_viewer_reads_the_overlays(bob_client, compared):
    c = compared
    params = surveyed(c, compare=c.autumn.pk, colour="trust")
    assert bob_client.get(MAP, params).status_code == 200
    assert bob_client.get(MAP_DATA, params).status_code == 200


def test_carol_gets_404(carol_client, compared):
    c = compared
    params = surveyed(c, compare=c.autumn.pk, colour="trust")
    assert carol_client.get(MAP, params).status_code == 404
    assert carol_client.get(MAP_DATA, params).status_code == 404


@pytest.fixture
def theirs(carol, lakeside) -> Wave:
    member = Membership.objects.get(user=carol, workspace=lakeside)
    a, b = make_stakeholder(lakeside, "Pier"), make_stakeholder(lakeside, "Dock")
    wave = make_wave(make_survey(member), "Lakeside spring", roster=[a, b])
    make_response(wave, make_respondent(wave, a), ties={b: {"reliability": 4}})
    return wave


def test_another_workspace_s_wave_to_compare_with_is_404(alice_client, compared, theirs):
    params = surveyed(compared, compare=theirs.pk)
    assert alice_client.get(MAP, params).status_code == 404
    assert alice_client.get(MAP_DATA, params).status_code == 404


def assert_refused(client, params: dict, field: str, words: str) -> None:
    page = client.get(MAP, params)
    assert page.status_code == 400
    text = page.content.decode()
    assert f"{field.capitalize()}: " in text and words in text
    data = client.get(MAP_DATA, params)
    assert data.status_code == 400
    detail = data.json()["detail"]
    assert [e["field"] for e in detail] == [field] and words in detail[0]["msg"]


def test_a_wave_of_another_survey_is_400_naming_compare(alice_client, alice_member, compared):
    other = make_wave(make_survey(alice_member, title="Another survey"), "Other")
    assert_refused(alice_client, surveyed(compared, compare=other.pk), "compare", "same survey")


def test_a_later_wave_or_the_same_is_400_naming_compare(alice_client, compared):
    c = compared
    assert_refused(alice_client, surveyed(c, compare=c.spring.pk), "compare", "opened before")
    params = {"view": "surveyed", "wave": c.autumn.pk, "compare": c.spring.pk}
    assert_refused(alice_client, params, "compare", "opened before Autumn 2026")


def test_a_compare_that_is_no_id_is_400_naming_compare(alice_client, compared):
    for garbage in ("abc", "-3", "1.5", "9" * 40):
        assert_refused(alice_client, surveyed(compared, compare=garbage), "compare", "the id")


def test_an_unknown_colour_is_400_naming_colour(alice_client, alice_member, compared):
    other = make_survey(alice_member, title="Another survey")
    for garbage in ("q0", "shoe", f"q{question(other, 'key-contribution').pk}", "q" + "9" * 30):
        assert_refused(alice_client, surveyed(compared, colour=garbage), "colour", "Choose one")


def test_a_text_question_cannot_colour(alice_client, compared):
    role = question(compared.spring.survey, "role")
    assert_refused(alice_client, surveyed(compared, colour=f"q{role.pk}"), "colour", "Choose one")


def test_overlays_on_the_recorded_view_are_400(alice_client, compared):
    assert_refused(alice_client, {"compare": compared.autumn.pk}, "compare", "surveyed view")
    assert_refused(alice_client, {"colour": "trust"}, "colour", "surveyed view")
    assert alice_client.get(MAP, {"colour": "sector"}).status_code == 200


def test_the_refused_page_offers_the_view_without_overlays(alice_client, compared):
    c = compared
    page = alice_client.get(MAP, surveyed(c, colour="shoe")).content.decode()
    assert f"{MAP}?view=surveyed&amp;wave={c.spring.pk}" in page


def test_the_results_page_s_wave_over_wave_links_to_the_map(alice_client, compared):
    c = compared
    url = reverse("surveys:results-changes", args=["riverton", c.spring.survey_id, c.spring.pk])
    page = alice_client.get(url).content.decode()
    assert f"{MAP}?view=surveyed&amp;wave={c.spring.pk}&amp;compare={c.autumn.pk}" in page
    assert "2 new, 3 lost, 1 kept" in page  # the same numbers as the map's


@pytest.mark.parametrize("url", [MAP, MAP_DATA])
def test_the_overlays_query_count_does_not_grow_with_answers(
    alice_client, alice_member, compared, url
):
    c = compared
    key = question(c.spring.survey, "key-contribution")
    params = {**surveyed(c, compare=c.autumn.pk), "colour": f"q{key.pk}"}
    partners = [make_stakeholder(alice_member.workspace, f"Partner {n}") for n in range(40)]
    c.spring.roster.add(*partners)
    for partner in partners[:2]:
        make_response(c.spring, make_respondent(c.spring, partner), {"key-contribution": "data"})
    few = measure(alice_client, url, params)
    for n, partner in enumerate(partners[2:]):
        make_response(
            c.spring,
            make_respondent(c.spring, partner),
            {"key-contribution": "it"},
            ties={c.s.city: {"mission": 3}, partners[n]: {"openness": 2}},
        )
        make_response(c.autumn, make_respondent(c.autumn, partner), ties={c.s.city: {}})
    assert measure(alice_client, url, params) == few


def test_an_anonymous_survey_s_page_says_why_nothing_colours(alice_client, compared):
    c = compared
    type(c.spring.survey).objects.filter(pk=c.spring.survey_id).update(anonymous=True)
    page = alice_client.get(MAP, surveyed(c)).content.decode()
    assert 'id="map-colour"' not in page
    assert "is anonymous: its answers name no respondent" in page
    assert alice_client.get(MAP, surveyed(c, colour="trust")).status_code == 400
