"""A published peer guide as a standalone document and a PDF drawn by WeasyPrint from it (the
helpers of cityweave/pdf.py, shared with the partnership brief): its stylesheet read from the
static files on disk, nothing fetched from the network. Without WeasyPrint's system libraries
`render_pdf` raises PdfUnavailable and the printable page still works."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.text import slugify

from cityweave import pdf
from cityweave.peers import guides
from cityweave.peers.models import Guide

#: The guide's stylesheet (screen, print and PDF), among the static files.
STYLESHEET = "cityweave/guide.css"


def filename(guide: Guide) -> str:
    """The download's name: `<guide-slug>.pdf` ("guide.pdf" when the title has nothing to slug)."""
    return f"{guide.slug or slugify(guide.title) or 'guide'}.pdf"


def document_html(guide: Guide, inline_css: bool = False, paper: str | None = None) -> str:
    """The guide as a standalone HTML document (title, authors, summary, sections with their case
    examples' cities by name): its stylesheet linked as a static file (for the PDF's fetcher)
    or, with `inline_css`, carried in a data: URL (a file opened anywhere), its page size
    `paper` (a pdf.PAPER_SIZES key) when given."""
    context: dict[str, Any] = {
        "guide": guide,
        "network": guide.network,
        "authors": guides.authors_by_city(guide),
        "sections": guides.rendered_sections(guide),
        "stylesheet": pdf.stylesheet_href(STYLESHEET, inline=inline_css, paper=paper),
        "public": True,
    }
    return render_to_string("peers/guides/document.html", context)


def render_pdf(guide: Guide, paper: str = pdf.DEFAULT_PAPER) -> bytes:
    """The guide as PDF bytes on `paper` (a pdf.PAPER_SIZES key; KeyError otherwise);
    pdf.PdfUnavailable when WeasyPrint cannot run here."""
    if paper not in pdf.PAPER_SIZES:
        raise KeyError(paper)
    weasyprint = pdf.load_weasyprint()
    return pdf.write_pdf(weasyprint, document_html(guide), paper)
