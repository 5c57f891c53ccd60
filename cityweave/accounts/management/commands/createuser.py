"""`cityweave createuser`: create or update a user and give them a role in a workspace."""

from __future__ import annotations

import getpass
import sys
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from cityweave.accounts.services import create_user_with_membership
from cityweave.cli import describe_validation_error
from cityweave.workspaces.models import Role


class Command(BaseCommand):
    """Create or update a user with a membership, creating the workspace when it is new."""

    help = "Create or update a user and give them a role in a workspace (created when new)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("email", help="The user's email address, which is also their login.")
        parser.add_argument(
            "--workspace", required=True, metavar="SLUG", help="The workspace's slug."
        )
        parser.add_argument(
            "--role", required=True, metavar="|".join(Role.values), help="The user's role there."
        )
        parser.add_argument("--name", help="The user's full name.")
        parser.add_argument(
            "--password-stdin",
            action="store_true",
            help="Read the password from the first line of stdin (or prompt for it at a terminal).",
        )
        parser.add_argument(
            "--workspace-name",
            metavar="NAME",
            help="The workspace's name when it is created (default: the slug, titled).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        password = None
        if options["password_stdin"] and sys.stdin.isatty():
            password = getpass.getpass("Password: ")
        elif options["password_stdin"]:
            lines = sys.stdin.read().splitlines()
            password = lines[0] if lines else ""
        try:
            setup = create_user_with_membership(
                options["email"],
                options["workspace"],
                options["role"],
                name=options["name"],
                password=password,
                workspace_name=options["workspace_name"],
            )
        except ValidationError as error:
            raise CommandError(describe_validation_error(error)) from None
        workspace = setup.membership.workspace
        if setup.workspace_created:
            self.stdout.write(f"Created workspace “{workspace.name}” ({workspace.slug}).")
        verb = "Created" if setup.user_created else "Updated"
        self.stdout.write(
            self.style.SUCCESS(
                f"{verb} {setup.user.email}: {setup.membership.role} of {workspace.slug}."
            )
        )
        if not setup.user.has_usable_password():
            self.stdout.write(
                f"No password is set, so {setup.user.email} cannot log in yet: run "
                f"`cityweave changepassword {setup.user.email}` or pass --password-stdin."
            )
