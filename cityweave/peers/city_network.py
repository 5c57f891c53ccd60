"""The network of cities as a network: member cities tied by what they did together, and the
engine's measures on it (cityweave/analytics): who brokers between regions, who is isolated.

Ties come from sources, each a function of the network returning `CityTie`s (`TIE_SOURCES`):
the peer exchanges, the convenings attended together and the guides co-written. Every tie
between two cities counts: a pair with several ties is one edge whose weight is the sum of theirs
(each exchange, convening attended together and guide co-written weighs 1), and any tie makes
the two cities "known" to each other in peer matching.

Measures (cityweave/analytics, as DESIGN.md defines them), on the undirected weighted graph of
the live cities:

- degree: the number of cities a city is tied to; strength: the sum of its ties' weights;
- betweenness: shortest paths through the city with distance 1 / weight (a pair that met more
  often is closer), raw and normalised by (n − 1)(n − 2) / 2;
- Burt's constraint and effective size (none for a city without ties);
- Gould–Fernandez brokerage with the city's state or region as the group, counted as R's
  `sna::brokerage` does (an undirected tie is two arcs, so every brokered pair counts twice);
  "between regions" is every role but coordinator (itinerant + representative + gatekeeper +
  liaison): the ordered pairs of cities not tied to each other that the city links, where not
  all three are in one region;
- isolated: a city with no tie at all.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import F

from cityweave.analytics.analysis import analyze
from cityweave.analytics.brokerage import ROLES
from cityweave.peers.models import CityNetwork, Delegate, GuideAuthor, MemberCity, PeerExchange

#: Roles of Gould–Fernandez brokerage that link cities of different regions.
BETWEEN_REGION_ROLES = ("itinerant", "representative", "gatekeeper", "liaison")
#: The most brokers a page lists.
BROKERS_SHOWN = 10


@dataclass(frozen=True)
class CityTie:
    """One tie between two member cities: their ids (a < b), what kind of tie it is (such as
    "exchange"), its weight (> 0) and a label in plain words ("Visit on 2026-03-02")."""

    a: int
    b: int
    kind: str
    weight: float
    label: str

    def __post_init__(self) -> None:
        if not self.a < self.b:
            raise ValueError(
                f"a city tie names its cities in order (a < b), not {self.a}, {self.b}"
            )
        if not self.weight > 0:
            raise ValueError(f"a city tie weighs more than 0, not {self.weight}")


def tie(a: int, b: int, kind: str, label: str, weight: float = 1.0) -> CityTie:
    """A CityTie between cities `a` and `b` given in either order."""
    low, high = sorted((a, b))
    return CityTie(low, high, kind, weight, label)


def exchange_ties(network: CityNetwork) -> Iterable[CityTie]:
    """One tie of weight 1 per live peer exchange between two live cities; one query."""
    rows = (
        PeerExchange.objects.filter(
            network=network, city_a__deleted_at__isnull=True, city_b__deleted_at__isnull=True
        )
        .exclude(city_a=F("city_b"))
        .order_by("date", "pk")
        .values_list("city_a_id", "city_b_id", "kind", "date")
    )
    for a, b, kind, day in rows:
        yield tie(a, b, "exchange", f"{kind.replace('-', ' ').capitalize()} on {day:%Y-%m-%d}")


def _pairs(groups: dict[Any, set[int]]) -> Iterable[tuple[Any, int, int]]:
    """Every pair of cities (a < b) within each group, with the group's key."""
    for key, members in groups.items():
        ordered = sorted(members)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                yield key, a, b


def convening_ties(network: CityNetwork) -> Iterable[CityTie]:
    """One tie of weight 1 per live convening for each pair of live cities that attended it
    together: each had a live delegate marked as attended in a live delegation (a city whose
    attendance was not recorded does not count). One query."""
    rows = (
        Delegate.objects.filter(
            network=network,
            attended=True,
            delegation__deleted_at__isnull=True,
            delegation__convening__deleted_at__isnull=True,
            delegation__city__deleted_at__isnull=True,
        )
        .values_list(
            "delegation__convening_id",
            "delegation__convening__title",
            "delegation__convening__starts_on",
            "delegation__city_id",
        )
        .order_by("delegation__convening__starts_on", "delegation__convening_id")
    )
    groups: dict[tuple[int, str, Any], set[int]] = {}
    for convening, title, day, city in rows:
        groups.setdefault((convening, title, day), set()).add(city)
    for (_, title, day), a, b in _pairs(groups):
        yield tie(a, b, "convening", f"Attended “{title}” together ({day:%B %Y})")


def guide_ties(network: CityNetwork) -> Iterable[CityTie]:
    """One tie of weight 1 per live peer guide (draft, in review or published) for each pair of
    its live author cities: they wrote it together. One query."""
    rows = (
        GuideAuthor.objects.filter(
            guide__network=network, guide__deleted_at__isnull=True, city__deleted_at__isnull=True
        )
        .values_list("guide_id", "guide__title", "city_id")
        .order_by("guide_id")
    )
    groups: dict[tuple[int, str], set[int]] = {}
    for guide, title, city in rows:
        groups.setdefault((guide, title), set()).add(city)
    for (_, title), a, b in _pairs(groups):
        yield tie(a, b, "guide", f"Co-wrote the guide “{title}”")


