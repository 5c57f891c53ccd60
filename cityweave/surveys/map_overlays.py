"""What the surveyed network map can lay over a wave: wave over wave (the ties new, lost and kept
since an earlier wave of the same survey) and colours by an answer (a respondent's own answer to
a choice, rating or number question, or the trust and value a partner received).

Wave over wave uses scoring.wave_changes, the results page's definition: a tie is an ordered
pair, one partner naming another (COMPARISON_DEFINITION). A pair that name each other are two
ties, drawn as two arrows.

A colour belongs to the stakeholder a response answers for (`Response.represents`); responses
that answer for nobody (an anonymous survey's, an open link's without an organisation) cannot
colour anyone and are left out. Where several respondents answer for one stakeholder: a choice
they all gave is its colour, differing choices (or several options of a multiple-choice
question) are "Several answers"; ratings and numbers take their mean. Every function reads a
fixed number of queries, whatever the number of stakeholders or answers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Q

from cityweave.stakeholders.models import Stakeholder
from cityweave.surveys import scoring
from cityweave.surveys.instruments import PARTNER_SCALE, QuestionKind
from cityweave.surveys.models import Answer, Question, Wave
from cityweave.surveys.surveyed import surveyed_ties, surveyed_waves
from cityweave.workspaces.models import Workspace

COMPARE_FIELD, COLOUR_FIELD = "compare", "colour"

#: The results page's definition of new, lost and kept ties, stated beside the numbers.
COMPARISON_DEFINITION = (
    "A tie is one partner naming another in its roster answers (an ordered pair), as on the "
    "survey results' wave-over-wave page: new = named in {after} but not in {before}; lost = "
    "named in {before} but not in {after}; kept = named in both. Two partners that name each "
    "other are two ties, drawn as two arrows."
)


# == Wave over wave ==================================================================


def earlier_waves(workspace: Workspace, wave: Wave) -> list[Wave]:
    """The live waves of `wave`'s survey that opened before it (by opening day, then id, as the
    results page orders them) and have submitted roster answers, latest first: the waves the map
    offers to compare with; the first is the default offer (one query)."""
    found = list(
        surveyed_waves(workspace)
        .filter(survey_id=wave.survey_id)
        .filter(Q(opens_on__lt=wave.opens_on) | Q(opens_on=wave.opens_on, pk__lt=wave.pk))
        .order_by("-opens_on", "-pk")
    )
    for earlier in found:
        earlier.survey = wave.survey
    return found


def compare_wave(workspace: Workspace, wave: Wave, asked: str) -> Wave:
    """The earlier wave `asked` (an id) of `wave`'s survey to compare `wave` with (one query).

    Raises ValidationError naming "compare": code "not_found" for an id of no live wave of this
    workspace (pages answer 404, as for `wave`), else "invalid" for what is not a wave's id, a
    wave of another survey, or the same or a later wave. An earlier wave without answers may be
    compared (all ties are new), as on the results page."""
    wave_id = int(asked) if asked.isdigit() and len(asked) < 19 else 0
    if not wave_id:
        raise ValidationError({COMPARE_FIELD: "Give the id of an earlier wave of the same survey."})
    found = (
        Wave.objects.filter(workspace=workspace, pk=wave_id, survey__deleted_at__isnull=True)
        .select_related("survey")
        .first()
    )
    if found is None:
        raise ValidationError(
            {COMPARE_FIELD: ValidationError("No such survey wave in this workspace.", "not_found")}
        )
    if found.survey_id != wave.survey_id:
        raise ValidationError(
            {
                COMPARE_FIELD: f"Compare with an earlier wave of the same survey "
                f"({wave.survey.title}); {found.name} is a wave of {found.survey.title}."
            }
        )
    if (found.opens_on, found.pk) >= (wave.opens_on, wave.pk):
        raise ValidationError(
            {COMPARE_FIELD: f"Compare with a wave that opened before {wave.name}."}
        )
    return found


@dataclass(frozen=True)
class Comparison:
    """Wave over wave on the map: ordered pairs (source, target) of stakeholder ids `new`, `lost`
    and `kept` from `before` to `after` (scoring.wave_changes), and the names of the new and lost
    ties' ends."""

    before: Wave
    after: Wave
    new: list[tuple[int, int]]
    lost: list[tuple[int, int]]
    kept: list[tuple[int, int]]
    names: dict[int, str] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return {"new": len(self.new), "lost": len(self.lost), "kept": len(self.kept)}

    @property
    def summary(self) -> str:
        """ "12 new, 5 lost, 40 kept"."""
        return f"{len(self.new)} new, {len(self.lost)} lost, {len(self.kept)} kept"

    @property
    def definition(self) -> str:
        return COMPARISON_DEFINITION.format(before=self.before.name, after=self.after.name)

    def pairs(self) -> list[tuple[int, int, str]]:
        """Every tie of either wave as (source, target, "new" | "lost" | "kept")."""
        return [
            *((s, t, "new") for s, t in self.new),
            *((s, t, "lost") for s, t in self.lost),
            *((s, t, "kept") for s, t in self.kept),
        ]


