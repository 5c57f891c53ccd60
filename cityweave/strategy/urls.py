"""Budget pages under /w/<slug>/budget/."""

from django.urls import path

from cityweave.strategy import views

budget_patterns = [
    path("", views.BudgetView.as_view(), name="mine"),
    path("tiers/", views.TierDefaultsView.as_view(), name="tiers"),
    path("ties/<int:tie_id>/tier/", views.TieTierView.as_view(), name="tie-tier"),
    path("members/<int:member_id>/", views.MemberBudgetView.as_view(), name="member"),
]
