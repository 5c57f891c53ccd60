"""JSON API for a partnership's assets, needs, asset and gap map (with suggestions) and risk
register, under /api/v1/workspaces/{slug}/partnerships/{id}/.

No `from __future__ import annotations` here: django-ninja reads the annotations at import time.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, ClassVar

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status
from pydantic import Field

from cityweave.partnerships import gaps, risks
from cityweave.partnerships.models import AmountUnit, Asset, AssetKind, Need, Risk
from cityweave.partnerships.services import get_partnership
from cityweave.vocabulary import ValueType
from cityweave.workspaces.api import Id, ListPagination, PatchSchema, Whole, api_member

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


# == Assets =======================================================================================


@router.get(f"{BASE}/assets", response=list[AssetOut], tags=TAGS, url_name="partnership_assets")
@paginate(ListPagination)
def list_assets(request: HttpRequest, slug: str, partnership_id: int) -> Any:
    """The partnership's assets, by value type; paginated with `limit` and `offset`."""
    partnership = get_partnership(api_member(request, slug), partnership_id)
    return gaps.assets(partnership)


@router.post(
    f"{BASE}/assets",
    response={201: AssetOut},
    tags=TAGS,
    url_name="partnership_assets_create",
)
def create_asset(
    request: HttpRequest, slug: str, partnership_id: int, payload: AssetIn
) -> Status[Asset]:
    """Put an asset on the table."""
    member = api_member(request, slug, write=True)
    partnership = get_partnership(member, partnership_id)
    data = payload.dict(exclude_none=True)
    asset = gaps.save_asset(member, partnership, data)
    return Status(201, gaps.get_asset(member, partnership, asset.pk))


@router.get(
    f"{BASE}/assets/{{int:asset_id}}",
    response=AssetOut,
    tags=TAGS,
    url_name="partnership_assets_detail",
)
def get_asset(request: HttpRequest, slug: str, partnership_id: int, asset_id: int) -> Asset:
    """One asset."""
    member = api_member(request, slug)
    return gaps.get_asset(member, get_partnership(member, partnership_id), asset_id)


@router.patch(
    f"{BASE}/assets/{{int:asset_id}}",
    response=AssetOut,
    tags=TAGS,
    url_name="partnership_assets_update",
)
def update_asset(
    request: HttpRequest, slug: str, partnership_id: int, asset_id: int, payload: AssetPatch
) -> Asset:
    """Change some fields of an asset."""
    member = api_member(request, slug, write=True)
    partnership = get_partnership(member, partnership_id)
    asset = gaps.get_asset(member, partnership, asset_id)
    gaps.save_asset(member, partnership, payload.dict(exclude_unset=True), asset)
    return gaps.get_asset(member, partnership, asset_id)


@router.delete(
    f"{BASE}/assets/{{int:asset_id}}",
    response={204: None},
    tags=TAGS,
    url_name="partnership_assets_delete",
)
def delete_asset(
    request: HttpRequest, slug: str, partnership_id: int, asset_id: int
) -> Status[None]:
    """Move an asset to the trash."""
    member = api_member(request, slug, write=True)
    partnership = get_partnership(member, partnership_id)
    gaps.trash_asset(member, gaps.get_asset(member, partnership, asset_id))
    return Status(204, None)


# == Needs ========================================================================================


@router.get(f"{BASE}/needs", response=list[NeedOut], tags=TAGS, url_name="partnership_needs")
@paginate(ListPagination)
def list_needs(request: HttpRequest, slug: str, partnership_id: int) -> Any:
    """The partnership's needs, by value type; paginated with `limit` and `offset`."""
    partnership = get_partnership(api_member(request, slug), partnership_id)
    return gaps.needs(partnership)


@router.post(
    f"{BASE}/needs", response={201: NeedOut}, tags=TAGS, url_name="partnership_needs_create"
)
def create_need(
    request: HttpRequest, slug: str, partnership_id: int, payload: NeedIn
) -> Status[Need]:
    """Record a need."""
    member = api_member(request, slug, write=True)
    partnership = get_partnership(member, partnership_id)
    return Status(201, gaps.save_need(member, partnership, payload.dict()))


