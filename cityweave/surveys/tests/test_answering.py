"""Answering a wave (cityweave.surveys.answering): links, checks, drafts, submitting."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from cityweave.engagement.services import workspace_today
from cityweave.surveys import answering
from cityweave.surveys.answering import Refusal, Refused
from cityweave.surveys.models import Answer, Respondent, Response, SurveyTie
from cityweave.surveys.testing import make_respondent, make_survey, make_wave, question
from cityweave.testing import make_stakeholder
from cityweave.workspaces.services import move_to_trash

pytestmark = pytest.mark.django_db


@pytest.fixture
def partners(riverton):
    return {
        name: make_stakeholder(riverton, name, email=f"{name.lower()}@example.org")
        for name in ("Foodbank", "Library", "Museum", "Harbour")
    }


@pytest.fixture
def partner_wave(alice_member, partners):
    survey = make_survey(alice_member, "partner")
    return make_wave(survey, roster=list(partners.values()))


@pytest.fixture
def foodbank_link(partner_wave, partners):
    return make_respondent(partner_wave, partners["Foodbank"])


def q(wave, measure):
    return question(wave.survey, measure).pk


def test_a_personal_link_opens_a_new_response_for_its_organisation(foodbank_link, partners):
    sheet = answering.response_for_token(foodbank_link.token)
    assert sheet.response.pk is None
    assert sheet.respondent == foodbank_link
    assert sheet.represents == partners["Foodbank"]
    assert partners["Foodbank"] not in answering.roster_of(sheet)
    assert len(answering.roster_of(sheet)) == 3


def test_saving_a_draft_writes_answers_and_one_tie_per_partner(
    partner_wave, foodbank_link, partners
):
    sheet = answering.response_for_token(foodbank_link.token)
    library, museum = partners["Library"], partners["Museum"]
    data = {
        "answers": {q(partner_wave, "organisation"): "  Foodbank  "},
        "partners": [library.pk, str(museum.pk)],
        "ratings": {
            str(library.pk): {
                str(q(partner_wave, "reliability")): "4",
                q(partner_wave, "collaboration"): "integration",
            },
            museum.pk: {q(partner_wave, "power"): 2},
        },
    }
    response = answering.save(sheet, data)
    assert response.submitted_on is None
    assert response.saved_on == workspace_today(partner_wave.workspace)
    assert response.respondent == foodbank_link and response.represents == partners["Foodbank"]
    assert Answer.objects.get(response=response).value == "Foodbank"
    ties = {tie.target: tie for tie in SurveyTie.objects.filter(response=response)}
    assert set(ties) == {library, museum}
    assert ties[library].source == partners["Foodbank"]
    assert (ties[library].reliability, ties[library].collaboration) == (4, "integration")
    assert (ties[museum].power, ties[museum].reliability) == (2, None)
    foodbank_link.refresh_from_db()
    assert not foodbank_link.responded


def test_coming_back_finds_the_draft_and_unpicking_a_partner_removes_its_tie(
    partner_wave, foodbank_link, partners
):
    library, museum = partners["Library"], partners["Museum"]
    sheet = answering.response_for_token(foodbank_link.token)
    answering.save(sheet, {"partners": [library.pk, museum.pk]})
    again = answering.response_for_token(foodbank_link.token)
    assert again.response.pk == sheet.response.pk
    assert answering.current(again)["partners"] == [library.pk, museum.pk]
    answering.save(again, {"partners": [museum.pk]})
    assert list(SurveyTie.objects.values_list("target", flat=True)) == [museum.pk]


def test_submitting_marks_the_respondent_and_then_refuses_changes(
    partner_wave, foodbank_link, partners
):
    sheet = answering.response_for_token(foodbank_link.token)
    response = answering.save(
        sheet, {"answers": {q(partner_wave, "organisation"): "Foodbank"}}, submit=True
    )
    assert response.submitted_on == workspace_today(partner_wave.workspace)
    assert Respondent.objects.get(pk=foodbank_link.pk).responded
    with pytest.raises(Refused) as caught:
        answering.response_for_token(foodbank_link.token)
    assert caught.value.reason == Refusal.SUBMITTED and caught.value.status == 409
    with pytest.raises(Refused):
        answering.save(sheet, {"answers": {q(partner_wave, "organisation"): "Other"}})
    assert Answer.objects.get().value == "Foodbank"


def test_a_required_question_is_needed_on_submit_only(partner_wave, foodbank_link):
    sheet = answering.response_for_token(foodbank_link.token)
    answering.save(sheet, {})
    with pytest.raises(ValidationError) as caught:
        answering.save(sheet, {}, submit=True)
    key = f"q{q(partner_wave, 'organisation')}"
    assert "answer this question" in caught.value.message_dict[key][0]
    assert Response.objects.get().submitted_on is None


@pytest.mark.parametrize(
    ("measure", "value", "says"),
    [
        ("reliability", 5, "from 1 to 4"),
        ("reliability", "3.5", "from 1 to 4"),
        ("reliability", True, "from 1 to 4"),
        ("collaboration", "friends", "answers offered"),
    ],
)
def test_a_rating_the_question_does_not_take_names_the_question_and_the_partner(
    partner_wave, foodbank_link, partners, measure, value, says
):
    library = partners["Library"]
    sheet = answering.response_for_token(foodbank_link.token)
    data = {"partners": [library.pk], "ratings": {library.pk: {q(partner_wave, measure): value}}}
    with pytest.raises(ValidationError) as caught:
        answering.save(sheet, data)
    [message] = caught.value.message_dict[f"p{library.pk}-q{q(partner_wave, measure)}"]
    assert says in message and "Library" in message
    assert not Response.objects.exists() and not SurveyTie.objects.exists()


def test_picks_come_only_from_the_roster_and_never_the_own_organisation(
    partner_wave, foodbank_link, partners, riverton, carol, lakeside
):
    stranger = make_stakeholder(riverton, "Not on the roster")
    elsewhere = make_stakeholder(lakeside, "Lakeside partner")
    sheet = answering.response_for_token(foodbank_link.token)
    for pick, says in (
        (stranger.pk, "not on this survey's list"),
        (elsewhere.pk, "not on this survey's list"),
        (partners["Foodbank"].pk, "Your own organisation"),
        ("abc", "not on this survey's list"),
    ):
        with pytest.raises(ValidationError) as caught:
            answering.save(sheet, {"partners": [pick]})
        assert says in caught.value.message_dict["partners"][0]
    assert not Response.objects.exists()


def test_a_partner_in_the_trash_cannot_be_picked(
    alice_member, partner_wave, foodbank_link, partners
):
    move_to_trash(alice_member, partners["Museum"])
    sheet = answering.response_for_token(foodbank_link.token)
    assert partners["Museum"] not in answering.roster_of(sheet)
    with pytest.raises(ValidationError):
        answering.save(sheet, {"partners": [partners["Museum"].pk]})


def test_answers_about_a_partner_not_picked_are_refused(partner_wave, foodbank_link, partners):
    sheet = answering.response_for_token(foodbank_link.token)
    museum = partners["Museum"]
    with pytest.raises(ValidationError) as caught:
        answering.save(sheet, {"ratings": {museum.pk: {q(partner_wave, "power"): 3}}})
    assert "not picked" in caught.value.message_dict[f"p{museum.pk}"][0]
    assert not Response.objects.exists()


def test_one_bad_answer_leaves_a_saved_draft_as_it_was(partner_wave, foodbank_link, partners):
    library = partners["Library"]
    sheet = answering.response_for_token(foodbank_link.token)
    answering.save(sheet, {"partners": [library.pk], "answers": {q(partner_wave, "role"): "Chair"}})
    with pytest.raises(ValidationError):
        answering.save(
            sheet,
            {
                "partners": [],
                "answers": {
                    q(partner_wave, "role"): "Director",
                    q(partner_wave, "key-contribution"): "x",
                },
            },
        )
    assert Answer.objects.get().value == "Chair"
    assert SurveyTie.objects.get().target == library


def test_texts_and_numbers_are_checked(alice_member, riverton):
    survey = make_survey(alice_member, "community")
    long_text = survey.questions.get(text="What works well?")
    number = survey.questions.create(
        workspace=riverton,
        kind="number",
        text="How many events?",
        position=9,
        min_value=0,
        max_value=100,
    )
    wave = make_wave(survey)
    sheet = answering.response_for_token(make_respondent(wave, label="Ward 3").token)
    for key, value, says in (
        (long_text.pk, "x" * 5001, "5,000 characters"),
        (long_text.pk, "bad \x00 text", "NUL"),
        (number.pk, "101", "100 or less"),
        (number.pk, "-1", "0 or more"),
        (number.pk, "NaN", "give a number"),
        (number.pk, "twelve", "give a number"),
    ):
        with pytest.raises(ValidationError) as caught:
            answering.save(sheet, {"answers": {key: value}})
        assert says in caught.value.message_dict[f"q{key}"][0], (value, caught.value)
    answering.save(sheet, {"answers": {number.pk: "12.50", long_text.pk: "x" * 5000}})
    assert Answer.objects.get(question=number).value == "12.50"


@pytest.mark.parametrize(
    ("opens", "closes", "reason", "status"),
    [(3, 10, Refusal.SCHEDULED, 403), (-10, -1, Refusal.CLOSED, 410)],
)
def test_a_link_outside_its_wave_is_refused(alice_member, partners, opens, closes, reason, status):
    survey = make_survey(alice_member, "partner")
    today = workspace_today(survey.workspace)
    wave = make_wave(
        survey,
        opens_on=today + dt.timedelta(days=opens),
        closes_on=today + dt.timedelta(days=closes),
    )
    link = make_respondent(wave, partners["Library"])
    with pytest.raises(Refused) as caught:
        answering.response_for_token(link.token)
    assert (caught.value.reason, caught.value.status) == (reason, status)


def test_a_wave_closed_by_hand_refuses_even_a_saved_draft(partner_wave, foodbank_link):
    sheet = answering.response_for_token(foodbank_link.token)
    answering.save(sheet, {})
    partner_wave.closed_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    partner_wave.save()
    with pytest.raises(Refused) as caught:
        answering.response_for_token(foodbank_link.token)
    assert caught.value.reason == Refusal.CLOSED


def test_a_survey_in_the_trash_or_an_unknown_token_is_refused(
    alice_member, partner_wave, foodbank_link
):
    with pytest.raises(Refused) as caught:
        answering.response_for_token("no-such-token")
    assert caught.value.reason == Refusal.UNKNOWN and caught.value.status == 404
    move_to_trash(alice_member, partner_wave.survey)
    with pytest.raises(Refused) as caught:
        answering.response_for_token(foodbank_link.token)
    assert caught.value.reason == Refusal.TRASHED
