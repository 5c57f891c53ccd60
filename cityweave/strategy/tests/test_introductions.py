"""Warm introductions (Alice owns Riverton, Bob is a viewer there, Carol owns Lakeside)."""

from __future__ import annotations

import datetime as dt
import math

import networkx as nx
import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from cityweave.strategy import introductions as intro
from cityweave.strategy.introductions import Node, ReachGraph
from cityweave.testing import make_interaction, make_stakeholder, make_tie

pytestmark = pytest.mark.django_db


@pytest.fixture
def city(riverton):
    return make_stakeholder(riverton, "City Hall", sector="local-government", is_internal=True)


def know(city, member, person, trust=None):
    """Alice's own active tie from the city to `person`."""
    return make_tie(city, person, owner=member, trust=trust)


def test_a_warm_two_broker_path_beats_a_cool_one_broker_path(alice_member, riverton, city):
    ana = make_stakeholder(riverton, "Ana Ruiz", sector="business")
    ben = make_stakeholder(riverton, "Ben Ode", sector="business")
    carl = make_stakeholder(riverton, "Carl Diaz", sector="media")
    target = make_stakeholder(riverton, "Tess Lane", sector="philanthropy")
    know(city, alice_member, ana, trust=4)
    know(city, alice_member, carl, trust=2)
    make_tie(ana, ben, trust=4)
    make_tie(ben, target, trust=4)
    make_tie(carl, target, trust=4)

    answer = intro.introductions(alice_member, stakeholder=target.pk)

    first, second = answer.paths
    assert [n.name for n in first.stakeholders] == ["Ana Ruiz", "Ben Ode", "Tess Lane"]
    assert first.product == 1.0
    assert first.ratings == (4, 4, 4)
    assert first.sentence == (
        "Ask Ana Ruiz (Business) to introduce you to Ben Ode, who knows Tess Lane "
        "(trust: you–Ana Ruiz 4/4, Ana Ruiz–Ben Ode 4/4, Ben Ode–Tess Lane 4/4)."
    )
    # The city (local government) → Ana (business) → Ben (business): Ana is a gatekeeper.
    assert first.role == "gatekeeper"
    assert [n.name for n in second.stakeholders] == ["Carl Diaz", "Tess Lane"]
    assert second.product == 0.5
    assert second.role == "liaison"
    assert answer.reachable == 1


def test_only_active_live_ties_carry_an_introduction_and_unrated_counts_as_two(
    alice_member, riverton, city
):
    ana = make_stakeholder(riverton, "Ana Ruiz")
    target = make_stakeholder(riverton, "Tess Lane")
    know(city, alice_member, ana)
    for status in ("prospect", "dormant", "ended"):
        make_tie(ana, target, status=status, trust=4)
    trashed = make_tie(ana, target, trust=4)
    trashed.deleted_at = timezone.now()
    trashed.save()
    assert intro.introductions(alice_member, stakeholder=target.pk).paths == []

    make_tie(ana, target)
    (path,) = intro.introductions(alice_member, stakeholder=target.pk).paths
    assert path.ratings == (None, None)
    assert path.product == intro.UNKNOWN_TRUST**2
    assert "you–Ana Ruiz unrated (counted as 2/4)" in path.sentence


def test_a_path_goes_through_at_most_two_people(alice_member, riverton, city):
    a, b, c, target = (make_stakeholder(riverton, n) for n in ("A", "B", "C", "Far"))
    know(city, alice_member, a, trust=4)
    make_tie(a, b, trust=4)
    make_tie(b, c, trust=4)
    make_tie(c, target, trust=4)
    answer = intro.introductions(alice_member, stakeholder=target.pk)
    assert answer.paths == []
    assert "through at most 2 people" in answer.note
    assert intro.best_introducers(alice_member, [target.pk, c.pk])[target.pk] is None


def test_equal_trust_goes_to_fewer_hops_then_the_less_busy_broker(
    alice_member, bob_member, riverton, city
):
    busy = make_stakeholder(riverton, "Amy Busy")
    free = make_stakeholder(riverton, "Zed Free")
    target = make_stakeholder(riverton, "Tess Lane")
    for person in (busy, free):
        know(city, alice_member, person, trust=4)
        make_tie(person, target, trust=2)
    make_interaction(riverton, [busy])
    make_interaction(riverton, [busy], when=timezone.now() - dt.timedelta(days=100))
    # Bob's private meetings with Zed tell Alice nothing: they do not count as his load.
    for _ in range(3):
        make_interaction(riverton, [free], private=True, author=bob_member)
    paths = intro.introductions(alice_member, stakeholder=target.pk).paths
    assert [(p.broker.name, p.load) for p in paths] == [("Zed Free", 0), ("Amy Busy", 1)]


def test_known_and_internal_targets_need_no_introduction(alice_member, riverton, city):
    ana = make_stakeholder(riverton, "Ana Ruiz")
    know(city, alice_member, ana, trust=3)
    assert intro.introductions(alice_member, stakeholder=ana.pk).note.startswith("You know Ana")
    assert "part of the city" in intro.introductions(alice_member, stakeholder=city.pk).note
    assert intro.best_introducers(alice_member, [ana.pk, city.pk]) == {ana.pk: None, city.pk: None}


def test_another_workspaces_stakeholder_is_not_found(alice_member, lakeside):
    theirs = make_stakeholder(lakeside, "Lakeside Fund")
    with pytest.raises(Http404):
        intro.introductions(alice_member, stakeholder=theirs.pk)


