"""The respondents' public pages, reached by a personal or open link (no account): /s/…"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cityweave.surveys import public_views as views

public_patterns: list[URLPattern | URLResolver] = [
    path("open/<str:token>/", views.OpenLinkView.as_view(), name="answer-open"),
    path("r/<str:secret>/", views.ResumeLinkView.as_view(), name="answer-resume"),
    path("thanks/<str:signed>/", views.thank_you, name="answer-thanks"),
    path("<str:token>/", views.PersonalLinkView.as_view(), name="answer-personal"),
]
