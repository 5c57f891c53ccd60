"""An import of a contact file into a workspace: the file, its column mapping and the person's
decisions while it is previewed, then its progress and report once the worker runs it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from cityweave.workspaces.models import Membership, Workspace

#: The largest file an import takes (bytes): a 10,000-row CSV is about 1 MB.
MAX_IMPORT_BYTES = 20 * 1024 * 1024


#: How each reader's format reads on a page.
FORMAT_LABELS = {
    "csv": "CSV",
    "xlsx": "Excel",
    "linkedin": "LinkedIn connections",
    "vcard": "vCard",
    "ics": "iCalendar",
}


class ImportJob(models.Model):
    """One upload, from preview to report. The file's bytes stay with the job so the preview,
    the run and a re-run all read the same file."""

    class Status(models.TextChoices):
        PREVIEW = "preview", "Preview"
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"

    class Kind(models.TextChoices):
        CONTACTS = "contacts", "Contacts"
        CALENDAR = "calendar", "Calendar"

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")
    #: Contacts become stakeholders; a calendar's past events become interactions.
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.CONTACTS)
    member = models.ForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="+")
    filename = models.CharField(max_length=255)
    #: The reader: "csv", "xlsx", "linkedin", "vcard", or "ics" for a calendar.
    format = models.CharField(max_length=10)
    data = models.BinaryField()
    #: {field: [column, ...]} for CSV and XLSX; {} for the formats that name their own fields.
    mapping = models.JSONField(default=dict, blank=True)
    sector = models.CharField(max_length=50)
    tag = models.CharField(max_length=60, blank=True)
    #: A calendar's events from and to (both days included); empty for contacts.
    period_from = models.DateField(null=True, blank=True)
    period_to = models.DateField(null=True, blank=True)
    #: {row number as text: "merge" | "keep" | "skip"} for probable duplicates; for a calendar,
    #: {email: "create" | "skip"} for the people it does not know.
    decisions = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PREVIEW)
    #: Rows read so far and rows in all, while the worker runs it.
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    #: {"counts": {...}, "rows": [[row, action, name, reason], ...]} once finished.
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def format_label(self) -> str:
        return FORMAT_LABELS.get(self.format, self.format)
