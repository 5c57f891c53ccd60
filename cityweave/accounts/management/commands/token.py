"""`cityweave token`: create, list and revoke a user's personal API tokens."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cityweave.accounts.services import DEFAULT_TOKEN_NAME, issue_token, list_tokens, revoke_token
from cityweave.cli import describe_validation_error


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "never"


class Command(BaseCommand):
    """Personal API tokens: `token create`, `token list`, `token revoke`."""

    help = "Create, list or revoke a user's personal API tokens."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="create|list|revoke")
        create = actions.add_parser(
            "create", help="Issue a token; it is printed once, on the last line."
        )
        create.add_argument("email")
        create.add_argument("--name", default=DEFAULT_TOKEN_NAME, help="What the token is for.")
        create.add_argument(
            "--expires-days", type=int, help="Stop working after this many days (default: never)."
        )
        listing = actions.add_parser("list", help="List the user's tokens by hint.")
        listing.add_argument("email")
        revoke = actions.add_parser("revoke", help="Delete the token whose hint starts with HINT.")
        revoke.add_argument("email")
        revoke.add_argument(
            "hint", help="The first characters of the token, as `token list` shows."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "create":
                self._create(options["email"], options["name"], options["expires_days"])
            elif options["action"] == "list":
                self._list(options["email"])
            else:
                self._revoke(options["email"], options["hint"])
        except ValidationError as error:
            raise CommandError(describe_validation_error(error)) from None

    def _create(self, email: str, name: str, expires_days: int | None) -> None:
        token, raw = issue_token(email, name, expires_days)
        self.stdout.write(
            f"Token “{token.name}” for {token.user.email}; it is shown only this once:"
        )
        self.stdout.write(raw)

    def _list(self, email: str) -> None:
        tokens = list_tokens(email)
        if not tokens:
            self.stdout.write(f"{email} has no API tokens.")
            return
        self.stdout.write(f"{'HINT':<13} {'CREATED':<16}  {'LAST USED':<16}  {'EXPIRES':<16}  NAME")
        for token in tokens:
            self.stdout.write(
                f"{token.hint + '…':<13} {_when(token.created_at):<16}  "
                f"{_when(token.last_used_at):<16}  {_when(token.expires_at):<16}  {token.name}"
            )

    def _revoke(self, email: str, hint: str) -> None:
        token = revoke_token(email, hint)
        self.stdout.write(self.style.SUCCESS(f"Revoked token “{token.name}” ({token.hint}…)."))
