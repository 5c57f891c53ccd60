"""`cityweave demo`: build the demo city Riverton, with two years of made-up history."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand

from cityweave.demo import DEMO_PASSWORD, DEMO_SLUG, DEMO_USERS, build_demo, demo_is_needed
from cityweave.workspaces.models import Workspace


def iso_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"“{value}” is not a date in the form YYYY-MM-DD."
        ) from None


class Command(BaseCommand):
    """Build the demo workspace, or leave an existing one alone."""

    help = "Build the demo city Riverton (workspace `riverton`) with two years of made-up history."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing unless the database has no workspace at all (for a first run).",
        )
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="Delete the `riverton` workspace and everything in it, then build it again.",
        )
        parser.add_argument(
            "--today",
            type=iso_date,
            metavar="YYYY-MM-DD",
            help="Date the history relative to this day instead of today (the same day gives "
            "the same data).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        owner = DEMO_USERS[0]
        login = f"Log in as {owner.email} with the password {DEMO_PASSWORD}."
        if options["if_empty"] and not demo_is_needed():
            if Workspace.objects.filter(slug=DEMO_SLUG).exists():
                self.stdout.write(f"The demo city is already here. {login}")
            else:
                self.stdout.write(
                    "The database already has a workspace, so the demo was not built."
                )
            return
        build_demo(options["today"], stdout=self.stdout, rebuild=options["rebuild"])
        self.stdout.write(self.style.SUCCESS(login))
