"""The office's survey pages: surveys, their questions, waves, respondents and links."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import prefetch_related_objects
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cityweave.engagement.services import workspace_today
from cityweave.surveys import fieldwork, invitations, services
from cityweave.surveys.forms import (
    AddRespondentsForm,
    LinkForm,
    QuestionForm,
    RespondentForm,
    SurveyCreateForm,
    SurveyForm,
    WaveForm,
)
from cityweave.surveys.instruments import QuestionKind
from cityweave.surveys.models import Question, Respondent, Survey, Wave
from cityweave.web.mixins import TrashView, WorkspaceView, apply_validation_error


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# == Surveys ======================================================================================


class SurveyListView(WorkspaceView):
    """Every survey with its waves and the latest wave's response rate and status."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(
            request,
            "surveys/list.html",
            {"rows": services.survey_rows(self.member), "formula": fieldwork.ResponseRate.FORMULA},
        )


class SurveyCreateView(WorkspaceView):
    """Start a survey from one of the two templates, or blank."""

    writes = True

    def get(self, request: HttpRequest) -> HttpResponse:
        start = request.GET.get("start", "partner")
        return self.render_form(request, SurveyCreateForm(initial={"start": start}))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = SurveyCreateForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                survey = services.create_survey(self.member, data["start"], data)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Created “{survey}”. Add a wave to send it.")
                return redirect(survey.get_absolute_url())
        return self.render_form(request, form, status=422)

    def render_form(self, request: HttpRequest, form: BaseForm, status: int = 200) -> HttpResponse:
        return render(request, "surveys/new.html", {"form": form}, status=status)


class SurveyDetailView(WorkspaceView):
    """A survey: its settings, questions as respondents meet them, and its waves."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        survey = services.get_survey(self.member, pk)
        found = list(fieldwork.waves(self.member, survey))
        rates = fieldwork.response_rates(found)
        today = workspace_today(self.workspace)
        rows = services.question_rows(survey)
        return render(
            request,
            "surveys/detail.html",
            {
                "survey": survey,
                "question_rows": rows,
                "has_roster": any(r.question.kind == QuestionKind.ROSTER for r in rows),
                "answered": services.has_answers(survey),
                "waves": [
                    {"wave": w, "rate": rates[w.pk], "status": w.status_on(today)} for w in found
                ],
                "formula": fieldwork.ResponseRate.FORMULA,
            },
        )


class SurveyEditView(WorkspaceView):
    """Edit a survey's title, introduction, subject, anonymity and fewest raters."""

    writes = True

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        survey = services.get_survey(self.member, pk)
        return self.render_form(request, SurveyForm(instance=survey, member=self.member), survey)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        survey = services.get_survey(self.member, pk)
        form = SurveyForm(request.POST, instance=survey, member=self.member)
        if form.is_valid():
            try:
                services.save_survey(self.member, form.cleaned_data, survey)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Saved “{survey}”.")
                return redirect(survey.get_absolute_url())
        return self.render_form(request, form, services.get_survey(self.member, pk), status=422)

    def render_form(
        self, request: HttpRequest, form: SurveyForm, survey: Survey, status: int = 200
    ) -> HttpResponse:
        return render(request, "surveys/form.html", {"form": form, "survey": survey}, status=status)


class SurveyTrashView(TrashView):
    """Move a survey, its questions, waves and respondents to the trash."""

    def get_record(self, pk: int) -> Survey:
        return services.get_survey(self.member, pk)

    def consequence(self, record: Survey) -> str:
        return (
            "Its questions, waves and respondents go with it, and its personal links stop "
            "working; the answers stay stored."
        )

    def trash(self, record: Survey) -> object:
        return services.trash_survey(self.member, record)


class SurveyPage(WorkspaceView):
    """A page under one survey: /surveys/<survey_id>/…"""

    survey: Survey

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        self.survey_id = kwargs.pop("survey_id")
        return super().dispatch(request, *args, **kwargs)

    def load_survey(self) -> Survey:
        self.survey = services.get_survey(self.member, self.survey_id)
        return self.survey


# == Questions ====================================================================================


