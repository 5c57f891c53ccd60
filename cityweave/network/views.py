"""The network page: an interactive map of stakeholders and ties, and the insights beside it."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections.abc import Sequence
from typing import Any

import igraph as ig
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.gzip import gzip_page

from cityweave.analytics.network import seeded_random_numbers
from cityweave.network import services
from cityweave.stakeholders.models import Tie, sector_choices
from cityweave.vocabulary import SectorChoice
from cityweave.web.mixins import WorkspaceView

#: One colour per built-in sector: Okabe-Ito first, then Paul Tol's muted set, so neighbouring
#: hues stay apart for the common colour-vision deficiencies; the legend names every colour.
SECTOR_COLOURS: dict[str, str] = {
    SectorChoice.LOCAL_GOVERNMENT: "#0072B2",
    SectorChoice.STATE_GOVERNMENT: "#56B4E9",
    SectorChoice.NATIONAL_GOVERNMENT: "#332288",
    SectorChoice.BUSINESS: "#E69F00",
    SectorChoice.NONPROFIT: "#009E73",
    SectorChoice.COMMUNITY_GROUP: "#CC79A7",
    SectorChoice.FAITH_BASED: "#AA4499",
    SectorChoice.EDUCATION: "#D55E00",
    SectorChoice.ACADEMIA: "#997700",
    SectorChoice.PHILANTHROPY: "#F0E442",
    SectorChoice.ANCHOR_INSTITUTION: "#117733",
    SectorChoice.MEDIA: "#882255",
    SectorChoice.INTERNATIONAL: "#44AA99",
    SectorChoice.RESIDENT: "#999933",
}
#: Workspace-defined sectors take these greys and tints in turn.
EXTRA_COLOURS = ["#6F6F6F", "#BBBBBB", "#88CCEE", "#DDCC77", "#EE8866", "#A5AA99"]
NO_SECTOR_COLOUR = "#FFFFFF"

#: Metrics the map can size its nodes by: (key in the node record, label).
SIZE_METRICS = [
    ("degree", "Degree (ties)"),
    ("betweenness_normalized", "Betweenness"),
    ("influence", "Influence (1–5)"),
    ("eigenvector", "Eigenvector centrality"),
]
TIE_STATUSES = [(s, str(label)) for s, label in Tie.Status.choices if s != Tie.Status.ENDED]

#: Stakeholders per unit of layout side: keeps an average gap of about 60 px at zoom 1.
LAYOUT_SPACING = 60.0
#: Fruchterman-Reingold iterations: 500 up to 1,000 stakeholders, fewer beyond (each costs O(n)
#: with the grid), at least 150: about two seconds at 2,000 stakeholders.
LAYOUT_ITERATIONS = 500
LAYOUT_WORK = 500_000
MIN_LAYOUT_ITERATIONS = 150
LAYOUT_SEED = 42


def sector_palette(sectors: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    """Each sector's key, label and map colour, built-in sectors first."""
    palette = []
    extra = 0
    for key, label in sectors:
        colour = SECTOR_COLOURS.get(key)
        if colour is None:
            colour = EXTRA_COLOURS[extra % len(EXTRA_COLOURS)]
            extra += 1
        palette.append({"key": key, "label": label, "colour": colour})
    return palette


def layout_digest(node_ids: Sequence[Any], pairs: Sequence[tuple[Any, Any]]) -> str:
    """What a layout depends on: the stakeholders in order and the tied pairs."""
    return hashlib.sha256(repr((list(node_ids), sorted(pairs))).encode()).hexdigest()


