"""JSON API for the goals domain (filled in by its helper)."""

from ninja import Router

router = Router()
