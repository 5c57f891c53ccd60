"""Peer matching: for a member city (and optionally one challenge), the peers that share its
challenges and the peers with a strength in them, ranked by a stated score, each with the
reason in plain words.

Pure functions over plain data (`CityFacts`), and one loader (`load_facts`) that reads a
network's live cities in three queries.

The score of peer b for city a (higher first)::

    score(a, b) = 3 · overlap(a, b) + 2 · help(a, b) + 1 · size(a, b) + 0.5 · region(a, b)

- the weight of challenge c (an inverse document frequency, smoothed so that a challenge every
  city faces still counts): w_c = ln(1 + N / n_c), N the number of cities in the network and n_c
  the number facing c (Spärck Jones 1972, "A statistical interpretation of term specificity");
- overlap(a, b) = Σ_{c ∈ A ∩ B} w_c / Σ_{c ∈ A ∪ B} w_c over the challenges A and B the two
  face (a weighted Jaccard index: 0 to 1, symmetric; 0 when neither faces any);
- help(a, b) = Σ_{c ∈ A ∩ S_b} w_c / Σ_{c ∈ A} w_c, S_b the challenges b has a strength in
  (directional: how much of what a faces b has made headway on; 0 to 1);
- size(a, b) = max(0, 1 − |log10(p_a / p_b)| / 2), p the populations (1 for the same size,
  0.5 for a factor of 10 apart, 0 at a factor of 100 or more, or when either is unknown);
- region(a, b) = 1 when both are in the same state or region of the same country, else 0.

A peer is listed when it shares a challenge with a or has a strength in one of a's challenges
(with a challenge given: when it faces that challenge or has a strength in it). A city never
matches itself. Past contact is a parameter: peers in `known` are marked "known", the others
"opportunity"; it does not change the score. Ties in score are broken by name, then id.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

from django.db.models import Prefetch

from cityweave.peers.models import CityNetwork, MemberCity, Strength

#: The score's weights: overlap, help, size, region (see the module's docstring).
WEIGHTS = {"overlap": 3.0, "help": 2.0, "size": 1.0, "region": 0.5}
#: Populations within this factor of each other are "similar size" in a reason.
SIMILAR_SIZE_FACTOR = 2.0


@dataclass(frozen=True)
class CityFacts:
    """What matching reads of a city: its challenges and strengths as challenge keys,
    population in people (None when unknown), region and country as written."""

    id: int
    name: str
    challenges: frozenset[str]
    strengths: frozenset[str] = frozenset()
    population: int | None = None
    region: str = ""
    country: str = ""


@dataclass(frozen=True)
class Match:
    """A peer of a city, its score and its parts (each 0 to 1 before weighting), the shared
    challenges, the city's challenges the peer has a strength in, whether they have met
    ("known") or not ("opportunity"), and why, in plain words."""

    peer: CityFacts
    score: float
    overlap: float
    help: float
    size: float
    region: float
    shared: tuple[str, ...]
    peer_strengths: tuple[str, ...]
    known: bool
    reason: str

    @property
    def status(self) -> str:
        return "known" if self.known else "opportunity"


def challenge_weights(cities: Iterable[CityFacts]) -> dict[str, float]:
    """w_c = ln(1 + N / n_c) for every challenge some city faces (N cities, n_c facing c)."""
    listed = list(cities)
    counts = Counter(key for city in listed for key in city.challenges)
    return {key: math.log(1 + len(listed) / n) for key, n in counts.items()}


def _total(keys: Iterable[str], weights: Mapping[str, float]) -> float:
    return sum(weights.get(key, 0.0) for key in keys)


def overlap(a: CityFacts, b: CityFacts, weights: Mapping[str, float]) -> float:
    """The rarity-weighted share of the two cities' challenges that both face (0 to 1)."""
    union = _total(a.challenges | b.challenges, weights)
    # min(): the two sums add floats in different orders, which may land a hair above 1.
    return min(1.0, _total(a.challenges & b.challenges, weights) / union) if union else 0.0


def help_score(a: CityFacts, b: CityFacts, weights: Mapping[str, float]) -> float:
    """The rarity-weighted share of a's challenges that b has a strength in (0 to 1)."""
    need = _total(a.challenges, weights)
    return min(1.0, _total(a.challenges & b.strengths, weights) / need) if need else 0.0


