"""Results of a wave: response counts, per-question distributions, open answers and trends
across waves, read for the members of the survey's workspace (scores: scoring.py).

Every function reads a fixed number of queries, whatever the number of answers. Anonymous
surveys' open answers carry no identity (their responses have none to give).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from cityweave.engagement.services import workspace_today
from cityweave.stakeholders.models import Stakeholder
from cityweave.surveys import scoring
from cityweave.surveys.instruments import PARTNER_MEASURES, QuestionKind
from cityweave.surveys.models import Answer, Question, Respondent, Survey, SurveyTie, Wave
from cityweave.surveys.scoring import NetworkScores, mean, score_wave, wave_changes
from cityweave.surveys.surveyed import submitted_ties, surveyed_waves
from cityweave.workspaces.models import Membership, Workspace

TEXT_KINDS = (QuestionKind.SHORT_TEXT, QuestionKind.LONG_TEXT)
#: Open answers listed on a page at most (the search narrows them).
OPEN_ANSWERS_SHOWN = 200


def get_wave(member: Membership, survey_id: int, pk: int) -> Wave:
    """The live wave `pk` of the member's live survey `survey_id`, its survey loaded; 404
    otherwise (another workspace's too)."""
    wave = (
        Wave.objects.select_related("survey")
        .filter(
            workspace=member.workspace,
            # Through the survey's own id, whose lookup Django keeps within the column's range.
            survey__pk=survey_id,
            pk=pk,
            deleted_at=None,
            survey__deleted_at=None,
        )
        .first()
    )
    if wave is None:
        raise Http404("No such wave")
    return wave


def survey_waves(survey: Survey) -> list[Wave]:
    """The survey's live waves, first opened first, with their survey set (one query)."""
    waves = list(survey.waves.filter(deleted_at=None).order_by("opens_on", "pk"))
    for wave in waves:
        wave.survey = survey
    return waves


def previous_wave(wave: Wave, waves: Sequence[Wave]) -> Wave | None:
    """The wave of the same survey that opened just before `wave`, if any."""
    earlier = [w for w in waves if (w.opens_on, w.pk) < (wave.opens_on, wave.pk)]
    return earlier[-1] if earlier else None


def names(ids: Iterable[int]) -> dict[int, str]:
    """Stakeholder names by id (one query)."""
    return dict(Stakeholder.objects.filter(pk__in=set(ids)).values_list("pk", "name"))


@dataclass(frozen=True)
class ResponseCounts:
    """A wave's respondents invited and those who submitted, and its responses submitted and
    still drafts (an open link's included); `rate` in percent, None without respondents."""

    respondents: int
    responded: int
    submitted: int
    drafts: int

    @property
    def rate(self) -> float | None:
        return self.responded / self.respondents * 100 if self.respondents else None


def response_counts(wave: Wave) -> ResponseCounts:
    """How many were asked and answered (two queries); response rate = responded /
    respondents × 100."""
    asked = Respondent.objects.filter(wave=wave, deleted_at=None).aggregate(
        respondents=Count("pk"), responded=Count("pk", filter=Q(responded=True))
    )
    answered = wave.responses.aggregate(
        submitted=Count("pk", filter=Q(submitted_on__isnull=False)),
        drafts=Count("pk", filter=Q(submitted_on__isnull=True)),
    )
    return ResponseCounts(
        respondents=asked["respondents"],
        responded=asked["responded"],
        submitted=answered["submitted"],
        drafts=answered["drafts"],
    )


def questions(survey: Survey) -> list[Question]:
    """The survey's live questions in order (one query)."""
    return list(survey.questions.filter(deleted_at=None).order_by("position", "pk"))


def submitted_answers(wave: Wave) -> QuerySet[Answer]:
    """The answers of the wave's submitted responses."""
    return Answer.objects.filter(
        response__wave=wave, response__submitted_on__isnull=False, question__deleted_at=None
    )


@dataclass
class Distribution:
    """How a question was answered: `bars` (label, count) in the scale's or the choices' order,
    `answered` how many answers; `mean`, `smallest`, `largest` for a scale or number."""

    question: Question
    answered: int = 0
    bars: list[tuple[str, int]] = field(default_factory=list)
    mean: float | None = None
    smallest: float | None = None
    largest: float | None = None

    @property
    def most(self) -> int:
        return max((count for _, count in self.bars), default=0)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    try:
        return float(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None


def _choice_bars(question: Question, keys: list[str]) -> list[tuple[str, int]]:
    counts = Counter(keys)
    labels = question.choice_labels
    bars = [(labels[key], counts.get(key, 0)) for key in question.choice_keys]
    unknown = sum(count for key, count in counts.items() if key not in labels)
    if unknown:
        bars.append(("(a choice since removed)", unknown))
    return bars


def distribution(question: Question, values: list[Any]) -> Distribution:
    """Tally one question's answers (`values` as stored; None or empty: unanswered, left out)."""
    values = [v for v in values if v is not None and v != "" and v != []]
    result = Distribution(question=question, answered=len(values))
    if question.kind in (QuestionKind.SCALE, QuestionKind.NUMBER):
        numbers = [n for n in (_number(v) for v in values) if n is not None]
        result.mean = mean(numbers)
        result.smallest = min(numbers, default=None)
        result.largest = max(numbers, default=None)
        if question.kind == QuestionKind.SCALE:
            counts = Counter(int(n) for n in numbers)
            points = range(1, (question.scale_points or 5) + 1)
            result.bars = [(str(point), counts.get(point, 0)) for point in points]
    elif question.kind == QuestionKind.SINGLE:
        result.bars = _choice_bars(question, [str(v) for v in values])
    elif question.kind == QuestionKind.MULTIPLE:
        keys = [str(key) for v in values if isinstance(v, list) for key in v]
        result.bars = _choice_bars(question, keys)
    return result


def _per_partner_values(question: Question, ties: list[dict[str, Any]]) -> list[Any]:
    if question.measure in PARTNER_MEASURES:
        return [tie[question.measure] for tie in ties]
    key = str(question.pk)
    return [(tie["answers"] or {}).get(key) for tie in ties]


def distributions(wave: Wave, asked: list[Question]) -> list[Distribution]:
    """Every question's distribution but the roster's and text questions' (two queries): a
    question asked of each partner is tallied over the roster answers, one per partner picked."""
    by_question: dict[int, list[Any]] = {}
    for question_id, value in submitted_answers(wave).values_list("question_id", "value"):
        by_question.setdefault(question_id, []).append(value)
    ties: list[dict[str, Any]] = []
    if any(q.per_partner for q in asked):
        fields = sorted(str(m) for m in PARTNER_MEASURES)
        ties = list(submitted_ties(wave).values(*fields, "answers"))
    result = []
    for question in asked:
        if question.kind in (QuestionKind.ROSTER, *TEXT_KINDS):
            continue
        if question.per_partner:
            values = _per_partner_values(question, ties)
        else:
            values = by_question.get(question.pk, [])
        result.append(distribution(question, values))
    return result


@dataclass(frozen=True)
class OpenAnswer:
    """One text answer: the question, the text, and (a named survey only) who gave it."""

    question: Question
    text: str
    answered_by: str


def open_answers(
    wave: Wave, asked: list[Question], search: str = ""
) -> tuple[list[OpenAnswer], int]:
    """Text answers of submitted responses, by question then response, narrowed to those that
    contain `search` (case ignored): at most OPEN_ANSWERS_SHOWN, and how many matched (one
    query). An anonymous survey's answers name nobody."""
    texts = {q.pk: q for q in asked if q.kind in TEXT_KINDS}
    if not texts:
        return [], 0
    anonymous = wave.survey.anonymous
    fields = ["question_id", "value"]
    if not anonymous:
        fields += ["response__represents__name", "response__respondent__label"]
    # Anonymous answers by their response's random hash, not its id (which follows who saved first).
    by = "response__resume_hash" if anonymous else "response_id"
    rows = submitted_answers(wave).filter(question_id__in=texts).order_by(by, "response_id", "pk")
    order = {pk: index for index, pk in enumerate(texts)}
    needle = search.strip().casefold()
    found = []
    for row in sorted(rows.values_list(*fields), key=lambda r: order[r[0]]):
        text = row[1] if isinstance(row[1], str) else ""
        if not text.strip() or (needle and needle not in text.casefold()):
            continue
        who = "" if anonymous else (row[2] or row[3] or "")
        found.append(OpenAnswer(question=texts[row[0]], text=text, answered_by=who))
    return found[:OPEN_ANSWERS_SHOWN], len(found)


@dataclass(frozen=True)
class TrendPoint:
    """One wave's figure in a trend: None where the wave has none."""

    wave: Wave
    value: float | None


@dataclass(frozen=True)
class Trend:
    """A series across the survey's waves: its name, the scale's bounds, a point per wave, and
    the formula of each point."""

    name: str
    low: float
    high: float
    points: list[TrendPoint]
    formula: str = ""


def question_trends(waves: list[Wave], asked: list[Question]) -> list[Trend]:
    """Each rating scale question's mean across the survey's waves (one query); the network's
    trust and value across waves come from scoring.network_trends."""
    scales = [q for q in asked if q.kind == QuestionKind.SCALE and not q.per_partner]
    if not scales or not waves:
        return []
    rows = Answer.objects.filter(
        response__wave__in=waves, response__submitted_on__isnull=False, question__in=scales
    ).values_list("response__wave_id", "question_id", "value")
    values: dict[tuple[int, int], list[float | None]] = {}
    for wave_id, question_id, value in rows:
        values.setdefault((wave_id, question_id), []).append(_number(value))
    return [
        Trend(
            question.text,
            1,
            question.scale_points or 5,
            [TrendPoint(w, mean(values.get((w.pk, question.pk), []))) for w in waves],
            formula=f"mean of the answers given (1 to {question.scale_points or 5}); "
            "unanswered left out",
        )
        for question in scales
    ]


def _percent(share: float | None) -> float | None:
    return None if share is None else share * 100


def survey_trends(waves: list[Wave], asked: list[Question]) -> list[Trend]:
    """Everything followed across the survey's waves: with a roster, network trust and value,
    density and reciprocity (scoring.py's formulas); then each rating question's mean."""
    trends: list[Trend] = []
    if any(q.kind == QuestionKind.ROSTER for q in asked):
        rows = scoring.network_trends(waves)
        formulas = scoring.FORMULAS
        trends += [
            Trend(
                "Network trust",
                1,
                4,
                [TrendPoint(w, n.trust) for w, n, _ in rows],
                formulas["network_trust"],
            ),
            Trend(
                "Network value",
                1,
                4,
                [TrendPoint(w, n.value) for w, n, _ in rows],
                formulas["network_value"],
            ),
            Trend(
                "Density of the surveyed network (%)",
                0,
                100,
                [TrendPoint(w, _percent(s.density)) for w, _, s in rows],
                formulas["density"] + ", × 100",
            ),
            Trend(
                "Reciprocity (%)",
                0,
                100,
                [TrendPoint(w, _percent(s.reciprocity)) for w, _, s in rows],
                formulas["reciprocity"] + ", × 100",
            ),
        ]
    return trends + question_trends(waves, asked)


def survey_ties(wave: Wave) -> QuerySet[SurveyTie]:
    """The wave's submitted roster answers with both ends loaded, by source then target name."""
    return (
        submitted_ties(wave)
        .select_related("source", "target", "response")
        .order_by("source__name", "target__name", "pk")
    )


#: Partners listed on the dashboard as the largest falls in trust since the wave before.
DASHBOARD_FALLS = 3
#: The latest surveyed waves the dashboard looks through for a closed one.
PANEL_WAVES = 10


@dataclass(frozen=True)
class TrustPanel:
    """What the dashboard shows of the partner surveys: the latest surveyed wave's network
    trust and value (`scores`), the wave before it of the same survey and the network's means
    there (`before`, None for a first wave), the partners whose trust fell most since (name,
    before, after; largest fall first), and how many partners' scores rest on too few raters."""

    wave: Wave
    scores: NetworkScores
    rated: int
    flagged: int
    before: Wave | None
    scores_before: NetworkScores | None
    falls: list[tuple[int, str, float, float]]


def trust_panel(workspace: Workspace) -> TrustPanel | None:
    """The dashboard's partner-survey panel from the latest closed wave with submitted roster
    answers (the latest open one when none has closed), or None when no wave has any (one
    query then; seven with a wave before it)."""
    # The latest closed wave: an open one's scores still move with each answer. Failing that,
    # the latest open one.
    recent = list(surveyed_waves(workspace).select_related("survey")[:PANEL_WAVES])
    if not recent:
        return None
    today = workspace_today(workspace)
    wave = next((w for w in recent if w.status_on(today) == Wave.CLOSED), recent[0])
    now = score_wave(wave, [], engine=False)
    flagged = sum(1 for score in now.partners.values() if score.flagged)
    # The wave before it of the same survey that has answers to compare with.
    before = (
        surveyed_waves(workspace)
        .filter(survey=wave.survey, opens_on__lt=wave.opens_on)
        .order_by("-opens_on", "-pk")
        .first()
    )
    if before is None:
        return TrustPanel(wave, now.network, len(now.partners), flagged, None, None, [])
    before.survey = wave.survey
    then = score_wave(before, [], engine=False)
    changes = wave_changes(
        then.ties, now.ties, then.partners, now.partners, then.network, now.network
    )
    fell = sorted(
        (c for c in changes.partners if c.trust_change is not None and c.trust_change < 0),
        key=lambda c: (c.trust_change, c.stakeholder),
    )[:DASHBOARD_FALLS]
    named = names(c.stakeholder for c in fell)
    falls = [
        (c.stakeholder, named.get(c.stakeholder, "?"), c.trust_before, c.trust_after)
        for c in fell
        if c.trust_before is not None and c.trust_after is not None
    ]
    return TrustPanel(wave, now.network, len(now.partners), flagged, before, then.network, falls)
