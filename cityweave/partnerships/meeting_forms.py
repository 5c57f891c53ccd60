"""Forms for a partnership's joint activities, channels and meeting plans (the planner's agenda,
invitees and follow-ups)."""

from __future__ import annotations

from typing import Any

from django import forms

from cityweave.engagement.forms import date_widget, when_widget
from cityweave.engagement.models import Commitment
from cityweave.partnerships.models import Channel, Partner, Partnership
from cityweave.partnerships.services import partners
from cityweave.vocabulary import PartnerRole, ValueType
from cityweave.web.widgets import RecordChoiceField, RecordsChoiceField

#: How many agenda rows the plan form offers; empty rows are left out.
AGENDA_ROWS = 6


class PartnerChoiceField(RecordsChoiceField):
    """Partners of one partnership, as checkboxes named by their stakeholder."""

    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj: Partner) -> str:  # type: ignore[override]
        return obj.stakeholder.name


class PartnerOneChoiceField(RecordChoiceField):
    """One partner of a partnership, named by its stakeholder."""

    def label_from_instance(self, obj: Partner) -> str:  # type: ignore[override]
        return obj.stakeholder.name


class ActivityForm(forms.Form):
    """Record or edit a joint activity or event."""

    name = forms.CharField(max_length=200, help_text="E.g. a community service day, a forum.")
    held_on = forms.DateField(label="Date", widget=date_widget())
    place = forms.CharField(max_length=200, required=False)
    attendance = forms.IntegerField(min_value=0, required=False, help_text="How many people came.")
    outcome = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
    partners = PartnerChoiceField(
        queryset=Partner.objects.none(),
        label="Partners involved",
        help_text="Each is logged as a participant of the event, so relationship health counts it.",
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["partners"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = partners(partnership)

    def service_data(self) -> dict[str, Any]:
        """The cleaned data in the shape `activities.save_activity` takes."""
        data = dict(self.cleaned_data)
        data["partners"] = list(data.get("partners") or [])
        return data


class ChannelForm(forms.Form):
    """Agree or edit a communication channel."""

    kind = forms.ChoiceField(choices=Channel.Kind.choices)
    name = forms.CharField(max_length=200, help_text="E.g. the steering group's email list.")
    every_days = forms.IntegerField(label="Used at least every (days)", min_value=1, max_value=366)
    response_days = forms.IntegerField(
        label="Answered within (days)", min_value=0, max_value=366, required=False
    )
    last_used_on = forms.DateField(label="Last used", required=False, widget=date_widget())


class MeetingPlanForm(forms.Form):
    """Plan a meeting: when, how long, where, and agenda items tagged with what they need."""

    title = forms.CharField(max_length=200)
    starts_at = forms.DateTimeField(label="Starts", widget=when_widget())
    duration_minutes = forms.IntegerField(
        label="Length (minutes)", min_value=5, max_value=24 * 60, initial=60
    )
    place = forms.CharField(max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for n in range(AGENDA_ROWS):
            self.fields[f"agenda_{n}_text"] = forms.CharField(
                label=f"Item {n + 1}", max_length=300, required=False
            )
            self.fields[f"agenda_{n}_roles"] = forms.MultipleChoiceField(
                label=f"Item {n + 1}: roles it needs",
                choices=PartnerRole.choices,
                required=False,
                widget=forms.SelectMultiple(attrs={"size": 4}),
            )
            self.fields[f"agenda_{n}_value_types"] = forms.MultipleChoiceField(
                label=f"Item {n + 1}: value types it needs",
                choices=ValueType.choices,
                required=False,
                widget=forms.SelectMultiple(attrs={"size": 4}),
            )

    @property
    def plan_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("title", "starts_at", "duration_minutes", "place")]

    @property
    def agenda_rows(self) -> list[tuple[forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [
            (self[f"agenda_{n}_text"], self[f"agenda_{n}_roles"], self[f"agenda_{n}_value_types"])
            for n in range(AGENDA_ROWS)
        ]

    def service_data(self) -> dict[str, Any]:
        """The cleaned data in the shape `meetings.save_plan` takes: rows with text or tags
        become the agenda, in order."""
        data = {
            name: self.cleaned_data[name]
            for name in ("title", "starts_at", "duration_minutes", "place")
        }
        self.row_of: list[int] = []
        agenda = []
        for n in range(AGENDA_ROWS):
            text = self.cleaned_data.get(f"agenda_{n}_text", "")
            roles = self.cleaned_data.get(f"agenda_{n}_roles") or []
            value_types = self.cleaned_data.get(f"agenda_{n}_value_types") or []
            if text or roles or value_types:
                self.row_of.append(n)
                agenda.append({"text": text, "roles": roles, "value_types": value_types})
        data["agenda"] = agenda
        return data

    def field_for(self, name: str) -> str | None:
        """The form field a service error names (`agenda[1].roles` → the row's field)."""
        if name.startswith("agenda[") and "]." in name:
            index, _, part = name[len("agenda[") :].partition("].")
            rows = getattr(self, "row_of", [])
            if index.isdigit() and int(index) < len(rows):
                return f"agenda_{rows[int(index)]}_{part}"
        if name == "agenda":
            return "agenda_0_text"
        return name if name in self.fields else None


class ConfirmForm(forms.Form):
    """Who is invited: the proposed partners ticked, any other partner to add."""

    invited = forms.MultipleChoiceField(
        choices=[], required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, partner_ids: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["invited"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = [(str(pk), str(pk)) for pk in partner_ids]


class FollowUpForm(forms.Form):
    """A follow-up of a confirmed meeting, made a commitment on it."""

    description = forms.CharField(max_length=300, label="Follow-up")
    owed_by = forms.ChoiceField(choices=Commitment.OwedBy.choices, initial=Commitment.OwedBy.US)
    stakeholder = PartnerOneChoiceField(
        queryset=Partner.objects.none(),
        label="With",
        empty_label=None,
        help_text="The partner who owes it, or whom we owe it to.",
    )
    due_on = forms.DateField(label="Due", widget=date_widget())

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["stakeholder"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = partners(partnership)

    def service_data(self) -> dict[str, Any]:
        """The cleaned data in the shape `meetings.add_follow_up` takes."""
        data = dict(self.cleaned_data)
        data["stakeholder"] = data["stakeholder"].stakeholder
        return data
