"""The budget page: a member's own time budget and its summary, a shared budget, the
workspace's tier defaults, and a tie's tier."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cityweave.stakeholders.models import label_sectors
from cityweave.strategy import budget
from cityweave.strategy.forms import BudgetForm, TierDefaultsForm
from cityweave.strategy.models import Tier, TimeBudget
from cityweave.web.mixins import WorkspaceView, apply_validation_error
from cityweave.workspaces.models import Membership

#: The relationships listed in full under "time without a goal"; the rest are counted.
UNALIGNED_SHOWN = 50
#: The most expensive ties listed in the cost table; the rest are counted.
COSTS_SHOWN = 100


def summary_context(viewer: Membership, member: int | None = None) -> dict[str, Any]:
    """What the summary section shows: the summary, its bars scaled to the largest figure,
    and the rows listed in full (the costliest first)."""
    summary = budget.budget_summary(viewer, member)
    months_top = max([summary.hours_per_month or 0, *(m.hours for m in summary.actual)], default=0)
    actual = [
        {"month": m, "percent": 100 * m.hours / months_top if months_top else 0}
        for m in summary.actual
    ]
    planned, hours = summary.planned_hours, summary.hours_per_month or 0
    top = max(planned, hours)
    costs = sorted(summary.costs, key=lambda c: (-c.hours, c.tie.pk))
    label_sectors([c.counterpart for c in costs])
    return {
        "summary": summary,
        "budget_bar": 100 * hours / top if top else 0,
        "planned_bar": 100 * planned / top if top else 0,
        "over_by": planned - hours,
        "actual": actual,
        "costs": costs[:COSTS_SHOWN],
        "unaligned": summary.unaligned[:UNALIGNED_SHOWN],
        "sharing": budget.members_sharing(viewer),
        "tiers": list(summary.tiers.values()),
        "tier_choices": Tier.choices,
    }


class BudgetView(WorkspaceView):
    """The member's own budget: set hours, split and tiers, and see planned against actual.

    Writing one's own budget is personal: viewers plan their own time too."""

    personal = True

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_page(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        rules = budget.workspace_tiers(self.workspace)
        form = BudgetForm(request.POST, instance=self.instance(), workspace_rules=rules)
        if form.is_valid():
            try:
                budget.save_budget(self.member, form.service_data())
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "Your budget is saved.")
                return redirect("budget:mine", self.workspace.slug)
        return self.render_page(request, form=form, status=422)

    def instance(self) -> TimeBudget:
        return budget.get_budget(self.member) or TimeBudget(
            workspace=self.workspace, member=self.member
        )

    def render_page(
        self,
        request: HttpRequest,
        *,
        form: BudgetForm | None = None,
        defaults_form: TierDefaultsForm | None = None,
        status: int = 200,
    ) -> HttpResponse:
        context = summary_context(self.member)
        summary: budget.BudgetSummary = context["summary"]
        rules = summary.workspace_tiers
        if form is None:
            instance = summary.budget or TimeBudget(workspace=self.workspace, member=self.member)
            form = BudgetForm(instance=instance, workspace_rules=rules)
        if defaults_form is None and self.member.can_edit:
            defaults_form = TierDefaultsForm(rules=rules)
        context.update(
            {
                "form": form,
                "defaults_form": defaults_form,
                "workspace_tiers": list(rules.values()),
                "own": True,
                "json_url": reverse("api:budget_mine", args=[self.workspace.slug]),
            }
        )
        return render(request, "strategy/budget.html", context, status=status)


class TierDefaultsView(BudgetView):
    """Set the workspace's default tiers (editors and owners); the budget page shows the form."""

    personal = False
    writes = True
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        form = TierDefaultsForm(request.POST, rules=budget.workspace_tiers(self.workspace))
        if form.is_valid():
            try:
                budget.save_tier_defaults(self.member, form.service_data())
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "The workspace's tiers are saved.")
                return redirect(reverse("budget:mine", args=[self.workspace.slug]) + "#tiers")
        return self.render_page(request, defaults_form=form, status=422)


class TieTierView(WorkspaceView):
    """Put a tie in a tier by hand, or back to its cadence's (editors and owners)."""

    writes = True
    http_method_names = ["post"]

    def post(self, request: HttpRequest, tie_id: int) -> HttpResponse:
        try:
            budget.set_tie_tier(self.member, tie_id, request.POST.get("tier", ""))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The tie's tier is saved.")
        return redirect(reverse("budget:mine", args=[self.workspace.slug]) + "#costs")


class MemberBudgetView(WorkspaceView):
    """Another member's budget and summary, when they share it (404 otherwise)."""

    def get(self, request: HttpRequest, member_id: int) -> HttpResponse:
        if member_id == self.member.pk:
            return redirect("budget:mine", self.workspace.slug)
        context = summary_context(self.member, member_id)
        shown = context["summary"].member
        context.update(
            {
                "own": False,
                "json_url": reverse("api:budget_member", args=[self.workspace.slug, shown.pk]),
            }
        )
        return render(request, "strategy/budget.html", context)
