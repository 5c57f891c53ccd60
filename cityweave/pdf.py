"""PDFs drawn by WeasyPrint from the app's own HTML, shared by the partnership brief
(partnerships/brief_pdf.py) and the peer guides (peers/guide_pdf.py): WeasyPrint loaded when
first needed (PdfUnavailable, with what to install, when its system libraries are missing), a
URL fetcher that reads the app's static files from disk and nothing else, and the page size.
"""

from __future__ import annotations

import base64
import mimetypes
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import SuspiciousFileOperation
from django.templatetags.static import static

#: The paper sizes of a PDF: the `paper` choice → the CSS @page size.
PAPER_SIZES = {"a4": "A4", "letter": "letter"}
DEFAULT_PAPER = "a4"
#: The address a document's relative links resolve against: nothing is ever fetched from it;
#: the fetcher maps its static paths to files on disk.
BASE_URL = "https://cityweave.invalid/"
UNAVAILABLE = (
    "The PDF cannot be made on this server: WeasyPrint could not load the system libraries it "
    "needs (Pango; on Debian or Ubuntu: apt-get install libpango-1.0-0 libpangoft2-1.0-0 "
    "libharfbuzz-subset0). The printable page works without them."
)


TOO_DEEP = (
    "This document nests too deeply to lay out as a PDF. The printable page works: print it "
    "from the browser."
)


class PdfUnavailable(Exception):
    """WeasyPrint cannot run here (its system libraries are missing); the message says what to
    install."""


@cache
def _weasyprint() -> ModuleType:
    """WeasyPrint, imported once it is needed (it loads Pango: about a second); PdfUnavailable
    when its system libraries are missing (it raises OSError then)."""
    try:
        import weasyprint
    except OSError as error:
        raise PdfUnavailable(UNAVAILABLE) from error
    return weasyprint


def load_weasyprint() -> ModuleType:
    """WeasyPrint, or PdfUnavailable (a failure is not remembered: installing the libraries and
    restarting the server is enough)."""
    return _weasyprint()


def stylesheet_href(name: str, inline: bool = False, paper: str | None = None) -> str:
    """The address of the static stylesheet `name` for a standalone document: its static URL
    (for a PDF, read through `static_fetcher`) or, with `inline`, the sheet itself as a data:
    URL (for a file opened anywhere, with no server behind it), its @page size set to `paper`
    (a PAPER_SIZES key) when given."""
    if not inline:
        return static(name)
    css = static_path(name).read_text(encoding="utf-8")
    if paper in PAPER_SIZES:
        css += f"\n@page {{ size: {PAPER_SIZES[paper]}; }}\n"
    return "data:text/css;base64," + base64.b64encode(css.encode()).decode("ascii")


def write_pdf(weasyprint: ModuleType, html: str, paper: str = DEFAULT_PAPER) -> bytes:
    """`html` (a standalone document) as PDF bytes on `paper` (a PAPER_SIZES key; KeyError
    otherwise), static files read from disk, nothing fetched from the network. PdfUnavailable
    when the document nests too deeply for WeasyPrint to lay out (it recurses per level)."""
    size = PAPER_SIZES[paper]
    fetcher = static_fetcher(weasyprint)
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher)
    page = weasyprint.CSS(string=f"@page {{ size: {size}; }}", url_fetcher=fetcher)
    try:
        pdf: bytes = document.write_pdf(stylesheets=[page])
    except RecursionError:
        raise PdfUnavailable(TOO_DEEP) from None
    return pdf


def static_fetcher(weasyprint: ModuleType) -> Any:
    """A WeasyPrint URL fetcher that answers the app's static files (BASE_URL + STATIC_URL +
    path) from disk and refuses every other address (ValueError: WeasyPrint leaves the resource
    out and logs it), so rendering never reaches the network."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    prefix = BASE_URL + settings.STATIC_URL.lstrip("/")

    class StaticFileFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith(prefix):
                raise ValueError(f"Only the app's static files are read, not {url}")
            name = url[len(prefix) :].split("?")[0].split("#")[0]
            path = static_path(name)
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    return StaticFileFetcher(allowed_protocols=("https",))


def static_path(name: str) -> Path:
    """The file on disk of the static file `name` (found by the static file finders, else among
    the collected files); ValueError when there is none or the name leaves the static folders."""
    try:
        found = finders.find(name)
        if found is None and staticfiles_storage.exists(name):
            found = staticfiles_storage.path(name)
    except SuspiciousFileOperation:
        found = None
    if not found or isinstance(found, list):
        raise ValueError(f"No static file {name}")
    return Path(found)
