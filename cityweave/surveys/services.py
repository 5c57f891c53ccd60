"""Survey domain operations for the office: surveys from the ready-made instruments and their
questions. Their waves and respondents are in `fieldwork`. Views, the API and the CLI call these."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, QuerySet
from django.http import Http404
from django.utils.text import slugify

from cityweave.engagement.services import workspace_today
from cityweave.storable import text_problem
from cityweave.surveys.fieldwork import ResponseRate, response_rates
from cityweave.surveys.instruments import TEMPLATES, QuestionKind
from cityweave.surveys.models import Question, Respondent, Response, Survey, Wave
from cityweave.workspaces.models import Membership, TrashEntry
from cityweave.workspaces.services import collect_errors, move_to_trash, require_editor

SURVEY_FIELDS = ("title", "introduction", "about", "anonymous", "min_raters")
QUESTION_FIELDS = (
    "kind", "text", "help_text", "required", "per_partner", "measure", "scale_points",
    "low_label", "high_label", "choices", "min_value", "max_value",
)  # fmt: skip
#: A question's fields that only some kinds use, with their empty value for the others.
KIND_FIELDS: dict[str, tuple[tuple[str, ...], Any]] = {
    "scale_points": ((QuestionKind.SCALE,), None),
    "low_label": ((QuestionKind.SCALE,), ""),
    "high_label": ((QuestionKind.SCALE,), ""),
    "choices": ((QuestionKind.SINGLE, QuestionKind.MULTIPLE), []),
    "min_value": ((QuestionKind.NUMBER,), None),
    "max_value": ((QuestionKind.NUMBER,), None),
}


def parse_choices(lines: Iterable[str]) -> list[dict[str, str]]:
    """Choices written one a line as "key | label | description": a label alone makes its key
    from the label ("Mill Pond" → "mill-pond"); the description is optional; empty lines are
    left out."""
    choices = []
    for line in lines:
        parts = [part.strip() for part in str(line).split("|")]
        if not any(parts):
            continue
        if len(parts) == 1:
            key, label, description = slugify(parts[0])[:40] or parts[0], parts[0], ""
        else:
            key, label, description = parts[0], parts[1], " | ".join(parts[2:])
        choice = {"key": key, "label": label}
        if description:
            choice["description"] = description
        choices.append(choice)
    return choices


def _choices_text_problem(choices: Any) -> str | None:
    """Why a choice's key, label or description cannot be stored, or None."""
    for choice in choices if isinstance(choices, list) else []:
        for part in choice.values() if isinstance(choice, dict) else []:
            problem = text_problem(part, required=False) if isinstance(part, str) else None
            if problem:
                return problem
    return None


def _errors(**problems: str) -> ValidationError:
    return ValidationError(dict(problems.items()))


# == Surveys ======================================================================================


def surveys(member: Membership) -> QuerySet[Survey]:
    """The workspace's surveys that are not in the trash."""
    return Survey.objects.filter(workspace=member.workspace)


def get_survey(member: Membership, pk: int) -> Survey:
    """One live survey of the member's workspace; 404 otherwise."""
    survey = surveys(member).filter(pk=pk).first()
    if survey is None:
        raise Http404("No such survey")
    return survey


def has_answers(survey: Survey) -> bool:
    """Whether anyone has saved answers (a draft or a submitted response) to any of its waves."""
    return Response.objects.filter(wave__survey=survey).exists()


def _survey_rules(survey: Survey, questions: list[Question]) -> dict[str, list[str]]:
    """The rules between a survey and its questions, as errors by field: a roster question
    rules out anonymity; one roster question at most; per-partner questions need one."""
    errors: dict[str, list[str]] = {}
    rosters = [q for q in questions if q.kind == QuestionKind.ROSTER]
    if survey.anonymous and rosters:
        errors["anonymous"] = [
            "A survey with a roster question cannot be anonymous: its ties must say whose they "
            "are. Remove the roster question first, or keep the survey named."
        ]
    if len(rosters) > 1:
        errors["kind"] = ["A survey has one roster question at most."]
    if not rosters and any(q.per_partner for q in questions):
        errors["per_partner"] = [
            "A question asked of each partner needs a roster question to pick the partners."
        ]
    return errors


@transaction.atomic
def create_from_template(member: Membership, template: str, **fields: Any) -> Survey:
    """A new survey with a ready-made instrument's questions ("partner" or "community"),
    editable afterwards; `fields` override the template's survey fields (title, about, …).

    Raises KeyError for an unknown template, ValidationError (naming the field) for bad fields,
    PermissionDenied for a viewer."""
    require_editor(member)
    spec = TEMPLATES[template]
    values = {key: value for key, value in spec.items() if key != "questions"}
    values.update(fields)
    survey = Survey(workspace=member.workspace, created_by=member, **values)
    survey.full_clean()
    questions = [
        Question(workspace=member.workspace, position=position, **question)
        for position, question in enumerate(spec["questions"], start=1)
    ]
    errors = _survey_rules(survey, questions)
    if errors:
        raise ValidationError(errors)
    survey.save()
    for record in questions:
        record.survey = survey
        record.full_clean()
        record.save()
    return survey


