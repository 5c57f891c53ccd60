"""Forms for stakeholder and tie pages: edit, filter."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.core.validators import MinValueValidator
from django.urls import reverse

from cityweave.stakeholders.models import MAX_CADENCE_DAYS, Stakeholder, Tie, sector_choices
from cityweave.vocabulary import PartnerRole, ValueType
from cityweave.web.forms import choice_field
from cityweave.web.widgets import (
    LookupSelect,
    LookupSelectMultiple,
    LookupWidgetMixin,
    RecordChoiceField,
    RecordsChoiceField,
)
from cityweave.workspaces.forms import MemberChoiceField, pick_members
from cityweave.workspaces.models import Membership, Workspace


class StakeholderChoiceField(RecordChoiceField):
    """One of the workspace's stakeholders, picked by searching for its name."""

    widget = LookupSelect
    default_error_messages = {"invalid_choice": "No such stakeholder in this workspace."}


class StakeholdersChoiceField(RecordsChoiceField):
    """Stakeholders of the workspace, picked by searching for their names."""

    widget = LookupSelectMultiple
    default_error_messages = {"invalid_choice": "No such stakeholder in this workspace: %(value)s."}


def pick_stakeholders(
    form: forms.BaseForm,
    name: str,
    workspace: Workspace,
    *,
    kind: str = "",
    exclude: Stakeholder | None = None,
) -> None:
    """Let field `name` (a StakeholderChoiceField or StakeholdersChoiceField) choose among the
    workspace's live stakeholders, of one `kind` and other than `exclude` when given, found through
    the stakeholder lookup as the user types."""
    field = form.fields[name]
    assert isinstance(field, StakeholderChoiceField | StakeholdersChoiceField)
    queryset = Stakeholder.objects.filter(workspace=workspace)
    params: dict[str, object] = {}
    if kind:
        queryset = queryset.filter(kind=kind)
        params["kind"] = kind
    if exclude is not None and exclude.pk is not None:
        queryset = queryset.exclude(pk=exclude.pk)
        params["exclude"] = exclude.pk
    field.queryset = queryset
    if kind == Stakeholder.Kind.ORGANISATION:
        which = ": %(value)s." if isinstance(field, StakeholdersChoiceField) else "."
        field.error_messages["invalid_choice"] = f"No such organisation in this workspace{which}"
    assert isinstance(field.widget, LookupWidgetMixin)
    url = reverse("stakeholders:lookup", args=[workspace.slug])
    field.widget.lookup_url = f"{url}?{urlencode(params)}" if params else url
    field.widget.placeholder = (
        "Type an organisation's name…" if kind == Stakeholder.Kind.ORGANISATION else "Type a name…"
    )


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
    organisations = StakeholdersChoiceField(
        queryset=Stakeholder.objects.none(),
        required=False,
        help_text="For a person: the organisations they work in.",
    )

    class Meta:
        model = Stakeholder
        fields = [
            "kind", "name", "given_name", "family_name", "sector", "level", "organisations",
            "title", "is_internal",
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
        pick_stakeholders(
            self,
            "organisations",
            workspace,
            kind=Stakeholder.Kind.ORGANISATION,
            exclude=self.instance,
        )
        for name in ("influence", "interest"):
            self.fields[name].widget = forms.Select(
                choices=[("", "—"), *[(i, str(i)) for i in range(1, 6)]]
            )
        if self.instance.pk:
            self.initial["tags"] = ", ".join(t.name for t in self.instance.tags.all())
        self.fields["given_name"].help_text = "For a person; left empty, it is read from the name."
        self.fields["family_name"].help_text = (
            "For a person: lists sort by it (“Dr. Alan Brooks” under B); left empty, it is read "
            "from the name."
        )

    def clean_tags(self) -> list[str]:
        raw = self.cleaned_data.get("tags") or ""
        return [t.strip() for t in raw.split(",") if t.strip()]

    def service_data(self) -> dict[str, Any]:
        """The cleaned data in the shape `services.save_stakeholder` takes. Given and family names
        left as they were are left out, so that they follow a new name (the service splits it)."""
        data = dict(self.cleaned_data)
        data["organisations"] = list(data.get("organisations") or [])
        if "given_name" not in self.changed_data and "family_name" not in self.changed_data:
            data.pop("given_name", None)
            data.pop("family_name", None)
        return data


class MergeForm(forms.Form):
    """Choose the stakeholder to merge into this one: of its kind, found as one types."""

    stakeholder = StakeholderChoiceField(
        queryset=Stakeholder.objects.none(),
        label="Merge into this one",
        help_text="It goes to the trash once merged; restoring it from the trash undoes the merge.",
    )

    def __init__(self, *args: Any, member: Membership, keep: Stakeholder, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        pick_stakeholders(self, "stakeholder", member.workspace, kind=keep.kind, exclude=keep)
        kind = "person" if keep.kind == Stakeholder.Kind.PERSON else "organisation"
        self.fields["stakeholder"].error_messages["invalid_choice"] = (
            f"No other {kind} of this workspace has that id: only two stakeholders of one kind "
            "can be merged."
        )


SCALE_HELP = "1 not at all, 2 a small amount, 3 a fair amount, 4 a great deal (the PARTNER scale)."


def member_choices(workspace: Workspace, empty_label: str) -> list[tuple[str, str]]:
    return [
        ("", empty_label),
        *[
            (str(m.pk), m.user.display_name)
            for m in Membership.objects.filter(workspace=workspace).select_related("user")
        ],
    ]


class TieForm(forms.ModelForm):
    """Create or edit a tie between two stakeholders."""

    source = StakeholderChoiceField(queryset=Stakeholder.objects.none(), label="From")
    target = StakeholderChoiceField(queryset=Stakeholder.objects.none(), label="To")
    owner = MemberChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        label="Relationship owner",
        help_text="The member who keeps this relationship warm.",
    )
    roles = forms.MultipleChoiceField(
        choices=PartnerRole.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-list"}),
        help_text="What the “to” stakeholder does in this relationship.",
    )

    # The ends and the owner stay out of Meta.fields: the service resolves and checks them.
    field_order = [
        "source", "target", "kind", "directed", "status", "started_on", "ended_on",
        "cadence_days", "max_cadence_days", "owner", "trust", "value", "roles", "notes",
    ]  # fmt: skip

    def _post_clean(self) -> None:
        # A maximum is judged against the ideal given: when that ideal is itself refused, the
        # instance still holds the stored one, and comparing with it would mislead.
        max_refused_already = "max_cadence_days" in self.errors
        super()._post_clean()  # type: ignore[misc]  # Django's, not in its stubs
        if "cadence_days" in self.errors and not max_refused_already:
            self.errors.pop("max_cadence_days", None)

    class Meta:
        model = Tie
        fields = [
            "kind", "directed", "status", "started_on", "ended_on", "cadence_days",
            "max_cadence_days", "trust", "value", "roles", "notes",
        ]  # fmt: skip
        widgets = {
            "started_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ended_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, member: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        workspace = member.workspace
        self.instance.workspace = workspace
        pick_stakeholders(self, "source", workspace)
        pick_stakeholders(self, "target", workspace)
        pick_members(self, "owner", workspace)
        # The model field's own bounds (0 and up) would otherwise win over the widget's.
        self.fields["cadence_days"].widget.attrs.update(min=1, max=MAX_CADENCE_DAYS)
        self.fields["cadence_days"].label = "Ideal: contact every (days)"
        self.fields["cadence_days"].help_text = (
            "How often this relationship should be touched, 1 to 3,650 days; past it the tie "
            "is cooling. Empty for none."
        )
        self.fields["max_cadence_days"].widget.attrs.update(min=1, max=MAX_CADENCE_DAYS)
        self.fields["max_cadence_days"].label = "At most every (days)"
        self.fields[
            "max_cadence_days"
        ].help_text = (
            "The longest gap before the tie is cold, at least the ideal; empty for twice it."
        )
        for name in ("cadence_days", "max_cadence_days"):
            # One lower bound, said once: at least a day (the model field's own says 0).
            field = self.fields[name]
            field.validators = [
                v for v in field.validators if not isinstance(v, MinValueValidator)
            ] + [MinValueValidator(1)]
        self.fields["directed"].label = "One-way"
        self.fields["directed"].help_text = "The tie runs from the first stakeholder to the second."
        for name in ("trust", "value"):
            self.fields[name].widget = forms.Select(
                choices=[("", "—"), *[(i, str(i)) for i in range(1, 5)]]
            )
            self.fields[name].help_text = SCALE_HELP
        if self.instance.pk:
            self.initial.update(
                source=self.instance.source_id,
                target=self.instance.target_id,
                owner=self.instance.owner_id,
            )

    def service_data(self) -> dict[str, Any]:
        """The cleaned data in the shape `services.save_tie` takes."""
        return dict(self.cleaned_data)
