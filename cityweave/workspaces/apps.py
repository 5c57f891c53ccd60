from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    """Workspaces, members, roles and the trash."""

    name = "cityweave.workspaces"

    def ready(self) -> None:
        from cityweave.workspaces import derived

        derived.connect()
