"""Budget pages under /w/<slug>/budget/."""

from django.urls import path

from cityweave.strategy import intro_views, views

budget_patterns = [
    path("", views.BudgetView.as_view(), name="mine"),
    path("tiers/", views.TierDefaultsView.as_view(), name="tiers"),
    path("ties/<int:tie_id>/tier/", views.TieTierView.as_view(), name="tie-tier"),
    path("members/<int:member_id>/", views.MemberBudgetView.as_view(), name="member"),
    path("introductions/", intro_views.IntroductionsView.as_view(), name="introductions"),
    path("next/", intro_views.NextBestView.as_view(), name="next"),
]
