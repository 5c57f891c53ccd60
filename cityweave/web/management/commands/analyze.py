"""`cityweave analyze`: network analysis of any edge list (the engine in cityweave.analytics)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from cityweave.analytics.cli import DESCRIPTION, main


class Command(BaseCommand):
    """Hands every argument to the engine's own parser, which needs no Django."""

    help = DESCRIPTION

    def run_from_argv(self, argv: list[str]) -> None:
        # argv is ["cityweave", "analyze", ...]: the engine parses its own options and --help.
        raise SystemExit(main(argv[2:]))

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("arguments", nargs="*", help="as for `cityweave analyze --help`")

    def handle(self, *args: Any, **options: Any) -> None:
        status = main(list(options["arguments"]))
        if status:
            raise CommandError(f"analyze failed with status {status}", returncode=status)
