"""Survey pages for the office, under /w/<slug>/surveys/: surveys, questions, waves, respondents,
and (results_urls.py) the results."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cityweave.surveys import views
from cityweave.surveys.results_urls import results_patterns

SURVEY = "<int:survey_id>/"
WAVE = f"{SURVEY}waves/<int:pk>/"
RESPONDENTS = f"{SURVEY}waves/<int:wave_id>/respondents/"

survey_patterns: list[URLPattern | URLResolver] = [
    path("", views.SurveyListView.as_view(), name="list"),
    path("new/", views.SurveyCreateView.as_view(), name="new"),
    path("<int:pk>/", views.SurveyDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.SurveyEditView.as_view(), name="edit"),
    path("<int:pk>/delete/", views.SurveyTrashView.as_view(), name="delete"),
    path(f"{SURVEY}questions/new/", views.QuestionFormView.as_view(), name="question-new"),
    path(
        f"{SURVEY}questions/<int:pk>/edit/", views.QuestionFormView.as_view(), name="question-edit"
    ),
    path(
        f"{SURVEY}questions/<int:pk>/move/", views.QuestionMoveView.as_view(), name="question-move"
    ),
    path(
        f"{SURVEY}questions/<int:pk>/delete/",
        views.QuestionTrashView.as_view(),
        name="question-delete",
    ),
    path(f"{SURVEY}waves/new/", views.WaveFormView.as_view(), name="wave-new"),
    path(WAVE, views.WaveDetailView.as_view(), name="wave"),
    path(f"{WAVE}edit/", views.WaveFormView.as_view(), name="wave-edit"),
    path(f"{WAVE}delete/", views.WaveTrashView.as_view(), name="wave-delete"),
    path(f"{WAVE}close/", views.WaveCloseView.as_view(), name="wave-close"),
    path(f"{WAVE}rate/", views.WaveRateView.as_view(), name="wave-rate"),
    path(f"{WAVE}emails/", views.WaveEmailsView.as_view(), name="wave-emails"),
    path(f"{WAVE}open-link/", views.OpenLinkView.as_view(), name="open-link"),
    path(f"{WAVE}links/", views.LinksView.as_view(), name="links"),
    path(f"{WAVE}links.csv", views.LinksCsvView.as_view(), name="links-csv"),
    path(f"{RESPONDENTS}add/", views.RespondentsAddView.as_view(), name="respondents-add"),
    path(
        f"{RESPONDENTS}<int:pk>/edit/", views.RespondentEditView.as_view(), name="respondent-edit"
    ),
    path(
        f"{RESPONDENTS}<int:pk>/delete/",
        views.RespondentTrashView.as_view(),
        name="respondent-delete",
    ),
    *results_patterns,
]
