"""Factories for partnership tests (and the demo and benches): real records through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cityweave.partnerships import services
from cityweave.partnerships.models import Partner, Partnership
from cityweave.stakeholders.models import Stakeholder
from cityweave.workspaces.models import Membership


def make_partnership(
    member: Membership, name: str = "Safe Routes to School", **fields: Any
) -> Partnership:
    """A partnership of the member's workspace, saved through the services (member: an editor)."""
    data = {"name": name, "status": "active", "started_on": dt.date(2026, 1, 15), **fields}
    return services.save_partnership(member, data)


def make_partner(
    member: Membership,
    partnership: Partnership,
    stakeholder: Stakeholder,
    *roles: str,
    **fields: Any,
) -> Partner:
    """A stakeholder added to the partnership with `roles` (PartnerRole keys)."""
    data = {"stakeholder": stakeholder, "roles": list(roles), **fields}
    return services.save_partner(member, partnership, data)
