"""Survey domain operations for the office: surveys from the ready-made instruments, their
questions, waves and their respondents. Views, the API and the CLI all call these."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.text import slugify

from cityweave.engagement.services import workspace_today
from cityweave.stakeholders.models import Stakeholder
from cityweave.stakeholders.services import resolve_stakeholders
from cityweave.storable import text_problem
from cityweave.surveys.instruments import TEMPLATES, QuestionKind
from cityweave.surveys.models import Question, Respondent, Response, Survey, Wave, new_token
from cityweave.workspaces.models import Membership, TrashEntry
from cityweave.workspaces.services import collect_errors, move_to_trash, require_editor

SURVEY_FIELDS = ("title", "introduction", "about", "anonymous", "min_raters")
QUESTION_FIELDS = (
    "kind", "text", "help_text", "required", "per_partner", "measure", "scale_points",
    "low_label", "high_label", "choices", "min_value", "max_value",
)  # fmt: skip
WAVE_FIELDS = ("name", "opens_on", "closes_on")
#: A question's fields that only some kinds use, with their empty value for the others.
KIND_FIELDS: dict[str, tuple[tuple[str, ...], Any]] = {
    "scale_points": ((QuestionKind.SCALE,), None),
    "low_label": ((QuestionKind.SCALE,), ""),
    "high_label": ((QuestionKind.SCALE,), ""),
    "choices": ((QuestionKind.SINGLE, QuestionKind.MULTIPLE), []),
    "min_value": ((QuestionKind.NUMBER,), None),
    "max_value": ((QuestionKind.NUMBER,), None),
}
#: Who is reminded again: not if reminded within this many days.
REMIND_AFTER = dt.timedelta(days=3)


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


# == Waves ========================================================================================


def waves(member: Membership, survey: Survey | None = None) -> QuerySet[Wave]:
    """The workspace's live waves of live surveys (of `survey` when given), latest first."""
    found = Wave.objects.filter(workspace=member.workspace, survey__deleted_at__isnull=True)
    if survey is not None:
        found = found.filter(survey=survey)
    return found.order_by("-opens_on", "-pk")


def get_wave(member: Membership, survey: Survey, pk: int) -> Wave:
    """One live wave of the survey; 404 otherwise."""
    wave = waves(member, survey).select_related("survey").filter(pk=pk).first()
    if wave is None:
        raise Http404("No such wave")
    return wave


@transaction.atomic
def save_wave(
    member: Membership, survey: Survey, data: dict[str, Any], instance: Wave | None = None
) -> Wave:
    """Create or update a wave: name, opens_on, closes_on (days in the workspace's zone, both
    included) and `roster` (stakeholder ids or objects: the partners a respondent picks from;
    left out, a new wave's roster fills from its respondents' organisations as they are added).
    Every bad field is reported at once."""
    require_editor(member)
    if survey.workspace_id != member.workspace.pk or survey.in_trash:
        raise Http404("No such survey")
    wave = instance or Wave(workspace=member.workspace, survey=survey)
    if wave.survey_id != survey.pk or wave.in_trash:
        raise Http404("No such wave")
    for name in WAVE_FIELDS:
        if name in data and data[name] is not None:
            setattr(wave, name, data[name])
    errors: dict[str, list[str]] = {}
    roster = None
    if data.get("roster") is not None:
        try:
            roster = resolve_stakeholders(member.workspace, data["roster"], "roster")
        except ValidationError as error:
            collect_errors(errors, error)
    try:
        wave.full_clean()
    except ValidationError as error:
        collect_errors(errors, error)
    if errors:
        raise ValidationError(errors)
    wave.save()
    if roster is not None:
        wave.roster.set(list(dict.fromkeys(roster)))
    return wave


