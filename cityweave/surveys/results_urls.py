"""Survey results pages: scores, distributions, trends, wave over wave, the surveyed network."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

results_patterns: list[URLPattern | URLResolver] = []
