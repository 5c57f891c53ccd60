"""JSON API for surveys, questions, waves and respondents under /api/v1/workspaces/{slug}/surveys.

No `from __future__ import annotations` here: django-ninja reads the annotations at import time.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from django.db import transaction
from django.db.models import Count, Q, prefetch_related_objects
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from cityweave.engagement.services import workspace_today
from cityweave.surveys import fieldwork, invitations, services
from cityweave.surveys.instruments import Measure, QuestionKind
from cityweave.surveys.models import Question, Respondent, Survey, Wave
from cityweave.workspaces.api import Id, ListPagination, PatchSchema, Whole, api_member
from cityweave.workspaces.models import Membership

router = Router()

TAGS = ["surveys"]
Bound = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]


# == Schemas ======================================================================================


class SurveyIn(Schema):
    """A new survey: from a ready-made instrument (`start`: "partner" or "community", with its
    questions) or "blank". Fields left out keep the template's."""

    start: Literal["partner", "community", "blank"]
    title: str | None = Field(default=None, max_length=200)
    introduction: str | None = None
    about: str | None = Field(default=None, max_length=200)
    anonymous: bool | None = None
    min_raters: Whole | None = Field(default=None, ge=1, le=100)


class SurveyPatch(PatchSchema):
    """Fields to change on a survey; omitted fields stay as they are."""

    Creates: ClassVar[type[Schema]] = SurveyIn

    title: str | None = Field(default=None, min_length=1, max_length=200)
    introduction: str | None = None
    about: str | None = Field(default=None, max_length=200)
    anonymous: bool | None = None
    min_raters: Whole | None = Field(default=None, ge=1, le=100)


class SurveyOut(Schema):
    """A survey with its number of questions and waves."""

    id: int
    uid: str
    title: str
    kind: Survey.SurveyKind
    introduction: str
    about: str
    anonymous: bool
    min_raters: int
    question_count: int
    wave_count: int
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_uid(obj: Survey) -> str:
        return str(obj.uid)

    @staticmethod
    def resolve_question_count(obj: Survey) -> int:
        counted = getattr(obj, "question_count", None)
        return counted if counted is not None else obj.questions.count()

    @staticmethod
    def resolve_wave_count(obj: Survey) -> int:
        counted = getattr(obj, "wave_count", None)
        return counted if counted is not None else obj.waves.count()


class QuestionIn(Schema):
    """A new question, placed last (questions asked of each partner: last under the roster
    question). `scale_points` (4 or 5) and the end labels are for a rating scale, `choices` for
    single and multiple choice (one a line, as on the page: "key | label | description", or a
    label alone), `min_value`/`max_value` for a number."""

    kind: QuestionKind
    text: str = Field(min_length=1, max_length=500)
    help_text: str = Field(default="", max_length=500)
    required: bool = False
    per_partner: bool = False
    measure: Measure | None = Field(default=None, description="Null or left out: none.")
    scale_points: Whole | None = None
    low_label: str = Field(default="", max_length=60)
    high_label: str = Field(default="", max_length=60)
    choices: list[str] = Field(default=[], max_length=100)
    min_value: Bound | None = None
    max_value: Bound | None = None


class QuestionPatch(PatchSchema):
    """Fields to change on a question (its kind only until the survey has answers); `move`
    swaps it with its neighbour "up" or "down" among the questions respondents meet beside it."""

    Creates: ClassVar[type[Schema]] = QuestionIn

    move: Literal["up", "down"] | None = None
    kind: QuestionKind | None = None
    text: str | None = Field(default=None, min_length=1, max_length=500)
    help_text: str | None = Field(default=None, max_length=500)
    required: bool | None = None
    per_partner: bool | None = None
    measure: Measure | None = None
    scale_points: Whole | None = None
    low_label: str | None = Field(default=None, max_length=60)
    high_label: str | None = Field(default=None, max_length=60)
    choices: list[str] | None = Field(default=None, max_length=100)
    min_value: Bound | None = None
    max_value: Bound | None = None


class QuestionOut(Schema):
    """A question in its survey's order (`position`)."""

    id: int
    position: int
    kind: str
    text: str
    help_text: str
    required: bool
    per_partner: bool
    measure: str
    scale_points: int | None
    low_label: str
    high_label: str
    choices: list[dict[str, Any]]
    min_value: float | None
    max_value: float | None


