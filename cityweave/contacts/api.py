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
from cityweave.contacts.calendar_import import PERSON_DECISIONS
from cityweave.contacts.importing import DECISIONS, ImportProblem
from cityweave.contacts.models import MAX_IMPORT_BYTES, ImportJob
from cityweave.contacts.readers import MappingError, ReadError, parse_mapping
from cityweave.contacts.readers.fields import check_mapping
from cityweave.storable import DATE_RANGE_MESSAGE, EARLIEST_DATE, LATEST_DATE, MAX_ID
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


class PlannedEventOut(Schema):
    """One event of a calendar (one occurrence of a recurring one): `row` the line of its
    BEGIN:VEVENT, `action` create (a meeting), skip or error, `title`, `date` its day in the
    workspace's time zone (empty for an unreadable event), `interaction` the meeting created
    once done, and the names of its `participants` (known stakeholders), `new` stakeholders
    and `members` present."""

    row: int
    action: str
    title: str
    reason: str
    date: str
    interaction: int | None
    participants: list[str]
    new: list[str]
    members: list[str]


class ImportOut(Schema):
    """An import: `kind` contacts or calendar; `status` preview (a dry run, nothing kept),
    queued, running, done or failed; `done` of `total` rows matched so far; `counts` and `rows`
    (contacts) or `events` (a calendar) once planned or finished."""

    id: int | None
    kind: str
    filename: str
    format: str
    period_from: dt.date | None
    period_to: dt.date | None
    status: str
    done: int
    total: int
    counts: dict[str, int]
    rows: list[PlannedRowOut]
    events: list[PlannedEventOut]
    error: str
    created_at: dt.datetime | None
    finished_at: dt.datetime | None


def _events(report: dict[str, Any]) -> list[dict[str, Any]]:
    if report.get("kind") != "calendar":
        return []
    return [
        {"row": row, "action": action, "title": title, "reason": reason, "interaction": pk, **extra}
        for row, action, title, reason, pk, extra in report.get("rows", [])
    ]


def _rows(report: dict[str, Any]) -> list[dict[str, Any]]:
    if report.get("kind") == "calendar":
        return []
    return [
        {"row": row, "action": action, "name": name, "reason": reason, "stakeholder": pk}
        for row, action, name, reason, pk in report.get("rows", [])
    ]


def _out(job: ImportJob, report: dict[str, Any] | None = None) -> dict[str, Any]:
    report = report if report is not None else job.report or {}
    return {
        "id": job.pk,
        "kind": job.kind,
        "filename": job.filename,
        "format": job.format,
        "period_from": job.period_from,
        "period_to": job.period_to,
        "status": job.status,
        "done": job.done,
        "total": job.total,
        "counts": report.get("counts", {}),
        "rows": _rows(report),
        "events": _events(report),
        "error": job.error,
        "created_at": job.created_at if job.pk else None,
        "finished_at": job.finished_at,
    }


def _decisions(text: str, calendar: bool = False) -> dict[str, str]:
    """`4=merge,9=keep` → {"4": "merge", "9": "keep"}; for a calendar `ann@x.org=skip` →
    {"ann@x.org": "skip"}; ValidationError naming the field."""
    decisions = {}
    for part in text.split(","):
        if not part.strip():
            continue
        row, _, decision = part.partition("=")
        if calendar:
            if "@" not in row or decision.strip() not in PERSON_DECISIONS:
                raise ValidationError(
                    {"decisions": "email=create or email=skip, separated by commas."}
                )
            decisions[row.strip().casefold()] = decision.strip()
            continue
        if not row.strip().isdigit() or decision.strip() not in DECISIONS:
            raise ValidationError(
                {"decisions": "row=merge, row=keep or row=skip, separated by commas."}
            )
        decisions[row.strip()] = decision.strip()
    return decisions


def _day(text: str, field: str) -> dt.date | None:
    """A YYYY-MM-DD day within the supported years, None when empty; ValidationError naming
    `field` otherwise."""
    if not text.strip():
        return None
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError({field: "A day as YYYY-MM-DD."}) from None
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError({field: DATE_RANGE_MESSAGE})
    return day


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
    period_from: Form[str] = "",
    period_to: Form[str] = "",
    dry_run: Form[bool] = False,
) -> Status[dict[str, Any]]:
    """Import a contact file (CSV, XLSX, LinkedIn Connections.csv, vCard) as stakeholders, or a
    calendar (.ics, detected from its content) as meetings.

    `mapping` maps CSV/XLSX columns (`name=Full Name,email=E-mail`; guessed when empty);
    `decisions` settles probable duplicates by row (`4=merge,9=keep`; skipped otherwise), or for
    a calendar leaves new people out (`ann@example.org=skip`; created otherwise).
    `period_from` and `period_to` (YYYY-MM-DD, both included) bound a calendar's events; the
    last 12 months up to today by default.
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
    calendar = services.is_calendar(data, file.name or "")
    chosen = _decisions(decisions, calendar)
    period = (_day(period_from, "period_from"), _day(period_to, "period_to"))
    try:
        job = services.new_job(
            member.workspace,
            member,
            file.name or ("calendar.ics" if calendar else "contacts"),
            data,
            sector=sector,
            tag=tag,
            period=period,
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
