from django.apps import AppConfig


class SurveysConfig(AppConfig):
    """Partner network and community feedback surveys, their waves, responses and scores."""

    name = "cityweave.surveys"
