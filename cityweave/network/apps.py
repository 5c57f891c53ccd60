from django.apps import AppConfig


class NetworkConfig(AppConfig):
    """Network analysis of a workspace, its map and its exports."""

    name = "cityweave.network"
