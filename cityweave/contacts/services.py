"""Imports as jobs: read the job's file, plan it (the preview), run it (the worker), report it."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.db import transaction
from django.utils import timezone

from cityweave.contacts.importing import (
    DECISIONS,
    ImportProblem,
    Plan,
    apply_plan,
    plan_import,
)
from cityweave.contacts.models import ImportJob
from cityweave.contacts.readers import (
    ContactRecord,
    ReadError,
    ReadResult,
    detect_format,
    read_contacts,
)
from cityweave.contacts.readers.tabular import read_csv, read_xlsx
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


def decisions_of(job: ImportJob) -> dict[int, str]:
    return {
        int(row): decision
        for row, decision in job.decisions.items()
        if str(row).isdigit() and decision in DECISIONS
    }


def plan_job(job: ImportJob, progress: Any = None) -> Plan:
    """What the job would do now (ReadError, ImportProblem for a file or sector that won't do)."""
    return plan_import(
        job.workspace,
        read_job(job),
        sector=job.sector,
        decisions=decisions_of(job),
        progress=progress,
    )


def report_of(plan: Plan) -> dict[str, Any]:
    """A plan (or what an import did) as JSON: counts and one [row, action, name, reason, id]
    per row, in file order."""
    return {
        "counts": plan.counts(),
        "rows": [[row.row, row.action, row.name, row.reason, row.existing] for row in plan.rows],
    }


def report_csv(report: dict[str, Any]) -> str:
    """The report's rows as CSV (row, action, name, reason), for download."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["row", "action", "name", "reason"])
    for row, action, name, reason, *_ in report.get("rows", []):
        writer.writerow([row, action, name, reason])
    return out.getvalue()


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
        apply_plan(job.workspace, plan, tag=job.tag)
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
    save: bool = True,
) -> ImportJob:
    """An import in preview: its format detected and, for CSV and XLSX, its mapping remembered
    or guessed from the headers (ReadError when the file can't be read); unsaved with `save=False`."""
    from cityweave.contacts.readers import guess_mapping

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
