"""Search-as-you-type pickers: selects that render only their chosen options, never every choice."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator

from cityweave.storable import MAX_ID


class LookupWidgetMixin(forms.widgets.ChoiceWidget):
    """Renders the chosen option(s) alone, with `data-lookup` naming a JSON endpoint that picker.js
    asks for the rest as the user types. Without JavaScript the chosen ids are still submitted."""

    lookup_url = ""
    placeholder = "Type to search…"

    def __init__(
        self, attrs: dict[str, Any] | None = None, lookup_url: str = "", placeholder: str = ""
    ) -> None:
        super().__init__(attrs)
        self.lookup_url = lookup_url or self.lookup_url
        self.placeholder = placeholder or self.placeholder

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].update(
            {"data-lookup": self.lookup_url, "data-placeholder": self.placeholder}
        )
        return context

    def use_required_attribute(self, initial: Any) -> bool:
        # Select's own check reads the first choice, which for a model field runs the whole query.
        return not self.allow_multiple_selected

    def optgroups(
        self, name: str, value: list[str], attrs: dict[str, Any] | None = None
    ) -> list[tuple[str | None, list[dict[str, Any]], int | None]]:
        chosen = self.chosen(value)
        options: list[dict[str, Any]] = []
        if not self.allow_multiple_selected:
            # The blank option keeps "nothing chosen" possible; Tom Select shows data-placeholder.
            options.append(self.create_option(name, "", self.blank_label(), not chosen, 0))
        for option_value, label in chosen:
            options.append(self.create_option(name, option_value, label, True, len(options)))
        return [(None, options, 0)]

    def blank_label(self) -> str:
        field = getattr(self.choices, "field", None)
        return str(getattr(field, "empty_label", None) or "—")

    def chosen(self, values: Iterable[str]) -> list[tuple[str, str]]:
        """(value, label) of the chosen values that are valid choices, in the order given: one query
        for a model field, however many records it could choose from."""
        wanted = [v for v in dict.fromkeys(values) if v]
        if not wanted:
            return []
        choices: Any = self.choices
        labels: dict[str, str] = {}
        if isinstance(choices, ModelChoiceIterator):
            field: Any = choices.field
            meta = choices.queryset.model._meta
            key = field.to_field_name or meta.pk.name
            valid = [v for v in wanted if _is_valid(meta.get_field(key), v)]
            for obj in choices.queryset.filter(**{f"{key}__in": valid}) if valid else []:
                labels[str(field.prepare_value(obj))] = field.label_from_instance(obj)
        else:
            for option_value, label in choices:
                group = label if isinstance(label, list | tuple) else [(option_value, label)]
                labels.update({str(v): str(text) for v, text in group})
        return [(v, labels[v]) for v in wanted if v in labels]


def _is_valid(model_field: Any, value: str) -> bool:
    """Whether `value` can be looked up in `model_field`: a submitted "abc", or a number past
    what the database stores, for an integer id cannot."""
    try:
        python = model_field.to_python(value)
    except ValidationError:
        return False
    return not isinstance(python, int) or 1 <= python <= MAX_ID


class LookupSelect(LookupWidgetMixin, forms.Select):
    """A search-as-you-type picker of one record."""


class LookupSelectMultiple(LookupWidgetMixin, forms.SelectMultiple):
    """A search-as-you-type picker of several records."""


def checked_ids(values: Any, field: forms.Field) -> None:
    """Refuse, as the field's own "invalid_choice", an id no record can have (past MAX_ID, which
    the database would reject with an error rather than find nothing)."""
    for value in values if isinstance(values, list | tuple) else [values]:
        text = str(value).strip()
        if text.isascii() and text.isdigit() and not 1 <= int(text) <= MAX_ID:
            raise ValidationError(
                field.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": text},
            )


class RecordChoiceField(forms.ModelChoiceField):
    """One record picked by id; an id past what the database stores is refused as the field's
    "invalid_choice" (the database would fail on it rather than find nothing)."""

    def to_python(self, value: Any) -> Any:
        checked_ids(value, self)
        return super().to_python(value)


class RecordsChoiceField(forms.ModelMultipleChoiceField):
    """Records picked by id, each checked as RecordChoiceField checks one."""

    def clean(self, value: Any) -> Any:
        checked_ids(value or [], self)
        return super().clean(value)
