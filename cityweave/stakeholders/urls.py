"""Stakeholder pages under /w/<slug>/stakeholders/ and tie pages under /w/<slug>/ties/."""

from django.urls import path

from cityweave.stakeholders import exports, views

stakeholder_patterns = [
    path("", views.StakeholderListView.as_view(), name="list"),
    path("export.csv", exports.StakeholderExportView.as_view(format="csv"), name="export"),
    path("export.xlsx", exports.StakeholderExportView.as_view(format="xlsx"), name="export-xlsx"),
    path("export.vcf", exports.StakeholderVCardView.as_view(), name="export-vcf"),
    path("new/", views.StakeholderFormView.as_view(), name="new"),
    path("lookup/", views.StakeholderLookupView.as_view(), name="lookup"),
    path("<int:pk>/", views.StakeholderDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.StakeholderFormView.as_view(), name="edit"),
    path("<int:pk>/delete/", views.StakeholderTrashView.as_view(), name="delete"),
    path("<int:pk>/merge/", views.StakeholderMergeView.as_view(), name="merge"),
]

tie_patterns = [
    path("", views.TieListView.as_view(), name="list"),
    path("export.csv", exports.TieExportView.as_view(format="csv"), name="export"),
    path("export.xlsx", exports.TieExportView.as_view(format="xlsx"), name="export-xlsx"),
    path("new/", views.TieFormView.as_view(), name="new"),
    path("<int:pk>/", views.TieDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.TieFormView.as_view(), name="edit"),
    path("<int:pk>/delete/", views.TieTrashView.as_view(), name="delete"),
]
