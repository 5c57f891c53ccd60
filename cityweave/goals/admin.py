"""Admin for goals and their progress entries, scoped to owned workspaces."""

from __future__ import annotations

from django.contrib import admin

from cityweave.goals.models import Goal, GoalProgress
from cityweave.workspaces.admin import WorkspaceScopedAdmin, WorkspaceScopedInline, workspace_filter


class GoalProgressInline(WorkspaceScopedInline):
    """Dated measurements, edited with their goal."""

    model = GoalProgress
    fields = ("recorded_on", "value", "note")


@admin.register(Goal)
class GoalAdmin(WorkspaceScopedAdmin):
    """SMART goals: statement, metric, baseline, target and deadline."""

    list_display = ("statement", "metric", "target", "deadline", "status", "owner", "workspace")
    list_filter = (workspace_filter(), "status")
    search_fields = ("statement", "metric")
    list_select_related = ("owner__user", "workspace")
    autocomplete_fields = ("stakeholders",)
    inlines = (GoalProgressInline,)
    date_hierarchy = "deadline"
