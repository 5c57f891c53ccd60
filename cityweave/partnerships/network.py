"""A partnership's own network: its partners, the ties among them, its sector diversity and the
structural holes inside it, read from the workspace's stakeholders and ties (pure reads).

What counts is the network app's rule (cityweave.network.services): the partners' live
stakeholders, and the live, non-ended ties between two of them, each weighing its trust rating
(1–4, or 2 while unknown); ties between the same two stakeholders are one contact whose weight is
their sum, as in the network's analysis. The numbers come from the same engine
(cityweave.analytics) over that subgraph alone:

- Sector diversity: the Blau index 1 − Σ p_k², p_k the share of partners in sector k
  (analytics.groups.diversity; DESIGN.md "Diversity"), the sectors present with their counts, and
  the workspace's sectors with no partner in them.
- Per partner: degree (partners it is tied to), Burt's constraint and effective size within the
  partnership (analytics.structural_holes: as igraph's `constraint` and networkx's
  `constraint` / `effective_size`, weighted; None for a partner tied to no other partner).
- Structural holes (analytics.bridges.find_gaps; DESIGN.md "Structural holes between groups"):
  pairs of the partners' sectors with no tie between them, or fewer than half the ties they
  would have at the partnership's own density (density × |A| × |B|). For each, up to five
  stakeholders who could bridge it: tied into both sectors' partners (a partner of one side with
  ties into the other counts), partners first and then anyone in the workspace, each group ranked
  by trust (the tie weight into the weaker side, then into both).

A fixed number of queries (four) whatever the number of partners or ties.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from cityweave.analytics import analyze
from cityweave.analytics.bridges import Partition, SkeletonTies, find_gaps
from cityweave.analytics.graph import build_network
from cityweave.analytics.groups import group_codes
from cityweave.network.services import NetworkData, neighbourhood
from cityweave.partnerships import services
from cityweave.partnerships.models import Partner, Partnership
from cityweave.stakeholders.models import sector_choices
from cityweave.workspaces.models import Membership

#: The rules in words, for the page and the API.
BLAU_RULE = (
    "Blau index = 1 − Σ p², p each sector's share of the partners: 0 when every partner is of "
    "one sector, nearer 1 the more evenly the partners spread over more sectors."
)
HOLE_RULE = (
    "A structural hole is a pair of the partners' sectors with no tie between them, or fewer "
    "than half the ties they would have at the partnership's own density (density × the two "
    "sectors' partner counts). Who could bridge it: stakeholders tied to partners of both "
    "sectors (a partner of one with ties into the other counts), partners first, then anyone "
    "in the workspace, each ranked by trust (the tie weight into the weaker side, then into "
    "both; a tie's weight is its trust rating 1–4, or 2 while unknown)."
)
POSITION_RULE = (
    "Within the partnership only: degree is the number of other partners a partner is tied to; "
    "Burt's constraint (0 to 1 and above) is high when its ties all lead to partners tied to "
    "each other, and effective size is how many of its contacts are not tied to one another "
    "(Burt 1992; Borgatti 1997), both weighted by trust. A partner tied to no other partner "
    "has neither."
)


@dataclass(frozen=True)
class PartnerPosition:
    """One partner's place in the partnership's network: `degree` (partners it is tied to),
    `constraint` and `effective_size` (None without a tie to another partner)."""

    partner: Partner
    sector_label: str
    degree: int
    constraint: float | None
    effective_size: float | None


@dataclass(frozen=True)
class SectorCount:
    """A sector among the partners: its key, label, how many partners and their share (0–1)."""

    key: str
    label: str
    count: int
    share: float


@dataclass(frozen=True)
class Bridge:
    """A stakeholder tied into both sides of a hole: whether it is a partner, the side it is a
    partner in (`member_of`, a sector key, None when of neither), and its `ties` and their
    `strength` (summed trust weights) into each side, in the hole's order."""

    stakeholder_id: int
    name: str
    is_partner: bool
    member_of: str | None
    ties: tuple[int, int]
    strength: tuple[float, float]


@dataclass(frozen=True)
class Hole:
    """A pair of the partners' sectors with no or few ties (see the module docstring):
    `sectors` (keys) and `labels`, `sizes` (partners in each), `ties` between them,
    `expected_ties` at the partnership's density, `unlinked_pairs` (pairs of partners across
    the two with no tie) and the `bridges`, best first."""

    sectors: tuple[str, str]
    labels: tuple[str, str]
    sizes: tuple[int, int]
    ties: int
    expected_ties: float
    unlinked_pairs: int
    bridges: list[Bridge]

    @property
    def pairs(self) -> int:
        """Pairs of partners across the two sectors: |A| × |B|."""
        return self.sizes[0] * self.sizes[1]


