"""`cityweave guides`: list a network's peer guides, and write a published guide's PDF or
printable HTML."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from cityweave import pdf
from cityweave.cli import write_atomically
from cityweave.peers import guide_pdf, guides, services
from cityweave.peers.management.seats import command_member
from cityweave.peers.models import GuideStatus

ACTIONS = ("list", "pdf")


class Command(BaseCommand):
    """A network's peer guides from the command line, on the same services as their pages."""

    help = "List a network's peer guides; write a published guide as a PDF."

    def add_arguments(self, parser: ArgumentParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="|".join(ACTIONS))
        listing = actions.add_parser(
            "list", help="The network's guides (as the user --as names sees them)."
        )
        listing.add_argument("network", metavar="NETWORK_SLUG")
        listing.add_argument("--as", dest="email", required=True, metavar="EMAIL")
        listing.add_argument("--challenge", default="", metavar="KEY")
        listing.add_argument("--status", default="", choices=("", *GuideStatus.values))
        listing.add_argument("--format", choices=("table", "json"), default="table")
        document = actions.add_parser(
            "pdf", help="A published guide as a PDF (or --html, its standalone page)."
        )
        document.add_argument("network", metavar="NETWORK_SLUG")
        document.add_argument("guide", metavar="GUIDE_SLUG", help="Its public address's end.")
        document.add_argument("-o", "--output", required=True, metavar="FILE")
        document.add_argument("--paper", choices=tuple(pdf.PAPER_SIZES), default="a4")
        document.add_argument("--html", action="store_true", help="Write the HTML instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self._list(options)
        else:
            self._pdf(options)

    def _list(self, options: dict[str, Any]) -> None:
        member = command_member(options["network"], options["email"])
        labels = dict(services.challenge_choices(member.network))
        if options["challenge"] and options["challenge"] not in labels:
            raise CommandError(f"--challenge: unknown “{options['challenge']}”.", returncode=2)
        rows: list[dict[str, Any]] = [
            {
                "id": g.pk,
                "title": g.title,
                "challenge": g.challenge,
                "status": g.status,
                "cities": [str(c) for c in guides.author_cities(g)],
                "public_url": f"/guides/{member.network.slug}/{g.slug}/"
                if g.is_published
                else None,
            }
            for g in guides.guides(member, options["challenge"], options["status"])
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=2, ensure_ascii=False))
            return
        for row in rows:
            self.stdout.write(
                f"{row['id']}  {row['title']} [{labels.get(row['challenge'], row['challenge'])}, "
                f"{row['status']}] by {'; '.join(row['cities']) or 'no city'}"
            )

    def _pdf(self, options: dict[str, Any]) -> None:
        try:
            network = guides.public_network(options["network"])
            guide = guides.public_guide(network, options["guide"])
        except Http404:
            raise CommandError(
                f"GUIDE_SLUG: no published guide “{options['guide']}” in “{options['network']}”.",
                returncode=2,
            ) from None
        if options["html"]:
            html = guide_pdf.document_html(guide, inline_css=True, paper=options["paper"])
            document = html.encode()
        else:
            try:
                document = guide_pdf.render_pdf(guide, options["paper"])
            except pdf.PdfUnavailable as error:
                raise CommandError(str(error), returncode=3) from None
        write_atomically(options["output"], [document])
        self.stdout.write(f"Wrote {options['output']} ({len(document):,} bytes).")
