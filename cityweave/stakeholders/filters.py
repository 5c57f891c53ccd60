"""The stakeholder and tie lists' filters: one definition each, for the list page, the API list
route and the CSV export (cityweave.web.filtering)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from cityweave.engagement.health import filter_by_health
from cityweave.stakeholders.models import Stakeholder, Tag, Tie, sector_choices
from cityweave.storable import MAX_ID
from cityweave.web.filtering import ListFilters, once
from cityweave.web.forms import choice_field
from cityweave.workspaces.models import Membership

HEALTH_CHOICES = [("healthy", "Healthy"), ("cooling", "Cooling"), ("cold", "Cold")]


def member_choices(member: Membership, empty_label: str) -> list[tuple[str, str]]:
    """The workspace's members as (membership id, name) choices, after an empty choice."""
    members = Membership.objects.filter(workspace=member.workspace).select_related("user")
    return [("", empty_label), *[(str(m.pk), m.user.display_name) for m in members]]


def owned_by(member_id: int) -> Q:
    """Stakeholders at either end of a live tie kept by the member."""
    return Q(ties_out__owner_id=member_id, ties_out__deleted_at__isnull=True) | Q(
        ties_in__owner_id=member_id, ties_in__deleted_at__isnull=True
    )


class StakeholderFilters(ListFilters):
    """`q` (name, title, email, area, notes), sector, kind, stance, tag (a name), owner (the
    membership id keeping one of its live ties)."""

    search_fields = ("name", "title", "email", "area", "notes")
    # The tag and owner filters join tags and ties.
    joins_many = True

    sector = forms.ChoiceField(required=False)
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *Stakeholder.Kind.choices])
    stance = forms.ChoiceField(
        required=False, choices=[("", "Any stance"), *Stakeholder.Stance.choices]
    )
    tag = forms.ChoiceField(required=False)
    owner = forms.ChoiceField(required=False, label="Relationship owner")

    def __init__(self, *args: Any, member: Membership, **kwargs: Any) -> None:
        super().__init__(*args, member=member, **kwargs)
        workspace = member.workspace
        # Callables: read from the database only when shown, or when a value is to be checked
        # (the API and the export take no queries for filters they are not given).
        choice_field(self, "sector").choices = once(
            lambda: [
                ("", "Any sector"),
                *sector_choices(workspace),
            ]
        )
        choice_field(self, "tag").choices = once(
            lambda: [
                ("", "Any tag"),
                *[(t.name, t.name) for t in Tag.objects.filter(workspace=workspace)],
            ]
        )
        choice_field(self, "owner").choices = once(lambda: member_choices(member, "Any owner"))

    def narrow(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        for name in ("sector", "kind", "stance"):
            if data.get(name):
                queryset = queryset.filter(**{name: data[name]})
        if data.get("tag"):
            queryset = queryset.filter(tags__name=data["tag"])
        if data.get("owner"):
            queryset = queryset.filter(owned_by(int(data["owner"])))
        return queryset


class TieFilters(ListFilters):
    """`q` (either end's name, the notes), status, kind, sector (of either end), health (healthy,
    cooling, cold), owner (membership id), stakeholder (an id at either end)."""

    search_fields = ("source__name", "target__name", "notes")

    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *Tie.Status.choices])
    kind = forms.ChoiceField(required=False, choices=[("", "Any kind"), *Tie.Kind.choices])
    sector = forms.ChoiceField(required=False, label="Sector (either end)")
    health = forms.ChoiceField(required=False, choices=[("", "Any health"), *HEALTH_CHOICES])
    owner = forms.ChoiceField(required=False, label="Relationship owner")
    # Set by links such as "all ties of …" on a stakeholder's page.
    stakeholder = forms.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, member: Membership, **kwargs: Any) -> None:
        super().__init__(*args, member=member, **kwargs)
        choice_field(self, "sector").choices = once(
            lambda: [
                ("", "Any sector"),
                *sector_choices(member.workspace),
            ]
        )
        choice_field(self, "owner").choices = once(lambda: member_choices(member, "Any owner"))

    def narrow(self, queryset: QuerySet, data: dict[str, Any]) -> QuerySet:
        if data.get("status"):
            queryset = queryset.filter(status=data["status"])
        if data.get("kind"):
            queryset = queryset.filter(kind=data["kind"])
        if data.get("sector"):
            queryset = queryset.filter(
                Q(source__sector=data["sector"]) | Q(target__sector=data["sector"])
            )
        if data.get("owner"):
            queryset = queryset.filter(owner_id=int(data["owner"]))
        if data.get("stakeholder") is not None:
            end = data["stakeholder"]
            queryset = queryset.filter(Q(source_id=end) | Q(target_id=end))
        if data.get("health"):
            queryset = filter_by_health(self.workspace, queryset, data["health"])
        return queryset
