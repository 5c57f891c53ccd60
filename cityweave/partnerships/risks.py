"""The risk register of a partnership: each risk's likelihood and impact (1–5), its score
likelihood × impact (1–25), owner, mitigation and status; the register's order and its 5×5 heat
grid.

Every function takes the acting member; writes need an editor (PermissionDenied otherwise),
records of another workspace or in the trash answer Http404, and bad input raises one
ValidationError naming every bad field, with nothing written.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, F, QuerySet, Value, When
from django.http import Http404

from cityweave.partnerships.models import Partnership, Risk
from cityweave.partnerships.services import require_live
from cityweave.workspaces.models import Membership, TrashEntry
from cityweave.workspaces.services import (
    collect_errors,
    move_to_trash,
    require_editor,
    resolve_member,
)

RISK_FIELDS = ("title", "category", "likelihood", "impact", "mitigation", "status")
#: Open and mitigating risks come before closed ones in the register.
STATUS_RANK: dict[str, int] = {
    Risk.Status.OPEN: 0,
    Risk.Status.MITIGATING: 0,
    Risk.Status.CLOSED: 1,
}
#: The score bands of the heat grid: (lowest score, band name), highest first.
BANDS = ((15, "high"), (8, "medium"), (1, "low"))
SCALE = range(1, 6)


def band(score: int) -> str:
    """The band of a score 1–25: "high" from 15, "medium" from 8, else "low"."""
    return next(name for lowest, name in BANDS if score >= lowest)


def register_key(risk: Risk) -> tuple[int, int, int, int, int]:
    """The register's order: open and mitigating before closed, then score, impact and
    likelihood, each highest first, then the oldest first."""
    return (STATUS_RANK.get(risk.status, 1), -risk.score, -risk.impact, -risk.likelihood, risk.pk)


def register(partnership: Partnership) -> QuerySet[Risk]:
    """The partnership's live risks in the register's order (`register_key`, done by the
    database), owners loaded."""
    closed = Case(When(status=Risk.Status.CLOSED, then=Value(1)), default=Value(0))
    return (
        risk_queryset(partnership)
        .annotate(closed_last=closed, score_order=F("likelihood") * F("impact"))
        .order_by("closed_last", "-score_order", "-impact", "-likelihood", "pk")
    )


def risks(partnership: Partnership) -> list[Risk]:
    """The partnership's live risks in the register's order (`register_key`), owners loaded
    (one query)."""
    return list(register(partnership))


def risk_queryset(partnership: Partnership) -> QuerySet[Risk]:
    """The partnership's live risks as a queryset (owners loaded), unordered by score."""
    return Risk.objects.filter(partnership=partnership).select_related("owner__user")


def get_risk(member: Membership, partnership: Partnership, pk: int) -> Risk:
    """One live risk of the partnership; Http404 otherwise."""
    require_live(member, partnership)
    found = risk_queryset(partnership).filter(pk=pk).first()
    if found is None:
        raise Http404("No such risk")
    return found


@transaction.atomic
def save_risk(
    member: Membership,
    partnership: Partnership,
    data: dict[str, Any],
    instance: Risk | None = None,
) -> Risk:
    """Add a risk to the partnership or update one: `title`, `category` (Risk.Category key),
    `likelihood` and `impact` (whole numbers 1–5), `owner` (a membership id or object of the
    workspace, None for none), `mitigation` and `status` (open, mitigating, closed). Fields left
    out keep their value. Every bad field is reported at once; nothing is written then."""
    require_editor(member)
    require_live(member, partnership)
    if instance is not None and (instance.partnership_id != partnership.pk or instance.in_trash):
        raise Http404("No such risk")
    risk = instance or Risk(workspace=member.workspace, partnership=partnership)
    errors: dict[str, list[str]] = {}
    for name in RISK_FIELDS:
        if name in data:
            value = data[name]
            if name == "mitigation" and value is None:
                value = ""
            setattr(risk, name, value)
    if "owner" in data:
        try:
            risk.owner = resolve_member(member.workspace, data["owner"], "owner")
        except ValidationError as error:
            collect_errors(errors, error)
    try:
        risk.full_clean(exclude=["owner"] if "owner" in errors else None)
    except ValidationError as error:
        collect_errors(errors, error)
    if errors:
        raise ValidationError(errors)
    risk.save()
    return risk


def trash_risk(member: Membership, risk: Risk) -> TrashEntry:
    """Move a risk to the trash (restorable)."""
    return move_to_trash(member, risk)


@dataclass(frozen=True)
class HeatCell:
    """One cell of the heat grid: `likelihood` and `impact` (1–5), their `score`, its `band`,
    and the open or mitigating risks there."""

    likelihood: int
    impact: int
    risks: tuple[Risk, ...]

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def band(self) -> str:
        return band(self.score)


def heat_grid(register: Iterable[Risk]) -> list[list[HeatCell]]:
    """The 5×5 grid of the risks not closed: rows by likelihood, 5 (top) to 1; columns by
    impact, 1 to 5; each cell with its risks in the register's order."""
    live = [risk for risk in register if risk.status != Risk.Status.CLOSED]
    return [
        [
            HeatCell(
                likelihood,
                impact,
                tuple(r for r in live if r.likelihood == likelihood and r.impact == impact),
            )
            for impact in SCALE
        ]
        for likelihood in reversed(SCALE)
    ]
