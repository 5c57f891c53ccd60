"""Survey results pages: a wave's overview, partner scores with the trust × value quadrant,
per-question charts, open answers, wave over wave, trends across waves, and the downloads.

Any member reads them (viewers too); nobody else (404). Charts are server-drawn SVG, each with
its numbers in a table or a text twin. Every mean and percentage states its formula beside it.
"""

from __future__ import annotations

import functools
import math
import zoneinfo
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from cityweave.engagement.services import workspace_today
from cityweave.surveys import exports, results, scoring, services
from cityweave.surveys.instruments import QuestionKind
from cityweave.surveys.models import Question, Survey, Wave
from cityweave.surveys.profile import profile_token
from cityweave.web.exports import Column, export_csv_lines, write_csv, write_xlsx, xlsx_file
from cityweave.web.mixins import WorkspaceView
from cityweave.workspaces.models import Workspace

#: The partner table's sorts: the key in the address → the row's field.
SCORE_SORTS = {
    "name": "name",
    "trust": "trust",
    "value": "value",
    "raters": "raters",
    "in": "in_degree",
    "out": "out_degree",
}


def has_roster(asked: Sequence[Any]) -> bool:
    """Whether the survey asks the roster question (so has trust, value and a network)."""
    return any(q.kind == QuestionKind.ROSTER for q in asked)


class ResultsView(WorkspaceView):
    """A results page of one wave: loads the wave, its survey's waves and questions."""

    template_name = ""
    tab = ""

    def setup_wave(self, survey_id: int, pk: int) -> None:
        self.wave = results.get_wave(self.member, survey_id, pk)
        self.survey: Survey = self.wave.survey
        self.waves = results.survey_waves(self.survey)
        self.asked = results.questions(self.survey)

    def base_context(self) -> dict[str, Any]:
        slug, survey, wave = self.workspace.slug, self.survey, self.wave
        args = [slug, survey.pk, wave.pk]
        return {
            "section": "surveys",
            "survey": survey,
            "wave": wave,
            "waves": self.waves,
            "tab": self.tab,
            "roster": has_roster(self.asked),
            "status": wave.status_on(workspace_today(self.workspace)),
            "tabs_args": args,
            "api_base": f"/api/v1/workspaces/{slug}/surveys/{survey.pk}/waves/{wave.pk}",
            "formulas": scoring.FORMULAS,
            "map_url": reverse("network:map", args=[slug]) + f"?view=surveyed&wave={wave.pk}",
        }

    def get(self, request: HttpRequest, survey_id: int, pk: int) -> HttpResponseBase:
        self.setup_wave(survey_id, pk)
        context = self.base_context()
        context.update(self.page_context(request))
        # A page context naming a `problem` (a parameter it could not follow) answers 400.
        return render(
            request, self.template_name, context, status=400 if context.get("problem") else 200
        )

    def page_context(self, request: HttpRequest) -> dict[str, Any]:
        raise NotImplementedError


@dataclass(frozen=True)
class PartnerRow:
    """One partner's line in the scores table and its dot on the quadrant."""

    number: int
    stakeholder: int
    name: str
    score: scoring.PartnerScore
    in_degree: int
    out_degree: int
    x: float = 0
    y: float = 0
    #: The partner's private profile link (its scores against the network's), a path.
    profile_url: str = ""

    @property
    def trust(self) -> float:
        return self.score.trust.score if self.score.trust.score is not None else -1

    @property
    def value(self) -> float:
        return self.score.value.score if self.score.value.score is not None else -1

    @property
    def raters(self) -> int:
        return min(self.score.trust.raters, self.score.value.raters)


def partner_rows(scored: scoring.WaveScores) -> list[PartnerRow]:
    """The rated partners by name, numbered, with their degrees (one query, for the names)."""
    partners = scored.partners
    names = results.names(partners)
    structure = scored.structure
    ordered = sorted(partners, key=lambda pk: (names.get(pk, "").casefold(), pk))
    return [
        PartnerRow(
            number=index,
            stakeholder=pk,
            name=names.get(pk, "?"),
            score=partners[pk],
            in_degree=structure.in_degree.get(pk, 0),
            out_degree=structure.out_degree.get(pk, 0),
            profile_url=reverse("answer:partner-profile", args=[profile_token(scored.wave, pk)]),
        )
        for index, pk in enumerate(ordered, start=1)
    ]


