"""Pages of a member's own introductions and next best relationships, under /w/<slug>/budget/.

Read-only advice about the member's own network: any member, viewers included, uses them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from cityweave.stakeholders.forms import StakeholderChoiceField, pick_stakeholders
from cityweave.stakeholders.models import sector_choices
from cityweave.strategy import introductions, next_best
from cityweave.vocabulary import ValueType
from cityweave.web.forms import choice_field
from cityweave.web.mixins import WorkspaceView, apply_validation_error


class IntroductionForm(forms.Form):
    """Whom to be introduced to: one stakeholder, or anyone in a sector, community or value type."""

    stakeholder = StakeholderChoiceField(queryset=None, required=False)
    sector = forms.ChoiceField(required=False)
    community = forms.ChoiceField(required=False)
    value_type = forms.ChoiceField(
        label="Offering", required=False, choices=[("", "—"), *ValueType.choices]
    )

    def __init__(self, *args: Any, member: Any, communities: list[str] | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        pick_stakeholders(self, "stakeholder", member.workspace)
        choice_field(self, "sector").choices = [("", "—"), *sector_choices(member.workspace)]
        community = choice_field(self, "community")
        community.choices = [("", "—")] + [
            (str(number), name) for number, name in enumerate(communities or [], start=1)
        ]
        if not communities:
            community.disabled = True
            community.help_text = "No network analysis has finished yet."

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        given = [name for name in self.fields if data.get(name)]
        if len(given) > 1:
            raise ValidationError(
                "Choose one: a stakeholder, a sector, a community or an offering."
            )
        return data

    def query(self) -> dict[str, Any]:
        """The one target chosen, as `introductions.introductions` takes it; {} for none."""
        data: dict[str, Any] = self.cleaned_data
        if data.get("stakeholder"):
            return {"stakeholder": data["stakeholder"].pk}
        if data.get("community"):
            return {"community": int(data["community"])}
        return {name: data[name] for name in ("sector", "value_type") if data.get(name)}


class IntroductionsView(WorkspaceView):
    """Who can introduce me? The best paths from the people I know to a target."""

    def get(self, request: HttpRequest) -> HttpResponse:
        stored = introductions.stored_analysis(self.member)
        names = stored.names if stored else None
        form = IntroductionForm(request.GET or None, member=self.member, communities=names)
        answer = None
        status = 200
        json_url = reverse("api:budget_introductions", args=[self.workspace.slug])
        if form.is_bound and form.is_valid() and form.query():
            query = form.query()
            try:
                answer = introductions.introductions(self.member, **query)
            except ValidationError as error:
                apply_validation_error(form, error)
                status = 422
            json_url += "?" + urlencode(query)
        elif form.is_bound and form.errors:
            status = 422
        context = {
            "form": form,
            "answer": answer,
            "json_url": json_url,
            "unknown_trust": introductions.UNKNOWN_TRUST,
            "max_brokers": introductions.MAX_BROKERS,
            "load_days": introductions.LOAD_DAYS,
        }
        return render(request, "strategy/introductions.html", context, status=status)


class NextBestView(WorkspaceView):
    """The next best relationships to start, and the diversity check of my own network."""

    def get(self, request: HttpRequest) -> HttpResponse:
        status = 200
        errors: dict[str, list[str]] = {}
        try:
            weights = next_best.weights_from(request.GET)
        except ValidationError as error:
            errors = error.message_dict
            weights = dict.fromkeys(next_best.WEIGHTS, 1.0)
            status = 422
        found = next_best.next_best(self.member, weights=weights)
        check = found.diversity
        total = sum(check.counts.values())
        context = {
            "found": found,
            "errors": errors,
            "sectors": [
                {
                    "label": found.label(key),
                    "count": count,
                    "percent": 100 * count / total if total else 0,
                }
                for key, count in check.counts.items()
            ],
            "missing": [found.label(key) for key in check.missing],
            "weights": [
                (f"w_{name}", label, request.GET.get(f"w_{name}", f"{found.weights[name]:g}"))
                for name, label in (
                    ("goals", "Goal coverage"),
                    ("diversity", "Sector diversity"),
                    ("bridging", "Bridging"),
                )
            ],
            "json_url": reverse("api:budget_next", args=[self.workspace.slug])
            + (
                "?" + urlencode({f"w_{k}": f"{v:g}" for k, v in weights.items()})
                if not errors and request.GET
                else ""
            ),
        }
        return render(request, "strategy/next_best.html", context, status=status)