def close_wave(member: Membership, wave: Wave) -> Wave:
    """Close an open or scheduled wave now, before its last day: no answers are taken after."""
    require_editor(member)
    if wave.status_on(workspace_today(member.workspace)) == Wave.CLOSED:
        raise _errors(closed_at="The wave is closed already.")
    wave.closed_at = timezone.now()
    wave.save(update_fields=["closed_at", "updated_at"])
    return wave


def reopen_wave(member: Membership, wave: Wave) -> Wave:
    """Reopen a wave closed by hand, if its last day has not passed (else move its closing day)."""
    require_editor(member)
    if wave.closed_at is None:
        raise _errors(closed_at="The wave was not closed by hand.")
    if workspace_today(member.workspace) > wave.closes_on:
        raise _errors(
            closes_on="Its last day has passed: set a later closing day to take answers again."
        )
    wave.closed_at = None
    wave.save(update_fields=["closed_at", "updated_at"])
    return wave


def trash_wave(member: Membership, wave: Wave) -> TrashEntry:
    """Move a wave to the trash with its respondents (restorable together); its responses stay."""
    return move_to_trash(member, wave, along_with=[Respondent.objects.filter(wave=wave)])


@dataclass(frozen=True)
class ResponseRate:
    """A wave's response rate: `submitted` of the `asked` respondents (personal links) answered;
    `open_link` submitted responses came through the wave's open link and are not in the rate."""

    submitted: int
    asked: int
    open_link: int = 0

    FORMULA = "response rate = respondents who submitted ÷ respondents asked × 100"

    @property
    def percent(self) -> int | None:
        """Rounded to a whole percent; None when nobody was asked."""
        return round(100 * self.submitted / self.asked) if self.asked else None


def response_rates(found: Iterable[Wave]) -> dict[int, ResponseRate]:
    """The response rate of each wave (by id), in two queries; see `ResponseRate`."""
    ids = [wave.pk for wave in found]
    counts = {
        row["wave"]: row
        for row in Respondent.objects.filter(wave__in=ids)
        .values("wave")
        .annotate(asked=Count("pk"), submitted=Count("pk", filter=Q(responded=True)))
    }
    open_link = dict(
        Response.objects.filter(wave__in=ids, respondent__isnull=True, submitted_on__isnull=False)
        .values("wave")
        .annotate(n=Count("pk"))
        .values_list("wave", "n")
    )
    return {
        pk: ResponseRate(
            submitted=counts.get(pk, {}).get("submitted", 0),
            asked=counts.get(pk, {}).get("asked", 0),
            open_link=open_link.get(pk, 0),
        )
        for pk in ids
    }


def response_rate(wave: Wave) -> ResponseRate:
    """One wave's response rate (see `ResponseRate`)."""
    return response_rates([wave])[wave.pk]


# == Respondents ==================================================================================


def respondents(wave: Wave) -> QuerySet[Respondent]:
    """The wave's live respondents, people first by name, then hand-out links by label."""
    return wave.respondents.select_related("stakeholder", "represents").order_by(
        "stakeholder__sort_name", "label", "pk"
    )


def get_respondent(member: Membership, wave: Wave, pk: int) -> Respondent:
    """One live respondent of the wave; 404 otherwise."""
    found = respondents(wave).filter(pk=pk, workspace=member.workspace).first()
    if found is None:
        raise Http404("No such respondent")
    return found


def default_represents(person: Stakeholder, roster: set[int]) -> Stakeholder:
    """Whom a respondent answers for: an organisation itself; a person's one organisation (or
    their one organisation on the roster, when they have several); else the person."""
    if person.kind == Stakeholder.Kind.ORGANISATION:
        return person
    organisations = list(person.organisations.all())
    if len(organisations) == 1:
        return organisations[0]
    on_roster = [org for org in organisations if org.pk in roster]
    return on_roster[0] if len(on_roster) == 1 else person


def _require_live_wave(member: Membership, wave: Wave) -> None:
    if wave.workspace_id != member.workspace.pk or wave.in_trash or wave.survey.in_trash:
        raise Http404("No such wave")


