from django.apps import AppConfig


class ContactsConfig(AppConfig):
    """Contact and calendar files: readers for import, writers for export (no models)."""

    name = "cityweave.contacts"
