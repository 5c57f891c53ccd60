"""Answering a wave: find a response by its link, check answers, save a draft, submit.

A link opens a `Sheet`: the wave, the response (a draft, or a new one not yet stored) and the
respondent the link belongs to. Three kinds of link reach one:

- a respondent's personal link (`Respondent.token`): a named survey keeps one response per
  respondent; an anonymous survey stores its response with no respondent at all;
- a wave's open link (`Wave.open_link_token`, anonymous surveys only): anyone may start a
  response, at most `CITYWEAVE_SURVEY_OPEN_LINK_LIMIT` an hour per client address and wave;
- an anonymous draft's resume link: its secret is shown once and only its SHA-256 is stored
  (`Response.resume_hash`). The secret of a draft begun through a personal link ends with
  that link's token, so submitting it marks the respondent as having answered, while the
  database holds nothing that joins the two.

Answers arrive as one dict (the pages read it from their form, the API from JSON):
`{"answers": {question id: value}, "partners": [stakeholder id, ...],
"ratings": {stakeholder id: {question id: value}}}`. `check` refuses the whole of it with a
`ValidationError` keyed by `field_name` (each message names the question and the partner);
`save` writes nothing unless everything is valid.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from cityweave.engagement.services import workspace_today
from cityweave.stakeholders.models import Stakeholder
from cityweave.storable import text_problem
from cityweave.surveys.instruments import PARTNER_MEASURES, QuestionKind
from cityweave.surveys.models import (
    Answer,
    Question,
    Respondent,
    Response,
    SubmissionThrottle,
    SurveyTie,
    Wave,
)

#: The longest answer to a short and to a long text question, in characters.
SHORT_TEXT_MAX, LONG_TEXT_MAX = 300, 5_000
#: The largest number a number question takes (either sign), and its most decimal places.
NUMBER_MAX, NUMBER_PLACES = Decimal("1e12"), 6
#: Between the random part of a resume secret and the personal link's token it may carry.
RESUME_SEPARATOR = "."
#: How long a throttle row is kept.
THROTTLE_KEPT = dt.timedelta(days=1)


class Refusal(StrEnum):
    """Why a link does not open a response that can be changed."""

    UNKNOWN = "unknown"
    SCHEDULED = "scheduled"
    CLOSED = "closed"
    TRASHED = "trashed"
    SUBMITTED = "submitted"
    THROTTLED = "throttled"


#: Per refusal: the HTTP status a page or the API answers with.
REFUSAL_STATUS = {
    Refusal.UNKNOWN: 404,
    Refusal.SCHEDULED: 403,
    Refusal.CLOSED: 410,
    Refusal.TRASHED: 410,
    Refusal.SUBMITTED: 409,
    Refusal.THROTTLED: 429,
}


class Refused(Exception):
    """A link that opens nothing to answer, with why (`reason`) and the wave when one is known."""

    def __init__(self, reason: Refusal, wave: Wave | None = None) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.wave = wave

    @property
    def status(self) -> int:
        return REFUSAL_STATUS[self.reason]


@dataclass
class Sheet:
    """What a link opens: the wave, its response (`response.pk` is None until first saved) and
    the respondent whose personal link it is (None for an open link). `address` is the client's
    address for an open link's flood guard; `resume_secret` is set by `save` when it stored a
    new anonymous draft (shown once, in its resume link)."""

    wave: Wave
    response: Response
    respondent: Respondent | None = None
    today: dt.date = field(default_factory=dt.date.today)
    address: str | None = None
    via_open_link: bool = False
    resume_secret: str = ""

    @property
    def anonymous(self) -> bool:
        return self.wave.survey.anonymous

    @property
    def represents(self) -> Stakeholder | None:
        """Whose ties the roster answers report (never set for an anonymous survey)."""
        return None if self.anonymous else self.response.represents


def field_name(question: Question, partner: int | None = None) -> str:
    """The key of a question's answer in a form and in errors: "q12", or "p5-q12" for the
    question asked about partner 5; the roster's picks are "partners"."""
    if question.kind == QuestionKind.ROSTER:
        return "partners"
    return f"p{partner}-q{question.pk}" if partner is not None else f"q{question.pk}"


