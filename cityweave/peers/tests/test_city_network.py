"""The network of cities as a network: ties from every source, merged by pair; degree,
betweenness, Burt's measures and brokerage between regions checked by hand and against
networkx; isolated cities; past contact in peer matching (page, API, CLI); the page with its
map and text alternative, for every seat, and 404 for another network."""

from __future__ import annotations

import datetime as dt
import io
import json
from fractions import Fraction

import networkx as nx
import pytest
from django.core.management import call_command
from django.urls import reverse
from hypothesis import example, given
from hypothesis import strategies as st

from cityweave.analytics.tests.strategies import checked
from cityweave.peers import city_network, exchanges
from cityweave.peers.city_network import CityTie, measure, tie
from cityweave.peers.convening_testing import make_convening, make_delegate, make_delegation
from cityweave.peers.testing import make_city
from cityweave.peers.tests.conftest import client_for
from cityweave.peers.tests.guide_factories import make_guide
from cityweave.peers.tests.test_api import api_for
from cityweave.peers.tests.test_pages import client_for_user


def cities(*specs: tuple[str, str]) -> list[dict]:
    return [{"id": i, "name": name, "region": region} for i, (name, region) in enumerate(specs, 1)]


# == Pure measures ===============================================================================


def test_a_tie_names_its_cities_in_order_and_weighs_more_than_nothing():
    assert tie(5, 2, "exchange", "x") == CityTie(2, 5, "exchange", 1.0, "x")
    with pytest.raises(ValueError):
        CityTie(3, 3, "exchange", 1.0, "x")
    with pytest.raises(ValueError):
        CityTie(1, 2, "exchange", 0.0, "x")


def test_a_line_across_two_regions_by_hand():
    # Austin – Boise – Camden – Dayton; TN, TN, OH, OH; Erie has no tie.
    listed = cities(
        ("Austin", "TN"), ("Boise", "TN"), ("Camden", "OH"), ("Dayton", "OH"), ("Erie", "")
    )
    ties = [tie(1, 2, "exchange", "a"), tie(2, 3, "exchange", "b"), tie(3, 4, "exchange", "c")]
    report = measure(listed, ties)
    by_name = {p.name: p for p in report.positions}
    boise = by_name["Boise"]
    # Boise brokers Austin→Camden (representative: Austin shares its region) and Camden→Austin
    # (gatekeeper: Austin, the receiver, shares it), and nothing else: Austin→Dayton is not
    # a two-step path through Boise.
    assert boise.brokerage == {
        "coordinator": 0,
        "itinerant": 0,
        "representative": 1,
        "gatekeeper": 1,
        "liaison": 0,
    }
    assert boise.between_regions == 2 and boise.degree == 2
    # Betweenness: Boise is on Austin–Camden and Austin–Dayton; normalised by (5−1)(5−2)/2 = 6.
    assert boise.betweenness == 2 and boise.betweenness_normalized == pytest.approx(2 / 6)
    assert [p.name for p in report.brokers] == ["Boise", "Camden"]
    assert [p.name for p in report.isolated] == ["Erie"]
    erie = by_name["Erie"]
    assert erie.constraint is None and erie.effective_size is None and erie.between_regions is None
    assert report.summary == {
        "cities": 5,
        "links": 3,
        "ties": 3,
        "density": pytest.approx(3 / 10),
        "components": 2,
        "isolated": 1,
    }


def test_ties_of_one_pair_merge_and_sum_and_ties_of_unlisted_cities_are_left_out():
    listed = cities(("Austin", "TX"), ("Boise", "ID"))
    ties = [
        tie(1, 2, "exchange", "Visit on 2026-01-01"),
        tie(2, 1, "convening", "Summit 2026", weight=2),
        tie(1, 99, "exchange", "with a trashed city"),
    ]
    report = measure(listed, ties)
    (link,) = report.links
    assert (link.a, link.b, link.weight) == (1, 2, 3.0)
    assert link.kinds == ("exchange", "convening")
    assert link.labels == ("Visit on 2026-01-01", "Summit 2026")
    assert report.summary["ties"] == 2


