"""The context of the partnership page's own sections (partners and roles; benchmarks), each
built in a fixed number of queries. Kept apart from sections.py so that the registry imports
them and the views import the registry without a cycle: a module that provides a section's
context must not import cityweave.partnerships.sections."""

from __future__ import annotations

from typing import Any

from cityweave.partnerships import services
from cityweave.partnerships.models import Partnership
from cityweave.vocabulary import PartnerRole
from cityweave.workspaces.models import Membership

ROLE_LABELS = dict(PartnerRole.choices)


def partners_context(member: Membership, partnership: Partnership) -> dict[str, Any]:
    """The partners (by name) as rows {"partner", "roles": [label, ...], "government": bool,
    "champion": bool}, and how many have no role. One query."""
    rows = []
    for partner in services.partners(partnership):
        rows.append(
            {
                "partner": partner,
                "roles": [ROLE_LABELS[r] for r in partner.roles if r in ROLE_LABELS],
                "champion": PartnerRole.CHAMPION in partner.roles,
                "government": services.is_government(partner.stakeholder),
            }
        )
    return {"partner_rows": rows, "roleless": sum(1 for r in rows if not r["roles"])}
