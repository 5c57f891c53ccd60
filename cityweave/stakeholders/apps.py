from django.apps import AppConfig


class StakeholdersConfig(AppConfig):
    """Stakeholders, sectors, tags and ties."""

    name = "cityweave.stakeholders"