@checked
@given(
    st.integers(min_value=2, max_value=9).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.tuples(
                    st.integers(0, n - 1),
                    st.integers(0, n - 1),
                    st.integers(min_value=1, max_value=3),
                ),
                max_size=3 * n,
            ),
        )
    )
)
@example((4, [(0, 1, 1), (0, 2, 3), (2, 3, 3), (3, 1, 3)]))  # 1/3 + 1/3 + 1/3 ties with 1
def test_the_measures_match_networkx(network):
    n, pairs = network
    listed = [{"id": i + 1, "name": f"City {i}", "region": "AB"[i % 2]} for i in range(n)]
    ties = [tie(a + 1, b + 1, "exchange", "x", weight=w) for a, b, w in pairs if a != b]
    report = measure(listed, ties)
    graph = nx.Graph()
    graph.add_nodes_from(range(1, n + 1))
    for link in report.links:
        # Exact 1/weight, so equal paths tie exactly (as the engine's own lengths do).
        graph.add_edge(link.a, link.b, weight=link.weight, distance=Fraction(1, int(link.weight)))
    betweenness = nx.betweenness_centrality(graph, weight="distance", normalized=True)
    raw = nx.betweenness_centrality(graph, weight="distance", normalized=False)
    # The per-node path (`nodes=`), as cityweave/analytics/tests/test_structural_holes.py does.
    constraint = nx.constraint(graph, nodes=list(graph), weight="weight")
    effective = nx.effective_size(graph, nodes=list(graph), weight="weight")
    for p in report.positions:
        assert p.degree == graph.degree(p.id)
        assert p.betweenness == pytest.approx(float(raw[p.id]), abs=1e-9)
        if n > 2:
            assert p.betweenness_normalized == pytest.approx(float(betweenness[p.id]), abs=1e-9)
        if graph.degree(p.id):
            assert p.constraint == pytest.approx(constraint[p.id], abs=1e-9)
            assert p.effective_size == pytest.approx(effective[p.id], abs=1e-9)
        else:
            assert p.isolated and p.constraint is None
        # Brokerage between regions, by brute force over ordered pairs (a, b) through p (sna:
        # every undirected tie is two arcs).
        between = 0
        for a in graph.neighbors(p.id):
            for b in graph.neighbors(p.id):
                if a == b or graph.has_edge(a, b):
                    continue
                regions = {listed[a - 1]["region"], listed[b - 1]["region"], p.region}
                between += len(regions) > 1
        assert p.between_regions == between


# == From the database ===========================================================================


@pytest.fixture
def tacoma(network):
    return make_city(network, "Tacoma", "WA", 219_346, ["affordable-housing"])


def log(member, a, b, day=dt.date(2026, 3, 2)):
    return exchanges.save_exchange(
        member, {"city_a": a.pk, "city_b": b.pk, "kind": "visit", "date": day}
    )


def test_city_ties_reads_every_source_and_more_plug_in(
    ed, chattanooga, dayton, tacoma, monkeypatch
):
    log(ed, dayton, chattanooga)
    found = city_network.city_ties(ed.network)
    low, high = sorted((chattanooga.pk, dayton.pk))
    assert found == [CityTie(low, high, "exchange", 1.0, "Visit on 2026-03-02")]

    def guides(network):
        yield tie(tacoma.pk, dayton.pk, "guide", "Co-wrote a housing guide")

    monkeypatch.setattr(city_network, "TIE_SOURCES", [*city_network.TIE_SOURCES, guides])
    assert [t.kind for t in city_network.city_ties(ed.network)] == ["exchange", "guide"]
    assert city_network.known_cities(ed.network, dayton.pk) == {chattanooga.pk, tacoma.pk}


def test_a_trashed_exchange_is_no_tie(ed, chattanooga, dayton):
    exchange = log(ed, chattanooga, dayton)
    exchanges.trash_exchange(ed, exchange)
    assert city_network.city_ties(ed.network) == []


def test_matching_marks_cities_that_met_as_known_on_page_api_and_cli(
    otis, ed, chattanooga, dayton, tacoma
):
    dayton.challenge_rows.create(key="digital-inclusion")
    tacoma.challenge_rows.create(key="digital-inclusion")
    log(ed, chattanooga, dayton)
    page = client_for(otis).get(reverse("peers:matches", args=["midsize", chattanooga.pk]))
    assert page.status_code == 200
    rows = page.text.split("<tbody>")[1]
    dayton_row = rows[rows.index("Dayton") :].split("</tr>")[0]
    tacoma_row = rows[rows.index("Tacoma") :].split("</tr>")[0]
    assert "known" in dayton_row and "opportunity" in tacoma_row
    found = api_for(otis.user).get(
        reverse("api:network_city_matches", args=["midsize", chattanooga.pk])
    )
    status = {m["name"]: m["status"] for m in found.json()["matches"]}
    assert status == {"Dayton": "known", "Tacoma": "opportunity"}
    out = io.StringIO()
    call_command(
        "peers", "matches", "midsize", str(chattanooga.pk), "--as", otis.user.email, stdout=out
    )
    assert "Dayton, OH (known)" in out.getvalue() and "Tacoma, WA (opportunity)" in out.getvalue()


