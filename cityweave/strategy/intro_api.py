"""The JSON shapes of warm introductions and the next best relationship, for the strategy API
(`cityweave.strategy.api`), the CLI and the pages' JSON twins. No `from __future__ import
annotations` here: django-ninja reads the annotations at import time."""

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from ninja import Schema
from ninja.errors import ValidationError as NinjaValidationError

from cityweave.strategy.introductions import (
    MAX_BROKERS,
    UNKNOWN_TRUST,
    IntroductionPath,
    Introductions,
    repeated,
)
from cityweave.strategy.next_best import NextBest


class IntroductionStepOut(Schema):
    """A stakeholder along a path."""

    id: int
    name: str
    sector: str


class IntroductionPathOut(Schema):
    """One way to be introduced: `stakeholders` from the person you know (the one to ask) to the
    target; `trust`: each hop's rating 1–4 (null unrated, counted as 2), your own tie first;
    `product`: the product of the trust shares (rating ÷ 4), 0–1; `broker_load`: the interactions
    you can see that the person to ask took part in over the last 90 days; `broker_role`: their
    Gould–Fernandez role by sector (coordinator, itinerant, representative, gatekeeper, liaison)."""

    stakeholders: list[IntroductionStepOut]
    trust: list[int | None]
    product: float
    hops: int
    broker_load: int
    broker_role: str
    sentence: str


class IntroductionsOut(Schema):
    """Who can introduce you to a stakeholder, or to anyone in a sector, community or value type:
    the best paths (one per stakeholder for a group; at most `limit`); `targets` the
    stakeholders asked about whom you do not know yet, `reachable` those a path reaches,
    `found` the paths there are before the limit; `note` why nothing is shown."""

    kind: str
    value: str
    label: str
    targets: int
    reachable: int
    found: int
    max_brokers: int
    unknown_trust: float
    paths: list[IntroductionPathOut]
    note: str


class SectorDiversityOut(Schema):
    """Your own network by sector: the Blau index 1 − Σ p_k² (null when you know nobody yet),
    the count in each sector present, and the workspace's sectors missing."""

    blau: float | None
    counts: dict[str, int]
    missing: list[str]


class NextBestCandidateOut(Schema):
    """A relationship to start, its gains and score, the reason, and who can introduce it;
    `diversity_gain`: 1 for a sector missing from your network plus the rise (≥ 0) of its Blau
    index from `blau_before` to `blau_after` if you knew them."""

    id: int
    name: str
    sector: str
    score: float
    goals: list[str]
    uncovered_goals: int
    needs: list[str]
    goal_gain: float
    diversity_gain: float
    missing_sector: bool
    blau_before: float
    blau_after: float
    bridges: list[str]
    reason: str
    introduction: IntroductionPathOut | None


class NextBestOut(Schema):
    """The next best relationships, best first, and the diversity check; `grouping`: what
    bridging counts ("holes": the last network analysis's structural holes; "sectors" before
    any analysis)."""

    weights: dict[str, float]
    considered: int
    known: int
    grouping: str
    diversity: SectorDiversityOut
    candidates: list[NextBestCandidateOut]
    notes: list[str]


def query_checked(query: Any, names: Iterable[str]) -> None:
    """ValidationError naming each of `names` given more than once in the query string."""
    errors = repeated(query, names)
    if errors:
        raise ValidationError(errors)


def in_query(error: ValidationError) -> NinjaValidationError:
    """A service's ValidationError about query parameters as the API's 422 says it: each
    message at loc ["query", name], so `field` names the parameter (not ["body", …])."""
    return NinjaValidationError(
        [
            {"loc": ("query", name), "msg": message}
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    )


def path_out(path: IntroductionPath) -> dict[str, Any]:
    """A path as IntroductionPathOut (the product rounded to 6 decimals)."""
    return {
        "stakeholders": [
            {"id": node.id, "name": node.name, "sector": node.sector} for node in path.stakeholders
        ],
        "trust": list(path.ratings),
        "product": round(path.product, 6),
        "hops": path.hops,
        "broker_load": path.load,
        "broker_role": path.role,
        "sentence": path.sentence,
    }


def introductions_out(answer: Introductions) -> dict[str, Any]:
    """The answer as IntroductionsOut."""
    return {
        "kind": answer.kind,
        "value": answer.value,
        "label": answer.label,
        "targets": answer.targets,
        "reachable": answer.reachable,
        "found": answer.found,
        "max_brokers": MAX_BROKERS,
        "unknown_trust": UNKNOWN_TRUST,
        "paths": [path_out(path) for path in answer.paths],
        "note": answer.note,
    }


def next_best_out(found: NextBest) -> dict[str, Any]:
    """The list as NextBestOut (gains and scores rounded to 6 decimals)."""
    check = found.diversity
    return {
        "weights": found.weights,
        "considered": found.considered,
        "known": found.known,
        "grouping": found.grouping,
        "diversity": {
            "blau": None if check.blau is None else round(check.blau, 6),
            "counts": check.counts,
            "missing": check.missing,
        },
        "candidates": [
            {
                "id": c.id,
                "name": c.name,
                "sector": c.sector,
                "score": round(c.score, 6),
                "goals": list(c.goals),
                "uncovered_goals": c.uncovered_goals,
                "needs": list(c.needs),
                "goal_gain": round(c.goal_gain, 6),
                "diversity_gain": round(c.diversity_gain, 6),
                "missing_sector": c.missing_sector,
                "blau_before": round(c.blau_before, 6),
                "blau_after": round(c.blau_after, 6),
                "bridges": list(c.bridges),
                "reason": c.reason,
                "introduction": path_out(c.introduction) if c.introduction else None,
            }
            for c in found.candidates
        ],
        "notes": found.notes,
    }
