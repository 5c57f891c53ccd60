"""`cityweave import-contacts FILE --workspace SLUG`: contacts from CSV, XLSX, LinkedIn or vCard."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cityweave.contacts.importing import (
    CREATE,
    DUPLICATE,
    ERROR,
    SKIP,
    UPDATE,
    ImportProblem,
    apply_plan,
    plan_import,
    summary,
    today_tag,
)
from cityweave.contacts.readers import (
    FORMATS,
    ReadError,
    detect_format,
    parse_mapping,
    read_contacts,
)
from cityweave.contacts.services import report_csv, report_of
from cityweave.workspaces.models import Workspace

SHOWN = (CREATE, UPDATE, DUPLICATE, SKIP, ERROR)


def _rows(text: str, option: str) -> list[int]:
    try:
        return [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise CommandError(
            f"{option}: row numbers separated by commas, e.g. 4,17.", returncode=2
        ) from None


class Command(BaseCommand):
    help = (
        "Import contacts (CSV, XLSX, LinkedIn Connections.csv, vCard) into a workspace as "
        "stakeholders, matching existing ones; --dry-run shows what would happen."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="The contact file.")
        parser.add_argument("--workspace", required=True, help="The workspace's slug.")
        parser.add_argument(
            "--format", choices=FORMATS, help="The file's format (detected when left out)."
        )
        parser.add_argument(
            "--map",
            default="",
            help="Columns to fields for CSV and XLSX, e.g. 'name=Full Name,email=E-mail' "
            "(guessed from the headers when left out).",
        )
        parser.add_argument(
            "--sector",
            default="business",
            help="The sector of the stakeholders the import creates (default: business).",
        )
        parser.add_argument(
            "--tag",
            help="Tag every stakeholder created or updated (default: 'imported FORMAT DATE').",
        )
        parser.add_argument(
            "--merge",
            action="append",
            default=[],
            help="Rows whose probable duplicate is the same stakeholder (4,17; may repeat).",
        )
        parser.add_argument(
            "--keep-both",
            action="append",
            default=[],
            help="Rows whose probable duplicate is someone else (4,17; may repeat).",
        )
        parser.add_argument("--report", help="Write the row-by-row report to this CSV file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would happen; write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(
                f"workspace: no workspace “{options['workspace']}”.", returncode=2
            ) from None
        path = Path(options["file"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(
                f"file: cannot read {path}: {error.strerror}.", returncode=2
            ) from None
        decisions: dict[int, str] = {}
        for text in options["merge"]:
            decisions |= dict.fromkeys(_rows(text, "--merge"), "merge")
        for text in options["keep_both"]:
            decisions |= dict.fromkeys(_rows(text, "--keep-both"), "keep")
        format = options["format"] or detect_format(data)
        try:
            mapping = parse_mapping(options["map"]) if options["map"] else None
            read = read_contacts(data, format=format, mapping=mapping)
            plan = plan_import(workspace, read, sector=options["sector"], decisions=decisions)
        except (ReadError, ImportProblem) as error:
            raise CommandError(
                f"{path.name}: {str(error).rstrip('.')}. Nothing was imported.", returncode=2
            ) from None
        for row in plan.rows:
            if row.action in SHOWN:
                reason = f" ({row.reason})" if row.reason else ""
                self.stdout.write(f"row {row.row}: {row.action} {row.name}{reason}")
        said = summary(plan.counts())
        if options["report"]:
            Path(options["report"]).write_text(report_csv(report_of(plan)), encoding="utf-8")
        if options["dry_run"]:
            self.stdout.write(f"Dry run, nothing written: {said or 'nothing to import'}.")
            return
        tag = (
            options["tag"]
            if options["tag"] is not None
            else today_tag(format, timezone.localdate())
        )
        outcome = apply_plan(workspace, plan, tag=tag)
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported into {workspace.slug}: {len(outcome.created)} created, "
                f"{len(outcome.updated)} updated, {len(outcome.organisations)} new organisations "
                f"(of the file: {said})."
            )
        )
