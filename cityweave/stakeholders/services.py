"""Stakeholder and tie operations shared by pages, the API and the CLI."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    Expression,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from cityweave.stakeholders.duplicates import Candidate, describe, probable_duplicates
from cityweave.stakeholders.models import Sector, Stakeholder, Tag, Tie, sector_choices
from cityweave.stakeholders.names import name_key, split_person_name
from cityweave.storable import is_blank, text_problem
from cityweave.workspaces.models import Membership, Role, TrashEntry, Workspace
from cityweave.workspaces.services import (
    move_to_trash,
    require_editor,
    resolve_member,
)

if TYPE_CHECKING:
    from cityweave.accounts.models import User

STAKEHOLDER_FIELDS = (
    "kind", "name", "given_name", "family_name", "sector", "level", "is_internal", "title", "email", "phone", "website",
    "address", "area", "influence", "interest", "stance", "notes", "offers",
)  # fmt: skip


NULLABLE = {"influence", "interest"}


def stakeholders(member: Membership) -> QuerySet[Stakeholder]:
    """The workspace's stakeholders that are not in the trash."""
    return Stakeholder.objects.filter(workspace=member.workspace)


def live_tie_count() -> Expression:
    """A stakeholder's live ties, either way round, as an annotation: two indexed counts per row,
    rather than a join of its ties out with its ties in. A tie whose other end is in the trash
    (restored on its own) is not live: the ties list leaves it out too."""

    def count(end: str) -> Coalesce:
        other = "target" if end == "source" else "source"
        ties = (
            Tie.objects.filter(**{end: OuterRef("pk"), f"{other}__deleted_at__isnull": True})
            .order_by()
            .values(end)
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Coalesce(Subquery(ties, output_field=IntegerField()), 0)

    return count("source") + count("target")


def get_stakeholder(member: Membership, pk: int) -> Stakeholder:
    stakeholder = stakeholders(member).filter(pk=pk).first()
    if stakeholder is None:
        raise Http404("No such stakeholder")
    return stakeholder


@dataclass(frozen=True)
class Trashed:
    """A stakeholder of the member's workspace that is in the trash: when it went, who moved it
    there (None for a former user), the trash entry that brings it back (None when it went with
    a record since deleted for good) and the owners who may restore it."""

    stakeholder: Stakeholder
    deleted_at: dt.datetime
    deleted_by: User | None
    entry: TrashEntry | None
    owners: list[Membership]


def trashed_stakeholder(member: Membership, pk: int) -> Trashed | None:
    """The stakeholder `pk` of the member's workspace if it is in the trash, else None (also for
    another workspace's stakeholder: its trash is not the member's to know about)."""
    stakeholder = (
        Stakeholder.all_objects.filter(workspace=member.workspace, pk=pk, deleted_at__isnull=False)
        .only("pk", "name", "workspace_id", "deleted_at", "deletion_batch")
        .first()
    )
    if stakeholder is None:
        return None
    entry = (
        TrashEntry.objects.filter(workspace=member.workspace, batch=stakeholder.deletion_batch)
        .select_related("deleted_by")
        .first()
    )
    owners = list(
        Membership.objects.filter(workspace=member.workspace, role=Role.OWNER)
        .select_related("user")
        .order_by("user__name", "pk")
    )
    return Trashed(
        stakeholder,
        entry.deleted_at if entry else stakeholder.deleted_at,
        entry.deleted_by if entry else None,
        entry,
        owners,
    )


#: The most records a picker's lookup answers with; typing more of the name narrows them down.
LOOKUP_LIMIT = 20


def lookup_stakeholders(
    member: Membership,
    query: str,
    *,
    kind: str = "",
    exclude: int | None = None,
    limit: int = LOOKUP_LIMIT,
) -> list[Stakeholder]:
    """Live stakeholders whose name holds every word of `query`, for a search-as-you-type picker:
    names starting with it first, then names with a word starting with it, then the rest."""
    words = query.split()
    if not words:
        return []
    found = stakeholders(member)
    for word in words:
        found = found.filter(name__icontains=word)
    if kind:
        found = found.filter(kind=kind)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    phrase = " ".join(words)
    rank = Case(
        When(name__istartswith=phrase, then=Value(0)),
        When(name__icontains=f" {phrase}", then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return list(found.annotate(rank=rank).order_by("rank", "name", "pk")[:limit])


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
    """The workspace's tags with these names, created when new; a name that shows nothing is left
    out, like an empty one. No `full_clean` runs for a tag, so the storable checks run here."""
    tags = []
    for raw in names:
        name = raw.strip()
        if is_blank(name):
            continue
        problem = text_problem(name, required=True)
        if problem:
            raise ValidationError({"tags": problem})
        if len(name) > 60:
            raise ValidationError({"tags": f"Tag “{name[:20]}…” is longer than 60 characters."})
        tag, _ = Tag.objects.get_or_create(workspace=workspace, name=name)
        tags.append(tag)
    return tags


class ProbableDuplicates(Exception):
    """Saving would create (or rename into) a probable duplicate of `candidates`; saving again
    with `allow_duplicate` goes ahead."""

    def __init__(self, candidates: list[Candidate]) -> None:
        super().__init__(describe(candidates))
        self.candidates = candidates


@transaction.atomic
def save_stakeholder(
    member: Membership,
    data: dict[str, Any],
    instance: Stakeholder | None = None,
    *,
    allow_duplicate: bool = True,
) -> Stakeholder:
    """Create or update a stakeholder from `data` (model fields, `tags` as names, `organisations`).

    A person's given and family names follow a new name unless `data` gives them or they were
    set by hand. Unless `allow_duplicate`, creating a stakeholder, or changing a stakeholder's
    name, kind or email, raises ProbableDuplicates (nothing written) when `probable_duplicates`
    finds any; pages and the API pass False, and let the person save anyway."""
    require_editor(member)
    stakeholder = instance or Stakeholder(workspace=member.workspace)
    if stakeholder.workspace_id != member.workspace.pk:
        raise Http404("No such stakeholder")
    # As stored: a model form has already changed the instance in memory.
    stored = (
        Stakeholder.all_objects.filter(pk=stakeholder.pk)
        .values_list("name", "kind", "email", "given_name", "family_name")
        .first()
        if stakeholder.pk is not None
        else None
    ) or ("", "", "", "", "")
    before = stored[:3]
    split_by_hand = stored[3:] not in (("", ""), split_person_name(stored[0]))
    for name in STAKEHOLDER_FIELDS:
        if name in data:
            setattr(
                stakeholder, name, data[name] if data[name] is not None or name in NULLABLE else ""
            )
    names_given = "given_name" in data or "family_name" in data
    if stakeholder.name != before[0] and not names_given and not split_by_hand:
        stakeholder.given_name = stakeholder.family_name = ""  # fill_names splits the new name
    stakeholder.full_clean()
    changed = stakeholder.pk is None or (
        stakeholder.name_key != name_key(before[0])
        or (stakeholder.kind, stakeholder.email.casefold()) != (before[1], before[2].casefold())
    )
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
    # Last of the checks, so that a bad field is named first; the tags made are rolled back.
    if changed and not allow_duplicate:
        candidates = probable_duplicates(
            member.workspace.pk,
            member.workspace.slug,
            name=stakeholder.name,
            kind=stakeholder.kind,
            email=stakeholder.email,
            exclude=stakeholder.pk,
        )
        if candidates:
            raise ProbableDuplicates(candidates)
    stakeholder.save()
    if organisations is not None:
        stakeholder.organisations.set(organisations)
    if tags is not None:
        stakeholder.tags.set(tags)
    return stakeholder


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
    if Sector.objects.filter(workspace=member.workspace, key=key).exists():
        raise ValidationError({"key": f"This workspace already has a sector “{key}”."})
    sector.full_clean(validate_constraints=False)
    sector.save()
    return sector


TIE_FIELDS = (
    "kind", "directed", "status", "started_on", "ended_on", "cadence_days", "max_cadence_days",
    "roles", "notes", "trust", "value",
)  # fmt: skip

TIE_NULLABLE = {"started_on", "ended_on", "cadence_days", "max_cadence_days", "trust", "value"}


def ties(member: Membership) -> QuerySet[Tie]:
    """The workspace's ties that are not in the trash, and whose two ends are not either."""
    return Tie.objects.filter(
        workspace=member.workspace,
        source__deleted_at__isnull=True,
        target__deleted_at__isnull=True,
    ).select_related("source", "target", "owner__user")


def stakeholder_count(member: Membership) -> int:
    """How many live stakeholders the workspace has: the unfiltered stakeholder list's rows."""
    return stakeholders(member).count()


def active_ties(member: Membership) -> QuerySet[Tie]:
    """The live ties (`ties`) whose status is active: what the dashboard counts and what the ties
    list filtered by `status=active` shows. A tie restored from the trash while one of its ends
    is still there is in neither."""
    return ties(member).filter(status=Tie.Status.ACTIVE)


def get_tie(member: Membership, pk: int) -> Tie:
    tie = ties(member).filter(pk=pk).first()
    if tie is None:
        raise Http404("No such tie")
    return tie


def duplicate_tie(tie: Tie) -> Tie | None:
    """A live tie of the same kind between the same two stakeholders, other than `tie` itself.

    Order does not matter, except that two directed ties running opposite ways are two relationships
    (A funds B, B funds A).
    """
    same_way = Q(source_id=tie.source_id, target_id=tie.target_id)
    other_way = Q(source_id=tie.target_id, target_id=tie.source_id)
    if tie.directed:
        other_way &= Q(directed=False)
    return (
        Tie.objects.filter(workspace_id=tie.workspace_id, kind=tie.kind)
        .filter(same_way | other_way)
        .exclude(pk=tie.pk)
        .select_related("source", "target")
        .first()
    )


@transaction.atomic
def save_tie(member: Membership, data: dict[str, Any], instance: Tie | None = None) -> Tie:
    """Create or update a tie from `data`: model fields, `source`/`target` as stakeholders or ids,
    `owner` as a membership or its id (None for nobody)."""
    require_editor(member)
    tie = instance or Tie(workspace=member.workspace)
    if tie.workspace_id != member.workspace.pk:
        raise Http404("No such tie")
    errors: dict[str, list[str]] = {}
    for end in ("source", "target"):
        if end not in data and tie.pk is not None:
            continue
        if data.get(end) in (None, ""):
            errors[end] = ["Choose a stakeholder."]
            continue
        try:
            (stakeholder,) = resolve_stakeholders(member.workspace, [data[end]], end)
        except ValidationError as error:
            errors.update(error.message_dict)
        else:
            setattr(tie, end, stakeholder)
    if "owner" in data:
        try:
            tie.owner = resolve_member(member.workspace, data["owner"], "owner")
        except ValidationError as error:
            errors.update(error.message_dict)
    for name in TIE_FIELDS:
        if name in data:
            value = data[name]
            if value is None and name not in TIE_NULLABLE:
                value = [] if name == "roles" else ""
            if name == "roles" and isinstance(value, list):
                value = list(dict.fromkeys(value))
            setattr(tie, name, value)
    try:
        # clean() names `target` for a self-tie; the check constraint would repeat it without a field.
        tie.full_clean(
            exclude=[end for end in errors if end in ("source", "target", "owner")],
            validate_constraints=False,
        )
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if not errors:
        # Lock both ends so that two people adding the same tie at once cannot both pass the check.
        list(
            Stakeholder.objects.select_for_update()
            .filter(pk__in=[tie.source_id, tie.target_id])
            .order_by("pk")
        )
        duplicate = duplicate_tie(tie)
        if duplicate is not None:
            errors["target"] = [
                f"There is already a {duplicate.get_kind_display().lower()} tie between "
                f"{duplicate.source} and {duplicate.target} ({duplicate.get_status_display().lower()}); "
                "change that one instead."
            ]
    if errors:
        raise ValidationError(errors)
    tie.save()
    return tie


def trash_tie(member: Membership, tie: Tie) -> TrashEntry:
    """Move a tie to the trash; an owner can restore it."""
    return move_to_trash(member, tie)
