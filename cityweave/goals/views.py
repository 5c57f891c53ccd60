"""Goal pages: list, detail (progress history and chart), create, edit, record progress, trash."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cityweave.charts import ChartPoint, TimeValueChart, time_value_scale
from cityweave.engagement.services import interactions_visible_to, workspace_today
from cityweave.goals import services
from cityweave.goals.filters import GoalFilters
from cityweave.goals.forms import GoalForm, ProgressForm
from cityweave.goals.models import Goal, GoalProgress
from cityweave.stakeholders.models import label_sectors
from cityweave.web.listing import Listing, render_list
from cityweave.web.mixins import TrashView, WorkspaceView, apply_validation_error
from cityweave.workspaces.models import listed

LINKED_INTERACTIONS_SHOWN = 50


class GoalListView(WorkspaceView):
    """All goals with their progress and deadlines, searchable, filterable and sortable."""

    def get(self, request: HttpRequest) -> HttpResponse:
        listing = Listing(
            search_fields=[],  # GoalFilters' own
            sorts={
                "deadline": "deadline",
                "progress": "progress_order",
                "statement": "statement",
                "status": "status",
                "updated": "updated_at",
            },
            default_sort="deadline",
            filter_form=GoalFilters,
            descending_first=frozenset({"progress"}),
            form_kwargs={"member": self.member},
        )
        queryset = services.with_progress_order(
            services.goals(self.member).select_related("owner__user").prefetch_related("progress")
        )
        context = listing.apply(request, queryset)
        today = workspace_today(self.workspace)
        context["rows"] = [
            {"goal": goal, "countdown": services.countdown(goal, today)}
            for goal in context["object_list"]
        ]
        exports = {
            "json_url": reverse("api:goals_list", args=[self.workspace.slug]),
            "csv_url": reverse("goals:export", args=[self.workspace.slug]),
            "xlsx_url": reverse("goals:export-xlsx", args=[self.workspace.slug]),
        }
        if request.headers.get("HX-Request"):
            return render_list(request, "goals/list.html", "goals/_table.html", context, **exports)
        context["stats"] = services.goals(self.member).aggregate(
            active=Count("pk", filter=Q(status=Goal.Status.ACTIVE)),
            overdue=Count("pk", filter=Q(status__in=services.OPEN_STATUSES, deadline__lt=today)),
            achieved=Count("pk", filter=Q(status=Goal.Status.ACHIEVED)),
        )
        return render_list(request, "goals/list.html", "goals/_table.html", context, **exports)


@dataclass(frozen=True, kw_only=True)
class ProgressChart(TimeValueChart):
    """A goal's chart (cityweave.charts.TimeValueChart), with the x of its deadline."""

    deadline_x: float


def progress_chart(goal: Goal, entries: list[GoalProgress]) -> ProgressChart | None:
    """Place the entries (oldest first) on a time axis that runs through the deadline."""
    if not entries:
        return None
    start = min(entries[0].recorded_on, goal.deadline)
    end = max(entries[-1].recorded_on, goal.deadline)
    values = [e.value for e in entries] + [goal.baseline, goal.target]
    x, y = time_value_scale(start, end, values, ProgressChart.plot_frame())

    return ProgressChart(
        points=[ChartPoint(x(e.recorded_on), y(e.value), e.recorded_on, e.value) for e in entries],
        target_y=y(goal.target),
        baseline_y=y(goal.baseline),
        deadline_x=x(goal.deadline),
        start=start,
        end=end,
    )


