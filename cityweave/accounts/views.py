"""Account pages that are not Django's own: logging out from a link."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


class LogoutView(auth_views.LogoutView):
    """POST logs out (Django's view); GET, e.g. a bookmarked or typed /accounts/logout/, asks
    first with a page whose button sends that POST, since a GET must not change anything."""

    http_method_names = ["get", "post", "options"]

    def get(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect("login")
        return render(request, "registration/logout_confirm.html")
