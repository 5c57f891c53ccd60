"""URL patterns for joint activities, channels and the meeting planner, included in the
partnerships namespace (urls.py) under /w/<slug>/partnerships/<pk>/…."""

from __future__ import annotations

from django.urls import path

from cityweave.partnerships import meeting_views as views

urlpatterns = [
    path("<int:pk>/activities/new/", views.ActivityFormView.as_view(), name="activity-new"),
    path(
        "<int:pk>/activities/<int:record>/edit/",
        views.ActivityFormView.as_view(),
        name="activity-edit",
    ),
    path(
        "<int:pk>/activities/<int:record>/delete/",
        views.ActivityTrashView.as_view(),
        name="activity-delete",
    ),
    path("<int:pk>/channels/new/", views.ChannelFormView.as_view(), name="channel-new"),
    path(
        "<int:pk>/channels/<int:record>/edit/", views.ChannelFormView.as_view(), name="channel-edit"
    ),
    path(
        "<int:pk>/channels/<int:record>/used/", views.ChannelUsedView.as_view(), name="channel-used"
    ),
    path(
        "<int:pk>/channels/<int:record>/delete/",
        views.ChannelTrashView.as_view(),
        name="channel-delete",
    ),
    path("<int:pk>/meetings/new/", views.PlanFormView.as_view(), name="plan-new"),
    path("<int:pk>/meetings/<int:record>/", views.PlannerView.as_view(), name="plan"),
    path("<int:pk>/meetings/<int:record>/edit/", views.PlanFormView.as_view(), name="plan-edit"),
    path(
        "<int:pk>/meetings/<int:record>/follow-ups/",
        views.FollowUpView.as_view(),
        name="plan-follow-up",
    ),
    path(
        "<int:pk>/meetings/<int:record>/delete/",
        views.PlanTrashView.as_view(),
        name="plan-delete",
    ),
]