#: Where ties come from: each function returns the ties of one kind for a network.
TIE_SOURCES: list[Callable[[CityNetwork], Iterable[CityTie]]] = [
    exchange_ties,
    convening_ties,
    guide_ties,
]


def city_ties(network: CityNetwork) -> list[CityTie]:
    """Every tie between the network's cities from every source in TIE_SOURCES, in source order."""
    return [found for source in TIE_SOURCES for found in source(network)]


def known_cities(network: CityNetwork, city_id: int) -> frozenset[int]:
    """The ids of the cities `city_id` has a tie with (any source): "known" in peer matching."""
    return frozenset(
        t.b if t.a == city_id else t.a for t in city_ties(network) if city_id in (t.a, t.b)
    )


@dataclass(frozen=True)
class CityLink:
    """The ties between one pair of cities, merged: the summed weight and each tie's label."""

    a: int
    b: int
    weight: float
    kinds: tuple[str, ...]
    labels: tuple[str, ...]


@dataclass(frozen=True)
class CityPosition:
    """A city's place in the network of cities (measures as in the module's docstring; None
    where a measure has no value, such as the constraint of an isolated city)."""

    id: int
    name: str
    region: str
    degree: int
    strength: float
    betweenness: float
    betweenness_normalized: float | None
    constraint: float | None
    effective_size: float | None
    brokerage: dict[str, int | None]
    between_regions: int | None

    @property
    def isolated(self) -> bool:
        return self.degree == 0

    @property
    def label(self) -> str:
        return f"{self.name}, {self.region}" if self.region else self.name


@dataclass(frozen=True)
class CityNetworkReport:
    """The network of cities: its cities' positions (by name), the merged links, its brokers
    (most between-region brokerage first, then betweenness; only cities that broker), its
    isolated cities and a summary (cities, links, ties, density, components)."""

    positions: list[CityPosition]
    links: list[CityLink]
    brokers: list[CityPosition]
    isolated: list[CityPosition]
    summary: dict[str, Any] = field(default_factory=dict)


def merge_ties(ties: Iterable[CityTie]) -> list[CityLink]:
    """One CityLink per pair of cities, weights summed, labels in the ties' order."""
    pairs: dict[tuple[int, int], list[CityTie]] = {}
    for found in ties:
        pairs.setdefault((found.a, found.b), []).append(found)
    return [
        CityLink(
            a,
            b,
            sum(t.weight for t in listed),
            tuple(dict.fromkeys(t.kind for t in listed)),
            tuple(t.label for t in listed),
        )
        for (a, b), listed in sorted(pairs.items())
    ]


def measure(cities: list[dict[str, Any]], ties: Iterable[CityTie]) -> CityNetworkReport:
    """The report for `cities` (dicts with `id`, `name`, `region`, in display order) and their
    `ties`; ties naming a city not listed (a trashed one) are left out. Pure: no query."""
    listed = {city["id"] for city in cities}
    links = [link for link in merge_ties(ties) if link.a in listed and link.b in listed]
    nodes = [
        {"id": c["id"], "label": c["name"], "region": (c.get("region") or "").strip() or None}
        for c in cities
    ]
    result = analyze(
        nodes,
        [(link.a, link.b, link.weight) for link in links],
        group="region",
        weight=True,
    )
    records = {record["id"]: record for record in result.nodes}
    positions = []
    for city in cities:
        record = records[city["id"]]
        roles = record.get("brokerage") or dict.fromkeys((*ROLES, "total"))
        between = (
            None
            if roles.get("total") is None
            else sum(int(roles[role] or 0) for role in BETWEEN_REGION_ROLES)
        )
        positions.append(
            CityPosition(
                id=city["id"],
                name=city["name"],
                region=city.get("region") or "",
                degree=int(record["degree"]),
                strength=float(record["strength"]),
                betweenness=float(record["betweenness"]),
                betweenness_normalized=record["betweenness_normalized"],
                constraint=record["constraint"],
                effective_size=record["effective_size"],
                brokerage={role: roles.get(role) for role in ROLES},
                between_regions=between,
            )
        )
    brokers = sorted(
        (p for p in positions if (p.between_regions or 0) > 0 or p.betweenness > 0),
        key=lambda p: (-(p.between_regions or 0), -p.betweenness, p.name.casefold(), p.id),
    )
    summary = {
        "cities": len(positions),
        "links": len(links),
        "ties": sum(len(link.labels) for link in links),
        "density": result.network["density"],
        "components": result.network["components"],
        "isolated": sum(1 for p in positions if p.isolated),
    }
    return CityNetworkReport(
        positions=positions,
        links=links,
        brokers=brokers[:BROKERS_SHOWN],
        isolated=[p for p in positions if p.isolated],
        summary=summary,
    )


def city_network(network: CityNetwork) -> CityNetworkReport:
    """The network of cities of `network`: its live cities by name and the ties of every source;
    one query for the cities plus one per tie source."""
    cities = list(
        MemberCity.objects.filter(network=network)
        .order_by("name", "region", "pk")
        .values("id", "name", "region")
    )
    return measure(cities, city_ties(network))
