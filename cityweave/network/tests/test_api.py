"""The network JSON API: the whole network, one stakeholder's position, and file exports."""

from __future__ import annotations

import json

import pytest

from cityweave.engagement.services import trash_stakeholder
from cityweave.network.api import NetworkOut
from cityweave.testing import make_interaction, make_stakeholder, make_tie

BASE = "/api/v1/workspaces/riverton/network"
FORMATS = ["graphml", "gexf", "nodes.csv", "ties.csv", "json"]


@pytest.fixture
def network(alice_member, riverton):
    """Two businesses reached only through a foundation, with an owned, watched tie."""
    foundation = make_stakeholder(riverton, "Riverton Foundation", sector="philanthropy")
    shop = make_stakeholder(riverton, "Corner Shop", sector="business")
    mill = make_stakeholder(riverton, "Old Mill", sector="business")
    first = make_tie(foundation, shop, trust=3, owner=alice_member, cadence_days=30)
    second = make_tie(foundation, mill, directed=True)
    return foundation, shop, mill, first, second


def test_it_requires_a_token(client, riverton):
    assert client.get(BASE).status_code == 401
    assert client.get(f"{BASE}/export", {"format": "json"}).status_code == 401


def test_it_returns_metrics_nodes_ties_and_insights(alice_api, alice_member, network):
    foundation, shop, mill, first, second = network

    response = alice_api.get(BASE)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"network", "nodes", "ties", "insights", "computed_at", "stale", "status"}
    assert (body["stale"], body["status"]) == (False, "current")
    # The endpoint skips re-validating its payload; the payload must still be what the schema says.
    assert NetworkOut.model_validate(body).model_dump(mode="json") == body
    assert body["network"]["nodes"] == 3
    assert body["network"]["ties"] == 2
    assert body["network"]["density"] == pytest.approx(2 / 3)
    nodes = {node["id"]: node for node in body["nodes"]}
    assert set(nodes) == {foundation.pk, shop.pk, mill.pk}
    assert nodes[foundation.pk]["sector_label"] == "Philanthropy"
    assert nodes[foundation.pk]["url"] == foundation.get_absolute_url()
    assert nodes[foundation.pk]["betweenness"] == 1.0
    ties = {tie["id"]: tie for tie in body["ties"]}
    assert ties[first.pk] == {
        "id": first.pk,
        "source": foundation.pk,
        "target": shop.pk,
        "kind": "partner",
        "status": "active",
        "health": "healthy",
        "directed": False,
        "trust": 3,
        "weight": 3.0,
        "owner": alice_member.pk,
        "owner_name": "Alice Reyes",
    }
    assert ties[second.pk]["directed"] is True
    assert ties[second.pk]["weight"] == 2.0
    assert set(body["insights"]) == {"structural_holes", "brokers"}
    assert body["insights"]["brokers"][0]["id"] == foundation.pk


def test_an_empty_workspace_gives_an_empty_network(alice_api, alice):
    body = alice_api.get(BASE).json()

    assert body["nodes"] == []
    assert body["ties"] == []
    assert body["network"]["nodes"] == 0
    assert body["network"]["density"] is None


def test_a_single_stakeholder_gives_nulls_not_errors(alice_api, riverton):
    alone = make_stakeholder(riverton, "Alone")

    body = alice_api.get(BASE).json()
    node = alice_api.get(f"{BASE}/nodes/{alone.pk}").json()

    assert body["nodes"][0]["closeness"] is None
    assert node["constraint"] is None
    assert node["degree"] == 0
    assert node["roles"] == []


def test_it_returns_one_stakeholders_position_and_reading(alice_api, network):
    foundation, *_ = network

    response = alice_api.get(f"{BASE}/nodes/{foundation.pk}")

    assert response.status_code == 200
    node = response.json()
    assert node["id"] == foundation.pk
    assert node["label"] == "Riverton Foundation"
    assert node["betweenness_normalized"] == 1.0
    assert node["brokerage"]["total"] >= 1
    assert node["roles"][0]["role"] == "itinerant"
    assert node["broker"]["sentence"].startswith("Riverton Foundation")
    assert "Ties its own sector (Philanthropy) to 1 other sector: Business." in node["reading"]


