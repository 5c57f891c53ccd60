"""Survey downloads: raw answers (anonymous ones without identity) and scores as CSV and XLSX.

Three tables, one column definition each (written by cityweave.web.exports, whose formula
guard keeps any answer starting with =, +, -, @ from running in a spreadsheet):
- answers: one row per submitted response, one column per question not asked per partner;
- partner answers: one row per roster answer (survey tie): who named whom, how often, the
  level of collaboration, the six ratings and any other per-partner answer;
- scores: one row per rated partner: trust, value, their items, raters, flag and degrees.

An anonymous survey's rows carry no response id, respondent, email or organisation, and no
date finer than the day (a response keeps only days).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.db.models import Count, Q

from cityweave.surveys.instruments import Collaboration, Frequency, QuestionKind
from cityweave.surveys.models import Question, Response, Survey, Wave
from cityweave.web.exports import Column

#: Decimal places of a score in a download (pages show two).
SCORE_PLACES = 4


def answer_text(question: Question, value: Any) -> Any:
    """An answer as a cell: a number as a number, a choice as its label, several choices
    joined by "; ", text as text; None when unanswered."""
    if value is None or value == "" or value == []:
        return None
    if question.kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        try:
            number = float(str(value))
        except ValueError:
            return str(value)
        return int(number) if number.is_integer() else number
    labels = question.choice_labels
    if question.kind == QuestionKind.SINGLE:
        return labels.get(str(value), str(value))
    if question.kind == QuestionKind.MULTIPLE and isinstance(value, list):
        return "; ".join(labels.get(str(key), str(key)) for key in value)
    return value if isinstance(value, str) else str(value)


def _asked_once(asked: Sequence[Question]) -> list[Question]:
    return [q for q in asked if not q.per_partner and q.kind != QuestionKind.ROSTER]


def _answer_column(question: Question) -> Column:
    def value(response: Response) -> Any:
        return answer_text(question, response.answer_values.get(question.pk))  # type: ignore[attr-defined]

    width = 40 if question.kind in (QuestionKind.LONG_TEXT, QuestionKind.MULTIPLE) else 18
    return Column(question.text, value, width)


def answer_columns(survey: Survey, asked: Sequence[Question]) -> list[Column]:
    """The answers download's columns: identity (named surveys only), the day submitted, the
    partners picked (a survey with a roster), then a column per question asked once."""
    columns: list[Column] = []
    if not survey.anonymous:
        columns += [
            Column("response", lambda r: r.pk, 10),
            Column("respondent", lambda r: str(r.respondent) if r.respondent else "", 24),
            Column("email", lambda r: r.respondent.email if r.respondent else "", 24),
            Column("answers for", lambda r: r.represents.name if r.represents else "", 24),
        ]
    columns.append(Column("submitted on", lambda r: r.submitted_on, 12))
    if any(q.kind == QuestionKind.ROSTER for q in asked):
        columns.append(Column("partners picked", lambda r: r.partners_picked, 10))
    columns += [_answer_column(q) for q in _asked_once(asked)]
    return columns


#: Anonymous responses are listed by their random hash, not by id: ids follow the order of
#: first saves, which could hint at who answered when.
ANONYMOUS_ORDER = ("submitted_on", "resume_hash", "pk")


def response_rows(wave: Wave) -> Iterator[Response]:
    """The wave's submitted responses, each with `answer_values` (by question id) and
    `partners_picked`; named surveys by respondent, anonymous ones in no telling order."""
    responses = (
        Response.objects.filter(wave=wave, submitted_on__isnull=False)
        .select_related("respondent__stakeholder", "represents")
        .annotate(partners_picked=Count("ties", filter=Q(ties__isnull=False)))
        .prefetch_related("answers")
        .order_by(*ANONYMOUS_ORDER if wave.survey.anonymous else ("submitted_on", "pk"))
    )
    for response in responses.iterator(chunk_size=500):
        response.answer_values = {a.question_id: a.value for a in response.answers.all()}  # type: ignore[attr-defined]
        yield response


def _tie_answer_column(question: Question) -> Column:
    key = str(question.pk)
    return Column(question.text, lambda t: answer_text(question, (t.answers or {}).get(key)), 18)


def partner_answer_columns(survey: Survey, asked: Sequence[Question]) -> list[Column]:
    """The partner answers download's columns: one row per roster answer (survey tie)."""
    frequency = dict(Frequency.choices)
    collaboration = dict(Collaboration.choices)
    others = [q for q in asked if q.per_partner and not q.measure]
    return [
        Column("response", lambda t: t.response_id, 10),
        Column("from (answers for)", lambda t: t.source.name, 28),
        Column("to (partner named)", lambda t: t.target.name, 28),
        Column("frequency", lambda t: str(frequency.get(t.frequency, "")) or None, 18),
        Column(
            "level of collaboration",
            lambda t: str(collaboration.get(t.collaboration, "")) or None,
            18,
        ),
        Column("power and influence", lambda t: t.power, 10),
        Column("level of involvement", lambda t: t.involvement, 10),
        Column("resource contribution", lambda t: t.resources, 10),
        Column("reliability", lambda t: t.reliability, 10),
        Column("support of mission", lambda t: t.mission, 10),
        Column("openness to discussion", lambda t: t.openness, 10),
        *(_tie_answer_column(q) for q in others),
    ]


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, SCORE_PLACES)


def score_columns() -> list[Column]:
    """The scores download's columns, one row per rated partner (scoring.py's formulas)."""
    return [
        Column("partner id", lambda r: r.stakeholder, 10),
        Column("partner", lambda r: r.name, 30),
        Column("trust", lambda r: _rounded(r.score.trust.score), 8),
        Column("trust raters", lambda r: r.score.trust.raters, 8),
        Column("trust ratings", lambda r: r.score.trust.ratings, 8),
        Column("reliability", lambda r: _rounded(r.score.trust.items["reliability"]), 8),
        Column("support of mission", lambda r: _rounded(r.score.trust.items["mission"]), 8),
        Column("openness to discussion", lambda r: _rounded(r.score.trust.items["openness"]), 8),
        Column("value", lambda r: _rounded(r.score.value.score), 8),
        Column("value raters", lambda r: r.score.value.raters, 8),
        Column("value ratings", lambda r: r.score.value.ratings, 8),
        Column("power and influence", lambda r: _rounded(r.score.value.items["power"]), 8),
        Column("level of involvement", lambda r: _rounded(r.score.value.items["involvement"]), 8),
        Column("resource contribution", lambda r: _rounded(r.score.value.items["resources"]), 8),
        Column("too few raters", lambda r: r.score.flagged, 8),
        Column("in-degree", lambda r: r.in_degree, 8),
        Column("out-degree", lambda r: r.out_degree, 8),
    ]
