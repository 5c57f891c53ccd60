"""Pages for a partnership's assets, needs and risks: add and edit forms on their own pages, and
the trash; the partnership page shows them in its "Assets and needs" and "Risks" sections."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from cityweave.partnerships import gaps, risks, services
from cityweave.partnerships.gap_forms import AssetForm, NeedForm, RiskForm
from cityweave.partnerships.models import Partnership
from cityweave.web.mixins import TrashView, WorkspaceView, apply_validation_error
from cityweave.workspaces.models import WorkspaceRecord


class PartFormView(WorkspaceView):
    """Add (no `record_id`) or edit one part of a partnership; back to its section when saved."""

    writes = True
    form_class: type[forms.Form]
    #: The section of the partnership page the part is shown in.
    section = ""
    noun = ""
    intro = ""

    def get_record(self, partnership: Partnership, record_id: int) -> Any:
        raise NotImplementedError

    def save(self, partnership: Partnership, data: dict[str, Any], instance: Any) -> Any:
        raise NotImplementedError

    def _load(self, pk: int, record_id: int | None) -> tuple[Partnership, Any]:
        partnership = services.get_partnership(self.member, pk)
        instance = self.get_record(partnership, record_id) if record_id is not None else None
        return partnership, instance

    def get(self, request: HttpRequest, pk: int, record_id: int | None = None) -> HttpResponse:
        partnership, instance = self._load(pk, record_id)
        form = self.form_class(member=self.member, instance=instance)  # type: ignore[call-arg]
        return self.render_form(request, form, partnership, instance)

    def post(self, request: HttpRequest, pk: int, record_id: int | None = None) -> HttpResponse:
        partnership, instance = self._load(pk, record_id)
        form = self.form_class(request.POST, member=self.member, instance=instance)  # type: ignore[call-arg]
        if form.is_valid():
            try:
                saved = self.save(partnership, form.service_data(), instance)  # type: ignore[attr-defined]
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Saved “{saved}”.")
                return redirect(f"{partnership.get_absolute_url()}#{self.section}")
        return self.render_form(request, form, partnership, instance, status=422)

    def render_form(
        self,
        request: HttpRequest,
        form: forms.Form,
        partnership: Partnership,
        instance: Any,
        status: int = 200,
    ) -> HttpResponse:
        title = f"Edit {self.noun}" if instance is not None else f"Add {self.noun}"
        context = {
            "form": form,
            "partnership": partnership,
            "instance": instance,
            "title": title,
            "intro": self.intro,
            "cancel_url": f"{partnership.get_absolute_url()}#{self.section}",
        }
        return render(request, "partnerships/part_form.html", context, status=status)


class AssetFormView(PartFormView):
    """Add or edit an asset."""

    form_class = AssetForm
    section = "assets"
    noun = "an asset"
    intro = (
        "Something the city or a partner puts on the table: infrastructure, land, money, staff, "
        "expertise, data or a programme, with its estimated value."
    )

    def get_record(self, partnership: Partnership, record_id: int) -> Any:
        return gaps.get_asset(self.member, partnership, record_id)

    def save(self, partnership: Partnership, data: dict[str, Any], instance: Any) -> Any:
        return gaps.save_asset(self.member, partnership, data, instance)


class NeedFormView(PartFormView):
    """Add or edit a need."""

    form_class = NeedForm
    section = "assets"
    noun = "a need"
    intro = "What the partnership needs, in the same value types stakeholders offer."

    def get_record(self, partnership: Partnership, record_id: int) -> Any:
        return gaps.get_need(self.member, partnership, record_id)

    def save(self, partnership: Partnership, data: dict[str, Any], instance: Any) -> Any:
        return gaps.save_need(self.member, partnership, data, instance)


class RiskFormView(PartFormView):
    """Add or edit a risk."""

    form_class = RiskForm
    section = "risks"
    noun = "a risk"
    intro = (
        "Anticipate what could go wrong: political dynamics, resources, misaligned priorities, "
        "capacity, legal matters, community trust. Score = likelihood × impact."
    )

    def get_record(self, partnership: Partnership, record_id: int) -> Any:
        return risks.get_risk(self.member, partnership, record_id)

    def save(self, partnership: Partnership, data: dict[str, Any], instance: Any) -> Any:
        return risks.save_risk(self.member, partnership, data, instance)


class PartTrashView(TrashView):
    """Move one part of a partnership to the trash; back to its section afterwards."""

    section = ""
    partnership: Partnership

    def get_part(self, record_id: int) -> WorkspaceRecord:
        raise NotImplementedError

    def get_record(self, pk: int) -> WorkspaceRecord:
        return self.get_part(pk)

    def get(self, request: HttpRequest, pk: int, record_id: int = 0) -> HttpResponse:  # type: ignore[override]
        self.partnership = services.get_partnership(self.member, pk)
        return super().get(request, record_id)

    def post(self, request: HttpRequest, pk: int, record_id: int = 0) -> HttpResponse:  # type: ignore[override]
        self.partnership = services.get_partnership(self.member, pk)
        return super().post(request, record_id)

    def success_url(self, record: Any) -> str:
        return f"{self.partnership.get_absolute_url()}#{self.section}"

    def cancel_url(self, record: Any) -> str:
        return self.success_url(record)


class AssetTrashView(PartTrashView):
    """Move an asset to the trash."""

    section = "assets"

    def get_part(self, record_id: int) -> WorkspaceRecord:
        return gaps.get_asset(self.member, self.partnership, record_id)

    def consequence(self, record: Any) -> str:
        return "It no longer counts toward the asset and gap map."

    def trash(self, record: Any) -> Any:
        return gaps.trash_asset(self.member, record)


class NeedTrashView(PartTrashView):
    """Move a need to the trash."""

    section = "assets"

    def get_part(self, record_id: int) -> WorkspaceRecord:
        return gaps.get_need(self.member, self.partnership, record_id)

    def consequence(self, record: Any) -> str:
        return "It leaves the asset and gap map."

    def trash(self, record: Any) -> Any:
        return gaps.trash_need(self.member, record)


class RiskTrashView(PartTrashView):
    """Move a risk to the trash."""

    section = "risks"

    def get_part(self, record_id: int) -> WorkspaceRecord:
        return risks.get_risk(self.member, self.partnership, record_id)

    def consequence(self, record: Any) -> str:
        return "It leaves the risk register (close it instead to keep its history)."

    def trash(self, record: Any) -> Any:
        return risks.trash_risk(self.member, record)
