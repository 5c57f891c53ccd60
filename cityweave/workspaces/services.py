"""Workspace operations: creating workspaces and members, access checks, trash and restore."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.http import Http404
from django.utils import timezone

from cityweave.accounts.models import User
from cityweave.workspaces.models import Membership, Role, TrashEntry, Workspace, WorkspaceRecord
from cityweave.workspaces.signals import batch_restored, records_changed


def create_workspace(name: str, slug: str, timezone_name: str = "UTC") -> Workspace:
    """Create a workspace after validating its fields."""
    workspace = Workspace(name=name, slug=slug, timezone=timezone_name)
    workspace.full_clean()
    workspace.save()
    return workspace


def add_member(workspace: Workspace, user: User, role: str) -> Membership:
    """Give `user` the `role` in `workspace`, updating an existing membership."""
    if role not in Role.values:
        raise ValidationError(
            {"role": f"Unknown role “{role}”; use one of {', '.join(Role.values)}."}
        )
    membership, _ = Membership.objects.update_or_create(
        user=user, workspace=workspace, defaults={"role": role}
    )
    return membership


def membership_for(user: User, slug: str) -> Membership:
    """The user's membership of the workspace `slug`; 404 when it does not exist or is not theirs."""
    if not user.is_authenticated:
        raise Http404("No such workspace")
    membership = (
        Membership.objects.select_related("workspace", "user")
        .filter(user=user, workspace__slug=slug)
        .first()
    )
    if membership is None:
        raise Http404("No such workspace")
    return membership


def resolve_member(
    workspace: Workspace, value: Membership | int | None, field: str
) -> Membership | None:
    """A membership of `workspace` given as an object or id (None or "" for none); a
    ValidationError names `field` when it is not one of the workspace's."""
    if value is None or value == "":
        return None
    return resolve_members(workspace, [value], field)[0]


def resolve_members(
    workspace: Workspace, values: Iterable[Membership | int], field: str
) -> list[Membership]:
    """Memberships of `workspace` given as objects or ids, without repeats; a ValidationError names
    `field` otherwise."""
    ids = [v.pk if isinstance(v, Membership) else v for v in values]
    found = {
        m.pk: m
        for m in Membership.objects.filter(workspace=workspace, pk__in=ids).select_related("user")
    }
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationError({field: f"No such member of this workspace: {', '.join(missing)}."})
    return list(dict.fromkeys(found[i] for i in ids))


