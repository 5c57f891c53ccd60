"""`cityweave merge-stakeholders SLUG KEEP MERGE --as EMAIL`: merge one stakeholder into another."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.http import Http404

from cityweave.cli import describe_validation_error
from cityweave.stakeholders.merging import merge_stakeholders, plan_merge
from cityweave.stakeholders.models import Stakeholder
from cityweave.workspaces.models import Membership


class Command(BaseCommand):
    """Merge stakeholder MERGE into KEEP in workspace SLUG, as the member --as; --dry-run shows
    what would move. Restoring MERGE from the trash undoes it."""

    help = "Merge one stakeholder into another (restoring it from the trash undoes the merge)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("slug", help="The workspace's slug.")
        parser.add_argument("keep", type=int, help="The id of the stakeholder that stays.")
        parser.add_argument("merge", type=int, help="The id of the one merged into it (trashed).")
        parser.add_argument(
            "--as", dest="email", required=True, help="The email of the member (an editor) merging."
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Show what would move; write nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        member = (
            Membership.objects.select_related("workspace", "user")
            .filter(workspace__slug=options["slug"], user__email__iexact=options["email"])
            .first()
        )
        if member is None:
            raise CommandError(
                f"--as: {options['email']} is not a member of a workspace “{options['slug']}”.",
                returncode=2,
            )
        found = {
            s.pk: s
            for s in Stakeholder.objects.filter(
                workspace=member.workspace, pk__in=[options["keep"], options["merge"]]
            )
        }
        for name in ("keep", "merge"):
            if options[name] not in found:
                raise CommandError(
                    f"{name}: no stakeholder {options[name]} in this workspace.", returncode=2
                )
        keep, merge = found[options["keep"]], found[options["merge"]]
        try:
            with transaction.atomic():
                if options["dry_run"]:
                    plan = plan_merge(member, keep, merge)
                else:
                    _, plan = merge_stakeholders(member, keep, merge)
        except ValidationError as error:
            raise CommandError(describe_validation_error(error), returncode=2) from None
        except (PermissionDenied, Http404) as error:
            raise CommandError(f"--as: {error}", returncode=2) from None
        moved = ", ".join(
            f"{n} {what.replace('_', ' ')}"
            for what, n in plan.summary().items()
            if isinstance(n, int)
        )
        verb = "Would merge" if options["dry_run"] else "Merged"
        self.stdout.write(f"{verb} “{merge}” ({merge.pk}) into “{keep}” ({keep.pk}): {moved}.")
        if plan.filled:
            self.stdout.write(f"Fields filled or added to: {', '.join(plan.filled)}.")
        if not options["dry_run"]:
            self.stdout.write(
                self.style.SUCCESS(f"“{merge}” is in the trash; restoring it undoes the merge.")
            )
