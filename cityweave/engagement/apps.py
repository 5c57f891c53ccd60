from django.apps import AppConfig


class EngagementConfig(AppConfig):
    """Interactions, commitments and relationship health."""

    name = "cityweave.engagement"

    def ready(self) -> None:
        from cityweave.engagement import contacts

        contacts.connect()