class WaveIn(Schema):
    """A new wave: its days (in the workspace's time zone, both included) and its roster
    (stakeholder ids; left out, it fills with the respondents' organisations)."""

    name: str = Field(min_length=1, max_length=100)
    opens_on: dt.date
    closes_on: dt.date
    roster: list[Id] | None = None


class WavePatch(PatchSchema):
    """Fields to change on a wave."""

    Creates: ClassVar[type[Schema]] = WaveIn

    name: str | None = Field(default=None, min_length=1, max_length=100)
    opens_on: dt.date | None = None
    closes_on: dt.date | None = None
    roster: list[Id] | None = None


class ResponseRateOut(Schema):
    """`percent` = round(submitted ÷ asked × 100), null when nobody was asked; `open_link`
    counts submitted answers through the wave's open link, outside the rate."""

    submitted: int
    asked: int
    percent: int | None
    open_link: int
    formula: str


class WaveOut(Schema):
    """A wave with its status today, response rate and emails sent."""

    id: int
    survey: int
    name: str
    opens_on: dt.date
    closes_on: dt.date
    closed_at: dt.datetime | None
    status: Literal["scheduled", "open", "closed"]
    roster: list[int]
    open_link: str
    invitations_sent_at: dt.datetime | None
    reminders_sent_at: dt.datetime | None
    response_rate: ResponseRateOut

    @staticmethod
    def resolve_survey(obj: Wave) -> int:
        return obj.survey_id

    @staticmethod
    def resolve_status(obj: Wave) -> str:
        return obj.status_on(workspace_today(obj.workspace))

    @staticmethod
    def resolve_roster(obj: Wave) -> list[int]:
        return sorted(s.pk for s in obj.roster.all())

    @staticmethod
    def resolve_open_link(obj: Wave) -> str:
        return invitations.open_link(obj)

    @staticmethod
    def resolve_response_rate(obj: Wave) -> dict[str, Any]:
        known = getattr(obj, "known_rate", None)
        return _rate(known if known is not None else fieldwork.response_rate(obj))


def _rate(rate: fieldwork.ResponseRate) -> dict[str, Any]:
    return {
        "submitted": rate.submitted,
        "asked": rate.asked,
        "percent": rate.percent,
        "open_link": rate.open_link,
        "formula": rate.FORMULA,
    }


class RespondentIn(Schema):
    """Either a `stakeholder` (a person or organisation with an email, asked by a personal link,
    answering for their organisation) or a `label` for a link handed out by hand (answering for
    `represents`)."""

    stakeholder: Id | None = None
    label: str | None = Field(default=None, max_length=200)
    represents: Id | None = None


class RespondentPatch(PatchSchema):
    """Whom the respondent answers for (`represents`: null for nobody), their label or email."""

    Creates: ClassVar[type[Schema]] = RespondentIn

    represents: Id | None = None
    label: str | None = Field(default=None, max_length=200)
    email: str | None = Field(default=None, max_length=254)


class RespondentOut(Schema):
    """A respondent and their personal link (empty for a viewer: whoever holds it answers as the
    respondent); `responded` says whether they submitted (never when, and never which answers
    are theirs in an anonymous survey)."""

    id: int
    stakeholder: int | None
    represents: int | None
    name: str
    label: str
    email: str
    link: str
    invited_at: dt.datetime | None
    reminded_at: dt.datetime | None
    responded: bool

    @staticmethod
    def resolve_stakeholder(obj: Respondent) -> int | None:
        return obj.stakeholder_id

    @staticmethod
    def resolve_represents(obj: Respondent) -> int | None:
        return obj.represents_id

    @staticmethod
    def resolve_name(obj: Respondent) -> str:
        return str(obj)

    @staticmethod
    def resolve_link(obj: Respondent, context: dict[str, Any]) -> str:
        # A personal link answers as its respondent: a write, so only editors see it.
        member = getattr(context["request"], "member", None)
        return invitations.personal_link(obj) if member is not None and member.can_edit else ""


class EmailsOut(Schema):
    """How many emails were queued."""

    queued: int


# == Surveys ======================================================================================


@router.get("/{slug}/surveys", response=list[SurveyOut], tags=TAGS, url_name="surveys_list")
@paginate(ListPagination)
def list_surveys(request: HttpRequest, slug: str) -> Any:
    """The workspace's surveys by title; paginated with `limit` and `offset`."""
    member = api_member(request, slug)
    live = {"questions__deleted_at__isnull": True}
    return (
        services.surveys(member)
        .annotate(
            question_count=Count("questions", filter=Q(**live), distinct=True),
            wave_count=Count("waves", filter=Q(waves__deleted_at__isnull=True), distinct=True),
        )
        .order_by("title", "pk")
    )


