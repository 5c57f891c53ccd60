"""The import pages: upload, map the columns, preview row by row and decide on probable
duplicates (for a calendar: the meetings, and whom to create), then the worker's progress and the
report."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cityweave.contacts import services
from cityweave.contacts.calendar_import import PERSON_DECISIONS, CalendarPlan
from cityweave.contacts.calendar_import import summary as calendar_summary
from cityweave.contacts.forms import MappingForm, UploadForm
from cityweave.contacts.importing import (
    CREATE,
    DECISIONS,
    DUPLICATE,
    ERROR,
    SKIP,
    UPDATE,
    ImportProblem,
    Plan,
    summary,
)
from cityweave.contacts.models import ImportJob
from cityweave.contacts.readers import MappingError, ReadError
from cityweave.contacts.readers.fields import check_mapping
from cityweave.stakeholders.models import Stakeholder, sector_choices
from cityweave.web.mixins import WorkspaceView

#: Rows of each action the preview lists before "and N more" (the CSV has them all).
PREVIEW_ROWS = 100


class ImportListView(WorkspaceView):
    """Upload a contact file (editors), and the workspace's recent imports (everyone)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.page(request, UploadForm(sectors=sector_choices(self.workspace)))

    def post(self, request: HttpRequest) -> HttpResponse:
        form = UploadForm(request.POST, request.FILES, sectors=sector_choices(self.workspace))
        if not form.is_valid():
            return self.page(request, form, status=400)
        upload = form.cleaned_data["file"]
        try:
            job = services.new_job(
                self.workspace,
                self.member,
                upload.name or "contacts",
                upload.read(),
                sector=form.cleaned_data["sector"],
                tag=form.cleaned_data["tag"],
                period=(form.cleaned_data["period_from"], form.cleaned_data["period_to"]),
            )
        except ReadError as error:
            form.add_error("file", f"This file can't be read: {error}.")
            return self.page(request, form, status=400)
        return redirect("imports:detail", self.workspace.slug, job.pk)

    def page(self, request: HttpRequest, form: UploadForm, status: int = 200) -> HttpResponse:
        jobs = ImportJob.objects.filter(workspace=self.workspace).defer("data", "report")[:20]
        return render(
            request,
            "contacts/import_list.html",
            {"form": form, "jobs": jobs},
            status=status,
        )


class ImportDetailView(WorkspaceView):
    """One import: its mapping and preview while in preview, its progress while it runs, its
    report when done."""

    def job(self, pk: int) -> ImportJob:
        job = ImportJob.objects.filter(workspace=self.workspace, pk=pk).first()
        if job is None:
            raise Http404("No such import")
        return job

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = self.job(pk)
        if job.status != ImportJob.Status.PREVIEW:
            return render(request, "contacts/import_detail.html", self.context(job))
        return self.preview(request, job, self.mapping_form(job))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = self.job(pk)
        if job.status != ImportJob.Status.PREVIEW:
            return HttpResponse(
                "This import has already started.", status=409, content_type="text/plain"
            )
        action = request.POST.get("action", "")
        if action == "mapping":
            form = self.mapping_form(job, request.POST)
            if form is None:
                return HttpResponse(
                    f"action: a {job.format_label} file names its own fields.",
                    status=400,
                    content_type="text/plain",
                )
            if not form.is_valid():
                return self.preview(request, job, form, status=400)
            job.mapping = form.mapping()
            job.save(update_fields=["mapping"])
            return redirect("imports:detail", self.workspace.slug, job.pk)
        if action not in ("preview", "start"):
            return HttpResponse("action: unknown.", status=400, content_type="text/plain")
        decisions = {}
        for key, value in request.POST.items():
            if job.kind == ImportJob.Kind.CALENDAR and key.startswith("person-"):
                if value not in PERSON_DECISIONS or "@" not in key:
                    return HttpResponse(
                        f"{key}: choose create or skip.", status=400, content_type="text/plain"
                    )
                decisions[key[7:].casefold()] = value
            elif key.startswith("row-") and key[4:].isdigit():
                if value not in DECISIONS:
                    return HttpResponse(
                        f"{key}: choose merge, keep or skip.", status=400, content_type="text/plain"
                    )
                decisions[key[4:]] = value
        job.decisions = decisions
        job.save(update_fields=["decisions"])
        if action == "start":
            services.queue_job(job)
            messages.success(request, f"Importing {job.filename}: you can leave this page.")
        return redirect("imports:detail", self.workspace.slug, job.pk)

    def mapping_form(self, job: ImportJob, data: Any = None) -> MappingForm | None:
        if job.format not in services.TABULAR:
            return None
        headers = services.headers_of(bytes(job.data), job.format)
        return MappingForm(data, headers=headers, mapping=job.mapping)

    def preview(
        self, request: HttpRequest, job: ImportJob, form: MappingForm | None, status: int = 200
    ) -> HttpResponse:
        context = self.context(job)
        context["mapping_form"] = form
        try:
            if job.format in services.TABULAR:
                # The form read the file's headers already; a failed mapping POST has a form too.
                headers = form.headers if form is not None else []
                check_mapping(job.mapping, headers)
            plan = services.plan_job(job)
        except (MappingError, ReadError, ImportProblem) as error:
            context["problem"] = str(error)
            return render(request, "contacts/import_detail.html", context, status=status)
        if isinstance(plan, CalendarPlan):
            context.update(calendar_preview_context(plan, services.person_decisions_of(job)))
        else:
            context.update(preview_context(plan))
        return render(request, "contacts/import_detail.html", context, status=status)

    def context(self, job: ImportJob) -> dict[str, Any]:
        report = job.report or {}
        rows = report.get("rows", [])
        context = {
            "job": job,
            "said": services.report_summary(report, done=True) if report.get("counts") else "",
            "problems": [row for row in rows if row[1] in (ERROR, DUPLICATE, SKIP)][:PREVIEW_ROWS],
            "progress_url": reverse("imports:progress", args=[self.workspace.slug, job.pk]),
        }
        if job.kind == ImportJob.Kind.CALENDAR and report:
            made = [row for row in rows if row[1] == CREATE and row[4]]
            context["meetings"] = made[:PREVIEW_ROWS]
            context["more_meetings"] = max(0, len(made) - PREVIEW_ROWS)
            days = sorted(row[5]["date"] for row in made if row[5]["date"])
            if days:
                context["meetings_url"] = (
                    reverse("interactions:list", args=[self.workspace.slug])
                    + f"?occurred_from={days[0]}&occurred_to={days[-1]}&kind=meeting"
                )
        return context


