"""Forms of the convenings' pages: a convening, inviting cities, a delegate (with a local partner
picked from the city's own workspace), a delegate's registration, attendance, a session's
proposal, review and schedule, and a follow-up with its reviews."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from cityweave.peers import services
from cityweave.peers.access import NetworkMember
from cityweave.peers.models import (
    REVIEW_DAYS,
    Convening,
    Delegate,
    DelegateKind,
    FollowUp,
    FollowUpStatus,
    MemberCity,
    Session,
    SessionFormat,
    SessionStatus,
)
from cityweave.stakeholders.models import Stakeholder

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _local(moment: dt.datetime | None, zone: dt.tzinfo) -> dt.datetime | None:
    """`moment` as the naive wall-clock time of `zone` (the host city's), as a datetime-local
    field shows and reads it back; None stays None."""
    return None if moment is None else moment.astimezone(zone).replace(tzinfo=None)


def _choices(field: forms.Field, choices: list[tuple[Any, str]]) -> None:
    assert isinstance(field, forms.ChoiceField)
    field.choices = choices


class ConveningForm(forms.Form):
    """A convening: where, when, its theme and capacity, and the delegation rule."""

    title = forms.CharField(max_length=200)
    host_city = forms.TypedChoiceField(label="Host city", coerce=int)
    venue = forms.CharField(max_length=200, help_text="e.g. Chattanooga Convention Center.")
    starts_on = forms.DateField(label="First day", widget=DATE)
    ends_on = forms.DateField(label="Last day", widget=DATE)
    theme = forms.ChoiceField(required=False, help_text="A challenge of the network's list.")
    capacity = forms.IntegerField(
        min_value=1, max_value=10_000, help_text="The most delegates the venue holds."
    )
    officials_required = forms.IntegerField(
        label="Officials per delegation", min_value=0, max_value=20, initial=2
    )
    partners_required = forms.IntegerField(
        label="Local partners per delegation",
        min_value=0,
        max_value=20,
        initial=1,
        help_text="A foundation, anchor institution, chamber of commerce or other key partner.",
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(
        self, *args: Any, member: NetworkMember, convening: Convening | None = None, **kwargs: Any
    ) -> None:
        if convening is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(convening, name) for name in self.base_fields if name != "host_city"
            }
            kwargs["initial"]["host_city"] = convening.host_city_id
        super().__init__(*args, **kwargs)
        cities = services.cities(member).only("pk", "name", "region")
        _choices(self.fields["host_city"], [("", "— choose —")] + [(c.pk, str(c)) for c in cities])
        _choices(
            self.fields["theme"],
            [("", "— none —"), *services.challenge_choices(member.network)],
        )


class InviteForm(forms.Form):
    """Cities to invite to a convening."""

    cities = forms.TypedMultipleChoiceField(
        label="Cities to invite",
        coerce=int,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Each invited city sends a delegation. Hold Ctrl (⌘ on a Mac) to pick several.",
    )

    def __init__(self, *args: Any, cities: list[MemberCity], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choices(self.fields["cities"], [(c.pk, str(c)) for c in cities])


class DelegateForm(forms.Form):
    """A delegate of a city's delegation; a partner may be picked from the city's workspace."""

    kind = forms.ChoiceField(choices=DelegateKind.choices, initial=DelegateKind.OFFICIAL)
    stakeholder = forms.TypedChoiceField(
        label="Pick from your city's workspace",
        coerce=int,
        empty_value=None,
        required=False,
        help_text="For a local partner: their name, title and organisation are copied; "
        "nothing else of the workspace goes to the network.",
    )
    name = forms.CharField(max_length=200, required=False)
    title = forms.CharField(max_length=200, required=False, help_text="e.g. Mayor.")
    organisation = forms.CharField(
        max_length=200, required=False, help_text="A partner's organisation."
    )
    email = forms.EmailField(
        max_length=254, required=False, help_text="Where to send the personal link."
    )

    def __init__(
        self,
        *args: Any,
        candidates: list[Stakeholder],
        delegate: Delegate | None = None,
        **kwargs: Any,
    ) -> None:
        if delegate is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                name: getattr(delegate, name) for name in self.base_fields if name != "stakeholder"
            }
            kwargs["initial"]["stakeholder"] = delegate.stakeholder_id
        super().__init__(*args, **kwargs)
        if not candidates:
            del self.fields["stakeholder"]
            return
        self.fields["name"].help_text = "Left empty: the picked person's (or organisation's) name."
        _choices(
            self.fields["stakeholder"],
            [("", "— type the partner below —")]
            + [
                (s.pk, f"{s.name} ({s.sector_label})" if s.kind == "organisation" else s.name)
                for s in candidates
            ],
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("name") and not data.get("stakeholder") and "name" not in self.errors:
            self.add_error("name", "Give the delegate's name.")
        return data


class RegistrationForm(forms.Form):
    """A delegate's own details, confirmed through their personal link."""

    name = forms.CharField(max_length=200, help_text="As it should be printed on your badge.")
    title = forms.CharField(max_length=200, required=False, help_text="e.g. Mayor.")
    dietary_needs = forms.CharField(
        label="Dietary needs", max_length=300, required=False, help_text="Optional."
    )
    access_needs = forms.CharField(
        label="Access needs",
        max_length=300,
        required=False,
        help_text="Optional: anything that helps you take part (step-free access, captions…).",
    )


ATTENDANCE_CHOICES = [("", "Not recorded"), ("yes", "Came"), ("no", "Did not come")]


class AttendanceForm(forms.Form):
    """Who came: one choice per delegate (field `d<id>`)."""

    def __init__(self, *args: Any, delegates: list[Delegate], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.delegates = delegates
        for delegate in delegates:
            name = f"d{delegate.pk}"
            self.fields[name] = forms.ChoiceField(
                label=f"{delegate.name}, {delegate.delegation.city}",
                choices=ATTENDANCE_CHOICES,
                required=False,
            )
            came = delegate.attended
            self.initial[name] = "" if came is None else ("yes" if came else "no")

    def attended(self) -> dict[int, bool | None]:
        """The choices as `record_attendance` takes them."""
        values = {"yes": True, "no": False, "": None}
        return {d.pk: values[self.cleaned_data.get(f"d{d.pk}") or ""] for d in self.delegates}


class SessionForm(forms.Form):
    """A session an invited city proposes."""

    city = forms.TypedChoiceField(label="Proposed by", coerce=int)
    title = forms.CharField(max_length=200)
    challenge = forms.ChoiceField(required=False, help_text="The challenge it takes on.")
    format = forms.ChoiceField(choices=SessionFormat.choices)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(
        self,
        *args: Any,
        member: NetworkMember,
        cities: list[MemberCity],
        session: Session | None = None,
        **kwargs: Any,
    ) -> None:
        if session is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "city": session.city_id,
                **{n: getattr(session, n) for n in ("title", "challenge", "format", "description")},
            }
        super().__init__(*args, **kwargs)
        _choices(self.fields["city"], [(c.pk, str(c)) for c in cities])
        _choices(
            self.fields["challenge"],
            [("", "— none —"), *services.challenge_choices(member.network)],
        )


class ReviewForm(forms.Form):
    """The staff's decision on a proposed session."""

    status = forms.ChoiceField(label="Decision", choices=SessionStatus.choices)


class ScheduleForm(forms.Form):
    """A session's room, time (in the host city's time zone) and presenters."""

    room = forms.CharField(max_length=100, help_text="e.g. Hall A.")
    starts_at = forms.DateTimeField(label="Starts", widget=DATETIME)
    ends_at = forms.DateTimeField(label="Ends", widget=DATETIME)
    presenters = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Delegates of the convening; none may present elsewhere at the same time.",
    )

    def __init__(
        self,
        *args: Any,
        delegates: list[Delegate],
        zone: dt.tzinfo,
        session: Session | None = None,
        **kwargs: Any,
    ) -> None:
        if session is not None and session.starts_at is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "room": session.room,
                "starts_at": _local(session.starts_at, zone),
                "ends_at": _local(session.ends_at, zone),
                "presenters": [p.pk for p in session.presenters.all()],
            }
        super().__init__(*args, **kwargs)
        _choices(
            self.fields["presenters"], [(d.pk, f"{d.name}, {d.delegation.city}") for d in delegates]
        )


class FollowUpForm(forms.Form):
    """An idea a delegation will act on after the convening."""

    idea = forms.CharField(max_length=300, help_text="One line: what the city will do.")
    owner_name = forms.CharField(label="Owner", max_length=200, help_text="Who carries it.")
    due_on = forms.DateField(label="Due", widget=DATE)
    status = forms.ChoiceField(choices=FollowUpStatus.choices, initial=FollowUpStatus.PLANNED)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, follow_up: FollowUp | None = None, **kwargs: Any) -> None:
        if follow_up is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(follow_up, name) for name in self.base_fields}
        super().__init__(*args, **kwargs)


class FollowUpReviewForm(forms.Form):
    """A 30-, 90- or 180-day review of a follow-up, with where it stands now."""

    days = forms.TypedChoiceField(
        label="Review", coerce=int, choices=[(d, f"{d}-day review") for d in REVIEW_DAYS]
    )
    status = forms.ChoiceField(label="Where it stands", choices=FollowUpStatus.choices)
