"""`cityweave partnership list|gaps|brief`: the workspace's partnerships with their health, a
partnership's asset and gap map with suggestions, and its one-page brief as a PDF or HTML file."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils import timezone

from cityweave.cli import write_atomically
from cityweave.engagement.services import workspace_today
from cityweave.partnerships import brief_pdf, services
from cityweave.partnerships.brief import partnership_brief
from cityweave.partnerships.gaps import COVERED, PARTLY, UNCOVERED, gap_map
from cityweave.partnerships.health import partnership_health
from cityweave.partnerships.models import Partnership
from cityweave.workspaces.models import Membership, Role, Workspace


class Command(BaseCommand):
    """Partnership work from the command line, on the same services as the partnership pages."""

    help = (
        "List the partnerships with their health, print a partnership's asset and gap map, or "
        "write its one-page brief as a PDF (or HTML), as the pages do."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="list|gaps|brief")
        text = (
            "The workspace's partnerships, by name: status, officer and health (benchmarks on "
            "track, open risks with the highest score, partners engaged in the last 90 days)."
        )
        listing = actions.add_parser("list", help=text, description=text)
        listing.add_argument(
            "--workspace", required=True, metavar="SLUG", help="The workspace's slug."
        )
        listing.add_argument(
            "--status",
            choices=Partnership.Status.values,
            help="Only the partnerships in this status.",
        )
        text = (
            "A partnership's asset and gap map by value type (covered, partly covered, "
            "uncovered) with the stakeholders suggested for each gap and who could introduce them."
        )
        gaps_parser = actions.add_parser("gaps", help=text, description=text)
        gaps_parser.add_argument(
            "partnership",
            type=int,
            metavar="PARTNERSHIP_ID",
            help="The partnership's id (in its page's address).",
        )
        gaps_parser.add_argument(
            "--workspace", required=True, metavar="SLUG", help="The workspace's slug."
        )
        text = (
            "The partnership's one-page brief: a PDF on A4 or Letter paper, or with --html a "
            "standalone HTML file (its stylesheet inside)."
        )
        brief = actions.add_parser("brief", help=text, description=text)
        brief.add_argument(
            "partnership",
            type=int,
            metavar="PARTNERSHIP_ID",
            help="The partnership's id (in its page's address).",
        )
        brief.add_argument(
            "--workspace", required=True, metavar="SLUG", help="The workspace's slug."
        )
        brief.add_argument(
            "-o",
            "--output",
            metavar="FILE",
            help="Write here (required for a PDF; HTML is printed without it).",
        )
        brief.add_argument("--html", action="store_true", help="Write HTML instead of a PDF.")
        brief.add_argument(
            "--paper",
            choices=tuple(brief_pdf.PAPER_SIZES),
            help="The page size (default: A4 for a PDF; the printer's for HTML).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        workspace = Workspace.objects.filter(slug=options["workspace"]).first()
        if workspace is None:
            raise CommandError(f"--workspace: no workspace “{options['workspace']}”.", returncode=2)
        # The command line reads as a viewer would: nothing here is private to a member.
        reader = Membership(workspace=workspace, role=Role.VIEWER)
        if options["action"] == "list":
            self.list(reader, options["status"])
            return
        try:
            partnership = services.get_partnership(reader, options["partnership"])
        except Http404:  # another workspace's is not told apart from none, as on the pages
            raise CommandError(
                f"PARTNERSHIP_ID: no partnership {options['partnership']} in the workspace "
                f"“{workspace.slug}”.",
                returncode=2,
            ) from None
        if options["action"] == "gaps":
            self.gaps(reader, partnership)
            return
        output = options["output"]
        if output is None and not options["html"]:
            raise CommandError("-o: name the PDF file to write (or use --html).", returncode=2)
        if output and Path(output).is_dir():
            raise CommandError(f"-o: {output} is a folder; name a file in it.", returncode=2)
        if output and not Path(output).parent.is_dir():
            raise CommandError(f"-o: no folder {Path(output).parent} for {output}.", returncode=2)
        brief = partnership_brief(reader, partnership)
        if options["html"]:
            html = brief_pdf.document_html(brief, inline_css=True, paper=options["paper"])
            if output is None:
                self.stdout.write(html, ending="")
                return
            write_atomically(output, [html.encode()])
        else:
            try:
                pdf = brief_pdf.render_pdf(brief, options["paper"] or brief_pdf.DEFAULT_PAPER)
            except brief_pdf.PdfUnavailable as error:
                raise CommandError(str(error), returncode=1) from None
            write_atomically(output, [pdf])
        self.stdout.write(self.style.SUCCESS(f"Wrote the brief of “{partnership}” to {output}."))

    def list(self, reader: Membership, status: str | None) -> None:
        found = services.partnerships(reader).select_related("officer__user")
        if status:
            found = found.filter(status=status)
        items = list(found)
        if not items:
            self.stdout.write("No partnerships" + (f" in status {status}." if status else "."))
            return
        today = workspace_today(reader.workspace)
        health = partnership_health(reader, items, today, timezone.now())
        for partnership in items:
            h = health[partnership.pk]
            officer = partnership.officer.user.display_name if partnership.officer else "no officer"
            risks = f"{h.open_risks} open risks" + (f" (top {h.top_risk}/25)" if h.top_risk else "")
            self.stdout.write(
                f"{partnership.pk:>5}  {partnership.name}  [{partnership.get_status_display()}]  "
                f"{officer}; benchmarks on track {h.benchmarks_on_track}/{h.benchmarks}; "
                f"{risks}; partners engaged {h.partners_engaged}/{h.partners}"
            )

    def gaps(self, reader: Membership, partnership: Partnership) -> None:
        found = gap_map(reader, partnership)
        counts = found.counts
        self.stdout.write(
            f"{partnership}: {counts.get('covered', 0)} covered, {counts.get('partly', 0)} partly "
            f"covered, {counts.get('uncovered', 0)} uncovered."
        )
        for row in found.rows:
            needed = ", ".join(_amount(amount, u) for u, amount in row.needed.items() if amount)
            offered = ", ".join(_amount(amount, u) for u, amount in row.offered.items() if amount)
            state = {COVERED: "covered", PARTLY: "partly covered", UNCOVERED: "uncovered"}
            self.stdout.write(
                f"- {row.label}: {state.get(row.status, row.status)}"
                f" (needed {needed or 'no amount given'}; offered {offered or 'nothing counted'})"
            )
            for n, suggestion in enumerate(row.suggestions, 1):
                via = ", ".join(i.stakeholder.name for i in suggestion.introducers)
                self.stdout.write(
                    f"    {n}. {suggestion.stakeholder.name} ({suggestion.trust_label})"
                    + (
                        f"; could be introduced by {via}"
                        if via
                        else "; no one to introduce them yet"
                    )
                )
        if found.unneeded:
            labels = ", ".join(row.label for row in found.unneeded)
            self.stdout.write(f"Offered, not needed: {labels}.")


def _amount(amount: Any, unit: str) -> str:
    """An amount as the page writes it: "4,000 hours" or "2,500,000 in money"."""
    return f"{amount:,.0f} hours" if unit == "hours" else f"{amount:,.0f} in money"
