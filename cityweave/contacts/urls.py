"""Contact import pages under /w/<slug>/import/."""

from django.urls import path

from cityweave.contacts import views

import_patterns = [
    path("", views.ImportListView.as_view(), name="list"),
    path("<int:pk>/", views.ImportDetailView.as_view(), name="detail"),
    path("<int:pk>/progress/", views.ImportProgressView.as_view(), name="progress"),
    path("<int:pk>/report.csv", views.ImportReportView.as_view(), name="report"),
]
