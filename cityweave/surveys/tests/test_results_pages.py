"""Survey results pages and API: scoping, roles, anonymity, search, wave over wave, trends, and
query counts that do not grow with the answers."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cityweave.surveys.models import Response
from cityweave.surveys.results_views import dodge
from cityweave.surveys.testing import (
    make_respondent,
    make_response,
    make_survey,
    make_wave,
)
from cityweave.testing import make_member, make_stakeholder
from cityweave.workspaces.models import Membership

pytestmark = pytest.mark.django_db

WAVE_PAGES = (
    "results",
    "results-scores",
    "results-questions",
    "results-open-answers",
    "results-changes",
)
DOWNLOADS = tuple(
    f"results-{what}-{fmt}"
    for what in ("answers", "partner-answers", "scores")
    for fmt in ("csv", "xlsx")
)
API = ("scores", "results", "open-answers", "network", "changes")


def partner_wave(member: Membership, partners: int = 4, name: str = "Spring", **dates):
    """A partner survey's wave where each partner rates the next two."""
    workspace = member.workspace
    people = [make_stakeholder(workspace, f"Partner {i:02}") for i in range(partners)]
    survey = make_survey(member, min_raters=2)
    wave = make_wave(survey, name, roster=people, **dates)
    fill(wave, people)
    return wave


def fill(wave, people, base: int = 0):
    for i, person in enumerate(people):
        others = [people[(i + 1) % len(people)], people[(i + 2) % len(people)]]
        make_response(
            wave,
            make_respondent(wave, person),
            answers={"role": f"Director {i}", "contributions": ["funding", "data"]},
            ties={
                other: {
                    "reliability": 1 + (i + base) % 4,
                    "mission": 3,
                    "openness": None,
                    "power": 2,
                    "involvement": 4,
                    "resources": 1 + i % 4,
                    "collaboration": "coordination",
                    "frequency": "monthly",
                }
                for other in others
                if other != person
            },
        )


def get(client, url: str, **extra):
    """GET `url`, reading a download to its end (which closes its temporary file)."""
    response = client.get(url, **extra)
    if response.streaming:
        response.body = b"".join(response.streaming_content)
    return response


def wave_url(name: str, wave, slug: str = "riverton") -> str:
    return reverse(f"surveys:{name}", args=[slug, wave.survey_id, wave.pk])


def api_url(path: str, wave, slug: str = "riverton") -> str:
    return f"/api/v1/workspaces/{slug}/surveys/{wave.survey_id}/waves/{wave.pk}/{path}"


@pytest.fixture
def wave(alice_member):
    return partner_wave(alice_member)


def test_a_member_and_a_viewer_read_every_page_and_download(wave, alice_client, bob_client):
    for client in (alice_client, bob_client):
        for name in (*WAVE_PAGES, *DOWNLOADS):
            assert get(client, wave_url(name, wave)).status_code == 200, name
        trends = reverse("surveys:results-trends", args=["riverton", wave.survey_id])
        assert client.get(trends).status_code == 200


def test_another_workspaces_wave_is_not_found(wave, carol_client, alice_client, carol, lakeside):
    for name in (*WAVE_PAGES, *DOWNLOADS):
        assert get(carol_client, wave_url(name, wave, "lakeside")).status_code == 404, name
        assert get(alice_client, wave_url(name, wave, "lakeside")).status_code == 404, name
    carols = partner_wave(Membership.objects.get(user=carol), partners=3)
    for name in (*WAVE_PAGES, *DOWNLOADS):
        assert get(alice_client, wave_url(name, carols)).status_code == 404, name
    trends = reverse("surveys:results-trends", args=["riverton", carols.survey_id])
    assert alice_client.get(trends).status_code == 404


def test_a_wave_is_found_only_under_its_own_survey(wave, alice_client, alice_member):
    other = make_survey(alice_member, "community")
    url = reverse("surveys:results", args=["riverton", other.pk, wave.pk])
    assert alice_client.get(url).status_code == 404


def test_logged_out_visitors_are_sent_to_log_in(wave, client):
    for name in (*WAVE_PAGES, *DOWNLOADS):
        response = get(client, wave_url(name, wave))
        assert response.status_code == 302 and "/login" in response["Location"], name