class WaveResultsView(ResultsView):
    """A wave's results at a glance: responses, network trust and value, the network's shape."""

    template_name = "surveys/results/overview.html"
    tab = "overview"

    def page_context(self, request: HttpRequest) -> dict[str, Any]:
        context: dict[str, Any] = {"counts": results.response_counts(self.wave)}
        ratings = [q for q in self.asked if q.kind == QuestionKind.SCALE and not q.per_partner]
        context["ratings"] = results.distributions(self.wave, ratings)
        if has_roster(self.asked):
            scored = scoring.scored(self.wave)
            context["scored"] = scored
            context["flagged"] = sum(1 for s in scored.partners.values() if s.flagged)
        return context


# The quadrant's frame in SVG units: value (1–4) across, trust (1–4) up.
QUADRANT = {"width": 420, "height": 384, "left": 40, "right": 404, "top": 14, "bottom": 336}


def _across(value: float) -> float:
    """A value score (1–4) as a distance across the quadrant."""
    q = QUADRANT
    return round(q["left"] + (value - 1) / 3 * (q["right"] - q["left"]), 1)


def _up(trust: float) -> float:
    """A trust score (1–4) as a height on the quadrant (SVG counts down from the top)."""
    q = QUADRANT
    return round(q["bottom"] - (trust - 1) / 3 * (q["bottom"] - q["top"]), 1)


#: A dot's radius on the quadrant, in SVG units; dots closer than twice it are moved apart.
DOT_RADIUS = 10


@functools.cache
def _spiral(radius: float, steps: int = 4000) -> npt.NDArray[np.float64]:
    """Offsets from a dot's place, nearest first (steps × 2): a Vogel spiral, the golden angle
    apart and 0.8 radius × √step out (the first is no offset)."""
    step = np.arange(steps)
    reach = radius * 0.8 * np.sqrt(step)
    angle = step * np.pi * (3 - np.sqrt(5))  # the golden angle: the disc is covered evenly
    return np.column_stack((reach * np.cos(angle), reach * np.sin(angle)))


@functools.cache
def _disc(reach: int) -> npt.NDArray[np.bool_]:
    """A square mask (2 reach + 1 wide) of the cells within `reach` of its centre."""
    y, x = np.ogrid[-reach : reach + 1, -reach : reach + 1]
    return np.asarray(x * x + y * y <= reach * reach)


def dodge(
    points: Sequence[tuple[float, float]],
    radius: float = DOT_RADIUS,
    frame: tuple[float, float, float, float] | None = None,
) -> list[tuple[float, float]]:
    """Positions for dots of `radius` at `points` (SVG units, in order) so that none covers
    another: each dot keeps its place if free, else takes the nearest free place on a spiral
    around it (`_spiral`), as a beeswarm chart dodges. Partners rated alike would otherwise
    hide under one dot; the table keeps the exact scores. A moved dot stays inside `frame`
    (left, top, right, bottom; by default the points' bounds and a margin); in a frame too
    crowded to leave a free place, a dot keeps its own. Returns as many positions as `points`,
    rounded to 0.1.

    Where a dot may not go is kept as a raster of whole units: each placed dot forbids the disc
    of 2 radii + 1 around it (so, rounding aside, dots may come within 1.5 units of touching),
    and a dot's tries are one array lookup: 200 dots take about 45 ms, not 200."""
    if not points:
        return []
    spiral = _spiral(radius)
    xs, ys = [p[0] for p in points], [p[1] for p in points]
    margin = 4 * radius
    left, top, right, bottom = frame or (
        min(xs) - margin,
        min(ys) - margin,
        max(xs) + margin,
        max(ys) + margin,
    )
    # The raster covers the frame and every point (which may lie outside it), plus a disc's reach.
    reach = int(math.ceil(2 * radius)) + 1
    x_low, y_low = math.floor(min(left, *xs)) - reach, math.floor(min(top, *ys)) - reach
    width = math.ceil(max(right, *xs)) + reach + 1 - x_low
    height = math.ceil(max(bottom, *ys)) + reach + 1 - y_low
    forbidden = np.zeros((height + 2 * reach, width + 2 * reach), dtype=bool)
    disc = _disc(reach)
    found = []
    for x0, y0 in points:
        tries = spiral + (x0, y0)
        inside = (
            (tries[:, 0] >= left) & (tries[:, 0] <= right)
            & (tries[:, 1] >= top) & (tries[:, 1] <= bottom)
        )  # fmt: skip
        inside[0] = True  # its own place, even outside the frame
        cells = np.rint(tries[inside]).astype(int)
        free = ~forbidden[cells[:, 1] - y_low + reach, cells[:, 0] - x_low + reach]
        x, y = tries[inside][np.argmax(free)] if free.any() else (x0, y0)
        row, column = int(round(y)) - y_low, int(round(x)) - x_low
        forbidden[row : row + 2 * reach + 1, column : column + 2 * reach + 1] |= disc
        found.append((round(float(x), 1), round(float(y), 1)))
    return found