def compare(before: Wave, after: Wave) -> Comparison:
    """The ties new, lost and kept from `before` to `after` (three queries: each wave's ties, and
    the names of the new and lost ties' ends)."""
    empty = scoring.network_scores({}, [])
    changes = scoring.wave_changes(
        surveyed_ties(before), surveyed_ties(after), {}, {}, empty, empty
    )
    ends = {end for pair in (*changes.new, *changes.lost) for end in pair}
    names = dict(Stakeholder.objects.filter(pk__in=ends).values_list("pk", "name")) if ends else {}
    return Comparison(before, after, changes.new, changes.lost, changes.kept, names)


# == Colours =========================================================================

#: Categories (a choice's options): Okabe–Ito, then Paul Tol's muted set; every one is named in
#: the legend and told as text in the table and the node's panel, never by colour alone.
CATEGORICAL = [
    "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7",
    "#882255", "#44AA99", "#DDCC77", "#117733", "#88CCEE", "#AA4499", "#999933", "#CC6677",
]  # fmt: skip
#: Several different answers for one stakeholder; no answer at all.
SEVERAL_COLOUR = "#332288"
NO_ANSWER_COLOUR = "#D9D9D9"
SEVERAL, NO_ANSWER, REMOVED = "several", "none", "removed"
#: Viridis (van der Walt and Smith, matplotlib), a sequential palette readable with the common
#: colour-vision deficiencies and in grey; bins take evenly spaced colours along it, low to high.
VIRIDIS = ["#440154", "#472D7B", "#3B528B", "#2C728E", "#21918C", "#28AE80", "#5EC962",
           "#ADDC30", "#FDE725"]  # fmt: skip
#: Bins of a number question's answers, at most.
NUMBER_BINS = 5
#: Kinds of question whose answers can colour a stakeholder.
COLOURING_KINDS = (
    QuestionKind.SINGLE,
    QuestionKind.MULTIPLE,
    QuestionKind.SCALE,
    QuestionKind.NUMBER,
)
TRUST, VALUE = "trust", "value"


