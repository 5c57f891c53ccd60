"""Partnership pages under /w/<slug>/partnerships/ (namespace "partnerships")."""

from django.urls import path

from cityweave.partnerships import benchmark_views, brief_views, partner_views, views
from cityweave.partnerships.gap_urls import gap_patterns
from cityweave.partnerships.meeting_urls import urlpatterns as meeting_patterns

partnership_patterns = [
    path("", views.PartnershipListView.as_view(), name="list"),
    path("new/", views.PartnershipFormView.as_view(), name="new"),
    path("<int:pk>/", views.PartnershipDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.PartnershipFormView.as_view(), name="edit"),
    path("<int:pk>/delete/", views.PartnershipTrashView.as_view(), name="delete"),
    # The one-page brief, printable and as a PDF
    path("<int:pk>/brief/", brief_views.PartnershipBriefView.as_view(), name="brief"),
    path("<int:pk>/brief.pdf", brief_views.PartnershipBriefPdfView.as_view(), name="brief-pdf"),
    # Partners and roles
    path("<int:pk>/partners/", partner_views.PartnerAddView.as_view(), name="partner-add"),
    path(
        "<int:pk>/partners/<int:partner_id>/edit/",
        partner_views.PartnerEditView.as_view(),
        name="partner-edit",
    ),
    path(
        "<int:pk>/partners/<int:partner_id>/delete/",
        partner_views.PartnerTrashView.as_view(),
        name="partner-delete",
    ),
    # Benchmarks
    path(
        "<int:pk>/benchmarks/new/",
        benchmark_views.BenchmarkFormView.as_view(),
        name="benchmark-new",
    ),
    path(
        "<int:pk>/benchmarks/<int:benchmark_id>/edit/",
        benchmark_views.BenchmarkFormView.as_view(),
        name="benchmark-edit",
    ),
    path(
        "<int:pk>/benchmarks/<int:benchmark_id>/delete/",
        benchmark_views.BenchmarkTrashView.as_view(),
        name="benchmark-delete",
    ),
    path(
        "<int:pk>/benchmarks/<int:benchmark_id>/progress/",
        benchmark_views.BenchmarkProgressView.as_view(),
        name="benchmark-progress",
    ),
    path(
        "<int:pk>/benchmarks/<int:benchmark_id>/progress/<int:entry_id>/delete/",
        benchmark_views.BenchmarkProgressDeleteView.as_view(),
        name="benchmark-progress-delete",
    ),
    # Assets, needs and risks (gap_urls.py)
    *gap_patterns,
    # Activities, channels and the meeting planner (meeting_urls.py)
    *meeting_patterns,
]
