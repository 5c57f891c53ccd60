"""Properties of the scoring functions over generated ratings: a score is the plain mean of the
ratings given (unanswered left out, never zero), stays on the 1–4 scale, counts its raters, and
the surveyed network's density and reciprocity stay between 0 and 1."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from cityweave.surveys import scoring
from cityweave.surveys.scoring import TRUST_FIELDS, VALUE_FIELDS, Rating
from cityweave.surveys.surveyed import SurveyedTie

rating_value = st.one_of(st.none(), st.integers(min_value=1, max_value=4))
rating_row = st.builds(
    lambda response, source, target, values: Rating(
        response, source, target, dict(zip(scoring.RATING_FIELDS, values, strict=True))
    ),
    st.integers(min_value=1, max_value=30),
    st.integers(min_value=1, max_value=6),
    st.integers(min_value=1, max_value=6),
    st.lists(rating_value, min_size=6, max_size=6),
)


@given(st.lists(rating_row, max_size=40), st.integers(min_value=1, max_value=5))
def test_a_score_is_the_mean_of_the_ratings_given_by_others(rows, min_raters):
    scores = scoring.partner_scores(rows, min_raters)
    for target, score in scores.items():
        others = [row for row in rows if row.target == target and row.source != target]
        for kind, fields in ((score.trust, TRUST_FIELDS), (score.value, VALUE_FIELDS)):
            given = [row.ratings[f] for row in others for f in fields if row.ratings[f] is not None]
            if given:
                assert kind.score is not None and 1 <= kind.score <= 4
                assert abs(kind.score - sum(given) / len(given)) < 1e-9
            else:
                assert kind.score is None
            assert kind.ratings == len(given)
            raters = {r.response for r in others if any(r.ratings[f] is not None for f in fields)}
            assert kind.raters == len(raters)
        rated = [k for k in (score.trust, score.value) if k.score is not None]
        assert score.flagged == any(k.raters < min_raters for k in rated)
    rated_targets = {
        row.target
        for row in rows
        if row.source != row.target and any(v is not None for v in row.ratings.values())
    }
    assert set(scores) == rated_targets


@given(
    st.lists(
        st.tuples(st.integers(min_value=1, max_value=8), st.integers(min_value=1, max_value=8)),
        max_size=40,
    ),
    st.sets(st.integers(min_value=1, max_value=10), max_size=10),
)
def test_density_and_reciprocity_are_shares(pairs, roster):
    ties = [SurveyedTie(source=a, target=b, frequency="", collaboration="") for a, b in pairs]
    measures = scoring.network_measures(ties, roster, engine=False)
    ordered = {(a, b) for a, b in pairs if a != b}
    assert measures.ties == len(ordered)
    assert sum(measures.in_degree.values()) == sum(measures.out_degree.values()) == len(ordered)
    if measures.density is not None:
        assert 0 <= measures.density <= 1
    if measures.reciprocity is not None:
        assert 0 <= measures.reciprocity <= 1
        assert measures.mutual_pairs <= measures.pairs