@router.post("/{slug}/surveys", response={201: SurveyOut}, tags=TAGS, url_name="surveys_create")
def create_survey(request: HttpRequest, slug: str, payload: SurveyIn) -> Status[Survey]:
    """Create a survey from a template or blank."""
    member = api_member(request, slug, write=True)
    data = payload.dict()
    survey = services.create_survey(member, data.pop("start"), data)
    return Status(201, survey)


@router.get(
    "/{slug}/surveys/{int:survey_id}", response=SurveyOut, tags=TAGS, url_name="survey_detail"
)
def get_survey(request: HttpRequest, slug: str, survey_id: int) -> Survey:
    """One survey."""
    return services.get_survey(api_member(request, slug), survey_id)


@router.patch(
    "/{slug}/surveys/{int:survey_id}", response=SurveyOut, tags=TAGS, url_name="survey_update"
)
def update_survey(request: HttpRequest, slug: str, survey_id: int, payload: SurveyPatch) -> Survey:
    """Change some fields of a survey."""
    member = api_member(request, slug, write=True)
    survey = services.get_survey(member, survey_id)
    return services.save_survey(member, payload.dict(exclude_unset=True), survey)


@router.delete(
    "/{slug}/surveys/{int:survey_id}", response={204: None}, tags=TAGS, url_name="survey_delete"
)
def delete_survey(request: HttpRequest, slug: str, survey_id: int) -> Status[None]:
    """Move a survey with its questions, waves and respondents to the trash."""
    member = api_member(request, slug, write=True)
    services.trash_survey(member, services.get_survey(member, survey_id))
    return Status(204, None)


# == Questions ====================================================================================

QUESTIONS = "/{slug}/surveys/{int:survey_id}/questions"
QUESTION = QUESTIONS + "/{int:question_id}"


@router.get(QUESTIONS, response=list[QuestionOut], tags=TAGS, url_name="questions_list")
@paginate(ListPagination)
def list_questions(request: HttpRequest, slug: str, survey_id: int) -> Any:
    """The survey's questions in the order respondents meet them; paginated."""
    member = api_member(request, slug)
    return services.questions(services.get_survey(member, survey_id))


def _question_data(data: dict[str, Any]) -> dict[str, Any]:
    if "measure" in data and data["measure"] is None:
        data["measure"] = ""
    if data.get("choices") is not None:
        data["choices"] = services.parse_choices(data["choices"])
    return data


@router.post(QUESTIONS, response={201: QuestionOut}, tags=TAGS, url_name="questions_create")
def create_question(
    request: HttpRequest, slug: str, survey_id: int, payload: QuestionIn
) -> Status[Question]:
    """Add a question to the survey."""
    member = api_member(request, slug, write=True)
    survey = services.get_survey(member, survey_id)
    data = _question_data(payload.dict(exclude_unset=True))
    return Status(201, services.save_question(member, survey, data))


@router.get(QUESTION, response=QuestionOut, tags=TAGS, url_name="question_detail")
def get_question(request: HttpRequest, slug: str, survey_id: int, question_id: int) -> Question:
    """One question."""
    member = api_member(request, slug)
    return services.get_question(member, services.get_survey(member, survey_id), question_id)


@router.patch(QUESTION, response=QuestionOut, tags=TAGS, url_name="question_update")
def update_question(
    request: HttpRequest, slug: str, survey_id: int, question_id: int, payload: QuestionPatch
) -> Question:
    """Change a question (its wording always, its kind until the survey has answers), or move it."""
    member = api_member(request, slug, write=True)
    survey = services.get_survey(member, survey_id)
    question = services.get_question(member, survey, question_id)
    data = _question_data(payload.dict(exclude_unset=True))
    direction = data.pop("move", None)
    with transaction.atomic():
        if data:
            question = services.save_question(member, survey, data, question)
        if direction:
            question = services.move_question(member, question, direction)
    return question


@router.delete(QUESTION, response={204: None}, tags=TAGS, url_name="question_delete")
def delete_question(
    request: HttpRequest, slug: str, survey_id: int, question_id: int
) -> Status[None]:
    """Move a question to the trash (the roster question takes its per-partner questions)."""
    member = api_member(request, slug, write=True)
    survey = services.get_survey(member, survey_id)
    services.trash_question(member, services.get_question(member, survey, question_id))
    return Status(204, None)


