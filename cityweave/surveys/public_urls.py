"""The respondents' public pages, reached by a personal or open link (no account): /s/…"""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

public_patterns: list[URLPattern | URLResolver] = []
