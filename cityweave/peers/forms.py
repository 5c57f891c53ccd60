"""Forms for the network-of-cities pages: a city's profile, a strength, an official, one of the
network's own challenges, and an import of cities from GeoNames."""

from __future__ import annotations

from typing import Any

from django import forms

from cityweave.peers import services
from cityweave.peers.access import NetworkMember
from cityweave.peers.models import MAX_POPULATION, MemberCity
from cityweave.workspaces.models import Membership, Role


class CityForm(forms.Form):
    """A member city's profile and its challenges."""

    name = forms.CharField(max_length=200)
    region = forms.CharField(
        label="State or region", max_length=100, required=False, help_text="e.g. TN."
    )
    country = forms.CharField(max_length=100, initial="United States")
    population = forms.IntegerField(
        min_value=0, max_value=MAX_POPULATION, required=False, help_text="People."
    )
    timezone = forms.CharField(
        label="Time zone", max_length=64, required=False, help_text="e.g. America/New_York."
    )
    challenges = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="What the city is working on, from the network's list.",
    )
    officials = forms.CharField(
        label="Participating officials",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: name, title, contact.",
    )
    partners = forms.CharField(
        label="Participating partners",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line: organisation, contact.",
    )
    workspace = forms.ChoiceField(
        label="The city's own cityweave workspace",
        required=False,
        help_text="Only that it has one is known to the network; nothing in it is ever shown.",
    )

    def __init__(
        self, *args: Any, member: NetworkMember, city: MemberCity | None = None, **kwargs: Any
    ) -> None:
        if city is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{name: getattr(city, name) for name in services.CITY_FIELDS},
                "challenges": services.city_challenges(city),
            }
        super().__init__(*args, **kwargs)
        choices = self.fields["challenges"]
        assert isinstance(choices, forms.MultipleChoiceField)
        choices.choices = services.challenge_choices(member.network)
        owned = list(
            Membership.objects.filter(user=member.user, role=Role.OWNER)
            .select_related("workspace")
            .order_by("workspace__name")
        )
        linked = city.workspace_id if city is not None else None
        if not owned or (linked and linked not in {m.workspace_id for m in owned}):
            # Nothing to choose, or linked by someone else: the link stays as it is.
            del self.fields["workspace"]
            return
        field = self.fields["workspace"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "— none —")] + [(m.workspace.slug, m.workspace.name) for m in owned]
        if linked:
            self.initial["workspace"] = next(
                m.workspace.slug for m in owned if m.workspace_id == linked
            )

    def service_data(self) -> dict[str, Any]:
        """The cleaned fields as `services.save_city` takes them."""
        return dict(self.cleaned_data)


class StrengthForm(forms.Form):
    """Something the city has done well and can share."""

    challenge = forms.ChoiceField()
    description = forms.CharField(max_length=300, help_text="One line: what it did.")
    evidence = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What shows it worked: results, reports, links.",
    )

    def __init__(self, *args: Any, member: NetworkMember, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["challenge"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = services.challenge_choices(member.network)


class OfficialForm(forms.Form):
    """Make someone an official of the city."""

    email = forms.EmailField(
        label="Official's email",
        max_length=254,
        help_text="They can then edit this city's profile; someone new sets a password through "
        "“Forgot your password?”.",
    )


class ChallengeForm(forms.Form):
    """One of the network's own challenges."""

    label = forms.CharField(max_length=100, help_text="e.g. Transit.")
    key = forms.CharField(
        max_length=50, help_text="Lowercase letters, digits and hyphens, e.g. transit."
    )


class ImportForm(forms.Form):
    """US cities to add from GeoNames."""

    places = forms.CharField(
        label="Cities",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line, “City, ST” (e.g. “Chattanooga, TN”); state, population and "
        "time zone come from GeoNames (cities of 15,000 people or more).",
    )

    def place_list(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["places"].splitlines() if line.strip()]


class StaffForm(forms.Form):
    """Put someone on the network's staff."""

    email = forms.EmailField(
        max_length=254,
        help_text="Someone new gets an account and sets a password through “Forgot your "
        "password?”.",
    )
    role = forms.ChoiceField(choices=Role.choices, initial=Role.VIEWER)