def test_a_trashed_or_foreign_stakeholder_is_not_found(alice_api, alice_member, network, lakeside):
    _, shop, _, _, _ = network
    elsewhere = make_stakeholder(lakeside, "Elsewhere")
    trash_stakeholder(alice_member, shop)

    assert alice_api.get(f"{BASE}/nodes/{shop.pk}").status_code == 404
    assert alice_api.get(f"{BASE}/nodes/{elsewhere.pk}").status_code == 404
    assert alice_api.get(f"{BASE}/nodes/999999").status_code == 404


def test_trashing_a_stakeholder_takes_it_and_its_ties_off_the_network(
    alice_api, alice_member, network
):
    _, shop, _, first, _ = network
    alice_api.get(BASE)

    trash_stakeholder(alice_member, shop)
    body = alice_api.get(BASE).json()

    assert shop.pk not in {node["id"] for node in body["nodes"]}
    assert first.pk not in {tie["id"] for tie in body["ties"]}


@pytest.mark.parametrize(
    ("fmt", "content_type", "filename"),
    [
        ("graphml", "application/graphml+xml", "riverton-network.graphml"),
        ("gexf", "application/gexf+xml", "riverton-network.gexf"),
        ("nodes.csv", "text/csv; charset=utf-8", "riverton-network-nodes.csv"),
        ("ties.csv", "text/csv; charset=utf-8", "riverton-network-ties.csv"),
        ("json", "application/json", "riverton-network.json"),
    ],
)
def test_it_exports_the_network_as_a_download(alice_api, network, fmt, content_type, filename):
    response = alice_api.get(f"{BASE}/export", {"format": fmt})

    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == f"attachment; filename={filename}"
    assert b"Riverton Foundation" in response.content


def test_the_json_export_matches_the_network_endpoint(alice_api, network):
    body = alice_api.get(BASE).json()
    exported = json.loads(alice_api.get(f"{BASE}/export", {"format": "json"}).content)

    assert exported["nodes"] == body["nodes"]
    assert exported["ties"] == body["ties"]
    assert exported["network"] == body["network"]


def test_an_unknown_export_format_is_refused_naming_the_field(alice_api, network):
    response = alice_api.get(f"{BASE}/export", {"format": "xlsx"})

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "format"


def test_a_missing_export_format_is_refused_naming_the_field(alice_api, network):
    response = alice_api.get(f"{BASE}/export")

    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "format"


def test_a_viewer_can_read_every_endpoint(bob_api, network):
    foundation, *_ = network

    assert bob_api.get(BASE).status_code == 200
    assert bob_api.get(f"{BASE}/nodes/{foundation.pk}").status_code == 200
    for fmt in FORMATS:
        assert bob_api.get(f"{BASE}/export", {"format": fmt}).status_code == 200


def test_another_workspace_gets_404_on_every_endpoint(carol_api, network):
    foundation, *_ = network

    assert carol_api.get(BASE).status_code == 404
    assert carol_api.get(f"{BASE}/nodes/{foundation.pk}").status_code == 404
    for fmt in FORMATS:
        assert carol_api.get(f"{BASE}/export", {"format": fmt}).status_code == 404


def test_it_never_shows_interaction_content_or_notes(alice_api, riverton, network):
    foundation, shop, *_ = network
    foundation.notes = "Board is split on the grant"
    foundation.save()
    make_interaction(riverton, [foundation, shop], summary="Confidential budget call", private=True)

    texts = [alice_api.get(BASE).content, alice_api.get(f"{BASE}/nodes/{foundation.pk}").content]
    texts += [alice_api.get(f"{BASE}/export", {"format": fmt}).content for fmt in FORMATS]

    for text in texts:
        assert b"Confidential budget call" not in text
        assert b"Board is split" not in text


def test_the_network_comes_gzipped_when_asked(alice_api, alice_member, network):
    import gzip
    import json

    response = alice_api.get(BASE, headers={"accept-encoding": "gzip"})
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["network"]["nodes"] == 3
