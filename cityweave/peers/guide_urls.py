"""Peer guide pages: the network's (under /networks/<network>/guides/, namespace "peers",
included from peers/urls.py) and the public ones (/guides/<network>/, namespace "guides",
outside the login: see the root urls.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from cityweave.peers import guide_views as views

G = "<slug:network>/guides/<int:pk>/"

guide_patterns: list[URLPattern] = [
    path("<slug:network>/guides/", views.GuideListView.as_view(), name="guides"),
    path("<slug:network>/guides/new/", views.GuideNewView.as_view(), name="guide-new"),
    path(
        "<slug:network>/guides/<int:pk>/restore/",
        views.GuideRestoreView.as_view(),
        name="guide-restore",
    ),
    path(G, views.GuideDetailView.as_view(), name="guide"),
    path(G + "edit/", views.GuideEditView.as_view(), name="guide-edit"),
    path(G + "delete/", views.GuideTrashView.as_view(), name="guide-delete"),
    path(G + "versions/", views.GuideVersionsView.as_view(), name="guide-versions"),
    path(G + "guide.pdf", views.GuidePdfView.as_view(), name="guide-pdf"),
    path(G + "submit/", views.GuideSubmitView.as_view(), name="guide-submit"),
    path(G + "draft/", views.GuideReturnView.as_view(), name="guide-return"),
    path(G + "approve/", views.GuideApproveView.as_view(), name="guide-approve"),
    path(G + "publish/", views.GuidePublishView.as_view(), name="guide-publish"),
    path(G + "sections/", views.SectionAddView.as_view(), name="guide-section-add"),
    path(
        G + "sections/<int:section_id>/",
        views.SectionEditView.as_view(),
        name="guide-section-edit",
    ),
    path(
        G + "sections/<int:section_id>/move/",
        views.SectionMoveView.as_view(),
        name="guide-section-move",
    ),
    path(
        G + "sections/<int:section_id>/delete/",
        views.SectionTrashView.as_view(),
        name="guide-section-delete",
    ),
    path(
        G + "sections/<int:section_id>/restore/",
        views.SectionRestoreView.as_view(),
        name="guide-section-restore",
    ),
]

public_guide_patterns: list[URLPattern] = [
    path("<slug:network>/", views.PublicGuideIndexView.as_view(), name="public-index"),
    path("<slug:network>/<slug:guide>/", views.PublicGuideView.as_view(), name="public-guide"),
    path(
        "<slug:network>/<slug:guide>/guide.pdf",
        views.PublicGuidePdfView.as_view(),
        name="public-pdf",
    ),
]