def sequential(count: int) -> list[str]:
    """`count` colours evenly spaced along VIRIDIS, low first (linear in RGB between its stops)."""
    if count <= 1:
        return [VIRIDIS[len(VIRIDIS) // 2]] * count
    colours = []
    for index in range(count):
        at = index / (count - 1) * (len(VIRIDIS) - 1)
        low = min(int(at), len(VIRIDIS) - 2)
        share = at - low
        a, b = (_rgb(VIRIDIS[low]), _rgb(VIRIDIS[low + 1]))
        colours.append(
            "#" + "".join(f"{round(x + (y - x) * share):02X}" for x, y in zip(a, b, strict=True))
        )
    return colours


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


@dataclass(frozen=True)
class ColourOption:
    """Something the surveyed map can colour stakeholders by: `key` ("trust", "value" or
    "q<question id>"), what the control says, and its kind (a QuestionKind, or "score")."""

    key: str
    label: str
    kind: str
    question: Question | None = None


def colour_options(wave: Wave) -> list[ColourOption]:
    """What can colour the wave's stakeholders: the trust and value partners received (a survey
    with a roster question), then each live single-choice, multiple-choice, rating or number
    question not asked per partner, in order. None for an anonymous survey, whose answers
    name nobody (one query)."""
    if wave.survey.anonymous:
        return []
    asked = list(
        Question.objects.filter(survey_id=wave.survey_id, deleted_at=None).order_by(
            "position", "pk"
        )
    )
    options = []
    if any(q.kind == QuestionKind.ROSTER for q in asked):
        options += [
            ColourOption(TRUST, "Trust received (partner score, 1–4)", "score"),
            ColourOption(VALUE, "Value received (partner score, 1–4)", "score"),
        ]
    for question in asked:
        if question.kind in COLOURING_KINDS and not question.per_partner:
            text = question.text if len(question.text) <= 70 else question.text[:69] + "…"
            options.append(ColourOption(f"q{question.pk}", text, question.kind, question))
    return options


def colour_option(options: Sequence[ColourOption], asked: str) -> ColourOption:
    """The option `asked` names; ValidationError naming "colour" when it is none of `options`."""
    for option in options:
        if option.key == asked:
            return option
    if not options:
        raise ValidationError(
            {COLOUR_FIELD: "This survey's answers cannot colour stakeholders (see the note)."}
        )
    keys = ", ".join(option.key for option in options)
    raise ValidationError({COLOUR_FIELD: f"Choose one of: sector, {keys}."})


@dataclass(frozen=True)
class ColourBin:
    """One colour of the legend: its key, what it means and its colour."""

    key: str
    label: str
    colour: str


@dataclass(frozen=True)
class Colouring:
    """Stakeholders coloured by one option: the legend's `bins` (the "no answer" bin last) and,
    for each stakeholder with an answer, its bin's key and the answer as text. `rule` says how
    the answers were turned into colours."""

    option: ColourOption
    bins: list[ColourBin]
    values: dict[int, tuple[str, str]]
    rule: str

    def legend(self, ids: Iterable[int]) -> list[tuple[ColourBin, int]]:
        """Each bin and how many of the stakeholders `ids` it colours."""
        counts: dict[str, int] = defaultdict(int)
        for pk in ids:
            counts[self.values.get(pk, (NO_ANSWER, ""))[0]] += 1
        return [(colour, counts.get(colour.key, 0)) for colour in self.bins]

    def text(self, pk: int) -> str:
        """The stakeholder's answer as text ("No answer" without one)."""
        return self.values.get(pk, (NO_ANSWER, "No answer"))[1]


def rounded(mean: float) -> int:
    """A mean on a rating scale rounded half up to a point of the scale (2.5 → 3)."""
    return int(mean + 0.5)


def _no_answer(score: bool) -> ColourBin:
    return ColourBin(NO_ANSWER, "Not rated" if score else "No answer", NO_ANSWER_COLOUR)


def _number_text(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def score_colouring(option: ColourOption, wave: Wave) -> Colouring:
    """Stakeholders by the trust or value score others gave them (scoring.partner_scores): the
    score rounded half up to a point of the 1–4 scale (one query)."""
    scores = scoring.partner_scores(scoring.wave_ratings(wave), wave.survey.min_raters)
    colours = sequential(PARTNER_SCALE)
    bounds = ["under 1.5", "1.5 to under 2.5", "2.5 to under 3.5", "3.5 or more"]
    bins = [
        ColourBin(str(point), f"{point} (score {bounds[point - 1]})", colours[point - 1])
        for point in range(1, PARTNER_SCALE + 1)
    ]
    values = {}
    for pk, partner in scores.items():
        score = partner.trust if option.key == TRUST else partner.value
        if score.score is None:
            continue
        ratings = f"{score.ratings} rating{'s' if score.ratings != 1 else ''}"
        raters = f"{score.raters} rater{'s' if score.raters != 1 else ''}"
        text = f"{score.score:.2f} from {ratings} by {raters}"
        if partner.flagged:
            text += " (fewer raters than the survey asks for)"
        values[pk] = (str(min(PARTNER_SCALE, max(1, rounded(score.score)))), text)
    rule = scoring.FORMULAS[option.key] + "; colour: the score rounded half up to 1, 2, 3 or 4"
    return Colouring(option, [*bins, _no_answer(True)], values, rule)


def answers_by_stakeholder(wave: Wave, question: Question) -> dict[int, list[Any]]:
    """The submitted answers to `question` in `wave`, by the live stakeholder each response
    answers for; responses that answer for nobody are left out (one query)."""
    rows = Answer.objects.filter(
        response__wave=wave,
        response__submitted_on__isnull=False,
        response__represents__isnull=False,
        response__represents__deleted_at__isnull=True,
        question=question,
    ).values_list("response__represents_id", "value")
    found: dict[int, list[Any]] = defaultdict(list)
    for pk, value in rows:
        if value is not None and value != "" and value != []:
            found[pk].append(value)
    return found


def answer_colouring(option: ColourOption, wave: Wave) -> Colouring:
    """Stakeholders by their own answer to a question (one query): a choice's option, or
    "Several answers"; a rating's mean rounded half up to a point of its scale; a number's mean
    in one of at most NUMBER_BINS equal ranges between the smallest and the largest."""
    question = option.question
    assert question is not None
    answers = answers_by_stakeholder(wave, question)
    if question.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
        return _choice_colouring(option, question, answers)
    numbers = {
        pk: [n for n in (_number(v) for v in given) if n is not None]
        for pk, given in answers.items()
    }
    means = {pk: sum(found) / len(found) for pk, found in numbers.items() if found}
    if question.kind == QuestionKind.SCALE:
        return _scale_colouring(option, question, means, numbers)
    return _number_colouring(option, means, numbers)


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def _choice_colouring(
    option: ColourOption, question: Question, answers: dict[int, list[Any]]
) -> Colouring:
    labels = question.choice_labels
    bins = [
        ColourBin(key, labels[key], CATEGORICAL[index % len(CATEGORICAL)])
        for index, key in enumerate(question.choice_keys)
    ]
    values: dict[int, tuple[str, str]] = {}
    removed = False
    for pk, given in answers.items():
        keys: list[str] = []
        for value in given:
            for key in value if isinstance(value, list) else [value]:
                if str(key) not in keys:
                    keys.append(str(key))
        if not keys:
            continue
        text = "; ".join(labels.get(key, "(a choice since removed)") for key in keys)
        if len(keys) > 1:
            values[pk] = (SEVERAL, text)
        elif keys[0] in labels:
            values[pk] = (keys[0], text)
        else:
            removed = True
            values[pk] = (REMOVED, text)
    if removed:
        bins.append(ColourBin(REMOVED, "A choice since removed", "#6F6F6F"))
    several = (
        "More than one option"
        if question.kind == QuestionKind.MULTIPLE
        else "Several answers (respondents differ)"
    )
    bins.append(ColourBin(SEVERAL, several, SEVERAL_COLOUR))
    rule = (
        "colour: the option chosen; a stakeholder whose respondents chose more than one option "
        "(together) is “several”"
    )
    return Colouring(option, [*bins, _no_answer(False)], values, rule)


def _mean_text(mean: float, given: list[float]) -> str:
    if len(given) == 1:
        return _number_text(mean)
    return f"{_number_text(mean)} (mean of {len(given)} answers)"


def _scale_colouring(
    option: ColourOption,
    question: Question,
    means: dict[int, float],
    numbers: dict[int, list[float]],
) -> Colouring:
    points = question.scale_points or 5
    colours = sequential(points)
    bins = []
    for point in range(1, points + 1):
        label = str(point)
        if point == 1 and question.low_label:
            label = f"1 ({question.low_label})"
        elif point == points and question.high_label:
            label = f"{points} ({question.high_label})"
        bins.append(ColourBin(str(point), label, colours[point - 1]))
    values = {
        pk: (str(min(points, max(1, rounded(mean)))), _mean_text(mean, numbers[pk]))
        for pk, mean in means.items()
    }
    rule = f"colour: the answer (1 to {points}); several respondents' mean rounded half up"
    return Colouring(option, [*bins, _no_answer(False)], values, rule)


def number_bins(values: Iterable[float], count: int = NUMBER_BINS) -> list[tuple[float, float]]:
    """At most `count` equal ranges (low, high) from the smallest to the largest of `values`
    (one range when they are all equal; none without values). A value on a boundary belongs
    to the higher range, the largest to the last."""
    found = sorted(set(values))
    if not found:
        return []
    low, high = found[0], found[-1]
    count = max(1, min(count, len(found)))
    if low == high:
        return [(low, high)]
    width = (high - low) / count
    return [
        (low + width * i, high if i == count - 1 else low + width * (i + 1)) for i in range(count)
    ]


def number_bin(value: float, bins: Sequence[tuple[float, float]]) -> int:
    """The index of the range of `bins` (number_bins) that holds `value`."""
    for index, (_, high) in enumerate(bins):
        if value < high:
            return index
    return len(bins) - 1


def _number_colouring(
    option: ColourOption, means: dict[int, float], numbers: dict[int, list[float]]
) -> Colouring:
    ranges = number_bins(means.values())
    colours = sequential(len(ranges))
    bins = []
    for index, (low, high) in enumerate(ranges):
        last = index == len(ranges) - 1
        label = (
            f"{_number_text(low)} to {_number_text(high)}"
            if last
            else f"{_number_text(low)} to under {_number_text(high)}"
        )
        bins.append(ColourBin(f"b{index}", label, colours[index]))
    values = {
        pk: (f"b{number_bin(mean, ranges)}", _mean_text(mean, numbers[pk]))
        for pk, mean in means.items()
    }
    rule = (
        f"colour: the answer (several respondents' mean) in one of {len(ranges)} equal ranges "
        "from the smallest answer to the largest"
        if ranges
        else "colour: the answer"
    )
    return Colouring(option, [*bins, _no_answer(False)], values, rule)


def colouring(wave: Wave, option: ColourOption) -> Colouring:
    """The wave's stakeholders coloured by `option` (one query)."""
    if option.kind == "score":
        return score_colouring(option, wave)
    return answer_colouring(option, wave)


def colour_note(wave: Wave, options: Sequence[ColourOption]) -> str:
    """What the page says of the colouring control: why nothing is offered, or what is not."""
    if wave.survey.anonymous:
        return (
            f"{wave.survey.title} is anonymous: its answers name no respondent, so they cannot "
            "colour stakeholders. Only a named survey's answers can."
        )
    if not options:
        return (
            f"{wave.survey.title} asks no choice, rating or number question that could colour "
            "stakeholders."
        )
    return (
        "A stakeholder is coloured by the answers of the respondents who answer for it; text "
        "answers and answers given per partner are not offered."
    )
