"""PLACEHOLDER: the goals helper replaces this."""
from django.urls import path
from cityweave.web.views import DashboardView
goal_patterns = [path("", DashboardView.as_view(), name="list"), path("<int:pk>/", DashboardView.as_view(), name="detail")]
