"""Partnership operations shared by pages, the API and the CLI: partnerships themselves and
their partners with roles. Every function takes the acting member; writes need an editor
(PermissionDenied otherwise), records of another workspace or in the trash answer Http404, and
bad input raises one ValidationError naming every bad field, with nothing written."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404

from cityweave.goals.models import Goal
from cityweave.partnerships.models import (
    Activity,
    Asset,
    Benchmark,
    Channel,
    MeetingPlan,
    Need,
    Partner,
    Partnership,
    Risk,
)
from cityweave.stakeholders.models import Stakeholder
from cityweave.stakeholders.services import resolve_stakeholders
from cityweave.vocabulary import PartnerRole
from cityweave.workspaces.models import Membership, TrashEntry, Workspace
from cityweave.workspaces.services import (
    collect_errors,
    move_to_trash,
    require_editor,
    resolve_member,
)

PARTNERSHIP_FIELDS = (
    "name", "problem", "area", "population_groups", "past_efforts", "status",
    "started_on", "review_on",
)  # fmt: skip
PARTNER_FIELDS = ("roles", "responsibility", "joined_on")
#: A partnership's parts, which go to the trash and come back with it.
PARTS: tuple[type[Any], ...] = (
    Partner,
    Benchmark,
    Asset,
    Need,
    Risk,
    Activity,
    Channel,
    MeetingPlan,
)


# == Partnerships =================================================================================


def partnerships(member: Membership) -> QuerySet[Partnership]:
    """The workspace's partnerships that are not in the trash, by name."""
    return Partnership.objects.filter(workspace=member.workspace)


def get_partnership(member: Membership, pk: int) -> Partnership:
    """One live partnership of the member's workspace (its officer's user loaded); 404 otherwise."""
    found = partnerships(member).select_related("officer__user").filter(pk=pk).first()
    if found is None:
        raise Http404("No such partnership")
    return found


def require_live(member: Membership, partnership: Partnership) -> None:
    """Http404 unless `partnership` is live and of the member's workspace."""
    if partnership.workspace_id != member.workspace.pk or partnership.in_trash:
        raise Http404("No such partnership")


def resolve_goals(workspace: Workspace, values: Iterable[Goal | int], field: str) -> list[Goal]:
    """Live goals of `workspace` given as objects or ids; a ValidationError names `field` otherwise."""
    ids = [v.pk if isinstance(v, Goal) else v for v in values]
    found = {g.pk: g for g in Goal.objects.filter(workspace=workspace, pk__in=ids)}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise ValidationError({field: f"No such goal in this workspace: {', '.join(missing)}."})
    return [found[i] for i in ids]


@transaction.atomic
def save_partnership(
    member: Membership, data: dict[str, Any], instance: Partnership | None = None
) -> Partnership:
    """Create or update a partnership from `data`: the model's fields (PARTNERSHIP_FIELDS;
    `population_groups` a list of names), `officer` (a membership id or object, None for none),
    `consulted` (stakeholder ids or objects: who helped write the problem statement) and `goals`
    (goal ids or objects). Fields left out keep their value. Every bad field is reported at once."""
    require_editor(member)
    partnership = instance or Partnership(workspace=member.workspace)
    if instance is not None:
        require_live(member, instance)
    for name in PARTNERSHIP_FIELDS:
        if name in data:
            value = data[name]
            if value is None and name in ("problem", "area", "past_efforts"):
                value = ""
            if name == "population_groups" and isinstance(value, list):
                value = list(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))
            setattr(partnership, name, value)
    errors: dict[str, list[str]] = {}
    if "officer" in data:
        try:
            partnership.officer = resolve_member(member.workspace, data["officer"], "officer")
        except ValidationError as error:
            collect_errors(errors, error)
    related: dict[str, list[Any]] = {}
    for name, resolve in (("consulted", resolve_stakeholders), ("goals", resolve_goals)):
        if data.get(name) is not None:
            try:
                related[name] = list(dict.fromkeys(resolve(member.workspace, data[name], name)))
            except ValidationError as error:
                collect_errors(errors, error)
    try:
        partnership.full_clean()
    except ValidationError as error:
        collect_errors(errors, error)
    if errors:
        raise ValidationError(errors)
    partnership.save()
    for name, records in related.items():
        getattr(partnership, name).set(records)
    return partnership


def trash_partnership(member: Membership, partnership: Partnership) -> TrashEntry:
    """Move a partnership to the trash with all its parts (restorable together)."""
    require_live(member, partnership)
    along = [model.objects.filter(partnership=partnership) for model in PARTS]
    return move_to_trash(member, partnership, along_with=along)


# == Partners and roles ===========================================================================


