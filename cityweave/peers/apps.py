from django.apps import AppConfig


class PeersConfig(AppConfig):
    """A network of cities: member cities with their profiles, challenges and strengths, the
    network's staff and each city's officials, and peer matching."""

    name = "cityweave.peers"
