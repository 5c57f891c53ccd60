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

KIND_CHOICES = [
    ("stakeholder", "A stakeholder"),
    ("sector", "Anyone in a sector"),
    ("community", "Anyone in a community"),
    ("value_type", "Anyone offering"),
]
#: What is missing when a kind is chosen and its field left empty.
CHOOSE = {
    "stakeholder": "Choose a stakeholder.",
    "sector": "Choose a sector.",
    "community": "Choose a community.",
    "value_type": "Choose what they offer.",
}


def _strict(value: Any, message: str) -> str:
    """A query parameter's number as the API reads it (`introductions.strict_number`: ASCII
    digits alone; "00003" is "3"), as text; "" for none; ValidationError(message) otherwise."""
    if value in (None, ""):
        return ""
    number = introductions.strict_number(str(value))
    if number is None:
        raise ValidationError(message, code="invalid")
    return str(number)


class StrictStakeholderField(StakeholderChoiceField):
    """A stakeholder by id, written with the digits 0-9 alone, as the API takes it."""

    def to_python(self, value: Any) -> Any:
        return super().to_python(_strict(value, "Give a stakeholder's id in the digits 0-9."))


class StrictNumberChoiceField(forms.ChoiceField):
    """A numbered choice (a community), written with the digits 0-9 alone, as the API takes it."""

    def to_python(self, value: Any) -> str:
        return _strict(value, "Give a community's number in the digits 0-9.")


class StrictLimitField(forms.IntegerField):
    """How many paths: 1 to MAX_LIMIT, digits alone, as the API's `limit`."""

    def to_python(self, value: Any) -> int | None:
        text = _strict(value, introductions.LIMIT_MESSAGE)
        if not text:
            return None
        if not 1 <= int(text) <= introductions.MAX_LIMIT:
            raise ValidationError(introductions.LIMIT_MESSAGE, code="invalid")
        return int(text)


class IntroductionForm(forms.Form):
    """A search for whom to be introduced to: `kind` says which of a stakeholder, a sector, a
    community or a value type; the other kinds' fields are then left out (a form that still
    holds an earlier search's stakeholder searches the sector now chosen). Without `kind` (an
    address typed by hand), exactly one of them. `limit`: how many paths (1 to 50)."""

    kind = forms.ChoiceField(
        label="Search by", required=False, choices=KIND_CHOICES, widget=forms.RadioSelect
    )
    stakeholder = StrictStakeholderField(queryset=None, required=False)
    sector = forms.ChoiceField(required=False)
    community = StrictNumberChoiceField(required=False)
    value_type = forms.ChoiceField(
        label="Offering", required=False, choices=[("", "—"), *ValueType.choices]
    )
    limit = StrictLimitField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, data: Any = None, *, member: Any, communities: list[str] | None, **kwargs: Any
    ):
        self.repeated: dict[str, str] = {}
        if data is not None:
            self.repeated = introductions.repeated(data, [*self.base_fields])
            kind = data.get("kind")
            if kind in introductions.TARGET_KINDS and not self.repeated:
                # A search by one kind: the others' values are from an earlier search.
                data = data.copy()
                for other in introductions.TARGET_KINDS:
                    if other != kind:
                        data.pop(other, None)
        super().__init__(data, **kwargs)
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
        for name, message in self.repeated.items():
            self.add_error(name, message)
        if self.repeated:
            return data
        kind = data.get("kind")
        if kind:
            if not data.get(kind) and kind not in self.errors:
                self.add_error(kind, CHOOSE[kind])
            return data
        given = [name for name in introductions.TARGET_KINDS if data.get(name)]
        if len(given) > 1:
            message = (
                f"Search for one at a time: {', '.join(given[:-1])} and {given[-1]} were both "
                "given. Choose one under “Search by”."
            )
            for name in given:
                self.add_error(name, message)
        return data

    def query(self) -> dict[str, Any]:
        """The one target chosen, as `introductions.introductions` takes it; {} for none."""
        data: dict[str, Any] = self.cleaned_data
        kind = data.get("kind") or next(
            (name for name in introductions.TARGET_KINDS if data.get(name)), None
        )
        if kind is None or not data.get(kind):
            return {}
        if kind == "stakeholder":
            return {"stakeholder": data["stakeholder"].pk}
        if kind == "community":
            return {"community": int(data["community"])}
        return {kind: data[kind]}

    def paths_limit(self) -> int:
        return self.cleaned_data.get("limit") or introductions.DEFAULT_LIMIT


class IntroductionsView(WorkspaceView):
    """Who can introduce me? The best paths from the people I know to a target."""

    # Read-only for everyone: a viewer's POST gets the same 405 as an editor's, not a 403.
    personal = True
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest) -> HttpResponse:
        stored = introductions.stored_analysis(self.member)
        names = stored.names if stored else None
        form = IntroductionForm(request.GET or None, member=self.member, communities=names)
        answer = None
        status = 200
        json_url = reverse("api:budget_introductions", args=[self.workspace.slug])
        query: dict[str, Any] = {}
        if form.is_bound and form.is_valid() and form.query():
            query = form.query()
            limit = form.paths_limit()
            try:
                answer = introductions.introductions(self.member, **query, limit=limit)
            except ValidationError as error:
                apply_validation_error(form, error)
                status = 422
            if limit != introductions.DEFAULT_LIMIT:
                query["limit"] = limit
            json_url += "?" + urlencode(query)
        elif form.is_bound and form.errors:
            status = 422
        show_all = ""
        if answer and answer.found > len(answer.paths):
            kind = answer.kind
            show_all = "?" + urlencode(
                {
                    "kind": kind,
                    kind: answer.value,
                    "limit": str(min(answer.found, introductions.MAX_LIMIT)),
                }
            )
        context = {
            "form": form,
            "answer": answer,
            "json_url": json_url,
            "show_all": show_all,
            "max_limit": introductions.MAX_LIMIT,
            "unknown_trust": introductions.UNKNOWN_TRUST,
            "max_brokers": introductions.MAX_BROKERS,
            "load_days": introductions.LOAD_DAYS,
        }
        return render(request, "strategy/introductions.html", context, status=status)


class NextBestView(WorkspaceView):
    """The next best relationships to start, and the diversity check of my own network."""

    personal = True
    http_method_names = ["get", "head", "options"]

    def get(self, request: HttpRequest) -> HttpResponse:
        status = 200
        errors: dict[str, list[str]] = {
            name: [message]
            for name, message in introductions.repeated(
                request.GET, [f"w_{name}" for name in next_best.WEIGHTS]
            ).items()
        }
        try:
            weights = next_best.weights_from(request.GET)
        except ValidationError as error:
            errors = error.message_dict | errors
        if errors:
            weights = dict.fromkeys(next_best.WEIGHTS, 1.0)
            status = 422
        found = next_best.next_best(self.member, weights=weights)
        check = found.diversity
        total = sum(check.counts.values())
        context = {
            "found": found,
            "all_zero": all(found.weights[name] == 0 for name in next_best.WEIGHTS),
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
