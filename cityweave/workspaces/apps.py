from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    """Workspaces, members, roles and the trash."""

    name = "cityweave.workspaces"
