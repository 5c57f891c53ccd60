"""Forms of the account pages: logging in, resetting a password."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm


class LoginForm(AuthenticationForm):
    """Log in with email and password."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Email"
        self.fields["username"].widget = forms.EmailInput(
            attrs={"autofocus": True, "autocomplete": "email"}
        )


class ResetForm(PasswordResetForm):
    """Django's password reset, also for an account made when an owner added its email to a
    workspace, which has no password until its person chooses one (Django's own form skips
    accounts without a usable password)."""

    def get_users(self, email: str) -> Iterator[Any]:
        return iter(get_user_model()._default_manager.filter(email__iexact=email, is_active=True))