def layout_positions(
    node_ids: Sequence[Any], pairs: Sequence[tuple[Any, Any]]
) -> dict[Any, tuple[float, float]]:
    """Fruchterman-Reingold positions for the map, the same for the same network.

    Starts from a circle, with igraph's random numbers seeded, so the same network always gets
    the same picture, and scales to a square whose side grows with the square root of the node count.
    """
    if not node_ids:
        return {}
    index = {node_id: position for position, node_id in enumerate(node_ids)}
    edges = sorted({(index[a], index[b]) for a, b in pairs if a in index and b in index and a != b})
    graph = ig.Graph(n=len(node_ids), edges=edges, directed=False)
    start = graph.layout_circle().coords
    iterations = max(MIN_LAYOUT_ITERATIONS, min(LAYOUT_ITERATIONS, LAYOUT_WORK // len(node_ids)))
    with seeded_random_numbers(LAYOUT_SEED):
        layout = graph.layout_fruchterman_reingold(seed=start, niter=iterations, grid="auto")
    positions = _fit_to_square(layout.coords, LAYOUT_SPACING * math.sqrt(len(node_ids)))
    return {node_id: positions[index[node_id]] for node_id in node_ids}


def _fit_to_square(coords: list[list[float]], side: float) -> list[tuple[float, float]]:
    xs = [c[0] for c in coords]
    ys = [c[1] for c in coords]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
    scale = side / span
    return [(round((x - min(xs)) * scale, 1), round((y - min(ys)) * scale, 1)) for x, y in coords]


class NetworkMapView(WorkspaceView):
    """The map (drawn by network.js from map-data) and the network's insights."""

    def get(self, request: HttpRequest) -> HttpResponse:
        report = services.network_report(self.member)
        network = report["network"]
        labels = network.get("group_labels") or {}
        context = {
            "network": network,
            "has_nodes": bool(network.get("nodes")),
            "computed_at": _moment(report.get("computed_at")),
            "palette": sector_palette(sector_choices(self.workspace)),
            "size_metrics": SIZE_METRICS,
            "tie_statuses": TIE_STATUSES,
            "owners": self.workspace.memberships.select_related("user").order_by("user__name"),
            "communities": list(range(1, (network.get("communities") or 0) + 1)),
            "sectors_present": _sector_shares(network.get("groups") or {}, labels),
            "sectors_missing": [
                labels.get(key) or key for key in network.get("groups_missing") or []
            ],
            "sector_holes": report["structural_holes"].get("between_groups", []),
            "community_holes": report["structural_holes"].get("between_communities", []),
            "brokers": _with_urls(self.workspace.slug, report.get("brokers") or []),
            "export_formats": EXPORT_FORMATS,
            "api_url": reverse("api:network", args=[self.workspace.slug]),
            "export_url": reverse("api:network_export", args=[self.workspace.slug]),
        }
        return render(request, "network/map.html", context)


#: Downloads offered on the page: (format parameter, what the link says).
EXPORT_FORMATS = [
    ("graphml", "GraphML"),
    ("gexf", "GEXF 1.3"),
    ("ties.csv", "Ties (CSV)"),
    ("nodes.csv", "Stakeholders (CSV)"),
    ("json", "JSON"),
]


def _moment(iso: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(iso) if iso else None


def _sector_shares(shares: dict[str, float], labels: dict[str, str]) -> list[dict[str, Any]]:
    """Each present sector's share as a percentage, and its bar relative to the largest."""
    top = max(shares.values(), default=0.0) or 1.0
    return [
        {
            "key": key,
            "label": labels.get(key) or key,
            "percent": round(100 * share),
            "bar": round(100 * share / top),
        }
        for key, share in shares.items()
    ]


def _stakeholder_url(slug: str, stakeholder_id: Any) -> str:
    return reverse("stakeholders:detail", args=[slug, stakeholder_id])


def _with_urls(slug: str, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**entry, "url": _stakeholder_url(slug, entry["id"])} for entry in entries]


def _short(value: Any) -> Any:
    """A measure to four significant digits, all the map shows: a third off the download."""
    return float(f"{value:.4g}") if isinstance(value, float) else value


@method_decorator(gzip_page, name="dispatch")
class NetworkMapDataView(WorkspaceView):
    """Everything the map draws, as JSON: stakeholders with metrics and positions, and ties.

    Gzipped: at 2,000 stakeholders it is about 2 MB of JSON and a tenth of that compressed.
    """

    def get(self, request: HttpRequest) -> JsonResponse:
        payload = services.network_payload(self.member)
        sectors = sector_choices(self.workspace)
        colours = {entry["key"]: entry["colour"] for entry in sector_palette(sectors)}
        node_ids = [node["id"] for node in payload["nodes"]]
        # By id, not by name: renaming a stakeholder must not move the map around.
        laid_out = sorted(node_ids)
        pairs = [(tie["source"], tie["target"]) for tie in payload["ties"]]
        positions = services.stored_layout(
            self.workspace,
            layout_digest(laid_out, pairs),
            lambda: layout_positions(laid_out, pairs),
        )
        nodes = [
            {
                **{field: _short(node.get(field)) for field in NODE_FIELDS},
                "internal": bool(node.get("is_internal")),
                "colour": colours.get(node.get("sector") or "", NO_SECTOR_COLOUR),
                "x": positions[node["id"]][0],
                "y": positions[node["id"]][1],
            }
            for node in payload["nodes"]
        ]
        ties = [
            {**{field: tie.get(field) for field in TIE_FIELDS}, "owner_id": tie.get("owner")}
            for tie in payload["ties"]
        ]
        return JsonResponse({"nodes": nodes, "ties": ties})


NODE_FIELDS = (
    "id",
    "label",
    "sector",
    "sector_label",
    "url",
    "influence",
    "degree",
    "betweenness_normalized",
    "eigenvector",
    "constraint",
    "effective_size",
    "community",
    "brokerage",
)
TIE_FIELDS = ("id", "source", "target", "weight", "status", "health", "directed")