# == Page, API, CLI ==============================================================================


def test_every_seat_reads_the_page_with_its_map_and_tables(
    nadia, vera, otis, ed, chattanooga, dayton, tacoma
):
    log(ed, chattanooga, dayton)
    for member in (nadia, vera, otis):
        page = client_for(member).get(reverse("peers:city-network", args=["midsize"]))
        assert page.status_code == 200
        text = page.text
        assert "vendor/cytoscape.min.js" in text and 'id="city-network-data"' in text
        assert 'role="img"' in text and "Isolated cities" in text
        isolated = text.split('id="isolated"')[1].split("</section>")[0]
        assert "Tacoma" in isolated and "Dayton" not in isolated


def test_another_network_finds_no_city_network(carol, other_network, chattanooga):
    assert (
        client_for_user(carol).get(reverse("peers:city-network", args=["midsize"])).status_code
        == 404
    )
    api = api_for(carol)
    assert api.get(reverse("api:network_city_network", args=["midsize"])).status_code == 404


def test_the_api_and_cli_give_the_measures(otis, ed, chattanooga, dayton, tacoma):
    log(ed, chattanooga, dayton)
    body = api_for(otis.user).get(reverse("api:network_city_network", args=["midsize"])).json()
    assert body["summary"]["links"] == 1 and body["isolated"] == [tacoma.pk]
    assert {c["name"] for c in body["cities"]} == {"Chattanooga", "Dayton", "Tacoma"}
    out = io.StringIO()
    call_command(
        "city-network",
        "measures",
        "midsize",
        "--as",
        otis.user.email,
        "--format",
        "json",
        stdout=out,
    )
    rows = json.loads(out.getvalue())
    assert [r["isolated"] for r in rows] == [False, False, True]


def test_cities_that_attended_a_convening_together_are_tied(nadia, network, chattanooga, dayton):
    knoxville = make_city(network, "Knoxville", challenges=["fiscal-health"])
    tulsa = make_city(network, "Tulsa", "OK", challenges=["fiscal-health"])
    summit = make_convening(chattanooga, "Digital Inclusion Summit")
    for city, attended in ((chattanooga, True), (dayton, True), (knoxville, None), (tulsa, False)):
        make_delegate(make_delegation(summit, city), f"Delegate of {city.name}", attended=attended)
    # Tulsa's second delegate came: one who attended is enough.
    make_delegate(summit.delegations.get(city=tulsa), "Second of Tulsa", attended=True)
    ties = list(city_network.convening_ties(network))
    pairs = {(t.a, t.b) for t in ties}
    expected = {tuple(sorted(p)) for p in ((chattanooga.pk, dayton.pk), (chattanooga.pk, tulsa.pk),
                                           (dayton.pk, tulsa.pk))}  # fmt: skip
    assert pairs == expected and len(ties) == 3
    assert ties[0].label == "Attended “Digital Inclusion Summit” together (May 2026)"
    # A trashed convening ties no one; so the two cities are no longer known to each other.
    assert dayton.pk in city_network.known_cities(network, chattanooga.pk)
    summit.deleted_at = dt.datetime.now(dt.UTC)
    summit.save()
    assert list(city_network.convening_ties(network)) == []
    assert dayton.pk not in city_network.known_cities(network, chattanooga.pk)


def test_cities_that_wrote_a_guide_together_are_tied(nadia, network, chattanooga, dayton):
    knoxville = make_city(network, "Knoxville", challenges=["digital-inclusion"])
    make_guide(nadia, [chattanooga, dayton, knoxville], title="Digital navigators")
    make_guide(nadia, [chattanooga], title="Alone")
    ties = list(city_network.guide_ties(network))
    assert len(ties) == 3 and {t.kind for t in ties} == {"guide"}
    assert {t.label for t in ties} == {"Co-wrote the guide “Digital navigators”"}
    # The map and its measures read them: the co-authors are no longer isolated.
    report = city_network.city_network(network)
    (link,) = [link for link in report.links if {link.a, link.b} == {chattanooga.pk, dayton.pk}]
    assert link.kinds == ("guide",) and link.weight == 1
    assert dayton.pk not in {p.id for p in report.isolated}
