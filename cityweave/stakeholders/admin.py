"""Admin for stakeholders, ties, and a workspace's own sectors and tags, scoped to owned workspaces."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from cityweave.stakeholders.models import Sector, Stakeholder, Tag, Tie
from cityweave.workspaces.admin import WorkspaceScopedAdmin, workspace_filter


@admin.register(Stakeholder)
class StakeholderAdmin(WorkspaceScopedAdmin):
    """People and organisations in the network."""

    list_display = ("name", "kind", "sector", "level", "is_internal", "workspace", "updated_at")
    list_filter = (workspace_filter(), "kind", "level", "is_internal", "stance")
    search_fields = ("name", "title", "email", "area")
    list_select_related = ("workspace",)
    autocomplete_fields = ("organisations",)
    filter_horizontal = ("tags",)


@admin.register(Tie)
class TieAdmin(WorkspaceScopedAdmin):
    """Relationships between two stakeholders."""

    list_display = (
        "__str__", "kind", "status", "cadence_days", "max_cadence_days", "trust", "owner",
        "workspace",
    )  # fmt: skip
    list_filter = (workspace_filter(), "kind", "status", "directed")
    search_fields = ("source__name", "target__name", "notes")
    list_select_related = ("source", "target", "owner__user", "workspace")
    autocomplete_fields = ("source", "target")


@admin.register(Sector)
class SectorAdmin(WorkspaceScopedAdmin):
    """Sectors a workspace adds to the built-in list."""

    list_display = ("label", "key", "workspace")
    list_filter = (workspace_filter(),)
    search_fields = ("label", "key")
    list_select_related = ("workspace",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Stakeholders refer to a sector by its key; renaming the key would orphan them.
        fields = list(super().get_readonly_fields(request, obj))
        return [*fields, "key"] if obj is not None else fields

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        if obj is None or request.user.is_superuser:
            return True
        return not Stakeholder.all_objects.filter(
            workspace_id=obj.workspace_id, sector=obj.key
        ).exists()


@admin.register(Tag)
class TagAdmin(WorkspaceScopedAdmin):
    """Free labels for stakeholders."""

    list_display = ("name", "stakeholder_count", "workspace")
    list_filter = (workspace_filter(),)
    search_fields = ("name",)
    list_select_related = ("workspace",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Tag]:
        return super().get_queryset(request).annotate(n_stakeholders=Count("stakeholders"))

    @admin.display(description="stakeholders", ordering="n_stakeholders")
    def stakeholder_count(self, tag: Tag) -> int:
        return tag.n_stakeholders  # type: ignore[attr-defined]
