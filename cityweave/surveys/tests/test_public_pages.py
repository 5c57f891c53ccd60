"""The respondents' public pages: answering through a personal link, every refusal page, the
headers that keep a personal page private, and what a page shows (only its own answers)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse

from cityweave.engagement.services import workspace_today
from cityweave.surveys import answering
from cityweave.surveys.models import Answer, Respondent, Response, SurveyTie
from cityweave.surveys.testing import (
    make_respondent,
    make_response,
    make_survey,
    make_wave,
    question,
)
from cityweave.testing import make_stakeholder
from cityweave.workspaces.services import move_to_trash

pytestmark = pytest.mark.django_db


@pytest.fixture
def partners(riverton):
    return {name: make_stakeholder(riverton, name) for name in ("Foodbank", "Library", "Museum")}


@pytest.fixture
def wave(alice_member, partners):
    survey = make_survey(alice_member, "partner", introduction="Tell us how we work together.")
    return make_wave(survey, roster=list(partners.values()))


@pytest.fixture
def link(wave, partners):
    return make_respondent(wave, partners["Foodbank"])


def link_url(respondent: Respondent) -> str:
    return reverse("answer:answer-personal", args=[respondent.token])


def field(wave, measure: str, partner=None) -> str:
    pk = question(wave.survey, measure).pk
    return f"p{partner.pk}-q{pk}" if partner else f"q{pk}"


def test_a_personal_link_shows_the_city_the_survey_and_the_roster_without_its_own(
    client, link, wave, partners
):
    response = client.get(link_url(link))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Riverton" in html and "Partner network survey" in html
    assert "Tell us how we work together." in html
    assert "You are answering for <strong>Foodbank</strong>" in html
    assert f'name="partners" value="{partners["Library"].pk}"' in html
    assert f'name="partners" value="{partners["Foodbank"].pk}"' not in html
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert "csrfmiddlewaretoken" in html
    # No workspace menu: the respondent is not a member.
    assert "workspace-nav" not in html and "Log out" not in html


def test_a_personal_page_is_private_never_cached_or_indexed(client, link):
    response = client.get(link_url(link))
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"


def test_the_form_needs_its_csrf_token(link, wave):
    client = Client(enforce_csrf_checks=True)
    response = client.post(link_url(link), {field(wave, "role"): "Chair", "action": "save"})
    assert response.status_code == 403
    assert not Response.objects.exists()


def test_picking_partners_then_rating_them_then_submitting(client, link, wave, partners):
    library, museum = partners["Library"], partners["Museum"]
    url = link_url(link)
    picked = client.post(
        url,
        {
            field(wave, "organisation"): "Foodbank",
            "partners": [library.pk, museum.pk],
            "action": "continue",
        },
    )
    assert picked.status_code == 303
    assert picked["Location"] == f"{url}?saved=1#partner-{library.pk}"
    page = client.get(url).content.decode()
    assert "About Library" in page and "About Museum" in page
    assert 'value="Foodbank"' in page
    rated = client.post(
        url,
        {
            field(wave, "organisation"): "Foodbank",
            "partners": [library.pk, museum.pk],
            "shown": [library.pk, museum.pk],
            field(wave, "reliability", library): "4",
            field(wave, "collaboration", library): "coordination",
            field(wave, "mission", museum): "2",
            "action": "submit",
        },
    )
    assert rated.status_code == 303
    assert rated["Location"].startswith("/s/thanks/")
    thanks = client.get(rated["Location"])
    assert thanks.status_code == 200
    assert "Thank you, your answers are in" in thanks.content.decode()
    response = Response.objects.get()
    assert response.submitted_on == workspace_today(wave.workspace)
    ties = {tie.target: tie for tie in SurveyTie.objects.all()}
    assert (ties[library].reliability, ties[library].collaboration) == (4, "coordination")
    assert ties[museum].mission == 2
    assert Respondent.objects.get(pk=link.pk).responded
    again = client.get(url)
    assert again.status_code == 409
    assert "Thank you, your answers are in" in again.content.decode()


def test_submitting_with_partners_just_ticked_asks_about_them_first(client, link, wave, partners):
    library = partners["Library"]
    url = link_url(link)
    response = client.post(
        url, {field(wave, "organisation"): "Foodbank", "partners": [library.pk], "action": "submit"}
    )
    assert response["Location"] == f"{url}?added=1#partner-{library.pk}"
    assert Response.objects.get().submitted_on is None
    assert "About Library" in client.get(response["Location"]).content.decode()


def test_unticking_a_partner_drops_its_answers_on_the_page(client, link, wave, partners):
    library, museum = partners["Library"], partners["Museum"]
    url = link_url(link)
    client.post(url, {"partners": [library.pk, museum.pk], "action": "continue"})
    client.post(
        url,
        {
            "partners": [museum.pk],
            "shown": [library.pk, museum.pk],
            field(wave, "power", library): "3",
            field(wave, "power", museum): "1",
            "action": "save",
        },
    )
    assert list(SurveyTie.objects.values_list("target", "power")) == [(museum.pk, 1)]


def test_a_refused_save_lists_its_problems_keeps_the_typed_answers_and_writes_nothing(
    client, link, wave, partners
):
    library = partners["Library"]
    client.post(link_url(link), {"partners": [library.pk], "action": "continue"})
    before = list(SurveyTie.objects.values_list("pk", "reliability"))
    response = client.post(
        link_url(link),
        {
            field(wave, "role"): "Chair",
            "partners": [library.pk],
            "shown": [library.pk],
            field(wave, "reliability", library): "7",
            "action": "save",
        },
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "1 problem to fix; nothing was saved" in html
    reliability = field(wave, "reliability", library)
    assert f'href="#{reliability}"' in html
    assert "about Library: choose a whole number from 1 to 4." in html
    assert 'value="Chair"' in html
    assert list(SurveyTie.objects.values_list("pk", "reliability")) == before
    assert not Answer.objects.exists()


def test_a_required_question_left_blank_stops_the_submit(client, link, wave):
    response = client.post(link_url(link), {"action": "submit"})
    assert response.status_code == 422
    assert "answer this question" in response.content.decode()
    assert not Response.objects.exists()


def test_a_page_shows_only_its_own_answers(client, wave, partners, link):
    library = make_respondent(wave, partners["Library"])
    make_response(
        wave,
        library,
        answers={"organisation": "Library secret words"},
        ties={partners["Museum"]: {"reliability": 1}},
        submitted=False,
    )
    html = client.get(link_url(link)).content.decode()
    assert "Library secret words" not in html
    assert "About Museum" not in html


@pytest.mark.parametrize(
    ("opens", "closes", "status", "says"),
    [
        (2, 9, 403, "This survey is not open yet"),
        (-9, -2, 410, "This survey is closed"),
    ],
)
def test_a_link_outside_its_wave_gets_a_clear_page(
    client, alice_member, partners, opens, closes, status, says
):
    survey = make_survey(alice_member, "partner")
    today = workspace_today(survey.workspace)
    wave = make_wave(
        survey,
        opens_on=today + dt.timedelta(days=opens),
        closes_on=today + dt.timedelta(days=closes),
    )
    respondent = make_respondent(wave, partners["Library"])
    for response in (
        client.get(link_url(respondent)),
        client.post(link_url(respondent), {"action": "save"}),
    ):
        assert response.status_code == status
        assert says in response.content.decode()
        assert response["Cache-Control"] == "private, no-store"
    assert not Response.objects.exists()


def test_an_unknown_link_gets_a_clear_404(client):
    response = client.get(reverse("answer:answer-personal", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert "This survey link does not work" in response.content.decode()
    assert client.get(reverse("answer:answer-resume", args=["nope"])).status_code == 404
    assert client.get(reverse("answer:answer-open", args=["nope"])).status_code == 404
    assert client.get(reverse("answer:answer-thanks", args=["forged"])).status_code == 404


def test_a_survey_or_respondent_in_the_trash_gets_a_withdrawn_page(
    client, alice_member, wave, link
):
    move_to_trash(alice_member, link)
    response = client.get(link_url(link))
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


def test_a_wave_in_the_trash_refuses_a_save(client, alice_member, wave, link):
    move_to_trash(alice_member, wave)
    response = client.post(link_url(link), {"action": "save"})
    assert response.status_code == 410
    assert not Response.objects.exists()


def test_a_post_after_the_wave_closed_by_hand_writes_nothing(client, wave, link):
    page = client.get(link_url(link))
    assert page.status_code == 200
    wave.closed_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    wave.save()
    response = client.post(link_url(link), {field(wave, "role"): "Chair", "action": "save"})
    assert response.status_code == 410
    assert not Response.objects.exists()


def test_the_answer_page_costs_the_same_few_queries_for_many_partners(
    client, riverton, alice_member, django_assert_max_num_queries
):
    many = [make_stakeholder(riverton, f"Partner {n}") for n in range(30)]
    wave = make_wave(make_survey(alice_member, "partner"), roster=many)
    respondent = make_respondent(wave, many[0])
    make_response(
        wave,
        respondent,
        answers={"organisation": "Partner 0", "role": "Chair"},
        ties={partner: {"reliability": 3, "frequency": "monthly"} for partner in many[1:]},
        submitted=False,
    )
    with django_assert_max_num_queries(12):
        response = client.get(link_url(respondent))
    assert response.content.decode().count('class="card partner-section"') == 29


def test_a_second_first_save_through_one_link_finds_the_first(link, wave, partners):
    one = answering.response_for_token(link.token)
    other = answering.response_for_token(link.token)
    answering.save(one, {"partners": [partners["Library"].pk]})
    answering.save(other, {"partners": [partners["Museum"].pk]})
    assert Response.objects.count() == 1
    assert list(SurveyTie.objects.values_list("target", flat=True)) == [partners["Museum"].pk]


def test_a_wave_closed_early_names_the_day_it_closed(client, wave, link):
    from django.utils import timezone

    wave.closed_at = timezone.now()
    wave.save()
    response = client.get(link_url(link))
    assert response.status_code == 410
    today = workspace_today(wave.workspace)
    assert f"It took its last answers on {today:%-d %B %Y}." in response.content.decode()


def test_the_organisation_question_starts_with_who_the_office_says_they_answer_for(
    client, link, wave
):
    name = field(wave, "organisation")
    html = client.get(link_url(link)).content.decode()
    assert re.search(rf'name="{name}"[^>]*value="Foodbank"', html)
    # Their own answer, once saved, is what the page shows.
    client.post(link_url(link), {"action": "save", name: "Foodbank Coalition"})
    html = client.get(link_url(link)).content.decode()
    assert re.search(rf'name="{name}"[^>]*value="Foodbank Coalition"', html)