# == Waves ========================================================================================

WAVES = "/{slug}/surveys/{int:survey_id}/waves"
WAVE = WAVES + "/{int:wave_id}"


class WavePagination(ListPagination):
    """Wave pages load their rosters and response rates together."""

    def finish(self, items: list[Any], request: HttpRequest) -> list[Any]:
        prefetch_related_objects(items, "roster")
        rates = fieldwork.response_rates(items)
        for wave in items:
            wave.known_rate = rates[wave.pk]
        return items


def _wave(
    request: HttpRequest, slug: str, survey_id: int, wave_id: int, write: bool = False
) -> tuple[Membership, Wave]:
    member = api_member(request, slug, write=write)
    return member, fieldwork.get_wave(member, services.get_survey(member, survey_id), wave_id)


@router.get(WAVES, response=list[WaveOut], tags=TAGS, url_name="waves_list")
@paginate(WavePagination)
def list_waves(request: HttpRequest, slug: str, survey_id: int) -> Any:
    """The survey's waves, latest first; paginated."""
    member = api_member(request, slug)
    survey = services.get_survey(member, survey_id)
    return fieldwork.waves(member, survey).select_related("workspace")


@router.post(WAVES, response={201: WaveOut}, tags=TAGS, url_name="waves_create")
def create_wave(request: HttpRequest, slug: str, survey_id: int, payload: WaveIn) -> Status[Wave]:
    """Create a wave of the survey."""
    member = api_member(request, slug, write=True)
    survey = services.get_survey(member, survey_id)
    return Status(201, fieldwork.save_wave(member, survey, payload.dict(exclude_unset=True)))


@router.get(WAVE, response=WaveOut, tags=TAGS, url_name="wave_detail")
def get_wave(request: HttpRequest, slug: str, survey_id: int, wave_id: int) -> Wave:
    """One wave with its status and response rate."""
    return _wave(request, slug, survey_id, wave_id)[1]


@router.patch(WAVE, response=WaveOut, tags=TAGS, url_name="wave_update")
def update_wave(
    request: HttpRequest, slug: str, survey_id: int, wave_id: int, payload: WavePatch
) -> Wave:
    """Change a wave's name, days or roster."""
    member, wave = _wave(request, slug, survey_id, wave_id, write=True)
    return fieldwork.save_wave(member, wave.survey, payload.dict(exclude_unset=True), wave)


@router.delete(WAVE, response={204: None}, tags=TAGS, url_name="wave_delete")
def delete_wave(request: HttpRequest, slug: str, survey_id: int, wave_id: int) -> Status[None]:
    """Move a wave and its respondents to the trash."""
    member, wave = _wave(request, slug, survey_id, wave_id, write=True)
    fieldwork.trash_wave(member, wave)
    return Status(204, None)


@router.post(WAVE + "/close", response=WaveOut, tags=TAGS, url_name="wave_close")
def close_wave(request: HttpRequest, slug: str, survey_id: int, wave_id: int) -> Wave:
    """Close the wave now: no answers are taken after."""
    member, wave = _wave(request, slug, survey_id, wave_id, write=True)
    return fieldwork.close_wave(member, wave)


@router.post(WAVE + "/reopen", response=WaveOut, tags=TAGS, url_name="wave_reopen")
def reopen_wave(request: HttpRequest, slug: str, survey_id: int, wave_id: int) -> Wave:
    """Reopen a wave closed by hand, before its last day has passed."""
    member, wave = _wave(request, slug, survey_id, wave_id, write=True)
    return fieldwork.reopen_wave(member, wave)


@router.get(
    WAVE + "/response-rate", response=ResponseRateOut, tags=TAGS, url_name="wave_response_rate"
)
def wave_response_rate(
    request: HttpRequest, slug: str, survey_id: int, wave_id: int
) -> dict[str, Any]:
    """The wave's response rate now, with its formula."""
    return _rate(fieldwork.response_rate(_wave(request, slug, survey_id, wave_id)[1]))


@router.post(
    WAVE + "/invitations", response={202: EmailsOut}, tags=TAGS, url_name="wave_invitations"
)
def send_invitations(
    request: HttpRequest, slug: str, survey_id: int, wave_id: int
) -> Status[dict[str, int]]:
    """Queue an invitation by email to each respondent with an email not invited yet; they go
    out in the background (the wave's `invitations_sent_at` says when)."""
    member, wave = _wave(request, slug, survey_id, wave_id, write=True)
    return Status(202, {"queued": fieldwork.request_emails(member, wave, fieldwork.INVITATIONS)})


