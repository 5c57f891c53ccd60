"""Each tie's last contact, kept with the tie so relationship health never scans history.

`Tie.last_contact_at` is the latest live interaction, planned ones included, with the tie's
counterparts: its external end for a tie between the city and someone else, both ends together
otherwise (see `health`). It is kept up to date here, inside the writing transaction, whenever
something it depends on changes:

- an interaction is saved, deleted, or its participants change (Django's model signals);
- interactions go to the trash, come back or are deleted for good, or a workspace is imported
  (`workspaces.signals.records_changed`, as these bulk updates send no model signals);
- a tie is saved (its ends may have changed), or a stakeholder's `is_internal` flips.

Bulk inserts that bypass all of these (the demo city, benchmarks) call `refresh_workspace`.
Readers treat a stored time still in the future (a planned interaction) as unknown and ask
`last_contacts` for the latest one that has happened.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import F, Max, Q, QuerySet
from django.db.models.lookups import Exact
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from cityweave.engagement.models import Interaction
from cityweave.stakeholders.models import Stakeholder, Tie
from cityweave.workspaces.bulk import update_column
from cityweave.workspaces.models import Membership, Workspace
from cityweave.workspaces.signals import records_changed

Ends = tuple[int, ...]
Participants = Interaction.participants.through


def counterpart_ids(source: int, source_internal: bool, target: int, target_internal: bool) -> Ends:
    """The ids whose interactions keep a tie warm: its external end(s), or both ends when both are
    internal; two ends come smaller id first."""
    both = ((source, source_internal), (target, target_internal))
    external = tuple(end for end, internal in both if not internal)
    return tuple(sorted(external or (source, target)))


@dataclass(frozen=True)
class LastContacts:
    """The latest interaction of each stakeholder, and of each pair who met together."""

    by_stakeholder: dict[int, dt.datetime]
    by_pair: dict[tuple[int, int], dt.datetime]

    def last(self, ends: Ends) -> dt.datetime | None:
        """When the counterpart(s) `ends` (one id, or two ids smaller first) were last met."""
        if len(ends) == 1:
            return self.by_stakeholder.get(ends[0])
        return self.by_pair.get((ends[0], ends[1]))


def last_contacts(
    ends: Iterable[Ends],
    *,
    workspace_id: int,
    now: dt.datetime | None = None,
    whole_workspace: bool = False,
    seen_by: Membership | None = None,
) -> LastContacts:
    """The latest live interaction of workspace `workspace_id` (up to `now`, or any when None) of
    each counterpart set in `ends`: one stakeholder id alone, or two ids (smaller first) in the
    same interaction; with `seen_by`, of the interactions that member may see (not another
    member's private ones).

    Two aggregate queries at most. With `whole_workspace` they read the workspace in one pass (for
    a rebuild); without, they start from the named stakeholders' own participations, so their cost
    follows those stakeholders' histories, not the workspace's.
    """
    singles: set[int] = set()
    pairs: set[tuple[int, int]] = set()
    for group in ends:
        if len(group) == 1:
            singles.add(group[0])
        else:
            pairs.add((group[0], group[1]))
    live = Participants.objects.filter(interaction__deleted_at__isnull=True)
    if now is not None:
        live = live.filter(interaction__occurred_at__lte=now)
    if seen_by is not None:
        live = live.filter(Q(interaction__private=False) | Q(interaction__author=seen_by))
    if whole_workspace:
        live = live.filter(interaction__workspace_id=workspace_id)
    elif connection.vendor == "sqlite":
        # "+ 0" keeps SQLite's planner on the stakeholder index: driven by the workspace's
        # (workspace, occurred_at) index it would test every interaction against the names.
        # PostgreSQL plans this well from its statistics, and worse with the expression.
        live = live.filter(Exact(F("interaction__workspace_id") + 0, workspace_id))
    else:
        live = live.filter(interaction__workspace_id=workspace_id)

    by_stakeholder: dict[int, dt.datetime] = {}
    if singles:
        rows = live if whole_workspace else live.filter(stakeholder_id__in=singles)
        for stakeholder_id, last in (
            rows.values_list("stakeholder_id").annotate(Max("interaction__occurred_at")).order_by()
        ):
            if stakeholder_id in singles:
                by_stakeholder[stakeholder_id] = last

    by_pair: dict[tuple[int, int], dt.datetime] = {}
    if pairs:
        rows = live.filter(stakeholder_id__lt=F("interaction__participants"))
        if not whole_workspace:
            rows = rows.filter(stakeholder_id__in={a for a, _ in pairs})
        for a, b, last in (
            rows.values_list("stakeholder_id", "interaction__participants")
            .annotate(Max("interaction__occurred_at"))
            .order_by()
        ):
            if (a, b) in pairs:
                by_pair[(a, b)] = last
    return LastContacts(by_stakeholder, by_pair)


def refresh_ties(ties: QuerySet[Tie], *, whole_workspace: bool = False) -> int:
    """Recompute `last_contact_at` of `ties` (trash included when the queryset is), all of one
    workspace; returns how many changed. `whole_workspace` when `ties` is a whole workspace's."""
    fields = ("source_id", "source__is_internal", "target_id", "target__is_internal")
    rows = list(ties.order_by().values_list("pk", "workspace_id", "last_contact_at", *fields))
    if not rows:
        return 0
    ends = {pk: counterpart_ids(*ends) for pk, _, _, *ends in rows}
    contacts = last_contacts(
        ends.values(), workspace_id=rows[0][1], whole_workspace=whole_workspace
    )
    changed = [
        (latest, pk) for pk, _, stored, *_ in rows if (latest := contacts.last(ends[pk])) != stored
    ]
    return update_column(Tie, "last_contact_at", changed)


def refresh_workspace(workspace: Workspace | int) -> int:
    """Recompute the last contact of every tie of a workspace, trash included."""
    workspace_id = workspace if isinstance(workspace, int) else workspace.pk
    return refresh_ties(Tie.all_objects.filter(workspace_id=workspace_id), whole_workspace=True)


def refresh_for_participants(stakeholder_ids: Collection[int]) -> int:
    """Recompute the ties an interaction among `stakeholder_ids` can warm: a tie between the city
    and one of them, or a tie between two of them."""
    ids = set(stakeholder_ids)
    if not ids:
        return 0
    ties = Tie.all_objects.filter(
        Q(source_id__in=ids, target_id__in=ids)
        | Q(source_id__in=ids, target__is_internal=True)
        | Q(target_id__in=ids, source__is_internal=True)
    )
    return refresh_ties(ties)


def _participant_ids(interaction_ids: Collection[int]) -> set[int]:
    return set(
        Participants.objects.filter(interaction_id__in=interaction_ids).values_list(
            "stakeholder_id", flat=True
        )
    )


# Keeping it up to date: the model signals, and the workspace's bulk changes.


def _interaction_saved(sender: Any, instance: Interaction, created: bool, **kwargs: Any) -> None:
    if not created and not kwargs.get("raw"):
        refresh_for_participants(_participant_ids([instance.pk]))


def _participants_changed(
    sender: Any, instance: Any, action: str, reverse: bool, pk_set: set[int] | None, **kwargs: Any
) -> None:
    if action == "pre_clear":
        # Who is about to leave, since post_clear doesn't say.
        instance._cleared_participants = (
            _participant_ids([instance.pk])
            if not reverse
            else {instance.pk}
            | _participant_ids(list(instance.interactions.values_list("pk", flat=True)))
        )
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if reverse:
        # stakeholder.interactions.add(...): the stakeholder and everyone in those interactions.
        interactions = set(pk_set or ())
        affected = {instance.pk} | _participant_ids(interactions)
    else:
        affected = _participant_ids([instance.pk]) | set(pk_set or ())
    affected |= getattr(instance, "_cleared_participants", set())
    refresh_for_participants(affected)


def _interaction_deleting(sender: Any, instance: Interaction, **kwargs: Any) -> None:
    if isinstance(kwargs.get("origin"), Workspace):
        return  # the whole workspace goes: no tie stays to keep up to date
    setattr(instance, "_deleted_participants", _participant_ids([instance.pk]))  # noqa: B010


def _interaction_deleted(sender: Any, instance: Interaction, **kwargs: Any) -> None:
    refresh_for_participants(getattr(instance, "_deleted_participants", set()))


def _tie_saved(sender: Any, instance: Tie, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        refresh_ties(Tie.all_objects.filter(pk=instance.pk))


def _stakeholder_saving(
    sender: Any, instance: Stakeholder, raw: bool = False, **kwargs: Any
) -> None:
    if instance.pk is None or raw:
        return
    before = Stakeholder.all_objects.filter(pk=instance.pk).values_list("is_internal", flat=True)
    flipped = next(iter(before), instance.is_internal) != instance.is_internal
    setattr(instance, "_internal_flipped", flipped)  # noqa: B010


def _stakeholder_saved(sender: Any, instance: Stakeholder, **kwargs: Any) -> None:
    if getattr(instance, "_internal_flipped", False):
        setattr(instance, "_internal_flipped", False)  # noqa: B010
        refresh_ties(Tie.all_objects.filter(Q(source=instance) | Q(target=instance)))


def _records_changed(
    sender: Any, workspace: Workspace, pks: list[int] | None, **kwargs: Any
) -> None:
    if pks is None:
        refresh_workspace(workspace)
    else:
        refresh_for_participants(_participant_ids(pks))


def connect() -> None:
    """Listen for every change a tie's last contact depends on (called once, at start-up)."""
    uid = "cityweave.engagement.contacts"
    post_save.connect(_interaction_saved, sender=Interaction, dispatch_uid=f"{uid}.interaction")
    pre_delete.connect(_interaction_deleting, sender=Interaction, dispatch_uid=f"{uid}.deleting")
    post_delete.connect(_interaction_deleted, sender=Interaction, dispatch_uid=f"{uid}.deleted")
    m2m_changed.connect(_participants_changed, sender=Participants, dispatch_uid=f"{uid}.m2m")
    post_save.connect(_tie_saved, sender=Tie, dispatch_uid=f"{uid}.tie")
    pre_save.connect(_stakeholder_saving, sender=Stakeholder, dispatch_uid=f"{uid}.saving")
    post_save.connect(_stakeholder_saved, sender=Stakeholder, dispatch_uid=f"{uid}.saved")
    records_changed.connect(_records_changed, sender=Interaction, dispatch_uid=f"{uid}.records")