@router.get(
    f"{BASE}/needs/{{int:need_id}}",
    response=NeedOut,
    tags=TAGS,
    url_name="partnership_needs_detail",
)
def get_need(request: HttpRequest, slug: str, partnership_id: int, need_id: int) -> Need:
    """One need."""
    member = api_member(request, slug)
    return gaps.get_need(member, get_partnership(member, partnership_id), need_id)


@router.patch(
    f"{BASE}/needs/{{int:need_id}}",
    response=NeedOut,
    tags=TAGS,
    url_name="partnership_needs_update",
)
def update_need(
    request: HttpRequest, slug: str, partnership_id: int, need_id: int, payload: NeedPatch
) -> Need:
    """Change some fields of a need."""
    member = api_member(request, slug, write=True)
    partnership = get_partnership(member, partnership_id)
    need = gaps.get_need(member, partnership, need_id)
    return gaps.save_need(member, partnership, payload.dict(exclude_unset=True), need)


@router.delete(
    f"{BASE}/needs/{{int:need_id}}",
    response={204: None},
    tags=TAGS,
    url_name="partnership_needs_delete",
)
def delete_need(request: HttpRequest, slug: str, partnership_id: int, need_id: int) -> Status[None]:
    """Move a need to the trash."""
    member = api_member(request, slug, write=True)
    partnership = get_partnership(member, partnership_id)
    gaps.trash_need(member, gaps.get_need(member, partnership, need_id))
    return Status(204, None)


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


# == Risks ========================================================================================


@router.get(f"{BASE}/risks", response=list[RiskOut], tags=TAGS, url_name="partnership_risks")
@paginate(ListPagination)
def list_risks(request: HttpRequest, slug: str, partnership_id: int) -> Any:
    """The risk register: open and mitigating risks first, then by score (likelihood × impact),
    impact and likelihood, highest first; paginated with `limit` and `offset`."""
    partnership = get_partnership(api_member(request, slug), partnership_id)
    return risks.register(partnership)


@router.post(
    f"{BASE}/risks", response={201: RiskOut}, tags=TAGS, url_name="partnership_risks_create"
)
def create_risk(
    request: HttpRequest, slug: str, partnership_id: int, payload: RiskIn
) -> Status[Risk]:
    """Add a risk to the register."""
    member = api_member(request, slug, write=True)
    partnership = get_partnership(member, partnership_id)
    risk = risks.save_risk(member, partnership, payload.dict())
    return Status(201, risks.get_risk(member, partnership, risk.pk))


@router.get(
    f"{BASE}/risks/{{int:risk_id}}",
    response=RiskOut,
    tags=TAGS,
    url_name="partnership_risks_detail",
)
def get_risk(request: HttpRequest, slug: str, partnership_id: int, risk_id: int) -> Risk:
    """One risk."""
    member = api_member(request, slug)
    return risks.get_risk(member, get_partnership(member, partnership_id), risk_id)


@router.patch(
    f"{BASE}/risks/{{int:risk_id}}",
    response=RiskOut,
    tags=TAGS,
    url_name="partnership_risks_update",
)
def update_risk(
    request: HttpRequest, slug: str, partnership_id: int, risk_id: int, payload: RiskPatch
) -> Risk:
    """Change some fields of a risk."""
    member = api_member(request, slug, write=True)
    partnership = get_partnership(member, partnership_id)
    risk = risks.get_risk(member, partnership, risk_id)
    risks.save_risk(member, partnership, payload.dict(exclude_unset=True), risk)
    return risks.get_risk(member, partnership, risk_id)


@router.delete(
    f"{BASE}/risks/{{int:risk_id}}",
    response={204: None},
    tags=TAGS,
    url_name="partnership_risks_delete",
)
def delete_risk(request: HttpRequest, slug: str, partnership_id: int, risk_id: int) -> Status[None]:
    """Move a risk to the trash."""
    member = api_member(request, slug, write=True)
    partnership = get_partnership(member, partnership_id)
    risks.trash_risk(member, risks.get_risk(member, partnership, risk_id))
    return Status(204, None)
