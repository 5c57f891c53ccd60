"""The workspace network as engine input, its analysis and one stakeholder's reading."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from cityweave.engagement.services import trash_stakeholder
from cityweave.network import services
from cityweave.network.reading import ROLE_MEANINGS
from cityweave.stakeholders.models import Sector, Tie
from cityweave.testing import (
    make_interaction,
    make_member,
    make_stakeholder,
    make_tie,
    make_user,
)


@pytest.fixture
def star(riverton):
    """A faith-based hub tied to two businesses and a nonprofit: the only path between them."""
    hub = make_stakeholder(riverton, "Grace Chapel", sector="faith-based")
    shops = [make_stakeholder(riverton, f"Shop {n}", sector="business") for n in (1, 2)]
    nonprofit = make_stakeholder(riverton, "Food Bank", sector="nonprofit")
    ties = [make_tie(hub, other, trust=4) for other in (*shops, nonprofit)]
    return hub, shops, nonprofit, ties


def test_it_lists_live_stakeholders_and_non_ended_ties(alice_member, riverton, star):
    hub, shops, nonprofit, ties = star
    gone = make_stakeholder(riverton, "Gone")
    make_tie(hub, gone)
    trash_stakeholder(alice_member, gone)
    ended = make_tie(shops[0], shops[1], status=Tie.Status.ENDED)

    data = services.workspace_network(alice_member)

    assert {node["id"] for node in data.nodes} == {hub.pk, shops[0].pk, shops[1].pk, nonprofit.pk}
    assert {tie["id"] for tie in data.ties} == {tie.pk for tie in ties}
    assert ended.pk not in {tie["id"] for tie in data.ties}
    hub_node = next(node for node in data.nodes if node["id"] == hub.pk)
    assert hub_node == {
        "id": hub.pk,
        "label": "Grace Chapel",
        "sector": "faith-based",
        "kind": "organisation",
        "is_internal": False,
        "influence": None,
    }


def test_it_weighs_a_tie_by_trust_and_an_unrated_tie_by_the_default(alice_member, riverton):
    first, second, third = (make_stakeholder(riverton) for _ in range(3))
    trusted = make_tie(first, second, trust=3)
    unrated = make_tie(second, third)

    weights = {tie["id"]: tie["weight"] for tie in services.workspace_network(alice_member).ties}

    assert weights == {trusted.pk: 3, unrated.pk: services.UNRATED_TIE_WEIGHT}


def test_it_gives_each_tie_its_status_health_owner_and_direction(alice_member, riverton):
    city = make_stakeholder(riverton, "City Hall", is_internal=True, sector="local-government")
    partner = make_stakeholder(riverton, "Library")
    tie = make_tie(
        city, partner, cadence_days=30, directed=True, owner=alice_member, status="dormant"
    )
    make_interaction(riverton, [city, partner])

    (row,) = services.workspace_network(alice_member).ties

    assert row["status"] == "dormant"
    assert row["health"] is None  # set aside on purpose: a dormant tie has no health
    assert row["directed"] is True
    assert row["owner_id"] == alice_member.pk
    assert row["owner_name"] == "Alice Reyes"
    assert (row["source"], row["target"]) == (city.pk, partner.pk)
    assert tie.pk == row["id"]


def test_its_report_keys_nodes_by_stakeholder_id_with_their_attributes(
    alice_member, riverton, star
):
    hub, shops, nonprofit, _ = star

    report = services.network_report(alice_member)

    nodes = {node["id"]: node for node in report["nodes"]}
    assert set(nodes) == {hub.pk, shops[0].pk, shops[1].pk, nonprofit.pk}
    assert nodes[hub.pk]["label"] == "Grace Chapel"
    assert nodes[hub.pk]["sector"] == "faith-based"
    assert nodes[hub.pk]["sector_label"] == "Faith-based"
    assert nodes[hub.pk]["kind"] == "organisation"
    assert nodes[hub.pk]["is_internal"] is False
    assert nodes[hub.pk]["url"] == hub.get_absolute_url()
    assert nodes[hub.pk]["degree"] == 3
    assert nodes[hub.pk]["betweenness_normalized"] == 1.0
    assert nodes[hub.pk]["contact_sectors"] == ["business", "nonprofit"]
    assert report["network"]["nodes"] == 4
    assert report["network"]["ties"] == 3
    assert report["network"]["group_attribute"] == "sector"
    assert "media" in report["network"]["groups_missing"]
    assert report["network"]["group_labels"]["media"] == "Media"
    assert report["brokers"][0]["id"] == hub.pk


def test_it_counts_a_workspace_sector_as_missing_until_someone_is_in_it(alice_member, riverton):
    Sector.objects.create(workspace=riverton, key="youth-council", label="Youth council")
    make_stakeholder(riverton)

    network = services.network_report(alice_member)["network"]

    assert "youth-council" in network["groups_missing"]
    assert network["group_labels"]["youth-council"] == "Youth council"


def test_it_labels_the_sectors_of_a_structural_hole(alice_member, riverton, star):
    holes = services.network_report(alice_member)["structural_holes"]["between_groups"]

    assert holes
    for hole in holes:
        assert len(hole["labels"]) == 2
        assert all(label[0].isupper() for label in hole["labels"])


def test_broker_sentences_name_a_workspace_sector_by_its_current_label(
    alice_member, riverton, star
):
    hub, *_ = star
    sector = Sector.objects.create(workspace=riverton, key="makers", label="Makerspaces")
    make_tie(hub, make_stakeholder(riverton, "Tool Library", sector="makers"))

    def bridged() -> list[str]:
        return services.network_report(alice_member)["brokers"][0]["sole_bridge_of"]

    assert "the Business and Makerspaces sectors" in bridged()
    sector.label = "Maker spaces"
    sector.save()
    assert "the Business and Maker spaces sectors" in bridged()
    assert not any("makers" in pair for pair in bridged())


def test_an_empty_workspace_gives_an_empty_network_with_nulls(alice_member):
    report = services.network_report(alice_member)
    payload = services.network_payload(alice_member)

    assert report["nodes"] == []
    assert report["network"]["nodes"] == 0
    assert report["network"]["density"] is None
    assert payload["ties"] == []
    json.dumps(payload, allow_nan=False)


def test_a_single_stakeholder_has_null_undefined_measures(alice_member, riverton):
    alone = make_stakeholder(riverton, "Alone")

    report = services.network_report(alice_member)
    node = services.node_report(alice_member, alone.pk)

    assert report["network"]["density"] is None
    assert report["nodes"][0]["constraint"] is None
    assert report["nodes"][0]["closeness"] is None
    assert node is not None
    assert node["degree"] == 0
    assert node["roles"] == []
    assert "no position" in node["reading"]
    json.dumps(services.network_payload(alice_member), allow_nan=False)


def test_its_node_report_explains_a_broker(alice_member, riverton, star):
    hub, *_ = star

    node = services.node_report(alice_member, hub.pk)

    assert node is not None
    assert node["id"] == hub.pk
    sentence = node["broker"]["sentence"]
    # Both businesses' ties to the faith-based sector end at the hub: all of them, not "the only".
    assert sentence == "Grace Chapel holds all 2 ties between the Business and Faith-based sectors."
    assert "the Business and Faith-based sectors" in node["broker"]["sole_bridge_of"]
    assert "the Business and Nonprofit sectors" in node["broker"]["sole_bridge_of"]
    assert {role["role"] for role in node["roles"]} <= set(ROLE_MEANINGS)
    assert node["roles"][0]["count"] >= node["roles"][-1]["count"]
    assert (
        "Ties its own sector (Faith-based) to 2 other sectors: Business and Nonprofit."
        in (node["reading_points"])
    )
    assert any("constraint" in point for point in node["reading_points"])


def test_its_node_report_reads_a_tightly_knit_stakeholder_as_constrained(alice_member, riverton):
    one, two, three = (make_stakeholder(riverton, sector="business") for _ in range(3))
    make_tie(one, two)
    make_tie(two, three)
    make_tie(one, three)

    node = services.node_report(alice_member, one.pk)

    assert node is not None
    assert node["reading_points"][0] == "All of its ties stay within its own sector (Business)."
    assert node["reading_points"][1].startswith("High constraint")


def test_its_node_report_is_none_outside_the_network(alice_member, riverton, lakeside):
    elsewhere = make_stakeholder(lakeside, "Elsewhere")
    trashed = make_stakeholder(riverton, "Trashed")
    trash_stakeholder(alice_member, trashed)

    assert services.node_report(alice_member, elsewhere.pk) is None
    assert services.node_report(alice_member, trashed.pk) is None
    assert services.node_report(alice_member, 999_999) is None
    assert services.node_report(alice_member, "not a number") is None


def test_its_payload_carries_ties_and_stakeholders_but_no_interaction_content(
    alice_member, riverton
):
    city = make_stakeholder(riverton, "City Hall", is_internal=True, notes="Private notes")
    partner = make_stakeholder(riverton, "Library")
    make_tie(city, partner, cadence_days=30, notes="Tie notes kept private")
    other = make_member(riverton, make_user(), "editor")
    make_interaction(
        riverton, [city, partner], summary="Secret budget talk", private=True, author=other
    )

    text = json.dumps(services.network_payload(alice_member))

    assert "Secret budget talk" not in text
    assert "Private notes" not in text
    assert "Tie notes kept private" not in text
    assert "City Hall" in text


def test_its_payload_as_json_is_the_payload_with_health_read_afresh(alice_member, riverton, star):
    hub, shops, _, ties = star
    Tie.objects.filter(pk=ties[0].pk).update(cadence_days=7, started_on=dt.date(2020, 1, 1))
    first = json.loads(services.network_payload_json(alice_member))
    assert first == json.loads(json.dumps(services.network_payload(alice_member)))
    health = {tie["id"]: tie["health"] for tie in first["ties"]}
    assert health[ties[0].pk] == "cold"
    # Health moves without a new analysis: the stored parts are reused, the ties read again.
    make_interaction(riverton, [hub, shops[0]])
    again = json.loads(services.network_payload_json(alice_member))
    assert {tie["id"]: tie["health"] for tie in again["ties"]}[ties[0].pk] == "healthy"
    assert again["nodes"] == first["nodes"] and again["computed_at"] == first["computed_at"]
