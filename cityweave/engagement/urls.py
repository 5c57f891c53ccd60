"""Interaction pages under /w/<slug>/interactions/ and commitment pages under /w/<slug>/commitments/."""

from django.urls import path

from cityweave.engagement import exports, views

interaction_patterns = [
    path("", views.InteractionListView.as_view(), name="list"),
    path("export.csv", exports.InteractionExportView.as_view(format="csv"), name="export"),
    path("export.xlsx", exports.InteractionExportView.as_view(format="xlsx"), name="export-xlsx"),
    path("new/", views.InteractionFormView.as_view(), name="new"),
    path("capture/<int:pk>/", views.QuickCaptureView.as_view(), name="capture"),
    path("<int:pk>/", views.InteractionDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.InteractionFormView.as_view(), name="edit"),
    path("<int:pk>/delete/", views.InteractionTrashView.as_view(), name="delete"),
]

commitment_patterns = [
    path("", views.CommitmentListView.as_view(), name="list"),
    path("export.csv", exports.CommitmentExportView.as_view(format="csv"), name="export"),
    path("export.xlsx", exports.CommitmentExportView.as_view(format="xlsx"), name="export-xlsx"),
    path("new/", views.CommitmentFormView.as_view(), name="new"),
    path("<int:pk>/", views.CommitmentDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.CommitmentFormView.as_view(), name="edit"),
    path("<int:pk>/close/", views.CommitmentCloseView.as_view(), name="close"),
    path("<int:pk>/delete/", views.CommitmentTrashView.as_view(), name="delete"),
]
