"""Joint activities and events of a partnership, each logged as an interaction (kind event, that
day, every involved partner's stakeholder a participant) so relationship health counts it.

The activity and its interaction are written together (all or nothing), kept in step when the
activity is edited, and go to the trash together (restorable together). Every function takes the
acting member; writes need an editor (PermissionDenied), records of another workspace or partnership
or in the trash answer Http404, and bad input raises one ValidationError naming every bad field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from cityweave.engagement.models import Interaction
from cityweave.engagement.services import save_interaction, workspace_zone
from cityweave.partnerships.models import Activity, Partner, Partnership
from cityweave.partnerships.services import require_live
from cityweave.workspaces.models import Membership, TrashEntry
from cityweave.workspaces.services import collect_errors, move_to_trash, require_editor

ACTIVITY_FIELDS = ("name", "held_on", "place", "attendance", "outcome")
#: The time of day an activity's interaction is logged at, in the workspace's time zone: midday,
#: so the day stays the same whatever zone a calendar shows it in nearby.
LOGGED_AT = dt.time(12, 0)
#: Interaction errors as the activity's own fields name them.
INTERACTION_FIELD_NAMES = {"participants": "partners", "occurred_at": "held_on", "summary": "name"}


def activities(partnership: Partnership) -> QuerySet[Activity]:
    """The partnership's live activities, newest first, with their live partners (stakeholders
    loaded) and their interaction: two queries when listed."""
    live_partners = Partner.objects.filter(stakeholder__deleted_at__isnull=True).select_related(
        "stakeholder"
    )
    return (
        Activity.objects.filter(partnership=partnership)
        .select_related("interaction")
        .prefetch_related(Prefetch("partners", queryset=live_partners.order_by("pk")))
    )


def get_activity(member: Membership, partnership: Partnership, pk: int) -> Activity:
    """One live activity of the partnership; Http404 otherwise."""
    require_live(member, partnership)
    found = activities(partnership).filter(pk=pk).first()
    if found is None:
        raise Http404("No such activity")
    return found


def resolve_partners(
    partnership: Partnership, values: Iterable[Partner | int], field: str
) -> list[Partner]:
    """Live partners of `partnership` (objects or ids), each once, in the order given; a
    ValidationError names `field` for any other id."""
    ids = list(dict.fromkeys(v.pk if isinstance(v, Partner) else v for v in values))
    found = {
        p.pk: p
        for p in Partner.objects.filter(
            partnership=partnership, pk__in=ids, stakeholder__deleted_at__isnull=True
        ).select_related("stakeholder")
    }
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationError(
            {field: f"No such partner in this partnership: {', '.join(missing)}."}
        )
    return [found[i] for i in ids]


def logged_at(member: Membership, day: dt.date) -> dt.datetime:
    """When an activity held on `day` is logged: midday of that day in the workspace's zone."""
    return dt.datetime.combine(day, LOGGED_AT, tzinfo=workspace_zone(member.workspace))


@transaction.atomic
def save_activity(
    member: Membership,
    partnership: Partnership,
    data: dict[str, Any],
    instance: Activity | None = None,
) -> Activity:
    """Create or update a joint activity from `data`: `name`, `held_on` (a date), `place`,
    `attendance` (people who came, a whole number ≥ 0), `outcome`, and `partners` (ids or objects
    of this partnership's partners, at least one). Fields left out keep their value.

    Its interaction is written with it through `engagement.services.save_interaction`: kind event,
    at midday of `held_on` in the workspace's zone, the name as summary, the outcome as notes, the
    partners' stakeholders as participants. An edit keeps the same interaction in step; when it
    was trashed on its own, a new one logs the activity. Every bad field is reported at once (the
    interaction's errors under the activity's names: partners, held_on, name); nothing is written
    then."""
    require_editor(member)
    require_live(member, partnership)
    activity = instance or Activity(workspace=member.workspace, partnership=partnership)
    if instance is not None and (instance.partnership_id != partnership.pk or instance.in_trash):
        raise Http404("No such activity")
    errors: dict[str, list[str]] = {}
    for name in ACTIVITY_FIELDS:
        if name in data:
            value = data[name]
            if value is None and name in ("place", "outcome"):
                value = ""
            setattr(activity, name, value)
    involved: list[Partner] | None = None
    if "partners" in data or instance is None:
        try:
            involved = resolve_partners(partnership, data.get("partners") or [], "partners")
        except ValidationError as error:
            collect_errors(errors, error)
        else:
            if not involved:
                errors.setdefault("partners", []).append("Name at least one partner involved.")
    try:
        activity.full_clean(exclude=["interaction"])
    except ValidationError as error:
        collect_errors(errors, error)
    if errors:
        raise ValidationError(errors)
    if involved is None:
        involved = list(activity.partners.filter(stakeholder__deleted_at__isnull=True))
        if not involved:
            raise ValidationError({"partners": "Name at least one partner involved."})
    current = activity.interaction
    if current is not None and (current.in_trash or current.workspace_id != member.workspace.pk):
        current = None
    interaction_data = {
        "kind": Interaction.Kind.EVENT,
        "occurred_at": logged_at(member, activity.held_on),
        "summary": activity.name[:300],
        "notes": activity.outcome,
        "participants": [p.stakeholder for p in involved],
    }
    try:
        interaction = save_interaction(member, interaction_data, current)
    except ValidationError as error:
        found: dict[str, list[str]] = {}
        collect_errors(found, error)
        raise ValidationError(
            {INTERACTION_FIELD_NAMES.get(k, k): v for k, v in found.items()}
        ) from error
    activity.interaction = interaction
    activity.save()
    activity.partners.set(involved)
    return activity


def trash_activity(member: Membership, activity: Activity) -> TrashEntry:
    """Move an activity to the trash with the interaction that logs it (restorable together)."""
    along = [Interaction.objects.filter(pk=activity.interaction_id)]
    return move_to_trash(member, activity, along_with=along)