@router.post(WAVE + "/reminders", response={202: EmailsOut}, tags=TAGS, url_name="wave_reminders")
def send_reminders(
    request: HttpRequest, slug: str, survey_id: int, wave_id: int
) -> Status[dict[str, int]]:
    """Queue a reminder to each respondent invited, not answered and not reminded in the last
    three days; they go out in the background (`reminders_sent_at` says when)."""
    member, wave = _wave(request, slug, survey_id, wave_id, write=True)
    return Status(202, {"queued": fieldwork.request_emails(member, wave, fieldwork.REMINDERS)})


@router.post(WAVE + "/open-link", response=WaveOut, tags=TAGS, url_name="open_link_create")
def create_open_link(request: HttpRequest, slug: str, survey_id: int, wave_id: int) -> Wave:
    """Give the wave a new open link (anonymous surveys only)."""
    member, wave = _wave(request, slug, survey_id, wave_id, write=True)
    return fieldwork.set_open_link(member, wave, True)


@router.delete(WAVE + "/open-link", response=WaveOut, tags=TAGS, url_name="open_link_delete")
def revoke_open_link(request: HttpRequest, slug: str, survey_id: int, wave_id: int) -> Wave:
    """Revoke the wave's open link."""
    member, wave = _wave(request, slug, survey_id, wave_id, write=True)
    return fieldwork.set_open_link(member, wave, False)


# == Respondents ==================================================================================

RESPONDENTS = WAVE + "/respondents"
RESPONDENT = RESPONDENTS + "/{int:respondent_id}"


@router.get(RESPONDENTS, response=list[RespondentOut], tags=TAGS, url_name="respondents_list")
@paginate(ListPagination)
def list_respondents(request: HttpRequest, slug: str, survey_id: int, wave_id: int) -> Any:
    """The wave's respondents with their personal links; paginated."""
    return fieldwork.respondents(_wave(request, slug, survey_id, wave_id)[1])


@router.post(RESPONDENTS, response={201: RespondentOut}, tags=TAGS, url_name="respondents_add")
def add_respondent(
    request: HttpRequest, slug: str, survey_id: int, wave_id: int, payload: RespondentIn
) -> Status[Respondent]:
    """Ask a stakeholder with an email (`stakeholder`), or make a link to hand out (`label`,
    answering for `represents`)."""
    member, wave = _wave(request, slug, survey_id, wave_id, write=True)
    if payload.stakeholder is not None:
        (added,) = fieldwork.add_respondents(member, wave, [payload.stakeholder], "stakeholder")
    else:
        added = fieldwork.add_link(member, wave, payload.label or "", payload.represents)
    return Status(201, fieldwork.get_respondent(member, wave, added.pk))


@router.get(RESPONDENT, response=RespondentOut, tags=TAGS, url_name="respondent_detail")
def get_respondent(
    request: HttpRequest, slug: str, survey_id: int, wave_id: int, respondent_id: int
) -> Respondent:
    """One respondent with their personal link."""
    member, wave = _wave(request, slug, survey_id, wave_id)
    return fieldwork.get_respondent(member, wave, respondent_id)


@router.patch(RESPONDENT, response=RespondentOut, tags=TAGS, url_name="respondent_update")
def update_respondent(
    request: HttpRequest,
    slug: str,
    survey_id: int,
    wave_id: int,
    respondent_id: int,
    payload: RespondentPatch,
) -> Respondent:
    """Change whom a respondent answers for, their label or email."""
    member, wave = _wave(request, slug, survey_id, wave_id, write=True)
    respondent = fieldwork.get_respondent(member, wave, respondent_id)
    fieldwork.update_respondent(member, respondent, payload.dict(exclude_unset=True))
    return fieldwork.get_respondent(member, wave, respondent_id)


@router.delete(RESPONDENT, response={204: None}, tags=TAGS, url_name="respondent_delete")
def delete_respondent(
    request: HttpRequest, slug: str, survey_id: int, wave_id: int, respondent_id: int
) -> Status[None]:
    """Remove a respondent (to the trash): their link stops working."""
    member, wave = _wave(request, slug, survey_id, wave_id, write=True)
    fieldwork.trash_respondent(member, fieldwork.get_respondent(member, wave, respondent_id))
    return Status(204, None)
