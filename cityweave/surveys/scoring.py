"""Trust and value scores, and the surveyed network's measures, per wave.

The PARTNER rule (DESIGN.md, PARTNER-style trust and value; Varda et al., BMC Public Health
2016, doi 10.1186/s12889-016-3194-7, Table 1): a partner's **trust** score is the mean of every
rating others gave it on the three trust items (reliability, support of mission, openness to
discussion), each 1–4; its **value** score the same over the three value items (power and
influence, level of involvement, resource contribution). A missing answer is left out of the
mean, never counted as zero. Ratings given with "no relationship" still count (the respondent
picked the partner and rated it); a rating of oneself cannot be stored and is ignored anyway.

The functions here are pure: they take rows already read (`wave_ratings`, `surveyed_ties`) and
do no queries of their own, so a page costs the same number of queries for 5 or 500 answers.
Nothing is rounded here; pages round for display.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from cityweave.analytics import analyze
from cityweave.analytics.result import json_safe
from cityweave.surveys.instruments import TRUST_ITEMS, VALUE_ITEMS
from cityweave.surveys.models import Wave
from cityweave.surveys.surveyed import SurveyedTie, submitted_ties, surveyed_ties

#: The six rating fields, value items first.
RATING_FIELDS: tuple[str, ...] = (*(str(i) for i in VALUE_ITEMS), *(str(i) for i in TRUST_ITEMS))
TRUST_FIELDS: tuple[str, ...] = tuple(str(i) for i in TRUST_ITEMS)
VALUE_FIELDS: tuple[str, ...] = tuple(str(i) for i in VALUE_ITEMS)

#: The formulas, as pages, the API and the README state them.
FORMULAS = {
    "trust": "trust = mean of all ratings others gave the partner on reliability, support of "
    "mission and openness to discussion (1–4); missing answers left out",
    "value": "value = mean of all ratings others gave the partner on power and influence, "
    "level of involvement and resource contribution (1–4); missing answers left out",
    "raters": "raters = number of submitted responses that gave the partner at least one "
    "rating of that kind",
    "network_trust": "network trust = mean over rated partners of their trust scores (each "
    "partner counts once)",
    "network_value": "network value = mean over rated partners of their value scores (each "
    "partner counts once)",
    "density": "density = m / (n × (n − 1)): m reported ordered pairs, n partners (the wave's "
    "roster and anyone a tie names)",
    "reciprocity": "reciprocity = pairs reported by both ends / pairs reported by either end",
    "degree": "in-degree = partners that name it; out-degree = partners it names",
    "degree_centralization": "degree centralization (Freeman) = Σ (max degree − degree) / "
    "((n − 1)(n − 2)), on the network made undirected (a pair is tied if either end names "
    "the other)",
    "response_rate": "response rate = submitted responses / respondents invited × 100",
}


@dataclass(frozen=True)
class Rating:
    """One submitted roster answer's ratings: `response` (its id) rated `target` as `source`;
    the six items by field name, None where unanswered."""

    response: int
    source: int
    target: int
    ratings: dict[str, int | None]


def wave_ratings(wave: Wave) -> list[Rating]:
    """Every rating row of the wave's submitted responses between live stakeholders, "no
    relationship" picks included (one query)."""
    rows = (
        submitted_ties(wave)
        .order_by("target_id", "response_id")
        .values_list("response_id", "source_id", "target_id", *RATING_FIELDS)
    )
    return [
        Rating(
            response=response,
            source=source,
            target=target,
            ratings=dict(zip(RATING_FIELDS, values, strict=True)),
        )
        for response, source, target, *values in rows
    ]


def mean(values: Iterable[float | int | None]) -> float | None:
    """The mean of the values that are not None; None when there are none."""
    present = [value for value in values if value is not None]
    return sum(present) / len(present) if present else None


@dataclass(frozen=True)
class Score:
    """One kind of score (trust or value) of one partner: `score` the mean of every rating on
    the kind's three items, `items` each item's own mean, `raters` the responses that gave at
    least one of these ratings, `ratings` how many ratings in all. Scale 1–4; None unrated."""

    score: float | None
    items: dict[str, float | None]
    raters: int
    ratings: int


def _score(rows: Sequence[Rating], fields: Sequence[str]) -> Score:
    pooled: list[int] = []
    items: dict[str, float | None] = {}
    raters = set()
    for name in fields:
        given = [row.ratings[name] for row in rows if row.ratings[name] is not None]
        items[name] = mean(given)
        pooled.extend(value for value in given if value is not None)
    for row in rows:
        if any(row.ratings[name] is not None for name in fields):
            raters.add(row.response)
    return Score(score=mean(pooled), items=items, raters=len(raters), ratings=len(pooled))


