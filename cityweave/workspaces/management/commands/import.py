"""`cityweave import`: create a workspace from a file written by `cityweave export`."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cityweave.workspaces.transfer import TransferError, import_workspace, section_counts


class Command(BaseCommand):
    """Import a workspace file as a new workspace; nothing is written when the file has a problem."""

    help = "Import a workspace from an `export` file, as a new workspace (--slug, --name to rename it)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="The JSON file to read (- for stdin).")
        parser.add_argument(
            "--slug",
            help="Import under this slug instead of the file's, e.g. next to the original.",
        )
        parser.add_argument(
            "--name",
            help="Name the new workspace this instead of the file's name, e.g. “Riverton (copy)”.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["file"]
        try:
            text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"file: cannot read {name}: {error}.", returncode=2) from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(f"file: {name} is not valid JSON ({error}).", returncode=2) from None
        except RecursionError:
            raise CommandError(
                f"file: {name} nests its values too deeply to be a cityweave export.", returncode=2
            ) from None
        try:
            workspace = import_workspace(data, slug=options["slug"], name=options["name"])
        except TransferError as error:
            raise CommandError(f"{name}: {error} Nothing was imported.", returncode=2) from None
        counts = ", ".join(f"{n} {section}" for section, n in section_counts(data).items())
        self.stdout.write(
            self.style.SUCCESS(f"Imported “{workspace.name}” as {workspace.slug} ({counts}).")
        )
