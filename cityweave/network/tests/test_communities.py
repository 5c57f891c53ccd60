"""Communities a person can use: named by their dominant sector and most central member, keeping
their members and names when an unrelated stakeholder joins, and named so in the insights."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cityweave.analytics import analyze
from cityweave.network import services
from cityweave.testing import make_stakeholder, make_tie

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_circles(riverton):
    """A philanthropy circle around the foundation and a business circle around the chamber,
    joined by one weak tie."""
    rcf = make_stakeholder(riverton, "Riverton Community Foundation", sector="philanthropy")
    funders = [
        make_stakeholder(riverton, name, sector="philanthropy")
        for name in ("Hartwell Trust", "United Way", "Mason-Lee Fund")
    ]
    church = make_stakeholder(riverton, "Grace Church", sector="faith-based")
    chamber = make_stakeholder(riverton, "Chamber of Commerce", sector="business")
    shops = [
        make_stakeholder(riverton, name, sector="business")
        for name in ("First Bank", "Main St Shops", "Kessler Construction")
    ]
    for funder in [*funders, church]:
        make_tie(rcf, funder, trust=4)
    make_tie(funders[0], funders[1], trust=4)
    make_tie(funders[1], funders[2], trust=4)
    for shop in shops:
        make_tie(chamber, shop, trust=4)
    make_tie(shops[0], shops[1], trust=4)
    make_tie(shops[1], shops[2], trust=4)
    make_tie(church, chamber, trust=1)
    return rcf, chamber


def communities_of(member) -> tuple[dict[str, str], list[str]]:
    services.refresh_snapshot(member.workspace)
    report = services.network_report(member)
    by_name = {node["label"]: node["community_name"] for node in report["nodes"]}
    return by_name, report["network"]["community_names"]


def test_communities_are_named_by_sector_and_most_central_member(alice_member, two_circles):
    members, names = communities_of(alice_member)

    assert sorted(names) == [
        "Business (Chamber of Commerce)",
        "Philanthropy (Riverton Community Foundation)",
    ]
    assert members["Hartwell Trust"] == "Philanthropy (Riverton Community Foundation)"
    assert members["First Bank"] == "Business (Chamber of Commerce)"


def test_an_unrelated_stakeholder_leaves_the_others_communities_and_names_alone(
    alice_member, riverton, two_circles
):
    before, names_before = communities_of(alice_member)
    # First by name, so every other stakeholder moves one place along in the analysis' order.
    make_stakeholder(riverton, "Aaron Abbott", sector="resident")
    after, names_after = communities_of(alice_member)

    assert {name: after[name] for name in before} == before
    assert names_after[: len(names_before)] == names_before
    assert after["Aaron Abbott"] == "Resident (Aaron Abbott)"


def test_the_insights_and_the_map_filter_use_the_names(alice_client, alice_member, two_circles):
    services.refresh_snapshot(alice_member.workspace)

    content = alice_client.get(reverse("network:map", args=["riverton"])).content.decode()

    assert ">Philanthropy (Riverton Community Foundation)</option>" in content
    assert ">Business (Chamber of Commerce)</option>" in content
    assert ">Community 1<" not in content


def test_a_stakeholders_position_names_its_community(alice_client, alice_member, two_circles):
    rcf, _ = two_circles
    services.refresh_snapshot(alice_member.workspace)

    page = alice_client.get(reverse("stakeholders:detail", args=["riverton", rcf.pk]))

    assert "Philanthropy (Riverton Community Foundation)" in page.content.decode()


def test_the_engine_keeps_communities_when_an_isolate_joins_anywhere_in_the_order():
    pairs = [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e"), ("e", "f"), ("f", "d")]
    ties = [(a, b, 3) for a, b in pairs] + [("x", "y", 1)]
    nodes = [
        {"id": v, "name": v.upper(), "sector": "business" if v < "d" else "media"}
        for v in "abcdefxy"
    ]
    before = analyze(nodes, ties, group="sector")
    with_isolate = analyze(
        [{"id": "0", "name": "Zero", "sector": "media"}, *nodes], ties, group="sector"
    )

    def grouping(result):
        by_community: dict[int, set[str]] = {}
        for node in result.nodes:
            if node["id"] != "0":
                by_community.setdefault(node["community"], set()).add(node["id"])
        return sorted(map(sorted, by_community.values()))

    assert grouping(before) == grouping(with_isolate)
    assert set(before.network["community_names"]) <= set(with_isolate.network["community_names"])