#: What a new survey can start from: a ready-made instrument, or nothing.
STARTS = {"partner": "Partner network survey", "community": "Community feedback survey"}
BLANK = "blank"


def create_survey(member: Membership, start: str, data: dict[str, Any]) -> Survey:
    """A new survey from a template ("partner", "community") or blank ("blank"), with `data`'s
    survey fields (title, introduction, about, anonymous, min_raters; blank values keep the
    template's). ValidationError names "start" for an unknown start."""
    require_editor(member)
    fields = {name: data[name] for name in SURVEY_FIELDS if data.get(name) not in (None, "")}
    if start == BLANK:
        return save_survey(member, {**fields, "kind": Survey.Kind.CUSTOM})
    if start not in TEMPLATES:
        raise _errors(start=f"Start from one of: {', '.join([*STARTS, BLANK])}.")
    if "anonymous" in data and data["anonymous"] is not None:
        fields["anonymous"] = data["anonymous"]
    return create_from_template(member, start, **fields)


@transaction.atomic
def save_survey(member: Membership, data: dict[str, Any], instance: Survey | None = None) -> Survey:
    """Create (blank, kind from `data`, "custom" by default) or update a survey's fields
    (title, introduction, about, anonymous, min_raters); every bad field is reported at once."""
    require_editor(member)
    survey = instance or Survey(workspace=member.workspace, created_by=member)
    if survey.workspace_id != member.workspace.pk or survey.in_trash:
        raise Http404("No such survey")
    if survey.pk is None and "kind" in data:
        survey.kind = data["kind"]
    for name in SURVEY_FIELDS:
        if name in data and data[name] is not None:
            setattr(survey, name, data[name])
    errors: dict[str, list[str]] = {}
    try:
        survey.full_clean()
    except ValidationError as error:
        collect_errors(errors, error)
    if survey.pk is not None:
        rules = _survey_rules(survey, list(survey.questions.all()))
        if "anonymous" in rules:
            errors.setdefault("anonymous", []).extend(rules["anonymous"])
        if (
            "anonymous" in data
            and Survey.objects.filter(pk=survey.pk).values_list("anonymous", flat=True).get()
            != survey.anonymous
            and has_answers(survey)
        ):
            errors.setdefault("anonymous", []).append(
                "People have answered already: whether the survey is anonymous cannot change."
            )
    if errors:
        raise ValidationError(errors)
    survey.save()
    return survey


def trash_survey(member: Membership, survey: Survey) -> TrashEntry:
    """Move a survey to the trash with its questions, waves and respondents (restorable as one);
    its responses stay stored with their waves."""
    return move_to_trash(
        member,
        survey,
        along_with=[
            Question.objects.filter(survey=survey),
            Respondent.objects.filter(wave__survey=survey),
            Wave.objects.filter(survey=survey),
        ],
    )


@dataclass(frozen=True)
class SurveyRow:
    """A survey on the list: its waves and the latest wave's response rate and status."""

    survey: Survey
    wave_count: int
    latest: Wave | None
    rate: ResponseRate | None
    status: str


def survey_rows(member: Membership) -> list[SurveyRow]:
    """Every live survey with its wave count and latest wave (by opening day), its response rate
    and status ("no waves yet", "scheduled", "open", "closed"): three queries however many."""
    today = workspace_today(member.workspace)
    found = list(surveys(member).annotate(wave_count=Count("waves", distinct=True)))
    latest: dict[int, Wave] = {}
    for wave in Wave.objects.filter(survey__in=found).order_by("survey_id", "-opens_on", "-pk"):
        latest.setdefault(wave.survey_id, wave)
    rates = response_rates(list(latest.values()))
    rows = []
    for survey in found:
        wave = latest.get(survey.pk)
        rows.append(
            SurveyRow(
                survey=survey,
                wave_count=survey.wave_count,  # type: ignore[attr-defined]
                latest=wave,
                rate=rates.get(wave.pk) if wave else None,
                status=wave.status_on(today) if wave else "no waves yet",
            )
        )
    return rows


# == Questions ====================================================================================


def questions(survey: Survey) -> QuerySet[Question]:
    """The survey's live questions in order."""
    return survey.questions.order_by("position", "pk")


def get_question(member: Membership, survey: Survey, pk: int) -> Question:
    """One live question of the survey; 404 otherwise."""
    question = questions(survey).filter(pk=pk, workspace=member.workspace).first()
    if question is None:
        raise Http404("No such question")
    return question


@dataclass(frozen=True)
class QuestionRow:
    """A question as the respondent meets it: `partner` questions follow the roster question."""

    question: Question
    number: int
    partner: bool
    letter: str = ""

    @property
    def label(self) -> str:
        """Its number as shown: "5" for the roster question, "5a", "5b"… for those under it."""
        return f"{self.number}{self.letter}"


