"""Forms for goal pages: edit a goal, record progress, filter the list."""

from __future__ import annotations

from typing import Any

from django import forms

from cityweave.goals.models import Goal, GoalProgress
from cityweave.stakeholders.forms import StakeholdersChoiceField, pick_stakeholders
from cityweave.stakeholders.models import Stakeholder
from cityweave.workspaces.forms import MemberChoiceField, pick_members
from cityweave.workspaces.models import Membership


class GoalForm(forms.ModelForm):
    """Create or edit a SMART goal."""

    owner = MemberChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        empty_label="— nobody yet —",
        help_text="The member accountable for reaching the target.",
    )
    stakeholders = StakeholdersChoiceField(
        queryset=Stakeholder.objects.none(),
        required=False,
        help_text="The stakeholders this goal is about.",
    )

    class Meta:
        model = Goal
        fields = [
            "statement", "metric", "unit", "baseline", "target", "deadline",
            "owner", "status", "stakeholders",
        ]  # fmt: skip
        labels = {"statement": "Goal", "deadline": "Deadline"}
        help_texts = {
            "statement": "Specific: what will change, e.g. “Grow active philanthropy ties from 3 to 8”.",
            "unit": "Optional, e.g. ties, USD, days.",
            "baseline": "Where the metric stands today.",
            "target": "Where it should be by the deadline; lower than the baseline to cut something.",
        }
        widgets = {
            "baseline": forms.NumberInput(attrs={"step": "0.01"}),
            "target": forms.NumberInput(attrs={"step": "0.01"}),
            "deadline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args: Any, member: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        workspace = member.workspace
        self.instance.workspace = workspace
        pick_members(self, "owner", workspace)
        pick_stakeholders(self, "stakeholders", workspace)
        if self.instance.pk is None and not self.is_bound:
            self.initial.setdefault("owner", member.pk)

    def service_data(self) -> dict[str, Any]:
        """The cleaned data in the shape `services.save_goal` takes."""
        data = dict(self.cleaned_data)
        data["unit"] = data.get("unit") or ""
        data["stakeholders"] = list(data.get("stakeholders") or [])
        return data


class ProgressForm(forms.ModelForm):
    """Record one dated measurement of a goal's metric."""

    class Meta:
        model = GoalProgress
        fields = ["value", "recorded_on", "note"]
        labels = {"recorded_on": "Measured on"}
        widgets = {
            "value": forms.NumberInput(attrs={"step": "0.01"}),
            "recorded_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.TextInput(attrs={"placeholder": "Where the number comes from"}),
        }

    def __init__(self, *args: Any, goal: Goal, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.goal = goal
        # The model's callable default would add a hidden "initial-" input that nothing reads.
        self.fields["recorded_on"].show_hidden_initial = False
        if goal.unit:
            self.fields["value"].label = f"Value ({goal.unit})"

    def service_data(self) -> dict[str, Any]:
        """Keyword arguments for `services.record_progress`."""
        data = self.cleaned_data
        return {
            "value": data["value"],
            "recorded_on": data["recorded_on"],
            "note": data.get("note") or "",
        }