def quadrant(rows: list[PartnerRow], network: scoring.NetworkScores) -> dict[str, Any]:
    """The trust × value scatter: a dot per partner with both scores, the network's mean
    lines, and the axis ticks, in SVG units."""
    q = QUADRANT
    scored = [
        row
        for row in rows
        if row.score.trust.score is not None and row.score.value.score is not None
    ]
    at = [(_across(row.score.value.score), _up(row.score.trust.score)) for row in scored]  # type: ignore[arg-type]
    dots = [
        replace(row, x=x, y=y)
        for row, (x, y) in zip(
            scored, dodge(at, frame=(q["left"], q["top"], q["right"], q["bottom"])), strict=True
        )
    ]
    ticks = [{"label": point, "x": _across(point), "y": _up(point)} for point in (1, 2, 3, 4)]
    mean_x = _across(network.value) if network.value is not None else None
    mean_y = _up(network.trust) if network.trust is not None else None
    return {
        **q,
        "plot_width": q["right"] - q["left"],
        "plot_height": q["bottom"] - q["top"],
        "dots": dots,
        "radius": DOT_RADIUS,
        "ticks": ticks,
        "mean_x": mean_x,
        "mean_y": mean_y,
    }


class ScoresView(ResultsView):
    """Each rated partner's trust and value, sortable, low-rater rows flagged; the quadrant."""

    template_name = "surveys/results/scores.html"
    tab = "scores"

    def page_context(self, request: HttpRequest) -> dict[str, Any]:
        scored = scoring.scored(self.wave)
        rows = partner_rows(scored)
        sort = request.GET.get("sort", "name")
        key = sort.lstrip("-")
        if key not in SCORE_SORTS:
            sort, key = "name", "name"
        field = SCORE_SORTS[key]
        rows_sorted = sorted(
            rows,
            key=lambda r: (
                getattr(r, field).casefold() if field == "name" else getattr(r, field),
                r.number,
            ),
            reverse=sort.startswith("-"),
        )
        return {
            "scored": scored,
            "rows": rows_sorted,
            "quadrant": quadrant(rows, scored.network),
            "sort": sort,
            "querystring_without_sort": "",
            "sort_descending_first": {"trust", "value", "raters", "in", "out"},
        }


# A bar chart's frame: each bar under its label, so that a phone shows it at full size.
BARS = {"width": 400, "bar_right": 330, "row": 46}


def bar_chart(distribution: results.Distribution) -> dict[str, Any]:
    """Bars of a question's distribution, in SVG units (longest bar = the most answers)."""
    most = distribution.most or 1
    span = BARS["bar_right"]
    bars = [
        {
            "label": label,
            "count": count,
            "y": index * BARS["row"],
            "width": round(count / most * span, 1),
            "share": round(count / distribution.answered * 100) if distribution.answered else 0,
        }
        for index, (label, count) in enumerate(distribution.bars)
    ]
    height = max(len(bars), 1) * BARS["row"]
    return {**BARS, "bars": bars, "height": height}


class QuestionsView(ResultsView):
    """Each question's answers as a bar chart, with counts, shares and means."""

    template_name = "surveys/results/questions.html"
    tab = "questions"

    def page_context(self, request: HttpRequest) -> dict[str, Any]:
        charts = [
            {"distribution": d, "chart": bar_chart(d)}
            for d in results.distributions(self.wave, self.asked)
        ]
        return {"charts": charts, "counts": results.response_counts(self.wave)}


