"""`cityweave import-calendar FILE --workspace SLUG`: a calendar's past events as meetings."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cityweave.contacts.calendar_import import (
    CREATE,
    ERROR,
    SKIP,
    apply_calendar,
    default_period,
    plan_calendar,
    read_period,
    summary,
)
from cityweave.contacts.importing import MAX_ROWS, ImportProblem
from cityweave.contacts.readers import ReadError, read_calendar
from cityweave.contacts.services import report_csv, report_of
from cityweave.workspaces.models import Workspace


def _day(text: str | None, option: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{option}: a day as YYYY-MM-DD, not “{text}”.", returncode=2) from None


class Command(BaseCommand):
    help = (
        "Import a calendar (.ics from Outlook, Google or Apple) into a workspace: each past event "
        "of the period becomes a meeting with the stakeholders it names by email; --dry-run "
        "shows what would happen."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="The .ics file.")
        parser.add_argument("--workspace", required=True, help="The workspace's slug.")
        parser.add_argument(
            "--from",
            dest="period_from",
            help="First day of events, YYYY-MM-DD (default: a year ago).",
        )
        parser.add_argument(
            "--to", dest="period_to", help="Last day of events, YYYY-MM-DD (default: today)."
        )
        parser.add_argument(
            "--sector",
            default="business",
            help="The sector of the people the import creates (default: business).",
        )
        parser.add_argument(
            "--skip-person",
            action="append",
            default=[],
            help="An email address to leave out rather than create (may repeat).",
        )
        parser.add_argument("--tag", default="", help="Tag every new stakeholder with this.")
        parser.add_argument("--report", help="Write the event-by-event report to this CSV file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would happen; write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"workspace: no workspace “{options['workspace']}”.", returncode=2)
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                f"file: cannot read {path}: {error.strerror}.", returncode=2
            ) from None
        zone = zoneinfo.ZoneInfo(workspace.timezone)
        start, end = default_period(timezone.localdate(timezone=zone))
        period_from = _day(options["period_from"], "--from") or start
        period_to = _day(options["period_to"], "--to") or end
        decisions = {email.strip().casefold(): "skip" for email in options["skip_person"]}
        try:
            read = read_calendar(
                data,
                period=read_period(period_from, period_to),
                default_timezone=zone,
                limit=MAX_ROWS,
            )
            plan = plan_calendar(workspace, read, sector=options["sector"], decisions=decisions)
        except (ReadError, ImportProblem) as error:
            raise CommandError(
                f"{path.name}: {str(error).rstrip('.')}. Nothing was imported.", returncode=2
            ) from None
        for row in plan.rows:
            if row.action in (CREATE, SKIP, ERROR):
                day = f" {row.day.isoformat()}" if row.day else ""
                reason = f" ({row.reason})" if row.reason else ""
                self.stdout.write(f"line {row.row}:{day} {row.action} {row.title}{reason}")
        said = summary(plan.counts())
        if options["dry_run"]:
            if options["report"]:
                Path(options["report"]).write_text(report_csv(report_of(plan)), encoding="utf-8")
            self.stdout.write(f"Dry run, nothing written: {said or 'nothing to import'}.")
            return
        try:
            outcome = apply_calendar(workspace, plan, tag=options["tag"])
        except ImportProblem as error:
            raise CommandError(
                f"{path.name}: {error} Nothing was imported.", returncode=2
            ) from None
        if options["report"]:
            Path(options["report"]).write_text(report_csv(report_of(plan)), encoding="utf-8")
        made = len(outcome.interactions)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported into {workspace.slug}: "
                f"{summary(plan.counts(), done=True) or 'nothing new'} "
                f"({made} meeting{'' if made == 1 else 's'} in all)."
            )
        )
