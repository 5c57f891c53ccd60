"""`cityweave partnership brief`: a partnership's one-page brief as a PDF or an HTML file."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from cityweave.cli import write_atomically
from cityweave.partnerships import brief_pdf, services
from cityweave.partnerships.brief import partnership_brief
from cityweave.workspaces.models import Membership, Role, Workspace


class Command(BaseCommand):
    """Partnership work from the command line, on the same services as the partnership pages."""

    help = "Write a partnership's one-page brief as a PDF (or HTML), as the brief page does."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="brief")
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
        # The command line reads as a viewer would: the brief holds nothing private to a member.
        reader = Membership(workspace=workspace, role=Role.VIEWER)
        try:
            partnership = services.get_partnership(reader, options["partnership"])
        except Http404:  # another workspace's is not told apart from none, as on the pages
            raise CommandError(
                f"PARTNERSHIP_ID: no partnership {options['partnership']} in the workspace "
                f"“{workspace.slug}”.",
                returncode=2,
            ) from None
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
