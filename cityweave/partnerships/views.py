"""Partnership pages: the list with each partnership's health, the partnership page (its
sections come from the registry in sections.py), the partnership form and trash."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from cityweave.engagement.services import workspace_today
from cityweave.partnerships import services
from cityweave.partnerships.forms import PartnershipForm
from cityweave.partnerships.health import HEALTH_RULE, partnership_health
from cityweave.partnerships.models import Partnership
from cityweave.partnerships.sections import build_sections
from cityweave.web.mixins import TrashView, WorkspaceView, apply_validation_error
from cityweave.workspaces.models import Membership


class PartnershipListView(WorkspaceView):
    """Every live partnership with its status, officer and health, filterable by status; a
    fixed number of queries whatever the number of partnerships (health.py)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        status = request.GET.get("status", "")
        if status not in Partnership.Status.values:
            status = ""
        queryset = services.partnerships(self.member).select_related("officer__user")
        if status:
            queryset = queryset.filter(status=status)
        rows = list(queryset)
        health = partnership_health(
            self.member, rows, workspace_today(self.workspace), timezone.now()
        )
        context = {
            "rows": [{"partnership": p, "health": health[p.pk]} for p in rows],
            "health_rule": HEALTH_RULE,
            "status": status,
            "statuses": Partnership.Status.choices,
            # An empty filtered list says so; an empty workspace explains what a partnership is.
            "none_at_all": not rows
            and not (status and services.partnerships(self.member).exists()),
        }
        return render(request, "partnerships/list.html", context)


class PartnershipDetailView(WorkspaceView):
    """One partnership: its header (problem, communities, goals) and its sections."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        partnership = services.get_partnership(self.member, pk)
        return render_detail(request, self.member, partnership)


def render_detail(
    request: HttpRequest,
    member: Membership,
    partnership: Partnership,
    status: int = 200,
    given: dict[str, dict[str, Any]] | None = None,
) -> HttpResponse:
    """The partnership's page; `given` maps a section's key to its context already built (a
    form with its errors, after a post without JavaScript)."""
    context = {
        "partnership": partnership,
        "consulted": list(partnership.consulted.order_by("sort_name", "pk")),
        "goals": list(partnership.goals.order_by("deadline", "pk")),
        "sections": build_sections(member, partnership, given),
    }
    return render(request, "partnerships/detail.html", context, status=status)


class PartnershipFormView(WorkspaceView):
    """Create a partnership (no pk) or edit one."""

    writes = True

    def get_instance(self, pk: int | None) -> Partnership | None:
        return services.get_partnership(self.member, pk) if pk is not None else None

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        instance = self.get_instance(pk)
        form = PartnershipForm(instance=instance, member=self.member)
        return self.render_form(request, form, instance)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        instance = self.get_instance(pk)
        form = PartnershipForm(request.POST, instance=instance, member=self.member)
        if form.is_valid():
            try:
                partnership = services.save_partnership(
                    self.member, form.service_data(), self.get_instance(pk)
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Saved “{partnership}”.")
                return redirect(partnership.get_absolute_url())
        return self.render_form(request, form, self.get_instance(pk), status=422)

    def render_form(
        self,
        request: HttpRequest,
        form: PartnershipForm,
        instance: Partnership | None,
        status: int = 200,
    ) -> HttpResponse:
        context = {"form": form, "partnership": instance}
        return render(request, "partnerships/form.html", context, status=status)


class PartnershipTrashView(TrashView):
    """Move a partnership, with all its parts, to the trash."""

    def get_record(self, pk: int) -> Partnership:
        return services.get_partnership(self.member, pk)

    def consequence(self, record: Partnership) -> str:
        return (
            "Its partners, benchmarks, assets, needs, risks, activities, channels and meeting "
            "plans go with it, and come back with it if it is restored. The stakeholders, "
            "goals and interactions it links to stay."
        )

    def trash(self, record: Partnership) -> object:
        return services.trash_partnership(self.member, record)
