"""The workspace's network: engine input from stakeholders and ties, its cached analysis, one stakeholder's reading.

Which ties count: live ties whose two ends are live and whose status is not "ended"
(prospects, active and dormant ties all describe who can reach whom).

Tie weight (the engine reads weight as strength; path lengths are 1/weight): a tie's trust
rating, 1 to 4 on the PARTNER scale, when it is known; an unrated tie weighs
UNRATED_TIE_WEIGHT = 2 ("somewhat trusted"), so a recorded relationship without evidence of
trust counts as a modest one: a tie rated 3 or 4 outweighs it, a tie rated 1 does not. Whole
numbers keep the engine's shortest paths exact.

Direction: the analysis is undirected. Most ties are mutual partnerships, and a directed tie
("reports to", "funder") still lets information flow both ways; each tie's `directed` flag is
kept for the map and the exports.

Cache: the result is stored per workspace in a NetworkSnapshot under a fingerprint of what it
was computed from: for stakeholders and for ties (trash included), the row count, the live
count, the sum of live ids, the latest `updated_at` and the latest `deleted_at`, plus the
workspace's sectors (keys and labels). Saves move `updated_at`; the trash, restore and purge (bulk
`update()`/`delete()` that send no signals) move the counts, the id sum or `deleted_at`. So no
signal is needed, and a page costs two aggregate queries when nothing changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Max, Q, Sum
from django.urls import reverse
from django.utils import timezone

from cityweave.analytics import analyze
from cityweave.engagement.health import workspace_health
from cityweave.network.models import NetworkSnapshot
from cityweave.network.reading import ROLE_MEANINGS, reading_points
from cityweave.stakeholders import services as stakeholder_services
from cityweave.stakeholders.models import Stakeholder, Tie, sector_choices
from cityweave.workspaces.models import Membership, Workspace

# Bump when the stored result's shape changes, so old snapshots are recomputed.
ANALYSIS_VERSION = "2"
UNRATED_TIE_WEIGHT = 2



@dataclass(frozen=True)
class NetworkData:
    """A workspace's stakeholders (engine nodes) and ties, with what the map shows of each tie."""

    nodes: list[dict[str, Any]]
    ties: list[dict[str, Any]]
    sectors: dict[str, str]

    def engine_ties(self) -> list[tuple[int, int, int]]:
        """(source, target, weight) per tie, as `analyze` takes them."""
        return [(tie["source"], tie["target"], tie["weight"]) for tie in self.ties]


def workspace_network(member: Membership) -> NetworkData:
    """The live stakeholders and live, non-ended ties of the member's workspace."""
    return _network(member, dict(sector_choices(member.workspace)))


def _network(member: Membership, sectors: dict[str, str]) -> NetworkData:
    nodes = [
        {
            "id": pk,
            "label": name,
            "sector": sector,
            "kind": kind,
            "is_internal": is_internal,
            "influence": influence,
        }
        for pk, name, sector, kind, is_internal, influence in Stakeholder.objects.filter(
            workspace=member.workspace
        )
        .order_by("name", "pk")
        .values_list("pk", "name", "sector", "kind", "is_internal", "influence")
    ]
    return NetworkData(nodes=nodes, ties=_ties(member), sectors=sectors)


def _ties(member: Membership) -> list[dict[str, Any]]:
    """The live, non-ended ties with their status, health, owner and analysis weight."""
    live_ties = stakeholder_services.ties(member).exclude(status=Tie.Status.ENDED).order_by("pk")
    health = {tie_id: reading.status for tie_id, reading in workspace_health(live_ties).items()}
    rows = live_ties.values_list(
        "pk", "source_id", "target_id", "status", "directed", "kind", "trust",
        "owner_id", "owner__user__name", "owner__user__email",
    )  # fmt: skip
    return [
        {
            "id": pk,
            "source": source,
            "target": target,
            "status": status,
            "health": health.get(pk),
            "directed": directed,
            "kind": kind,
            "trust": trust,
            "weight": trust if trust is not None else UNRATED_TIE_WEIGHT,
            "owner_id": owner_id,
            "owner_name": (owner_name or owner_email.split("@")[0]) if owner_id else None,
        }
        for pk, source, target, status, directed, kind, trust, owner_id, owner_name, owner_email in rows
    ]


