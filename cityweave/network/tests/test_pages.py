"""The network page (map and insights), the map's data, and the network position on stakeholder pages."""

from __future__ import annotations

import gzip
import json

import pytest
from django.urls import reverse

from cityweave.network import services
from cityweave.network.layout import layout_positions
from cityweave.network.reading import position_rows
from cityweave.network.views import sector_palette
from cityweave.stakeholders.models import Sector, Tie
from cityweave.testing import make_member, make_stakeholder, make_tie, make_user
from cityweave.vocabulary import SectorChoice

pytestmark = pytest.mark.django_db


def url(name: str, *args: object, slug: str = "riverton") -> str:
    return reverse(name, args=[slug, *args])


@pytest.fixture
def small_network(riverton, alice_member):
    """A city hall tied to a foundation and a chamber, which know nobody else: a star."""
    city = make_stakeholder(riverton, "City Hall", sector="local-government", is_internal=True)
    foundation = make_stakeholder(riverton, "Riverton Community Foundation", sector="philanthropy")
    chamber = make_stakeholder(riverton, "Chamber of Commerce", sector="business")
    church = make_stakeholder(riverton, "Grace Church", sector="faith-based")
    make_tie(city, foundation, trust=4, owner=alice_member, cadence_days=30)
    make_tie(city, chamber, status=Tie.Status.PROSPECT)
    make_tie(foundation, church, status=Tie.Status.DORMANT)
    make_tie(chamber, church, status=Tie.Status.ENDED)
    return {"city": city, "foundation": foundation, "chamber": chamber, "church": church}


def test_alice_sees_the_map_and_the_insights(alice_client, small_network):
    response = alice_client.get(url("network:map"))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="network-map"' in page
    assert url("network:map-data") in page
    assert "vendor/cytoscape.min.js" in page
    assert "Blau index" in page
    assert "1 − Σ p<sub>k</sub>²" in page
    assert "Brokers" in page
    assert "Riverton Community Foundation" in page
    assert 'aria-current="page">Network</a>' in page


def test_the_insights_name_sectors_by_label_and_list_the_missing_ones(alice_client, small_network):
    page = alice_client.get(url("network:map")).content.decode()
    assert "Local government" in page
    # Education is one of the built-in sectors with no stakeholder yet.
    assert "missing:" in page
    assert str(SectorChoice.EDUCATION.label) in page


def test_the_page_offers_every_export(alice_client, small_network):
    page = alice_client.get(url("network:map")).content.decode()
    export = reverse("api:network_export", args=["riverton"])
    for key in ("graphml", "gexf", "json"):
        assert f"{export}?format={key}" in page


def test_bob_the_viewer_reads_the_page_and_the_map_data(bob_client, small_network):
    assert bob_client.get(url("network:map")).status_code == 200
    assert bob_client.get(url("network:map-data")).status_code == 200


def test_carol_from_another_workspace_gets_404(carol_client, small_network):
    assert carol_client.get(url("network:map")).status_code == 404
    assert carol_client.get(url("network:map-data")).status_code == 404


