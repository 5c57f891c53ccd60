"""Helpers every domain's forms use."""

from __future__ import annotations

from django import forms


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """A form's choice field, typed, to set its choices at run time."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field
