"""Merging two stakeholders moves their survey records; restoring the merged one moves them back."""

from __future__ import annotations

from cityweave.stakeholders.merging import merge_stakeholders
from cityweave.surveys.models import Respondent, SurveyTie
from cityweave.surveys.surveyed import surveyed_ties
from cityweave.surveys.testing import make_respondent, make_response, make_survey, make_wave
from cityweave.testing import make_stakeholder
from cityweave.workspaces.models import TrashEntry
from cityweave.workspaces.services import restore


def test_a_merge_moves_rosters_respondents_and_survey_ties_and_a_restore_moves_them_back(
    alice_member,
):
    riverton = alice_member.workspace
    bank = make_stakeholder(riverton, "Food Bank")
    bank_again = make_stakeholder(riverton, "The Food Bank")
    clinic = make_stakeholder(riverton, "Clinic")
    school = make_stakeholder(riverton, "School")
    wave = make_wave(make_survey(alice_member), roster=[bank_again, clinic, school])
    answering = make_respondent(wave, bank_again)
    make_response(wave, answering, ties={clinic: {"reliability": 4}})
    make_response(wave, make_respondent(wave, clinic), ties={bank_again: {"power": 3}})
    # School rated both: once the two are one, its second rating of the same partner cannot move.
    both = make_response(
        wave, make_respondent(wave, school), ties={bank: {"mission": 2}, bank_again: {"mission": 4}}
    )

    merge_stakeholders(alice_member, bank, bank_again)

    assert set(wave.roster.all()) == {bank, clinic, school}
    answering.refresh_from_db()
    assert (answering.stakeholder, answering.represents) == (bank, bank)
    pairs = {(t.source, t.target) for t in surveyed_ties(wave)}
    assert pairs == {(bank.pk, clinic.pk), (clinic.pk, bank.pk), (school.pk, bank.pk)}
    assert both.ties.get(target=bank_again).mission == 4  # stays with the merged one, in the trash

    restore(alice_member, TrashEntry.objects.get(workspace=riverton).pk)

    assert set(wave.roster.all()) == {bank_again, clinic, school}
    answering.refresh_from_db()
    assert (answering.stakeholder, answering.represents) == (bank_again, bank_again)
    assert SurveyTie.objects.filter(target=bank_again).count() == 2
    assert SurveyTie.objects.filter(source=bank_again).count() == 1
    assert Respondent.objects.filter(stakeholder=bank).count() == 0
