"""Account pages: logging in and out, passwords (Django's views, cityweave's templates in
registration/), and /account/ (name, API tokens). URL names are unchanged: `login`, `logout`,
`password_change`, `password_reset…`, `account:…`."""

from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path

from cityweave.accounts import views
from cityweave.accounts.forms import LoginForm, ResetForm

account_patterns = [
    path("", views.AccountView.as_view(), name="index"),
    path("name/", views.ProfileView.as_view(), name="profile"),
    path("tokens/new/", views.TokenCreateView.as_view(), name="token_create"),
    path("tokens/<int:pk>/revoke/", views.TokenRevokeView.as_view(), name="token_revoke"),
]

auth_patterns: list[URLPattern | URLResolver] = [
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
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
    path("account/", include((account_patterns, "account"))),
]