def test_a_sector_or_value_type_gives_the_best_path_to_each(alice_member, riverton, city):
    ana = make_stakeholder(riverton, "Ana Ruiz", sector="business")
    fund = make_stakeholder(riverton, "Fund", sector="philanthropy", offers=["funding"])
    trust = make_stakeholder(riverton, "Trust", sector="philanthropy", offers=["funding"])
    make_stakeholder(riverton, "Alone", sector="philanthropy")
    know(city, alice_member, ana, trust=4)
    make_tie(ana, fund, trust=2)
    make_tie(ana, trust, trust=3)
    answer = intro.introductions(alice_member, sector="philanthropy")
    assert (answer.targets, answer.reachable) == (3, 2)
    assert [p.target.name for p in answer.paths] == ["Trust", "Fund"]
    assert answer.label == "anyone in Philanthropy"
    by_offer = intro.introductions(alice_member, value_type="funding", limit=1)
    assert [p.target.name for p in by_offer.paths] == ["Trust"]


def test_bad_questions_name_their_parameter(alice_member):
    for kwargs, name in (
        ({}, "stakeholder"),
        ({"sector": "business", "value_type": "funding"}, "sector"),
        ({"sector": "astrology"}, "sector"),
        ({"value_type": "gold"}, "value_type"),
        ({"sector": "business", "limit": 0}, "limit"),
        ({"community": 1}, None),
    ):
        if name is None:
            # No analysis has finished yet: said, not refused.
            assert "No network analysis" in intro.introductions(alice_member, **kwargs).note
            continue
        with pytest.raises(ValidationError) as caught:
            intro.introductions(alice_member, **kwargs)
        assert name in caught.value.message_dict


def test_a_community_of_the_stored_analysis(alice_member, riverton, city):
    from cityweave.network.models import NetworkSnapshot

    ana = make_stakeholder(riverton, "Ana Ruiz")
    bea = make_stakeholder(riverton, "Bea Ortiz")
    know(city, alice_member, ana, trust=4)
    make_tie(ana, bea, trust=4)
    NetworkSnapshot.objects.create(
        workspace=riverton,
        version="x",
        computed_at=timezone.now(),
        result={
            "network": {"community_names": ["Harbor", "Uptown"]},
            "nodes": [{"id": ana.pk, "community": 1}, {"id": bea.pk, "community": 2}],
        },
    )
    answer = intro.introductions(alice_member, community=2)
    assert answer.label == "anyone in community 2: Uptown"
    assert [p.target.name for p in answer.paths] == ["Bea Ortiz"]
    with pytest.raises(ValidationError) as caught:
        intro.introductions(alice_member, community=3)
    assert "community" in caught.value.message_dict


def test_introductions_read_a_fixed_number_of_queries(
    alice_member, riverton, city, django_assert_num_queries
):
    target = make_stakeholder(riverton, "Tess Lane")
    for n in range(6):
        person = make_stakeholder(riverton, f"Known {n}")
        know(city, alice_member, person, trust=3)
        make_tie(person, target, trust=n % 4 + 1)
        make_interaction(riverton, [person])
    # Stakeholders, ties, sectors, the brokers' loads, their organisations.
    with django_assert_num_queries(5):
        answer = intro.introductions(alice_member, stakeholder=target.pk)
    assert len(answer.paths) == 5
    with django_assert_num_queries(5):
        intro.best_introducers(alice_member, [target.pk])


# ----------------------------------------------------------------------------------------------
# The search against networkx, on graphs built in memory


def graph_of(edges: dict[tuple[int, int], int | None], known: dict[int, int | None]) -> ReachGraph:
    ids = {i for pair in edges for i in pair} | set(known)
    ratings: dict[int, dict[int, int | None]] = {}
    for (a, b), rating in edges.items():
        ratings.setdefault(a, {})[b] = rating
        ratings.setdefault(b, {})[a] = rating
    return ReachGraph(
        member=None,  # type: ignore[arg-type]
        nodes={i: Node(i, f"S{i:02}", "nonprofit", False, ()) for i in ids},
        ratings=ratings,
        known=known,
        own_side={},
        own_end={},
        sector_labels={},
        now=timezone.now(),
        _loads={},
    )


ratings = st.one_of(st.none(), st.integers(1, 4))


@st.composite
def networks(draw):
    n = draw(st.integers(3, 9))
    pairs = [(a, b) for a in range(n) for b in range(a + 1, n)]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=18))
    edges = {pair: draw(ratings) for pair in chosen}
    known = {k: draw(ratings) for k in draw(st.sets(st.integers(0, n - 1), max_size=3))}
    return edges, known


def oracle(edges, known, target):
    """Every allowed path's trust product to `target`, by networkx's simple paths from "me"."""
    graph = nx.Graph()
    for (a, b), rating in edges.items():
        graph.add_edge(a, b, trust=intro.trust_share(rating))
    for k, rating in known.items():
        graph.add_edge("me", k, trust=intro.trust_share(rating))
    if target in known or target not in graph or "me" not in graph:
        return []
    products = []
    for path in nx.all_simple_paths(graph, "me", target, cutoff=intro.MAX_BROKERS + 1):
        if any(step in known for step in path[2:]):
            continue  # a later broker Alice knows: she would ask them directly
        products.append(
            math.prod(graph.edges[a, b]["trust"] for a, b in zip(path, path[1:], strict=False))
        )
    return sorted(products, reverse=True)


@settings(max_examples=60, deadline=None)
@given(networks())
def test_paths_and_their_order_match_networkx(network):
    edges, known = network
    graph = graph_of(edges, known)
    best = intro.best_raw(graph)
    for target in graph.nodes:
        expected = oracle(edges, known, target)
        raws = sorted(intro.paths_to(graph, target), key=lambda raw: intro.rank_key(graph, raw))
        assert [intro.path_product(graph, raw) for raw in raws] == pytest.approx(expected)
        if expected:
            assert best[target] == raws[0]
        else:
            assert target not in best
