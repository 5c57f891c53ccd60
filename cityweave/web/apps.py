from django.apps import AppConfig


class WebConfig(AppConfig):
    """The dashboard and other cross-domain pages."""

    name = "cityweave.web"
