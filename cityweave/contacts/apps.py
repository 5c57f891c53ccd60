from django.apps import AppConfig


class ContactsConfig(AppConfig):
    """Contact and calendar files: readers and writers, and imports into a workspace."""

    name = "cityweave.contacts"
