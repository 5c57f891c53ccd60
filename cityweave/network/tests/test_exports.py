"""Exports of the workspace network: GraphML, GEXF 1.3, CSV node and tie lists, JSON."""

from __future__ import annotations

import csv
import io
import json
import math
from pathlib import Path
from typing import Any

import igraph
import networkx as nx
import pytest
from lxml import etree

from cityweave.network import exports, services
from cityweave.testing import make_stakeholder, make_tie

SAMPLES = Path(__file__).resolve().parents[4] / "shared" / "samples"
GEXF_XSD = SAMPLES / "schemas" / "gexf" / "1.3" / "gexf.xsd"
needs_schema = pytest.mark.skipif(not GEXF_XSD.is_file(), reason="shared GEXF schema not present")

NODE_TYPES = dict(exports.NODE_FIELDS)
TIE_TYPES = dict(exports.TIE_FIELDS)


@pytest.fixture
def payload(alice_member, riverton) -> dict[str, Any]:
    """A small network with awkward text, a directed tie, parallel ties, an isolate and nulls."""
    city = make_stakeholder(
        riverton, "City Hall <Mayor's Office> & Co", sector="local-government", is_internal=True
    )
    bank = make_stakeholder(riverton, '=HYPERLINK("x")', sector="business", influence=4)
    chapel = make_stakeholder(riverton, "Église Saint-Jean ✝", sector="faith-based", kind="person")
    make_stakeholder(riverton, "Isolated Library", sector="education")
    make_tie(city, bank, trust=4, directed=True, owner=alice_member, cadence_days=30)
    make_tie(city, bank, kind="funder")
    make_tie(bank, chapel, trust=1, status="dormant")
    return services.network_payload(alice_member)


def _graphml_file(payload: dict[str, Any], tmp_path: Path) -> Path:
    path = tmp_path / "riverton-network.graphml"
    path.write_bytes(exports.graphml(payload, "Riverton"))
    return path


def _expected_nodes(payload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(node["id"]): exports.node_row(node) for node in payload["nodes"]}