@dataclass(frozen=True)
class PartnershipNetwork:
    """A partnership's own network (see the module docstring): the partners with their
    positions (by name), how many ties among them (`ties`, one per tied pair), of how many
    pairs (`pairs` = n(n − 1)/2; `unlinked_pairs` without a tie), the `density` (ties ÷ pairs,
    None under two partners), the Blau index (None without partners), the sectors present (most
    partners first) and missing (key, label; the workspace's order), and the holes."""

    positions: list[PartnerPosition]
    ties: int
    pairs: int
    unlinked_pairs: int
    density: float | None
    blau_index: float | None
    sectors_present: list[SectorCount]
    sectors_missing: list[tuple[str, str]]
    holes: list[Hole]

    @property
    def stakeholder_ids(self) -> list[int]:
        """The partners' stakeholders' ids, in the partners' order."""
        return [position.partner.stakeholder_id for position in self.positions]


def partner_stakeholder_ids(partnership: Partnership) -> list[int]:
    """The ids of the partnership's live partners' live stakeholders; one query."""
    return list(services.partners(partnership).values_list("stakeholder_id", flat=True))


def partnership_network(member: Membership, partnership: Partnership) -> PartnershipNetwork:
    """The partnership's own network (see the module docstring). Http404 unless `partnership`
    is live and of the member's workspace. Four queries: the partners, the workspace's sectors,
    the ties touching the partners, and the stakeholders at their ends."""
    services.require_live(member, partnership)
    partners = list(services.partners(partnership))
    sectors = dict(sector_choices(member.workspace))
    ids = [partner.stakeholder_id for partner in partners]
    around = neighbourhood(member.workspace, ids, sectors)
    inner = around.among(ids)
    if not partners:
        return PartnershipNetwork(
            positions=[],
            ties=0,
            pairs=0,
            unlinked_pairs=0,
            density=None,
            blau_index=None,
            sectors_present=[],
            sectors_missing=list(sectors.items()),
            holes=[],
        )
    result = analyze(
        inner.nodes,
        inner.engine_ties(),
        directed=False,
        weight=True,
        group="sector",
        expected_groups=list(sectors),
        group_labels=sectors,
    ).to_dict()
    summary = result["network"]
    by_id = {record["id"]: record for record in result["nodes"]}
    positions = [
        PartnerPosition(
            partner=partner,
            sector_label=sectors.get(partner.stakeholder.sector, partner.stakeholder.sector),
            degree=int(by_id[partner.stakeholder_id]["degree"] or 0),
            constraint=by_id[partner.stakeholder_id]["constraint"],
            effective_size=by_id[partner.stakeholder_id]["effective_size"],
        )
        for partner in partners
    ]
    counts = Counter(partner.stakeholder.sector for partner in partners)
    present = [
        SectorCount(key, sectors.get(key, key), counts[key], share)
        for key, share in summary["groups"].items()
    ]
    n = len(partners)
    pairs = n * (n - 1) // 2
    ties = int(summary["ties"])
    density = summary["density"] if n > 1 else None
    return PartnershipNetwork(
        positions=positions,
        ties=ties,
        pairs=pairs,
        unlinked_pairs=pairs - ties,
        density=density,
        blau_index=summary["blau_index"],
        sectors_present=present,
        sectors_missing=[(key, sectors.get(key, key)) for key in summary["groups_missing"]],
        holes=_holes(around, set(ids), density or 0.0, sectors),
    )


def _holes(
    around: NetworkData, partner_ids: set[int], density: float, sectors: dict[str, str]
) -> list[Hole]:
    """The holes between the partners' sectors, with bridges from the partners and everyone
    tied to them (`around`), measured against the partnership's `density`."""
    net = build_network(around.nodes, around.engine_ties(), directed=False, weight=True)
    # Only partners belong to a side; everyone else may bridge two.
    codes = group_codes(
        [
            (attributes.get("sector") or None) if node_id in partner_ids else None
            for node_id, attributes in zip(net.ids, net.attributes, strict=True)
        ]
    )
    partition = Partition(codes.codes, codes.names, "sectors", display=sectors)
    report = find_gaps(
        partition,
        SkeletonTies(net.node_count, net.skeleton_low, net.skeleton_high, net.skeleton_weights),
        net.ids,
        net.labels,
        np.zeros(net.node_count),
        density=density,
        first=np.array([node_id in partner_ids for node_id in net.ids], dtype=bool),
        unlinked_are_holes=True,
    )
    return [_hole(found, partner_ids, sectors) for found in report.holes]


def _hole(found: dict[str, Any], partner_ids: set[int], sectors: dict[str, str]) -> Hole:
    first, second = found["groups"]
    size_first, size_second = found["sizes"]
    return Hole(
        sectors=(first, second),
        labels=(sectors.get(first, first), sectors.get(second, second)),
        sizes=(size_first, size_second),
        ties=found["ties"],
        expected_ties=found["expected_ties"],
        unlinked_pairs=size_first * size_second - found["ties"],
        bridges=[
            Bridge(
                stakeholder_id=int(bridge["id"]),
                name=bridge["label"],
                is_partner=bridge["id"] in partner_ids,
                member_of=bridge["member_of"],
                ties=(bridge["ties"][0], bridge["ties"][1]),
                strength=(bridge["strength"][0], bridge["strength"][1]),
            )
            for bridge in found["bridges"]
        ],
    )
