"""Merging two stakeholders that are one: everything of the merged one moves to the kept one.

`merge_stakeholders(member, keep, merge)` moves `merge`'s ties, interactions (as a participant),
commitments, goal links, tags, organisations and people, its survey records
(`cityweave.surveys.merging`) and its partnership records (`cityweave.partnerships.merging`) to
`keep`, fills `keep`'s empty fields from `merge` and adds its notes, then moves `merge` to the
trash. Two ties of one kind with the same
third stakeholder become one (the stronger and combined terms of both, both notes); a tie between
the two goes to the trash with `merge`. A `StakeholderMerge` row journals every change, so that
restoring `merge` from the trash undoes the merge (`undo_merge`, run by the trash's restore).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from cityweave.stakeholders.models import Stakeholder, StakeholderMerge, Tie
from cityweave.workspaces.models import Membership, TrashEntry, Workspace
from cityweave.workspaces.services import move_to_trash, require_editor
from cityweave.workspaces.signals import records_changed

#: Fields of the kept stakeholder filled from the merged one when empty.
FILLED_FIELDS = (
    "title", "email", "phone", "website", "address", "area", "influence", "interest", "stance",
)  # fmt: skip
#: A tie's contact cadence: its ideal and its maximum gap, changed together.
CADENCE_FIELDS = ("cadence_days", "max_cadence_days")
#: A tie's statuses, the liveliest first: two ties combined keep the livelier.
STATUS_ORDER = ("active", "dormant", "prospect", "ended")


@dataclass
class MergePlan:
    """What a merge of `merge` into `keep` would do, for the preview: ties re-pointed, ties
    combined with one of `keep`'s (pairs of tie ids: merged's, kept's), ties between the two
    (dropped), and how many interactions, commitments, goals, tags, organisations and
    partnerships (as a partner) move."""

    keep: Stakeholder
    merge: Stakeholder
    moved_ties: list[Tie] = field(default_factory=list)
    combined_ties: list[tuple[Tie, Tie]] = field(default_factory=list)
    dropped_ties: list[Tie] = field(default_factory=list)
    interactions: int = 0
    commitments: int = 0
    goals: int = 0
    tags: list[str] = field(default_factory=list)
    organisations: int = 0
    people: int = 0
    partnerships: int = 0
    filled: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """Counts by what moves, and the names of the fields filled, as the API returns them."""
        return {
            "ties_moved": len(self.moved_ties),
            "ties_combined": len(self.combined_ties),
            "ties_dropped": len(self.dropped_ties),
            "interactions": self.interactions,
            "commitments": self.commitments,
            "goals": self.goals,
            "tags": len(self.tags),
            "organisations": self.organisations,
            "people": self.people,
            "partnerships": self.partnerships,
            "fields_filled": self.filled,
        }


def _check(member: Membership, keep: Stakeholder, merge: Stakeholder) -> None:
    require_editor(member)
    for stakeholder in (keep, merge):
        if stakeholder.workspace_id != member.workspace_id or stakeholder.in_trash:
            from django.http import Http404

            raise Http404("No such stakeholder")
    if keep.pk == merge.pk:
        raise ValidationError(
            {"stakeholder": "Choose another stakeholder: one cannot merge into itself."}
        )
    if keep.kind != merge.kind:
        raise ValidationError(
            {
                "stakeholder": f"“{merge}” is {'a person' if merge.kind == 'person' else 'an organisation'}"
                f" and “{keep}” is not: only two stakeholders of one kind can be merged."
            }
        )


def _twin(tie: Tie, keep: Stakeholder, merge: Stakeholder) -> Tie | None:
    """The live tie of `keep` that `tie` (of `merge`) becomes the same as once re-pointed."""
    from cityweave.stakeholders.services import duplicate_tie

    moved = Tie(
        pk=tie.pk,
        workspace_id=tie.workspace_id,
        kind=tie.kind,
        directed=tie.directed,
        source_id=keep.pk if tie.source_id == merge.pk else tie.source_id,
        target_id=keep.pk if tie.target_id == merge.pk else tie.target_id,
    )
    return duplicate_tie(moved)


def plan_merge(member: Membership, keep: Stakeholder, merge: Stakeholder) -> MergePlan:
    """What merging `merge` into `keep` would move; nothing is written. Http404 for a stakeholder
    of another workspace or in the trash; ValidationError naming `other` for the same one twice
    or two kinds (named `stakeholder`, the field that chooses `merge`); PermissionDenied for a viewer."""
    from cityweave.engagement.models import Commitment, Interaction
    from cityweave.goals.models import Goal

    _check(member, keep, merge)
    plan = MergePlan(keep=keep, merge=merge)
    ties = Tie.objects.filter(Q(source=merge) | Q(target=merge)).select_related("source", "target")
    for tie in ties.order_by("pk"):
        if keep.pk in (tie.source_id, tie.target_id):
            plan.dropped_ties.append(tie)
        elif (twin := _twin(tie, keep, merge)) is not None:
            plan.combined_ties.append((tie, twin))
        else:
            plan.moved_ties.append(tie)
    plan.interactions = Interaction.all_objects.filter(participants=merge).count()
    plan.commitments = Commitment.all_objects.filter(stakeholder=merge).count()
    plan.goals = Goal.all_objects.filter(stakeholders=merge).exclude(stakeholders=keep).count()
    kept_tags = set(keep.tags.values_list("pk", flat=True))
    plan.tags = [t.name for t in merge.tags.all() if t.pk not in kept_tags]
    plan.organisations = merge.organisations.exclude(pk=keep.pk).exclude(people=keep).count()
    plan.people = merge.people.exclude(pk=keep.pk).exclude(organisations=keep).count()
    from cityweave.partnerships.models import Partner

    plan.partnerships = Partner.objects.filter(stakeholder=merge).count()
    plan.filled = [
        name
        for name in FILLED_FIELDS
        if getattr(keep, name) in ("", None) and getattr(merge, name) not in ("", None)
    ]
    if merge.notes.strip():
        plan.filled.append("notes")
    if set(merge.offers) - set(keep.offers):
        plan.filled.append("offers")
    return plan


def _combine(kept: Tie, other: Tie) -> dict[str, Any]:
    """The terms of two ties that become one: the closer cadence (ideal and maximum), the higher
    trust and value,
    the earlier start, the livelier status, both roles and notes, an owner if either has one."""
    values: dict[str, Any] = {}

    def lowest(a: Any, b: Any) -> Any:
        return min(x for x in (a, b) if x is not None) if (a, b) != (None, None) else None

    def highest(a: Any, b: Any) -> Any:
        return max(x for x in (a, b) if x is not None) if (a, b) != (None, None) else None

    values["cadence_days"] = lowest(kept.cadence_days, other.cadence_days)
    values["max_cadence_days"] = _closer_maximum(kept, other, values["cadence_days"])
    values["trust"] = highest(kept.trust, other.trust)
    values["value"] = highest(kept.value, other.value)
    values["started_on"] = lowest(kept.started_on, other.started_on)
    status = min(kept.status, other.status, key=STATUS_ORDER.index)
    values["status"] = status
    values["ended_on"] = (
        highest(kept.ended_on, other.ended_on) if status == Tie.Status.ENDED else kept.ended_on
    )
    values["roles"] = list(dict.fromkeys([*kept.roles, *other.roles]))
    if other.notes.strip() and other.notes.strip() not in kept.notes:
        values["notes"] = "\n\n".join(n for n in (kept.notes.strip(), other.notes.strip()) if n)
    values["owner_id"] = kept.owner_id or other.owner_id
    return {name: v for name, v in values.items() if getattr(kept, name) != v}


def _closer_maximum(kept: Tie, other: Tie, cadence_days: int | None) -> int | None:
    """The maximum gap of two ties become one, whose ideal is `cadence_days` (the closer of
    theirs): the closer of their maxima in effect (a tie without a cadence has none), kept as
    the default (None) when it is the default, twice the ideal, of the tie it comes from."""
    maxima = sorted(
        (tie.max_gap_days, tie.max_cadence_days is None)
        for tie in (kept, other)
        if tie.max_gap_days is not None
    )
    if not maxima or cadence_days is None:
        return None
    maximum, default = maxima[0]
    return None if default and maximum == 2 * cadence_days else maximum


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _from_json(name: str, value: Any) -> Any:
    if name in ("started_on", "ended_on") and isinstance(value, str):
        return dt.date.fromisoformat(value)
    return value


@transaction.atomic
def merge_stakeholders(
    member: Membership, keep: Stakeholder, merge: Stakeholder
) -> tuple[StakeholderMerge, MergePlan]:
    """Merge `merge` into `keep` (see the module) and move `merge` to the trash; returns the
    journal and what moved. Errors as `plan_merge`; nothing is written when one is raised."""
    from cityweave.engagement.contacts import refresh_ties
    from cityweave.engagement.models import Commitment, Interaction
    from cityweave.goals.models import Goal

    # Lock both, in id order, so two merges of one pair at once cannot both go ahead.
    locked = {
        s.pk: s
        for s in Stakeholder.objects.select_for_update()
        .filter(pk__in=[keep.pk, merge.pk])
        .order_by("pk")
    }
    keep, merge = locked.get(keep.pk, keep), locked.get(merge.pk, merge)
    plan = plan_merge(member, keep, merge)
    journal: dict[str, Any] = {}

    journal["moved_ties"] = []
    for tie in plan.moved_ties:
        end = "source" if tie.source_id == merge.pk else "target"
        Tie.objects.filter(pk=tie.pk).update(**{f"{end}_id": keep.pk})
        journal["moved_ties"].append([tie.pk, end])
    journal["combined_ties"] = []
    trashed_ties = [tie.pk for tie in plan.dropped_ties]
    for tie, twin in plan.combined_ties:
        changes = _combine(twin, tie)
        journal["combined_ties"].append(
            [
                twin.pk,
                tie.pk,
                {n: [_jsonable(getattr(twin, n)), _jsonable(v)] for n, v in changes.items()},
            ]
        )
        if changes:
            Tie.objects.filter(pk=twin.pk).update(**changes)
        trashed_ties.append(tie.pk)

    participants = Interaction.participants.through
    had = set(
        participants.objects.filter(stakeholder_id=keep.pk).values_list("interaction_id", flat=True)
    )
    rows = participants.objects.filter(stakeholder_id=merge.pk)
    moved = list(rows.values_list("interaction_id", flat=True))
    journal["interactions"] = [[pk, pk in had] for pk in moved]
    participants.objects.bulk_create(
        [participants(interaction_id=pk, stakeholder_id=keep.pk) for pk in moved if pk not in had]
    )
    rows.delete()

    commitments = list(
        Commitment.all_objects.filter(stakeholder=merge).values_list("pk", flat=True)
    )
    Commitment.all_objects.filter(pk__in=commitments).update(stakeholder=keep)
    journal["commitments"] = commitments

    goal_links = Goal.stakeholders.through
    had = set(goal_links.objects.filter(stakeholder_id=keep.pk).values_list("goal_id", flat=True))
    links = goal_links.objects.filter(stakeholder_id=merge.pk)
    goals = list(links.values_list("goal_id", flat=True))
    journal["goals"] = [[pk, pk in had] for pk in goals]
    goal_links.objects.bulk_create(
        [goal_links(goal_id=pk, stakeholder_id=keep.pk) for pk in goals if pk not in had]
    )
    links.delete()

    kept_tags = set(keep.tags.values_list("pk", flat=True))
    added_tags = [t.pk for t in merge.tags.all() if t.pk not in kept_tags]
    keep.tags.add(*added_tags)
    journal["tags"] = added_tags  # the merged one keeps its own: restored, it has them still

    orgs = list(merge.organisations.exclude(pk=keep.pk).exclude(people=keep))
    keep.organisations.add(*orgs)
    journal["organisations"] = [o.pk for o in orgs]
    people = list(merge.people.exclude(pk=keep.pk).exclude(organisations=keep))
    keep.people.add(*people)
    journal["people"] = [p.pk for p in people]

    fields: dict[str, list[Any]] = {}
    for name in FILLED_FIELDS:
        if getattr(keep, name) in ("", None) and getattr(merge, name) not in ("", None):
            fields[name] = [getattr(keep, name), getattr(merge, name)]
    if merge.notes.strip():
        notes = f"{keep.notes.rstrip()}\n\nFrom “{merge.name}” (merged):\n{merge.notes.strip()}"
        fields["notes"] = [keep.notes, notes.lstrip()]
    offers = list(dict.fromkeys([*keep.offers, *merge.offers]))
    if offers != keep.offers:
        fields["offers"] = [keep.offers, offers]
    for name, (_, new) in fields.items():
        setattr(keep, name, new)
    journal["fields"] = fields
    if fields:
        keep.save()

    from cityweave.partnerships.merging import move_partnership_records
    from cityweave.surveys.merging import move_survey_records

    journal["surveys"] = move_survey_records(keep, merge)
    journal["partnerships"] = move_partnership_records(keep, merge)
    entry = move_to_trash(member, merge, [Tie.all_objects.filter(pk__in=trashed_ties)])
    entry.label = f"{merge.name} (merged into {keep.name})"[:300]
    entry.save(update_fields=["label"])
    record = StakeholderMerge.objects.create(
        workspace=member.workspace,
        kept=keep,
        merged=merge,
        batch=entry.batch,
        merged_by=member.user,
        journal=journal,
    )
    _changed(member.workspace, keep, merge)
    refresh_ties(Tie.all_objects.filter(Q(source=keep) | Q(target=keep)))
    return record, plan


def _changed(workspace: Workspace, *stakeholders: Stakeholder) -> None:
    """Tell what derives from the records (health, the network, versions) that these changed."""
    from cityweave.engagement.models import Interaction

    pks = [s.pk for s in stakeholders]
    records_changed.send(sender=Stakeholder, workspace=workspace, pks=pks)
    records_changed.send(
        sender=Tie,
        workspace=workspace,
        pks=list(
            Tie.all_objects.filter(Q(source_id__in=pks) | Q(target_id__in=pks)).values_list(
                "pk", flat=True
            )
        ),
    )
    records_changed.send(
        sender=Interaction,
        workspace=workspace,
        pks=list(Interaction.all_objects.filter(participants__in=pks).values_list("pk", flat=True)),
    )


def undo_merge(workspace: Workspace, batch: Any) -> StakeholderMerge | None:
    """Undo the merge whose merged stakeholder went to the trash in `batch`, once the trash has
    brought it back: its ties, participations, commitments, goal links, organisations and people
    return to it, the kept stakeholder loses the tags and values it gained (a value changed since
    stays; a tie's cadence, ideal and maximum, is one value), and combined ties get their terms
    back. None when the batch was no merge."""
    from cityweave.engagement.contacts import refresh_ties
    from cityweave.engagement.models import Commitment, Interaction
    from cityweave.goals.models import Goal

    record = (
        StakeholderMerge.objects.filter(workspace=workspace, batch=batch)
        .select_related("kept", "merged")
        .first()
    )
    if record is None:
        return None
    keep, merge, journal = record.kept, record.merged, record.journal
    for pk, end in journal.get("moved_ties", []):
        Tie.all_objects.filter(pk=pk, **{f"{end}_id": keep.pk}).update(**{f"{end}_id": merge.pk})
    for twin_pk, _, changes in journal.get("combined_ties", []):
        twin = Tie.all_objects.filter(pk=twin_pk).first()
        if twin is None:
            continue
        back = {
            name: _from_json(name, old)
            for name, (old, new) in changes.items()
            if _jsonable(getattr(twin, name)) == new
        }
        # The ideal and the maximum are one setting: both go back, or (one changed since) neither.
        if any(name in changes and name not in back for name in CADENCE_FIELDS):
            back = {name: v for name, v in back.items() if name not in CADENCE_FIELDS}
        if back:
            Tie.all_objects.filter(pk=twin_pk).update(**back)

    participants = Interaction.participants.through
    for pk, kept_had in journal.get("interactions", []):
        participants.objects.get_or_create(interaction_id=pk, stakeholder_id=merge.pk)
        if not kept_had:
            participants.objects.filter(interaction_id=pk, stakeholder_id=keep.pk).delete()
    Commitment.all_objects.filter(pk__in=journal.get("commitments", []), stakeholder=keep).update(
        stakeholder=merge
    )
    goal_links = Goal.stakeholders.through
    for pk, kept_had in journal.get("goals", []):
        goal_links.objects.get_or_create(goal_id=pk, stakeholder_id=merge.pk)
        if not kept_had:
            goal_links.objects.filter(goal_id=pk, stakeholder_id=keep.pk).delete()
    from cityweave.partnerships.merging import return_partnership_records
    from cityweave.surveys.merging import return_survey_records

    return_survey_records(keep, merge, journal.get("surveys", {}))
    return_partnership_records(keep, merge, journal.get("partnerships", {}))
    keep.tags.remove(*journal.get("tags", []))
    keep.organisations.remove(*journal.get("organisations", []))
    keep.people.remove(*journal.get("people", []))
    changed = False
    for name, (old, new) in journal.get("fields", {}).items():
        if getattr(keep, name) == new:
            setattr(keep, name, old)
            changed = True
    if changed:
        keep.save()
    record.delete()
    _changed(workspace, keep, merge)
    refresh_ties(Tie.all_objects.filter(Q(source__in=[keep, merge]) | Q(target__in=[keep, merge])))
    return record


def merge_entry(member: Membership, record: StakeholderMerge) -> TrashEntry | None:
    """The trash entry that restoring undoes the merge `record`."""
    return TrashEntry.objects.filter(workspace=member.workspace, batch=record.batch).first()
