"""What a stakeholder merge does to partnership records, and how restoring the merged one undoes it.

Called by `cityweave.stakeholders.merging` (which owns the journal). The merged stakeholder's
partner rows (with their roles, responsibility and the activities they took part in), the assets
it holds and its place among those consulted on a problem statement move to the kept one. A
partner row stays with the merged stakeholder, in the trash with it, where the kept one is already
a partner of that partnership (a partnership has one row per stakeholder): it drops out of the
partnership's page and comes back when the merged stakeholder is restored.
"""

from __future__ import annotations

from typing import Any

from cityweave.partnerships.models import Asset, Partner, Partnership
from cityweave.stakeholders.models import Stakeholder


def move_partnership_records(keep: Stakeholder, merge: Stakeholder) -> dict[str, Any]:
    """Re-point `merge`'s partnership records to `keep`; returns the journal
    `return_partnership_records` reads: {"partners": [pk], "assets": [pk],
    "consulted": [[partnership pk, kept was consulted]]}. Two queries per kind of record."""
    journal: dict[str, Any] = {}
    taken = Partner.all_objects.filter(stakeholder=keep).values("partnership_id")
    partners = Partner.all_objects.filter(stakeholder=merge).exclude(partnership_id__in=taken)
    journal["partners"] = list(partners.values_list("pk", flat=True))
    Partner.all_objects.filter(pk__in=journal["partners"]).update(stakeholder=keep)

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


def return_partnership_records(
    keep: Stakeholder, merge: Stakeholder, journal: dict[str, Any]
) -> None:
    """Undo `move_partnership_records` from its journal, for the records still as it left them."""
    Partner.all_objects.filter(pk__in=journal.get("partners", []), stakeholder=keep).update(
        stakeholder=merge
    )
    Asset.all_objects.filter(pk__in=journal.get("assets", []), holder=keep).update(holder=merge)
    consulted = Partnership.consulted.through
    for pk, kept_had in journal.get("consulted", []):
        consulted.objects.get_or_create(partnership_id=pk, stakeholder_id=merge.pk)
        if not kept_had:
            consulted.objects.filter(partnership_id=pk, stakeholder_id=keep.pk).delete()