def resume_hash(secret: str) -> str:
    """The SHA-256 (hex) of a resume secret: all the database keeps of it."""
    return hashlib.sha256(secret.encode()).hexdigest()


# -- Finding the response a link opens ------------------------------------------------------


def _wave_refusal(wave: Wave, today: dt.date) -> Refusal | None:
    if wave.in_trash or wave.survey.in_trash:
        return Refusal.TRASHED
    status = wave.status_on(today)
    if status == Wave.SCHEDULED:
        return Refusal.SCHEDULED
    if status == Wave.CLOSED:
        return Refusal.CLOSED
    return None


def _new_response(wave: Wave, represents: Stakeholder | None, today: dt.date) -> Response:
    return Response(
        workspace=wave.workspace,
        wave=wave,
        represents=None if wave.survey.anonymous else represents,
        saved_on=today,
    )


def _respondent(token: str) -> Respondent | None:
    if not token:
        return None
    return (
        Respondent.all_objects.select_related("wave__survey", "wave__workspace", "represents")
        .filter(token=token)
        .first()
    )


def response_for_token(token: str, today: dt.date | None = None) -> Sheet:
    """The sheet a personal link opens: the respondent and their response (a stored draft, or
    a new one). `today` defaults to the wave's workspace's day.

    Raises Refused: UNKNOWN for no such link, TRASHED when the respondent, wave or survey is in
    the trash, SUBMITTED once they answered, SCHEDULED before the wave opens, CLOSED after."""
    respondent = _respondent(token)
    if respondent is None:
        raise Refused(Refusal.UNKNOWN)
    wave = respondent.wave
    today = today or workspace_today(wave.workspace)
    if respondent.in_trash:
        raise Refused(Refusal.TRASHED, wave)
    response = None if wave.survey.anonymous else _stored_response(respondent=respondent)
    if respondent.responded or (response is not None and response.submitted_on is not None):
        raise Refused(Refusal.SUBMITTED, wave)
    refusal = _wave_refusal(wave, today)
    if refusal:
        raise Refused(refusal, wave)
    if response is None:
        response = _new_response(wave, respondent.represents, today)
        response.respondent = None if wave.survey.anonymous else respondent
    return Sheet(wave=wave, response=response, respondent=respondent, today=today)


def response_for_open_link(
    token: str, address: str | None, today: dt.date | None = None, *, now: dt.datetime | None = None
) -> Sheet:
    """The sheet a wave's open link opens: a new anonymous response. `address` is the client's
    (see `cityweave.accounts.throttle.client_address`).

    Raises Refused: UNKNOWN for no such link or a survey that is not anonymous, TRASHED,
    SCHEDULED, CLOSED as `response_for_token`, THROTTLED when this address has started the
    most responses allowed this hour."""
    wave = (
        Wave.all_objects.select_related("survey", "workspace").filter(open_link_token=token).first()
        if token
        else None
    )
    if wave is None or not wave.survey.anonymous:
        raise Refused(Refusal.UNKNOWN)
    today = today or workspace_today(wave.workspace)
    refusal = _wave_refusal(wave, today)
    if refusal:
        raise Refused(refusal, wave)
    if _started(wave, address, now or timezone.now()) >= open_link_limit():
        raise Refused(Refusal.THROTTLED, wave)
    return Sheet(
        wave=wave,
        response=_new_response(wave, None, today),
        today=today,
        address=address,
        via_open_link=True,
    )