def test_logged_out_visitors_go_to_the_login_page(client, small_network):
    for name in ("network:map", "network:map-data"):
        response = client.get(url(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_an_empty_workspace_shows_a_helpful_empty_state(alice_client, riverton):
    response = alice_client.get(url("network:map"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "No stakeholders yet" in page
    assert url("stakeholders:new") in page
    assert 'id="network-map"' not in page
    data = alice_client.get(url("network:map-data")).json()
    assert (data["nodes"], data["ties"], data["total"]) == ([], [], 0)


def test_the_map_data_has_positions_colours_metrics_and_live_ties(alice_client, small_network):
    data = alice_client.get(url("network:map-data")).json()
    nodes = {node["label"]: node for node in data["nodes"]}
    assert set(nodes) == {
        "City Hall",
        "Riverton Community Foundation",
        "Chamber of Commerce",
        "Grace Church",
    }
    city = nodes["City Hall"]
    assert city["internal"] is True
    assert city["colour"] == "#0072B2"
    assert city["degree"] == 2
    assert city["url"] == url("stakeholders:detail", small_network["city"].pk)
    assert isinstance(city["x"], float) and isinstance(city["y"], float)
    assert set(city["brokerage"]) >= {"coordinator", "liaison", "total"}
    statuses = sorted(tie["status"] for tie in data["ties"])
    assert statuses == ["active", "dormant", "prospect"]
    owned = next(tie for tie in data["ties"] if tie["status"] == "active")
    assert owned["owner_id"] == small_network["city"].workspace.memberships.get().pk
    assert owned["weight"] == 4


def test_the_map_data_comes_gzipped_with_measures_to_four_digits(alice_client, small_network):
    response = alice_client.get(url("network:map-data"), headers={"accept-encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"
    data = json.loads(gzip.decompress(response.content))
    for node in data["nodes"]:
        for field in ("betweenness_normalized", "eigenvector", "constraint", "effective_size"):
            value = node[field]
            assert value is None or value == float(f"{value:.4g}")


def test_the_layout_is_kept_until_the_ties_change(alice_client, small_network, monkeypatch):
    calls = []
    real = services.layout_positions

    def counted(*args):
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(services, "layout_positions", counted)
    first = alice_client.get(url("network:map-data")).json()
    second = alice_client.get(url("network:map-data")).json()
    assert len(calls) == 1
    assert [(n["x"], n["y"]) for n in first["nodes"]] == [(n["x"], n["y"]) for n in second["nodes"]]

    small_network["city"].name = "Riverton City Hall"
    small_network["city"].save()
    alice_client.get(url("network:map-data"))
    assert len(calls) == 1  # a new name moves nobody

    make_tie(small_network["chamber"], small_network["foundation"])
    alice_client.get(url("network:map-data"))
    assert len(calls) == 2


def test_the_map_data_leaves_out_another_workspace(alice_client, small_network, lakeside):
    make_stakeholder(lakeside, "Lakeside Port Authority")
    data = alice_client.get(url("network:map-data")).json()
    assert "Lakeside Port Authority" not in {node["label"] for node in data["nodes"]}


def test_the_owner_filter_lists_the_workspaces_members(alice_client, small_network, riverton):
    make_member(riverton, make_user("dana@riverton.example", "Dana Park"), "editor")
    page = alice_client.get(url("network:map")).content.decode()
    assert "Dana Park" in page
    assert "Alice Reyes" in page


def test_the_layout_is_the_same_for_the_same_network_and_fits_the_map():
    ids = list(range(30))
    pairs = [(i, (i + 1) % 30) for i in range(30)] + [(0, 15)]
    first = layout_positions(ids, pairs)
    assert layout_positions(ids, list(reversed(pairs))) == first
    xs = [x for x, _ in first.values()]
    assert min(xs) == 0
    assert max(max(xs), max(y for _, y in first.values())) == pytest.approx(60 * 30**0.5, abs=0.2)
    assert layout_positions([], []) == {}
    assert layout_positions([7], []) == {7: (0.0, 0.0)}


def test_custom_sectors_get_their_own_colour():
    palette = sector_palette([("business", "Business"), ("unions", "Unions"), ("guilds", "Guilds")])
    colours = [entry["colour"] for entry in palette]
    assert colours[0] == "#E69F00"
    assert len(set(colours)) == 3


def test_the_stakeholder_page_shows_its_network_position(alice_client, small_network):
    response = alice_client.get(url("stakeholders:detail", small_network["city"].pk))
    page = response.content.decode()
    assert "Network position" in page
    assert "Betweenness (normalized)" in page
    assert "High betweenness: many shortest paths between others run through City Hall." in page
    assert "Moderate constraint: City Hall" in page
    assert "Effective size" in page
    assert url("network:map") + f"?focus={small_network['city'].pk}" in page
    # Its reach across sectors is said once, and constraint only in its row.
    assert page.count("Ties its own sector (Local government) to 2 other sectors") == 1
    assert "Moderate constraint (" not in page


def test_a_stakeholder_without_ties_has_no_network_position(alice_client, riverton, alice_member):
    loner = make_stakeholder(riverton, "Lone Ranger Trust", sector="philanthropy")
    page = alice_client.get(url("stakeholders:detail", loner.pk)).content.decode()
    assert "Network position" in page
    assert "has no position in the network" in page


def test_position_rows_explain_each_measure():
    rows = position_rows(
        {
            "label": "Harbor House",
            "degree": 1,
            "betweenness_normalized": 0.0,
            "constraint": 1.0,
            "effective_size": 1.0,
            "community": 2,
        }
    )
    meanings = {row["term"]: row["meaning"] for row in rows}
    assert meanings["Degree"] == "Harbor House is tied directly to 1 stakeholder."
    assert meanings["Betweenness (normalized)"].startswith("Low betweenness")
    assert meanings["Constraint"].startswith("High constraint")
    assert {row["term"]: row["value"] for row in rows}["Community"] == "2"


def test_the_page_shows_a_workspace_sector_by_its_label(alice_client, riverton, alice_member):
    Sector.objects.create(workspace=riverton, key="unions", label="Labour unions")
    union = make_stakeholder(riverton, "Riverton Teachers Union", sector="unions")
    make_tie(union, make_stakeholder(riverton, "School Board", sector="education"))
    page = alice_client.get(url("network:map")).content.decode()
    assert "Labour unions" in page


def test_a_large_network_maps_its_best_connected_and_says_so(alice_client, riverton):
    from cityweave.stakeholders.models import Stakeholder

    people = Stakeholder.objects.bulk_create(
        Stakeholder(workspace=riverton, name=f"Stakeholder {n:03}", sector="nonprofit")
        for n in range(600)
    )
    hub = people[0]
    Tie.objects.bulk_create(Tie(workspace=riverton, source=hub, target=p) for p in people[1:30])

    page = alice_client.get(url("network:map"), {"limit": "500"}).content.decode()
    assert "draws the <strong>500</strong> best-connected of 600 stakeholders" in page
    assert '<option value="500" selected>' in page
    data = alice_client.get(url("network:map-data"), {"limit": "500"}).json()
    assert (len(data["nodes"]), data["total"]) == (500, 600)
    assert hub.pk in {node["id"] for node in data["nodes"]}  # most ties first
    shown = {node["id"] for node in data["nodes"]}
    assert all(tie["source"] in shown and tie["target"] in shown for tie in data["ties"])

    everyone = alice_client.get(url("network:map")).content.decode()
    assert "draws all 600 stakeholders" in everyone and '<option value="all" selected>' in everyone
