"""Forms of the network-as-a-network pages: logging a peer exchange, planning cohorts, inviting
an official, and accepting an invitation with a new password."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from cityweave.peers import cohorts, services
from cityweave.peers.access import NetworkMember
from cityweave.peers.models import ExchangeKind, MemberCity
from cityweave.storable import TEXT_MAX_LENGTH


def city_choices(cities: list[MemberCity]) -> list[tuple[str, str]]:
    return [("", "— choose a city —")] + [(str(c.pk), str(c)) for c in cities]


class ExchangeForm(forms.Form):
    """A peer exchange between two member cities."""

    city_a = forms.ChoiceField(label="City")
    city_b = forms.ChoiceField(label="With")
    kind = forms.ChoiceField(choices=ExchangeKind.choices, initial=ExchangeKind.VISIT)
    date = forms.DateField(
        # <input type="date"> takes yyyy-MM-dd only: a localised "01/12/2026" is dropped.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="When it took place.",
    )
    note = forms.CharField(
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What it was about, what came of it.",
    )

    def __init__(self, *args: Any, member: NetworkMember, cities: list[MemberCity], **kw: Any):
        if "initial" not in kw:
            own = sorted(member.city_ids)
            kw["initial"] = {"date": timezone.localdate(), "city_a": own[0] if own else ""}
        super().__init__(*args, **kw)
        for name in ("city_a", "city_b"):
            field = self.fields[name]
            assert isinstance(field, forms.ChoiceField)
            field.choices = city_choices(cities)


class CohortForm(forms.Form):
    """The size of the groups and, optionally, the challenges they are built around."""

    size = forms.IntegerField(
        label="Cities per group",
        min_value=cohorts.MIN_SIZE,
        max_value=cohorts.MAX_SIZE,
        initial=8,
        help_text="Groups get this many cities, or one more or fewer; URBACT's networks have 6 "
        "to 10.",
    )
    challenges = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Only these count, and only the cities facing one of them are grouped; none "
        "chosen, all count.",
    )

    def __init__(self, *args: Any, member: NetworkMember, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["challenges"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = services.challenge_choices(member.network)


class InviteForm(forms.Form):
    """Invite someone to be an official of a city."""

    city = forms.ChoiceField()
    email = forms.EmailField(
        max_length=254,
        help_text="They get an email with a link that works once, for 14 days; someone new "
        "chooses a password there.",
    )

    def __init__(self, *args: Any, cities: list[MemberCity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["city"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = city_choices(cities)


class AcceptForm(forms.Form):
    """Accept an invitation by making an account: a name and a password, twice."""

    name = forms.CharField(max_length=200, help_text="As the network's other cities see it.")
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), strip=False
    )
    password_again = forms.CharField(
        label="Password again",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password_again") != data.get("password"):
            self.add_error("password_again", "The two passwords differ.")
        return data
