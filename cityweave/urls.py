"""URL map: pages per domain under /w/<slug>/, the JSON API under /api/v1/, the admin."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from cityweave.accounts.views import LogoutView
from cityweave.api import api
from cityweave.engagement.urls import commitment_patterns, interaction_patterns
from cityweave.goals.urls import goal_patterns
from cityweave.network.urls import network_patterns
from cityweave.reminders.urls import notification_patterns, unsubscribe_pattern
from cityweave.stakeholders.urls import stakeholder_patterns, tie_patterns
from cityweave.web import views as web_views
from cityweave.web.forms import LoginForm, ResetForm
from cityweave.workspaces.urls import settings_patterns

workspace_patterns: list[URLPattern | URLResolver] = [
    path("", web_views.DashboardView.as_view(), name="dashboard"),
    path("trash/", include((web_views.trash_patterns, "trash"))),
    path("settings/", include((settings_patterns, "settings"))),
    path("stakeholders/", include((stakeholder_patterns, "stakeholders"))),
    path("ties/", include((tie_patterns, "ties"))),
    path("interactions/", include((interaction_patterns, "interactions"))),
    path("commitments/", include((commitment_patterns, "commitments"))),
    path("goals/", include((goal_patterns, "goals"))),
    path("network/", include((network_patterns, "network"))),
    path("notifications/", include((notification_patterns, "notifications"))),
]

urlpatterns = [
    path("", web_views.home, name="home"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    # Django's own password views, with cityweave's templates (registration/…). Changing the
    # password ends every other session of the account; this one stays logged in.
    path(
        "account/password/",
        auth_views.PasswordChangeView.as_view(success_url="/account/password/done/"),
        name="password_change",
    ),
    path(
        "account/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password-reset/",
        auth_views.PasswordResetView.as_view(form_class=ResetForm),
        name="password_reset",
    ),
    path(
        "accounts/password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("account/", include((web_views.account_patterns, "account"))),
    path("w/<slug:slug>/", include(workspace_patterns)),
    unsubscribe_pattern,
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

handler400 = "cityweave.web.errors.bad_request"
handler403 = "cityweave.web.errors.permission_denied"
handler404 = "cityweave.web.errors.not_found"
handler500 = "cityweave.web.errors.server_error"