def question_rows(survey: Survey) -> list[QuestionRow]:
    """The survey's questions as respondents meet them, numbered: the others in order, and
    right after the roster question the questions asked of each partner (under its number)."""
    rows: list[QuestionRow] = []
    number = letter = 0
    for question in _in_order(list(questions(survey))):
        if question.per_partner:
            letter += 1
            mark = chr(ord("a") + letter - 1) if letter <= 26 else f".{letter}"
            rows.append(QuestionRow(question, number, partner=True, letter=mark))
        else:
            number, letter = number + 1, 0
            rows.append(QuestionRow(question, number, partner=False))
    return rows


@transaction.atomic
def save_question(
    member: Membership, survey: Survey, data: dict[str, Any], instance: Question | None = None
) -> Question:
    """Create (placed last) or update a question from `data` (Question fields); fields its kind
    does not use are emptied. Its kind cannot change once the survey has answers (its wording
    can); the survey's rules hold (see `_survey_rules`). Every bad field is reported at once."""
    require_editor(member)
    if survey.workspace_id != member.workspace.pk or survey.in_trash:
        raise Http404("No such survey")
    question = instance or Question(workspace=member.workspace, survey=survey)
    if question.survey_id != survey.pk or question.in_trash:
        raise Http404("No such question")
    old_kind = (
        Question.objects.filter(pk=question.pk).values_list("kind", flat=True).first()
        if question.pk
        else None
    )
    for name in QUESTION_FIELDS:
        if name in data and data[name] is not None:
            setattr(question, name, data[name])
    errors: dict[str, list[str]] = {}
    if old_kind and question.kind != old_kind and has_answers(survey):
        errors["kind"] = [
            "People have answered this survey: a question's kind cannot change any more (its "
            "wording can). Add a new question instead."
        ]
    for name, (kinds, empty) in KIND_FIELDS.items():
        if question.kind not in kinds and name not in data:
            setattr(question, name, empty)
    if question.kind == QuestionKind.SCALE and question.scale_points is None:
        question.scale_points = 5
    if question.pk is None:
        last = questions(survey).aggregate(last=Max("position"))["last"]
        question.position = (last or 0) + 1
    try:
        question.full_clean()
    except ValidationError as error:
        collect_errors(errors, error)
    problem = _choices_text_problem(question.choices)
    if problem:
        errors.setdefault("choices", []).append(problem)
    others = [q for q in questions(survey) if q.pk != question.pk]
    rules = _survey_rules(survey, [*others, question])
    if "anonymous" in rules and question.kind == QuestionKind.ROSTER:
        errors.setdefault("kind", []).append(
            "An anonymous survey cannot have a roster question: its ties must say whose they are."
        )
    for name in ("kind", "per_partner"):
        if name in rules:
            errors.setdefault(name, []).extend(rules[name])
    if errors:
        raise ValidationError(errors)
    question.save()
    _renumber(_in_order(list(questions(survey))))
    question.refresh_from_db()
    return question


def _in_order(found: list[Question]) -> list[Question]:
    """Questions as respondents meet them: the per-partner ones right after the roster question."""
    partner = [q for q in found if q.per_partner]
    ordered: list[Question] = []
    for question in found:
        if question.per_partner:
            continue
        ordered.append(question)
        if question.kind == QuestionKind.ROSTER:
            ordered.extend(partner)
    return ordered + [q for q in partner if q not in ordered]


def _renumber(found: list[Question]) -> None:
    """Store positions 1, 2, … in the order given, so the stored order is the respondents'."""
    for position, question in enumerate(found, start=1):
        if question.position != position:
            Question.objects.filter(pk=question.pk).update(position=position)
            question.position = position


@transaction.atomic
def move_question(member: Membership, question: Question, direction: str) -> Question:
    """Swap the question with its neighbour "up" or "down" among the questions respondents meet
    beside it (per-partner ones among themselves, the others among themselves); positions are
    then renumbered in the order respondents meet the questions."""
    require_editor(member)
    if direction not in ("up", "down"):
        raise _errors(direction='Move a question "up" or "down".')
    found = list(questions(question.survey).select_for_update())
    group = [q for q in found if q.per_partner == question.per_partner]
    index = next(i for i, q in enumerate(group) if q.pk == question.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(group):
        a, b = found.index(group[index]), found.index(group[other])
        found[a], found[b] = found[b], found[a]
        _renumber(_in_order(found))
    question.refresh_from_db()
    return question


def trash_question(member: Membership, question: Question) -> TrashEntry:
    """Move a question to the trash; the roster question takes the questions asked of each
    partner with it (restorable together). Its answers stay stored."""
    along: list[QuerySet[Question]] = []
    if question.kind == QuestionKind.ROSTER:
        along.append(Question.objects.filter(survey=question.survey_id, per_partner=True))
    return move_to_trash(member, question, along_with=along)
