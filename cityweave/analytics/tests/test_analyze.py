"""`analyze` end to end: cleaning rules, edge cases, groups, structural holes, brokers, JSON safety."""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cityweave.analytics import analyze
from cityweave.analytics.tests.strategies import checked, networks


def test_it_analyses_an_empty_network():
    result = analyze([], [])
    assert result.nodes == []
    assert result.network["nodes"] == 0
    assert result.network["density"] is None
    assert result.network["communities"] == 0
    json.dumps(result.to_dict(), allow_nan=False)


def test_it_analyses_a_single_stakeholder():
    result = analyze([{"id": "alone"}], [])
    node = result.node("alone")
    assert node["degree"] == 0
    assert node["betweenness_normalized"] is None
    assert node["closeness"] is None
    assert node["constraint"] is None
    assert result.network["degree_centralization"] is None
    json.dumps(result.to_dict(), allow_nan=False)


def test_it_drops_self_loops_and_counts_them():
    result = analyze([], [("a", "a", 1), ("a", "b", 1)])
    assert result.network["self_loops_dropped"] == 1
    assert result.network["ties"] == 1


def test_it_merges_duplicate_ties_summing_their_weights():
    result = analyze([], [("a", "b", 2), ("b", "a", 3), ("a", "c", 1)])
    assert result.network["duplicate_ties_merged"] == 1
    assert result.node("a")["strength"] == 6
    assert result.network["ties"] == 2


def test_it_keeps_both_directions_of_a_directed_pair():
    result = analyze([], [("a", "b", 2), ("b", "a", 3), ("a", "b", 1)], directed=True)
    assert result.network["duplicate_ties_merged"] == 1
    a = result.node("a")
    assert (a["out_degree"], a["in_degree"], a["degree"]) == (1, 1, 2)
    assert (a["out_strength"], a["in_strength"]) == (3, 3)


def test_it_drops_zero_weight_ties_when_weighted_and_keeps_them_when_not():
    ties = [("a", "b", 0), ("b", "c", 2)]
    weighted = analyze([], ties)
    assert weighted.network["zero_weight_ties_dropped"] == 1
    assert weighted.network["ties"] == 1
    unweighted = analyze([], ties, weight=False)
    assert unweighted.network["zero_weight_ties_dropped"] == 0
    assert unweighted.network["ties"] == 2


def test_it_treats_a_missing_weight_as_one():
    result = analyze([], [("a", "b", None), ("b", "c")])
    assert result.node("b")["strength"] == 2


@pytest.mark.parametrize(
    ("weight", "message"),
    [
        (-1, "tie 2 has a negative weight"),
        ("3", "tie 2 has a weight that is not a number"),
        (float("nan"), "tie 2 has a weight that is not finite"),
        (float("inf"), "tie 2 has a weight that is not finite"),
        (True, "tie 2 has a weight that is not a number"),
    ],
)
def test_it_refuses_a_bad_weight_naming_the_tie(weight, message):
    with pytest.raises(ValueError, match=message):
        analyze([], [("a", "b", 1), ("b", "c", weight)])


def test_it_accepts_decimal_weights():
    result = analyze([], [("a", "b", Decimal("2.5"))])
    assert result.node("a")["strength"] == 2.5


@pytest.mark.parametrize(
    ("nodes", "ties", "message"),
    [
        ([{"name": "x"}], [], "node 1 has no id"),
        ([{"id": "x"}, {"id": "x"}], [], "node 2: id 'x' appears more than once"),
        ([{"id": ""}], [], "node 1 has an empty id"),
        ([], [("a",)], "tie 1 is not"),
        ([], [("a", None, 1)], "tie 1 has an empty target"),
        ([], [(["a"], "b", 1)], "tie 1 has an end that cannot be a key"),
    ],
)
def test_it_refuses_bad_nodes_and_ties_with_a_clear_message(nodes, ties, message):
    with pytest.raises(ValueError, match=message):
        analyze(nodes, ties)


def test_it_takes_labels_from_label_or_name_and_otherwise_the_id():
    nodes = [{"id": 1, "label": "City Hall"}, {"id": 2, "name": "Library"}, {"id": 3}]
    result = analyze(nodes, [(1, 2, 1), (2, 3, 1)])
    assert [node["label"] for node in result.nodes] == ["City Hall", "Library", "3"]


def test_it_accepts_objects_with_an_id_as_nodes():
    @dataclass
    class Stakeholder:
        id: int
        name: str
        sector: str

    nodes = [
        Stakeholder(1, "Mayor's Office", "local government"),
        Stakeholder(2, "Bank", "business"),
    ]
    result = analyze(nodes, [(1, 2, 1)], group="sector")
    assert result.node(1)["label"] == "Mayor's Office"
    assert result.node(2)["group"] == "business"


def test_it_adds_stakeholders_that_only_ties_name_after_the_listed_ones():
    result = analyze([{"id": "listed"}], [("new", "listed", 1)])
    assert [node["id"] for node in result.nodes] == ["listed", "new"]


