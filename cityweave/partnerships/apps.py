from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    """Cross-sector partnerships: problem, benchmarks, partners with roles, assets and needs,
    risks, joint activities, channels and meeting plans."""

    name = "cityweave.partnerships"
