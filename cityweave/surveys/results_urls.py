"""Survey results pages: scores, distributions, trends, wave over wave, the surveyed network,
and the downloads, under /w/<slug>/surveys/<survey>/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from cityweave.surveys import results_views as views

WAVE = "<int:survey_id>/waves/<int:pk>/results/"


def _downloads(what: str) -> list[URLPattern]:
    return [
        path(
            f"{WAVE}{what}.{fmt}",
            views.WaveDownloadView.as_view(what=what, format=fmt),
            name=f"results-{what}-{fmt}",
        )
        for fmt in views.DOWNLOAD_FORMATS
    ]


results_patterns: list[URLPattern | URLResolver] = [
    path(WAVE, views.WaveResultsView.as_view(), name="results"),
    path(f"{WAVE}scores/", views.ScoresView.as_view(), name="results-scores"),
    path(f"{WAVE}questions/", views.QuestionsView.as_view(), name="results-questions"),
    path(f"{WAVE}open-answers/", views.OpenAnswersView.as_view(), name="results-open-answers"),
    path(f"{WAVE}changes/", views.ChangesView.as_view(), name="results-changes"),
    path("<int:survey_id>/trends/", views.TrendsView.as_view(), name="results-trends"),
    *(download for what in views.DOWNLOADS for download in _downloads(what)),
]