def preview_context(plan: Plan) -> dict[str, Any]:
    """The preview's parts: counts, the duplicates side by side, errors, and the first rows of
    what is created and updated."""
    by_action: dict[str, list[Any]] = {}
    for row in plan.rows:
        by_action.setdefault(row.action, []).append(row)
    duplicates = by_action.get(DUPLICATE, [])
    merged_into = [row.existing for row in by_action.get(UPDATE, []) if row.existing]
    wanted = {pk for row in duplicates for pk in row.candidates} | set(merged_into[:PREVIEW_ROWS])
    existing = {
        stakeholder.pk: stakeholder
        for stakeholder in Stakeholder.objects.filter(pk__in=wanted).prefetch_related(
            "organisations"
        )
    }
    counts = plan.counts()
    return {
        "said": summary(counts),
        "counts": counts,
        "duplicates": [
            (row, [existing[pk] for pk in row.candidates if pk in existing]) for row in duplicates
        ],
        "errors": by_action.get(ERROR, []),
        "skipped": by_action.get(SKIP, []),
        "creates": by_action.get(CREATE, [])[:PREVIEW_ROWS],
        "updates": [
            (row, existing.get(row.existing)) for row in by_action.get(UPDATE, [])[:PREVIEW_ROWS]
        ],
        "more_creates": max(0, counts[CREATE] - PREVIEW_ROWS),
        "more_updates": max(0, counts[UPDATE] - PREVIEW_ROWS),
        "new_organisations": list(plan.new_organisations.values()),
    }


def calendar_preview_context(plan: CalendarPlan, decisions: dict[str, str]) -> dict[str, Any]:
    """A calendar preview's parts: counts, the meetings to create (first PREVIEW_ROWS), the
    people to create or left out with their choice, skipped events and events with errors."""
    by_action: dict[str, list[Any]] = {}
    for row in plan.rows:
        by_action.setdefault(row.action, []).append(row)
    counts = plan.counts()
    meetings = [
        (
            row,
            [plan.names.get(pk, "") for pk in row.stakeholders],
            [plan.new_people.get(email, email) for email in row.new_people],
            [plan.member_names.get(pk, "") for pk in row.members],
        )
        for row in by_action.get(CREATE, [])[:PREVIEW_ROWS]
    ]
    attending: dict[str, int] = {}
    for row in by_action.get(CREATE, []):
        for email in row.new_people:
            attending[email] = attending.get(email, 0) + 1
    people = [
        (email, name, attending.get(email, 0), "create") for email, name in plan.new_people.items()
    ] + [(email, name, 0, "skip") for email, name in plan.left_out.items()]
    skipped = by_action.get(SKIP, [])
    return {
        "said": calendar_summary(counts),
        "counts": counts,
        "meetings": meetings,
        "more_meetings": max(0, counts[CREATE] - PREVIEW_ROWS),
        "people": sorted(people, key=lambda person: person[1].casefold()),
        "skipped": skipped[:PREVIEW_ROWS],
        "skipped_count": len(skipped),
        "more_skipped": max(0, len(skipped) - PREVIEW_ROWS),
        "errors": by_action.get(ERROR, []),
        "decided": bool(decisions),
    }


class ImportProgressView(ImportDetailView):
    """The progress bar's fragment, polled by htmx while the worker runs the import; when it is
    done the page reloads to show the report."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = self.job(pk)
        response = render(request, "contacts/_progress.html", self.context(job))
        if job.status in (ImportJob.Status.DONE, ImportJob.Status.FAILED):
            response["HX-Refresh"] = "true"
        return response


class ImportReportView(ImportDetailView):
    """Every row and what became of it (or, before the import, what will), as CSV."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        job = self.job(pk)
        report = job.report
        if not report:
            try:
                report = services.report_of(services.plan_job(job))
            except (ReadError, ImportProblem) as error:
                return HttpResponse(f"file: {error}", status=400, content_type="text/plain")
        response = HttpResponse(services.report_csv(report), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-report.csv"'
        return response
