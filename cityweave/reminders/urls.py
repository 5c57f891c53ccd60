"""Notification pages under /w/<slug>/notifications/, and the digest's unsubscribe link."""

from django.urls import path

from cityweave.reminders import views

notification_patterns = [
    path("", views.NotificationListView.as_view(), name="list"),
    path("bell/", views.BellView.as_view(), name="bell"),
]

unsubscribe_pattern = path(
    "unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"
)
