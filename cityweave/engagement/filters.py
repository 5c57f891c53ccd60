"""The interaction and commitment lists' filters: one definition each, for the list page, the API
list route and the CSV/XLSX export (cityweave.web.filtering)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from cityweave.engagement import services
from cityweave.engagement.forms import date_widget
from cityweave.engagement.models import Commitment, Interaction
from cityweave.goals.models import Goal
from cityweave.stakeholders.filters import member_choices
from cityweave.stakeholders.models import sector_choices
from cityweave.storable import MAX_ID, SUPPORTED_DAYS
from cityweave.web.filtering import ListFilters, once
from cityweave.web.forms import choice_field
from cityweave.workspaces.models import Membership


def stakeholder_id(label: str) -> forms.IntegerField:
    """A stakeholder id set by links (hidden on the page)."""
    return forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, label=label, widget=forms.HiddenInput
    )


class InteractionFilters(ListFilters):
    """`q` (summary, notes, a participant's name), kind, sector (a participant's), member (the
    membership id of a member present), goal (an id), occurred_from and occurred_to (whole days in
    the workspace's time zone, both included), participant or stakeholder (a participant's id;
    `stakeholder` is what a stakeholder's page links with)."""

    search_fields = ("summary", "notes", "participants__name")
    joins_many = True

    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *Interaction.Kind.choices])
    sector = forms.ChoiceField(required=False, label="Participant sector")
    # The form's metaclass takes declared fields off the class: `self.member` stays the reader.
    member = forms.ChoiceField(required=False, label="Member present")  # type: ignore[assignment]
    goal = forms.ChoiceField(required=False)
    occurred_from = forms.DateField(
        required=False, label="From", widget=date_widget(), validators=SUPPORTED_DAYS
    )
    occurred_to = forms.DateField(
        required=False, label="To", widget=date_widget(), validators=SUPPORTED_DAYS
    )
    participant = stakeholder_id("Participant")
    stakeholder = stakeholder_id("Stakeholder")

    def __init__(self, *args: Any, member: Membership, **kwargs: Any) -> None:
        super().__init__(*args, member=member, **kwargs)
        workspace = member.workspace
        # Callables: read only when shown or when a given value is to be checked.
        choice_field(self, "sector").choices = once(
            lambda: [("", "Any sector"), *sector_choices(workspace)]
        )
        choice_field(self, "member").choices = once(lambda: member_choices(member, "Anyone"))
        choice_field(self, "goal").choices = once(
            lambda: [
                ("", "Any goal"),
                *[(str(g.pk), g.statement) for g in Goal.objects.filter(workspace=workspace)],
            ]
        )

    def repeats_rows(self, data: dict[str, Any]) -> bool:
        # The search and these filters join participants or members present; the rest do not.
        return services.repeats_interactions(
            self.q, *(data.get(name) for name in ("sector", "member", "participant", "stakeholder"))
        )

    def narrow(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        narrowed = services.narrow_interactions(
            queryset,
            self.workspace,
            kind=data.get("kind"),
            sector=data.get("sector"),
            member_present=int(data["member"]) if data.get("member") else None,
            goal=int(data["goal"]) if data.get("goal") else None,
            occurred_from=data.get("occurred_from"),
            occurred_to=data.get("occurred_to"),
        )
        for end in ("participant", "stakeholder"):
            if data.get(end) is not None:
                narrowed = narrowed.filter(participants=data[end])
        return narrowed


class CommitmentFilters(ListFilters):
    """`q` (description, the stakeholder's name), status, owed_by (us, them), owner (a membership
    id), due (`overdue`: open and past due; `this-week`: open, due in the next 7 days; `later`:
    open, due after that; in the workspace's time zone), stakeholder (an id)."""

    search_fields = ("description", "stakeholder__name")

    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *Commitment.Status.choices]
    )
    owed_by = forms.ChoiceField(
        required=False, choices=[("", "Owed by anyone"), *Commitment.OwedBy.choices]
    )
    owner = forms.ChoiceField(required=False)
    due = forms.ChoiceField(
        required=False,
        choices=[
            ("", "Any due date"),
            ("overdue", "Overdue"),
            ("this-week", "Due in the next 7 days"),
            ("later", "Due later"),
        ],
    )
    # Set by links such as "all commitments with …".
    stakeholder = stakeholder_id("Stakeholder")

    def __init__(self, *args: Any, member: Membership, **kwargs: Any) -> None:
        super().__init__(*args, member=member, **kwargs)
        choice_field(self, "owner").choices = once(lambda: member_choices(member, "Any owner"))

    def narrow(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        return services.filter_commitments(
            queryset,
            self.workspace,
            status=data.get("status"),
            owed_by=data.get("owed_by"),
            owner=int(data["owner"]) if data.get("owner") else None,
            stakeholder=data.get("stakeholder"),
            due=data.get("due"),
        )