def response_for_resume_secret(secret: str, today: dt.date | None = None) -> Sheet:
    """The sheet an anonymous draft's resume link opens.

    Raises Refused as `response_for_token` (UNKNOWN for no draft with this secret)."""
    response = (
        _stored_response(resume_hash=resume_hash(secret)) if secret and len(secret) <= 200 else None
    )
    if response is None or not response.wave.survey.anonymous:
        raise Refused(Refusal.UNKNOWN)
    wave = response.wave
    today = today or workspace_today(wave.workspace)
    _, _, token = secret.partition(RESUME_SEPARATOR)
    respondent = _respondent(token) if token else None
    if respondent is not None and respondent.wave_id != wave.pk:
        respondent = None
    if response.submitted_on is not None or (respondent is not None and respondent.responded):
        raise Refused(Refusal.SUBMITTED, wave)
    refusal = (
        Refusal.TRASHED
        if respondent is not None and respondent.in_trash
        else _wave_refusal(wave, today)
    )
    if refusal:
        raise Refused(refusal, wave)
    return Sheet(wave=wave, response=response, respondent=respondent, today=today)


def _stored_response(**lookup: Any) -> Response | None:
    return (
        Response.objects.select_related("wave__survey", "wave__workspace", "represents")
        .filter(**lookup)
        .first()
    )


# -- The flood guard on open links ----------------------------------------------------------


def open_link_limit() -> int:
    """How many responses one client address may start through a wave's open link an hour."""
    return int(settings.CITYWEAVE_SURVEY_OPEN_LINK_LIMIT)


def address_hash(wave: Wave, address: str | None) -> str:
    """An address as the throttle keeps it: HMAC-SHA-256 under the server's secret key, per
    wave, so the stored rows name no one and cannot be compared across waves."""
    message = f"{wave.pk}:{address or 'unknown'}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _hour(now: dt.datetime) -> dt.datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def _started(wave: Wave, address: str | None, now: dt.datetime) -> int:
    row = SubmissionThrottle.objects.filter(
        wave=wave, address_hash=address_hash(wave, address), hour=_hour(now)
    ).first()
    return row.count if row else 0


def admit(wave: Wave, address: str | None, now: dt.datetime | None = None) -> None:
    """Count one new response started from `address` through the wave's open link this hour,
    pruning rows older than a day. Raises Refused(THROTTLED) when the limit is reached."""
    now = now or timezone.now()
    SubmissionThrottle.objects.filter(hour__lt=_hour(now) - THROTTLE_KEPT).delete()
    key = {"wave": wave, "address_hash": address_hash(wave, address), "hour": _hour(now)}
    if _started(wave, address, now) >= open_link_limit():
        raise Refused(Refusal.THROTTLED, wave)
    updated = SubmissionThrottle.objects.filter(**key).update(count=F("count") + 1)
    if not updated:
        try:
            with transaction.atomic():
                SubmissionThrottle.objects.create(**key, count=1)
        except IntegrityError:  # another request made the row first
            SubmissionThrottle.objects.filter(**key).update(count=F("count") + 1)


# -- Checking answers -----------------------------------------------------------------------


@dataclass
class Checked:
    """Valid answers, ready to store: values by question, the picked partners in order, and per
    picked partner its values by question."""

    answers: dict[int, Any]
    partners: list[Stakeholder]
    ratings: dict[int, dict[int, Any]]


def questions_of(wave: Wave) -> list[Question]:
    """The wave's survey's live questions, in order."""
    return list(wave.survey.questions.filter(deleted_at__isnull=True).order_by("position", "pk"))


def roster_of(sheet: Sheet) -> list[Stakeholder]:
    """The partners a respondent may pick: the wave's live roster (its workspace's only) without
    their own organisation, by name."""
    roster = sheet.wave.roster.filter(
        workspace=sheet.wave.workspace_id, deleted_at__isnull=True
    ).order_by("name", "pk")
    if sheet.represents is not None:
        roster = roster.exclude(pk=sheet.represents.pk)
    return list(roster)


def _quoted(question: Question) -> str:
    text = question.text if len(question.text) <= 80 else question.text[:79] + "…"
    return f"“{text}”"


def _is_blank(value: Any) -> bool:
    return (
        value is None
        or value == ""
        or value == []
        or (isinstance(value, str) and not value.strip())
    )


