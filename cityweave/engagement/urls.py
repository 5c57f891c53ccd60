"""PLACEHOLDER: the engagement helper replaces this."""
from django.urls import path
from cityweave.web.views import DashboardView
interaction_patterns = [path("", DashboardView.as_view(), name="list"), path("capture/<int:pk>/", DashboardView.as_view(), name="capture"), path("<int:pk>/", DashboardView.as_view(), name="detail")]
commitment_patterns = [path("", DashboardView.as_view(), name="list"), path("<int:pk>/", DashboardView.as_view(), name="detail")]
