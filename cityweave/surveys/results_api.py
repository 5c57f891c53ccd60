"""JSON API for survey results under /api/v1/workspaces/{slug}/surveys/…: scores, answers,
wave-over-wave changes.

No `from __future__ import annotations` here: django-ninja reads the annotations at import time.
"""

from ninja import Router

router = Router()
