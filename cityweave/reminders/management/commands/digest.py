"""`cityweave digest`: email members their follow-ups now, as the worker does each hour."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cityweave.reminders.services import send_digests
from cityweave.workspaces.models import Workspace


class Command(BaseCommand):
    """Refresh notifications and send the due digests (or, with --dry-run, show them)."""

    help = (
        "Email each member their overdue and due-soon commitments, cold relationships that "
        "matter most and goal deadlines (each item once per state), as the worker does hourly."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--workspace", metavar="SLUG", help="Only this workspace.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show who would get what; send nothing."
        )
        parser.add_argument(
            "--ignore-schedule",
            action="store_true",
            help="Send to every member with something new, whatever their daily or weekly "
            "rhythm (not to those who chose no email).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = None
        if options["workspace"]:
            workspace = Workspace.objects.filter(slug=options["workspace"]).first()
            if workspace is None:
                raise CommandError(f"No workspace with the slug {options['workspace']!r}.")
        digests = send_digests(
            workspace, dry_run=options["dry_run"], force=options["ignore_schedule"]
        )
        verb = "would get" if options["dry_run"] else "sent to"
        for digest in digests:
            self.stdout.write(
                f"{digest.member.workspace.slug}: {verb} {digest.member.user.email}: "
                f"{len(digest.notifications)} item{'s' if len(digest.notifications) != 1 else ''}"
            )
            if options["dry_run"]:
                for row in digest.notifications:
                    self.stdout.write(f"  - {row.title}")
        if not digests:
            self.stdout.write("No digest is due with anything new.")
