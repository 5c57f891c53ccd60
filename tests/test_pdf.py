"""cityweave/pdf.py: a document WeasyPrint cannot lay out is refused with a message, not a 500."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from cityweave import pdf


def test_a_document_nesting_too_deeply_is_unavailable_as_a_pdf_with_a_reason():
    class Document:
        def __init__(self, **_: object) -> None: ...

        def write_pdf(self, **_: object) -> bytes:
            raise RecursionError("maximum recursion depth exceeded")

    weasyprint = SimpleNamespace(HTML=Document, CSS=lambda **_: None)
    with pytest.raises(pdf.PdfUnavailable, match="nests too deeply"):
        pdf.write_pdf(weasyprint, "<p>deep</p>")