def riverton():
    nodes = [
        {"id": "church", "name": "St Mark's", "sector": "faith-based"},
        {"id": "mosque", "name": "Riverton Mosque", "sector": "faith-based"},
        {"id": "bank", "name": "First Bank", "sector": "business"},
        {"id": "shop", "name": "Main St Shops", "sector": "business"},
        {"id": "rcf", "name": "Riverton Community Foundation", "sector": "philanthropy"},
        {"id": "paper", "name": "Riverton Gazette", "sector": "media"},
    ]
    ties = [
        ("church", "mosque", 4),
        ("bank", "shop", 3),
        ("rcf", "church", 3),
        ("rcf", "bank", 2),
        ("paper", "rcf", 1),
    ]
    return nodes, ties


def test_it_describes_the_only_go_between_of_two_sectors_in_plain_language():
    nodes, ties = riverton()
    result = analyze(nodes, ties, group="sector")
    sentences = [broker["sentence"] for broker in result.brokers]
    assert (
        "Riverton Community Foundation is the only stakeholder tied to both the business and "
        "faith-based sectors, and no tie runs between them directly." in sentences
    )


def test_a_broker_holding_several_ties_between_two_sectors_is_not_called_the_only_tie():
    nodes = [
        {"id": "rcf", "name": "Riverton Community Foundation", "sector": "philanthropy"},
        {"id": "hart", "name": "Hartwell Trust", "sector": "philanthropy"},
        {"id": "church", "name": "Grace Church", "sector": "faith-based"},
        {"id": "mosque", "name": "Riverton Mosque", "sector": "faith-based"},
        {"id": "temple", "name": "Beth El", "sector": "faith-based"},
    ]
    ties = [
        ("rcf", "hart", 3),
        ("rcf", "church", 3),
        ("rcf", "mosque", 2),
        ("rcf", "temple", 2),
        ("church", "mosque", 2),
    ]
    result = analyze(nodes, ties, group="sector")
    sentences = [broker["sentence"] for broker in result.brokers]
    assert (
        "Riverton Community Foundation holds all 3 ties between the faith-based and "
        "philanthropy sectors." in sentences
    )
    assert not any("only tie" in sentence for sentence in sentences)


def test_the_one_tie_between_two_sectors_is_the_only_tie():
    nodes = [
        {"id": "rcf", "name": "Riverton Community Foundation", "sector": "philanthropy"},
        {"id": "hart", "name": "Hartwell Trust", "sector": "philanthropy"},
        {"id": "church", "name": "Grace Church", "sector": "faith-based"},
        {"id": "mosque", "name": "Riverton Mosque", "sector": "faith-based"},
    ]
    ties = [("rcf", "hart", 3), ("rcf", "church", 3), ("church", "mosque", 2)]
    sentences = [b["sentence"] for b in analyze(nodes, ties, group="sector").brokers]
    assert any(
        "hold the only tie between the faith-based and philanthropy sectors." in sentence
        for sentence in sentences
    )


def test_it_lists_structural_holes_between_sectors_with_ranked_bridges():
    nodes, ties = riverton()
    holes = analyze(nodes, ties, group="sector").structural_holes["between_groups"]
    faith_business = next(h for h in holes if set(h["groups"]) == {"faith-based", "business"})
    assert faith_business["ties"] == 0
    assert faith_business["bridges"][0]["id"] == "rcf"
    assert faith_business["bridges"][0]["member_of"] is None


def test_it_reports_diversity_and_mixing_of_groups():
    nodes, ties = riverton()
    expected = ["faith-based", "business", "philanthropy", "media", "academia"]
    network = analyze(nodes, ties, group="sector", expected_groups=expected).network
    assert network["blau_index"] == pytest.approx(1 - (2 * (2 / 6) ** 2 + 2 * (1 / 6) ** 2))
    assert network["groups"] == pytest.approx(
        {"business": 2 / 6, "faith-based": 2 / 6, "media": 1 / 6, "philanthropy": 1 / 6}
    )
    assert network["groups_present"] == 4
    assert network["groups_missing"] == ["academia"]
    assert (network["ties_within_groups"], network["ties_between_groups"]) == (2, 3)
    assert network["ei_index"] == pytest.approx((3 - 2) / 5)


def test_it_leaves_out_stakeholders_without_a_group_from_diversity():
    nodes = [{"id": "a", "sector": "x"}, {"id": "b", "sector": "  "}, {"id": "c"}]
    network = analyze(nodes, [("a", "b", 1)], group="sector").network
    assert network["groups"] == {"x": 1.0}
    assert network["blau_index"] == 0


def test_it_finds_the_sector_attribute_whatever_its_case():
    result = analyze([{"id": "a", "Sector": "media"}], [], group="sector")
    assert result.node("a")["group"] == "media"


@checked
@given(networks(max_nodes=15), st.booleans(), st.booleans())
def test_it_never_puts_nan_or_infinity_in_json(network, weighted, fast):
    n, directed, ties = network
    nodes = [{"id": i, "sector": "abc"[i % 3]} for i in range(n)]
    result = analyze(
        nodes, ties, directed=directed, weight=weighted, group="sector", fast=fast, sample_size=4
    )
    json.dumps(result.to_dict(), allow_nan=False)


def test_it_turns_ids_of_other_types_into_text_in_json():
    import uuid

    key = uuid.UUID(int=1)
    result = analyze([{"id": key}], [])
    assert result.to_dict()["nodes"][0]["id"] == str(key)
    assert result.nodes[0]["id"] == key
