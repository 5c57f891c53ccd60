"""The goal list's filters: one definition for the list page, the API list route and the CSV
export (cityweave.web.filtering)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from cityweave.goals.models import Goal
from cityweave.web.filtering import ListFilters, once
from cityweave.web.forms import choice_field
from cityweave.workspaces.models import Membership

#: The owner filter's value for goals nobody owns.
NO_OWNER = "none"


class GoalFilters(ListFilters):
    """`q` (statement, metric), status, owner (a membership id, or `none` for no owner)."""

    search_fields = ("statement", "metric")

    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Goal.Status.choices])
    owner = forms.ChoiceField(required=False)

    def __init__(self, *args: Any, member: Membership, **kwargs: Any) -> None:
        super().__init__(*args, member=member, **kwargs)
        members = Membership.objects.filter(workspace=member.workspace).select_related("user")
        choice_field(self, "owner").choices = once(
            lambda: [
                ("", "Any owner"),
                (NO_OWNER, "No owner"),
                *[(str(m.pk), m.user.display_name) for m in members],
            ]
        )

    def narrow(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("owner") == NO_OWNER:
            queryset = queryset.filter(owner__isnull=True)
        elif data.get("owner"):
            queryset = queryset.filter(owner_id=int(data["owner"]))
        return queryset
