"""Forms for a partnership's assets, needs and risks: each gives the services their data
(`service_data`); the services check the rest and name what is wrong."""

from __future__ import annotations

from typing import Any

from django import forms

from cityweave.partnerships.models import AmountUnit, Asset, AssetKind, Need, Risk
from cityweave.stakeholders.forms import StakeholderChoiceField, pick_stakeholders
from cityweave.stakeholders.models import Stakeholder
from cityweave.vocabulary import ValueType
from cityweave.workspaces.forms import MemberChoiceField, pick_members
from cityweave.workspaces.models import Membership

SCALE_CHOICES = [(n, str(n)) for n in range(1, 6)]
LIKELIHOOD_CHOICES = [(1, "1 — rare"), *SCALE_CHOICES[1:4], (5, "5 — almost certain")]
IMPACT_CHOICES = [(1, "1 — minor"), *SCALE_CHOICES[1:4], (5, "5 — severe")]


class AssetForm(forms.Form):
    """Add or edit an asset: what it is, who holds it and what it is worth."""

    description = forms.CharField(max_length=300, help_text="E.g. “The old depot on Mill Street”.")
    kind = forms.ChoiceField(choices=AssetKind.choices)
    value_type = forms.ChoiceField(
        choices=[("", "— the kind's usual value type —"), *ValueType.choices],
        required=False,
        label="Value type offered",
        help_text="Left empty, the kind's own: infrastructure → facilities, land → land, "
        "financial → funding, staff → paid staff, expertise → expertise, data → data, "
        "programme → in-kind resources.",
    )
    holder = StakeholderChoiceField(
        queryset=Stakeholder.objects.none(),
        help_text="Who holds it: one of the city's own or a partner.",
    )
    amount = forms.DecimalField(
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        label="Estimated value",
        help_text="Leave empty when unknown.",
    )
    amount_unit = forms.ChoiceField(choices=AmountUnit.choices, label="Counted in")

    def __init__(self, *args: Any, member: Membership, instance: Asset | None = None, **kw: Any):
        if instance is not None and "initial" not in kw:
            kw["initial"] = {
                "description": instance.description,
                "kind": instance.kind,
                "value_type": instance.value_type,
                "holder": instance.holder_id,
                "amount": instance.amount,
                "amount_unit": instance.amount_unit,
            }
        super().__init__(*args, **kw)
        pick_stakeholders(self, "holder", member.workspace)

    def service_data(self) -> dict[str, Any]:
        """The cleaned fields as `gaps.save_asset` takes them."""
        data = dict(self.cleaned_data)
        data["holder"] = data["holder"].pk
        return data


class NeedForm(forms.Form):
    """Add or edit a need, in the vocabulary of value types."""

    description = forms.CharField(max_length=300, help_text="E.g. “Seed money for year one”.")
    value_type = forms.ChoiceField(choices=ValueType.choices, label="Value type needed")
    amount = forms.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        label="How much",
        help_text="Leave empty when any offer of this value type meets it.",
    )
    amount_unit = forms.ChoiceField(choices=AmountUnit.choices, label="Counted in")

    def __init__(self, *args: Any, member: Membership, instance: Need | None = None, **kw: Any):
        if instance is not None and "initial" not in kw:
            kw["initial"] = {
                "description": instance.description,
                "value_type": instance.value_type,
                "amount": instance.amount,
                "amount_unit": instance.amount_unit,
            }
        super().__init__(*args, **kw)

    def service_data(self) -> dict[str, Any]:
        """The cleaned fields as `gaps.save_need` takes them."""
        return dict(self.cleaned_data)


class RiskForm(forms.Form):
    """Add or edit a risk of the register."""

    title = forms.CharField(max_length=200, label="Risk")
    category = forms.ChoiceField(choices=Risk.Category.choices)
    likelihood = forms.TypedChoiceField(
        choices=LIKELIHOOD_CHOICES, coerce=int, help_text="How likely it is, 1 to 5."
    )
    impact = forms.TypedChoiceField(
        choices=IMPACT_CHOICES, coerce=int, help_text="How much harm it would do, 1 to 5."
    )
    owner = MemberChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        empty_label="— nobody yet —",
        help_text="The member who watches it.",
    )
    mitigation = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="What is done about it."
    )
    status = forms.ChoiceField(choices=Risk.Status.choices)

    def __init__(self, *args: Any, member: Membership, instance: Risk | None = None, **kw: Any):
        if instance is not None and "initial" not in kw:
            kw["initial"] = {
                "title": instance.title,
                "category": instance.category,
                "likelihood": instance.likelihood,
                "impact": instance.impact,
                "owner": instance.owner_id,
                "mitigation": instance.mitigation,
                "status": instance.status,
            }
        super().__init__(*args, **kw)
        pick_members(self, "owner", member.workspace)

    def service_data(self) -> dict[str, Any]:
        """The cleaned fields as `risks.save_risk` takes them."""
        data = dict(self.cleaned_data)
        data["owner"] = data["owner"].pk if data["owner"] is not None else None
        return data
