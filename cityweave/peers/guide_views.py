"""Peer guide pages: the network's guides (searchable by challenge, text and status), a guide
with its review and publication, its edit page (details, authors, sections added, reordered and
removed), its versions with what changed, its PDF; and, with no login, a network's published
guides, each on its public page with a print stylesheet and a PDF.

Network pages resolve the seat from the URL (access.py: no seat 404, no right 403); the public
pages answer 404 for anything not published."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from cityweave import pdf
from cityweave.peers import guide_pdf, guides, services
from cityweave.peers.access import require_staff_editor
from cityweave.peers.guide_forms import GuideForm, PublishForm, SectionForm
from cityweave.peers.models import CityNetwork, Guide, GuideStatus
from cityweave.peers.views import NetworkView
from cityweave.web.errors import error_page
from cityweave.web.mixins import apply_validation_error


def _choice(value: str, allowed: dict[str, Any]) -> str:
    return value if value in allowed else ""


def _rows(found: list[Guide], labels: dict[str, str]) -> list[dict[str, Any]]:
    return [
        {
            "guide": g,
            "challenge": labels.get(g.challenge, g.challenge),
            "cities": guides.author_cities(g),
        }
        for g in found
    ]


class GuideListView(NetworkView):
    """The network's guides, filtered by challenge, status and text; staff see the trash."""

    def get(self, request: HttpRequest) -> HttpResponse:
        choices = services.challenge_choices(self.member.network)
        labels = dict(choices)
        challenge = _choice(request.GET.get("challenge", ""), labels)
        status = _choice(request.GET.get("status", ""), dict(GuideStatus.choices))
        q = request.GET.get("q", "")[: guides.MAX_QUERY]
        found = list(guides.guides(self.member, challenge, status, q))
        context = {
            "rows": _rows(found, labels),
            "choices": choices,
            "statuses": GuideStatus.choices,
            "challenge": challenge,
            "status": status,
            "q": q,
            "can_start": self.member.can_edit or bool(self.member.city_ids),
            "has_public": any(g.is_published for g in found)
            or guides.public_guides(self.member.network).exists(),
            "trashed": list(guides.trashed_guides(self.member)) if self.member.is_staff else [],
        }
        return self.render("peers/guides/list.html", context)


class GuideNewView(NetworkView):
    """Start a guide (staff editors, and officials with their city among the authors)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        self._check()
        initial = {"cities": [str(pk) for pk in sorted(self.member.city_ids)]}
        return self.page(GuideForm(member=self.member, initial=initial))

    def post(self, request: HttpRequest) -> HttpResponse:
        self._check()
        form = GuideForm(request.POST, member=self.member)
        if form.is_valid():
            try:
                guide = guides.save_guide(self.member, form.service_data())
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Started “{guide}”: now write its sections.")
                url = reverse("peers:guide-edit", args=[self.member.network.slug, guide.pk])
                return redirect(url + "#add-section")
        return self.page(form, status=422)

    def _check(self) -> None:
        if not self.member.can_edit and not self.member.city_ids:
            raise PermissionDenied("Only staff editors and city officials start guides.")

    def page(self, form: GuideForm, status: int = 200) -> HttpResponse:
        return self.render("peers/guides/form.html", {"form": form}, status)


class GuideMixin(NetworkView):
    """A page of one guide: /networks/<network>/guides/<pk>/…"""

    def guide(self, pk: int) -> Guide:
        return guides.get_guide(self.member, pk)

    def guide_url(self, guide: Guide, name: str = "peers:guide") -> str:
        return reverse(name, args=[self.member.network.slug, guide.pk])


class GuideDetailView(GuideMixin):
    """A guide: its sections rendered, case examples linked to their cities, its review
    (who has approved) and the publish form for those who may publish."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self.page(self.guide(pk))

    def page(self, guide: Guide, status: int = 200, **forms: Any) -> HttpResponse:
        labels = dict(services.challenge_choices(self.member.network))
        versions = list(guides.versions(guide)[:1])
        context = {
            "guide": guide,
            "challenge_label": labels.get(guide.challenge, guide.challenge),
            "authors": guides.authors_by_city(guide),
            "author_cities": guides.author_cities(guide),
            "approved": guides.approved_city_ids(guide),
            "sections": guides.rendered_sections(guide),
            "can_edit": guides.can_edit_guide(self.member, guide),
            "can_publish": guides.can_publish(self.member, guide),
            "can_trash": self.member.can_edit
            or (not guide.is_published and guides.can_edit_guide(self.member, guide)),
            "version": versions[0] if versions else None,
            "version_count": guides.versions(guide).count(),
            "publish_form": forms.get("publish_form") or PublishForm(),
        }
        return self.render("peers/guides/detail.html", context, status)


