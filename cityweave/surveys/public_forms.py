"""The respondent's form: read a posted form into the answers `answering.check` takes, and lay
out a survey's questions (with their current values and errors) for the public page."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.http import QueryDict

from cityweave.stakeholders.models import Stakeholder
from cityweave.surveys.answering import Sheet, field_name
from cityweave.surveys.instruments import Measure, QuestionKind
from cityweave.surveys.models import Question

_ORDINARY = re.compile(r"^q(\d+)$")
_ABOUT_PARTNER = re.compile(r"^p(\d+)-q(\d+)$")
#: The fields that hold several values (checkboxes).
_MANY = QuestionKind.MULTIPLE


def data_from_post(
    post: QueryDict, questions: list[Question], roster: list[Stakeholder]
) -> dict[str, Any]:
    """A posted answer form as `answering.check` reads it: every ordinary question (a blank one
    clears its answer), the roster's picks, and the answers about each picked partner.

    Answers about a partner on the roster but unticked are dropped (unticking a partner is how
    a respondent takes back its answers); any other field naming a question or partner is
    passed on, for `check` to refuse."""
    by_id = {question.pk: question for question in questions}
    answers: dict[str, Any] = {}
    for question in questions:
        if question.per_partner or question.kind == QuestionKind.ROSTER:
            continue
        name = field_name(question)
        answers[str(question.pk)] = _value(post, name, question.kind == _MANY)
    for key in post:
        match = _ORDINARY.match(key)
        if match and int(match[1]) not in by_id:
            answers[match[1]] = _value(post, key, False)
    partners = post.getlist("partners")
    picked = set(partners)
    on_roster = {str(partner.pk) for partner in roster}
    ratings: dict[str, dict[str, Any]] = {}
    for key in post:
        match = _ABOUT_PARTNER.match(key)
        if not match or (match[1] in on_roster and match[1] not in picked):
            continue
        asked = by_id.get(int(match[2]))
        many = asked is not None and asked.kind == _MANY
        ratings.setdefault(match[1], {})[match[2]] = _value(post, key, many)
    return {"answers": answers, "partners": partners, "ratings": ratings}


def _value(post: QueryDict, name: str, many: bool) -> Any:
    """A field's value: its list for checkboxes; else its one value ("" when not sent), or the
    list of values a forged form sent twice, for `check` to refuse."""
    values = post.getlist(name)
    if many or len(values) > 1:
        return values
    return values[0] if values else ""


@dataclass
class Option:
    """One radio button or checkbox."""

    id: str
    value: str
    label: str
    checked: bool
    description: str = ""


@dataclass
class Field:
    """One question on the page, with its field's name, current value and errors."""

    question: Question
    name: str
    value: str = ""
    options: list[Option] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    partner: Stakeholder | None = None

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def grouped(self) -> bool:
        """Whether the question is a group of radios or checkboxes (a fieldset)."""
        return bool(self.options) or self.kind == QuestionKind.ROSTER

    @property
    def described_by(self) -> str:
        ids = []
        if self.question.help_text:
            ids.append(f"{self.name}-help")
        if self.errors:
            ids.append(f"{self.name}-error")
        return " ".join(ids)

    @property
    def maxlength(self) -> int:
        return 300 if self.kind == QuestionKind.SHORT_TEXT else 5_000


@dataclass
class PartnerSection:
    """The questions asked about one picked partner."""

    partner: Stakeholder
    fields: list[Field]


@dataclass
class Layout:
    """The page's questions in order: `fields` before the roster, the roster and the sections
    about each picked partner, then `after` (the questions that follow the roster)."""

    fields: list[Field]
    roster: Field | None
    sections: list[PartnerSection]
    after: list[Field]
    errors: list[tuple[str, str]]


def _strings(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(item) for item in value]
    return [] if value is None else [str(value)]


def _options(name: str, question: Question, value: Any) -> list[Option]:
    chosen = _strings(value)
    if question.kind == QuestionKind.SCALE:
        top = question.scale_points or 5
        rows = []
        for point in range(1, top + 1):
            end = question.low_label if point == 1 else question.high_label if point == top else ""
            rows.append((str(point), str(point), end))
    elif question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        rows = [
            (str(choice["key"]), str(choice["label"]), str(choice.get("description", "")))
            for choice in question.choices
        ]
    else:
        return []
    options = [
        Option(
            id=name if index == 0 else f"{name}-{index + 1}",
            value=key,
            label=label,
            description=description,
            checked=key in chosen,
        )
        for index, (key, label, description) in enumerate(rows)
    ]
    if question.kind != QuestionKind.MULTIPLE and not question.required:
        # A radio cannot be unticked: an optional question offers a way back to no answer.
        options.append(
            Option(id=f"{name}-none", value="", label="No answer", checked=not any(chosen))
        )
    return options


def _field(
    question: Question, value: Any, errors: dict[str, list[str]], partner: Stakeholder | None
) -> Field:
    name = field_name(question, partner.pk if partner else None)
    options = _options(name, question, value)
    text = "" if options or value is None or isinstance(value, list) else str(value)
    return Field(question, name, text, options, errors.get(name, []), partner)


def layout(
    sheet: Sheet,
    questions: list[Question],
    roster: list[Stakeholder],
    data: dict[str, Any],
    errors: dict[str, list[str]] | None = None,
) -> Layout:
    """The page's questions with the values in `data` (stored or just posted) and `errors` by
    field name; sections for the partners picked in `data`. A respondent who answers for no
    partner (an anonymous survey, a link handed out by hand) is not shown the roster."""
    errors = errors or {}
    answers = {str(key): value for key, value in (data.get("answers") or {}).items()}
    ratings = {
        str(partner): {str(key): value for key, value in values.items()}
        for partner, values in (data.get("ratings") or {}).items()
        if isinstance(values, dict)
    }
    picked = {str(pick) for pick in data.get("partners") or []}
    before: list[Field] = []
    after: list[Field] = []
    roster_field = None
    sections: list[PartnerSection] = []
    per_partner = [question for question in questions if question.per_partner]
    for question in questions:
        if question.per_partner:
            continue
        if question.kind == QuestionKind.ROSTER:
            if sheet.represents is None:
                continue
            roster_field = Field(
                question,
                "partners",
                options=[
                    Option(
                        id="partners" if index == 0 else f"partners-{index + 1}",
                        value=str(partner.pk),
                        label=partner.name,
                        checked=str(partner.pk) in picked,
                    )
                    for index, partner in enumerate(roster)
                ],
                errors=errors.get("partners", []),
            )
            sections = [
                PartnerSection(
                    partner,
                    [
                        _field(q, ratings.get(str(partner.pk), {}).get(str(q.pk)), errors, partner)
                        for q in per_partner
                    ],
                )
                for partner in roster
                if str(partner.pk) in picked
            ]
            continue
        target = after if roster_field is not None else before
        value = answers.get(str(question.pk))
        if value in (None, "") and question.measure == Measure.ORGANISATION and sheet.represents:
            value = sheet.represents.name  # not answered yet: who the office says they answer for
        target.append(_field(question, value, errors, None))
    anchors = {
        item.name: (item.options[0].id if item.options else item.name)
        for item in [
            *before,
            *after,
            *([roster_field] if roster_field else []),
            *(item for section in sections for item in section.fields),
        ]
    }
    summary = [
        (anchors.get(key, "answers"), message)
        for key, messages in errors.items()
        for message in messages
    ]
    return Layout(before, roster_field, sections, after, summary)
