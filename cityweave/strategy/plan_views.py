"""The relationship plan's pages: a member's own plan (its weights, proposing one, accepting
and reverting its lines), and another member's, read-only, when they share their budget."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cityweave.stakeholders.models import sector_choices
from cityweave.strategy import budget, plans
from cityweave.strategy.forms import PlanWeightsForm
from cityweave.strategy.models import Plan
from cityweave.strategy.planning import KEPT, MOVES, PAGE_TIME_LIMIT, Weights
from cityweave.web.mixins import WorkspaceView, apply_validation_error
from cityweave.workspaces.models import Membership

#: The changed lines shown in full (the first in the plan's order); the rest are counted.
CHANGED_SHOWN = 200
#: The unchanged lines listed in their <details>; the rest are counted.
UNCHANGED_SHOWN = 200
#: The order targets are listed in: goals first.
TARGET_ORDER = {"goal": 0, "need": 1, "sector": 2, "community": 3}
#: Targets listed open; a longer list is folded so the weights below stay within reach.
TARGETS_OPEN = 12
#: What each kind of target is called on the page.
TARGET_KINDS = {
    "goal": "Open goal",
    "need": "Partnership need",
    "sector": "Sector",
    "community": "Network community",
}


def plan_context(viewer: Membership, plan: Plan | None) -> dict[str, Any]:
    """What the plan section shows: the plan's headline, diversity check, targets and lines
    (changed first, the first CHANGED_SHOWN in full), with sector names."""
    if plan is None:
        return {"plan": None}
    sectors = dict(sector_choices(viewer.workspace))
    lines = plans.plan_lines(plan, limit=CHANGED_SHOWN, unchanged_limit=UNCHANGED_SHOWN)
    change = plans.diversity_change(plan.sectors_before, plan.sectors_after, sectors)
    targets = sorted(
        plan.targets, key=lambda t: (TARGET_ORDER.get(t["kind"], 9), -t["weight"], t["label"])
    )
    for target in targets:
        target["kind_label"] = TARGET_KINDS.get(target["kind"], target["kind"])
        target["delta"] = target["after"] - target["before"]
    uncovered = sorted(
        plan.uncovered, key=lambda t: (TARGET_ORDER.get(t["kind"], 9), -t["weight"], t["label"])
    )
    for target in uncovered:
        target["kind_label"] = TARGET_KINDS.get(target["kind"], target["kind"])
    weights = Weights.from_data(
        {k: v for k, v in plan.weights.items() if k in Weights.FIELDS}
    ).as_dict()
    return {
        "plan": plan,
        "lines": lines,
        "changed": [_line(line, sectors) for line in lines.changed],
        "unchanged": [_line(line, sectors) for line in lines.unchanged],
        "more_changed": lines.changed_count - len(lines.changed),
        "more_unchanged": lines.unchanged_count - len(lines.unchanged),
        "diversity": change,
        "missing_before": [sectors.get(k, k) for k in change.missing_before],
        "missing_after": [sectors.get(k, k) for k in change.missing_after],
        "newly_missing": [sectors.get(k, k) for k in change.newly_missing],
        "newly_present": [sectors.get(k, k) for k in change.newly_present],
        "targets": targets,
        "targets_open": len(targets) <= TARGETS_OPEN,
        "uncovered": uncovered,
        "gap_percent": 100 * plan.gap,
        "within_budget": plan.hours_after <= plan.budget_hours + 1e-9,
        "plan_weights": [(Weights.FIELDS[name][0], value) for name, value in weights.items()],
    }


def _line(line: Any, sectors: dict[str, str]) -> dict[str, Any]:
    """One line as a card shows it."""
    delta = line.proposed_hours - line.current_hours
    return {
        "record": line,
        "current_label": "Resting (dormant)" if line.current == "rest" else MOVES[line.current],
        "proposed_label": MOVES.get(line.proposed, line.proposed),
        "kept": line.proposed in KEPT,
        "sector_label": sectors.get(line.sector, line.sector),
        "delta": delta,
        "hours_text": (
            f"saves {-delta:.1f} h a month"
            if delta <= -0.05
            else f"adds {delta:.1f} h a month"
            if delta >= 0.05
            else ""
        ),
    }


class PlanView(WorkspaceView):
    """The member's own plan: weights, proposing a plan, and the latest plan with its lines.

    Asking for a plan writes only the member's own weights and plan, so any role may (a viewer
    plans their own time too); accepting writes ties (PlanAcceptView, editors and owners)."""

    personal = True

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_page(request)

    def post(self, request: HttpRequest) -> HttpResponse:
        """Propose a plan: with the weights of the form (saved first), or with the saved ones
        as they are (`saved`, the button at the top of the page)."""
        saved = budget.get_budget(self.member)
        form = PlanWeightsForm(request.POST, weights=plans.plan_weights(self.member, saved))
        if request.POST.get("saved"):
            form = PlanWeightsForm(weights=plans.plan_weights(self.member, saved))
            try:
                plans.propose(self.member, time_limit=PAGE_TIME_LIMIT)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return self.render_page(request, form=form, status=422)
            return self._proposed(request)
        if form.is_valid():
            try:
                weights = plans.save_plan_weights(self.member, form.service_data())
                # The page waits for the optimiser: a shorter limit than the API's.
                plans.propose(self.member, weights, time_limit=PAGE_TIME_LIMIT)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                return self._proposed(request)
        return self.render_page(request, form=form, status=422)

    def _proposed(self, request: HttpRequest) -> HttpResponse:
        messages.success(request, "A new plan is ready: read it, then accept what you agree with.")
        return redirect(reverse("budget:my-plan", args=[self.workspace.slug]) + "#plan")

    def render_page(
        self, request: HttpRequest, *, form: PlanWeightsForm | None = None, status: int = 200
    ) -> HttpResponse:
        saved = budget.get_budget(self.member)
        if form is None:
            form = PlanWeightsForm(weights=plans.plan_weights(self.member, saved))
        context = plan_context(self.member, plans.latest_plan(self.member))
        context.update(
            {
                "own": True,
                "shown": self.member,
                "form": form,
                "has_budget": saved is not None,
                "can_accept": self.member.can_edit,
                "page_limit": PAGE_TIME_LIMIT,
                "json_url": reverse("api:budget_plan", args=[self.workspace.slug]),
            }
        )
        return render(request, "strategy/plan.html", context, status=status)


class PlanAcceptView(WorkspaceView):
    """Accept the member's own plan, whole (`all`) or the lines ticked (`tie`, repeated)."""

    writes = True
    http_method_names = ["post"]

    def post(self, request: HttpRequest, plan_id: int) -> HttpResponse:
        plan = plans.own_plan(self.member, plan_id)
        tie_ids: list[int] | None = None
        if not request.POST.get("all"):
            try:
                tie_ids = [int(value) for value in request.POST.getlist("tie")]
            except ValueError:
                tie_ids = []
            if not tie_ids:
                messages.error(request, "Tick the lines to accept, or accept all the changes.")
                return redirect(self._back())
        try:
            result = plans.accept_plan(self.member, plan, tie_ids)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            count = len(result.accepted)
            text = (
                f"{count} change{'s' * (count != 1)} accepted: the ties' cadences follow the plan."
            )
            if result.refused:
                text += " Not accepted: " + " ".join(reason for _, reason in result.refused)
            messages.success(request, text)
        return redirect(self._back())

    def _back(self) -> str:
        return reverse("budget:my-plan", args=[self.workspace.slug]) + "#lines"


class PlanRevertView(PlanAcceptView):
    """Undo one accepted line of the member's own plan: its tie as it was before."""

    def post(self, request: HttpRequest, plan_id: int, tie_id: int) -> HttpResponse:  # type: ignore[override]
        plan = plans.own_plan(self.member, plan_id)
        try:
            line = plans.revert_line(self.member, plan, tie_id)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{line.counterpart_name}: back as it was before the plan.")
        return redirect(self._back())


class MemberPlanView(WorkspaceView):
    """Another member's latest plan, read-only, when they share their budget (404 otherwise)."""

    def get(self, request: HttpRequest, member_id: int) -> HttpResponse:
        if member_id == self.member.pk:
            return redirect("budget:my-plan", self.workspace.slug)
        shown = budget.readable_member(self.member, member_id)
        context = plan_context(self.member, plans.latest_of(shown))
        context.update(
            {
                "own": False,
                "shown": shown,
                "can_accept": False,
                "json_url": reverse("api:budget_member_plan", args=[self.workspace.slug, shown.pk]),
            }
        )
        return render(request, "strategy/plan.html", context)