def test_the_api_answers_members_and_viewers_only(wave, alice_api, bob_api, carol_api, client):
    for path in API[:4]:
        assert alice_api.get(api_url(path, wave)).status_code == 200, path
        assert bob_api.get(api_url(path, wave)).status_code == 200, path
        assert carol_api.get(api_url(path, wave)).status_code == 404, path
        assert carol_api.get(api_url(path, wave, "lakeside")).status_code == 404, path
        assert client.get(api_url(path, wave)).status_code == 401, path
    trends = f"/api/v1/workspaces/riverton/surveys/{wave.survey_id}/trends"
    assert bob_api.get(trends).status_code == 200
    assert carol_api.get(trends).status_code == 404


def test_the_api_refuses_a_comparison_with_no_earlier_wave_naming_since(wave, alice_api):
    response = alice_api.get(api_url("changes", wave))
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "since"
    assert alice_api.get(api_url("changes", wave), {"since": "x"}).status_code == 422
    assert alice_api.get(api_url("open-answers", wave), {"q": "a" * 201}).status_code == 422


def test_a_viewer_cannot_post_to_a_results_page(wave, bob_client):
    assert bob_client.post(wave_url("results", wave)).status_code == 403


def test_the_open_answers_are_searchable_and_htmx_gets_the_list_alone(alice_member, alice_client):
    survey = make_survey(alice_member, "community")
    wave = make_wave(survey)
    works, improve = survey.questions.filter(kind="long-text").order_by("position")
    for text in ("The food pantry hours", "Clear newsletters", "More evening pantry slots"):
        response = make_response(wave, answers={"satisfaction": 4})
        response.answers.create(question=works, value=text)
    make_response(wave, answers={"satisfaction": 2}).answers.create(
        question=improve, value="=HYPERLINK(1)"
    )
    page = alice_client.get(wave_url("results-open-answers", wave), {"q": "PANTRY"})
    content = page.content.decode()
    assert "The food pantry hours" in content and "More evening pantry slots" in content
    assert "Clear newsletters" not in content
    assert "2 answers containing" in content
    partial = alice_client.get(
        wave_url("results-open-answers", wave), {"q": "news"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "<html" not in partial and "Clear newsletters" in partial
    text = get(alice_client, wave_url("results-answers-csv", wave)).body.decode()
    assert "'=HYPERLINK(1)" in text  # the formula guard


def test_an_anonymous_surveys_results_name_nobody(alice_member, alice_client, alice_api):
    survey = make_survey(alice_member, "community", about="Eastside pantry network")
    wave = make_wave(survey)
    works = survey.questions.filter(kind="long-text").order_by("position")[0]
    make_response(wave, answers={"satisfaction": 5, "communication": 4}).answers.create(
        question=works, value="Friendly volunteers"
    )
    assert Response.objects.filter(wave=wave, respondent__isnull=False).count() == 0
    assert Response.objects.filter(wave=wave, represents__isnull=False).count() == 0
    download = get(alice_client, wave_url("results-answers-csv", wave))
    header, row = download.body.decode().splitlines()
    assert header.split(",")[0] == "submitted on"
    assert "respondent" not in header and "email" not in header and "response" not in header
    assert "Friendly volunteers" in row
    body = alice_api.get(api_url("open-answers", wave)).json()
    assert body["answers"][0]["answered_by"] == ""
    overview = alice_client.get(wave_url("results", wave)).content.decode()
    assert "Trust and value" not in overview  # no roster: no scores tab


def test_the_questions_page_charts_each_questions_distribution(wave, alice_client, alice_api):
    content = alice_client.get(wave_url("results-questions", wave)).content.decode()
    assert "What level of collaboration best describes your relationship?" in content
    assert "Coordination: 8" in content  # per partner: 4 respondents × 2 partners
    body = alice_api.get(api_url("results", wave)).json()
    contributions = next(d for d in body["distributions"] if d["text"].startswith("What does"))
    counts = {bar["label"]: bar["count"] for bar in contributions["bars"]}
    assert counts["Funding"] == 4
    openness = next(d for d in body["distributions"] if "open is this partner" in d["text"])
    assert (openness["answered"], openness["mean"]) == (0, None)  # missing: not zero


def test_wave_over_wave_compares_with_the_wave_before(alice_member, alice_client, alice_api):
    today = dt.date(2027, 5, 1)
    first = partner_wave(
        alice_member,
        name="Spring 2026",
        opens_on=today - dt.timedelta(days=400),
        closes_on=today - dt.timedelta(days=380),
    )
    people = list(first.roster.order_by("name"))
    second = make_wave(
        first.survey,
        "Spring 2027",
        opens_on=today - dt.timedelta(days=30),
        closes_on=today - dt.timedelta(days=10),
        roster=people,
    )
    fill(second, people[:3], base=1)
    page = alice_client.get(wave_url("results-changes", second)).content.decode()
    assert "Spring 2026 → Spring 2027" in page
    assert "Lost ties" in page and "Partner 03 <span" in page
    body = alice_api.get(api_url("changes", second)).json()
    assert body["since"]["name"] == "Spring 2026"
    assert body["kept"] + len(body["lost"]) == 8
    assert {(t["source_name"], t["target_name"]) for t in body["new"]} == {
        ("Partner 01", "Partner 00"),
        ("Partner 02", "Partner 01"),
    }
    assert body["kept"] == 4
    trends = alice_api.get(f"/api/v1/workspaces/riverton/surveys/{first.survey_id}/trends").json()
    assert [t["name"] for t in trends] == [
        "Network trust",
        "Network value",
        "Density of the surveyed network (%)",
        "Reciprocity (%)",
    ]
    # 8 ordered pairs among 4 partners, then 6 among 3 of the same 4: 8/12 and 6/12.
    assert [p["value"] for p in trends[2]["points"]] == pytest.approx([800 / 12, 600 / 12])
    assert [p["wave_name"] for p in trends[0]["points"]] == ["Spring 2026", "Spring 2027"]
    chart = alice_client.get(
        reverse("surveys:results-trends", args=["riverton", first.survey_id])
    ).content.decode()
    assert "<polyline" in chart and "Network trust by wave: Spring 2026" in chart


def test_the_scores_table_sorts_and_ignores_an_unknown_sort(wave, alice_client):
    by_trust = alice_client.get(wave_url("results-scores", wave), {"sort": "-trust"})
    assert by_trust.status_code == 200
    assert alice_client.get(wave_url("results-scores", wave), {"sort": "luck"}).status_code == 200


def count_queries(client, url: str) -> int:
    get(client, url)
    with CaptureQueriesContext(connection) as queries:
        assert get(client, url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", (*WAVE_PAGES, "results-scores-csv", "results-answers-xlsx"))
def test_the_query_count_does_not_grow_with_the_responses(alice_member, alice_client, name):
    small = partner_wave(alice_member, partners=5, name="Small")
    large = partner_wave(alice_member, partners=50, name="Large")
    assert count_queries(alice_client, wave_url(name, small)) == count_queries(
        alice_client, wave_url(name, large)
    )


def test_the_api_query_count_does_not_grow_with_the_responses(alice_member, alice_api):
    small = partner_wave(alice_member, partners=5, name="Small")
    large = partner_wave(alice_member, partners=50, name="Large")
    for path in API[:4]:
        assert count_queries(alice_api, api_url(path, small)) == count_queries(
            alice_api, api_url(path, large)
        ), path


def test_the_results_page_queries_stay_within_budget(
    wave, alice_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(14):
        alice_client.get(wave_url("results", wave))


def _apart(found: list[tuple[float, float]], radius: float) -> bool:
    return all(
        math.dist(a, b) >= 2 * radius - 1.5 for i, a in enumerate(found) for b in found[i + 1 :]
    )


def test_quadrant_dots_rated_alike_are_moved_apart_not_hidden():
    # Three partners rated alike and one apart: the first and the lone one keep their places.
    found = dodge([(100, 100), (100, 100), (100, 100), (300, 300)], radius=10)
    assert found[0] == (100, 100) and found[3] == (300, 300)
    assert _apart(found, 10)
    assert all(math.dist(point, (100, 100)) < 40 for point in found[:3])


def test_quadrant_dots_stay_in_the_frame_and_a_full_frame_keeps_their_places():
    frame = (40, 14, 404, 336)
    crowd = dodge([(40, 14)] * 60, radius=10, frame=frame)
    assert _apart(crowd, 10)
    assert all(40 <= x <= 404 and 14 <= y <= 336 for x, y in crowd)
    # A frame with room for one dot: the others keep their own places rather than leave it.
    assert dodge([(5, 5), (5, 5)], radius=10, frame=(0, 0, 10, 10)) == [(5, 5), (5, 5)]


def test_the_wave_over_wave_page_says_when_it_cannot_follow_since(wave, alice_client, lakeside):
    theirs = make_wave(make_survey(make_member(lakeside)), "Theirs")
    for since in ("x", str(wave.pk), str(theirs.pk), "99999999999999999999"):
        response = alice_client.get(wave_url("results-changes", wave), {"since": since})
        assert response.status_code == 400, since
        assert "Since: give an earlier wave of this survey to compare with" in (
            response.content.decode()
        )
