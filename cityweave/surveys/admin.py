"""Admin for surveys, their questions, waves and respondents, scoped to owned workspaces; the
answers (responses, answers, survey ties) can be looked at, never changed here."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from cityweave.surveys.models import Answer, Question, Respondent, Response, Survey, SurveyTie, Wave
from cityweave.workspaces.admin import WorkspaceScopedAdmin, WorkspaceScopedInline, workspace_filter


class QuestionInline(WorkspaceScopedInline):
    """A survey's questions, in order."""

    model = Question
    fields = ("position", "kind", "text", "measure", "per_partner", "required")


@admin.register(Survey)
class SurveyAdmin(WorkspaceScopedAdmin):
    """Survey instruments: their questions are edited with them."""

    list_display = ("title", "kind", "anonymous", "min_raters", "workspace")
    list_filter = (workspace_filter(), "kind", "anonymous")
    search_fields = ("title", "about")
    list_select_related = ("workspace",)
    inlines = (QuestionInline,)


@admin.register(Question)
class QuestionAdmin(WorkspaceScopedAdmin):
    """One question of a survey."""

    list_display = ("text", "survey", "position", "kind", "measure", "per_partner", "workspace")
    list_filter = (workspace_filter(), "kind", "per_partner")
    search_fields = ("text", "survey__title")
    list_select_related = ("survey", "workspace")


@admin.register(Wave)
class WaveAdmin(WorkspaceScopedAdmin):
    """A round of a survey, with its days and roster."""

    list_display = ("name", "survey", "opens_on", "closes_on", "closed_at", "workspace")
    list_filter = (workspace_filter(),)
    search_fields = ("name", "survey__title")
    list_select_related = ("survey", "workspace")
    autocomplete_fields = ("roster",)
    readonly_fields = ("open_link_token", "invitations_sent_at", "reminders_sent_at")
    date_hierarchy = "opens_on"


@admin.register(Respondent)
class RespondentAdmin(WorkspaceScopedAdmin):
    """Someone asked to answer a wave; their token is never shown here."""

    list_display = ("__str__", "wave", "represents", "invited_at", "responded", "workspace")
    list_filter = (workspace_filter(), "responded")
    search_fields = ("label", "email", "stakeholder__name")
    list_select_related = ("wave__survey", "stakeholder", "represents", "workspace")
    exclude = ("token",)
    raw_id_fields = ("wave", "stakeholder", "represents")
    readonly_fields = ("invited_at", "reminded_at", "responded")


class ReadOnlyAdmin(WorkspaceScopedAdmin):
    """Answers are the respondents' words: looked at here, never written."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdmin):
    """One respondent's answers to a wave (an anonymous one names nobody)."""

    list_display = ("pk", "wave", "represents", "saved_on", "submitted_on", "workspace")
    list_filter = (workspace_filter(), "submitted_on")
    list_select_related = ("wave__survey", "represents", "workspace")
    exclude = ("resume_hash",)


@admin.register(Answer)
class AnswerAdmin(ReadOnlyAdmin):
    """One answer to one question."""

    workspace_lookup = "response__workspace"
    list_display = ("pk", "question", "value", "response")
    list_select_related = ("question", "response")


@admin.register(SurveyTie)
class SurveyTieAdmin(ReadOnlyAdmin):
    """A roster answer: who reports working with whom, and their ratings."""

    list_display = ("source", "target", "wave", "collaboration", "frequency", "workspace")
    list_filter = (workspace_filter(), "collaboration")
    list_select_related = ("source", "target", "wave__survey", "workspace")
