"""Imports as jobs: read the job's file, plan it (the preview), run it (the worker), report it."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from typing import Any

from django.db import transaction
from django.utils import timezone

from cityweave.contacts import calendar_import
from cityweave.contacts.calendar_import import (
    PERSON_DECISIONS,
    CalendarPlan,
    apply_calendar,
    default_period,
    plan_calendar,
    read_period,
)
from cityweave.contacts.importing import (
    DECISIONS,
    MAX_ROWS,
    ImportProblem,
    Plan,
    apply_plan,
    plan_import,
    summary,
)
from cityweave.contacts.models import ImportJob
from cityweave.contacts.readers import (
    ContactRecord,
    EventRecord,
    ReadError,
    ReadResult,
    detect_format,
    read_calendar,
    read_contacts,
)
from cityweave.contacts.readers.tabular import read_csv, read_xlsx
from cityweave.spreadsheets import guarded_row
from cityweave.workspaces.models import Workspace

#: Formats whose columns the person maps; the others name their own fields.
TABULAR = ("csv", "xlsx")


def headers_of(data: bytes, format: str) -> list[str]:
    """The column names of a CSV or XLSX file (ReadError if unreadable); [] for other formats."""
    if format == "csv":
        return list(read_csv(data).headers)
    if format == "xlsx":
        return list(read_xlsx(data).headers)
    return []


def remembered_mapping(workspace: Workspace, headers: list[str]) -> dict[str, list[str]] | None:
    """The mapping of the workspace's last tabular import, if every column it names is among
    `headers` (the same export from the same address book again); None otherwise."""
    last = (
        ImportJob.objects.filter(workspace=workspace, format__in=TABULAR)
        .exclude(mapping={})
        .only("mapping")
        .first()
    )
    if last is None:
        return None
    columns = {column for names in last.mapping.values() for column in names}
    return last.mapping if columns and columns <= set(headers) else None


def read_job(job: ImportJob) -> ReadResult[ContactRecord]:
    """The job's records and bad rows (ReadError for a file that can't be read at all)."""
    mapping = job.mapping if job.format in TABULAR and job.mapping else None
    return read_contacts(bytes(job.data), format=job.format, mapping=mapping)


#: File name endings of iCalendar files.
CALENDAR_SUFFIXES = (".ics", ".ical", ".icalendar")


def is_calendar(data: bytes, filename: str = "") -> bool:
    """Whether the bytes are an iCalendar file rather than contacts: they begin a calendar (or a
    bare event), or the file is named as one (so a broken .ics is told it is no calendar, rather
    than that its columns are not mapped)."""
    head = data[:4096].lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \t\r\n").replace(b"\x00", b"").upper()
    return head.startswith((b"BEGIN:VCALENDAR", b"BEGIN:VEVENT")) or filename.lower().endswith(
        CALENDAR_SUFFIXES
    )


def read_job_calendar(job: ImportJob) -> ReadResult[EventRecord]:
    """The job's events within its period, in the workspace's zone where the file gives none
    (ReadError for a file that can't be read; ImportProblem for a period that won't do)."""
    today = timezone.localdate(timezone=zoneinfo.ZoneInfo(job.workspace.timezone))
    start, end = default_period(today)
    period = read_period(job.period_from or start, job.period_to or end)
    return read_calendar(
        bytes(job.data),
        period=period,
        default_timezone=zoneinfo.ZoneInfo(job.workspace.timezone),
        limit=MAX_ROWS,
    )


def person_decisions_of(job: ImportJob) -> dict[str, str]:
    """A calendar job's decisions on new people: {email: "create" | "skip"}."""
    return {
        str(email).casefold(): decision
        for email, decision in job.decisions.items()
        if "@" in str(email) and decision in PERSON_DECISIONS
    }


def decisions_of(job: ImportJob) -> dict[int, str]:
    return {
        int(row): decision
        for row, decision in job.decisions.items()
        if str(row).isdigit() and decision in DECISIONS
    }


def plan_job(job: ImportJob, progress: Any = None) -> Plan | CalendarPlan:
    """What the job would do now (ReadError, ImportProblem for a file, period or sector that
    won't do): a Plan of stakeholders for contacts, a CalendarPlan of meetings for a calendar."""
    if job.kind == ImportJob.Kind.CALENDAR:
        return plan_calendar(
            job.workspace,
            read_job_calendar(job),
            sector=job.sector,
            decisions=person_decisions_of(job),
            progress=progress,
        )
    return plan_import(
        job.workspace,
        read_job(job),
        sector=job.sector,
        decisions=decisions_of(job),
        progress=progress,
    )