def size_similarity(a: CityFacts, b: CityFacts) -> float:
    """1 − |log10(p_a / p_b)| / 2, floored at 0; 0 when either population is unknown or zero."""
    if not a.population or not b.population:
        return 0.0
    return max(0.0, 1.0 - abs(math.log10(a.population / b.population)) / 2)


def same_region(a: CityFacts, b: CityFacts) -> float:
    """1 when both name the same (non-empty) region of the same country, else 0."""
    if not a.region or not b.region:
        return 0.0
    same = (
        a.region.casefold() == b.region.casefold() and a.country.casefold() == b.country.casefold()
    )
    return 1.0 if same else 0.0


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def reason(
    a: CityFacts,
    b: CityFacts,
    shared: Iterable[str],
    peer_strengths: Iterable[str],
    labels: Mapping[str, str],
) -> str:
    """Why b is a peer of a, in plain words: "Both face digital inclusion and workforce
    development; Chattanooga has a strength in digital inclusion; similar size; both in TN"."""
    parts = []
    names = [labels.get(k, k).lower() for k in shared]
    if names:
        parts.append(f"Both face {_and(names)}")
    names = [labels.get(k, k).lower() for k in peer_strengths]
    if names:
        parts.append(f"{b.name} has a strength in {_and(names)}")
    if a.population and b.population:
        ratio = max(a.population, b.population) / min(a.population, b.population)
        if ratio <= SIMILAR_SIZE_FACTOR:
            parts.append("similar size")
    if same_region(a, b):
        parts.append(f"both in {b.region}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:]


def matches(
    city: CityFacts,
    network: Collection[CityFacts],
    *,
    challenge: str = "",
    known: Collection[int] = (),
    labels: Mapping[str, str] | None = None,
) -> list[Match]:
    """The peers of `city` among the `network`'s cities (which may include `city` itself: it is
    left out), best first, by the score in the module's docstring. `challenge` keeps only peers
    facing it or with a strength in it; `known` holds the ids of cities `city` has met;
    `labels` names the challenge keys in reasons (the keys themselves otherwise)."""
    labels = labels or {}
    weights = challenge_weights(network)
    found = []
    for peer in network:
        if peer.id == city.id:
            continue
        shared = city.challenges & peer.challenges
        strengths = city.challenges & peer.strengths
        if challenge:
            if challenge not in peer.challenges and challenge not in peer.strengths:
                continue
        elif not shared and not strengths:
            continue
        parts = {
            "overlap": overlap(city, peer, weights),
            "help": help_score(city, peer, weights),
            "size": size_similarity(city, peer),
            "region": same_region(city, peer),
        }
        score = sum(WEIGHTS[name] * value for name, value in parts.items())
        # Rarest first in the reason: what sets the pair apart comes before what everyone shares.
        order = sorted(shared, key=lambda k: (-weights.get(k, 0.0), k))
        helped = sorted(strengths, key=lambda k: (-weights.get(k, 0.0), k))
        found.append(
            Match(
                peer=peer,
                score=round(score, 6),
                shared=tuple(order),
                peer_strengths=tuple(helped),
                known=peer.id in known,
                reason=reason(city, peer, order, helped, labels),
                **parts,
            )
        )
    return sorted(found, key=lambda m: (-m.score, m.peer.name.casefold(), m.peer.id))


def load_facts(network: CityNetwork) -> list[CityFacts]:
    """The network's live cities as CityFacts (challenges and live strengths); three queries."""
    rows = MemberCity.objects.filter(network=network).prefetch_related(
        "challenge_rows",
        Prefetch(
            "strengths", queryset=Strength.objects.only("city_id", "challenge"), to_attr="live"
        ),
    )
    return [
        CityFacts(
            id=city.pk,
            name=city.name,
            challenges=frozenset(row.key for row in city.challenge_rows.all()),
            strengths=frozenset(s.challenge for s in city.live),
            population=city.population,
            region=city.region,
            country=city.country,
        )
        for city in rows.order_by("name", "pk")
    ]
