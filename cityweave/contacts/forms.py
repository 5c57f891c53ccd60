"""The import page's forms: the upload, and the column mapping of a CSV or XLSX file."""

from __future__ import annotations

from typing import Any

from django import forms

from cityweave.contacts.models import MAX_IMPORT_BYTES
from cityweave.contacts.readers import FIELDS
from cityweave.storable import SUPPORTED_DAYS
from cityweave.web.forms import choice_field

#: How each contact field is labelled on the mapping form.
FIELD_LABELS = {
    "name": "Full name",
    "given_name": "Given (first) name",
    "family_name": "Family (last) name",
    "email": "Email",
    "phone": "Phone",
    "organisation": "Organisation",
    "title": "Job title",
    "url": "Website or profile",
    "notes": "Notes",
    "connected_on": "Connected on (a date)",
}


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Contact file or calendar (.ics)",
        help_text="CSV or Excel (.xlsx) with any columns, LinkedIn's Connections.csv, or vCard "
        "(.vcf) from Outlook, Google or Apple Contacts; or a calendar (.ics) exported from "
        "Outlook, Google or Apple Calendar; up to 20 MB.",
    )
    period_from = forms.DateField(
        label="Calendar events from",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=SUPPORTED_DAYS,
        help_text="For a calendar: the first day whose events are imported (default: a year ago).",
    )
    period_to = forms.DateField(
        label="Calendar events to",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=SUPPORTED_DAYS,
        help_text="The last day (default: today). Only events that have ended are imported.",
    )
    sector = forms.ChoiceField(
        label="Sector of new stakeholders",
        initial="business",
        help_text="Given to the people and organisations the import creates; change it later one by one.",
    )
    tag = forms.CharField(
        label="Tag them",
        max_length=60,
        required=False,
        help_text="Added to everyone the import creates or updates, to find them again.",
    )

    def __init__(self, *args: Any, sectors: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choice_field(self, "sector").choices = sectors

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                "The file is larger than 20 MB; split it and import each part."
            )
        if upload.size == 0:
            raise forms.ValidationError("The file is empty.")
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_from"), data.get("period_to")
        if start and end and end < start:
            self.add_error("period_to", "The period ends before it starts.")
        return data


class MappingForm(forms.Form):
    """One choice of column per contact field; a field left at "—" is not imported."""

    def __init__(
        self, *args: Any, headers: list[str], mapping: dict[str, list[str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.headers = headers
        choices = [("", "—"), *((header, header) for header in headers)]
        for name in FIELDS:
            columns = mapping.get(name) or [""]
            self.fields[name] = forms.ChoiceField(
                label=FIELD_LABELS[name], choices=choices, required=False, initial=columns[0]
            )

    def mapping(self) -> dict[str, list[str]]:
        return {name: [column] for name, column in self.cleaned_data.items() if column}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(name) for name in ("name", "given_name", "family_name")):
            raise forms.ValidationError(
                "Choose the column with the name (or given and family names)."
            )
        return data
