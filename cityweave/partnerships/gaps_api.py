"""JSON API for a partnership's assets, needs, asset and gap map (with suggestions) and risk
register, under /api/v1/workspaces/{slug}/partnerships/{id}/.

No `from __future__ import annotations` here: django-ninja reads the annotations at import time.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from cityweave.partnerships import gaps, risks
from cityweave.partnerships.api_parts import Part, add_part_routes
from cityweave.partnerships.models import AmountUnit, Asset, AssetKind, Risk
from cityweave.partnerships.services import get_partnership
from cityweave.vocabulary import ValueType
from cityweave.workspaces.api import Id, PatchSchema, Whole, api_member

router = Router()

#: The models' DecimalField(max_digits=14, decimal_places=2), checked before the model sees it.
GapAmount = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]
#: A 1–5 rating of a risk's likelihood or impact.
RiskScale = Annotated[Whole, Field(ge=1, le=5)]
TAGS = ["partnerships"]
BASE = "/{slug}/partnerships/{int:partnership_id}"


# == Schemas ======================================================================================


class AssetIn(Schema):
    """A new asset: `holder` a stakeholder id (the city's own or a partner); `value_type`
    defaults from the kind (infrastructure → facilities, land → land, financial → funding,
    staff → paid-staff, expertise → expertise, data → data, programme → in-kind)."""

    kind: AssetKind
    value_type: ValueType | None = None
    holder: Id
    description: str = Field(min_length=1, max_length=300)
    amount: GapAmount | None = Field(default=None, ge=0, description="Estimated value.")
    amount_unit: AmountUnit = AmountUnit.MONEY


class AssetPatch(PatchSchema):
    """Fields to change on an asset; omitted fields stay as they are."""

    Creates: ClassVar[type[Schema]] = AssetIn

    kind: AssetKind | None = None
    value_type: ValueType | None = None
    holder: Id | None = None
    description: str | None = Field(default=None, min_length=1, max_length=300)
    amount: GapAmount | None = Field(default=None, ge=0)
    amount_unit: AmountUnit | None = None


class AssetOut(Schema):
    """An asset with its holder's name."""

    id: int
    kind: str
    value_type: str
    holder: int
    holder_name: str
    description: str
    amount: float | None
    amount_unit: str

    @staticmethod
    def resolve_holder(obj: Asset) -> int:
        return obj.holder_id

    @staticmethod
    def resolve_holder_name(obj: Asset) -> str:
        return obj.holder.name


class NeedIn(Schema):
    """A new need, in the vocabulary of value types; `amount` (> 0) when it is counted."""

    value_type: ValueType
    description: str = Field(min_length=1, max_length=300)
    amount: GapAmount | None = Field(default=None, gt=0)
    amount_unit: AmountUnit = AmountUnit.MONEY


class NeedPatch(PatchSchema):
    """Fields to change on a need; omitted fields stay as they are (`amount: null` uncounts it)."""

    Creates: ClassVar[type[Schema]] = NeedIn

    value_type: ValueType | None = None
    description: str | None = Field(default=None, min_length=1, max_length=300)
    amount: GapAmount | None = Field(default=None, gt=0)
    amount_unit: AmountUnit | None = None


class NeedOut(Schema):
    """A need."""

    id: int
    value_type: str
    description: str
    amount: float | None
    amount_unit: str


class GapIntroducerOut(Schema):
    """Who could introduce a suggested stakeholder: `via` "partner" or "city", the tie's trust
    and value (1–4 or null) and status, and the member who owns the tie (null for none)."""

    stakeholder: int
    name: str
    via: str
    tie: int
    tie_trust: int | None
    tie_value: int | None
    tie_status: str
    owner: int | None
    owner_name: str | None


class GapSuggestionOut(Schema):
    """A suggested stakeholder with what ranked it (see `ranking`)."""

    stakeholder: int
    name: str
    trust: float | None
    trust_source: str = Field(description='"survey", "tie", or "" without a trust.')
    betweenness: float
    degree: int
    partnerships: int
    interactions: int
    introducers: list[GapIntroducerOut]


class GapRowOut(Schema):
    """One value type of the map: its status ("covered", "partly", "uncovered", or "" when
    offered and not needed), totals needed and offered and the shortfall by unit ("money",
    "hours"), its needs and assets, and suggestions for a gap."""

    value_type: str
    label: str
    status: str
    needed: dict[str, float]
    offered: dict[str, float]
    shortfall: dict[str, float]
    needs: list[NeedOut]
    assets: list[AssetOut]
    suggestions: list[GapSuggestionOut]


class GapMapOut(Schema):
    """The asset and gap map: the value types needed (uncovered, partly covered, covered),
    those offered but not needed, the ranking rule and the time of the network analysis."""

    rows: list[GapRowOut]
    offered_not_needed: list[GapRowOut]
    counts: dict[str, int]
    ranking: str
    analysis_at: dt.datetime | None


class RiskIn(Schema):
    """A new risk: `owner` a membership id."""

    title: str = Field(min_length=1, max_length=200)
    category: Risk.RiskCategory = Risk.RiskCategory.OTHER
    likelihood: RiskScale
    impact: RiskScale
    owner: Id | None = None
    mitigation: str = ""
    status: Risk.RiskStatus = Risk.RiskStatus.OPEN


class RiskPatch(PatchSchema):
    """Fields to change on a risk; omitted fields stay as they are (`owner: null` clears it)."""

    Creates: ClassVar[type[Schema]] = RiskIn

    title: str | None = Field(default=None, min_length=1, max_length=200)
    category: Risk.RiskCategory | None = None
    likelihood: RiskScale | None = None
    impact: RiskScale | None = None
    owner: Id | None = None
    mitigation: str | None = None
    status: Risk.RiskStatus | None = None


class RiskOut(Schema):
    """A risk; `score` = likelihood × impact (1–25)."""

    id: int
    title: str
    category: str
    likelihood: int
    impact: int
    score: int
    owner: int | None
    owner_name: str | None
    mitigation: str
    status: str

    @staticmethod
    def resolve_owner(obj: Risk) -> int | None:
        return obj.owner_id

    @staticmethod
    def resolve_owner_name(obj: Risk) -> str | None:
        return obj.owner.user.display_name if obj.owner is not None else None


def _row(row: gaps.Coverage) -> dict[str, Any]:
    return {
        "value_type": row.value_type,
        "label": row.label,
        "status": row.status,
        "needed": {u: float(v) for u, v in row.needed.items()},
        "offered": {u: float(v) for u, v in row.offered.items()},
        "shortfall": {u: float(v) for u, v in row.shortfall.items()},
        "needs": row.needs,
        "assets": row.assets,
        "suggestions": [
            {
                "stakeholder": s.stakeholder.pk,
                "name": s.stakeholder.name,
                "trust": s.trust,
                "trust_source": s.trust_source,
                "betweenness": s.betweenness,
                "degree": s.degree,
                "partnerships": s.partnerships,
                "interactions": s.interactions,
                "introducers": [
                    {
                        "stakeholder": i.stakeholder.pk,
                        "name": i.stakeholder.name,
                        "via": i.via,
                        "tie": i.tie.pk,
                        "tie_trust": i.tie.trust,
                        "tie_value": i.tie.value,
                        "tie_status": i.tie.status,
                        "owner": i.owner.pk if i.owner else None,
                        "owner_name": i.owner.user.display_name if i.owner else None,
                    }
                    for i in s.introducers
                ],
            }
            for s in row.suggestions
        ],
    }


# == Assets, needs and risks: five routes each (api_parts.py) ====================================

add_part_routes(
    router,
    Part(
        plural="assets",
        noun="asset",
        In=AssetIn,
        Patch=AssetPatch,
        Out=AssetOut,
        listing=gaps.assets,
        get=gaps.get_asset,
        save=gaps.save_asset,
        trash=gaps.trash_asset,
        docs={
            "list": "The partnership's assets, by value type; paginated with `limit` and `offset`.",
            "create": "Put an asset on the table.",
            "get": "One asset.",
            "update": "Change some fields of an asset.",
            "delete": "Move an asset to the trash.",
        },
    ),
    TAGS,
    __name__,
)
add_part_routes(
    router,
    Part(
        plural="needs",
        noun="need",
        In=NeedIn,
        Patch=NeedPatch,
        Out=NeedOut,
        listing=gaps.needs,
        get=gaps.get_need,
        save=gaps.save_need,
        trash=gaps.trash_need,
        docs={
            "list": "The partnership's needs, by value type; paginated with `limit` and `offset`.",
            "create": "Record a need.",
            "get": "One need.",
            "update": "Change some fields of a need.",
            "delete": "Move a need to the trash.",
        },
    ),
    TAGS,
    __name__,
)
add_part_routes(
    router,
    Part(
        plural="risks",
        noun="risk",
        In=RiskIn,
        Patch=RiskPatch,
        Out=RiskOut,
        listing=risks.register,
        get=risks.get_risk,
        save=risks.save_risk,
        trash=risks.trash_risk,
        docs={
            "list": "The risk register: open and mitigating risks first, then by score "
            "(likelihood × impact), impact and likelihood, highest first; paginated with `limit` "
            "and `offset`.",
            "create": "Add a risk to the register.",
            "get": "One risk.",
            "update": "Change some fields of a risk.",
            "delete": "Move a risk to the trash.",
        },
    ),
    TAGS,
    __name__,
)


# == The asset and gap map ========================================================================


@router.get(f"{BASE}/gaps", response=GapMapOut, tags=TAGS, url_name="partnership_gaps")
def gap_map(request: HttpRequest, slug: str, partnership_id: int) -> dict[str, Any]:
    """The asset and gap map by value type, with up to five suggested stakeholders for each
    uncovered or partly covered value type and who could introduce them (`ranking` states the
    order)."""
    member = api_member(request, slug)
    found = gaps.gap_map(member, get_partnership(member, partnership_id))
    return {
        "rows": [_row(row) for row in found.rows],
        "offered_not_needed": [_row(row) for row in found.unneeded],
        "counts": found.counts,
        "ranking": found.ranking,
        "analysis_at": found.analysis_at,
    }
