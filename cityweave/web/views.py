"""Cross-domain pages: home (workspace chooser), dashboard, trash, account."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from cityweave.web.mixins import WorkspaceView


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Go to the user's only workspace, or let them choose one."""
    memberships = list(request.user.memberships.select_related("workspace"))  # type: ignore[union-attr]
    if len(memberships) == 1:
        return redirect("dashboard", memberships[0].workspace.slug)
    return render(request, "web/home.html", {"memberships": memberships})


class DashboardView(WorkspaceView):
    """PLACEHOLDER (the dashboard helper replaces this)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return HttpResponse("dashboard")


trash_patterns = [path("", DashboardView.as_view(), name="list")]
account_patterns = [path("", home, name="index")]
