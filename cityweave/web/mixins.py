"""Shared view machinery: resolve the workspace from the URL, check the member's role."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from cityweave.workspaces.models import Membership, Workspace, WorkspaceRecord
from cityweave.workspaces.services import membership_for, move_to_trash

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class WorkspaceView(LoginRequiredMixin, View):
    """A page inside a workspace: /w/<slug>/…; 404 for non-members, 403 for viewers writing."""

    #: True when the page changes data (its GET shows a form that only editors may use).
    writes = False
    #: True when the page writes only the member's own things (notifications read, the email
    #: digest's rhythm), which any member, viewers included, may change.
    personal = False
    member: Membership
    workspace: Workspace

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.member = membership_for(request.user, kwargs.pop("slug"))  # type: ignore[arg-type]
        self.workspace = self.member.workspace
        request.member = self.member  # type: ignore[attr-defined]
        if (
            (self.writes or request.method not in SAFE_METHODS)
            and not self.member.can_edit
            and not self.personal
        ):
            raise PermissionDenied("Viewers can read this workspace but not change it.")
        # Forms read, and pages show, times in the workspace's own time zone.
        with timezone.override(zoneinfo.ZoneInfo(self.workspace.timezone)):
            return super().dispatch(request, *args, **kwargs)


class LookupView(WorkspaceView):
    """The JSON behind a search-as-you-type picker: GET ?q=… answers {"results": [...]}, a few at most.

    Members of any role may read it; others get 404, and a logged-out caller 403 (not a login page).
    """

    raise_exception = True
    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> JsonResponse:
        query = request.GET.get("q", "")[:100]
        return JsonResponse({"results": self.results(query)})

    def results(self, query: str) -> list[dict[str, Any]]:
        raise NotImplementedError


def apply_validation_error(form: BaseForm, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, on the named fields where it names them."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class TrashView(WorkspaceView):
    """Confirm, then move one record (and what goes with it) to the trash."""

    template_name = "partials/confirm_delete.html"
    writes = True

    def get_record(self, pk: int) -> WorkspaceRecord:
        raise NotImplementedError

    def trash(self, record: Any) -> Any:
        """Move `record` to the trash; domains with dependants call their own service here."""
        return move_to_trash(self.member, record)

    def consequence(self, record: Any) -> str:
        return ""

    def success_url(self, record: Any) -> str:
        """Where to go afterwards: the list page of the record's domain."""
        return reverse(f"{self.request.resolver_match.namespace}:list", args=[self.workspace.slug])  # type: ignore[union-attr]

    def cancel_url(self, record: Any) -> str:
        return str(record.get_absolute_url())

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = self.get_record(pk)
        return render(
            request,
            self.template_name,
            {
                "object": record,
                "cancel_url": self.cancel_url(record),
                "consequence": self.consequence(record),
            },
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        record = self.get_record(pk)
        try:
            self.trash(record)
        except ValidationError as error:  # a domain rule keeps it (e.g. a respondent who answered)
            messages.error(request, " ".join(error.messages))
            return redirect(self.cancel_url(record))
        messages.success(request, f"“{record}” moved to the trash.")
        return redirect(self.success_url(record))
