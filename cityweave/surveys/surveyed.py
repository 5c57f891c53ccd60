"""The surveyed network: the ties that submitted roster answers report, for the network map,
the engine and the survey results alike.

A survey tie is directed: its source (the respondent's organisation) reports it works with its
target. Ties to or from a stakeholder in the trash are left out, as are roster picks answered
"no relationship" on the level of collaboration (ratings given to such a partner still count
toward its scores: see scoring.py). Only submitted responses count; drafts never do.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet

from cityweave.surveys.instruments import RATING_ITEMS, Collaboration
from cityweave.surveys.models import SurveyTie, Wave
from cityweave.workspaces.models import Workspace


@dataclass(frozen=True)
class SurveyedTie:
    """One submitted roster answer: `source` reports a tie to `target` (stakeholder ids), with
    how often they interact and their level of collaboration (keys, "" when unanswered) and the
    six 1–4 ratings of the target (by item: power, involvement, resources, reliability, mission,
    openness; None when unanswered)."""

    source: int
    target: int
    frequency: str
    collaboration: str
    ratings: dict[str, int | None] = field(default_factory=dict)


def submitted_ties(wave: Wave) -> QuerySet[SurveyTie]:
    """The wave's survey ties from submitted responses between live stakeholders, "no
    relationship" picks included."""
    return SurveyTie.objects.filter(
        wave=wave,
        response__submitted_on__isnull=False,
        source__deleted_at__isnull=True,
        target__deleted_at__isnull=True,
    )


def surveyed_ties(wave: Wave) -> list[SurveyedTie]:
    """The wave's surveyed network as directed ties, ordered by (source, target); a pair
    reported by several respondents of the same organisation appears once per report."""
    rows = (
        submitted_ties(wave)
        .exclude(collaboration=Collaboration.NONE)
        .order_by("source_id", "target_id", "pk")
        .values_list("source_id", "target_id", "frequency", "collaboration", *RATING_ITEMS)
    )
    return [
        SurveyedTie(
            source=source,
            target=target,
            frequency=frequency,
            collaboration=collaboration,
            ratings=dict(zip(RATING_ITEMS, ratings, strict=True)),
        )
        for source, target, frequency, collaboration, *ratings in rows
    ]


def surveyed_waves(workspace: Workspace) -> QuerySet[Wave]:
    """The workspace's live waves of live surveys that have at least one submitted roster
    answer between live stakeholders, latest first (by closing day): the waves the map can show "as surveyed"."""
    return (
        Wave.objects.filter(
            workspace=workspace,
            survey__deleted_at__isnull=True,
            survey_ties__response__submitted_on__isnull=False,
            survey_ties__source__deleted_at__isnull=True,
            survey_ties__target__deleted_at__isnull=True,
        )
        .annotate(reported=Count("survey_ties", distinct=True))
        .order_by("-closes_on", "-pk")
    )