def collect_errors(errors: dict[str, list[str]], error: ValidationError) -> None:
    """Add `error`'s messages to `errors` by field, so one response can name every bad field."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    else:
        errors.setdefault("__all__", []).extend(error.messages)


def require_editor(member: Membership) -> None:
    if not member.can_edit:
        raise PermissionDenied("Viewers can read this workspace but not change it.")


def require_owner(member: Membership) -> None:
    if not member.is_owner:
        raise PermissionDenied("Only an owner of this workspace can do this.")


def record_models() -> list[type[WorkspaceRecord]]:
    """Every concrete model that lives in a workspace and can go to the trash."""
    return [m for m in apps.get_models() if issubclass(m, WorkspaceRecord) and not m._meta.abstract]


@transaction.atomic
def move_to_trash(
    member: Membership,
    record: WorkspaceRecord,
    along_with: Iterable[models.QuerySet] = (),
) -> TrashEntry:
    """Soft-delete `record` and the live records in `along_with`, as one restorable batch."""
    require_editor(member)
    if record.workspace_id != member.workspace_id or record.deleted_at is not None:
        raise Http404("No such record")
    batch = uuid.uuid4()
    now = timezone.now()
    related = 0
    for queryset in along_with:
        related += queryset.filter(deleted_at__isnull=True).update(
            deleted_at=now, deletion_batch=batch
        )
    type(record).all_objects.filter(pk=record.pk).update(deleted_at=now, deletion_batch=batch)
    record.deleted_at, record.deletion_batch = now, batch
    _batch_changed(member.workspace, batch)
    return TrashEntry.objects.create(
        workspace=member.workspace,
        batch=batch,
        content_type=ContentType.objects.get_for_model(record),
        object_id=record.pk,
        label=str(record)[:300],
        related_count=related,
        deleted_at=now,
        deleted_by=member.user,
    )


def _batch_changed(workspace: Workspace, batch: uuid.UUID) -> None:
    """Tell the listeners of `records_changed` which records a trash batch holds."""
    for model in record_models():
        if not records_changed.has_listeners(model):
            continue
        pks = list(
            model.all_objects.filter(workspace=workspace, deletion_batch=batch).values_list(
                "pk", flat=True
            )
        )
        if pks:
            records_changed.send(sender=model, workspace=workspace, pks=pks)


def trash_entries(member: Membership) -> models.QuerySet[TrashEntry]:
    """The workspace's trash as `member` may see it: each entry's `private_to_another` is true
    for another member's private record, which pages name without its label (an owner can still
    restore it or delete it for good: its author may not be an owner)."""
    entries = TrashEntry.objects.filter(workspace=member.workspace)
    hidden = models.Q()
    for model in record_models():
        condition = model.hidden_from(member)
        if condition is not None:
            rows = model.all_objects.filter(condition, workspace=member.workspace).values("pk")
            hidden |= models.Q(
                content_type=ContentType.objects.get_for_model(model), object_id__in=rows
            )
    private = (
        models.Case(models.When(hidden, then=True), default=False)
        if hidden
        else models.Value(False)
    )
    return entries.annotate(
        private_to_another=models.ExpressionWrapper(private, output_field=models.BooleanField())
    ).select_related("content_type", "deleted_by")


@transaction.atomic
def restore(member: Membership, entry_id: int) -> WorkspaceRecord:
    """Bring a trash entry's records back; owners only."""
    require_owner(member)
    entry = TrashEntry.objects.filter(workspace=member.workspace, pk=entry_id).first()
    if entry is None:
        raise Http404("No such trash entry")
    restored: list[tuple[type[WorkspaceRecord], list[int]]] = []
    try:
        with transaction.atomic():
            for model in record_models():
                in_batch = model.all_objects.filter(
                    workspace=member.workspace, deletion_batch=entry.batch
                )
                pks = list(in_batch.values_list("pk", flat=True))
                if pks:
                    model.all_objects.filter(pk__in=pks).update(
                        deleted_at=None, deletion_batch=None
                    )
                    restored.append((model, pks))
    except IntegrityError:
        # A record made since takes its place (a survey's second roster question, the same
        # respondent added to a wave again): the database refuses two, and so do we, unwritten.
        raise ValidationError(
            f"“{entry.label}” cannot come back: something made since it was deleted takes its "
            "place (for example the same respondent added again, or a survey's new roster "
            "question). Delete or change that first, then restore it."
        ) from None
    for model, pks in restored:
        records_changed.send(sender=model, workspace=member.workspace, pks=pks)
    batch_restored.send(sender=TrashEntry, workspace=member.workspace, batch=entry.batch)
    model_class = entry.content_type.model_class()
    assert model_class is not None and issubclass(model_class, WorkspaceRecord)
    record = model_class.all_objects.get(pk=entry.object_id)
    entry.delete()
    return record


@transaction.atomic
def purge(member: Membership, entry_id: int) -> None:
    """Delete a trash entry's records for good; owners only."""
    require_owner(member)
    entry = TrashEntry.objects.filter(workspace=member.workspace, pk=entry_id).first()
    if entry is None:
        raise Http404("No such trash entry")
    for model in record_models():
        in_batch = model.all_objects.filter(workspace=member.workspace, deletion_batch=entry.batch)
        pks = list(in_batch.values_list("pk", flat=True))
        if pks:
            model.all_objects.filter(pk__in=pks).delete()
            records_changed.send(sender=model, workspace=member.workspace, pks=pks)
    entry.delete()
