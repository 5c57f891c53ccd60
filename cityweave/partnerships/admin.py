"""Admin for partnerships and their parts (partners, benchmarks and progress, assets, needs,
risks, activities, channels, meeting plans and their agendas), scoped to owned workspaces."""

from __future__ import annotations

from django.contrib import admin

from cityweave.partnerships.models import (
    Activity,
    AgendaItem,
    Asset,
    Benchmark,
    BenchmarkProgress,
    Channel,
    MeetingPlan,
    Need,
    Partner,
    Partnership,
    Risk,
)
from cityweave.workspaces.admin import WorkspaceScopedAdmin, WorkspaceScopedInline, workspace_filter


class PartnerInline(WorkspaceScopedInline):
    """The partnership's partners with their roles, edited with it."""

    model = Partner
    fields = ("stakeholder", "roles", "responsibility", "joined_on")
    autocomplete_fields = ("stakeholder",)


class BenchmarkProgressInline(WorkspaceScopedInline):
    """Dated measurements, edited with their benchmark."""

    model = BenchmarkProgress
    fields = ("recorded_on", "value", "note")


class AgendaItemInline(WorkspaceScopedInline):
    """A meeting plan's agenda items with the roles and value types they need."""

    model = AgendaItem
    fields = ("position", "text", "roles", "value_types")


@admin.register(Partnership)
class PartnershipAdmin(WorkspaceScopedAdmin):
    """Cross-sector partnerships: the problem, whom it serves, status, officer and goals."""

    list_display = ("name", "status", "officer", "started_on", "review_on", "workspace")
    list_filter = (workspace_filter(), "status")
    search_fields = ("name", "problem", "area")
    list_select_related = ("officer__user", "workspace")
    autocomplete_fields = ("consulted", "goals")
    inlines = (PartnerInline,)


@admin.register(Partner)
class PartnerAdmin(WorkspaceScopedAdmin):
    """A stakeholder in a partnership with its roles and one-line responsibility."""

    list_filter = (workspace_filter(),)
    list_display = ("stakeholder", "partnership", "roles", "responsibility", "workspace")
    search_fields = ("stakeholder__name", "partnership__name", "responsibility")
    list_select_related = ("stakeholder", "partnership", "workspace")
    autocomplete_fields = ("stakeholder",)


@admin.register(Benchmark)
class BenchmarkAdmin(WorkspaceScopedAdmin):
    """SMART milestones of partnerships; their status is computed on the partnership's page."""

    list_filter = (workspace_filter(),)
    list_select_related = ("partnership", "workspace")
    list_display = ("statement", "partnership", "baseline", "target", "due_on", "workspace")
    search_fields = ("statement", "metric", "partnership__name")
    inlines = (BenchmarkProgressInline,)
    date_hierarchy = "due_on"


@admin.register(Asset)
class AssetAdmin(WorkspaceScopedAdmin):
    """What the city or a partner puts on the table, with its estimated value."""

    list_display = ("description", "partnership", "kind", "value_type", "holder", "amount", "amount_unit", "workspace")  # fmt: skip
    list_filter = (workspace_filter(), "kind", "value_type")
    search_fields = ("description", "partnership__name", "holder__name")
    list_select_related = ("partnership", "holder", "workspace")
    autocomplete_fields = ("holder",)


@admin.register(Need)
class NeedAdmin(WorkspaceScopedAdmin):
    """What a partnership needs, by value type."""

    list_select_related = ("partnership", "workspace")
    list_display = ("description", "partnership", "value_type", "amount", "amount_unit", "workspace")  # fmt: skip
    list_filter = (workspace_filter(), "value_type")
    search_fields = ("description", "partnership__name")


@admin.register(Risk)
class RiskAdmin(WorkspaceScopedAdmin):
    """The risk register: likelihood × impact, owner, mitigation and status."""

    list_display = ("title", "partnership", "category", "likelihood", "impact", "status", "owner", "workspace")  # fmt: skip
    list_filter = (workspace_filter(), "category", "status")
    search_fields = ("title", "mitigation", "partnership__name")
    list_select_related = ("partnership", "owner__user", "workspace")


@admin.register(Activity)
class ActivityAdmin(WorkspaceScopedAdmin):
    """Joint initiatives and events, each logged as an interaction."""

    list_filter = (workspace_filter(),)
    list_select_related = ("partnership", "workspace")
    list_display = ("name", "partnership", "held_on", "place", "attendance", "workspace")
    search_fields = ("name", "place", "outcome", "partnership__name")
    date_hierarchy = "held_on"
    raw_id_fields = ("interaction",)
    filter_horizontal = ("partners",)


@admin.register(Channel)
class ChannelAdmin(WorkspaceScopedAdmin):
    """Agreed communication channels with their expected frequency and response time."""

    list_select_related = ("partnership", "workspace")
    list_display = ("name", "partnership", "kind", "every_days", "response_days", "last_used_on", "workspace")  # fmt: skip
    list_filter = (workspace_filter(), "kind")
    search_fields = ("name", "partnership__name")


@admin.register(MeetingPlan)
class MeetingPlanAdmin(WorkspaceScopedAdmin):
    """Planned partnership meetings with their agenda and invited partners."""

    list_filter = (workspace_filter(),)
    list_select_related = ("partnership", "workspace")
    list_display = ("title", "partnership", "starts_at", "duration_minutes", "place", "workspace")
    search_fields = ("title", "place", "partnership__name")
    date_hierarchy = "starts_at"
    raw_id_fields = ("interaction",)
    filter_horizontal = ("invited",)
    inlines = (AgendaItemInline,)
