"""Property tests of answer checking: whatever a respondent (or a forged form) sends that a
question does not take is a clear 4xx naming the question, and nothing is written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cityweave.engagement.services import workspace_today
from cityweave.surveys import answering
from cityweave.surveys.models import Answer, Response, SurveyTie, Wave
from cityweave.surveys.testing import make_respondent, make_survey, make_wave, question
from cityweave.testing import make_stakeholder

pytestmark = pytest.mark.django_db

PROPERTY = settings(
    max_examples=40,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
#: Anything that is not a whole number from 1 to 4 as a form or JSON would send it.
not_a_rating = st.one_of(
    st.integers().filter(lambda n: not 1 <= n <= 4),
    st.integers().map(str).filter(lambda n: n.strip() not in ("1", "2", "3", "4")),
    st.floats(allow_nan=True),
    st.booleans(),
    st.text(min_size=1).filter(lambda t: t.strip() not in ("1", "2", "3", "4") and t.strip()),
    st.lists(st.integers(1, 4), min_size=1, max_size=3),
)


@pytest.fixture
def partners(riverton):
    return [make_stakeholder(riverton, name) for name in ("Foodbank", "Library", "Museum")]


@pytest.fixture
def wave(alice_member, partners):
    return make_wave(make_survey(alice_member, "partner"), roster=partners)


@pytest.fixture
def link(wave, partners):
    return make_respondent(wave, partners[0])


def nothing_written() -> bool:
    return not (Response.objects.exists() or Answer.objects.exists() or SurveyTie.objects.exists())


@PROPERTY
@given(value=not_a_rating, measure=st.sampled_from(["power", "reliability", "openness"]))
def test_a_rating_out_of_range_or_not_a_whole_number_is_refused(
    wave, link, partners, value, measure
):
    library = partners[1]
    item = question(wave.survey, measure)
    sheet = answering.response_for_token(link.token)
    data = {"partners": [library.pk], "ratings": {library.pk: {item.pk: value}}}
    with pytest.raises(ValidationError) as caught:
        answering.save(sheet, data)
    [message] = caught.value.message_dict[f"p{library.pk}-q{item.pk}"]
    assert item.text[:40] in message and "Library" in message
    assert nothing_written()


@PROPERTY
@given(value=st.one_of(st.text(max_size=20), st.integers().map(str)))
def test_a_choice_not_offered_is_refused(wave, link, value):
    key_contribution = question(wave.survey, "key-contribution")
    if value.strip() in key_contribution.choice_keys or not value.strip():
        return
    sheet = answering.response_for_token(link.token)
    with pytest.raises(ValidationError) as caught:
        answering.save(sheet, {"answers": {key_contribution.pk: value}})
    assert f"q{key_contribution.pk}" in caught.value.message_dict
    assert nothing_written()


@PROPERTY
@given(keys=st.lists(st.sampled_from(["funding", "data", "nonsense", "space"]), min_size=1))
def test_multiple_choice_takes_distinct_offered_keys_only(wave, link, keys):
    contributions = question(wave.survey, "contributions")
    sheet = answering.response_for_token(link.token)
    valid = len(set(keys)) == len(keys) and set(keys) <= set(contributions.choice_keys)
    try:
        answering.save(sheet, {"answers": {contributions.pk: keys}})
    except ValidationError as error:
        assert not valid
        assert f"q{contributions.pk}" in error.message_dict
        assert nothing_written()
    else:
        assert valid
        assert Answer.objects.get(question=contributions).value == sorted(
            keys, key=contributions.choice_keys.index
        )
        Response.objects.all().delete()


@PROPERTY
@given(pick=st.one_of(st.integers(), st.text(max_size=12), st.none()))
def test_a_pick_not_on_the_roster_is_refused(wave, link, partners, riverton, pick):
    if pick in (partners[1].pk, partners[2].pk) or pick in (
        str(partners[1].pk),
        str(partners[2].pk),
    ):
        return
    sheet = answering.response_for_token(link.token)
    with pytest.raises(ValidationError) as caught:
        answering.save(sheet, {"partners": [pick]})
    assert "partners" in caught.value.message_dict
    assert nothing_written()


def test_a_partner_of_another_workspace_is_refused_through_the_page(
    client, wave, link, lakeside, partners
):
    elsewhere = make_stakeholder(lakeside, "Lakeside Library")
    response = client.post(
        reverse("answer:answer-personal", args=[link.token]),
        {"partners": [elsewhere.pk], "action": "continue"},
    )
    assert response.status_code == 422
    assert "not on this survey&#x27;s list of partners" in response.content.decode()
    assert nothing_written()


@PROPERTY
@given(value=st.integers(1, 4), partner_index=st.sampled_from([1, 2]))
def test_answers_about_a_partner_not_picked_are_refused(wave, link, partners, value, partner_index):
    unpicked = partners[partner_index]
    picked = partners[3 - partner_index]
    item = question(wave.survey, "reliability")
    sheet = answering.response_for_token(link.token)
    data = {"partners": [picked.pk], "ratings": {unpicked.pk: {item.pk: value}}}
    with pytest.raises(ValidationError) as caught:
        answering.save(sheet, data)
    assert f"p{unpicked.pk}" in caught.value.message_dict
    assert nothing_written()


@PROPERTY
@given(value=not_a_rating)
def test_a_forged_rating_posted_to_the_page_is_a_422_naming_it(wave, link, partners, value):
    client = Client()
    library = partners[1]
    item = question(wave.survey, "reliability")
    name = f"p{library.pk}-q{item.pk}"
    posted = [str(v) for v in value] if isinstance(value, list) else [str(value)]
    if posted in (["1"], ["2"], ["3"], ["4"]) or not "".join(posted).strip():
        return  # one good rating sent as a list; or blank, an unanswered question
    response = client.post(
        reverse("answer:answer-personal", args=[link.token]),
        {"partners": [library.pk], "shown": [library.pk], name: posted, "action": "save"},
    )
    assert response.status_code == 422
    assert f'href="#{name}"' in response.content.decode()
    assert nothing_written()


@PROPERTY
@given(days_after=st.integers(1, 400), submit=st.booleans())
def test_a_response_after_the_wave_closed_is_refused(alice_member, partners, days_after, submit):
    survey = make_survey(alice_member, "partner")
    today = workspace_today(survey.workspace)
    closes = today - dt.timedelta(days=days_after)
    wave = make_wave(survey, opens_on=closes - dt.timedelta(days=30), closes_on=closes)
    link = make_respondent(wave, make_stakeholder(survey.workspace))
    response = Client().post(
        reverse("answer:answer-personal", args=[link.token]),
        {f"q{question(survey, 'role').pk}": "Chair", "action": "submit" if submit else "save"},
    )
    assert response.status_code == 410
    assert "This survey is closed" in response.content.decode()
    assert nothing_written()
    Wave.all_objects.filter(pk=wave.pk).delete()
