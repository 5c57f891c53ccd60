"""Notification pages under /w/<slug>/notifications/, the digest's unsubscribe link and the
member's calendar feed."""

from django.urls import path

from cityweave.reminders import views

notification_patterns = [
    path("", views.NotificationListView.as_view(), name="list"),
    path("bell/", views.BellView.as_view(), name="bell"),
]

calendar_feed_pattern = path(
    "calendar/<str:token>.ics", views.CalendarFeedView.as_view(), name="calendar-feed"
)

unsubscribe_pattern = path(
    "unsubscribe/<str:token>/", views.UnsubscribeView.as_view(), name="unsubscribe"
)