class OpenAnswersView(ResultsView):
    """The text answers, searchable; htmx swaps the list as one types."""

    template_name = "surveys/results/open_answers.html"
    tab = "open"

    def page_context(self, request: HttpRequest) -> dict[str, Any]:
        search = request.GET.get("q", "")[:200]
        found, matched = results.open_answers(self.wave, self.asked, search)
        return {"answers": found, "matched": matched, "q": search}

    def get(self, request: HttpRequest, survey_id: int, pk: int) -> HttpResponseBase:
        if request.headers.get("HX-Request"):
            self.setup_wave(survey_id, pk)
            context = self.base_context()
            context.update(self.page_context(request))
            return render(request, "surveys/results/_open_answers.html", context)
        return super().get(request, survey_id, pk)


class ChangesView(ResultsView):
    """Wave over wave: ties new and lost, partners whose trust and value rose or fell."""

    template_name = "surveys/results/changes.html"
    tab = "changes"

    def page_context(self, request: HttpRequest) -> dict[str, Any]:
        earlier = [w for w in self.waves if (w.opens_on, w.pk) < (self.wave.opens_on, self.wave.pk)]
        since = results.previous_wave(self.wave, self.waves)
        wanted = request.GET.get("since", "")
        chosen = next((w for w in earlier if str(w.pk) == wanted), None)
        context: dict[str, Any] = {"earlier": earlier, "since": chosen or since}
        if wanted and chosen is None:
            context["problem"] = "Since: give an earlier wave of this survey to compare with" + (
                f"; shown since {since.name}, the wave before." if since else "."
            )
        since = context["since"]
        if since is None or not has_roster(self.asked):
            return context
        changes = scoring.changes_between(since, self.wave)
        ids = {end for pair in (*changes.new, *changes.lost) for end in pair}
        ids |= {p.stakeholder for p in changes.partners}
        names = results.names(ids)
        changed = [p for p in changes.partners if p.trust_change or p.value_change]
        context.update(
            {
                "changes": changes,
                "names": names,
                "new": [(names.get(a, "?"), names.get(b, "?")) for a, b in changes.new],
                "lost": [(names.get(a, "?"), names.get(b, "?")) for a, b in changes.lost],
                "partners": sorted(
                    (PartnerChange(names.get(p.stakeholder, "?"), p) for p in changes.partners),
                    key=lambda row: (-abs(row.change.trust_change or 0), row.name),
                ),
                "ties_before": len(changes.kept) + len(changes.lost),
                "ties_after": len(changes.kept) + len(changes.new),
                "network_change": {
                    "trust": _difference(changes.network_before.trust, changes.network_after.trust),
                    "value": _difference(changes.network_before.value, changes.network_after.value),
                },
                "risers": sum(1 for p in changed if (p.trust_change or 0) > 0),
                "fallers": sum(1 for p in changed if (p.trust_change or 0) < 0),
            }
        )
        return context