def report_of(plan: Plan | CalendarPlan) -> dict[str, Any]:
    """A plan (or what an import did) as JSON: counts and one [row, action, name, reason, id]
    per row, in file order; for a calendar the id is the interaction created, and each row
    has a sixth item {"date", "participants", "new", "members"} (see calendar_import)."""
    if isinstance(plan, CalendarPlan):
        return {
            "kind": "calendar",
            "counts": plan.counts(),
            "rows": calendar_import.report_rows(plan),
        }
    return {
        "counts": plan.counts(),
        "rows": [[row.row, row.action, row.name, row.reason, row.existing] for row in plan.rows],
    }


def report_summary(report: dict[str, Any], *, done: bool = False) -> str:
    """A report's counts in words (see importing.summary and calendar_import.summary)."""
    counts = report.get("counts") or {}
    if report.get("kind") == "calendar":
        return calendar_import.summary(counts, done=done)
    return summary(counts, done=done)


def report_csv(report: dict[str, Any]) -> str:
    """The report's rows as CSV (row, action, name, reason), for download; a calendar's as
    (line, action, date, title, reason, participants, new stakeholders, members present)."""
    out = io.StringIO()
    writer = csv.writer(out)
    if report.get("kind") == "calendar":
        writer.writerow(
            [
                "line",
                "action",
                "date",
                "title",
                "reason",
                "participants",
                "new stakeholders",
                "members present",
            ]
        )
        for row, action, title, reason, _, extra in report.get("rows", []):
            writer.writerow(
                guarded_row(
                    [
                        row,
                        action,
                        extra["date"],
                        title,
                        reason,
                        "; ".join(extra["participants"]),
                        "; ".join(extra["new"]),
                        "; ".join(extra["members"]),
                    ]
                )
            )
        return out.getvalue()
    writer.writerow(["row", "action", "name", "reason"])
    for row, action, name, reason, *_ in report.get("rows", []):
        writer.writerow(guarded_row([row, action, name, reason]))
    return out.getvalue()


def apply_job(job: ImportJob, plan: Plan | CalendarPlan) -> None:
    """Write what a job's plan says, in one transaction (ImportProblem if it can't)."""
    if isinstance(plan, CalendarPlan):
        apply_calendar(job.workspace, plan, author=job.member, tag=job.tag)
    else:
        apply_plan(job.workspace, plan, tag=job.tag)


def run_job(job_id: int) -> str:
    """Run a queued import: plan it with progress saved every 500 rows, then write it in one
    transaction. Returns the job's final status ("done", "failed", or "gone")."""
    job = ImportJob.objects.select_related("workspace").filter(pk=job_id).first()
    if job is None:
        return "gone"
    if job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING):
        return job.status
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING, done=0)

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(done=done, total=total)

    try:
        plan = plan_job(job, progress)
        apply_job(job, plan)
    except (ReadError, ImportProblem) as error:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, error=str(error), finished_at=timezone.now()
        )
        return ImportJob.Status.FAILED
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.DONE, report=report_of(plan), finished_at=timezone.now()
    )
    return ImportJob.Status.DONE


def queue_job(job: ImportJob) -> None:
    """Hand the job to the background worker, once the request's transaction has committed."""
    from cityweave.contacts.tasks import run_import

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED, done=0, total=0)
    transaction.on_commit(lambda: run_import.enqueue(job.pk))


def new_job(
    workspace: Workspace,
    member: Any,
    filename: str,
    data: bytes,
    *,
    sector: str,
    tag: str = "",
    period: tuple[dt.date | None, dt.date | None] = (None, None),
    save: bool = True,
) -> ImportJob:
    """An import in preview: its format detected and, for CSV and XLSX, its mapping remembered
    or guessed from the headers (ReadError when the file can't be read); unsaved with `save=False`.
    An .ics file is a calendar import of the events from `period` (from, to; days included,
    the last 12 months up to today for either left out)."""
    from cityweave.contacts.readers import guess_mapping

    if is_calendar(data, filename):
        today = timezone.localdate(timezone=zoneinfo.ZoneInfo(workspace.timezone))
        start, end = default_period(today)
        job = ImportJob(
            workspace=workspace,
            member=member,
            kind=ImportJob.Kind.CALENDAR,
            filename=filename[:255],
            format="ics",
            data=data,
            sector=sector,
            tag=tag,
            period_from=period[0] or start,
            period_to=period[1] or end,
        )
        if save:
            job.save()
        return job
    format = detect_format(data)
    mapping: dict[str, list[str]] = {}
    if format in TABULAR:
        headers = headers_of(data, format)
        mapping = remembered_mapping(workspace, headers) or guess_mapping(headers)
    job = ImportJob(
        workspace=workspace,
        member=member,
        filename=filename[:255],
        format=format,
        data=data,
        mapping=mapping,
        sector=sector,
        tag=tag,
    )
    if save:
        job.save()
    return job
