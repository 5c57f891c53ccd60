"""Network pages under /w/<slug>/network/ (filled in by its helper)."""

from django.urls import URLPattern

network_patterns: list[URLPattern] = []
