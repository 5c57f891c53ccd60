"""Forms for interaction and commitment pages: edit, quick capture (list filters: filters.py)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone

from cityweave.engagement import services
from cityweave.engagement.models import Commitment, Interaction
from cityweave.goals.models import Goal
from cityweave.stakeholders.forms import (
    StakeholderChoiceField,
    StakeholdersChoiceField,
    pick_stakeholders,
)
from cityweave.stakeholders.models import Stakeholder
from cityweave.web.widgets import RecordChoiceField
from cityweave.workspaces.forms import MemberChoiceField, MembersChoiceField, pick_members
from cityweave.workspaces.models import Membership

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def when_widget() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL)


def date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def now_in(member: Membership) -> str:
    """The current minute in the workspace's time zone, as a datetime-local value."""
    local = timezone.localtime(timezone.now(), services.workspace_zone(member.workspace))
    return local.strftime(DATETIME_LOCAL)


def members_of(member: Membership) -> QuerySet[Membership]:
    return Membership.objects.filter(workspace=member.workspace).select_related("user")


def goals_of(member: Membership) -> QuerySet[Goal]:
    return Goal.objects.filter(workspace=member.workspace)


def limit_choices(form: forms.BaseForm, name: str, queryset: QuerySet[Any]) -> None:
    """Offer only `queryset` (the workspace's own records) in a model choice field."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


class InteractionForm(forms.ModelForm):
    """Create or edit an interaction."""

    occurred_at = forms.DateTimeField(label="When", widget=when_widget())
    participants = StakeholdersChoiceField(
        queryset=Stakeholder.objects.none(), help_text="The stakeholders who took part."
    )
    members_present = MembersChoiceField(
        queryset=Membership.objects.none(), required=False, help_text="Who from our side was there."
    )
    goal = RecordChoiceField(
        queryset=Goal.objects.none(),
        required=False,
        empty_label="No goal",
        help_text="The goal this contact served.",
    )

    class Meta:
        model = Interaction
        fields = [
            "occurred_at", "kind", "summary", "duration_minutes", "participants", "members_present",
            "goal", "private", "notes",
        ]  # fmt: skip
        widgets = {"notes": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, member: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.workspace = member.workspace
        pick_stakeholders(self, "participants", member.workspace)
        pick_members(self, "members_present", member.workspace)
        limit_choices(self, "goal", goals_of(member))
        if self.instance.pk is None:
            self.initial.setdefault("occurred_at", now_in(member))
            self.initial.setdefault("members_present", [member.pk])

    def service_data(self) -> dict[str, Any]:
        """The cleaned data in the shape `services.save_interaction` takes."""
        data = dict(self.cleaned_data)
        data["participants"] = list(data.get("participants") or [])
        data["members_present"] = list(data.get("members_present") or [])
        return data


class QuickCaptureForm(forms.Form):
    """Log an interaction with one stakeholder and, optionally, the follow-up promised in it."""

    occurred_at = forms.DateTimeField(label="When", widget=when_widget())
    kind = forms.ChoiceField(choices=Interaction.Kind.choices, initial=Interaction.Kind.MEETING)
    summary = forms.CharField(max_length=300, help_text="One line: what happened.")
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    participants = StakeholdersChoiceField(
        queryset=Stakeholder.objects.none(),
        required=False,
        label="Other participants",
        help_text="Anyone else who took part.",
    )
    members_present = MembersChoiceField(
        queryset=Membership.objects.none(), required=False, help_text="Who from our side was there."
    )
    goal = RecordChoiceField(
        queryset=Goal.objects.none(),
        required=False,
        empty_label="No goal",
        help_text="The goal this contact served.",
    )
    private = forms.BooleanField(required=False, help_text="Visible only to you.")
    follow_up_description = forms.CharField(
        max_length=300,
        required=False,
        label="Follow-up promised",
        help_text="Leave empty when nothing was promised.",
    )
    follow_up_owed_by = forms.ChoiceField(
        choices=Commitment.OwedBy.choices, initial=Commitment.OwedBy.US, label="Owed by"
    )
    follow_up_due_on = forms.DateField(required=False, label="Due", widget=date_widget())
    follow_up_owner = MemberChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        empty_label=None,
        label="Follow-up owner",
        help_text="Who on our side keeps track of it; you, unless you choose someone else.",
    )

    FOLLOW_UP_FIELDS = (
        "follow_up_description", "follow_up_owed_by", "follow_up_due_on", "follow_up_owner",
    )  # fmt: skip

    def __init__(
        self, *args: Any, member: Membership, stakeholder: Stakeholder, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.stakeholder = stakeholder
        pick_stakeholders(self, "participants", member.workspace, exclude=stakeholder)
        pick_members(self, "members_present", member.workspace)
        limit_choices(self, "goal", goals_of(member))
        pick_members(self, "follow_up_owner", member.workspace)
        self.initial.setdefault("occurred_at", now_in(member))
        self.initial.setdefault("members_present", [member.pk])
        self.initial.setdefault("follow_up_owner", member.pk)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A due date that failed to parse already carries its own error.
        wants_date = data.get("follow_up_description") and "follow_up_due_on" not in self.errors
        if wants_date and not data.get("follow_up_due_on"):
            self.add_error("follow_up_due_on", "Give the follow-up a due date.")
        if data.get("follow_up_due_on") and not data.get("follow_up_description"):
            self.add_error("follow_up_description", "Say what was promised, or clear the due date.")
        return data

    def interaction_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.fields if name not in self.FOLLOW_UP_FIELDS]

    def follow_up_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.FOLLOW_UP_FIELDS]

    def interaction_data(self) -> dict[str, Any]:
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.FOLLOW_UP_FIELDS}
        data["participants"] = list(data.get("participants") or [])
        data["members_present"] = list(data.get("members_present") or [])
        return data

    def follow_up_data(self) -> dict[str, Any] | None:
        """The follow-up commitment's fields, or None when nothing was promised."""
        data = self.cleaned_data
        if not data.get("follow_up_description"):
            return None
        return {
            "description": data["follow_up_description"],
            "owed_by": data["follow_up_owed_by"],
            "due_on": data["follow_up_due_on"],
            "owner": data.get("follow_up_owner"),
        }


class CommitmentForm(forms.ModelForm):
    """Create or edit a commitment."""

    stakeholder = StakeholderChoiceField(queryset=Stakeholder.objects.none(), label="With")
    owner = MemberChoiceField(
        queryset=Membership.objects.none(),
        required=False,
        empty_label="Nobody yet",
        help_text="Who on our side keeps track of it.",
    )
    due_on = forms.DateField(label="Due", widget=date_widget())

    class Meta:
        model = Commitment
        fields = ["description", "stakeholder", "owed_by", "owner", "due_on", "status"]

    def __init__(self, *args: Any, member: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.workspace = member.workspace
        pick_stakeholders(self, "stakeholder", member.workspace)
        pick_members(self, "owner", member.workspace)
        if self.instance.pk is None:
            self.initial.setdefault("owner", member.pk)

    def service_data(self) -> dict[str, Any]:
        """The cleaned data in the shape `services.save_commitment` takes."""
        return dict(self.cleaned_data)