def partners(partnership: Partnership) -> QuerySet[Partner]:
    """The partnership's live partners whose stakeholder is live, stakeholders loaded, by name."""
    return (
        Partner.objects.filter(partnership=partnership, stakeholder__deleted_at__isnull=True)
        .select_related("stakeholder")
        .order_by("stakeholder__sort_name", "pk")
    )


def get_partner(member: Membership, partnership: Partnership, pk: int) -> Partner:
    """One live partner of the partnership; 404 otherwise."""
    require_live(member, partnership)
    found = partners(partnership).filter(pk=pk).first()
    if found is None:
        raise Http404("No such partner")
    return found


@transaction.atomic
def save_partner(
    member: Membership,
    partnership: Partnership,
    data: dict[str, Any],
    instance: Partner | None = None,
) -> Partner:
    """Add a stakeholder to the partnership (`data["stakeholder"]`: an id or object), or update
    a partner: `roles` (keys of vocabulary.PartnerRole), `responsibility` (one line) and
    `joined_on`. A stakeholder is in a partnership once. Every bad field is reported at once."""
    require_editor(member)
    require_live(member, partnership)
    partner = instance or Partner(workspace=member.workspace, partnership=partnership)
    if instance is not None and (instance.partnership_id != partnership.pk or instance.in_trash):
        raise Http404("No such partner")
    errors: dict[str, list[str]] = {}
    if instance is None:
        try:
            found = resolve_stakeholders(
                member.workspace, [data.get("stakeholder") or 0], "stakeholder"
            )
            partner.stakeholder = found[0]
        except ValidationError as error:
            collect_errors(errors, error)
        else:
            taken = Partner.objects.filter(partnership=partnership, stakeholder=found[0])
            if taken.exists():
                errors.setdefault("stakeholder", []).append(
                    f"{found[0]} is a partner of this partnership already."
                )
    for name in PARTNER_FIELDS:
        if name in data:
            value = data[name]
            setattr(partner, name, "" if value is None and name == "responsibility" else value)
    try:
        partner.full_clean(exclude=["stakeholder"] if "stakeholder" in errors else None)
    except ValidationError as error:
        collect_errors(errors, error)
    if errors:
        raise ValidationError(errors)
    partner.save()
    return partner


def trash_partner(member: Membership, partner: Partner) -> TrashEntry:
    """Move a partner (its roles with it) to the trash; restoring brings it back."""
    return move_to_trash(member, partner)


def is_government(stakeholder: Stakeholder) -> bool:
    """Whether a stakeholder is inside government: the city's own (internal) stakeholders and
    those of a local, state or national government sector."""
    return bool(stakeholder.is_internal) or stakeholder.sector in GOVERNMENT_SECTORS


#: The sectors that count as government, for champions inside and outside government.
GOVERNMENT_SECTORS = frozenset({"local-government", "state-government", "national-government"})


@dataclass(frozen=True)
class PartnerRow:
    """A partner with its `roles` in words (PartnerRole labels, in the order given), whether it
    is a `champion`, and whether it is inside `government` (`is_government`)."""

    partner: Partner
    roles: list[str]
    champion: bool
    government: bool


@dataclass(frozen=True)
class PartnerRoster:
    """A partnership's partners as rows (by name), with the counts the page and the brief show."""

    rows: list[PartnerRow]

    @property
    def roleless(self) -> int:
        """How many partners have no role."""
        return sum(1 for r in self.rows if not r.roles)

    @property
    def champions_inside(self) -> int:
        """Champions inside government (the city's own, local, state or national government)."""
        return sum(1 for r in self.rows if r.champion and r.government)

    @property
    def champions_outside(self) -> int:
        """Champions outside government."""
        return sum(1 for r in self.rows if r.champion and not r.government)


def partner_roster(partnership: Partnership) -> PartnerRoster:
    """The partnership's live partners (by name) with their roles in words, champions marked
    inside or outside government. One query."""
    labels = dict(PartnerRole.choices)
    return PartnerRoster(
        [
            PartnerRow(
                partner=partner,
                roles=[str(labels[r]) for r in partner.roles if r in labels],
                champion=PartnerRole.CHAMPION in partner.roles,
                government=is_government(partner.stakeholder),
            )
            for partner in partners(partnership)
        ]
    )


def partnerships_of(member: Membership, stakeholder: Stakeholder) -> list[Partner]:
    """The stakeholder's places in the workspace's live partnerships, by partnership name, each
    partner with its partnership loaded (its `roles` are PartnerRole keys). One query."""
    return list(
        Partner.objects.filter(
            workspace=member.workspace,
            stakeholder=stakeholder,
            partnership__deleted_at__isnull=True,
        )
        .select_related("partnership")
        .order_by("partnership__name", "partnership_id")
    )
