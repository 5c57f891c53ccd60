"""Partner pages: add a stakeholder to a partnership with its roles (in the partners section),
edit a partner's roles and responsibility, remove a partner (to the trash)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cityweave.partnerships import services
from cityweave.partnerships.forms import PartnerForm
from cityweave.partnerships.models import Partner, Partnership
from cityweave.partnerships.sections import render_section
from cityweave.web.mixins import TrashView, WorkspaceView, apply_validation_error


def _section_url(partnership: Partnership) -> str:
    return f"{partnership.get_absolute_url()}#partners"


class PartnerAddView(WorkspaceView):
    """Add a partner: htmx swaps the partners section (with the form's errors, if any); without
    JavaScript the page reloads, or the form comes back on its own page with its errors."""

    writes = True

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        partnership = services.get_partnership(self.member, pk)
        return self.render_page(request, partnership, PartnerForm(member=self.member))

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        partnership = services.get_partnership(self.member, pk)
        form = PartnerForm(request.POST, member=self.member)
        htmx = bool(request.headers.get("HX-Request"))
        if form.is_valid():
            try:
                partner = services.save_partner(self.member, partnership, form.service_data())
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                if htmx:
                    return render_section(request, self.member, partnership, "partners")
                messages.success(request, f"Added {partner.stakeholder} to the partnership.")
                return redirect(_section_url(partnership))
        if htmx:
            # htmx 2 does not swap 4xx responses: the section with its inline errors comes as 200.
            return render_section(request, self.member, partnership, "partners", partner_form=form)
        return self.render_page(request, partnership, form, status=422)

    def render_page(
        self, request: HttpRequest, partnership: Partnership, form: PartnerForm, status: int = 200
    ) -> HttpResponse:
        context = {"form": form, "partnership": partnership, "partner": None}
        return render(request, "partnerships/partner_form.html", context, status=status)


class PartnerEditView(WorkspaceView):
    """Change a partner's roles, responsibility and joining date."""

    writes = True

    def load(self, pk: int, partner_id: int) -> tuple[Partnership, Partner]:
        partnership = services.get_partnership(self.member, pk)
        return partnership, services.get_partner(self.member, partnership, partner_id)

    def get(self, request: HttpRequest, pk: int, partner_id: int) -> HttpResponse:
        partnership, partner = self.load(pk, partner_id)
        form = PartnerForm(instance=partner, member=self.member)
        return self.render_page(request, partnership, partner, form)

    def post(self, request: HttpRequest, pk: int, partner_id: int) -> HttpResponse:
        partnership, partner = self.load(pk, partner_id)
        form = PartnerForm(request.POST, instance=partner, member=self.member)
        if form.is_valid():
            try:
                services.save_partner(self.member, partnership, form.service_data(), partner)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Saved {partner.stakeholder}’s roles.")
                return redirect(_section_url(partnership))
        return self.render_page(request, partnership, partner, form, status=422)

    def render_page(
        self,
        request: HttpRequest,
        partnership: Partnership,
        partner: Partner,
        form: PartnerForm,
        status: int = 200,
    ) -> HttpResponse:
        context = {"form": form, "partnership": partnership, "partner": partner}
        return render(request, "partnerships/partner_form.html", context, status=status)


class PartnerTrashView(TrashView):
    """Remove a partner from the partnership (to the trash, restorable)."""

    def get(self, request: HttpRequest, pk: int, partner_id: int) -> HttpResponse:  # type: ignore[override]
        self.partnership = services.get_partnership(self.member, pk)
        return super().get(request, partner_id)

    def post(self, request: HttpRequest, pk: int, partner_id: int) -> HttpResponse:  # type: ignore[override]
        self.partnership = services.get_partnership(self.member, pk)
        return super().post(request, partner_id)

    def get_record(self, pk: int) -> Partner:
        return services.get_partner(self.member, self.partnership, pk)

    def consequence(self, record: Partner) -> str:
        return (
            "Its roles and responsibility go with it. The stakeholder stays in the workspace; "
            "restoring the partner from the trash brings it back."
        )

    def trash(self, record: Partner) -> object:
        return services.trash_partner(self.member, record)

    def success_url(self, record: Partner) -> str:
        return _section_url(self.partnership)

    def cancel_url(self, record: Partner) -> str:
        return _section_url(self.partnership)
