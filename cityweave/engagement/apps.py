from django.apps import AppConfig


class EngagementConfig(AppConfig):
    """Interactions, commitments and relationship health."""

    name = "cityweave.engagement"