class GuideEditView(GuideMixin):
    """The edit page: the guide's details and authors (POST here saves them), its sections with
    moves and removals, a form to add one, and the removed sections to restore."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        guide = self.guide(pk)
        guides.require_guide_editor(self.member, guide)
        return self.page(guide)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        guide = self.guide(pk)
        guides.require_guide_editor(self.member, guide)
        form = GuideForm(request.POST, member=self.member, guide=guide)
        if form.is_valid():
            try:
                guides.save_guide(
                    self.member, form.service_data(), guide, form.cleaned_data.get("change_note")
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "Saved the guide's details.")
                return redirect(self.guide_url(guide))
        return self.page(guide, status=422, form=form)

    def page(self, guide: Guide, status: int = 200, **forms: Any) -> HttpResponse:
        context = {
            "guide": guide,
            "form": forms.get("form") or GuideForm(member=self.member, guide=guide),
            "section_form": forms.get("section_form")
            or SectionForm(member=self.member, guide=guide),
            "sections": list(guides.sections(guide)),
            "trashed": list(guides.trashed_sections(self.member, guide)),
        }
        return self.render("peers/guides/edit.html", context, status)


class SectionAddView(GuideEditView):
    """POST: add a section at the end of the guide (its writers)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        guide = self.guide(pk)
        guides.require_guide_editor(self.member, guide)
        form = SectionForm(request.POST, member=self.member, guide=guide)
        if form.is_valid():
            try:
                section = guides.save_section(
                    self.member,
                    guide,
                    form.service_data(),
                    None,
                    form.cleaned_data.get("change_note"),
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Added the section “{section}”.")
                return redirect(self.guide_url(guide, "peers:guide-edit") + "#sections")
        return self.page(guide, status=422, section_form=form)


class SectionEditView(GuideMixin):
    """Edit one section of the guide (its writers)."""

    def get(self, request: HttpRequest, pk: int, section_id: int) -> HttpResponse:
        guide = self.guide(pk)
        guides.require_guide_editor(self.member, guide)
        section = guides.get_section(self.member, guide, section_id)
        form = SectionForm(member=self.member, guide=guide, section=section)
        return self.page(guide, section, form)

    def post(self, request: HttpRequest, pk: int, section_id: int) -> HttpResponse:
        guide = self.guide(pk)
        guides.require_guide_editor(self.member, guide)
        section = guides.get_section(self.member, guide, section_id)
        form = SectionForm(request.POST, member=self.member, guide=guide, section=section)
        if form.is_valid():
            try:
                guides.save_section(
                    self.member,
                    guide,
                    form.service_data(),
                    section,
                    form.cleaned_data.get("change_note"),
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Saved the section “{section}”.")
                return redirect(self.guide_url(guide, "peers:guide-edit") + "#sections")
        return self.page(guide, section, form, status=422)

    def page(
        self, guide: Guide, section: Any, form: SectionForm, status: int = 200
    ) -> HttpResponse:
        context = {"guide": guide, "section": section, "form": form}
        return self.render("peers/guides/section_form.html", context, status)


class GuideActionView(GuideMixin):
    """A POST that changes a guide and goes back to a page, telling what happened (or, for a
    refusal with a reason, the reason)."""

    http_method_names = ["post"]
    back = "peers:guide"

    def post(self, request: HttpRequest, pk: int, **kwargs: Any) -> HttpResponse:
        guide = self.guide(pk)
        try:
            text = self.act(guide, **kwargs)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, text)
        return redirect(self.guide_url(guide, self.back))

    def act(self, guide: Guide, **kwargs: Any) -> str:
        raise NotImplementedError


class SectionMoveView(GuideActionView):
    """POST: move a section up or down (`direction`)."""

    back = "peers:guide-edit"

    def act(self, guide: Guide, **kwargs: Any) -> str:
        section = guides.get_section(self.member, guide, kwargs["section_id"])
        direction = self.request.POST.get("direction", "")
        if direction not in ("up", "down"):
            raise ValidationError({"direction": "Move a section up or down."})
        step = -1 if direction == "up" else 1
        note = f"Moved “{section.heading}” {direction}."
        guides.move_section(self.member, guide, section, step, note)
        return note


class SectionTrashView(GuideActionView):
    """POST: move a section to the trash (restorable from the edit page)."""

    back = "peers:guide-edit"

    def act(self, guide: Guide, **kwargs: Any) -> str:
        section = guides.get_section(self.member, guide, kwargs["section_id"])
        guides.trash_section(self.member, guide, section)
        return f"Removed the section “{section}”; it can be restored below."


class SectionRestoreView(GuideActionView):
    """POST: bring a removed section back at the end of the guide."""

    back = "peers:guide-edit"

    def act(self, guide: Guide, **kwargs: Any) -> str:
        section = guides.restore_section(self.member, guide, kwargs["section_id"])
        return f"Restored the section “{section}”."


class GuideSubmitView(GuideActionView):
    """POST: send a draft to its author cities for review."""

    def act(self, guide: Guide, **kwargs: Any) -> str:
        guides.submit_for_review(self.member, guide)
        return "Sent for review: each author city's official approves it."


class GuideReturnView(GuideActionView):
    """POST: take a guide in review back to draft."""

    def act(self, guide: Guide, **kwargs: Any) -> str:
        guides.return_to_draft(self.member, guide)
        return "The guide is a draft again."


class GuideApproveView(GuideActionView):
    """POST: approve the guide for an author city (`city`, or every city the seat speaks for)."""

    def act(self, guide: Guide, **kwargs: Any) -> str:
        raw = self.request.POST.get("city", "")
        if raw and not (raw.isdigit() and len(raw) < 19):
            raise ValidationError({"city": f"No city “{raw[:20]}”."})
        approved = guides.approve(self.member, guide, int(raw) if raw else None)
        return f"Approved for {', '.join(str(c) for c in approved)}."


class GuidePublishView(GuideDetailView):
    """POST: publish the guide, its first version noted with `change_note`."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        guide = self.guide(pk)
        form = PublishForm(request.POST)
        if form.is_valid():
            try:
                guides.publish(self.member, guide, form.cleaned_data["change_note"])
            except ValidationError as error:
                if "change_note" in error.message_dict:
                    apply_validation_error(form, error)
                else:
                    messages.error(request, " ".join(error.messages))
                    return redirect(self.guide_url(guide))
            else:
                messages.success(request, "Published: the guide has its public page.")
                return redirect(self.guide_url(guide))
        return self.page(guide, status=422, publish_form=form)


class GuideVersionsView(GuideMixin):
    """The guide's versions, latest first, each with its note and what changed."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        guide = self.guide(pk)
        context = {"guide": guide, "history": guides.version_history(guide)}
        return self.render("peers/guides/versions.html", context)


class GuideTrashView(GuideMixin):
    """Confirm, then move a guide to the network's trash."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        guide = self.guide(pk)
        if guide.is_published or not guides.can_edit_guide(self.member, guide):
            require_staff_editor(self.member)
        return self.render("peers/guides/confirm_delete.html", {"guide": guide})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        guide = self.guide(pk)
        guides.trash_guide(self.member, guide)
        messages.success(request, f"“{guide}” moved to the network's trash.")
        return redirect("peers:guides", self.member.network.slug)


class GuideRestoreView(NetworkView):
    """POST: bring a guide back from the trash (staff editors)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        guide = guides.restore_guide(self.member, pk)
        messages.success(request, f"“{guide}” is back.")
        return redirect(guide.get_absolute_url())


def _pdf_response(request: HttpRequest, guide: Guide, page_url: str) -> HttpResponse:
    """The guide as a PDF attachment (?paper=a4, the default, or letter); 400 naming `paper`
    for another size, 503 when WeasyPrint cannot run here."""
    paper = request.GET.get("paper") or pdf.DEFAULT_PAPER
    if paper not in pdf.PAPER_SIZES:
        choices = " or ".join(pdf.PAPER_SIZES)
        return error_page(request, 400, f"paper: “{paper[:20]}” is not a size; use {choices}.")
    try:
        document = guide_pdf.render_pdf(guide, paper)
    except pdf.PdfUnavailable as error:
        context = {"detail": str(error), "page_url": page_url}
        return render(request, "peers/guides/unavailable.html", context, status=503)
    response = HttpResponse(document, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{guide_pdf.filename(guide)}"'
    return response


class GuidePdfView(GuideMixin):
    """The guide as a PDF, whatever its status (any seat)."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        guide = self.guide(pk)
        return _pdf_response(request, guide, self.guide_url(guide))


# == The public ==================================================================================


class PublicView(View):
    """A public page of a network's published guides: no login; 404 for anything else."""

    network: CityNetwork

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        self.network = guides.public_network(kwargs.pop("network"))
        return super().dispatch(request, *args, **kwargs)


class PublicGuideIndexView(PublicView):
    """A network's published guides, latest first, searchable by challenge and text."""

    def get(self, request: HttpRequest) -> HttpResponse:
        choices = services.challenge_choices(self.network)
        labels = dict(choices)
        challenge = _choice(request.GET.get("challenge", ""), labels)
        q = request.GET.get("q", "")[: guides.MAX_QUERY]
        found = list(guides.public_guides(self.network, challenge, q))
        context = {
            "network": self.network,
            "rows": _rows(found, labels),
            "choices": choices,
            "challenge": challenge,
            "q": q,
        }
        return render(request, "peers/guides/public_list.html", context)


class PublicGuideView(PublicView):
    """A published guide for anyone, with its print stylesheet."""

    def get(self, request: HttpRequest, guide: str) -> HttpResponse:
        found = guides.public_guide(self.network, guide)
        labels = dict(services.challenge_choices(self.network))
        versions = list(guides.versions(found)[:1])
        context = {
            "network": self.network,
            "guide": found,
            "challenge_label": labels.get(found.challenge, found.challenge),
            "authors": guides.authors_by_city(found),
            "sections": guides.rendered_sections(found),
            "version": versions[0] if versions else None,
            "public": True,
        }
        return render(request, "peers/guides/public.html", context)


class PublicGuidePdfView(PublicView):
    """A published guide as a PDF, for anyone."""

    def get(self, request: HttpRequest, guide: str) -> HttpResponse:
        found = guides.public_guide(self.network, guide)
        page = reverse("guides:public-guide", args=[self.network.slug, guide])
        return _pdf_response(request, found, page)
