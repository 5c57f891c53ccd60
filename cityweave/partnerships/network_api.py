"""JSON API for a partnership's own network: GET /api/v1/workspaces/{slug}/partnerships/{id}/network
(partnerships/network.py computes it; the partnership page's Network section shows the same).

No `from __future__ import annotations` here: django-ninja reads the annotations at import time.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from cityweave.partnerships import network
from cityweave.partnerships.network_sections import network_map_url
from cityweave.partnerships.services import get_partnership
from cityweave.workspaces.api import api_member

router = Router()
TAGS = ["partnerships"]


class PartnershipNetworkPartnerOut(Schema):
    """A partner's place in the partnership's network: `degree` (other partners it is tied to),
    Burt's `constraint` and `effective_size` within the partnership (null without such a tie)."""

    partner: int
    stakeholder: int
    name: str
    sector: str
    sector_label: str
    degree: int
    constraint: float | None
    effective_size: float | None


class PartnershipNetworkSectorOut(Schema):
    """A sector among the partners: how many, and their share of all partners (0–1)."""

    sector: str
    label: str
    partners: int
    share: float


class PartnershipNetworkMissingOut(Schema):
    """A sector of the workspace with no partner in it."""

    sector: str
    label: str


class PartnershipNetworkBridgeOut(Schema):
    """A stakeholder tied into both sides of a hole: `partner` whether it is one, `member_of`
    the side it is a partner in (a sector key, null for neither), and its ties and their summed
    trust weights into each side, in the hole's order."""

    stakeholder: int
    name: str
    partner: bool
    member_of: str | None
    ties: list[int]
    strength: list[float]


class PartnershipNetworkHoleOut(Schema):
    """A pair of the partners' sectors with no or few ties (see `hole_rule`)."""

    sectors: list[str]
    labels: list[str]
    sizes: list[int]
    ties: int
    expected_ties: float
    unlinked_pairs: int
    bridges: list[PartnershipNetworkBridgeOut]


class PartnershipNetworkOut(Schema):
    """A partnership's own network: its partners and the ties among them (one per tied pair),
    the pairs of partners with none, the density, sector diversity (Blau index, null without
    partners), the sectors present and missing, and the structural holes with their bridges;
    the rules in words and the network page filtered to it."""

    partners: list[PartnershipNetworkPartnerOut]
    ties: int
    pairs: int
    unlinked_pairs: int
    density: float | None
    blau_index: float | None
    sectors_present: list[PartnershipNetworkSectorOut]
    sectors_missing: list[PartnershipNetworkMissingOut]
    holes: list[PartnershipNetworkHoleOut]
    blau_rule: str
    hole_rule: str
    position_rule: str
    map_url: str = Field(description="The network page showing only these partners.")


@router.get(
    "/{slug}/partnerships/{int:partnership_id}/network",
    response=PartnershipNetworkOut,
    tags=TAGS,
    url_name="partnership_network",
)
def partnership_network(request: HttpRequest, slug: str, partnership_id: int) -> dict[str, Any]:
    """The partnership's own network: Blau index and sectors present and missing over its
    partners, each partner's degree, constraint and effective size within it, and the holes
    between its partners' sectors with who could bridge them (partners first, then anyone in
    the workspace, by trust)."""
    member = api_member(request, slug)
    partnership = get_partnership(member, partnership_id)
    found = network.partnership_network(member, partnership)
    return {
        "partners": [
            {
                "partner": p.partner.pk,
                "stakeholder": p.partner.stakeholder_id,
                "name": p.partner.stakeholder.name,
                "sector": p.partner.stakeholder.sector,
                "sector_label": p.sector_label,
                "degree": p.degree,
                "constraint": p.constraint,
                "effective_size": p.effective_size,
            }
            for p in found.positions
        ],
        "ties": found.ties,
        "pairs": found.pairs,
        "unlinked_pairs": found.unlinked_pairs,
        "density": found.density,
        "blau_index": found.blau_index,
        "sectors_present": [
            {"sector": s.key, "label": s.label, "partners": s.count, "share": s.share}
            for s in found.sectors_present
        ],
        "sectors_missing": [
            {"sector": key, "label": label} for key, label in found.sectors_missing
        ],
        "holes": [
            {
                "sectors": list(hole.sectors),
                "labels": list(hole.labels),
                "sizes": list(hole.sizes),
                "ties": hole.ties,
                "expected_ties": hole.expected_ties,
                "unlinked_pairs": hole.unlinked_pairs,
                "bridges": [
                    {
                        "stakeholder": b.stakeholder_id,
                        "name": b.name,
                        "partner": b.is_partner,
                        "member_of": b.member_of,
                        "ties": list(b.ties),
                        "strength": list(b.strength),
                    }
                    for b in hole.bridges
                ],
            }
            for hole in found.holes
        ],
        "blau_rule": network.BLAU_RULE,
        "hole_rule": network.HOLE_RULE,
        "position_rule": network.POSITION_RULE,
        "map_url": network_map_url(slug, partnership),
    }
