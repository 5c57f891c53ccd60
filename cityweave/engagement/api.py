"""JSON API for the engagement domain (filled in by its helper)."""

from ninja import Router

router = Router()