@dataclass(frozen=True)
class PartnerScore:
    """A partner's trust and value in one wave; `flagged` when either comes from fewer raters
    than the survey's `min_raters` (a partner nobody rated is not listed)."""

    stakeholder: int
    trust: Score
    value: Score
    flagged: bool


def partner_scores(ratings: Iterable[Rating], min_raters: int) -> dict[int, PartnerScore]:
    """Trust and value per rated stakeholder id (formulas in FORMULAS); self-ratings ignored."""
    by_target: dict[int, list[Rating]] = defaultdict(list)
    for row in ratings:
        if row.source != row.target and any(v is not None for v in row.ratings.values()):
            by_target[row.target].append(row)
    scores = {}
    for target, rows in by_target.items():
        trust, value = _score(rows, TRUST_FIELDS), _score(rows, VALUE_FIELDS)
        flagged = any(s.raters < min_raters for s in (trust, value) if s.score is not None)
        scores[target] = PartnerScore(target, trust, value, flagged)
    return scores


@dataclass(frozen=True)
class NetworkScores:
    """The network's mean trust and value: the mean over rated partners of their scores (each
    partner once), beside the pooled mean of every rating (each rating once), for reference."""

    trust: float | None
    value: float | None
    pooled_trust: float | None
    pooled_value: float | None
    partners: int


def network_scores(scores: dict[int, PartnerScore], ratings: Iterable[Rating]) -> NetworkScores:
    """Network trust and value (FORMULAS["network_trust"], ["network_value"])."""
    rows = [row for row in ratings if row.source != row.target]
    return NetworkScores(
        trust=mean(s.trust.score for s in scores.values()),
        value=mean(s.value.score for s in scores.values()),
        pooled_trust=mean(row.ratings[f] for row in rows for f in TRUST_FIELDS),
        pooled_value=mean(row.ratings[f] for row in rows for f in VALUE_FIELDS),
        partners=len(scores),
    )


@dataclass(frozen=True)
class NetworkMeasures:
    """The surveyed network's structure: directed (who names whom) and, for the engine's
    measures, made undirected by joining a pair when either end names the other."""

    nodes: int
    ties: int
    pairs: int
    mutual_pairs: int
    density: float | None
    reciprocity: float | None
    in_degree: dict[int, int]
    out_degree: dict[int, int]
    engine: dict[str, Any] = field(default_factory=dict)
    node_measures: dict[int, dict[str, Any]] = field(default_factory=dict)


#: The engine's network measures the results show, by key in `analyze(...).network`.
ENGINE_MEASURES = (
    "components",
    "largest_component",
    "average_degree",
    "transitivity",
    "degree_centralization",
    "betweenness_centralization",
    "communities",
    "modularity",
)


def network_measures(
    ties: Iterable[SurveyedTie], roster: Iterable[int], *, engine: bool = True
) -> NetworkMeasures:
    """Degrees, density and reciprocity of the directed surveyed network (FORMULAS), and with
    `engine` the engine's measures (cityweave.analytics.analyze) on its undirected skeleton.

    n is the roster plus anyone a tie names; a pair reported several times counts once."""
    ordered = {(tie.source, tie.target) for tie in ties if tie.source != tie.target}
    nodes = set(roster) | {end for pair in ordered for end in pair}
    n = len(nodes)
    in_degree = dict.fromkeys(nodes, 0)
    out_degree = dict.fromkeys(nodes, 0)
    for source, target in ordered:
        out_degree[source] += 1
        in_degree[target] += 1
    unordered = {(min(pair), max(pair)) for pair in ordered}
    mutual = sum(1 for a, b in unordered if (a, b) in ordered and (b, a) in ordered)
    measures: dict[str, Any] = {}
    per_node: dict[int, dict[str, Any]] = {}
    if engine and n:
        result = analyze([{"id": node} for node in sorted(nodes)], sorted(unordered), weight=False)
        measures = {key: json_safe(result.network.get(key)) for key in ENGINE_MEASURES}
        per_node = {
            record["id"]: {
                "degree": record["degree"],
                "betweenness_normalized": record["betweenness_normalized"],
                "closeness": record["closeness"],
                "community": record["community"],
            }
            for record in result.nodes
        }
    return NetworkMeasures(
        nodes=n,
        ties=len(ordered),
        pairs=len(unordered),
        mutual_pairs=mutual,
        density=len(ordered) / (n * (n - 1)) if n > 1 else None,
        reciprocity=mutual / len(unordered) if unordered else None,
        in_degree=in_degree,
        out_degree=out_degree,
        engine=measures,
        node_measures=per_node,
    )


