"""Small factories for survey tests: a survey from a ready-made instrument, a wave, respondents,
and submitted responses with their roster answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cityweave.engagement.services import workspace_today
from cityweave.stakeholders.models import Stakeholder
from cityweave.surveys import services
from cityweave.surveys.instruments import Measure
from cityweave.surveys.models import Answer, Question, Respondent, Response, Survey, SurveyTie, Wave
from cityweave.workspaces.models import Membership


def make_survey(member: Membership, template: str = "partner", **fields: Any) -> Survey:
    return services.create_from_template(member, template, **fields)


def make_wave(
    survey: Survey,
    name: str = "Spring",
    opens_on: dt.date | None = None,
    closes_on: dt.date | None = None,
    roster: list[Stakeholder] = (),  # type: ignore[assignment]
    **fields: Any,
) -> Wave:
    """A wave open today (by default from a week ago to three weeks ahead)."""
    today = workspace_today(survey.workspace)
    wave = Wave.objects.create(
        workspace=survey.workspace,
        survey=survey,
        name=name,
        opens_on=opens_on or today - dt.timedelta(days=7),
        closes_on=closes_on or today + dt.timedelta(days=21),
        **fields,
    )
    if roster:
        wave.roster.set(roster)
    return wave


def make_respondent(
    wave: Wave, stakeholder: Stakeholder | None = None, **fields: Any
) -> Respondent:
    """A respondent answering for `represents` (by default the stakeholder itself)."""
    if stakeholder is not None:
        fields.setdefault("represents", stakeholder)
        fields.setdefault("email", stakeholder.email)
    return Respondent.objects.create(
        workspace=wave.workspace, wave=wave, stakeholder=stakeholder, **fields
    )


def question(survey: Survey, measure: str) -> Question:
    """The survey's question with this measure."""
    return survey.questions.get(measure=measure)


def make_response(
    wave: Wave,
    respondent: Respondent | None = None,
    answers: dict[str, Any] | None = None,
    ties: dict[Stakeholder, dict[str, Any]] | None = None,
    submitted: bool = True,
) -> Response:
    """A response to `wave`: `answers` by measure (e.g. {"role": "Director"}), `ties` by
    partner with SurveyTie fields (e.g. {bank: {"reliability": 4, "collaboration": "integration"}}).
    A respondent's response marks them as having responded when submitted."""
    today = workspace_today(wave.workspace)
    response = Response.objects.create(
        workspace=wave.workspace,
        wave=wave,
        respondent=respondent,
        represents=respondent.represents if respondent else None,
        saved_on=today,
        submitted_on=today if submitted else None,
    )
    for measure, value in (answers or {}).items():
        Answer.objects.create(
            response=response, question=question(wave.survey, measure), value=value
        )
    for partner, values in (ties or {}).items():
        assert respondent is not None and respondent.represents is not None
        SurveyTie.objects.create(
            workspace=wave.workspace,
            wave=wave,
            response=response,
            source=respondent.represents,
            target=partner,
            **values,
        )
    if respondent is not None and submitted:
        Respondent.objects.filter(pk=respondent.pk).update(responded=True)
        respondent.responded = True
    return response


__all__ = ["Measure", "make_respondent", "make_response", "make_survey", "make_wave", "question"]
