"""Admin for interactions and commitments, scoped to owned workspaces; others' private notes stay hidden."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from cityweave.engagement.models import Commitment, Interaction
from cityweave.workspaces.admin import WorkspaceScopedAdmin, workspace_filter


@admin.register(Interaction)
class InteractionAdmin(WorkspaceScopedAdmin):
    """Dated contacts with stakeholders."""

    list_display = ("summary", "kind", "occurred_at", "private", "author", "workspace")
    list_filter = (workspace_filter(), "kind", "private")
    search_fields = ("summary", "notes", "participants__name")
    list_select_related = ("author__user", "workspace")
    autocomplete_fields = ("participants", "goal")
    filter_horizontal = ("members_present",)
    date_hierarchy = "occurred_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Interaction]:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        # A private interaction is its author's alone, in the admin as on every page.
        return queryset.filter(Q(private=False) | Q(author__user=request.user))


@admin.register(Commitment)
class CommitmentAdmin(WorkspaceScopedAdmin):
    """Promises owed by us or by them."""

    list_display = (
        "description",
        "stakeholder",
        "owed_by",
        "due_on",
        "status",
        "owner",
        "workspace",
    )
    list_filter = (workspace_filter(), "status", "owed_by")
    search_fields = ("description", "stakeholder__name")
    list_select_related = ("stakeholder", "owner__user", "workspace")
    autocomplete_fields = ("stakeholder", "interaction")
    date_hierarchy = "due_on"
