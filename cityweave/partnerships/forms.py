"""Forms for the partnership pages: the partnership itself, its partners, its benchmarks."""

from __future__ import annotations

from typing import Any

from django import forms

from cityweave.goals.models import Goal
from cityweave.partnerships.models import Benchmark, BenchmarkProgress, Partner, Partnership
from cityweave.stakeholders.forms import (
    StakeholderChoiceField,
    StakeholdersChoiceField,
    pick_stakeholders,
)
from cityweave.stakeholders.models import Stakeholder
from cityweave.vocabulary import PartnerRole
from cityweave.web.widgets import RecordsChoiceField
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
    goals = RecordsChoiceField(
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
        groups = [line.strip() for line in text.splitlines() if line.strip()]
        long = [g for g in groups if len(g) > 100]
        if long:
            raise forms.ValidationError(
                f"A population group is a name of up to 100 characters: “{long[0][:40]}…” is longer."
            )
        return groups

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


class PartnerForm(forms.ModelForm):
    """Add a stakeholder to a partnership (with its roles and responsibility), or edit a partner."""

    stakeholder = StakeholderChoiceField(
        queryset=Stakeholder.objects.none(), help_text="A stakeholder of the workspace."
    )
    roles = forms.MultipleChoiceField(
        choices=PartnerRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Every partner has a specific role to play; tick one or more.",
    )

    class Meta:
        model = Partner
        fields = ["stakeholder", "roles", "responsibility", "joined_on"]
        labels = {"responsibility": "Responsibility", "joined_on": "Joined on"}
        help_texts = {"responsibility": "One line: what this partner does for the partnership."}
        widgets = {"joined_on": DATE}

    def __init__(self, *args: Any, member: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.workspace = member.workspace
        if self.instance.pk is not None:
            # A partner's stakeholder stays; remove the partner and add another instead.
            del self.fields["stakeholder"]
        else:
            pick_stakeholders(self, "stakeholder", member.workspace)

    def _post_clean(self) -> None:
        # The model's checks run in the service, which names every bad field at once.
        pass

    def service_data(self) -> dict[str, Any]:
        """The cleaned data in the shape `services.save_partner` takes."""
        data = dict(self.cleaned_data)
        data["roles"] = list(data.get("roles") or [])
        data["responsibility"] = data.get("responsibility") or ""
        return data


class BenchmarkForm(forms.ModelForm):
    """Create or edit a benchmark: a SMART milestone of the partnership."""

    class Meta:
        model = Benchmark
        fields = ["statement", "metric", "unit", "baseline", "target", "starts_on", "due_on"]
        labels = {"statement": "Milestone", "starts_on": "Start date", "due_on": "Due date"}
        help_texts = {
            "statement": "Specific: what will change, e.g. “Double the children walking to school”.",
            "metric": "Measurable: the one number that says how far it has come.",
            "unit": "Optional, e.g. children, %, USD.",
            "baseline": "Where the metric stands on the start date.",
            "target": "Where it should be by the due date; lower than the baseline to cut something.",
        }
        widgets = {
            "baseline": forms.NumberInput(attrs={"step": "0.01"}),
            "target": forms.NumberInput(attrs={"step": "0.01"}),
            "starts_on": DATE,
            "due_on": DATE,
        }

    def __init__(self, *args: Any, member: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["starts_on"].show_hidden_initial = False

    def _post_clean(self) -> None:
        # The model's checks run in the service, which names every bad field at once.
        pass

    def service_data(self) -> dict[str, Any]:
        """The cleaned data in the shape `benchmarks.save_benchmark` takes."""
        data = dict(self.cleaned_data)
        data["unit"] = data.get("unit") or ""
        return data


class BenchmarkProgressForm(forms.ModelForm):
    """Record one dated measurement of a benchmark's metric."""

    class Meta:
        model = BenchmarkProgress
        fields = ["value", "recorded_on", "note"]
        labels = {"recorded_on": "Measured on"}
        widgets = {
            "value": forms.NumberInput(attrs={"step": "0.01"}),
            "recorded_on": DATE,
            "note": forms.TextInput(attrs={"placeholder": "Where the number comes from"}),
        }

    def __init__(self, *args: Any, benchmark: Benchmark, **kwargs: Any) -> None:
        # Each benchmark's form has its own ids on the page.
        kwargs.setdefault("prefix", f"b{benchmark.pk}")
        super().__init__(*args, **kwargs)
        self.instance.benchmark = benchmark
        self.fields["recorded_on"].show_hidden_initial = False
        if benchmark.unit:
            self.fields["value"].label = f"Value ({benchmark.unit})"

    def _post_clean(self) -> None:
        pass

    def service_data(self) -> dict[str, Any]:
        """Keyword arguments for `benchmarks.record_progress`."""
        data = self.cleaned_data
        return {
            "value": data["value"],
            "recorded_on": data["recorded_on"],
            "note": data.get("note") or "",
        }
