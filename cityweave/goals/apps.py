from django.apps import AppConfig


class GoalsConfig(AppConfig):
    """Goals and their progress entries."""

    name = "cityweave.goals"
