"""`cityweave budget show`: a member's relationship budget and its summary, as the budget page
shows it."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404

from cityweave.accounts.models import User
from cityweave.strategy import budget
from cityweave.strategy.api import budget_out
from cityweave.strategy.intro_commands import add_introduction_commands, run_introduction_command
from cityweave.workspaces.models import Membership, Workspace
from cityweave.workspaces.services import membership_for

#: The costliest ties without a goal listed in the text summary.
UNALIGNED_SHOWN = 10


class Command(BaseCommand):
    """A relationship budget from the command line, on the same services as the budget page."""

    help = (
        "Show a member's relationship budget (planned hours against it, logged hours, splits), "
        "who can introduce them to someone, and the next best relationships to start."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="{show,introductions,next}"
        )
        text = (
            "Your budget (or --member's, when they share it): hours a month planned for the ties "
            "you own against the budget, logged hours by month, the split by tier, sector and "
            "goal, and the ties that take time without serving an open goal."
        )
        show = actions.add_parser("show", help=text, description=text)
        show.add_argument("workspace", metavar="WORKSPACE", help="The workspace's slug.")
        show.add_argument(
            "--as", dest="email", required=True, metavar="EMAIL", help="Who is asking."
        )
        show.add_argument(
            "--member",
            metavar="EMAIL",
            help="Another member whose shared budget to show (yours without it).",
        )
        show.add_argument("--format", choices=("text", "json"), default="text")
        add_introduction_commands(actions)

    def handle(self, *args: Any, **options: Any) -> None:
        viewer = self._member(options["workspace"], options["email"], "--as")
        if options["action"] != "show":
            self.stdout.write(run_introduction_command(viewer, options))
            return
        shown: int | None = None
        if options["member"]:
            other = (
                Membership.objects.filter(
                    workspace=viewer.workspace, user__email__iexact=options["member"].strip()
                )
                .values_list("pk", flat=True)
                .first()
            )
            shown = other if other is not None else 0
        try:
            summary = budget.budget_summary(viewer, shown)
        except Http404:
            raise CommandError(
                f"--member: {options['member']} shares no budget in “{options['workspace']}”.",
                returncode=2,
            ) from None
        if options["format"] == "json":
            self.stdout.write(json.dumps(budget_out(summary), indent=2, cls=DjangoJSONEncoder))
            return
        self._text(summary)

    def _member(self, slug: str, email: str, option: str) -> Membership:
        user = User.objects.filter(email__iexact=email.strip()).first()
        try:
            if user is None:
                raise Http404
            return membership_for(user, slug)
        except Http404:
            if not Workspace.objects.filter(slug=slug).exists():
                raise CommandError(
                    f"WORKSPACE: no workspace “{slug}” (give its slug, as in /w/<slug>/).",
                    returncode=2,
                ) from None
            raise CommandError(
                f"{option}: {email} is not a member of the workspace “{slug}”.", returncode=2
            ) from None

    def _text(self, summary: budget.BudgetSummary) -> None:
        write = self.stdout.write
        name = summary.member.user.display_name
        hours = summary.hours_per_month
        write(f"Relationship budget of {name}")
        if hours is None:
            write("Budget: not set (set it on the budget page or with the API).")
        else:
            write(f"Budget: {hours} h a month")
            for kind, percent, part in summary.split_hours:
                write(f"  {kind}: {percent}% = {part:.1f} h")
        count = len(summary.costs)
        planned = (
            f"Planned: {summary.planned_hours:.1f} h a month over {count} tie{'s' * (count != 1)}"
        )
        if summary.planned_percent is not None:
            planned += f" ({summary.planned_percent:.0f}% of the budget"
            planned += ", over budget)" if summary.over_budget else ")"
        write(planned)
        write("  cost of a tie = (30.4375 / days between contacts) × usual length in hours")
        write(f"Logged in the last 12 months: {summary.average_actual:.1f} h a month on average")
        for month in summary.actual:
            write(
                f"  {month.month:%b %Y}  {month.hours:5.1f} h  ({month.interactions} interactions)"
            )
        for title, shares in (
            ("By tier", summary.by_tier),
            ("By sector", summary.by_sector),
            ("By goal (a tie serving two goals counts in both)", summary.by_goal),
        ):
            write(f"{title}:")
            if not shares:
                write("  none")
            for share in shares:
                write(
                    f"  {share.hours:5.1f} h  {share.percent:3.0f}%  {share.ties:3} "
                    f"{'tie ' if share.ties == 1 else 'ties'}  {share.label}"
                )
        write(
            f"Time without a goal: {summary.unaligned_hours:.1f} h a month over "
            f"{len(summary.unaligned)} ties"
        )
        for cost in summary.unaligned[:UNALIGNED_SHOWN]:
            write(
                f"  {cost.hours:5.2f} h  {cost.tie} (every {cost.cadence_days} days, "
                f"{cost.minutes:g} min: {cost.minutes_basis_label})"
            )
        if len(summary.unaligned) > UNALIGNED_SHOWN:
            write(f"  … and {len(summary.unaligned) - UNALIGNED_SHOWN} more")
