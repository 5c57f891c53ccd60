"""JSON API for surveys, questions, waves and respondents under /api/v1/workspaces/{slug}/surveys.

No `from __future__ import annotations` here: django-ninja reads the annotations at import time.
"""

from ninja import Router

router = Router()