@transaction.atomic
def add_respondents(
    member: Membership,
    wave: Wave,
    people: Iterable[Stakeholder | int],
    field: str = "stakeholders",
) -> list[Respondent]:
    """Ask stakeholders with an email to answer the wave, each by a personal link, answering for
    `default_represents`; their organisations join the roster. ValidationError names `field`
    for one without an email or asked already (nothing is written)."""
    require_editor(member)
    _require_live_wave(member, wave)
    found = resolve_stakeholders(member.workspace, list(people), field)
    found = list(dict.fromkeys(found))
    if not found:
        raise ValidationError({field: "Choose at least one stakeholder."})
    problems = []
    no_email = [s.name for s in found if not s.email]
    if no_email:
        problems.append(
            f"No email for {', '.join(no_email)}: add one on their page, or hand out a link."
        )
    asked = set(
        respondents(wave).filter(stakeholder__in=found).values_list("stakeholder__name", flat=True)
    )
    if asked:
        problems.append(f"Asked already: {', '.join(sorted(asked))}.")
    if problems:
        raise ValidationError({field: problems})
    roster = set(wave.roster.values_list("pk", flat=True))
    added = []
    for person in found:
        respondent = Respondent(
            workspace=member.workspace,
            wave=wave,
            stakeholder=person,
            represents=default_represents(person, roster),
            email=person.email,
        )
        respondent.full_clean()
        respondent.save()
        added.append(respondent)
    organisations = [
        r.represents for r in added
        if r.represents is not None and r.represents.kind == Stakeholder.Kind.ORGANISATION
    ]  # fmt: skip
    if organisations and wave.survey.questions.filter(kind=QuestionKind.ROSTER).exists():
        wave.roster.add(*organisations)
    return added


@transaction.atomic
def add_link(
    member: Membership, wave: Wave, label: str, represents: Stakeholder | int | None = None
) -> Respondent:
    """A personal link to hand out by hand (no email), `label` saying to whom, answering for
    `represents` when given. ValidationError names "label" or "represents"."""
    require_editor(member)
    _require_live_wave(member, wave)
    respondent = Respondent(workspace=member.workspace, wave=wave, label=(label or "").strip())
    errors: dict[str, list[str]] = {}
    if not respondent.label:
        errors["label"] = ["Say whom the link is for, e.g. “Harbour Trust (by phone)”."]
    if represents not in (None, ""):
        try:
            respondent.represents = resolve_stakeholders(
                member.workspace, [represents], "represents"
            )[0]
        except ValidationError as error:
            collect_errors(errors, error)
    try:
        respondent.full_clean()
    except ValidationError as error:
        collect_errors(errors, error)
    if errors:
        raise ValidationError(errors)
    respondent.save()
    return respondent


RESPONDENT_FIELDS = ("label", "email")


@transaction.atomic
def update_respondent(
    member: Membership, respondent: Respondent, data: dict[str, Any]
) -> Respondent:
    """Change whom a respondent answers for (`represents`: a stakeholder id or object, None for
    nobody), their label or their email."""
    require_editor(member)
    _require_live_wave(member, respondent.wave)
    errors: dict[str, list[str]] = {}
    for name in RESPONDENT_FIELDS:
        if name in data and data[name] is not None:
            setattr(respondent, name, data[name])
    if "represents" in data:
        if data["represents"] in (None, ""):
            respondent.represents = None
        else:
            try:
                respondent.represents = resolve_stakeholders(
                    member.workspace, [data["represents"]], "represents"
                )[0]
            except ValidationError as error:
                collect_errors(errors, error)
    if respondent.stakeholder_id is None and not respondent.label:
        errors.setdefault("label", []).append("Say whom the link is for.")
    try:
        respondent.full_clean()
    except ValidationError as error:
        collect_errors(errors, error)
    if errors:
        raise ValidationError(errors)
    respondent.save()
    return respondent