def _difference(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else after - before


@dataclass(frozen=True)
class PartnerChange:
    """A partner's name and its scores in both waves."""

    name: str
    change: scoring.ScoreChange


# A trend chart's frame.
LINE = {"width": 400, "height": 230, "left": 40, "right": 392, "top": 20, "bottom": 186}


def line_chart(trend: results.Trend) -> dict[str, Any]:
    """A trend's points in SVG units: waves evenly across, the scale's range up."""
    count = len(trend.points)
    # The first and last waves sit in from the frame, clear of the scale's labels.
    inset = 36
    span = LINE["right"] - LINE["left"] - 2 * inset
    points = []
    for index, point in enumerate(trend.points):
        x = LINE["left"] + inset + (span * index / (count - 1) if count > 1 else span / 2)
        y = None
        if point.value is not None:
            share = (point.value - trend.low) / (trend.high - trend.low)
            y = round(LINE["bottom"] - share * (LINE["bottom"] - LINE["top"]), 1)
        points.append({"x": round(x, 1), "y": y, "point": point})
    drawn = [p for p in points if p["y"] is not None]
    step = 1 if trend.high - trend.low <= 10 else (trend.high - trend.low) / 4
    levels = [trend.low + step * i for i in range(int((trend.high - trend.low) / step) + 1)]
    grid = [
        {
            "label": f"{level:g}",
            "y": round(
                LINE["bottom"]
                - (level - trend.low) / (trend.high - trend.low) * (LINE["bottom"] - LINE["top"]),
                1,
            ),
        }
        for level in levels
    ]
    return {
        **LINE,
        "points": points,
        "polyline": " ".join(f"{p['x']},{p['y']}" for p in drawn),
        "grid": grid,
    }


class TrendsView(WorkspaceView):
    """A survey's figures across its waves, as line charts with a table twin."""

    def get(self, request: HttpRequest, survey_id: int) -> HttpResponse:
        survey = services.get_survey(self.member, survey_id)
        waves = results.survey_waves(survey)
        asked = results.questions(survey)
        trends = results.survey_trends(waves, asked)
        latest = waves[-1] if waves else None
        return render(
            request,
            "surveys/results/trends.html",
            {
                "section": "surveys",
                "survey": survey,
                "waves": waves,
                "wave": latest,
                "tab": "trends",
                "roster": has_roster(asked),
                "tabs_args": [self.workspace.slug, survey.pk, latest.pk] if latest else None,
                "charts": [{"trend": t, "chart": line_chart(t)} for t in trends],
            },
        )


#: What a wave's downloads hold: the answers (a row per submitted response), the partner answers
#: (a row per partner named) and the scores (a row per rated partner).
DOWNLOADS = ("answers", "partner-answers", "scores")
#: The formats each comes in.
DOWNLOAD_FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class WaveTable:
    """One of a wave's downloads before it is written: its file name without the extension, its
    sheet title, columns and rows (read once), and the time zone its times are written in."""

    name: str
    title: str
    columns: Sequence[Column]
    rows: Iterable[Any]
    zone: zoneinfo.ZoneInfo


def wave_table(
    workspace: Workspace, wave: Wave, what: str, asked: Sequence[Question] | None = None
) -> WaveTable:
    """A wave's download, as the results pages and `cityweave survey export` give it: `what` one
    of DOWNLOADS, named `<slug>-survey-<id>-wave-<id>-<what>`; `asked` is the survey's live
    questions in order (read when not given). An anonymous survey's rows carry no identity (see
    exports.py). Raises ValueError for an unknown `what`."""
    if what not in DOWNLOADS:
        raise ValueError(f"No download of {what!r}: one of {', '.join(DOWNLOADS)}.")
    survey = wave.survey
    asked = results.questions(survey) if asked is None else asked
    columns: Sequence[Column]
    rows: Iterable[Any]
    if what == "answers":
        columns = exports.answer_columns(survey, asked)
        rows = exports.response_rows(wave)
        title = "Answers"
    elif what == "partner-answers":
        columns = exports.partner_answer_columns(survey, asked)
        rows = results.survey_ties(wave).iterator(chunk_size=500)
        title = "Partner answers"
    else:
        columns = exports.score_columns()
        rows = partner_rows(scoring.scored(wave))
        title = "Scores"
    name = f"{workspace.slug}-survey-{survey.pk}-wave-{wave.pk}-{what}"
    return WaveTable(name, title, columns, rows, zoneinfo.ZoneInfo(workspace.timezone))


def wave_download(table: WaveTable, fmt: str) -> HttpResponseBase:
    """The download of `table` as "csv" (streamed) or "xlsx" (a file)."""
    if fmt == "xlsx":
        return write_xlsx(f"{table.name}.xlsx", table.title, table.columns, table.rows, table.zone)
    return write_csv(f"{table.name}.csv", table.columns, table.rows, table.zone)


def wave_file(table: WaveTable, fmt: str) -> Iterator[bytes]:
    """The bytes `wave_download` serves for `table` in `fmt` ("csv" or "xlsx"), in chunks, for
    writing to a file."""
    if fmt == "xlsx":
        with xlsx_file(table.title, table.columns, table.rows, table.zone) as output:
            yield from iter(lambda: output.read(64 * 1024), b"")
    else:
        for line in export_csv_lines(table.columns, table.rows, table.zone):
            yield line.encode()


class WaveDownloadView(ResultsView):
    """A wave's answers or scores as CSV or XLSX (`as_view(what=…, format=…)`)."""

    what = "answers"
    format = "csv"

    def get(self, request: HttpRequest, survey_id: int, pk: int) -> HttpResponseBase:
        self.setup_wave(survey_id, pk)
        table = wave_table(self.workspace, self.wave, self.what, self.asked)
        return wave_download(table, self.format)
