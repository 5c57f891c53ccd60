"""Convenings' pages, included in the network's URLs (peers/urls.py), and a delegate's public
registration page by personal link (/c/<token>/, included at the site's root)."""

from __future__ import annotations

from django.urls import URLPattern, path

from cityweave.peers import convening_views as views

C = "<slug:network>/convenings/<int:pk>"
D = f"{C}/delegations/<int:delegation>"
S = f"{C}/sessions/<int:session>"

convening_patterns: list[URLPattern] = [
    path("<slug:network>/convenings/", views.ConveningListView.as_view(), name="convenings"),
    path(
        "<slug:network>/convenings/new/",
        views.ConveningFormView.as_view(),
        name="convening-new",
    ),
    path(
        "<slug:network>/convenings/trash/",
        views.ConveningTrashListView.as_view(),
        name="convening-trash",
    ),
    path(
        "<slug:network>/convenings/trash/<slug:kind>/<int:pk>/restore/",
        views.ConveningRestoreView.as_view(),
        name="convening-restore",
    ),
    path(f"{C}/", views.ConveningDetailView.as_view(), name="convening"),
    path(f"{C}/edit/", views.ConveningFormView.as_view(), name="convening-edit"),
    path(f"{C}/delete/", views.ConveningTrashView.as_view(), name="convening-delete"),
    path(f"{C}/invite/", views.InviteView.as_view(), name="convening-invite"),
    path(f"{C}/badges/", views.BadgesView.as_view(), name="convening-badges"),
    path(f"{C}/attendance/", views.AttendanceView.as_view(), name="convening-attendance"),
    path(f"{C}/agenda/", views.AgendaView.as_view(), name="convening-agenda"),
    path(f"{C}/agenda.ics", views.AgendaCalendarView.as_view(), name="convening-agenda-ics"),
    path(f"{D}/", views.DelegationView.as_view(), name="delegation"),
    path(f"{D}/delete/", views.DelegationTrashView.as_view(), name="delegation-delete"),
    path(f"{D}/delegates/", views.DelegateAddView.as_view(), name="delegate-add"),
    path(
        f"{D}/delegates/<int:delegate>/edit/",
        views.DelegateEditView.as_view(),
        name="delegate-edit",
    ),
    path(
        f"{D}/delegates/<int:delegate>/delete/",
        views.DelegateTrashView.as_view(),
        name="delegate-delete",
    ),
    path(f"{D}/follow-ups/", views.FollowUpAddView.as_view(), name="follow-up-add"),
    path(
        f"{D}/follow-ups/<int:follow_up>/edit/",
        views.FollowUpEditView.as_view(),
        name="follow-up-edit",
    ),
    path(
        f"{D}/follow-ups/<int:follow_up>/review/",
        views.FollowUpReviewView.as_view(),
        name="follow-up-review",
    ),
    path(
        f"{D}/follow-ups/<int:follow_up>/delete/",
        views.FollowUpTrashView.as_view(),
        name="follow-up-delete",
    ),
    path(f"{C}/sessions/new/", views.SessionFormView.as_view(), name="session-new"),
    path(f"{S}/", views.SessionDetailView.as_view(), name="session"),
    path(f"{S}/edit/", views.SessionFormView.as_view(), name="session-edit"),
    path(f"{S}/review/", views.SessionReviewView.as_view(), name="session-review"),
    path(f"{S}/schedule/", views.SessionScheduleView.as_view(), name="session-schedule"),
    path(f"{S}/delete/", views.SessionTrashView.as_view(), name="session-delete"),
]

#: A delegate's registration by personal link, outside any network's pages (no account).
registration_pattern = path(
    "c/<str:token>/", views.RegistrationView.as_view(), name="convening-registration"
)
