"""Shortest-path measures: betweenness and closeness, exact or estimated from sampled sources.

Weights mean strength, so a path's length is the sum of 1/weight over its ties. Summing
floating-point reciprocals makes equal paths unequal (1/3 + 1/3 + 1/3 != 1), which changes
which paths count as shortest. So lengths are computed on exact integers:

- If every weight is a small fraction (a multiple of 1/d for some d <= 1,000, which includes all
  integer weights and decimals such as 2.5), each tie's length is L/(w*d) where L is the least
  common multiple of all the w*d: an exact integer proportional to 1/w. Equal paths are equal.
- Otherwise (or when L would exceed 2**20) each length is round(2**20 * w_max / w): 1/w to a
  relative precision of about one part in a million, so paths within that precision tie.
- If every weight is equal, paths are counted in hops.

Closeness is reported in units of 1/weight (or hops when unweighted): 1 / the mean length of the
shortest paths from the stakeholder to everyone it can reach (out-going paths when directed).
Someone who reaches no one has no closeness (None).

Estimates (`fast`) take a seeded sample of k source stakeholders, drawn without replacement.
Betweenness adds up the dependencies of the sampled sources and scales by n/k (Brandes and
Pich's unbiased estimator); its standard error is n times the standard error of the mean
dependency. Closeness averages the lengths of paths to the sampled stakeholders (exact for
stakeholders that reach fewer than ten of them: they sit in small pieces of the network); its
error follows from the spread of those lengths. Both errors include the finite-population
correction sqrt(1 - k/n).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import igraph as ig
import numpy as np
from scipy import sparse

EXACT_LIMIT = 2**20
MAX_DENOMINATOR = 1000
DISTANCE_ROWS_PER_BATCH = 5_000_000
MIN_SAMPLED_REACH = 10
LENGTH_ATTRIBUTE = "length"


@dataclass(frozen=True)
class PathLengths:
    """Integer tie lengths for igraph (None: count hops) and the divisor that turns them into 1/weight."""

    lengths: list[float] | None
    divisor: float
    exact: bool


@dataclass(frozen=True)
class PathMeasures:
    """Betweenness (raw) and closeness per node, with standard errors when estimated."""

    betweenness: np.ndarray
    closeness: np.ndarray
    betweenness_error: np.ndarray | None
    closeness_error: np.ndarray | None
    sources: int


def path_lengths(weights: np.ndarray | None) -> PathLengths:
    """Turn strengths into integer lengths proportional to 1/weight (see the module docstring)."""
    if weights is None or len(weights) == 0:
        return PathLengths(None, 1.0, True)
    distinct = np.unique(weights)
    if len(distinct) == 1:
        return PathLengths(None, float(distinct[0]), True)
    exact = _exact_lengths(distinct)
    if exact is not None:
        multiple, scaled = exact
        lookup = dict(zip(distinct.tolist(), scaled, strict=True))
        lengths = [float(multiple // lookup[w]) for w in weights.tolist()]
        # A length multiple/(w*d) stands for 1/w, so 1/w = length * d / multiple.
        denominator = scaled[0] / float(distinct[0])
        return PathLengths(lengths, multiple / denominator, True)
    strongest, weakest = float(distinct[-1]), float(distinct[0])
    # Integer sums stay exact in floating point below 2**53; keep every path length under it.
    scale = min(float(EXACT_LIMIT), 2.0**52 / ((strongest / weakest) * max(len(weights), 1)))
    scale = max(scale, 1.0)
    lengths_array = np.maximum(np.rint(scale * strongest / weights), 1.0)
    return PathLengths(lengths_array.tolist(), scale * strongest, False)


def _exact_lengths(distinct: np.ndarray) -> tuple[int, list[int]] | None:
    """(L, [w*d]) when every weight is a fraction with a small common denominator d, else None."""
    if len(distinct) > MAX_DENOMINATOR:
        return None
    fractions = []
    for value in distinct.tolist():
        fraction = Fraction(value).limit_denominator(MAX_DENOMINATOR)
        if float(fraction) != value or fraction <= 0:
            return None
        fractions.append(fraction)
    denominator = math.lcm(*(fraction.denominator for fraction in fractions))
    if denominator > EXACT_LIMIT:
        return None
    scaled = [int(fraction * denominator) for fraction in fractions]
    multiple = 1
    for value in scaled:
        multiple = math.lcm(multiple, value)
        if multiple > EXACT_LIMIT:
            return None
    return multiple, scaled


def exact_path_measures(graph: ig.Graph, lengths: PathLengths) -> PathMeasures:
    """Betweenness and closeness from every source."""
    n = graph.vcount()
    if n == 0:
        empty = np.zeros(0)
        return PathMeasures(empty, empty, None, None, 0)
    betweenness = np.array(graph.betweenness(weights=lengths.lengths, directed=True), dtype=float)
    mode = "out" if graph.is_directed() else "all"
    closeness = np.array(
        graph.closeness(weights=lengths.lengths, mode=mode, normalized=True), dtype=float
    )
    return PathMeasures(betweenness, closeness * lengths.divisor, None, None, n)


def sampled_path_measures(
    graph: ig.Graph, lengths: PathLengths, sample_size: int, seed: int
) -> PathMeasures:
    """Betweenness and closeness estimated from `sample_size` seeded sources (exact if that is all)."""
    n = graph.vcount()
    if sample_size >= n:
        return exact_path_measures(graph, lengths)
    rng = np.random.default_rng(seed)
    sources = np.sort(rng.choice(n, size=sample_size, replace=False))
    correction = math.sqrt(1.0 - sample_size / n)

    # One source at a time: each source's dependencies are one draw, whose spread gives the error.
    # The lengths ride on a copy as an edge attribute, which igraph reads faster than it converts
    # a Python list, once per source.
    measured = graph.copy()
    weights = None
    if lengths.lengths is not None:
        measured.es[LENGTH_ATTRIBUTE] = lengths.lengths
        weights = LENGTH_ATTRIBUTE
    total = np.zeros(n)
    squares = np.zeros(n)
    for source in sources.tolist():
        dependency = np.array(
            measured.betweenness(weights=weights, directed=True, sources=[source]), dtype=float
        )
        total += dependency
        squares += dependency**2
    mean = total / sample_size
    variance = np.maximum(squares / sample_size - mean**2, 0.0) * sample_size / (sample_size - 1)
    betweenness = n * mean
    betweenness_error = n * np.sqrt(variance / sample_size) * correction

    closeness, closeness_error = _sampled_closeness(graph, lengths, sources, correction)
    return PathMeasures(betweenness, closeness, betweenness_error, closeness_error, sample_size)


def _sampled_closeness(
    graph: ig.Graph, lengths: PathLengths, sources: np.ndarray, correction: float
) -> tuple[np.ndarray, np.ndarray]:
    n = graph.vcount()
    total = np.zeros(n)
    squares = np.zeros(n)
    reached = np.zeros(n)
    # Imported here: csgraph adds a tenth of a second to every start-up, and only `fast` needs it.
    from scipy.sparse import csgraph

    # Lengths *to* the sampled nodes, so a directed graph gets out-going closeness: Dijkstra from
    # each sampled node over the reversed arcs. scipy hands back a numpy matrix; igraph's
    # `distances` builds Python lists, which at 100,000 stakeholders costs more than the search.
    reversed_arcs = _reversed_length_matrix(graph, lengths)
    rows = max(1, DISTANCE_ROWS_PER_BATCH // max(n, 1))
    for start in range(0, len(sources), rows):
        chunk = sources[start : start + rows]
        matrix = csgraph.dijkstra(reversed_arcs, directed=True, indices=chunk)
        matrix[np.arange(len(chunk)), chunk] = np.inf
        finite = np.isfinite(matrix)
        matrix = np.where(finite, matrix / lengths.divisor, 0.0)
        total += matrix.sum(axis=0)
        squares += (matrix**2).sum(axis=0)
        reached += finite.sum(axis=0)

    with np.errstate(divide="ignore", invalid="ignore"):
        mean = total / reached
        closeness = np.where(reached > 0, 1.0 / mean, np.nan)
        variance = np.where(reached > 1, (squares - reached * mean**2) / (reached - 1), 0.0)
        standard_error = np.sqrt(np.maximum(variance, 0.0) / reached) * correction
        closeness_error = np.where(reached > 0, closeness**2 * standard_error, np.nan)

    # Nodes that reach few sampled sources sit in small pieces of the network, where an estimate
    # would rest on a handful of lengths and exact closeness is cheap.
    unreached = np.flatnonzero(reached < MIN_SAMPLED_REACH).tolist()
    if unreached:
        directed_mode = "out" if graph.is_directed() else "all"
        exact = graph.closeness(
            vertices=unreached, weights=lengths.lengths, mode=directed_mode, normalized=True
        )
        closeness[unreached] = np.array(exact, dtype=float) * lengths.divisor
        closeness_error[unreached] = 0.0
    return closeness, closeness_error


def _reversed_length_matrix(graph: ig.Graph, lengths: PathLengths) -> sparse.csr_matrix:
    """Sparse [to, from] matrix of tie lengths (1 per hop when unweighted), both ways if undirected."""
    n = graph.vcount()
    ends = np.array(graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    values = np.ones(len(ends)) if lengths.lengths is None else np.array(lengths.lengths)
    origins, destinations = ends[:, 1], ends[:, 0]
    if not graph.is_directed():
        origins, destinations = (
            np.concatenate((origins, destinations)),
            np.concatenate((destinations, origins)),
        )
        values = np.concatenate((values, values))
    # The graph is simple (ties merged), so no entry is summed with another.
    return sparse.csr_matrix((values, (origins, destinations)), shape=(n, n))
