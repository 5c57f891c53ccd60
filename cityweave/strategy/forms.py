"""Forms of the budget pages: a member's own budget (with their tier overrides), the
workspace's tier defaults, and the weights of a member's relationship plan."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms

from cityweave.stakeholders.models import MAX_CADENCE_DAYS
from cityweave.strategy.budget import TierRule
from cityweave.strategy.models import MAX_MINUTES, MIN_MINUTES, Tier, TimeBudget
from cityweave.strategy.planning import Weights


def _tier_fields(form: forms.BaseForm, rules: Mapping[str, TierRule], *, required: bool) -> None:
    """Add `<tier>_cadence_days` and `<tier>_minutes` for every tier, the rule shown as help."""
    for tier, rule in rules.items():
        form.fields[f"{tier}_cadence_days"] = forms.IntegerField(
            label=f"{rule.label}: contact every (days)",
            required=required,
            min_value=1,
            max_value=MAX_CADENCE_DAYS,
            help_text="" if required else f"Empty for the workspace's {rule.cadence_days}.",
        )
        form.fields[f"{tier}_minutes"] = forms.IntegerField(
            label=f"{rule.label}: usual length (minutes)",
            required=required,
            min_value=MIN_MINUTES,
            max_value=MAX_MINUTES,
            help_text="" if required else f"Empty for the workspace's {rule.minutes}.",
        )


class BudgetForm(forms.ModelForm):
    """A member's own budget: hours, split, sharing, and their own tier settings."""

    class Meta:
        model = TimeBudget
        fields = [
            "hours_per_month", "operational_percent", "personal_percent", "strategic_percent",
            "shared",
        ]  # fmt: skip

    def __init__(self, *args: Any, workspace_rules: Mapping[str, TierRule], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _tier_fields(self, workspace_rules, required=False)
        if not self.is_bound and isinstance(self.instance.tiers, dict):
            for tier, entry in self.instance.tiers.items():
                for name in ("cadence_days", "minutes"):
                    if isinstance(entry, dict) and name in entry:
                        self.initial[f"{tier}_{name}"] = entry[name]

    def _post_clean(self) -> None:
        # The service validates the budget as a whole (the split, the tiers) and names fields.
        pass

    def service_data(self) -> dict[str, Any]:
        """The cleaned data in the shape `budget.save_budget` takes."""
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        tiers: dict[str, dict[str, int]] = {}
        for tier in Tier.values:
            for name in ("cadence_days", "minutes"):
                value = self.cleaned_data.get(f"{tier}_{name}")
                if value is not None:
                    tiers.setdefault(tier, {})[name] = value
        data["tiers"] = tiers
        return data


class TierDefaultsForm(forms.Form):
    """The workspace's default cadence and length of each tier; editors and owners."""

    def __init__(self, *args: Any, rules: Mapping[str, TierRule], **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "defaults")
        super().__init__(*args, **kwargs)
        _tier_fields(self, rules, required=True)
        for tier, rule in rules.items():
            self.initial.setdefault(f"{tier}_cadence_days", rule.cadence_days)
            self.initial.setdefault(f"{tier}_minutes", rule.minutes)

    def service_data(self) -> dict[str, dict[str, int | None]]:
        """{tier: {"cadence_days", "minutes"}} as `budget.save_tier_defaults` takes it."""
        return {
            tier: {
                "cadence_days": self.cleaned_data[f"{tier}_cadence_days"],
                "minutes": self.cleaned_data[f"{tier}_minutes"],
            }
            for tier in Tier.values
        }


class TieTierForm(forms.Form):
    """Put one tie in a tier by hand, or let its cadence decide."""

    tier = forms.ChoiceField(
        choices=[("", "By its cadence"), *Tier.choices], required=False, label="Tier"
    )


class PlanWeightsForm(forms.Form):
    """Every term and weight of a relationship's value in the plan, each with its label, its
    meaning and its range as `Weights.FIELDS` states them."""

    def __init__(self, *args: Any, weights: Weights, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", "weights")
        super().__init__(*args, **kwargs)
        for name, (label, meaning, low, high) in Weights.FIELDS.items():
            default = getattr(Weights(), name)
            self.fields[name] = forms.FloatField(
                label=label,
                min_value=low,
                max_value=high,
                help_text=f"{meaning} ({low:g} to {high:g}; default {default:g})",
                widget=forms.NumberInput(attrs={"step": "any"}),
            )
            self.initial.setdefault(name, getattr(weights, name))

    def service_data(self) -> dict[str, float]:
        """{name: value} as `plans.save_plan_weights` takes it."""
        return {name: self.cleaned_data[name] for name in Weights.FIELDS}
