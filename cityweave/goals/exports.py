"""The goal list's export: CSV and XLSX from one column definition, filtered as the list page is
(goals/filters.py)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet

from cityweave.goals import services
from cityweave.goals.filters import GoalFilters
from cityweave.goals.models import Goal
from cityweave.web.exports import Column, ExportView
from cityweave.workspaces.models import listed


def goal_columns() -> list[Column]:
    """The goal export's columns: numbers as numbers, the deadline a date, progress in percent
    (0 to 100) from baseline to target."""
    return [
        Column("id", lambda g: g.pk, 8),
        Column("statement", lambda g: g.statement, 50),
        Column("metric", lambda g: g.metric, 24),
        Column("baseline", lambda g: g.baseline, 10),
        Column("current", lambda g: g.current_value, 10),
        Column("target", lambda g: g.target, 10),
        Column("unit", lambda g: g.unit, 10),
        Column("progress_percent", lambda g: g.progress_percent, 16),
        Column("deadline", lambda g: g.deadline, 12),
        Column("status", lambda g: g.get_status_display(), 12),
        Column("owner", lambda g: g.owner.user.display_name if g.owner else "", 20),
    ]


class GoalExportView(ExportView):
    """The goal list as CSV or XLSX, filtered as the list page is (`?status=active&q=…`), every
    row, by deadline."""

    filters = GoalFilters
    name = "goals"
    sheet_title = "Goals"

    def queryset(self) -> QuerySet[Goal]:
        return services.goals(self.member)

    def rows(self, queryset: QuerySet[Goal]) -> QuerySet[Goal]:
        return (
            queryset.select_related("owner__user")
            .prefetch_related(*listed("progress"))
            .order_by("deadline", "pk")
        )

    def columns(self) -> Sequence[Column]:
        return goal_columns()
