"""Forms for the partnership pages: the partnership itself, its partners, its benchmarks."""

from __future__ import annotations

from typing import Any

from django import forms

from cityweave.goals.models import Goal
from cityweave.partnerships.models import Partnership
from cityweave.stakeholders.forms import StakeholdersChoiceField, pick_stakeholders
from cityweave.stakeholders.models import Stakeholder
from cityweave.workspaces.forms import MemberChoiceField, pick_members
from cityweave.workspaces.models import Membership

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PartnershipForm(forms.ModelForm):
    """Create or edit a partnership."""

    consulted = StakeholdersChoiceField(
        queryset=Stakeholder.objects.none(),
        required=False,
        label="Who was consulted",
        help_text="The stakeholders who helped write the problem statement: those it affects.",
    )
    population_groups_text = forms.CharField(
        label="Population groups",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line, e.g. “Children aged 5–11”, “Older residents living alone”.",
    )
    officer = MemberChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        empty_label="— nobody yet —",
        label="Partnership officer",
        help_text="The member who runs the partnership day to day.",
    )
    goals = forms.ModelMultipleChoiceField(
        queryset=Goal.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Goals served",
        help_text="The workspace's goals this partnership works towards.",
    )

    class Meta:
        model = Partnership
        fields = [
            "name", "problem", "consulted", "area", "population_groups_text", "past_efforts",
            "status", "started_on", "review_on", "officer", "goals",
        ]  # fmt: skip
        labels = {
            "problem": "Problem statement",
            "past_efforts": "Past efforts and what was learned",
            "started_on": "Start date",
            "review_on": "Review date",
        }
        widgets = {
            "problem": forms.Textarea(attrs={"rows": 4}),
            "past_efforts": forms.Textarea(attrs={"rows": 3}),
            "started_on": DATE,
            "review_on": DATE,
        }

    def __init__(self, *args: Any, member: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        workspace = member.workspace
        self.instance.workspace = workspace
        pick_stakeholders(self, "consulted", workspace)
        pick_members(self, "officer", workspace)
        goals = self.fields["goals"]
        assert isinstance(goals, forms.ModelMultipleChoiceField)
        goals.queryset = Goal.objects.filter(workspace=workspace).order_by("deadline", "pk")
        if not self.is_bound:
            self.initial["population_groups_text"] = "\n".join(
                self.instance.population_groups or []
            )
            if self.instance.pk is None:
                self.initial.setdefault("officer", member.pk)

    def clean_population_groups_text(self) -> list[str]:
        text = self.cleaned_data.get("population_groups_text") or ""
        return [line.strip() for line in text.splitlines() if line.strip()]

    def _post_clean(self) -> None:
        # The model's own checks run in the service, which names every bad field at once.
        pass

    def service_data(self) -> dict[str, Any]:
        """The cleaned data in the shape `services.save_partnership` takes."""
        data = dict(self.cleaned_data)
        data["population_groups"] = data.pop("population_groups_text", [])
        for name in ("problem", "area", "past_efforts"):
            data[name] = data.get(name) or ""
        data["consulted"] = list(data.get("consulted") or [])
        data["goals"] = list(data.get("goals") or [])
        return data
