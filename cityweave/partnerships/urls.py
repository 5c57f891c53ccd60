"""Partnership pages under /w/<slug>/partnerships/ (namespace "partnerships")."""

from django.urls import path

from cityweave.partnerships import views

partnership_patterns = [
    path("", views.PartnershipListView.as_view(), name="list"),
    path("new/", views.PartnershipFormView.as_view(), name="new"),
    path("<int:pk>/", views.PartnershipDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.PartnershipFormView.as_view(), name="edit"),
    path("<int:pk>/delete/", views.PartnershipTrashView.as_view(), name="delete"),
]
