"""The context of the partnership page's "Network" section: its own network (network.py), in a
fixed number of queries. Like section_contexts.py, this module must not import
cityweave.partnerships.sections (the registry imports it)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

from cityweave.partnerships import network
from cityweave.partnerships.models import Partnership
from cityweave.workspaces.models import Membership


def network_map_url(slug: str, partnership: Partnership) -> str:
    """The network page of workspace `slug` filtered to the partnership's partners and the ties
    among them."""
    base = reverse("network:map", args=[slug])
    return f"{base}?{urlencode({'partnership': partnership.pk})}"


def network_context(member: Membership, partnership: Partnership) -> dict[str, Any]:
    """The partnership's network (`partnership_network`: positions, Blau, sectors present and
    missing, holes with bridges), the rules in words, and the link to it on the map; four
    queries."""
    return {
        "own_network": network.partnership_network(member, partnership),
        "blau_rule": network.BLAU_RULE,
        "hole_rule": network.HOLE_RULE,
        "position_rule": network.POSITION_RULE,
        "network_map_url": network_map_url(member.workspace.slug, partnership),
    }
