"""The context of the partnership page's "Assets and needs" and "Risks" sections, each built in a
fixed number of queries. Like section_contexts.py, this module must not import
cityweave.partnerships.sections (the registry imports it)."""

from __future__ import annotations

from typing import Any

from cityweave.partnerships import gaps, risks
from cityweave.partnerships.models import Asset, Need, Partnership
from cityweave.workspaces.models import Membership


def gaps_context(member: Membership, partnership: Partnership) -> dict[str, Any]:
    """The asset and gap map with its suggestions (`gap_map`), and every asset and need of the
    partnership (`assets`, `needs`, by value type) for the tables; the map's queries only."""
    found = gaps.gap_map(member, partnership)
    everything = [*found.rows, *found.unneeded]
    asset_list: list[Asset] = sorted(
        (a for row in everything for a in row.assets), key=lambda a: (a.value_type, a.pk)
    )
    need_list: list[Need] = sorted(
        (n for row in found.rows for n in row.needs), key=lambda n: (n.value_type, n.pk)
    )
    return {
        "gap_map": found,
        "gap_rows": found.rows,
        "gap_suggested": [row for row in found.rows if row.is_gap],
        "assets": asset_list,
        "needs": need_list,
    }


def risks_context(member: Membership, partnership: Partnership) -> dict[str, Any]:
    """The register in its order (`risks`: open and mitigating first, highest score first), how
    many are not closed, and the 5×5 heat grid of those (one query)."""
    register = risks.risks(partnership)
    return {
        "risks": register,
        "open_risks": sum(1 for r in register if r.status != "closed"),
        "heat_grid": risks.heat_grid(register),
        "impacts": list(risks.SCALE),
    }
