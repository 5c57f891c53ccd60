"""Workspace settings pages: everyone reads them; owners change members, roles, sectors and name."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cityweave.stakeholders.models import Sector, Stakeholder
from cityweave.stakeholders.services import add_sector
from cityweave.vocabulary import SectorChoice
from cityweave.web.mixins import LookupView, WorkspaceView, apply_validation_error
from cityweave.workspaces import members as services
from cityweave.workspaces import services as workspace_services
from cityweave.workspaces.forms import AddMemberForm, RoleForm, SectorForm, WorkspaceForm
from cityweave.workspaces.models import Membership, Role, TrashEntry
from cityweave.workspaces.services import require_owner


class SettingsView(WorkspaceView):
    """The workspace's name and time zone, its members and roles, and its own sectors."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render_settings(self, {})


def render_settings(
    view: WorkspaceView,
    bound: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    """The settings page; `bound` holds forms (or row errors) that failed, to show their errors."""
    workspace = view.workspace
    member_list = list(services.members(view.member))
    usage = dict(
        Stakeholder.all_objects.filter(workspace=workspace)
        .values_list("sector")
        .annotate(n=Count("pk"))
        .values_list("sector", "n")
    )
    role_errors = bound.get("role_errors", {})
    sector_errors = bound.get("sector_errors", {})
    owner_count = sum(1 for m in member_list if m.is_owner)
    member_rows = [
        {
            "membership": m,
            "last_owner": m.is_owner and owner_count == 1,
            "errors": role_errors.get(m.pk, []),
        }
        for m in member_list
    ]
    sector_rows = [
        {"sector": s, "uses": usage.get(s.key, 0), "errors": sector_errors.get(s.pk, [])}
        for s in Sector.objects.filter(workspace=workspace)
    ]
    context = {
        "workspace_form": bound.get("workspace_form")
        or WorkspaceForm(initial={"name": workspace.name, "timezone": workspace.timezone}),
        "add_member_form": bound.get("add_member_form") or AddMemberForm(),
        "sector_form": bound.get("sector_form") or SectorForm(workspace=workspace),
        "member_rows": member_rows,
        "roles": Role.choices,
        "sector_rows": sector_rows,
        "built_in_sectors": [str(label) for label in SectorChoice.labels],
    }
    return render(view.request, "workspaces/settings.html", context, status=status)


def settings_url(view: WorkspaceView, anchor: str = "") -> str:
    url = reverse("settings:index", args=[view.workspace.slug])
    return f"{url}#{anchor}" if anchor else url


class MemberLookupView(LookupView):
    """Members by name or email for the member pickers: ?q=…."""

    def results(self, query: str) -> list[dict[str, Any]]:
        return [
            {
                "id": m.pk,
                "name": m.user.display_name,
                "role": m.role,
                "role_label": m.get_role_display(),
            }
            for m in services.lookup_members(self.member, query)
        ]


class OwnerActionView(WorkspaceView):
    """A change on the settings page: owners only (403 for editors and viewers)."""

    writes = True

    def submitted(self, form_class: type[Form], **kwargs: Any) -> Form:
        """The POSTed form, after checking that the caller owns the workspace."""
        require_owner(self.member)
        return form_class(self.request.POST, **kwargs)


class WorkspaceUpdateView(OwnerActionView):
    """Rename the workspace or change its time zone."""

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.submitted(WorkspaceForm)
        if form.is_valid():
            try:
                services.update_workspace(
                    self.member, form.cleaned_data["name"], form.cleaned_data["timezone"]
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, "Saved the workspace's name and time zone.")
                return redirect(settings_url(self, "workspace"))
        return render_settings(self, {"workspace_form": form}, status=422)


class MemberAddView(OwnerActionView):
    """Add someone to the workspace by email, with a role (an account is made when they have
    none), and email them."""

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.submitted(AddMemberForm)
        if form.is_valid():
            try:
                with transaction.atomic():
                    added = services.add_member_by_email(
                        self.member, form.cleaned_data["email"], form.cleaned_data["role"]
                    )
                    services.tell_added(request, added, self.member)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                # The same words whether or not the address had an account.
                membership = added.membership
                messages.success(
                    request,
                    f"Added {membership.user.email} as {membership.get_role_display().lower()}; "
                    "they have been emailed how to open the workspace.",
                )
                return redirect(settings_url(self, "members"))
        return render_settings(self, {"add_member_form": form}, status=422)


class MemberRoleView(OwnerActionView):
    """Change one member's role."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        form = self.submitted(RoleForm)
        target = services.get_membership(self.member, pk)
        if form.is_valid():
            try:
                changed = services.change_role(self.member, pk, form.cleaned_data["role"])
            except ValidationError as error:
                errors = list(error.messages)
            else:
                messages.success(
                    request, f"{changed.user} is now {changed.get_role_display().lower()}."
                )
                if changed.pk == self.member.pk and not changed.is_owner:
                    return redirect("dashboard", self.workspace.slug)
                return redirect(settings_url(self, "members"))
        else:
            errors = [str(message) for message in form.errors.get("role", [])]
        return render_settings(self, {"role_errors": {target.pk: errors}}, status=422)


class MemberRemoveView(OwnerActionView):
    """Confirm, then take a member out of the workspace."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_owner(self.member)
        target = services.get_membership(self.member, pk)
        return render(
            request,
            "workspaces/remove_member.html",
            {
                "target": target,
                "consequences": services.removal_consequences(target),
                "is_self": target.pk == self.member.pk,
                "cancel_url": settings_url(self, "members"),
            },
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_owner(self.member)
        try:
            removed = services.remove_member(self.member, pk)
        except ValidationError as error:
            return render_settings(self, {"role_errors": {pk: error.messages}}, status=422)
        messages.success(request, f"Removed {removed.user} from {self.workspace.name}.")
        if removed.pk == self.member.pk:
            return redirect("home")
        return redirect(settings_url(self, "members"))


class SectorAddView(OwnerActionView):
    """Add a sector of the workspace's own."""

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.submitted(SectorForm, workspace=self.workspace)
        if form.is_valid():
            try:
                sector = add_sector(
                    self.member, form.cleaned_data["key"], form.cleaned_data["label"]
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Added the sector “{sector.label}”.")
                return redirect(settings_url(self, "sectors"))
        return render_settings(self, {"sector_form": form}, status=422)


class SectorRemoveView(OwnerActionView):
    """Delete a sector of the workspace's own that nobody uses."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        require_owner(self.member)
        try:
            services.remove_sector(self.member, pk)
        except ValidationError as error:
            return render_settings(self, {"sector_errors": {pk: error.messages}}, status=422)
        messages.success(request, "Removed the sector.")
        return redirect(settings_url(self, "sectors"))


class TrashListView(WorkspaceView):
    """Everything deleted in the workspace, newest first; owners restore or delete for good."""

    def get(self, request: HttpRequest) -> HttpResponse:
        page_obj = Paginator(workspace_services.trash_entries(self.member), 25).get_page(
            request.GET.get("page")
        )
        return render(
            request,
            "workspaces/trash.html",
            {"page_obj": page_obj, "object_list": page_obj.object_list},
        )


def trash_entry(member: Membership, pk: int) -> TrashEntry:
    """One trash entry of the member's workspace; 404 for another workspace's."""
    entry = workspace_services.trash_entries(member).filter(pk=pk).first()
    if entry is None:
        raise Http404("No such trash entry")
    return entry


class TrashRestoreView(WorkspaceView):
    """Bring a deleted record, and what went with it, back; owners only."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        workspace_services.require_owner(self.member)
        entry = trash_entry(self.member, pk)
        label, related = entry.label, entry.related_count
        try:
            workspace_services.restore(self.member, entry.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("trash:list", self.workspace.slug)
        extra = (
            f", with {related} record{'s' if related != 1 else ''} that went with it"
            if related
            else ""
        )
        messages.success(request, f"Restored “{label}”{extra}.")
        return redirect("trash:list", self.workspace.slug)


class TrashPurgeView(WorkspaceView):
    """Confirm, then delete a trash entry's records for good; owners only."""

    writes = True

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        workspace_services.require_owner(self.member)
        return render(
            request, "workspaces/trash_purge.html", {"entry": trash_entry(self.member, pk)}
        )

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        workspace_services.require_owner(self.member)
        entry = trash_entry(self.member, pk)
        label = entry.label
        workspace_services.purge(self.member, entry.pk)
        messages.success(request, f"Deleted “{label}” for good.")
        return redirect("trash:list", self.workspace.slug)
