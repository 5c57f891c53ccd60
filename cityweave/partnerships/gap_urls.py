"""The pages of a partnership's assets, needs and risks, under /w/<slug>/partnerships/<pk>/
(included in the "partnerships" namespace by urls.py)."""

from django.urls import path

from cityweave.partnerships import gap_views

gap_patterns = [
    path("<int:pk>/assets/new/", gap_views.AssetFormView.as_view(), name="asset-new"),
    path(
        "<int:pk>/assets/<int:record_id>/edit/",
        gap_views.AssetFormView.as_view(),
        name="asset-edit",
    ),
    path(
        "<int:pk>/assets/<int:record_id>/delete/",
        gap_views.AssetTrashView.as_view(),
        name="asset-delete",
    ),
    path("<int:pk>/needs/new/", gap_views.NeedFormView.as_view(), name="need-new"),
    path(
        "<int:pk>/needs/<int:record_id>/edit/", gap_views.NeedFormView.as_view(), name="need-edit"
    ),
    path(
        "<int:pk>/needs/<int:record_id>/delete/",
        gap_views.NeedTrashView.as_view(),
        name="need-delete",
    ),
    path("<int:pk>/risks/new/", gap_views.RiskFormView.as_view(), name="risk-new"),
    path(
        "<int:pk>/risks/<int:record_id>/edit/", gap_views.RiskFormView.as_view(), name="risk-edit"
    ),
    path(
        "<int:pk>/risks/<int:record_id>/delete/",
        gap_views.RiskTrashView.as_view(),
        name="risk-delete",
    ),
]
