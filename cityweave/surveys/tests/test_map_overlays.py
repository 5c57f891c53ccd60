"""The surveyed map's overlays: wave over wave on a small hand-made pair of waves (the results
page's definition), which waves it compares with, and colours by an answer: bins, palettes,
several respondents, scores, anonymous surveys, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.exceptions import ValidationError

from cityweave.engagement.services import workspace_today
from cityweave.stakeholders.models import Stakeholder
from cityweave.surveys import map_overlays as mo
from cityweave.surveys import scoring
from cityweave.surveys.instruments import QuestionKind
from cityweave.surveys.models import Answer, Question, Response, Survey, SurveyTie, Wave
from cityweave.surveys.testing import (
    make_respondent,
    make_response,
    make_survey,
    make_wave,
    question,
)
from cityweave.testing import make_stakeholder
from cityweave.workspaces.models import Membership

pytestmark = pytest.mark.django_db


@dataclass
class TwoWaves:
    """A partner survey's two waves.

    Autumn (earlier): A names B, B names A, A names C. Spring (later): A names B, C names A,
    A names D. By ordered pair: new C→A and A→D; lost B→A and A→C; kept A→B."""

    survey: Survey
    autumn: Wave
    spring: Wave
    a: Stakeholder
    b: Stakeholder
    c: Stakeholder
    d: Stakeholder


@pytest.fixture
def two_waves(alice_member: Membership) -> TwoWaves:
    workspace = alice_member.workspace
    a, b, c, d = (make_stakeholder(workspace, name) for name in ("A", "B", "C", "D"))
    survey = make_survey(alice_member)
    today = workspace_today(workspace)
    autumn = make_wave(
        survey,
        "Autumn",
        opens_on=today - dt.timedelta(days=200),
        closes_on=today - dt.timedelta(days=170),
        roster=[a, b, c, d],
    )
    spring = make_wave(survey, "Spring", roster=[a, b, c, d])
    make_response(autumn, make_respondent(autumn, a), ties={b: {}, c: {"reliability": 3}})
    make_response(autumn, make_respondent(autumn, b), ties={a: {}})
    make_response(spring, make_respondent(spring, a), ties={b: {}, d: {}})
    make_response(spring, make_respondent(spring, c), ties={a: {"mission": 4}})
    return TwoWaves(survey, autumn, spring, a, b, c, d)


def test_new_lost_and_kept_are_ordered_pairs_as_on_the_results_page(two_waves):
    w = two_waves
    comparison = mo.compare(w.autumn, w.spring)
    assert comparison.new == sorted([(w.c.pk, w.a.pk), (w.a.pk, w.d.pk)])
    assert comparison.lost == sorted([(w.b.pk, w.a.pk), (w.a.pk, w.c.pk)])
    assert comparison.kept == [(w.a.pk, w.b.pk)]
    assert comparison.summary == "2 new, 2 lost, 1 kept"
    assert comparison.names == {w.a.pk: "A", w.b.pk: "B", w.c.pk: "C", w.d.pk: "D"}
    # One definition: the results page's (scoring.changes_between) gives the same pairs.
    results = scoring.changes_between(w.autumn, w.spring)
    assert (results.new, results.lost, results.kept) == (
        comparison.new,
        comparison.lost,
        comparison.kept,
    )
    assert "ordered pair" in comparison.definition and "named in Spring but not in Autumn" in (
        comparison.definition
    )
    assert sorted(c for _, _, c in comparison.pairs()) == ["kept", "lost", "lost", "new", "new"]


def test_the_compare_reads_three_queries(two_waves, django_assert_num_queries):
    with django_assert_num_queries(3):
        mo.compare(two_waves.autumn, two_waves.spring)


def test_the_waves_offered_are_the_survey_s_earlier_ones_with_answers(
    two_waves, alice_member, riverton
):
    w = two_waves
    today = workspace_today(riverton)
    # An earlier wave without answers, a wave of another survey: neither is offered.
    make_wave(w.survey, "Silent", opens_on=today - dt.timedelta(days=100))
    other = make_survey(alice_member, title="Another survey")
    other_wave = make_wave(other, "Other", opens_on=today - dt.timedelta(days=300), roster=[w.a])
    make_response(other_wave, make_respondent(other_wave, w.a), ties={w.b: {}})
    assert mo.earlier_waves(riverton, w.spring) == [w.autumn]
    assert mo.earlier_waves(riverton, w.autumn) == []


def test_compare_wave_names_the_field_for_every_wrong_wave(two_waves, riverton, alice_member):
    w = two_waves
    assert mo.compare_wave(riverton, w.spring, str(w.autumn.pk)) == w.autumn

    def problem(asked: str, wave: Wave = w.spring) -> ValidationError:
        with pytest.raises(ValidationError) as caught:
            mo.compare_wave(riverton, wave, asked)
        assert list(caught.value.message_dict) == ["compare"]
        return caught.value

    other = make_wave(make_survey(alice_member, title="Another survey"), "Other")
    assert "same survey" in problem(str(other.pk)).message_dict["compare"][0]
    assert "opened before Autumn" in problem(str(w.spring.pk), w.autumn).message_dict["compare"][0]
    assert "opened before Spring" in problem(str(w.spring.pk)).message_dict["compare"][0]
    for garbage in ("x", "-1", "0", "9" * 30):
        assert problem(garbage).error_dict["compare"][0].code != "not_found"
    assert problem("987654").error_dict["compare"][0].code == "not_found"


def test_sequential_colours_run_along_viridis():
    assert mo.sequential(0) == []
    assert len(mo.sequential(1)) == 1
    four = mo.sequential(4)
    assert four[0] == mo.VIRIDIS[0] and four[-1] == mo.VIRIDIS[-1]
    assert len(set(four)) == 4
    assert mo.sequential(9) == mo.VIRIDIS


def test_number_bins_are_equal_ranges_from_the_smallest_to_the_largest():
    bins = mo.number_bins([0, 10, 5, 2.5])
    assert bins == [(0, 2.5), (2.5, 5), (5, 7.5), (7.5, 10)]
    assert [mo.number_bin(v, bins) for v in (0, 2.4, 2.5, 7.5, 10)] == [0, 0, 1, 3, 3]
    assert mo.number_bins([3, 3]) == [(3, 3)]
    assert mo.number_bins([]) == []
    assert len(mo.number_bins(range(100))) == mo.NUMBER_BINS


def test_rounding_of_means_is_half_up():
    assert [mo.rounded(x) for x in (1.49, 1.5, 2.5, 3.5, 4.0)] == [1, 2, 3, 4, 4]


def _options(wave: Wave) -> dict[str, mo.ColourOption]:
    return {option.key: option for option in mo.colour_options(wave)}


def test_the_options_are_scores_then_choice_rating_and_number_questions(two_waves):
    w = two_waves
    options = mo.colour_options(w.spring)
    assert [o.key for o in options[:2]] == ["trust", "value"]
    kinds = {o.kind for o in options[2:]}
    assert kinds == {QuestionKind.SINGLE, QuestionKind.MULTIPLE}
    # Text answers and questions asked per partner are not offered.
    texts = {o.question.kind for o in options[2:] if o.question}
    assert QuestionKind.SHORT_TEXT not in texts
    assert all(not o.question.per_partner for o in options[2:] if o.question)
    with pytest.raises(ValidationError) as caught:
        mo.colour_option(options, "q0")
    assert list(caught.value.message_dict) == ["colour"]
    assert "trust" in caught.value.message_dict["colour"][0]


def test_an_anonymous_survey_offers_nothing_and_says_why(alice_member):
    survey = make_survey(alice_member, "community")
    wave = make_wave(survey, "Winter")
    assert survey.anonymous and mo.colour_options(wave) == []
    assert "anonymous" in mo.colour_note(wave, [])
    with pytest.raises(ValidationError) as caught:
        mo.colour_option([], "trust")
    assert list(caught.value.message_dict) == ["colour"]


def test_a_single_choice_colours_by_its_option_and_differing_respondents_by_several(two_waves):
    w = two_waves
    key = question(w.survey, "key-contribution")
    spring_a = Response.objects.get(wave=w.spring, represents=w.a)
    Answer.objects.create(response=spring_a, question=key, value="funding")
    # Two respondents answer for C and differ.
    Answer.objects.create(
        response=Response.objects.get(wave=w.spring, represents=w.c), question=key, value="data"
    )
    make_response(
        w.spring,
        make_respondent(w.spring, None, represents=w.c),
        answers={"key-contribution": "it"},
    )
    # A draft never counts; an answer from a response for nobody colours nobody.
    make_response(
        w.spring,
        make_respondent(w.spring, None, represents=w.b),
        answers={"key-contribution": "land"},
        submitted=False,
    )
    make_response(w.spring, None, answers={"key-contribution": "land"})
    colouring = mo.colouring(w.spring, _options(w.spring)[f"q{key.pk}"])
    assert colouring.values == {
        w.a.pk: ("funding", "Funding"),
        w.c.pk: ("several", "Data; IT"),
    }
    assert colouring.text(w.b.pk) == "No answer"
    legend = {b.key: n for b, n in colouring.legend([w.a.pk, w.b.pk, w.c.pk, w.d.pk])}
    assert (legend["funding"], legend["several"], legend["none"], legend["data"]) == (1, 1, 2, 0)
    assert colouring.bins[-1].colour == mo.NO_ANSWER_COLOUR
    assert colouring.bins[0].colour == mo.CATEGORICAL[0]


def test_a_multiple_choice_with_one_option_takes_its_colour_and_with_more_several(two_waves):
    w = two_waves
    contributions = question(w.survey, "contributions")
    for who, value in ((w.a, ["data"]), (w.c, ["data", "it"])):
        Answer.objects.create(
            response=Response.objects.get(wave=w.spring, represents=who),
            question=contributions,
            value=value,
        )
    colouring = mo.colouring(w.spring, _options(w.spring)[f"q{contributions.pk}"])
    assert colouring.values == {w.a.pk: ("data", "Data"), w.c.pk: ("several", "Data; IT")}
    several = next(b for b in colouring.bins if b.key == "several")
    assert several.label == "More than one option" and several.colour == mo.SEVERAL_COLOUR


def _ask(survey: Survey, kind: str, **fields) -> Question:
    return Question.objects.create(
        workspace=survey.workspace,
        survey=survey,
        kind=kind,
        text=f"A {kind}",
        position=99,
        **fields,
    )


def test_a_rating_colours_by_its_point_and_several_respondents_by_their_rounded_mean(two_waves):
    w = two_waves
    rating = _ask(
        w.survey, QuestionKind.SCALE, scale_points=5, low_label="Poor", high_label="Great"
    )
    Answer.objects.create(
        response=Response.objects.get(wave=w.spring, represents=w.a), question=rating, value=4
    )
    Answer.objects.create(
        response=Response.objects.get(wave=w.spring, represents=w.c), question=rating, value=2
    )
    second = make_response(w.spring, make_respondent(w.spring, None, represents=w.c))
    Answer.objects.create(response=second, question=rating, value="3")
    colouring = mo.colouring(w.spring, _options(w.spring)[f"q{rating.pk}"])
    assert [b.label for b in colouring.bins] == [
        "1 (Poor)",
        "2",
        "3",
        "4",
        "5 (Great)",
        "No answer",
    ]
    assert [b.colour for b in colouring.bins[:5]] == mo.sequential(5)
    # C: (2 + 3) / 2 = 2.5, rounded half up to 3.
    assert colouring.values == {w.a.pk: ("4", "4"), w.c.pk: ("3", "2.5 (mean of 2 answers)")}


def test_a_number_colours_by_its_range(two_waves):
    w = two_waves
    staff = _ask(w.survey, QuestionKind.NUMBER)
    for who, value in ((w.a, "10"), (w.c, "0.5")):
        Answer.objects.create(
            response=Response.objects.get(wave=w.spring, represents=who),
            question=staff,
            value=value,
        )
    colouring = mo.colouring(w.spring, _options(w.spring)[f"q{staff.pk}"])
    assert [b.label for b in colouring.bins] == ["0.5 to under 5.25", "5.25 to 10", "No answer"]
    assert colouring.values == {w.a.pk: ("b1", "10"), w.c.pk: ("b0", "0.5")}


def test_trust_and_value_colour_by_the_score_received_rounded_half_up(two_waves):
    w = two_waves
    # Spring: C rates A mission 4 (trust 4); nobody rates B, C or D.
    options = _options(w.spring)
    trust = mo.colouring(w.spring, options["trust"])
    assert trust.values == {
        w.a.pk: ("4", "4.00 from 1 rating by 1 rater (fewer raters than the survey asks for)")
    }
    assert [b.label for b in trust.bins] == [
        "1 (score under 1.5)",
        "2 (score 1.5 to under 2.5)",
        "3 (score 2.5 to under 3.5)",
        "4 (score 3.5 or more)",
        "Not rated",
    ]
    assert "mean of all ratings others gave" in trust.rule
    assert mo.colouring(w.spring, options["value"]).values == {}


@pytest.mark.parametrize("key", ["trust", "q"])
def test_the_colours_of_2000_stakeholders_cost_one_query(
    alice_member, riverton, key, django_assert_max_num_queries
):
    survey = make_survey(alice_member)
    wave = make_wave(survey, "Big")
    people = Stakeholder.objects.bulk_create(
        Stakeholder(workspace=riverton, name=f"Partner {n}", sector="nonprofit")
        for n in range(2000)
    )
    today = workspace_today(riverton)
    responses = Response.objects.bulk_create(
        Response(workspace=riverton, wave=wave, represents=p, saved_on=today, submitted_on=today)
        for p in people
    )
    single = question(survey, "key-contribution")
    Answer.objects.bulk_create(
        Answer(response=r, question=single, value="data" if n % 2 else "land")
        for n, r in enumerate(responses)
    )
    SurveyTie.objects.bulk_create(
        SurveyTie(
            workspace=riverton,
            wave=wave,
            response=r,
            source=people[n],
            target=people[(n + 1) % 2000],
            reliability=1 + n % 4,
        )
        for n, r in enumerate(responses)
    )
    wave = Wave.objects.select_related("survey").get(pk=wave.pk)
    option = _options(wave)["trust" if key == "trust" else f"q{single.pk}"]
    with django_assert_max_num_queries(1):
        colouring = mo.colouring(wave, option)
    assert len(colouring.values) == 2000