def _integer(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        return int(value.strip())
    return None


def _id(value: Any) -> int | None:
    number = _integer(value)
    return number if number is not None and 0 < number < 2**63 else None


def check_value(question: Question, value: Any) -> tuple[Any, str | None]:
    """One answer to `question` as stored, and what is wrong with it (None when fine).

    Scale: an int 1..scale_points (an int or a string of digits); single: one of its choice
    keys; multiple: a list of distinct keys; number: a decimal within min_value..max_value
    (stored as its string); short (long) text: at most 300 (5,000) characters, stored trimmed."""
    kind = question.kind
    if kind == QuestionKind.SCALE:
        number = _integer(value)
        top = question.scale_points or 5
        if number is None or not 1 <= number <= top:
            return None, f"choose a whole number from 1 to {top}."
        return number, None
    if kind == QuestionKind.SINGLE:
        if not isinstance(value, str) or value not in question.choice_keys:
            return None, "choose one of the answers offered."
        return value, None
    if kind == QuestionKind.MULTIPLE:
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not all(isinstance(item, str) for item in values):
            return None, "choose among the answers offered."
        if len(set(values)) != len(values):
            return None, "choose each answer at most once."
        if any(item not in question.choice_keys for item in values):
            return None, "choose only among the answers offered."
        return sorted(values, key=question.choice_keys.index), None
    if kind == QuestionKind.NUMBER:
        return _number(question, value)
    if kind in (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT):
        if not isinstance(value, str):
            return None, "give a text."
        text = value.strip()
        longest = SHORT_TEXT_MAX if kind == QuestionKind.SHORT_TEXT else LONG_TEXT_MAX
        if len(text) > longest:
            return None, f"keep it to {longest:,} characters (this has {len(text):,})."
        problem = text_problem(text, required=False)
        if problem:
            return None, problem[0].lower() + problem[1:]
        return text, None
    return None, "this question takes no answer here."


def _number(question: Question, value: Any) -> tuple[Any, str | None]:
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        return None, "give a number."
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        return None, "give a number, like 12 or 3.5."
    if not number.is_finite() or abs(number) >= NUMBER_MAX:
        return None, "give a number, like 12 or 3.5."
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -NUMBER_PLACES:
        return None, f"give at most {NUMBER_PLACES} decimal places."
    if question.min_value is not None and number < question.min_value:
        return None, f"give {question.min_value.normalize():f} or more."
    if question.max_value is not None and number > question.max_value:
        return None, f"give {question.max_value.normalize():f} or less."
    return f"{number.normalize():f}" if number == number.to_integral() else f"{number:f}", None


def check(sheet: Sheet, data: dict[str, Any], *, submit: bool = False) -> Checked:
    """The answers in `data` (see the module) checked against the sheet's survey and roster.

    Raises ValidationError keyed by `field_name`: a value the question does not take, a
    question not in the survey, a pick not on the wave's live roster (or the respondent's own
    organisation), an answer about a partner not picked; on submit only, a required question
    left blank (for each picked partner when asked of each)."""
    if not isinstance(data, dict):
        raise ValidationError({"answers": "Send the answers as an object."})
    questions = questions_of(sheet.wave)
    by_id = {question.pk: question for question in questions}
    errors: dict[str, list[str]] = {}

    def fail(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    answers: dict[int, Any] = {}
    raw_answers = data.get("answers") or {}
    if not isinstance(raw_answers, dict):
        raw_answers = {}
        fail("answers", "Send the answers as an object of question id to value.")
    for key, value in raw_answers.items():
        question = by_id.get(_id(key) or 0)
        if question is None or question.per_partner or question.kind == QuestionKind.ROSTER:
            fail(f"q{key}", f"Question {key} is not asked here.")
            continue
        if _is_blank(value):
            continue
        stored, problem = check_value(question, value)
        if problem:
            fail(field_name(question), f"{_quoted(question)}: {problem}")
        else:
            answers[question.pk] = stored

    roster_question = next((q for q in questions if q.kind == QuestionKind.ROSTER), None)
    roster = {partner.pk: partner for partner in roster_of(sheet)}
    partners: list[Stakeholder] = []
    picks = data.get("partners") or []
    if not isinstance(picks, list):
        fail("partners", "Send the partners picked as a list of ids.")
        picks = []
    if picks and (roster_question is None or sheet.represents is None):
        fail("partners", "This survey asks no one to pick partners here.")
        picks = []
    for pick in picks:
        partner = roster.get(_id(pick) or 0)
        if partner is None:
            if sheet.represents is not None and _id(pick) == sheet.represents.pk:
                fail("partners", "Your own organisation is not one of the partners to rate.")
            else:
                fail("partners", f"Partner {pick} is not on this survey's list of partners.")
        elif partner in partners:
            fail("partners", f"{partner.name} is picked twice.")
        else:
            partners.append(partner)

    picked = {partner.pk: partner for partner in partners}
    ratings: dict[int, dict[int, Any]] = {partner.pk: {} for partner in partners}
    raw_ratings = data.get("ratings") or {}
    if not isinstance(raw_ratings, dict):
        raw_ratings = {}
        fail("ratings", "Send the answers about partners as an object of partner id to answers.")
    for partner_key, values in raw_ratings.items():
        partner = picked.get(_id(partner_key) or 0)
        if partner is None:
            fail(
                f"p{partner_key}",
                f"Answers about partner {partner_key}, who is not picked: pick them first.",
            )
            continue
        if not isinstance(values, dict):
            fail(f"p{partner.pk}", f"Send the answers about {partner.name} as an object.")
            continue
        for key, value in values.items():
            question = by_id.get(_id(key) or 0)
            if question is None or not question.per_partner:
                fail(f"p{partner.pk}-q{key}", f"Question {key} is not asked about each partner.")
                continue
            if _is_blank(value):
                continue
            stored, problem = check_value(question, value)
            if problem:
                fail(
                    field_name(question, partner.pk),
                    f"{_quoted(question)} about {partner.name}: {problem}",
                )
            else:
                ratings[partner.pk][question.pk] = stored

    if submit:
        for question in questions:
            if not question.required:
                continue
            if question.kind == QuestionKind.ROSTER:
                if sheet.represents is not None and roster and not partners:
                    fail("partners", f"{_quoted(question)}: pick at least one partner.")
            elif question.per_partner:
                for partner in partners:
                    if question.pk not in ratings[partner.pk]:
                        fail(
                            field_name(question, partner.pk),
                            f"{_quoted(question)} about {partner.name}: answer this question.",
                        )
            elif question.pk not in answers and field_name(question) not in errors:
                fail(field_name(question), f"{_quoted(question)}: answer this question.")
    if errors:
        raise ValidationError(errors)
    return Checked(answers=answers, partners=partners, ratings=ratings)


# -- Saving ---------------------------------------------------------------------------------


def current(sheet: Sheet) -> dict[str, Any]:
    """The sheet's stored answers in the shape `check` takes (empty for a new response)."""
    response = sheet.response
    if response.pk is None:
        return {"answers": {}, "partners": [], "ratings": {}}
    answers = dict(response.answers.values_list("question_id", "value"))
    by_measure = {
        question.pk: question.measure
        for question in questions_of(sheet.wave)
        if question.per_partner and question.measure in PARTNER_MEASURES
    }
    partners, ratings = [], {}
    for tie in response.ties.order_by("pk"):
        partners.append(tie.target_id)
        values = {int(key): value for key, value in tie.answers.items()}
        for question_id, measure in by_measure.items():
            value = getattr(tie, measure)
            if value not in (None, ""):
                values[question_id] = value
        ratings[tie.target_id] = values
    return {"answers": answers, "partners": partners, "ratings": ratings}


def save(sheet: Sheet, data: dict[str, Any], submit: bool = False) -> Response:
    """Store the sheet's answers (see `check`) as a draft, or submitted when `submit`: one
    Answer per answered ordinary question, one SurveyTie per picked partner (its measures in
    their fields, other per-partner answers in `answers` by question id); an unpicked
    partner's tie and a cleared answer are removed. `saved_on`/`submitted_on` are the
    workspace's day. A new response through an open link counts toward its flood guard; a new
    anonymous draft gets a resume secret (`sheet.resume_secret`).

    Raises ValidationError (nothing written) as `check`; Refused(SUBMITTED) once submitted,
    Refused(THROTTLED) over an open link's limit."""
    checked = check(sheet, data, submit=submit)
    with transaction.atomic():
        response = sheet.response
        if response.pk is None and response.respondent_id is not None:
            # Two first saves at once through one personal link: the second finds the first's.
            Respondent.objects.select_for_update().filter(pk=response.respondent_id).first()
            earlier = Response.objects.filter(respondent_id=response.respondent_id).first()
            if earlier is not None:
                response = sheet.response = earlier
        if response.pk is not None:
            locked = Response.objects.select_for_update().get(pk=response.pk)
            if locked.submitted_on is not None:
                raise Refused(Refusal.SUBMITTED, sheet.wave)
        elif sheet.via_open_link:
            admit(sheet.wave, sheet.address)
        if sheet.respondent is not None and sheet.anonymous:
            fresh = Respondent.objects.filter(pk=sheet.respondent.pk, responded=True)
            if fresh.exists():
                raise Refused(Refusal.SUBMITTED, sheet.wave)
        if response.pk is None and sheet.anonymous and not submit:
            sheet.resume_secret = secrets.token_urlsafe(32)
            if sheet.respondent is not None:
                sheet.resume_secret += RESUME_SEPARATOR + sheet.respondent.token
            response.resume_hash = resume_hash(sheet.resume_secret)
        elif response.pk is None and sheet.anonymous:
            # Submitted at once: a hash of a secret nobody keeps, so that listing anonymous
            # answers by it (the downloads, the open answers) says nothing of who came first.
            response.resume_hash = resume_hash(secrets.token_urlsafe(32))
        response.saved_on = sheet.today
        if submit:
            response.submitted_on = sheet.today
        response.full_clean()
        response.save()
        _write_answers(response, checked)
        _write_ties(sheet, response, checked)
        if submit and sheet.respondent is not None:
            Respondent.objects.filter(pk=sheet.respondent.pk).update(responded=True)
            sheet.respondent.responded = True
    return response


def _write_answers(response: Response, checked: Checked) -> None:
    stored = {answer.question_id: answer for answer in response.answers.all()}
    response.answers.exclude(question_id__in=checked.answers).delete()
    for question_id, value in checked.answers.items():
        answer = stored.get(question_id) or Answer(response=response, question_id=question_id)
        if answer.pk is not None and answer.value == value:
            continue
        answer.value = value
        answer.full_clean(validate_unique=False)
        answer.save()


def _write_ties(sheet: Sheet, response: Response, checked: Checked) -> None:
    response.ties.exclude(target__in=checked.partners).delete()
    if not checked.partners or sheet.represents is None:
        return
    questions = {q.pk: q for q in questions_of(sheet.wave) if q.per_partner}
    stored = {tie.target_id: tie for tie in response.ties.all()}
    for partner in checked.partners:
        tie = stored.get(partner.pk) or SurveyTie(
            workspace=sheet.wave.workspace,
            wave=sheet.wave,
            response=response,
            source=sheet.represents,
            target=partner,
        )
        values = checked.ratings.get(partner.pk, {})
        tie.answers = {}
        for question in questions.values():
            value = values.get(question.pk)
            if question.measure in PARTNER_MEASURES:
                empty = "" if question.kind == QuestionKind.SINGLE else None
                setattr(tie, question.measure, empty if value is None else value)
            elif value is not None:
                tie.answers[str(question.pk)] = value
        tie.full_clean(validate_unique=False)
        tie.save()