def network_fingerprint(workspace: Workspace, sectors: dict[str, str] | None = None) -> str:
    """A digest that changes whenever the workspace's stakeholders, ties or sector list change."""
    if sectors is None:
        sectors = dict(sector_choices(workspace))
    # Labels too: the broker sentences stored with the result name sectors by label.
    parts = [ANALYSIS_VERSION, repr(sorted(sectors.items()))]
    live = Q(deleted_at__isnull=True)
    for model in (Stakeholder, Tie):
        row = model.all_objects.filter(workspace=workspace).aggregate(
            rows=Count("pk"),
            live=Count("pk", filter=live),
            live_ids=Sum("pk", filter=live),
            updated=Max("updated_at"),
            deleted=Max("deleted_at"),
        )
        parts.extend(str(row[key]) for key in ("rows", "live", "live_ids", "updated", "deleted"))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def network_report(member: Membership) -> dict[str, Any]:
    """The engine's result for the workspace, from the cache unless the network changed.

    {"network": {...metrics, "group_labels"}, "nodes": [{id (stakeholder id), label, sector,
    sector_label, kind, is_internal, influence, url, contact_sectors, degree, ... brokerage}],
    "structural_holes": {"between_groups": [... "labels"], "between_communities": [...]},
    "brokers": [...], "computed_at": ISO time, "version": fingerprint}
    """
    report, _ = _report(member)
    return report


def _report(member: Membership) -> tuple[dict[str, Any], NetworkData | None]:
    """The report, and the network data when it had to be rebuilt (so callers can reuse it)."""
    workspace = member.workspace
    sectors = dict(sector_choices(workspace))
    version = network_fingerprint(workspace, sectors)
    snapshot = NetworkSnapshot.objects.filter(workspace=workspace).first()
    data = None
    if snapshot is None or snapshot.version != version:
        data = _network(member, sectors)
        snapshot, _ = NetworkSnapshot.objects.update_or_create(
            workspace=workspace,
            defaults={"version": version, "computed_at": timezone.now(), "result": _analyse(data)},
        )
    return _decorate(snapshot, workspace, sectors), data


def _analyse(data: NetworkData) -> dict[str, Any]:
    result = analyze(
        data.nodes,
        data.engine_ties(),
        directed=False,
        weight=True,
        group="sector",
        expected_groups=list(data.sectors),
        group_labels=data.sectors,
    ).to_dict()
    attributes = {node["id"]: node for node in data.nodes}
    contact_sectors: dict[int, set[str]] = {node["id"]: set() for node in data.nodes}
    for tie in data.ties:
        contact_sectors[tie["source"]].add(attributes[tie["target"]]["sector"])
        contact_sectors[tie["target"]].add(attributes[tie["source"]]["sector"])
    for record in result["nodes"]:
        node = attributes[record["id"]]
        record.update(
            sector=node["sector"],
            kind=node["kind"],
            is_internal=node["is_internal"],
            influence=node["influence"],
            contact_sectors=sorted(contact_sectors[record["id"]]),
        )
    return result


