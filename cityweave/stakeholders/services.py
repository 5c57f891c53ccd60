"""Stakeholder and tie operations shared by pages, the API and the CLI."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404

from cityweave.stakeholders.models import Sector, Stakeholder, Tag, Tie, sector_choices
from cityweave.workspaces.models import Membership, TrashEntry, Workspace
from cityweave.workspaces.services import move_to_trash, require_editor

STAKEHOLDER_FIELDS = (
    "kind", "name", "sector", "level", "is_internal", "title", "email", "phone", "website",
    "address", "area", "influence", "interest", "stance", "notes", "offers",
)  # fmt: skip


NULLABLE = {"influence", "interest"}


def stakeholders(member: Membership) -> QuerySet[Stakeholder]:
    """The workspace's stakeholders that are not in the trash."""
    return Stakeholder.objects.filter(workspace=member.workspace)


def get_stakeholder(member: Membership, pk: int) -> Stakeholder:
    stakeholder = stakeholders(member).filter(pk=pk).first()
    if stakeholder is None:
        raise Http404("No such stakeholder")
    return stakeholder


def resolve_stakeholders(
    workspace: Workspace, values: Iterable[Stakeholder | int], field: str
) -> list[Stakeholder]:
    """Stakeholders of `workspace` given as objects or ids; a ValidationError names `field` otherwise."""
    ids = [v.pk if isinstance(v, Stakeholder) else v for v in values]
    found = {s.pk: s for s in Stakeholder.objects.filter(workspace=workspace, pk__in=ids)}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationError(
            {field: f"No such stakeholder in this workspace: {', '.join(missing)}."}
        )
    return [found[i] for i in ids]


def tags_named(workspace: Workspace, names: Iterable[str]) -> list[Tag]:
    """The workspace's tags with these names, created when new."""
    tags = []
    for raw in names:
        name = raw.strip()
        if not name:
            continue
        if len(name) > 60:
            raise ValidationError({"tags": f"Tag “{name[:20]}…” is longer than 60 characters."})
        tag, _ = Tag.objects.get_or_create(workspace=workspace, name=name)
        tags.append(tag)
    return tags


@transaction.atomic
def save_stakeholder(
    member: Membership, data: dict[str, Any], instance: Stakeholder | None = None
) -> Stakeholder:
    """Create or update a stakeholder from `data` (model fields, `tags` as names, `organisations`)."""
    require_editor(member)
    stakeholder = instance or Stakeholder(workspace=member.workspace)
    if stakeholder.workspace_id != member.workspace.pk:
        raise Http404("No such stakeholder")
    for name in STAKEHOLDER_FIELDS:
        if name in data:
            setattr(
                stakeholder, name, data[name] if data[name] is not None or name in NULLABLE else ""
            )
    stakeholder.full_clean()
    organisations = None
    if "organisations" in data:
        organisations = resolve_stakeholders(
            member.workspace, data["organisations"] or [], "organisations"
        )
        for org in organisations:
            if org.kind != Stakeholder.Kind.ORGANISATION:
                raise ValidationError({"organisations": f"“{org}” is not an organisation."})
            if stakeholder.pk is not None and org.pk == stakeholder.pk:
                raise ValidationError({"organisations": "A stakeholder cannot work in itself."})
    tags = tags_named(member.workspace, data["tags"]) if "tags" in data else None
    stakeholder.save()
    if organisations is not None:
        stakeholder.organisations.set(organisations)
    if tags is not None:
        stakeholder.tags.set(tags)
    return stakeholder


def trash_stakeholder(member: Membership, stakeholder: Stakeholder) -> TrashEntry:
    """Move a stakeholder to the trash, with its ties and the commitments about it."""
    from cityweave.engagement.models import Commitment

    return move_to_trash(
        member,
        stakeholder,
        [
            Tie.objects.filter(Q(source=stakeholder) | Q(target=stakeholder)),
            Commitment.objects.filter(stakeholder=stakeholder),
        ],
    )


def sectors_in_use(member: Membership) -> list[tuple[str, str, int]]:
    """(key, label, count) for every sector, most stakeholders first, including empty ones."""
    from django.db.models import Count

    counts = dict(
        stakeholders(member)
        .values_list("sector")
        .annotate(n=Count("pk"))
        .values_list("sector", "n")
    )
    rows = [(key, label, counts.get(key, 0)) for key, label in sector_choices(member.workspace)]
    return sorted(rows, key=lambda r: (-r[2], r[1]))


@transaction.atomic
def add_sector(member: Membership, key: str, label: str) -> Sector:
    """Add a workspace's own sector."""
    require_editor(member)
    sector = Sector(workspace=member.workspace, key=key, label=label)
    sector.full_clean()
    sector.save()
    return sector
