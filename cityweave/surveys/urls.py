"""Survey pages for the office, under /w/<slug>/surveys/: surveys, questions, waves, respondents,
and (results_urls.py) the results."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

from cityweave.surveys.results_urls import results_patterns

survey_patterns: list[URLPattern | URLResolver] = [
    *results_patterns,
]
