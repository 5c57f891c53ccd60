"""JSON API for the workspace network under /api/v1/workspaces/{slug}/network: metrics, one node, exports.

No `from __future__ import annotations` here: django-ninja reads the annotations at import time.
"""

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema

from cityweave.network import exports, services
from cityweave.workspaces.api import api_member

router = Router()

ExportFormat = Literal["graphml", "gexf", "nodes.csv", "ties.csv", "json"]


class NetworkTieOut(Schema):
    """A tie on the map: its ends (stakeholder ids), status, health and analysis weight."""

    id: int
    source: int
    target: int
    kind: str
    status: str
    health: str | None
    directed: bool
    trust: int | None
    weight: float
    owner: int | None
    owner_name: str | None


class InsightsOut(Schema):
    """Structural holes between sectors and between communities, and the network's brokers."""

    structural_holes: dict[str, list[dict[str, Any]]]
    brokers: list[dict[str, Any]]


class NetworkOut(Schema):
    """The workspace's network: network-level metrics, stakeholders with their metrics, ties."""

    network: dict[str, Any]
    nodes: list[dict[str, Any]]
    ties: list[NetworkTieOut]
    insights: InsightsOut
    computed_at: dt.datetime


class RoleOut(Schema):
    """A Gould-Fernandez brokerage role the stakeholder plays, how often, and what it means."""

    role: str
    count: int
    meaning: str


class NodeOut(Schema):
    """One stakeholder's network position and what it means."""

    id: int
    label: str
    sector: str
    sector_label: str | None
    kind: str
    is_internal: bool
    influence: int | None
    url: str
    degree: int
    strength: float | None
    betweenness: float | None
    betweenness_normalized: float | None
    closeness: float | None
    eigenvector: float | None
    pagerank: float | None
    constraint: float | None
    effective_size: float | None
    efficiency: float | None
    coreness: int | None
    community: int | None
    brokerage: dict[str, int | None]
    contact_sectors: list[str]
    roles: list[RoleOut]
    broker: dict[str, Any] | None
    bridges: list[dict[str, Any]]
    reading: str
    reading_points: list[str]
    computed_at: dt.datetime


@router.get("/{slug}/network", response=NetworkOut, tags=["network"], url_name="network")
def get_network(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The network's metrics, its stakeholders with theirs, its ties, structural holes and brokers."""
    return services.network_payload(api_member(request, slug))


@router.get(
    "/{slug}/network/nodes/{int:stakeholder_id}",
    response=NodeOut,
    tags=["network"],
    url_name="network_node",
)
def get_network_node(request: HttpRequest, slug: str, stakeholder_id: int) -> dict[str, Any]:
    """One stakeholder's metrics, brokerage roles and a plain-language reading of its position."""
    report = services.node_report(api_member(request, slug), stakeholder_id)
    if report is None:
        raise Http404("No such stakeholder")
    return report


@router.get(
    "/{slug}/network/export",
    tags=["network"],
    url_name="network_export",
)
def export_network(request: HttpRequest, slug: str, format: ExportFormat) -> HttpResponse:
    """The network as a file: graphml, gexf (1.3), nodes.csv, ties.csv or json."""
    member = api_member(request, slug)
    content = exports.export(services.network_payload(member), format, member.workspace.name)
    response = HttpResponse(content, content_type=exports.EXPORT_FORMATS[format][0])
    name = exports.filename(member.workspace.slug, format)
    response["Content-Disposition"] = f"attachment; filename={name}"
    return response
