"""`cityweave export`: write a whole workspace, trash included, to a JSON file."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cityweave.workspaces.models import Workspace
from cityweave.workspaces.transfer import TransferError, export_workspace, section_counts, to_json


class Command(BaseCommand):
    """Export a workspace losslessly, for a backup or a move to another installation."""

    help = "Export a whole workspace, trash included, to a JSON file that `import` reads back."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("slug", help="The workspace's slug.")
        parser.add_argument(
            "-o", "--output", metavar="FILE", default="-", help="Where to write (default: stdout)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = Workspace.objects.filter(slug=options["slug"]).first()
        if workspace is None:
            raise CommandError(f"slug: no workspace has the slug “{options['slug']}”.")
        try:
            data = export_workspace(workspace)
        except TransferError as error:
            raise CommandError(str(error)) from None
        text = to_json(data)
        if options["output"] == "-":
            self.stdout.write(text, ending="")
            return
        path = Path(options["output"])
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as error:
            raise CommandError(f"output: cannot write {path}: {error.strerror}.") from None
        counts = ", ".join(f"{n} {name}" for name, n in section_counts(data).items())
        self.stdout.write(self.style.SUCCESS(f"Exported {workspace.slug} to {path} ({counts})."))
