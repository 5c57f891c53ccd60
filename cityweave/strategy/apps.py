from django.apps import AppConfig


class StrategyConfig(AppConfig):
    """Planning a leader's relationships like a budget: time budgets, tiers and tie costs."""

    name = "cityweave.strategy"
