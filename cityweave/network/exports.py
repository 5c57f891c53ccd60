"""Exports of a workspace's network payload (services.network_payload): GraphML, GEXF 1.3, CSV, JSON.

Every format carries the same stakeholders and ties: nodes with their attributes and metrics
(brokerage counts flattened to `brokerage_<role>`), ties with their kind, status, health, trust
and weight. A surveyed view's ties add SURVEY_TIE_FIELDS (origin, reciprocal, reports, the
highest collaboration reported, mean survey trust and value, how many trust ratings); a surveyed
pair with no recorded tie has no id, and is named "s<source>-<target>" where a format needs one. A value that is not defined (an isolate's closeness, an unrated tie's trust) is left
out of the XML formats and empty in CSV. XML is written with ElementTree, so text from users is
escaped; characters XML 1.0 cannot hold are dropped. CSV cells of user text that start with a
formula character get a leading apostrophe so spreadsheets show them as text.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from typing import Any

BROKERAGE_ROLES = ("coordinator", "itinerant", "representative", "gatekeeper", "liaison", "total")

# (name, type) of every node column after the id; types are GraphML's.
NODE_FIELDS: tuple[tuple[str, str], ...] = (
    ("label", "string"),
    ("sector", "string"),
    ("sector_label", "string"),
    ("kind", "string"),
    ("is_internal", "boolean"),
    ("influence", "int"),
    ("degree", "int"),
    ("strength", "double"),
    ("betweenness", "double"),
    ("betweenness_normalized", "double"),
    ("closeness", "double"),
    ("eigenvector", "double"),
    ("pagerank", "double"),
    ("constraint", "double"),
    ("effective_size", "double"),
    ("efficiency", "double"),
    ("coreness", "int"),
    ("community", "int"),
    *((f"brokerage_{role}", "int") for role in BROKERAGE_ROLES),
)

# (name, type) of every tie column after the id, source and target.
TIE_FIELDS: tuple[tuple[str, str], ...] = (
    ("kind", "string"),
    ("status", "string"),
    ("health", "string"),
    ("directed", "boolean"),
    ("trust", "int"),
    ("weight", "double"),
    ("owner", "int"),
    ("owner_name", "string"),
)

# (name, type) of the tie columns a surveyed view adds (network.services.SURVEY_TIE_FIELDS).
SURVEY_TIE_FIELDS: tuple[tuple[str, str], ...] = (
    ("origin", "string"),
    ("reciprocal", "boolean"),
    ("reports", "int"),
    ("collaboration", "string"),
    ("survey_trust", "double"),
    ("survey_value", "double"),
    ("trust_ratings", "int"),
)

GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
GEXF_NS = "http://gexf.net/1.3"
GEXF_TYPES = {"string": "string", "boolean": "boolean", "int": "integer", "double": "double"}
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

EXPORT_FORMATS = {
    "graphml": ("application/graphml+xml", "graphml"),
    "gexf": ("application/gexf+xml", "gexf"),
    "nodes.csv": ("text/csv; charset=utf-8", "nodes.csv"),
    "ties.csv": ("text/csv; charset=utf-8", "ties.csv"),
    "json": ("application/json", "json"),
}


def node_row(node: dict[str, Any]) -> dict[str, Any]:
    """A node's exported values by column name, brokerage flattened."""
    brokerage = node.get("brokerage") or {}
    row = {name: node.get(name) for name, _ in NODE_FIELDS}
    row.update({f"brokerage_{role}": brokerage.get(role) for role in BROKERAGE_ROLES})
    return row


