"""Forms for stakeholder pages: edit, filter."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from cityweave.stakeholders.models import Stakeholder, Tag, sector_choices
from cityweave.vocabulary import ValueType
from cityweave.web.forms import choice_field
from cityweave.workspaces.models import Membership


class StakeholderForm(forms.ModelForm):
    """Create or edit a stakeholder."""

    sector = forms.ChoiceField()
    offers = forms.MultipleChoiceField(
        choices=ValueType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-list"}),
        help_text="What this stakeholder can give.",
    )
    tags = forms.CharField(required=False, help_text="Comma-separated, e.g. housing, climate.")

    class Meta:
        model = Stakeholder
        fields = [
            "kind", "name", "sector", "level", "organisations", "title", "is_internal",
            "email", "phone", "website", "address", "area",
            "influence", "interest", "stance", "offers", "tags", "notes",
        ]  # fmt: skip
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, member: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        workspace = member.workspace
        self.instance.workspace = workspace
        choice_field(self, "sector").choices = [
            ("", "— choose a sector —"),
            *sector_choices(workspace),
        ]
        organisations = self.fields["organisations"]
        organisations.queryset = Stakeholder.objects.filter(  # type: ignore[attr-defined]
            workspace=workspace, kind=Stakeholder.Kind.ORGANISATION
        ).exclude(pk=self.instance.pk)
        organisations.help_text = "For a person: the organisations they work in."
        for name in ("influence", "interest"):
            self.fields[name].widget = forms.Select(
                choices=[("", "—"), *[(i, str(i)) for i in range(1, 6)]]
            )
        if self.instance.pk:
            self.initial["tags"] = ", ".join(t.name for t in self.instance.tags.all())

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        return [t.strip() for t in raw.split(",") if t.strip()]

    def service_data(self) -> dict[str, Any]:
        """The cleaned data in the shape `services.save_stakeholder` takes."""
        data = dict(self.cleaned_data)
        data["organisations"] = list(data.get("organisations") or [])
        return data


class StakeholderFilterForm(forms.Form):
    """Filters on the stakeholder list."""

    sector = forms.ChoiceField(required=False)
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *Stakeholder.Kind.choices])
    stance = forms.ChoiceField(
        required=False, choices=[("", "Any stance"), *Stakeholder.Stance.choices]
    )
    tag = forms.ChoiceField(required=False)
    owner = forms.ChoiceField(required=False, label="Relationship owner")

    def __init__(self, *args: Any, member: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        workspace = member.workspace
        choice_field(self, "sector").choices = [("", "Any sector"), *sector_choices(workspace)]
        choice_field(self, "tag").choices = [
            ("", "Any tag"),
            *[(t.name, t.name) for t in Tag.objects.filter(workspace=workspace)],
        ]
        choice_field(self, "owner").choices = [
            ("", "Any owner"),
            *[
                (str(m.pk), m.user.display_name)
                for m in Membership.objects.filter(workspace=workspace).select_related("user")
            ],
        ]

    def filter(self, queryset: QuerySet[Stakeholder]) -> QuerySet[Stakeholder]:
        data = self.cleaned_data
        if data.get("sector"):
            queryset = queryset.filter(sector=data["sector"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("stance"):
            queryset = queryset.filter(stance=data["stance"])
        if data.get("tag"):
            queryset = queryset.filter(tags__name=data["tag"])
        if data.get("owner"):
            owner = int(data["owner"])
            queryset = queryset.filter(models_q_owned_by(owner))
        return queryset


def models_q_owned_by(member_id: int) -> Any:
    """Stakeholders at either end of a live tie kept by the member."""
    from django.db.models import Q

    return Q(ties_out__owner_id=member_id, ties_out__deleted_at__isnull=True) | Q(
        ties_in__owner_id=member_id, ties_in__deleted_at__isnull=True
    )
