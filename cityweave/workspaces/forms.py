"""Forms for the workspace settings page: name and time zone, members, the workspace's own sectors."""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.urls import reverse

from cityweave.stakeholders.models import Sector
from cityweave.web.widgets import (
    LookupSelect,
    LookupSelectMultiple,
    LookupWidgetMixin,
    RecordChoiceField,
    RecordsChoiceField,
)
from cityweave.workspaces.models import Membership, Role, Workspace


@cache
def timezone_choices() -> list[tuple[str, str]]:
    """IANA time zones by region (Europe/London…), plus UTC; legacy aliases left out."""
    names = sorted(
        name
        for name in zoneinfo.available_timezones()
        if "/" in name and not name.startswith(("Etc/", "SystemV/", "US/", "posix", "right"))
    )
    return [("UTC", "UTC"), *[(name, name.replace("_", " ")) for name in names]]


class WorkspaceForm(forms.Form):
    """The workspace's name and time zone."""

    name = forms.CharField(max_length=200)
    timezone = forms.ChoiceField(
        label="Time zone", help_text="Dates such as “due today” and “overdue” follow this zone."
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = timezone_choices()
        current = self.initial.get("timezone")
        if current and current not in dict(choices):
            choices = [(current, current), *choices]
        field = self.fields["timezone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


class AddMemberForm(forms.Form):
    """Add someone by email, with a role."""

    email = forms.EmailField(
        help_text="They are emailed a link to the workspace (and, when new to cityweave, to "
        "choose a password)."
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.EDITOR)


class RoleForm(forms.Form):
    """A member's new role."""

    role = forms.ChoiceField(choices=Role.choices)


class SectorForm(forms.Form):
    """A sector of the workspace's own, next to the built-in ones."""

    key = forms.SlugField(
        max_length=50, help_text="Lowercase letters, digits and hyphens, e.g. arts-culture."
    )
    label = forms.CharField(max_length=100, help_text="As people read it, e.g. Arts & culture.")

    def __init__(self, *args: Any, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workspace = workspace

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if Sector.objects.filter(workspace=self.workspace, key=key).exists():
            raise forms.ValidationError(f"This workspace already has a sector “{key}”.")
        return key


class MemberChoiceField(RecordChoiceField):
    """One member of the workspace, shown by name and picked by searching for it."""

    widget = LookupSelect
    default_error_messages = {"invalid_choice": "No such member of this workspace."}

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.user.display_name)


class MembersChoiceField(RecordsChoiceField):
    """Members of the workspace, shown by name and picked by searching for them."""

    widget = LookupSelectMultiple
    default_error_messages = {"invalid_choice": "No such member of this workspace: %(value)s."}

    def label_from_instance(self, obj: Any) -> str:
        return str(obj.user.display_name)


def pick_members(form: forms.BaseForm, name: str, workspace: Workspace) -> None:
    """Let field `name` (a MemberChoiceField or MembersChoiceField) choose among the workspace's
    members, found through the member lookup as the user types."""
    field = form.fields[name]
    assert isinstance(field, MemberChoiceField | MembersChoiceField)
    field.queryset = Membership.objects.filter(workspace=workspace).select_related("user")
    assert isinstance(field.widget, LookupWidgetMixin)
    field.widget.lookup_url = reverse("settings:member_lookup", args=[workspace.slug])
    field.widget.placeholder = "Type a member's name…"
