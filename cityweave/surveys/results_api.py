"""JSON API for survey results under /api/v1/workspaces/{slug}/surveys/…: scores, answers,
wave-over-wave changes.

No `from __future__ import annotations` here: django-ninja reads the annotations at import time.
Any member may read them (viewers too); another workspace's survey or wave answers 404. The
numbers are the results pages' own (scoring.py, results.py), unrounded.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from cityweave.surveys import results, scoring, services
from cityweave.surveys.instruments import QuestionKind
from cityweave.surveys.models import Wave
from cityweave.workspaces.api import QueryId, api_member

router = Router(tags=["survey results"])

#: A query string holding a NUL character is refused before any route runs (web/query.py).
NUL_IN_QUERY = {
    "responses": {
        "400": {
            "description": "A query parameter holds a NUL character; the error names it.",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/FieldErrors"}}
            },
        }
    }
}
WAVE_PATH = "/{slug}/surveys/{int:survey_id}/waves/{int:wave_id}"


class ResultsWaveOut(Schema):
    """The wave the figures are of."""

    id: int
    survey: int
    name: str
    opens_on: dt.date
    closes_on: dt.date


class ResultsScoreOut(Schema):
    """A trust or value score: the mean of the ratings on its three items (1–4), each item's
    mean, the responses that gave at least one of them, and how many ratings in all."""

    score: float | None
    items: dict[str, float | None]
    raters: int
    ratings: int


class ResultsPartnerScoreOut(Schema):
    """One rated partner's trust and value; `flagged` when scored by fewer than the survey's
    `min_raters`."""

    stakeholder: int
    name: str
    trust: ResultsScoreOut
    value: ResultsScoreOut
    flagged: bool
    in_degree: int
    out_degree: int


class ResultsNetworkScoresOut(Schema):
    """Network trust and value (the mean over rated partners of their scores), and the pooled
    mean of every rating for reference."""

    trust: float | None
    value: float | None
    pooled_trust: float | None
    pooled_value: float | None
    partners: int


class ResultsScoresOut(Schema):
    """A wave's scores, with the formulas they follow."""

    wave: ResultsWaveOut
    min_raters: int
    formulas: dict[str, str]
    network: ResultsNetworkScoresOut
    partners: list[ResultsPartnerScoreOut]


class ResultsStructureOut(Schema):
    """The surveyed network: directed counts, density and reciprocity, and the engine's
    measures on its undirected skeleton (a pair tied when either end names the other)."""

    nodes: int
    ties: int
    pairs: int
    mutual_pairs: int
    density: float | None
    reciprocity: float | None
    engine: dict[str, Any]


class ResultsCountsOut(Schema):
    """Respondents invited and responded, responses submitted and drafts; rate in percent."""

    respondents: int
    responded: int
    submitted: int
    drafts: int
    rate: float | None


class ResultsBarOut(Schema):
    """One bar: a scale point or a choice, and its count."""

    label: str
    count: int


class ResultsDistributionOut(Schema):
    """How one question was answered."""

    question: int
    text: str
    kind: str
    per_partner: bool
    answered: int
    bars: list[ResultsBarOut]
    mean: float | None
    smallest: float | None
    largest: float | None


class WaveResultsOut(Schema):
    """A wave's results: response counts, distributions, and (a survey with a roster) its
    network scores and structure."""

    wave: ResultsWaveOut
    responses: ResultsCountsOut
    network: ResultsNetworkScoresOut | None
    structure: ResultsStructureOut | None
    distributions: list[ResultsDistributionOut]
    formulas: dict[str, str]


class ResultsOpenAnswerOut(Schema):
    """A text answer; `answered_by` empty for an anonymous survey."""

    question: int
    question_text: str
    text: str
    answered_by: str


class ResultsOpenAnswersOut(Schema):
    """Text answers containing `q` (all without), at most 200, and how many matched."""

    matched: int
    answers: list[ResultsOpenAnswerOut]


class ResultsOpenAnswerFilters(Schema):
    """Search in the text answers."""

    q: str = Field(default="", max_length=200, description="Text the answers contain.")


class ResultsPartnerChangeOut(Schema):
    """A partner's trust and value in both waves; change = after − before."""

    stakeholder: int
    name: str
    trust_before: float | None
    trust_after: float | None
    trust_change: float | None
    value_before: float | None
    value_after: float | None
    value_change: float | None


class ResultsTieOut(Schema):
    """An ordered pair: `source` named `target` on the roster."""

    source: int
    target: int
    source_name: str
    target_name: str


class ResultsChangesOut(Schema):
    """Wave over wave, `since` → `wave`."""

    since: ResultsWaveOut
    wave: ResultsWaveOut
    network_before: ResultsNetworkScoresOut
    network_after: ResultsNetworkScoresOut
    new: list[ResultsTieOut]
    lost: list[ResultsTieOut]
    kept: int
    partners: list[ResultsPartnerChangeOut]


