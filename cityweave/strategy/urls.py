"""Budget pages under /w/<slug>/budget/."""

from django.urls import path

from cityweave.strategy import intro_views, plan_views, views

budget_patterns = [
    path("", views.BudgetView.as_view(), name="mine"),
    path("tiers/", views.TierDefaultsView.as_view(), name="tiers"),
    path("ties/<int:tie_id>/tier/", views.TieTierView.as_view(), name="tie-tier"),
    path("members/<int:member_id>/", views.MemberBudgetView.as_view(), name="member"),
    path("plan/", plan_views.PlanView.as_view(), name="my-plan"),
    path("plan/<int:plan_id>/accept/", plan_views.PlanAcceptView.as_view(), name="plan-accept"),
    path(
        "plan/<int:plan_id>/revert/<int:tie_id>/",
        plan_views.PlanRevertView.as_view(),
        name="plan-revert",
    ),
    path("members/<int:member_id>/plan/", plan_views.MemberPlanView.as_view(), name="member-plan"),
    path("introductions/", intro_views.IntroductionsView.as_view(), name="introductions"),
    path("next/", intro_views.NextBestView.as_view(), name="next"),
]
