"""The survey models and the ready-made instruments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from cityweave.surveys.instruments import TRUST_ITEMS, VALUE_ITEMS, Measure, QuestionKind
from cityweave.surveys.models import Question, Wave
from cityweave.surveys.surveyed import surveyed_ties, surveyed_waves
from cityweave.surveys.testing import make_respondent, make_response, make_survey, make_wave
from cityweave.testing import make_stakeholder


def test_the_partner_template_asks_the_six_partner_ratings_of_each_partner(alice_member):
    survey = make_survey(alice_member, "partner")
    per_partner = survey.questions.filter(per_partner=True)
    measures = set(per_partner.values_list("measure", flat=True))
    assert measures == {*TRUST_ITEMS, *VALUE_ITEMS, Measure.COLLABORATION, Measure.FREQUENCY}
    assert set(
        per_partner.filter(kind=QuestionKind.SCALE).values_list("scale_points", flat=True)
    ) == {4}
    assert survey.questions.filter(kind=QuestionKind.ROSTER).count() == 1
    assert not survey.anonymous


def test_the_community_template_is_anonymous_with_two_five_point_scales(alice_member):
    survey = make_survey(alice_member, "community")
    assert survey.anonymous
    assert list(
        survey.questions.filter(kind=QuestionKind.SCALE).values_list("scale_points", flat=True)
    ) == [5, 5]


def test_a_trust_item_must_be_a_four_point_scale_asked_of_each_partner(alice_member):
    survey = make_survey(alice_member, "partner")
    item = survey.questions.get(measure=Measure.RELIABILITY)
    item.scale_points, item.per_partner = 5, False
    with pytest.raises(ValidationError) as caught:
        item.full_clean()
    assert set(caught.value.message_dict) == {"scale_points", "per_partner"}


def test_a_choice_question_needs_two_distinct_choices(alice_member):
    survey = make_survey(alice_member, "community")
    q = Question(workspace=survey.workspace, survey=survey, kind="single", text="Pick one")
    q.choices = [{"key": "a", "label": "A"}, {"key": "a", "label": "Again"}]
    with pytest.raises(ValidationError, match="given twice"):
        q.full_clean()


def test_a_wave_is_scheduled_then_open_then_closed(alice_member):
    survey = make_survey(alice_member, "community")
    wave = make_wave(survey, opens_on=dt.date(2027, 3, 1), closes_on=dt.date(2027, 3, 31))
    assert wave.status_on(dt.date(2027, 2, 28)) == Wave.SCHEDULED
    assert wave.status_on(dt.date(2027, 3, 31)) == Wave.OPEN
    assert wave.status_on(dt.date(2027, 4, 1)) == Wave.CLOSED


def test_the_database_refuses_a_wave_that_closes_before_it_opens(alice_member):
    survey = make_survey(alice_member, "community")
    with pytest.raises(IntegrityError):
        make_wave(survey, opens_on=dt.date(2027, 3, 2), closes_on=dt.date(2027, 3, 1))


def test_a_roster_answer_is_a_survey_tie_from_the_respondents_organisation(alice_member):
    riverton = alice_member.workspace
    bank, clinic = make_stakeholder(riverton, "Food Bank"), make_stakeholder(riverton, "Clinic")
    wave = make_wave(make_survey(alice_member), roster=[bank, clinic])
    respondent = make_respondent(wave, bank)
    response = make_response(wave, respondent, ties={clinic: {"reliability": 4}})
    tie = response.ties.get()
    assert (tie.source, tie.target, tie.reliability, tie.mission) == (bank, clinic, 4, None)
    respondent.refresh_from_db()
    assert respondent.responded


def test_the_surveyed_network_holds_submitted_ties_between_live_partners_only(alice_member):
    riverton = alice_member.workspace
    bank, clinic, school = (make_stakeholder(riverton, n) for n in ("Bank", "Clinic", "School"))
    wave = make_wave(make_survey(alice_member), roster=[bank, clinic, school])
    make_response(wave, make_respondent(wave, bank), ties={clinic: {"reliability": 3}})
    make_response(wave, make_respondent(wave, clinic), ties={school: {}}, submitted=False)
    make_response(
        wave, make_respondent(wave, school), ties={bank: {"collaboration": "none", "power": 2}}
    )
    ties = surveyed_ties(wave)
    assert [(t.source, t.target, t.ratings["reliability"]) for t in ties] == [
        (bank.pk, clinic.pk, 3)
    ]
    assert list(surveyed_waves(riverton)) == [wave]
    clinic.deleted_at = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    clinic.save()
    assert surveyed_ties(wave) == []


def test_a_second_question_with_a_partner_measure_is_refused(alice_member):
    survey = make_survey(alice_member, "partner")
    twin = Question(
        workspace=survey.workspace, survey=survey, kind="scale", text="Reliable again?",
        per_partner=True, scale_points=4, measure=Measure.RELIABILITY,
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        twin.full_clean()
    assert "measure" in caught.value.message_dict


def test_restoring_a_roster_question_beside_a_newer_one_is_refused_and_changes_nothing(
    alice_member, alice_client
):
    from cityweave.workspaces.models import TrashEntry
    from cityweave.workspaces.services import move_to_trash, restore

    survey = make_survey(alice_member, "partner")
    roster = survey.questions.get(kind=QuestionKind.ROSTER)
    entry = move_to_trash(alice_member, roster)
    Question.objects.create(
        workspace=survey.workspace, survey=survey, kind=QuestionKind.ROSTER, text="Who?"
    )
    with pytest.raises(ValidationError, match="cannot come back"):
        restore(alice_member, entry.pk)
    roster.refresh_from_db()
    assert roster.deleted_at is not None and TrashEntry.objects.filter(pk=entry.pk).exists()
    response = alice_client.post(f"/w/riverton/trash/{entry.pk}/restore/", follow=True)
    assert response.status_code == 200
    assert "cannot come back" in response.content.decode()


def test_a_wrong_kind_and_a_taken_measure_are_both_named_never_as_a_bare_constraint(alice_member):
    survey = make_survey(alice_member, "partner")
    twin = Question(
        workspace=survey.workspace, survey=survey, kind="single", text="Reliable?",
        per_partner=True, measure=Measure.RELIABILITY,
        choices=[{"key": "y", "label": "Yes"}, {"key": "n", "label": "No"}],
    )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        twin.full_clean()
    assert {"kind", "measure"} <= set(caught.value.message_dict)
    assert "__all__" not in caught.value.message_dict
