"""Survey domain operations for the office: surveys from the ready-made instruments, waves and
their respondents. Views, the API and the CLI all call these."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from cityweave.surveys.instruments import TEMPLATES
from cityweave.surveys.models import Question, Survey
from cityweave.workspaces.models import Membership
from cityweave.workspaces.services import require_editor


@transaction.atomic
def create_from_template(member: Membership, template: str, **fields: Any) -> Survey:
    """A new survey with a ready-made instrument's questions ("partner" or "community"),
    editable afterwards; `fields` override the template's survey fields (title, about, …).

    Raises KeyError for an unknown template, ValidationError (naming the field) for bad fields,
    PermissionDenied for a viewer."""
    require_editor(member)
    spec = TEMPLATES[template]
    values = {key: value for key, value in spec.items() if key != "questions"}
    values.update(fields)
    survey = Survey(workspace=member.workspace, created_by=member, **values)
    survey.full_clean()
    survey.save()
    for position, question in enumerate(spec["questions"], start=1):
        record = Question(workspace=member.workspace, survey=survey, position=position, **question)
        record.full_clean()
        record.save()
    return survey
