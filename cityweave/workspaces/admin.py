"""Admin for workspaces, members and the trash, and the scoped base every workspace model's admin uses."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest

from cityweave.accounts.models import User
from cityweave.web.admin_site import may_use_admin, owned_workspace_ids
from cityweave.workspaces.models import Membership, Role, Workspace

WORKSPACE_FIELDS = ("workspace", "workspace__name")


def may_touch_workspace(request: HttpRequest, workspace_id: int | None) -> bool:
    """Whether the user may see and change records of this workspace (None: of some workspace)."""
    if not request.user.is_active:
        return False
    if request.user.is_superuser:
        return True
    owned = owned_workspace_ids(request)
    return bool(owned) if workspace_id is None else workspace_id in owned


def follow(obj: Any, lookup: str) -> Any:
    """The object at the end of a `a__b` lookup from `obj`."""
    for part in lookup.split("__"):
        obj = getattr(obj, part)
    return obj


class WorkspaceConsistentForm(forms.ModelForm):
    """Refuses related records (stakeholders, members, tags…) from another workspace than the record's."""

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        model = self._meta.model
        if not any(f.name == "workspace" for f in model._meta.fields):
            return cleaned
        workspace = cleaned.get("workspace")
        workspace_id = workspace.pk if workspace is not None else self.instance.workspace_id
        if workspace_id is None:
            return cleaned
        for name, value in list(cleaned.items()):
            related = list(value) if isinstance(value, QuerySet | list | tuple) else [value]
            elsewhere = [
                r
                for r in related
                if isinstance(r, models.Model)
                and getattr(r, "workspace_id", workspace_id) != workspace_id
            ]
            if elsewhere:
                names = ", ".join(str(r) for r in elsewhere)
                self.add_error(name, f"Not in this record's workspace: {names}.")
        return cleaned


class WorkspaceScopedAdmin(admin.ModelAdmin):
    """A model admin that shows and edits only rows of workspaces the user owns (superusers: all)."""

    #: The lookup from a row to its workspace.
    workspace_lookup = "workspace"
    form = WorkspaceConsistentForm

    def workspace_id_of(self, obj: models.Model) -> int:
        return follow(obj, self.workspace_lookup).pk

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.workspace_lookup}__in": owned_workspace_ids(request)})

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Any:
        """The row, or 404 when it does not exist or belongs to a workspace the user doesn't own."""
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404(f"No such {self.opts.verbose_name} in the workspaces you own.")
        return obj

    def has_module_permission(self, request: HttpRequest) -> bool:
        return may_use_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return may_touch_workspace(request, None if obj is None else self.workspace_id_of(obj))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_view_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return may_touch_workspace(request, None)

    def get_readonly_fields(
        self, request: HttpRequest, obj: Any = None
    ) -> list[str] | tuple[str, ...]:
        """Records stay in their workspace once created; their bookkeeping fields show but don't change."""
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and self.workspace_lookup == "workspace":
            fields.append("workspace")
        names = {f.name for f in self.opts.fields}
        fields += [n for n in ("uid", "created_at", "updated_at") if n in names and obj is not None]
        return list(dict.fromkeys(fields))

    def _single_workspace(self, request: HttpRequest) -> bool:
        return not request.user.is_superuser and len(owned_workspace_ids(request)) == 1

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        columns = list(super().get_list_display(request))
        if self._single_workspace(request):
            columns = [c for c in columns if c not in WORKSPACE_FIELDS]
        return columns

    def get_list_filter(self, request: HttpRequest) -> list[Any]:
        filters = list(super().get_list_filter(request))
        if self._single_workspace(request):
            filters = [f for f in filters if not (isinstance(f, tuple) and f[0] == "workspace")]
        return filters

    def choices_for(self, model: type[models.Model], request: HttpRequest) -> QuerySet:
        """The rows of `model` a non-superuser may pick in a form: those of workspaces they own."""
        related_admin = self.admin_site._registry.get(model)
        if isinstance(related_admin, WorkspaceScopedAdmin):
            return related_admin.get_queryset(request)
        owned = owned_workspace_ids(request)
        if model is User:
            return User.objects.filter(memberships__workspace__in=owned).distinct()
        if any(f.name == "workspace" for f in model._meta.fields):
            return model._default_manager.filter(workspace__in=owned)
        return model._default_manager.none()

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField | None:
        if "queryset" not in kwargs and not request.user.is_superuser:
            kwargs["queryset"] = self.choices_for(db_field.remote_field.model, request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField | None:
        if "queryset" not in kwargs and not request.user.is_superuser:
            kwargs["queryset"] = self.choices_for(db_field.remote_field.model, request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class WorkspaceScopedInline(admin.TabularInline):
    """An inline whose rows are reachable exactly when their parent record is."""

    extra = 0
    #: The lookup from the parent record to its workspace.
    parent_workspace_lookup = "workspace"

    def _allowed(self, request: HttpRequest, obj: Any) -> bool:
        parent_workspace = None if obj is None else follow(obj, self.parent_workspace_lookup).pk
        return may_touch_workspace(request, parent_workspace)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)


def workspace_filter() -> tuple[str, type[admin.RelatedOnlyFieldListFilter]]:
    """Filter by workspace, offering only workspaces that have rows the user can see."""
    return ("workspace", admin.RelatedOnlyFieldListFilter)


@admin.register(Workspace)
class WorkspaceAdmin(WorkspaceScopedAdmin):
    """Owners rename their workspaces; only superusers create or delete one."""

    workspace_lookup = "pk"
    list_display = ("name", "slug", "timezone", "created_at")
    search_fields = ("name", "slug")

    def workspace_id_of(self, obj: models.Model) -> int:
        return obj.pk

    def get_readonly_fields(
        self, request: HttpRequest, obj: Any = None
    ) -> list[str] | tuple[str, ...]:
        # The slug is every page's address; only a superuser may move a workspace.
        if obj is not None and not request.user.is_superuser:
            return ("slug", "created_at")
        return ("created_at",) if obj is not None else ()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


class MembershipForm(WorkspaceConsistentForm):
    """A membership; a workspace's last owner keeps the owner role."""

    def clean_role(self) -> str:
        role = self.cleaned_data["role"]
        current = self.instance
        if current.pk and current.role == Role.OWNER and role != Role.OWNER:
            other_owners = Membership.objects.filter(
                workspace_id=current.workspace_id, role=Role.OWNER
            ).exclude(pk=current.pk)
            if not other_owners.exists():
                raise forms.ValidationError(
                    "This is the workspace's last owner; make someone else an owner first."
                )
        return role


@admin.register(Membership)
class MembershipAdmin(WorkspaceScopedAdmin):
    """Who belongs to which workspace, with which role."""

    form = MembershipForm
    list_display = ("user", "workspace", "role", "created_at")
    list_filter = ("role", workspace_filter())
    search_fields = ("user__email", "user__name")
    list_select_related = ("user", "workspace")

    def get_readonly_fields(
        self, request: HttpRequest, obj: Any = None
    ) -> list[str] | tuple[str, ...]:
        return ("user", "workspace", "created_at") if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        if obj is None or request.user.is_superuser or obj.role != Role.OWNER:
            return True
        return (
            Membership.objects.filter(workspace_id=obj.workspace_id, role=Role.OWNER)
            .exclude(pk=obj.pk)
            .exists()
        )

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Bulk deletion could remove a workspace's last owner; members leave one at a time.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
