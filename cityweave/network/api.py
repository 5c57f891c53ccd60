"""JSON API for the workspace network (filled in by its helper)."""

from ninja import Router

router = Router()