class ResultsChangeFilters(Schema):
    """Which earlier wave to compare with: by default the one just before."""

    since: QueryId | None = Field(default=None, description="An earlier wave of the survey.")


class ResultsNetworkNodeOut(Schema):
    """A partner of the surveyed network: its scores (null when unrated), degrees, and the
    engine's measures on the undirected network."""

    id: int
    name: str
    trust: float | None
    value: float | None
    flagged: bool
    in_degree: int
    out_degree: int
    betweenness_normalized: float | None
    community: int | None


class ResultsNetworkTieOut(Schema):
    """A roster answer: `source` named `target`, how often they interact, their level of
    collaboration and the six ratings (null where unanswered)."""

    source: int
    target: int
    frequency: str
    collaboration: str
    ratings: dict[str, int | None]


class ResultsNetworkOut(Schema):
    """The wave's surveyed network, for a map: partners and the directed ties they reported."""

    wave: ResultsWaveOut
    nodes: list[ResultsNetworkNodeOut]
    ties: list[ResultsNetworkTieOut]


class ResultsTrendPointOut(Schema):
    """One wave's figure."""

    wave: int
    wave_name: str
    value: float | None


class ResultsTrendOut(Schema):
    """A figure across the survey's waves, on a low–high scale."""

    name: str
    low: float
    high: float
    formula: str
    points: list[ResultsTrendPointOut]


def _wave(wave: Wave) -> dict[str, Any]:
    return {
        "id": wave.pk,
        "survey": wave.survey_id,
        "name": wave.name,
        "opens_on": wave.opens_on,
        "closes_on": wave.closes_on,
    }


def _score(score: scoring.Score) -> dict[str, Any]:
    return {
        "score": score.score,
        "items": score.items,
        "raters": score.raters,
        "ratings": score.ratings,
    }


def _network(network: scoring.NetworkScores) -> dict[str, Any]:
    return {
        "trust": network.trust,
        "value": network.value,
        "pooled_trust": network.pooled_trust,
        "pooled_value": network.pooled_value,
        "partners": network.partners,
    }


def _has_roster(asked: list[Any]) -> bool:
    return any(q.kind == QuestionKind.ROSTER for q in asked)


@router.get(f"{WAVE_PATH}/scores", response=ResultsScoresOut, url_name="survey_scores")
def survey_scores(request: HttpRequest, slug: str, survey_id: int, wave_id: int) -> Any:
    """Each rated partner's trust and value in the wave, and the network's, by partner name."""
    wave = results.get_wave(api_member(request, slug), survey_id, wave_id)
    scored = scoring.scored(wave)
    names = results.names(scored.partners)
    structure = scored.structure
    partners = [
        {
            "stakeholder": pk,
            "name": names.get(pk, ""),
            "trust": _score(score.trust),
            "value": _score(score.value),
            "flagged": score.flagged,
            "in_degree": structure.in_degree.get(pk, 0),
            "out_degree": structure.out_degree.get(pk, 0),
        }
        for pk, score in sorted(
            scored.partners.items(), key=lambda item: (names.get(item[0], "").casefold(), item[0])
        )
    ]
    return {
        "wave": _wave(wave),
        "min_raters": wave.survey.min_raters,
        "formulas": scoring.FORMULAS,
        "network": _network(scored.network),
        "partners": partners,
    }


@router.get(f"{WAVE_PATH}/results", response=WaveResultsOut, url_name="wave_results")
def wave_results(request: HttpRequest, slug: str, survey_id: int, wave_id: int) -> Any:
    """The wave's response counts, each question's distribution, and its network's scores and
    measures (null for a survey without a roster question)."""
    wave = results.get_wave(api_member(request, slug), survey_id, wave_id)
    asked = results.questions(wave.survey)
    counts = results.response_counts(wave)
    network = structure = None
    if _has_roster(asked):
        scored = scoring.scored(wave)
        network = _network(scored.network)
        s = scored.structure
        structure = {
            "nodes": s.nodes,
            "ties": s.ties,
            "pairs": s.pairs,
            "mutual_pairs": s.mutual_pairs,
            "density": s.density,
            "reciprocity": s.reciprocity,
            "engine": s.engine,
        }
    return {
        "wave": _wave(wave),
        "responses": {**counts.__dict__, "rate": counts.rate},
        "network": network,
        "structure": structure,
        "distributions": [
            {
                "question": d.question.pk,
                "text": d.question.text,
                "kind": d.question.kind,
                "per_partner": d.question.per_partner,
                "answered": d.answered,
                "bars": [{"label": label, "count": count} for label, count in d.bars],
                "mean": d.mean,
                "smallest": d.smallest,
                "largest": d.largest,
            }
            for d in results.distributions(wave, asked)
        ],
        "formulas": scoring.FORMULAS,
    }


