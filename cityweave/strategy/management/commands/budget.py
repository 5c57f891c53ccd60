"""`cityweave budget show`: a member's relationship budget and its summary, as the budget page
shows it; `cityweave budget plan`: a plan of their relationships within it, as the plan page
shows it, and accepting it; `introductions` and `next` (cityweave.strategy.intro_commands)."""

from __future__ import annotations

import json
import zoneinfo
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404
from django.utils import timezone

from cityweave.accounts.models import User
from cityweave.stakeholders.models import sector_choices
from cityweave.strategy import budget, plans
from cityweave.strategy.api import budget_out
from cityweave.strategy.intro_commands import add_introduction_commands, run_introduction_command
from cityweave.strategy.models import Plan
from cityweave.strategy.plan_api import plan_out
from cityweave.strategy.planning import MOVES
from cityweave.workspaces.models import Membership, Workspace
from cityweave.workspaces.services import membership_for, require_editor

#: The costliest ties without a goal listed in the text summary.
UNALIGNED_SHOWN = 10
#: The changes of a plan listed in the text (the rest are counted).
CHANGES_SHOWN = 50


class Command(BaseCommand):
    """A relationship budget from the command line, on the same services as the budget page."""

    help = (
        "Show a member's relationship budget (planned hours against it, logged hours, splits), "
        "plan their relationships within it, who can introduce them to someone, and the next "
        "best relationships to start."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(
            dest="action", required=True, metavar="{show,plan,introductions,next}"
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
        text = (
            "Propose a plan of your relationships within your budget, with your plan weights (as "
            "the plan page does) and keep it as your latest: for each relationship a tier (keep "
            "close, keep active, maintain, reach through a broker, let rest), each change with "
            "its reason. --latest shows your latest plan instead; --accept accepts all its open "
            "changes (editors and owners: it writes the ties' cadences and statuses)."
        )
        plan = actions.add_parser("plan", help=text, description=text)
        plan.add_argument("workspace", metavar="WORKSPACE", help="The workspace's slug.")
        plan.add_argument(
            "--as", dest="email", required=True, metavar="EMAIL", help="Whose plan it is."
        )
        plan.add_argument(
            "--latest", action="store_true", help="Show your latest plan; propose none."
        )
        plan.add_argument(
            "--accept", action="store_true", help="Accept every open change of the plan."
        )
        plan.add_argument(
            "--time-limit",
            type=float,
            default=10.0,
            metavar="SECONDS",
            help="How long the optimiser may look (default 10; it keeps the best plan found).",
        )
        plan.add_argument("--format", choices=("text", "json"), default="text")
        add_introduction_commands(actions)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "plan":
            self._plan(options)
            return
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

    def _plan(self, options: dict[str, Any]) -> None:
        member = self._member(options["workspace"], options["email"], "--as")
        limit = options["time_limit"]
        if not 0 < limit <= 600:
            raise CommandError(
                "--time-limit: give seconds, more than 0 and at most 600.", returncode=2
            )
        if options["accept"]:
            try:
                # Before proposing: a refused --accept leaves no new plan behind.
                require_editor(member)
            except PermissionDenied as error:
                raise CommandError(f"--accept: {error}", returncode=2) from None
        try:
            if options["latest"]:
                plan = plans.latest_of(member)
                if plan is None:
                    raise CommandError("No plan yet: run this without --latest.", returncode=1)
            else:
                plan = plans.propose(member, time_limit=limit)
            acceptance = plans.accept_plan(member, plan) if options["accept"] else None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages), returncode=1) from None
        except PermissionDenied as error:
            raise CommandError(f"--accept: {error}", returncode=2) from None
        if options["format"] == "json":
            data = plan_out(plan)
            if acceptance is not None:
                data["accepted_now"] = [line.tie_id for line in acceptance.accepted]
                data["refused_now"] = [
                    {"tie": line.tie_id, "reason": reason} for line, reason in acceptance.refused
                ]
            self.stdout.write(json.dumps(data, indent=2, cls=DjangoJSONEncoder))
            return
        self._plan_text(plan, acceptance)

    def _plan_text(self, plan: Plan, acceptance: plans.Acceptance | None) -> None:
        write = self.stdout.write
        lines = plans.plan_lines(plan, limit=CHANGES_SHOWN)
        sectors = dict(sector_choices(plan.member.workspace))
        change = plans.diversity_change(plan.sectors_before, plan.sectors_after, sectors)
        zone = plan.member.workspace.timezone
        made = timezone.localtime(plan.created_at, zoneinfo.ZoneInfo(zone))
        write(
            f"Relationship plan of {plan.member.user.display_name}, {made:%Y-%m-%d %H:%M} ({zone})"
        )
        write(f"Value toward goals: {plan.value_before:.1f} -> {plan.value_after:.1f}")
        write(
            f"Hours a month: {plan.hours_before:.1f} -> {plan.hours_after:.1f} "
            f"(budget {plan.budget_hours:g} h)"
        )
        quality = "optimal" if plan.optimal else f"within {100 * plan.gap:.1f}% of the best"
        write(f"Method: {plan.get_method_display()}, {plan.seconds:.1f} s: {quality}")

        def blau(value: float | None) -> str:
            return "-" if value is None else f"{value:.2f}"

        write(
            f"Diversity (Blau index by sector): {blau(change.blau_before)} -> "
            f"{blau(change.blau_after)}; sectors missing in the plan: "
            + (", ".join(sectors.get(k, k) for k in change.missing_after) or "none")
        )
        for note in plan.notes:
            write(f"Note: {note}")
        write(f"Changes: {lines.changed_count} ({lines.accepted_count} accepted)")
        for line in lines.changed:
            mark = "[accepted] " if line.accepted_at else ""
            write(f"  {mark}{line.counterpart_name}: {MOVES.get(line.proposed, line.proposed)}")
            write(f"    {line.sentence}")
        if lines.changed_count > len(lines.changed):
            write(f"  ... and {lines.changed_count - len(lines.changed)} more")
        write(f"Unchanged: {lines.unchanged_count}")
        for target in plan.uncovered:
            write(f"Uncovered: {target['label']}: {target['what']}")
        if acceptance is not None:
            write(f"Accepted now: {len(acceptance.accepted)} change(s).")
            for _, reason in acceptance.refused:
                write(f"  not accepted: {reason}")
