"""The partnership brief: a printable page, and the same brief as a PDF download."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cityweave.partnerships import brief_pdf, services
from cityweave.partnerships.brief import partnership_brief
from cityweave.web.errors import error_page
from cityweave.web.mixins import WorkspaceView


class PartnershipBriefView(WorkspaceView):
    """The one-page brief for a mayor or a board, with its print stylesheet (any member)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        partnership = services.get_partnership(self.member, pk)
        context = {
            "brief": partnership_brief(self.member, partnership),
            "partnership": partnership,
            "papers": brief_pdf.PAPER_SIZES,
        }
        return render(request, "partnerships/brief.html", context)


class PartnershipBriefPdfView(WorkspaceView):
    """The brief as a PDF attachment, `<partnership-slug>-brief.pdf`; ?paper=a4 (the default) or
    letter. 400 naming `paper` for another size; 503 when WeasyPrint cannot run here."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        partnership = services.get_partnership(self.member, pk)
        paper = request.GET.get("paper") or brief_pdf.DEFAULT_PAPER
        if paper not in brief_pdf.PAPER_SIZES:
            choices = " or ".join(brief_pdf.PAPER_SIZES)
            return error_page(request, 400, f"paper: “{paper[:20]}” is not a size; use {choices}.")
        brief = partnership_brief(self.member, partnership)
        try:
            pdf = brief_pdf.render_pdf(brief, paper)
        except brief_pdf.PdfUnavailable as error:
            context = {"partnership": partnership, "detail": str(error)}
            return render(request, "partnerships/brief_unavailable.html", context, status=503)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{brief_pdf.filename(brief)}"'
        return response
