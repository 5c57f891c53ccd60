"""Login throttling, by django-axes: after LOGIN_FAILURE_LIMIT failed logins for one account, or
from one address, logging in there is refused until LOGIN_LOCKOUT_MINUTES have passed since the
last failure; a successful login clears the account's count.

Accounts are counted by email regardless of case. The address is the connecting one, or, behind
a reverse proxy (`CITYWEAVE_BEHIND_PROXY=true`), the one the proxy appended last to
X-Forwarded-For: without it every person would share the proxy's address and one careless
typist could lock the whole office out.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest


def login_username(request: HttpRequest | None, credentials: dict[str, Any]) -> str:
    """The email a login attempt is counted under: lower case, without surrounding spaces.
    (The login form names it `username`; Django's user model, and so django-axes, `email`.)"""
    return str(credentials.get("username") or credentials.get("email") or "").strip().lower()


def client_address(request: HttpRequest) -> str | None:
    """Where a login attempt comes from (see the module)."""
    if settings.CITYWEAVE_BEHIND_PROXY:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        ]
        if forwarded and forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


class ThrottledBackend(AxesStandaloneBackend):
    """django-axes' check before the password backend. A login without a request (a management
    command, a test's `client.login`) is not an attempt over the network and is not counted."""

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> Any:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)