def tie_fields(payload: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """The tie columns of this payload: a surveyed view's add SURVEY_TIE_FIELDS."""
    return (*TIE_FIELDS, *SURVEY_TIE_FIELDS) if payload.get("view") else TIE_FIELDS


def tie_row(
    tie: dict[str, Any], fields: tuple[tuple[str, str], ...] = TIE_FIELDS
) -> dict[str, Any]:
    return {name: tie.get(name) for name, _ in fields}


def tie_id(tie: dict[str, Any]) -> str:
    """A tie's id, or "s<source>-<target>" for a surveyed pair with no recorded tie."""
    return str(tie["id"]) if tie.get("id") is not None else f"s{tie['source']}-{tie['target']}"


def _text(value: Any, kind: str) -> str:
    """A value as XML text of its declared type."""
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "int":
        return str(int(value))
    if kind == "double":
        return repr(float(value))
    return NOT_XML.sub("", str(value))


def _xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def graphml(payload: dict[str, Any], name: str = "") -> bytes:
    """GraphML with typed keys; reads back the same in networkx and igraph."""

    # Plain tag names under a default xmlns: ElementTree would otherwise invent ns0: prefixes.
    root = ET.Element("graphml", {"xmlns": GRAPHML_NS})
    ET.SubElement(
        root,
        "key",
        {"id": "g_name", "for": "graph", "attr.name": "name", "attr.type": "string"},
    )
    edge_columns = tie_fields(payload)
    for prefix, scope, fields in (("n", "node", NODE_FIELDS), ("e", "edge", edge_columns)):
        for field, kind in fields:
            ET.SubElement(
                root,
                "key",
                {"id": f"{prefix}_{field}", "for": scope, "attr.name": field, "attr.type": kind},
            )
    ET.SubElement(
        root, "key", {"id": "e_tie", "for": "edge", "attr.name": "tie", "attr.type": "int"}
    )
    graph = ET.SubElement(root, "graph", {"id": "network", "edgedefault": "undirected"})
    ET.SubElement(graph, "data", {"key": "g_name"}).text = _text(name, "string")

    def add_data(element: ET.Element, prefix: str, row: dict[str, Any], fields: Iterable) -> None:
        for field, kind in fields:
            if row[field] is not None:
                data = ET.SubElement(element, "data", {"key": f"{prefix}_{field}"})
                data.text = _text(row[field], kind)

    for node in payload["nodes"]:
        element = ET.SubElement(graph, "node", {"id": str(node["id"])})
        add_data(element, "n", node_row(node), NODE_FIELDS)
    for tie in payload["ties"]:
        element = ET.SubElement(
            graph,
            "edge",
            {"id": f"t{tie_id(tie)}", "source": str(tie["source"]), "target": str(tie["target"])},
        )
        if tie.get("id") is not None:
            ET.SubElement(element, "data", {"key": "e_tie"}).text = str(tie["id"])
        add_data(element, "e", tie_row(tie, edge_columns), edge_columns)
    return _xml_bytes(root)


def gexf(payload: dict[str, Any], name: str = "", modified: dt.date | None = None) -> bytes:
    """GEXF 1.3, valid against the official XSD (no viz: elements); directed ties say so."""

    root = ET.Element("gexf", {"xmlns": GEXF_NS, "version": "1.3"})
    meta = ET.SubElement(
        root, "meta", {"lastmodifieddate": (modified or dt.date.today()).isoformat()}
    )
    ET.SubElement(meta, "creator").text = "cityweave"
    ET.SubElement(meta, "description").text = _text(
        f"The network of {name}" if name else "A cityweave network", "string"
    )
    graph = ET.SubElement(root, "graph", {"defaultedgetype": "undirected", "mode": "static"})
    node_fields = [(field, kind) for field, kind in NODE_FIELDS if field != "label"]
    edge_fields = [
        (field, kind) for field, kind in tie_fields(payload) if field not in {"weight", "directed"}
    ]
    for scope, fields in (("node", node_fields), ("edge", edge_fields)):
        attributes = ET.SubElement(graph, "attributes", {"class": scope, "mode": "static"})
        for field, kind in fields:
            ET.SubElement(
                attributes,
                "attribute",
                {"id": field, "title": field, "type": GEXF_TYPES[kind]},
            )

    def add_values(element: ET.Element, row: dict[str, Any], fields: list) -> None:
        present = [(field, kind) for field, kind in fields if row[field] is not None]
        if present:
            values = ET.SubElement(element, "attvalues")
            for field, kind in present:
                ET.SubElement(values, "attvalue", {"for": field, "value": _text(row[field], kind)})

    nodes = ET.SubElement(graph, "nodes", {"count": str(len(payload["nodes"]))})
    for node in payload["nodes"]:
        element = ET.SubElement(
            nodes, "node", {"id": str(node["id"]), "label": _text(node["label"], "string")}
        )
        add_values(element, node_row(node), node_fields)
    edges = ET.SubElement(graph, "edges", {"count": str(len(payload["ties"]))})
    for tie in payload["ties"]:
        edge_attributes = {
            "id": tie_id(tie),
            "source": str(tie["source"]),
            "target": str(tie["target"]),
            "weight": _text(tie["weight"], "double"),
        }
        if tie["directed"]:
            edge_attributes["type"] = "directed"
        element = ET.SubElement(edges, "edge", edge_attributes)
        add_values(element, tie_row(tie, tie_fields(payload)), edge_fields)
    return _xml_bytes(root)


def _cell(value: Any, kind: str) -> Any:
    if value is None:
        return ""
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "string" and str(value).startswith(FORMULA_START):
        return "'" + str(value)
    return value


def nodes_csv(payload: dict[str, Any]) -> str:
    """One row per stakeholder: id, attributes and metrics."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["id", *(field for field, _ in NODE_FIELDS)])
    for node in payload["nodes"]:
        row = node_row(node)
        writer.writerow([node["id"], *(_cell(row[field], kind) for field, kind in NODE_FIELDS)])
    return out.getvalue()


def ties_csv(payload: dict[str, Any]) -> str:
    """One row per tie: id, both ends (id and name) and the tie's attributes."""
    labels = {node["id"]: node["label"] for node in payload["nodes"]}
    fields = tie_fields(payload)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["id", "source", "target", "source_label", "target_label", *(f for f, _ in fields)]
    )
    for tie in payload["ties"]:
        row = tie_row(tie, fields)
        writer.writerow(
            [
                _cell(tie["id"], "int"),
                tie["source"],
                tie["target"],
                _cell(labels.get(tie["source"]), "string"),
                _cell(labels.get(tie["target"]), "string"),
                *(_cell(row[field], kind) for field, kind in fields),
            ]
        )
    return out.getvalue()


