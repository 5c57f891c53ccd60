"""What a stakeholder merge does to partnership records, and how restoring the merged one undoes it.

Called by `cityweave.stakeholders.merging` (which owns the journal). The merged stakeholder's
partner rows (with their roles, responsibility and the activities they took part in), the assets
it holds and its place among those consulted on a problem statement move to the kept one. Where
the kept one is already a partner of that partnership (a partnership has one row per
stakeholder), the two rows become one: the kept row gains the merged row's roles (and its
responsibility and joining date where it has none), and takes its place in the activities and
meeting invitations it was in; the merged row stays with the merged stakeholder, in the trash with
it, and restoring that stakeholder puts everything back.
"""

from __future__ import annotations

from typing import Any

from cityweave.partnerships.models import Activity, Asset, MeetingPlan, Partner, Partnership
from cityweave.stakeholders.models import Stakeholder


def move_partnership_records(keep: Stakeholder, merge: Stakeholder) -> dict[str, Any]:
    """Re-point `merge`'s partnership records to `keep`; returns the journal
    `return_partnership_records` reads: {"partners": [pk], "assets": [pk],
    "consulted": [[partnership pk, kept was consulted]]}. Two queries per kind of record."""
    journal: dict[str, Any] = {}
    kept_rows = {p.partnership_id: p for p in Partner.all_objects.filter(stakeholder=keep)}
    partners = Partner.all_objects.filter(stakeholder=merge).exclude(
        partnership_id__in=list(kept_rows)
    )
    journal["partners"] = list(partners.values_list("pk", flat=True))
    Partner.all_objects.filter(pk__in=journal["partners"]).update(stakeholder=keep)
    journal["combined_partners"] = [
        _combine(kept_rows[row.partnership_id], row)
        for row in Partner.all_objects.filter(stakeholder=merge, partnership_id__in=list(kept_rows))
    ]

    journal["assets"] = list(Asset.all_objects.filter(holder=merge).values_list("pk", flat=True))
    Asset.all_objects.filter(pk__in=journal["assets"]).update(holder=keep)

    consulted = Partnership.consulted.through
    had = set(
        consulted.objects.filter(stakeholder_id=keep.pk).values_list("partnership_id", flat=True)
    )
    rows = list(
        consulted.objects.filter(stakeholder_id=merge.pk).values_list("partnership_id", flat=True)
    )
    journal["consulted"] = [[pk, pk in had] for pk in rows]
    consulted.objects.bulk_create(
        [consulted(partnership_id=pk, stakeholder_id=keep.pk) for pk in rows if pk not in had]
    )
    consulted.objects.filter(stakeholder_id=merge.pk).delete()
    return journal


def _combine(kept: Partner, merged: Partner) -> dict[str, Any]:
    """Make `kept` stand for both rows of one partnership; returns what undoing it needs."""
    entry: dict[str, Any] = {
        "kept": kept.pk,
        "merged": merged.pk,
        "fields": {
            "roles": kept.roles,
            "responsibility": kept.responsibility,
            "joined_on": kept.joined_on.isoformat() if kept.joined_on else None,
        },
    }
    kept.roles = list(dict.fromkeys([*kept.roles, *merged.roles]))
    kept.responsibility = kept.responsibility or merged.responsibility
    if merged.joined_on and (kept.joined_on is None or merged.joined_on < kept.joined_on):
        kept.joined_on = merged.joined_on
    kept.save(update_fields=["roles", "responsibility", "joined_on", "updated_at"])
    for name, model in (("activities", Activity), ("meeting_plans", MeetingPlan)):
        links = getattr(model, "partners" if model is Activity else "invited").through
        had = set(links.objects.filter(partner_id=kept.pk).values_list(_owner(model), flat=True))
        rows = list(
            links.objects.filter(partner_id=merged.pk).values_list(_owner(model), flat=True)
        )
        entry[name] = [[pk, pk in had] for pk in rows]
        links.objects.bulk_create(
            [links(**{_owner(model): pk, "partner_id": kept.pk}) for pk in rows if pk not in had]
        )
        links.objects.filter(partner_id=merged.pk).delete()
    return entry


def _owner(model: type[Activity] | type[MeetingPlan]) -> str:
    """The link table's column naming the activity or the plan."""
    return "activity_id" if model is Activity else "meetingplan_id"


def return_partnership_records(
    keep: Stakeholder, merge: Stakeholder, journal: dict[str, Any]
) -> None:
    """Undo `move_partnership_records` from its journal, for the records still as it left them."""
    Partner.all_objects.filter(pk__in=journal.get("partners", []), stakeholder=keep).update(
        stakeholder=merge
    )
    Asset.all_objects.filter(pk__in=journal.get("assets", []), holder=keep).update(holder=merge)
    for entry in journal.get("combined_partners", []):
        Partner.all_objects.filter(pk=entry["kept"]).update(**entry["fields"])
        for name, model in (("activities", Activity), ("meeting_plans", MeetingPlan)):
            links = getattr(model, "partners" if model is Activity else "invited").through
            for pk, kept_had in entry.get(name, []):
                links.objects.get_or_create(**{_owner(model): pk, "partner_id": entry["merged"]})
                if not kept_had:
                    links.objects.filter(
                        **{_owner(model): pk, "partner_id": entry["kept"]}
                    ).delete()
    consulted = Partnership.consulted.through
    for pk, kept_had in journal.get("consulted", []):
        consulted.objects.get_or_create(partnership_id=pk, stakeholder_id=merge.pk)
        if not kept_had:
            consulted.objects.filter(partnership_id=pk, stakeholder_id=keep.pk).delete()