class GoalPageMixin(WorkspaceView):
    """Loads a goal with its progress, and builds the progress section the detail page shows."""

    def load_goal(self, pk: int) -> Goal:
        goal = services.get_goal(self.member, pk)
        prefetch_related_objects([goal], "progress")
        return goal

    def progress_context(self, goal: Goal, form: ProgressForm | None = None) -> dict[str, Any]:
        entries = list(goal.progress.all())
        today = workspace_today(self.workspace)
        if form is None:
            form = ProgressForm(goal=goal, initial={"recorded_on": today})
        history: list[dict[str, Any]] = []
        before: Decimal | None = None
        for entry in entries:
            history.append(
                {"entry": entry, "change": None if before is None else entry.value - before}
            )
            before = entry.value
        return {
            "goal": goal,
            "history": list(reversed(history)),
            "chart": progress_chart(goal, entries),
            "progress_form": form,
            "countdown": services.countdown(goal, today),
        }

    def render_detail(
        self, request: HttpRequest, goal: Goal, form: ProgressForm | None = None, status: int = 200
    ) -> HttpResponse:
        interactions = (
            interactions_visible_to(self.member)
            .filter(goal=goal)
            .prefetch_related(*listed("participants"))
            .select_related("author__user")
        )
        stakeholders = list(goal.stakeholders.order_by("name"))
        label_sectors(stakeholders)
        context = self.progress_context(goal, form)
        context.update(
            {
                "stakeholders": stakeholders,
                "interactions": interactions[:LINKED_INTERACTIONS_SHOWN],
                "interaction_count": interactions.count(),
            }
        )
        return render(request, "goals/detail.html", context, status=status)

    def render_progress(
        self, request: HttpRequest, goal: Goal, form: ProgressForm | None = None
    ) -> HttpResponse:
        """The progress section alone, for htmx to swap in place."""
        return render(request, "goals/_progress.html", self.progress_context(goal, form))


class GoalDetailView(GoalPageMixin):
    """One goal: its SMART fields, progress history and chart, stakeholders and interactions."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.render_detail(request, self.load_goal(pk))


class GoalProgressView(GoalPageMixin):
    """Record progress: htmx swaps the progress section; without JS the page reloads."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        goal = self.load_goal(pk)
        form = ProgressForm(request.POST, goal=goal)
        if form.is_valid():
            try:
                services.record_progress(self.member, goal, **form.service_data())
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                if request.headers.get("HX-Request"):
                    return self.render_progress(request, self.load_goal(pk))
                messages.success(request, "Progress recorded.")
                return redirect(f"{goal.get_absolute_url()}#progress")
        if request.headers.get("HX-Request"):
            # htmx 2 does not swap 4xx responses, so the section with its inline errors comes as 200.
            return self.render_progress(request, goal, form)
        return self.render_detail(request, goal, form, status=422)


class GoalProgressDeleteView(GoalPageMixin):
    """Remove a progress entry recorded by mistake."""

    def post(self, request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
        goal = self.load_goal(pk)
        services.delete_progress(self.member, goal, entry_id)
        if request.headers.get("HX-Request"):
            return self.render_progress(request, self.load_goal(pk))
        messages.success(request, "Progress entry removed.")
        return redirect(f"{goal.get_absolute_url()}#progress")


class GoalFormView(WorkspaceView):
    """Create a goal (no pk) or edit one."""

    writes = True

    def get_instance(self, pk: int | None) -> Goal | None:
        return services.get_goal(self.member, pk) if pk is not None else None

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        instance = self.get_instance(pk)
        form = GoalForm(instance=instance, member=self.member)
        return self.render_form(request, form, instance)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        instance = self.get_instance(pk)
        form = GoalForm(request.POST, instance=instance, member=self.member)
        if form.is_valid():
            try:
                goal = services.save_goal(self.member, form.service_data(), instance)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Saved “{goal}”.")
                return redirect(goal.get_absolute_url())
        # The form wrote the posted values onto the instance; the heading shows the saved goal.
        return self.render_form(request, form, self.get_instance(pk), status=422)

    def render_form(
        self, request: HttpRequest, form: GoalForm, instance: Goal | None, status: int = 200
    ) -> HttpResponse:
        return render(request, "goals/form.html", {"form": form, "goal": instance}, status=status)


class GoalTrashView(TrashView):
    """Move a goal to the trash."""

    def get_record(self, pk: int) -> Goal:
        return services.get_goal(self.member, pk)

    def consequence(self, record: Goal) -> str:
        return "Its progress history goes with it; interactions linked to it stay."

    def trash(self, record: Goal) -> object:
        return services.trash_goal(self.member, record)
