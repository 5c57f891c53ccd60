"""JSON API for contact imports under /api/v1/workspaces/{slug}/imports.

POST a file (multipart/form-data) with `dry_run=true` for the plan row by row, or without it to
queue the import for the background worker; GET the import for its progress and report.

No `from __future__ import annotations` here: django-ninja reads the annotations at import time.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import File, Form, Router, Schema, UploadedFile
from ninja.errors import HttpError
from ninja.responses import Status

from cityweave.contacts import services
from cityweave.contacts.importing import DECISIONS, ImportProblem
from cityweave.contacts.models import MAX_IMPORT_BYTES, ImportJob
from cityweave.contacts.readers import MappingError, ReadError, parse_mapping
from cityweave.contacts.readers.fields import check_mapping
from cityweave.storable import MAX_ID
from cityweave.workspaces.api import api_member

router = Router()


class PlannedRowOut(Schema):
    """One row of the file: `action` create, update, unchanged, duplicate, skip or error;
    `stakeholder` the existing stakeholder it matched (or resembles, for a duplicate)."""

    row: int
    action: str
    name: str
    reason: str
    stakeholder: int | None


class ImportOut(Schema):
    """An import: `status` preview (a dry run, nothing kept), queued, running, done or failed;
    `done` of `total` rows matched so far; `counts` and `rows` once planned or finished."""

    id: int | None
    filename: str
    format: str
    status: str
    done: int
    total: int
    counts: dict[str, int]
    rows: list[PlannedRowOut]
    error: str
    created_at: dt.datetime | None
    finished_at: dt.datetime | None


def _rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"row": row, "action": action, "name": name, "reason": reason, "stakeholder": pk}
        for row, action, name, reason, pk in report.get("rows", [])
    ]


def _out(job: ImportJob, report: dict[str, Any] | None = None) -> dict[str, Any]:
    report = report if report is not None else job.report or {}
    return {
        "id": job.pk,
        "filename": job.filename,
        "format": job.format,
        "status": job.status,
        "done": job.done,
        "total": job.total,
        "counts": report.get("counts", {}),
        "rows": _rows(report),
        "error": job.error,
        "created_at": job.created_at if job.pk else None,
        "finished_at": job.finished_at,
    }


def _decisions(text: str) -> dict[str, str]:
    """`4=merge,9=keep` → {"4": "merge", "9": "keep"}; ValidationError naming the field."""
    decisions = {}
    for part in text.split(","):
        if not part.strip():
            continue
        row, _, decision = part.partition("=")
        if not row.strip().isdigit() or decision.strip() not in DECISIONS:
            raise ValidationError(
                {"decisions": "row=merge, row=keep or row=skip, separated by commas."}
            )
        decisions[row.strip()] = decision.strip()
    return decisions


@router.post(
    "/{slug}/imports",
    response={200: ImportOut, 202: ImportOut},
    tags=["imports"],
    url_name="imports_create",
)
def create_import(
    request: HttpRequest,
    slug: str,
    file: File[UploadedFile],
    sector: Form[str] = "business",
    tag: Form[str] = "",
    mapping: Form[str] = "",
    decisions: Form[str] = "",
    dry_run: Form[bool] = False,
) -> Status[dict[str, Any]]:
    """Import a contact file (CSV, XLSX, LinkedIn Connections.csv, vCard) as stakeholders.

    `mapping` maps CSV/XLSX columns (`name=Full Name,email=E-mail`; guessed when empty);
    `decisions` settles probable duplicates by row (`4=merge,9=keep`; skipped otherwise).
    With `dry_run` the answer is the plan (200) and nothing is kept; otherwise the import is
    queued for the worker (202): GET it for progress and report. Editors and owners only."""
    member = api_member(request, slug, write=True)
    if file.size is not None and file.size > MAX_IMPORT_BYTES:
        raise ValidationError({"file": "Larger than 20 MB; split it and import each part."})
    if len(tag) > 60:
        raise ValidationError({"tag": "At most 60 characters."})
    data = file.read()
    if not data:
        raise ValidationError({"file": "The file is empty."})
    chosen = _decisions(decisions)
    try:
        job = services.new_job(
            member.workspace,
            member,
            file.name or "contacts",
            data,
            sector=sector,
            tag=tag,
            save=False,
        )
        job.decisions = chosen
        if mapping:
            job.mapping = parse_mapping(mapping)
        if job.format in services.TABULAR:
            check_mapping(job.mapping, services.headers_of(data, job.format))
        plan = services.plan_job(job)
    except (ReadError, ImportProblem) as error:
        field = (
            error.field
            if isinstance(error, ImportProblem)
            else "mapping"
            if isinstance(error, MappingError)
            else "file"
        )
        message = str(error).removeprefix(f"{field}: ")
        raise ValidationError({field: message}) from None
    if dry_run:
        return Status(200, _out(job, services.report_of(plan)))
    job.save()
    services.queue_job(job)
    job.refresh_from_db()
    return Status(202, _out(job))


@router.get(
    "/{slug}/imports/{import_id}",
    response=ImportOut,
    tags=["imports"],
    url_name="imports_detail",
)
def get_import(request: HttpRequest, slug: str, import_id: int) -> dict[str, Any]:
    """An import's status, progress, and once done its counts and row-by-row report."""
    member = api_member(request, slug)
    job = (
        ImportJob.objects.filter(workspace=member.workspace, pk=import_id).first()
        if 1 <= import_id <= MAX_ID
        else None
    )
    if job is None:
        raise HttpError(404, "No such import.")
    return _out(job)
