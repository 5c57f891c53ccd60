from django.apps import AppConfig


class RemindersConfig(AppConfig):
    """Follow-ups where people look: in-app notifications and the email digest."""

    name = "cityweave.reminders"