def _decorate(
    snapshot: NetworkSnapshot, workspace: Workspace, sectors: dict[str, str]
) -> dict[str, Any]:
    """Add what may change without changing the network: sector labels and page links."""
    result = snapshot.result

    def label(key: str | None) -> str | None:
        return sectors.get(key, key) if key is not None else None

    # One reverse() for all nodes: reversing per node costs more than the rest of this function.
    placeholder = 987654321
    prefix, suffix = reverse("stakeholders:detail", args=[workspace.slug, placeholder]).rsplit(
        str(placeholder), 1
    )
    nodes = [
        {**node, "sector_label": label(node["sector"]), "url": f"{prefix}{node['id']}{suffix}"}
        for node in result["nodes"]
    ]
    network = dict(result["network"])
    keys = [*network.get("groups", {}), *network.get("groups_missing", [])]
    network["group_labels"] = {key: label(key) for key in keys}
    holes = result["structural_holes"]
    return {
        "network": network,
        "nodes": nodes,
        "structural_holes": {
            "between_groups": [
                {**hole, "labels": [label(key) for key in hole["groups"]]}
                for hole in holes.get("between_groups", [])
            ],
            "between_communities": holes.get("between_communities", []),
        },
        "brokers": result["brokers"],
        "computed_at": snapshot.computed_at.isoformat(),
        "version": snapshot.version,
    }


def stored_layout(
    workspace: Workspace,
    digest: str,
    compute: Callable[[], dict[int, tuple[float, float]]],
) -> dict[int, tuple[float, float]]:
    """The map's positions, kept with the workspace's snapshot while the laid-out network (its
    `digest`) stays the same, so every server process and restart reuses one layout."""
    stored = (
        NetworkSnapshot.objects.filter(workspace=workspace, layout_digest=digest)
        .values_list("layout", flat=True)
        .first()
    )
    if stored is not None:
        return {int(key): (x, y) for key, (x, y) in stored.items()}
    positions = compute()
    NetworkSnapshot.objects.filter(workspace=workspace).update(
        layout_digest=digest, layout={str(key): list(xy) for key, xy in positions.items()}
    )
    return positions


def network_payload(member: Membership) -> dict[str, Any]:
    """What the API and the JSON export give: metrics, nodes, ties and insights."""
    report, data = _report(member)
    ties = data.ties if data is not None else _ties(member)
    return {
        "network": report["network"],
        "nodes": report["nodes"],
        "ties": [
            {
                "id": tie["id"],
                "source": tie["source"],
                "target": tie["target"],
                "kind": tie["kind"],
                "status": tie["status"],
                "health": tie["health"],
                "directed": tie["directed"],
                "trust": tie["trust"],
                "weight": tie["weight"],
                "owner": tie["owner_id"],
                "owner_name": tie["owner_name"],
            }
            for tie in ties
        ],
        "insights": {
            "structural_holes": report["structural_holes"],
            "brokers": report["brokers"],
        },
        "computed_at": report["computed_at"],
    }


def node_report(member: Membership, stakeholder_id: int | str) -> dict[str, Any] | None:
    """One stakeholder's metrics, brokerage roles and a plain-language reading; None when not in the network."""
    try:
        wanted = int(stakeholder_id)
    except (TypeError, ValueError):
        return None
    report = network_report(member)
    node = next((record for record in report["nodes"] if record["id"] == wanted), None)
    if node is None:
        return None
    broker = next((b for b in report["brokers"] if b["id"] == wanted), None)
    bridges = [
        {
            "between": hole["labels"],
            "ties": hole["ties"],
            "expected_ties": hole["expected_ties"],
        }
        for hole in report["structural_holes"]["between_groups"]
        if any(bridge["id"] == wanted for bridge in hole["bridges"])
    ]
    roles = sorted(
        (
            {"role": role, "count": count, "meaning": meaning}
            for role, meaning in ROLE_MEANINGS.items()
            if (count := (node.get("brokerage") or {}).get(role))
        ),
        key=lambda item: -item["count"],
    )
    points = reading_points(node, report["network"]["group_labels"], broker, roles)
    return {
        **node,
        "roles": roles,
        "broker": (
            {"sentence": broker["sentence"], "sole_bridge_of": broker["sole_bridge_of"]}
            if broker
            else None
        ),
        "bridges": bridges,
        "reading": " ".join(points.values()),
        "reading_points": list(points.values()),
        "reading_by_topic": points,
        "computed_at": report["computed_at"],
    }