def trash_respondent(member: Membership, respondent: Respondent) -> TrashEntry:
    """Remove a respondent (to the trash): their link stops working. One who has submitted
    stays (ValidationError naming "respondent"): their answers are part of the wave's results
    and its response rate."""
    if respondent.responded:
        raise _errors(
            respondent=f"{respondent} has answered: their answers count in the results and the "
            "response rate, so they stay on the list."
        )
    return move_to_trash(member, respondent)


def set_open_link(member: Membership, wave: Wave, on: bool) -> Wave:
    """Create (a new token each time) or revoke the wave's open link, which anyone may answer
    through; only an anonymous survey has one (ValidationError names "open_link")."""
    require_editor(member)
    _require_live_wave(member, wave)
    if on and not wave.survey.anonymous:
        raise _errors(
            open_link="Only an anonymous survey can have an open link: a named survey asks "
            "each person by their own link."
        )
    wave.open_link_token = new_token() if on else ""
    wave.save(update_fields=["open_link_token", "updated_at"])
    return wave


# == Invitations and reminders ====================================================================

INVITATIONS, REMINDERS = "invitations", "reminders"


def uninvited(wave: Wave) -> QuerySet[Respondent]:
    """Respondents with an email who have not been invited yet."""
    return respondents(wave).filter(invited_at__isnull=True).exclude(email="")


def due_reminders(wave: Wave, now: dt.datetime | None = None) -> QuerySet[Respondent]:
    """Invited respondents who have not responded and were not reminded in REMIND_AFTER."""
    now = now or timezone.now()
    return (
        respondents(wave)
        .filter(invited_at__isnull=False, responded=False)
        .exclude(email="")
        .filter(Q(reminded_at__isnull=True) | Q(reminded_at__lte=now - REMIND_AFTER))
    )


def request_emails(member: Membership, wave: Wave, kind: str) -> int:
    """Queue the wave's invitations or reminders (`kind`) as a background task once the
    transaction commits; how many are due now. ValidationError names "emails" when the wave is
    not open or nobody is due."""
    from cityweave.surveys.tasks import send_wave_emails

    require_editor(member)
    _require_live_wave(member, wave)
    if kind not in (INVITATIONS, REMINDERS):
        raise _errors(emails=f'Send "{INVITATIONS}" or "{REMINDERS}".')
    status = wave.status_on(workspace_today(member.workspace))
    if status == Wave.CLOSED:
        raise _errors(emails="The wave is closed: nobody can answer any more.")
    if kind == REMINDERS and status != Wave.OPEN:
        raise _errors(emails="Reminders go out once the wave is open.")
    due = (uninvited(wave) if kind == INVITATIONS else due_reminders(wave)).count()
    if not due:
        raise _errors(
            emails="Everyone with an email has been invited already."
            if kind == INVITATIONS
            else "Nobody is due a reminder: everyone invited has answered or was reminded in "
            "the last three days."
        )
    transaction.on_commit(lambda: send_wave_emails.enqueue(wave.pk, kind))
    return due


@dataclass(frozen=True)
class Sent:
    """When the wave's last invitations or reminders went out, and to how many."""

    at: dt.datetime | None
    count: int


def emails_sent(wave: Wave) -> dict[str, Sent]:
    """The last batch of invitations and of reminders: its time and how many it reached."""
    counts = respondents(wave).aggregate(
        invited=Count("pk", filter=Q(invited_at=wave.invitations_sent_at)),
        reminded=Count("pk", filter=Q(reminded_at=wave.reminders_sent_at)),
    )
    return {
        INVITATIONS: Sent(
            wave.invitations_sent_at, counts["invited"] if wave.invitations_sent_at else 0
        ),
        REMINDERS: Sent(
            wave.reminders_sent_at, counts["reminded"] if wave.reminders_sent_at else 0
        ),
    }