@dataclass(frozen=True)
class ScoreChange:
    """A partner's trust and value in two waves and the change (after − before; None when
    either is missing)."""

    stakeholder: int
    trust_before: float | None
    trust_after: float | None
    value_before: float | None
    value_after: float | None

    @property
    def trust_change(self) -> float | None:
        if self.trust_before is None or self.trust_after is None:
            return None
        return self.trust_after - self.trust_before

    @property
    def value_change(self) -> float | None:
        if self.value_before is None or self.value_after is None:
            return None
        return self.value_after - self.value_before


@dataclass(frozen=True)
class WaveChanges:
    """What changed from one wave (`before`) to a later one (`after`): ordered pairs new, lost
    and kept; each partner's scores in both; the network's means in both."""

    new: list[tuple[int, int]]
    lost: list[tuple[int, int]]
    kept: list[tuple[int, int]]
    partners: list[ScoreChange]
    network_before: NetworkScores
    network_after: NetworkScores


def wave_changes(
    ties_before: Iterable[SurveyedTie],
    ties_after: Iterable[SurveyedTie],
    scores_before: dict[int, PartnerScore],
    scores_after: dict[int, PartnerScore],
    network_before: NetworkScores,
    network_after: NetworkScores,
) -> WaveChanges:
    """Ties new, lost and kept by ordered pair (source names target), and scores before/after."""
    before = {(t.source, t.target) for t in ties_before}
    after = {(t.source, t.target) for t in ties_after}
    partners = []
    for stakeholder in sorted(set(scores_before) | set(scores_after)):
        old, new = scores_before.get(stakeholder), scores_after.get(stakeholder)
        partners.append(
            ScoreChange(
                stakeholder=stakeholder,
                trust_before=old.trust.score if old else None,
                trust_after=new.trust.score if new else None,
                value_before=old.value.score if old else None,
                value_after=new.value.score if new else None,
            )
        )
    return WaveChanges(
        new=sorted(after - before),
        lost=sorted(before - after),
        kept=sorted(after & before),
        partners=partners,
        network_before=network_before,
        network_after=network_after,
    )


@dataclass(frozen=True)
class WaveScores:
    """Everything scored for one wave, read in two queries (ratings and ties)."""

    wave: Wave
    ratings: list[Rating]
    partners: dict[int, PartnerScore]
    network: NetworkScores
    structure: NetworkMeasures
    ties: list[SurveyedTie]


def score_wave(wave: Wave, roster: Iterable[int], *, engine: bool = True) -> WaveScores:
    """Score `wave` (its survey loaded): partner and network scores and the network's measures,
    with `roster` the wave's live roster ids."""
    ratings = wave_ratings(wave)
    partners = partner_scores(ratings, wave.survey.min_raters)
    ties = surveyed_ties(wave)
    return WaveScores(
        wave=wave,
        ratings=ratings,
        partners=partners,
        network=network_scores(partners, ratings),
        structure=network_measures(ties, roster, engine=engine),
        ties=ties,
    )


def roster_ids(wave: Wave) -> list[int]:
    """The ids of the wave's live roster (one query)."""
    return list(wave.roster.filter(deleted_at=None).values_list("pk", flat=True))


def scored(wave: Wave) -> WaveScores:
    """The wave (its survey loaded) scored with its roster and the engine's measures (three
    queries)."""
    return score_wave(wave, roster_ids(wave))


def changes_between(before: Wave, after: Wave) -> WaveChanges:
    """Wave over wave: ties new, lost and kept, and each partner's trust and value in both
    (four queries; both waves' surveys loaded)."""
    old = score_wave(before, [], engine=False)
    new = score_wave(after, [], engine=False)
    return wave_changes(old.ties, new.ties, old.partners, new.partners, old.network, new.network)


def network_trends(
    waves: Sequence[Wave],
) -> list[tuple[Wave, NetworkScores, NetworkMeasures]]:
    """The network's trust and value, and its shape (without the engine's measures), in each
    wave, in the order given (three queries a wave)."""
    trends = []
    for wave in waves:
        scored = score_wave(wave, roster_ids(wave), engine=False)
        trends.append((wave, scored.network, scored.structure))
    return trends