def _expected_ties(payload: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {
        tie["id"]: {"ends": {str(tie["source"]), str(tie["target"])}, **exports.tie_row(tie)}
        for tie in payload["ties"]
    }


def _typed(value: Any, kind: str) -> Any:
    """A value as its declared type, with what a reader fills in for "absent" as None."""
    if value is None or value == "" or (isinstance(value, float) and math.isnan(value)):
        return None
    if kind == "int":
        return int(value)
    if kind == "double":
        return float(value)
    if kind == "boolean":
        return bool(value)
    return value


def test_graphml_reads_back_the_same_in_networkx(payload, tmp_path):
    graph = nx.read_graphml(_graphml_file(payload, tmp_path))

    nodes = {
        node: {field: _typed(data.get(field), kind) for field, kind in exports.NODE_FIELDS}
        for node, data in graph.nodes(data=True)
    }
    ties = {
        data["tie"]: {
            "ends": {source, target},
            **{field: _typed(data.get(field), kind) for field, kind in exports.TIE_FIELDS},
        }
        for source, target, data in graph.edges(data=True)
    }
    assert graph.graph["name"] == "Riverton"
    assert nodes == _expected_nodes(payload)
    assert ties == _expected_ties(payload)
    assert graph.is_multigraph()


def test_graphml_reads_back_the_same_in_igraph(payload, tmp_path):
    graph = igraph.Graph.Read_GraphML(str(_graphml_file(payload, tmp_path)))

    nodes = {
        vertex["id"]: {field: _typed(vertex[field], kind) for field, kind in exports.NODE_FIELDS}
        for vertex in graph.vs
    }
    ties = {
        int(edge["tie"]): {
            "ends": {graph.vs[edge.source]["id"], graph.vs[edge.target]["id"]},
            **{field: _typed(edge[field], kind) for field, kind in exports.TIE_FIELDS},
        }
        for edge in graph.es
    }
    assert graph["name"] == "Riverton"
    assert nodes == _expected_nodes(payload)
    assert ties == _expected_ties(payload)


def test_graphml_keeps_nulls_out(payload, tmp_path):
    graph = nx.read_graphml(_graphml_file(payload, tmp_path))
    isolate = next(n for n, data in graph.nodes(data=True) if data["label"] == "Isolated Library")

    assert "closeness" not in graph.nodes[isolate]
    assert "constraint" not in graph.nodes[isolate]


@needs_schema
def test_gexf_is_valid_against_the_official_1_3_schema(payload):
    schema = etree.XMLSchema(etree.parse(str(GEXF_XSD)))

    document = etree.fromstring(exports.gexf(payload, "Riverton"))

    assert schema.validate(document), schema.error_log
    assert document.get("version") == "1.3"
    assert not document.findall(".//{http://gexf.net/1.3/viz}*")


@needs_schema
def test_an_empty_network_exports_a_valid_gexf():
    schema = etree.XMLSchema(etree.parse(str(GEXF_XSD)))
    empty: dict[str, list[Any]] = {"nodes": [], "ties": []}

    assert schema.validate(etree.fromstring(exports.gexf(empty))), schema.error_log


def test_gexf_carries_every_stakeholder_tie_and_attribute(payload):
    ns = {"g": exports.GEXF_NS}
    document = etree.fromstring(exports.gexf(payload, "Riverton"))

    nodes = {node.get("id"): node for node in document.iterfind(".//g:node", ns)}
    edges = {int(edge.get("id")): edge for edge in document.iterfind(".//g:edge", ns)}
    assert set(nodes) == {str(node["id"]) for node in payload["nodes"]}
    assert set(edges) == {tie["id"] for tie in payload["ties"]}
    for node in payload["nodes"]:
        element = nodes[str(node["id"])]
        values = {v.get("for"): v.get("value") for v in element.iterfind(".//g:attvalue", ns)}
        assert element.get("label") == node["label"]
        assert values["sector"] == node["sector"]
        assert values["is_internal"] == ("true" if node["is_internal"] else "false")
        assert float(values["pagerank"]) == node["pagerank"]
    for tie in payload["ties"]:
        element = edges[tie["id"]]
        assert float(element.get("weight")) == tie["weight"]
        assert element.get("type") == ("directed" if tie["directed"] else None)


def test_the_node_csv_has_one_row_per_stakeholder_with_metrics(payload):
    rows = list(csv.DictReader(io.StringIO(exports.nodes_csv(payload))))

    assert [int(row["id"]) for row in rows] == [node["id"] for node in payload["nodes"]]
    by_id = {int(row["id"]): row for row in rows}
    for node in payload["nodes"]:
        row = by_id[node["id"]]
        assert row["sector"] == node["sector"]
        assert float(row["betweenness"]) == node["betweenness"]
        assert int(row["brokerage_total"]) == node["brokerage"]["total"]
        assert row["closeness"] == ("" if node["closeness"] is None else str(node["closeness"]))


def test_the_csv_exports_defuse_spreadsheet_formulas(payload):
    nodes = exports.nodes_csv(payload)
    ties = exports.ties_csv(payload)

    assert '\'=HYPERLINK(""x"")' in nodes
    assert "'=HYPERLINK" in ties
    assert "\n=HYPERLINK" not in nodes


def test_the_tie_csv_has_one_row_per_tie_with_both_ends(payload):
    rows = list(csv.DictReader(io.StringIO(exports.ties_csv(payload))))

    assert {int(row["id"]) for row in rows} == {tie["id"] for tie in payload["ties"]}
    labels = {node["id"]: node["label"] for node in payload["nodes"]}
    for row in rows:
        assert row["source_label"].lstrip("'") == labels[int(row["source"])]
        assert row["directed"] in {"true", "false"}
        assert row["trust"] == "" or 1 <= int(row["trust"]) <= 4


def test_the_json_export_is_the_api_payload(payload):
    assert json.loads(exports.json_export(payload)) == json.loads(json.dumps(payload))


def test_an_unknown_format_is_refused():
    with pytest.raises(ValueError, match="Unknown export format “xlsx”"):
        exports.export({"nodes": [], "ties": []}, "xlsx")


def test_the_download_names_follow_the_workspace():
    assert exports.filename("riverton", "gexf") == "riverton-network.gexf"
    assert exports.filename("riverton", "graphml") == "riverton-network.graphml"
    assert exports.filename("riverton", "nodes.csv") == "riverton-network-nodes.csv"
    assert exports.filename("riverton", "ties.csv") == "riverton-network-ties.csv"
    assert exports.filename("riverton", "json") == "riverton-network.json"


def test_characters_xml_cannot_hold_are_dropped_from_xml_exports(alice_member, riverton, tmp_path):
    make_stakeholder(riverton, "Bell\x07 Tower\x0b")
    payload = services.network_payload(alice_member)

    graph = nx.read_graphml(_graphml_file(payload, tmp_path))
    gexf_text = exports.gexf(payload).decode()

    assert [data["label"] for _, data in graph.nodes(data=True)] == ["Bell Tower"]
    assert 'label="Bell Tower"' in gexf_text
