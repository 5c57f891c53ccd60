from django.apps import AppConfig


class NetworkConfig(AppConfig):
    """Network analysis of a workspace, its map and its exports."""

    name = "cityweave.network"

    def ready(self) -> None:
        from cityweave.network import tasks

        tasks.connect()
