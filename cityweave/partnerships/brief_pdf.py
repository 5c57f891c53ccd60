"""The partnership brief as a standalone document: HTML (its stylesheet inline, for a file) or a
PDF drawn by WeasyPrint from the same HTML, reading the app's static files from disk and never
the network (cityweave/pdf.py, shared with the peer guides). WeasyPrint needs Pango from the
system; without it, `render_pdf` raises PdfUnavailable and the HTML brief still works."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils.text import slugify

from cityweave.partnerships.brief import Brief
from cityweave.pdf import (
    BASE_URL,
    DEFAULT_PAPER,
    PAPER_SIZES,
    UNAVAILABLE,
    PdfUnavailable,
    _weasyprint,
    load_weasyprint,
    static_fetcher,
    stylesheet_href,
    write_pdf,
)

__all__ = [
    "BASE_URL",
    "DEFAULT_PAPER",
    "PAPER_SIZES",
    "STYLESHEET",
    "UNAVAILABLE",
    "PdfUnavailable",
    "_weasyprint",
    "document_html",
    "filename",
    "load_weasyprint",
    "render_pdf",
    "static_fetcher",
]

#: The brief's stylesheet, among the static files.
STYLESHEET = "cityweave/brief.css"


def filename(brief: Brief, suffix: str = "pdf") -> str:
    """The download's name: `<partnership-slug>-brief.<suffix>` ("partnership" when the name
    has no letter or digit to slug)."""
    return f"{slugify(brief.partnership.name) or 'partnership'}-brief.{suffix}"


def document_html(brief: Brief, inline_css: bool = False, paper: str | None = None) -> str:
    """The brief as a standalone HTML document: its stylesheet linked as a static file (for the
    PDF, which reads it through `static_fetcher`) or, with `inline_css`, carried in the link
    itself as a data: URL (for a file opened anywhere, with no server behind it). `paper` (a
    PAPER_SIZES key) sets the page size of the inline stylesheet; None leaves it to the printer
    (render_pdf sets the PDF's)."""
    context: dict[str, Any] = {
        "brief": brief,
        "partnership": brief.partnership,
        "workspace": brief.partnership.workspace,
        "stylesheet": stylesheet_href(STYLESHEET, inline=inline_css, paper=paper),
    }
    return render_to_string("partnerships/brief_document.html", context)


def render_pdf(brief: Brief, paper: str = DEFAULT_PAPER) -> bytes:
    """The brief as a PDF (bytes) on `paper` (a PAPER_SIZES key; KeyError otherwise), its SVG
    charts drawn, static files read from disk through `static_fetcher`. PdfUnavailable when
    WeasyPrint cannot run here."""
    if paper not in PAPER_SIZES:
        raise KeyError(paper)
    weasyprint = load_weasyprint()
    return write_pdf(weasyprint, document_html(brief, paper=paper), paper)