def json_export(payload: dict[str, Any]) -> str:
    """The API's network payload as a JSON document."""
    return json.dumps(payload, indent=2, ensure_ascii=False, allow_nan=False)


def export(payload: dict[str, Any], fmt: str, name: str = "") -> bytes:
    """The payload in `fmt` (a key of EXPORT_FORMATS) as bytes; ValueError for an unknown format."""
    if fmt == "graphml":
        return graphml(payload, name)
    if fmt == "gexf":
        return gexf(payload, name)
    if fmt == "nodes.csv":
        return nodes_csv(payload).encode("utf-8")
    if fmt == "ties.csv":
        return ties_csv(payload).encode("utf-8")
    if fmt == "json":
        return json_export(payload).encode("utf-8")
    raise ValueError(f"Unknown export format “{fmt}”; use one of {', '.join(EXPORT_FORMATS)}.")


def filename(slug: str, fmt: str, view: str = "recorded") -> str:
    """The download name: riverton-network.gexf, riverton-network-nodes.csv…; a surveyed view's
    names its view key: riverton-network-surveyed-12.gexf."""
    suffix = EXPORT_FORMATS[fmt][1]
    joiner = "-" if "." in suffix else "."
    named = "" if view == "recorded" else "-" + view.replace(":", "-")
    return f"{slug}-network{named}{joiner}{suffix}"
