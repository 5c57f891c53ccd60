"""URL map: pages per domain under /w/<slug>/, account pages (accounts/urls.py), the JSON API
under /api/v1/, the admin."""

from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path

from cityweave.accounts.urls import auth_patterns
from cityweave.api import api
from cityweave.contacts.urls import import_patterns
from cityweave.engagement.urls import commitment_patterns, interaction_patterns
from cityweave.goals.urls import goal_patterns
from cityweave.network.urls import network_patterns
from cityweave.partnerships.urls import partnership_patterns
from cityweave.peers.convening_urls import registration_pattern
from cityweave.peers.guide_urls import public_guide_patterns
from cityweave.peers.urls import peer_patterns
from cityweave.reminders import views as reminder_views
from cityweave.reminders.urls import (
    calendar_feed_pattern,
    notification_patterns,
    unsubscribe_pattern,
)
from cityweave.stakeholders.urls import stakeholder_patterns, tie_patterns
from cityweave.strategy.urls import budget_patterns
from cityweave.surveys.public_urls import public_patterns
from cityweave.surveys.urls import survey_patterns
from cityweave.web import views as web_views
from cityweave.workspaces.urls import settings_patterns, trash_patterns

workspace_patterns: list[URLPattern | URLResolver] = [
    path("", web_views.DashboardView.as_view(), name="dashboard"),
    path("trash/", include((trash_patterns, "trash"))),
    path("settings/", include((settings_patterns, "settings"))),
    path("stakeholders/", include((stakeholder_patterns, "stakeholders"))),
    path("ties/", include((tie_patterns, "ties"))),
    path("interactions/", include((interaction_patterns, "interactions"))),
    # An interaction as a calendar invitation: the reminders app writes iCalendar.
    path(
        "interactions/<int:pk>/invitation.ics",
        reminder_views.InvitationView.as_view(),
        name="interaction-invitation",
    ),
    path("commitments/", include((commitment_patterns, "commitments"))),
    path("goals/", include((goal_patterns, "goals"))),
    path("partnerships/", include((partnership_patterns, "partnerships"))),
    path("network/", include((network_patterns, "network"))),
    path("notifications/", include((notification_patterns, "notifications"))),
    path("import/", include((import_patterns, "imports"))),
    path("surveys/", include((survey_patterns, "surveys"))),
    path("budget/", include((budget_patterns, "budget"))),
]

urlpatterns = [
    path("", web_views.home, name="home"),
    *auth_patterns,
    path("w/<slug:slug>/", include(workspace_patterns)),
    # Networks of cities: outside any workspace (a city's workspace stays private to it).
    path("networks/", include((peer_patterns, "peers"))),
    # A delegate's registration for a convening, by personal link (no account).
    registration_pattern,
    unsubscribe_pattern,
    calendar_feed_pattern,
    # A survey answered through a personal or open link, without an account.
    path("s/", include((public_patterns, "answer"))),
    # A network's published peer guides, for anyone (no login).
    path("guides/", include((public_guide_patterns, "guides"))),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "cityweave.web.errors.bad_request"
handler403 = "cityweave.web.errors.permission_denied"
handler404 = "cityweave.web.errors.not_found"
handler500 = "cityweave.web.errors.server_error"