class QuestionFormView(SurveyPage):
    """Add a question (no pk) or edit one; choosing a kind redraws the fields it uses (htmx)."""

    writes = True

    def get_instance(self, pk: int | None) -> Question | None:
        return services.get_question(self.member, self.survey, pk) if pk is not None else None

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        self.load_survey()
        instance = self.get_instance(pk)
        kind = request.GET.get("kind")
        initial: dict[str, Any] = {}
        if kind:
            # The kind changed: keep what was typed so far.
            initial = {
                name: request.GET.get(name)
                for name in (
                    "text",
                    "help_text",
                    "measure",
                    "low_label",
                    "high_label",
                    "choices_text",
                )
                if request.GET.get(name)
            }
            initial["required"] = request.GET.get("required") == "on"
            initial["per_partner"] = request.GET.get("per_partner") == "on"
        elif instance is None and request.GET.get("per_partner"):
            initial["per_partner"] = True
        form = QuestionForm(instance=instance, survey=self.survey, kind=kind, initial=initial)
        return self.render_form(request, form, instance)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        self.load_survey()
        instance = self.get_instance(pk)
        form = QuestionForm(request.POST, instance=instance, survey=self.survey)
        if form.is_valid():
            try:
                question = services.save_question(
                    self.member, self.survey, form.service_data(), instance
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Saved the question “{question}”.")
                return redirect(f"{self.survey.get_absolute_url()}#question-{question.pk}")
        return self.render_form(request, form, self.get_instance(pk), status=422)

    def render_form(
        self,
        request: HttpRequest,
        form: QuestionForm,
        instance: Question | None,
        status: int = 200,
    ) -> HttpResponse:
        return render(
            request,
            "surveys/question_form.html",
            {
                "form": form,
                "survey": self.survey,
                "question": instance,
                "answered": services.has_answers(self.survey),
            },
            status=status,
        )


class QuestionMoveView(SurveyPage):
    """Move a question up or down among its neighbours."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.load_survey()
        question = services.get_question(self.member, self.survey, pk)
        try:
            services.move_question(self.member, question, request.POST.get("direction", ""))
        except ValidationError as error:
            messages.error(request, _error_text(error))
        return redirect(f"{self.survey.get_absolute_url()}#question-{question.pk}")


class NestedTrashView(TrashView):
    """A trash confirmation for a record under a survey (and a wave)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        self.survey_id = kwargs.pop("survey_id")
        self.wave_id = kwargs.pop("wave_id", None)
        return super().dispatch(request, *args, **kwargs)

    def survey(self) -> Survey:
        return services.get_survey(self.member, self.survey_id)


class QuestionTrashView(NestedTrashView):
    """Move a question to the trash (the roster question takes its per-partner questions)."""

    def get_record(self, pk: int) -> Question:
        return services.get_question(self.member, self.survey(), pk)

    def consequence(self, record: Question) -> str:
        if record.kind == QuestionKind.ROSTER:
            return (
                "The questions asked of each partner go with it (restorable together). "
                "Answers given stay stored."
            )
        return "Answers given to it stay stored."

    def trash(self, record: Question) -> object:
        return services.trash_question(self.member, record)

    def success_url(self, record: Question) -> str:
        return str(record.survey.get_absolute_url())

    def cancel_url(self, record: Question) -> str:
        return f"{record.survey.get_absolute_url()}#question-{record.pk}"


# == Waves ========================================================================================


class WaveFormView(SurveyPage):
    """Create a wave (no pk) or edit one: name, days and roster."""

    writes = True

    def get_instance(self, pk: int | None) -> Wave | None:
        return fieldwork.get_wave(self.member, self.survey, pk) if pk is not None else None

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        self.load_survey()
        instance = self.get_instance(pk)
        initial: dict[str, Any] = {}
        if instance is None:
            today = workspace_today(self.workspace)
            initial = {"opens_on": today, "closes_on": today + dt.timedelta(days=21)}
        form = WaveForm(instance=instance, survey=self.survey, initial=initial)
        return self.render_form(request, form, instance)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        self.load_survey()
        instance = self.get_instance(pk)
        form = WaveForm(request.POST, instance=instance, survey=self.survey)
        if form.is_valid():
            try:
                wave = fieldwork.save_wave(self.member, self.survey, form.service_data(), instance)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Saved the wave “{wave.name}”.")
                return redirect(wave.get_absolute_url())
        return self.render_form(request, form, self.get_instance(pk), status=422)

    def render_form(
        self, request: HttpRequest, form: WaveForm, instance: Wave | None, status: int = 200
    ) -> HttpResponse:
        return render(
            request,
            "surveys/wave_form.html",
            {"form": form, "survey": self.survey, "wave": instance},
            status=status,
        )


class WavePage(SurveyPage):
    """A page under one wave."""

    wave: Wave

    def load_wave(self, pk: int) -> Wave:
        self.load_survey()
        self.wave = fieldwork.get_wave(self.member, self.survey, pk)
        return self.wave

    def rate_context(self) -> dict[str, Any]:
        return {
            "wave": self.wave,
            "survey": self.survey,
            "status": self.wave.status_on(workspace_today(self.workspace)),
            "rate": fieldwork.response_rate(self.wave),
            "formula": fieldwork.ResponseRate.FORMULA,
        }


class WaveDetailView(WavePage):
    """A wave: status and days, the live response rate, emails sent, respondents and links."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        wave = self.load_wave(pk)
        people = list(fieldwork.respondents(wave))
        roster = list(wave.roster.order_by("sort_name", "name"))
        context = self.rate_context()
        context.update(
            {
                "respondents": people,
                "roster": roster,
                "has_roster": self.survey.questions.filter(kind=QuestionKind.ROSTER).exists(),
                "sent": fieldwork.emails_sent(wave),
                "uninvited": fieldwork.uninvited(wave).count(),
                "due_reminders": fieldwork.due_reminders(wave).count(),
                "open_link": invitations.open_link(wave),
            }
        )
        return render(request, "surveys/wave.html", context)


class WaveRateView(WavePage):
    """The response rate alone, which the wave page polls while the wave is open."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        self.load_wave(pk)
        return render(request, "surveys/_rate.html", self.rate_context())


class WaveCloseView(WavePage):
    """Close a wave now, or reopen one closed by hand (`action` = "close" or "reopen")."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        wave = self.load_wave(pk)
        action = request.POST.get("action", "close")
        try:
            if action == "reopen":
                fieldwork.reopen_wave(self.member, wave)
                messages.success(request, f"“{wave.name}” is open again.")
            else:
                fieldwork.close_wave(self.member, wave)
                messages.success(request, f"“{wave.name}” is closed: no more answers are taken.")
        except ValidationError as error:
            messages.error(request, _error_text(error))
        return redirect(wave.get_absolute_url())


class WaveTrashView(NestedTrashView):
    """Move a wave and its respondents to the trash."""

    def get_record(self, pk: int) -> Wave:
        return fieldwork.get_wave(self.member, self.survey(), pk)

    def consequence(self, record: Wave) -> str:
        return "Its respondents go with it and their links stop working; answers stay stored."

    def trash(self, record: Wave) -> object:
        return fieldwork.trash_wave(self.member, record)

    def success_url(self, record: Wave) -> str:
        return str(record.survey.get_absolute_url())


class WaveEmailsView(WavePage):
    """Queue the wave's invitations or reminders (`kind`) by email."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        wave = self.load_wave(pk)
        kind = request.POST.get("kind", "")
        try:
            due = fieldwork.request_emails(self.member, wave, kind)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            what = "invitation" if kind == fieldwork.INVITATIONS else "reminder"
            messages.success(
                request,
                f"Sending {due} {what}{'s' if due != 1 else ''} in the background; "
                "this page shows when they went out.",
            )
        return redirect(f"{wave.get_absolute_url()}#emails")


class OpenLinkView(WavePage):
    """Create or revoke the wave's open link (`action` = "create" or "revoke")."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        wave = self.load_wave(pk)
        on = request.POST.get("action") != "revoke"
        try:
            fieldwork.set_open_link(self.member, wave, on)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(
                request,
                "A new open link is ready to post."
                if on
                else "The open link is revoked: it no longer takes answers.",
            )
        return redirect(f"{wave.get_absolute_url()}#open-link")


# == Respondents and links ========================================================================


class RespondentsAddView(WavePage):
    """Ask stakeholders with an email to answer; or (`?link=1`) hand out a link by hand."""

    writes = True

    def get(self, request: HttpRequest, wave_id: int) -> HttpResponse:
        self.load_wave(wave_id)
        return self.render_forms(request, AddRespondentsForm(member=self.member), self.link_form())

    def link_form(self, data: Any = None) -> LinkForm:
        return LinkForm(data, member=self.member, anonymous=self.survey.anonymous)

    def post(self, request: HttpRequest, wave_id: int) -> HttpResponse:
        wave = self.load_wave(wave_id)
        people = AddRespondentsForm(member=self.member)
        link = self.link_form()
        if "label" in request.POST:
            link = self.link_form(request.POST)
            if link.is_valid():
                try:
                    added = fieldwork.add_link(
                        self.member,
                        wave,
                        link.cleaned_data["label"],
                        link.cleaned_data.get("represents"),
                    )
                except ValidationError as error:
                    apply_validation_error(link, error)
                else:
                    messages.success(request, f"A link for “{added}” is ready to hand out.")
                    return redirect(reverse_links(wave))
        else:
            people = AddRespondentsForm(request.POST, member=self.member)
            if people.is_valid():
                try:
                    found = fieldwork.add_respondents(
                        self.member, wave, people.cleaned_data["stakeholders"]
                    )
                except ValidationError as error:
                    apply_validation_error(people, error)
                else:
                    n = len(found)
                    messages.success(
                        request,
                        f"Added {n} respondent{'s' if n != 1 else ''}. "
                        "Send the invitations when the wave is ready.",
                    )
                    return redirect(f"{wave.get_absolute_url()}#respondents")
        return self.render_forms(request, people, link, status=422)

    def render_forms(
        self, request: HttpRequest, people: BaseForm, link: BaseForm, status: int = 200
    ) -> HttpResponse:
        return render(
            request,
            "surveys/respondents_add.html",
            {"people_form": people, "link_form": link, "survey": self.survey, "wave": self.wave},
            status=status,
        )


def reverse_links(wave: Wave) -> str:
    return reverse("surveys:links", args=[wave.workspace.slug, wave.survey_id, wave.pk])


class RespondentPage(WavePage):
    """A page under one respondent."""

    def load_respondent(self, wave_id: int, pk: int) -> Respondent:
        wave = self.load_wave(wave_id)
        return fieldwork.get_respondent(self.member, wave, pk)


class RespondentEditView(RespondentPage):
    """Change whom a respondent answers for, their label or email."""

    writes = True

    def get(self, request: HttpRequest, wave_id: int, pk: int) -> HttpResponse:
        respondent = self.load_respondent(wave_id, pk)
        form = RespondentForm(instance=respondent, member=self.member)
        return self.render_form(request, form, respondent)

    def post(self, request: HttpRequest, wave_id: int, pk: int) -> HttpResponse:
        respondent = self.load_respondent(wave_id, pk)
        form = RespondentForm(request.POST, instance=respondent, member=self.member)
        if form.is_valid():
            try:
                fieldwork.update_respondent(self.member, respondent, form.service_data())
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Saved “{respondent}”.")
                return redirect(f"{self.wave.get_absolute_url()}#respondents")
        return self.render_form(
            request, form, fieldwork.get_respondent(self.member, self.wave, pk), status=422
        )

    def render_form(
        self, request: HttpRequest, form: RespondentForm, respondent: Respondent, status: int = 200
    ) -> HttpResponse:
        return render(
            request,
            "surveys/respondent_form.html",
            {"form": form, "respondent": respondent, "survey": self.survey, "wave": self.wave},
            status=status,
        )


class RespondentTrashView(NestedTrashView):
    """Remove a respondent: their link stops working."""

    def get_record(self, pk: int) -> Respondent:
        wave = fieldwork.get_wave(self.member, self.survey(), self.wave_id)
        return fieldwork.get_respondent(self.member, wave, pk)

    def consequence(self, record: Respondent) -> str:
        return "Their personal link stops working; answers they gave stay stored."

    def success_url(self, record: Respondent) -> str:
        return f"{record.wave.get_absolute_url()}#respondents"

    def cancel_url(self, record: Respondent) -> str:
        return self.success_url(record)

    def trash(self, record: Respondent) -> object:
        return fieldwork.trash_respondent(self.member, record)


class LinksView(WavePage):
    """Every respondent's personal link, to copy for partners reached another way; editors only,
    as a link answers as its respondent."""

    writes = True

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        wave = self.load_wave(pk)
        people = list(fieldwork.respondents(wave))
        prefetch_related_objects(people, "wave")
        rows = [{"respondent": r, "link": invitations.personal_link(r)} for r in people]
        return render(
            request,
            "surveys/links.html",
            {
                "survey": self.survey,
                "wave": wave,
                "rows": rows,
                "open_link": invitations.open_link(wave),
            },
        )


class LinksCsvView(WavePage):
    """The personal links as a CSV download (editors only, like the links page)."""

    writes = True

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        wave = self.load_wave(pk)
        response = HttpResponse(invitations.links_csv(wave), content_type="text/csv; charset=utf-8")
        name = f"survey-links-{wave.survey_id}-{wave.pk}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
