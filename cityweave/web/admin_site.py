"""The Django admin for superusers and for workspace owners, who see only the workspaces they own."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def owned_workspace_ids(request: HttpRequest) -> frozenset[int]:
    """Ids of the workspaces the request's user owns, looked up once per request."""
    cached: frozenset[int] | None = getattr(request, "_owned_workspace_ids", None)
    if cached is None:
        # Imported here (like redirect_to_login below): INSTALLED_APPS loads this module
        # through CityweaveAdminConfig before any model can be imported.
        from cityweave.workspaces.models import Membership, Role

        user = request.user
        cached = (
            frozenset(
                Membership.objects.filter(user=user, role=Role.OWNER).values_list(
                    "workspace_id", flat=True
                )
            )
            if user.is_authenticated
            else frozenset()
        )
        request._owned_workspace_ids = cached  # type: ignore[attr-defined]
    return cached


def may_use_admin(request: HttpRequest) -> bool:
    """Superusers, and active users who own at least one workspace."""
    user = request.user
    return bool(user.is_active and (user.is_superuser or owned_workspace_ids(request)))


class OwnerAdminSite(admin.AdminSite):
    """The admin site, open to owners as well as superusers; models scope what owners see."""

    site_header = "cityweave admin"
    site_title = "cityweave admin"
    index_title = "Records of your workspaces"
    site_url = "/"

    def has_permission(self, request: HttpRequest) -> bool:
        return may_use_admin(request)

    def login(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:  # type: ignore[override]
        """Log in on cityweave's own page; someone logged in without access gets 403."""
        index = reverse("admin:index", current_app=self.name)
        next_url = request.GET.get(REDIRECT_FIELD_NAME, index)
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = index
        if not request.user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(next_url, settings.LOGIN_URL)
        if not self.has_permission(request):
            raise PermissionDenied("The admin is for the owners of a workspace.")
        return redirect(next_url)


class CityweaveAdminConfig(AdminConfig):
    """django.contrib.admin with OwnerAdminSite as `admin.site`."""

    default_site = "cityweave.web.admin_site.OwnerAdminSite"
