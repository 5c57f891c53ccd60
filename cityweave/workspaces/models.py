"""A workspace is one city's private space; every record belongs to exactly one."""

from __future__ import annotations

import uuid
import zoneinfo
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone as dj_timezone

from cityweave.storable import StorableModel


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(f"“{value}” is not a known time zone (e.g. Europe/London).")


class Workspace(StorableModel):
    """One city's (or one organisation's) private space."""

    name = models.CharField(max_length=200)
    slug = models.SlugField(
        max_length=60,
        unique=True,
        validators=[
            RegexValidator(r"^[a-z0-9][a-z0-9-]*$", "Use lowercase letters, digits and hyphens.")
        ],
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    created_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    """What a member may do in a workspace."""

    OWNER = "owner", "Owner"
    EDITOR = "editor", "Editor"
    VIEWER = "viewer", "Viewer"


class Membership(models.Model):
    """A user's membership of a workspace, with a role."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)
    created_at = models.DateTimeField(default=dj_timezone.now)

    class Meta:
        ordering = ["workspace__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "workspace"], name="one_membership_per_user_workspace"
            )
        ]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def can_edit(self) -> bool:
        return self.role in (Role.OWNER, Role.EDITOR)

    @property
    def is_owner(self) -> bool:
        return self.role == Role.OWNER


class LiveQuerySet(models.QuerySet):
    """Records not in the trash."""

    def in_workspace(self, workspace: Workspace) -> LiveQuerySet:
        return self.filter(workspace=workspace)


class LiveManager(models.Manager.from_queryset(LiveQuerySet)):  # type: ignore[misc]
    """The default manager: hides records in the trash."""

    def get_queryset(self) -> LiveQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


def listed(*relations: str, **with_queryset: models.QuerySet[Any]) -> list[models.Prefetch]:
    """Prefetch lookups that keep each row's records of a many-valued relation as a plain list,
    read by `WorkspaceRecord.related(name)`: `queryset.prefetch_related(*listed("tags"))`.

    An ordinary prefetch builds a filtered queryset per row to hold them (Django's
    `prefetch_one_level`: 0.1-0.3 ms per row and relation, 40% of the time of an API page of 50
    interactions); a list costs nothing. `name=queryset` prefetches through that queryset (e.g.
    `members_present=Membership.objects.select_related("user")`). The lists are a snapshot: a
    row whose relation changes afterwards must be loaded again.
    """
    lookups = [models.Prefetch(name, to_attr=LISTED % name) for name in relations]
    lookups += [
        models.Prefetch(name, queryset=queryset, to_attr=LISTED % name)
        for name, queryset in with_queryset.items()
    ]
    return lookups


#: The attribute a `listed` prefetch stores a relation's records under.
LISTED = "_listed_%s"


class TrackedRecord(StorableModel):
    """Base of every record kept in a scope (a workspace, a city network): a stable uid,
    timestamps and soft deletion (`deleted_at` and the `deletion_batch` restored together), with
    `objects` hiding the trash and `all_objects` showing it. Subclasses add the scope's foreign
    key and a unique (scope, uid) constraint."""

    uid = models.UUIDField(default=uuid.uuid4, editable=False)
    created_at = models.DateTimeField(default=dj_timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deletion_batch = models.UUIDField(null=True, blank=True, editable=False, db_index=True)

    objects: ClassVar[Any] = LiveManager()
    all_objects: ClassVar[models.Manager[Any]] = models.Manager()

    class Meta:
        abstract = True
        base_manager_name = "all_objects"

    @property
    def in_trash(self) -> bool:
        return self.deleted_at is not None


class WorkspaceRecord(TrackedRecord):
    """Base of every workspace-scoped record: a stable uid, timestamps and soft deletion."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="+")

    class Meta(TrackedRecord.Meta):
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "uid"], name="%(app_label)s_%(class)s_uid_unique"
            )
        ]

    def related(self, name: str) -> list[Any]:
        """The records of the many-valued relation `name`: the list a `listed` prefetch loaded,
        else read now (one query)."""
        try:
            return self.__dict__[LISTED % name]  # type: ignore[no-any-return]
        except KeyError:
            return list(getattr(self, name).all())

    @classmethod
    def hidden_from(cls, member: Membership) -> models.Q | None:
        """The records of this kind that `member` may not see (another member's private ones),
        as a filter; None when every member sees them all. The trash honours it too."""
        return None


class TrashEntry(models.Model):
    """One deletion: the record deleted, and the batch of records that went with it."""

    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="trash_entries")
    batch = models.UUIDField(default=uuid.uuid4)
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    label = models.CharField(max_length=300)
    related_count = models.PositiveIntegerField(
        default=0, help_text="Records deleted along with it."
    )
    deleted_at = models.DateTimeField(default=dj_timezone.now)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-deleted_at"]
        verbose_name_plural = "trash entries"
        constraints = [
            models.UniqueConstraint(
                fields=["workspace", "batch"], name="trash_batch_unique_in_workspace"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def kind(self) -> str:
        return str(self.content_type.model_class()._meta.verbose_name)  # type: ignore[union-attr]


class DataVersion(models.Model):
    """A counter that moves after every committed change to a workspace's records: the key under
    which server processes keep what they derive from them (see `workspaces.versions`)."""

    workspace = models.OneToOneField(
        Workspace, on_delete=models.CASCADE, primary_key=True, related_name="data_version"
    )
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.workspace_id} v{self.version}"