@router.get(
    f"{WAVE_PATH}/open-answers",
    response=ResultsOpenAnswersOut,
    url_name="survey_open_answers",
    openapi_extra=NUL_IN_QUERY,
)
def survey_open_answers(
    request: HttpRequest,
    slug: str,
    survey_id: int,
    wave_id: int,
    filters: Query[ResultsOpenAnswerFilters],
) -> Any:
    """The wave's text answers containing `q` (case ignored); an anonymous survey's name nobody."""
    wave = results.get_wave(api_member(request, slug), survey_id, wave_id)
    found, matched = results.open_answers(wave, results.questions(wave.survey), filters.q)
    return {
        "matched": matched,
        "answers": [
            {
                "question": a.question.pk,
                "question_text": a.question.text,
                "text": a.text,
                "answered_by": a.answered_by,
            }
            for a in found
        ],
    }


@router.get(
    f"{WAVE_PATH}/changes",
    response=ResultsChangesOut,
    url_name="wave_changes",
    openapi_extra=NUL_IN_QUERY,
)
def wave_changes(
    request: HttpRequest,
    slug: str,
    survey_id: int,
    wave_id: int,
    filters: Query[ResultsChangeFilters],
) -> Any:
    """What changed since an earlier wave (`since`, by default the one just before): ties new
    and lost, each partner's trust and value in both. 422 naming `since` when there is none."""
    wave = results.get_wave(api_member(request, slug), survey_id, wave_id)
    waves = results.survey_waves(wave.survey)
    earlier = [w for w in waves if (w.opens_on, w.pk) < (wave.opens_on, wave.pk)]
    if filters.since is None:
        since = earlier[-1] if earlier else None
    else:
        since = next((w for w in earlier if w.pk == filters.since), None)
    if since is None:
        raise ValidationError({"since": "Give an earlier wave of this survey to compare with."})
    changes = scoring.changes_between(since, wave)
    ids = {end for pair in (*changes.new, *changes.lost) for end in pair}
    names = results.names(ids | {p.stakeholder for p in changes.partners})

    def tie(pair: tuple[int, int]) -> dict[str, Any]:
        source, target = pair
        return {
            "source": source,
            "target": target,
            "source_name": names.get(source, ""),
            "target_name": names.get(target, ""),
        }

    return {
        "since": _wave(since),
        "wave": _wave(wave),
        "network_before": _network(changes.network_before),
        "network_after": _network(changes.network_after),
        "new": [tie(pair) for pair in changes.new],
        "lost": [tie(pair) for pair in changes.lost],
        "kept": len(changes.kept),
        "partners": [
            {
                "stakeholder": p.stakeholder,
                "name": names.get(p.stakeholder, ""),
                "trust_before": p.trust_before,
                "trust_after": p.trust_after,
                "trust_change": p.trust_change,
                "value_before": p.value_before,
                "value_after": p.value_after,
                "value_change": p.value_change,
            }
            for p in changes.partners
        ],
    }


@router.get(f"{WAVE_PATH}/network", response=ResultsNetworkOut, url_name="wave_network")
def wave_network(request: HttpRequest, slug: str, survey_id: int, wave_id: int) -> Any:
    """The wave's surveyed network: its roster and anyone named, with scores and degrees, and
    every submitted roster answer as a directed tie ("no relationship" picks left out)."""
    wave = results.get_wave(api_member(request, slug), survey_id, wave_id)
    scored = scoring.scored(wave)
    structure = scored.structure
    names = results.names(structure.in_degree)
    nodes = []
    for pk in sorted(structure.in_degree, key=lambda pk: (names.get(pk, "").casefold(), pk)):
        score = scored.partners.get(pk)
        engine = structure.node_measures.get(pk, {})
        nodes.append(
            {
                "id": pk,
                "name": names.get(pk, ""),
                "trust": score.trust.score if score else None,
                "value": score.value.score if score else None,
                "flagged": score.flagged if score else False,
                "in_degree": structure.in_degree[pk],
                "out_degree": structure.out_degree[pk],
                "betweenness_normalized": engine.get("betweenness_normalized"),
                "community": engine.get("community"),
            }
        )
    return {
        "wave": _wave(wave),
        "nodes": nodes,
        "ties": [
            {
                "source": tie.source,
                "target": tie.target,
                "frequency": tie.frequency,
                "collaboration": tie.collaboration,
                "ratings": tie.ratings,
            }
            for tie in scored.ties
        ],
    }


@router.get(
    "/{slug}/surveys/{int:survey_id}/trends",
    response=list[ResultsTrendOut],
    url_name="survey_trends",
)
def survey_trends(request: HttpRequest, slug: str, survey_id: int) -> Any:
    """Network trust and value (a survey with a roster) and each rating question's mean, wave
    by wave, first opened first."""
    survey = services.get_survey(api_member(request, slug), survey_id)
    waves = results.survey_waves(survey)
    asked = results.questions(survey)
    trends = results.survey_trends(waves, asked)
    return [
        {
            "name": t.name,
            "low": t.low,
            "high": t.high,
            "formula": t.formula,
            "points": [
                {"wave": p.wave.pk, "wave_name": p.wave.name, "value": p.value} for p in t.points
            ],
        }
        for t in trends
    ]
