"""Filling an office tie's trust and value from the latest survey wave that rated its pair."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cityweave.stakeholders.models import Tie
from cityweave.surveys import tie_fill
from cityweave.surveys.testing import make_respondent, make_response, make_survey, make_wave
from cityweave.testing import make_stakeholder, make_tie
from cityweave.workspaces.models import Membership
from cityweave.workspaces.services import move_to_trash

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(riverton, alice_member):
    """City Hall and the Foundation, tied by the office (trust 1, no value), rated in Spring:
    City Hall gives the Foundation reliability 4, mission 3 (openness unanswered), power 2;
    the Foundation gives City Hall reliability 2, mission 2, openness 2, involvement 3."""
    city = make_stakeholder(riverton, "City Hall")
    foundation = make_stakeholder(riverton, "Foundation")
    tie = make_tie(city, foundation, trust=1, notes="Met at the harbour forum.")
    spring = make_wave(make_survey(alice_member), "Spring 2027", roster=[city, foundation])
    make_response(
        spring,
        make_respondent(spring, city),
        ties={foundation: {"reliability": 4, "mission": 3, "power": 2}},
    )
    make_response(
        spring,
        make_respondent(spring, foundation),
        ties={city: {"reliability": 2, "mission": 2, "openness": 2, "involvement": 3}},
    )
    return {"city": city, "foundation": foundation, "tie": tie, "spring": spring}


def test_the_fill_is_the_rounded_mean_across_both_directions(alice_member, pair):
    fill = tie_fill.proposed_fill(alice_member, pair["tie"])
    assert fill is not None and fill.wave == pair["spring"]
    # Trust: (4 + 3 + 2 + 2 + 2) / 5 = 2.6 -> 3; value: (2 + 3) / 2 = 2.5 -> 3 (half up).
    assert (fill.trust, fill.trust_ratings) == (3, 5)
    assert (fill.value, fill.value_ratings) == (3, 2)
    assert fill.ratings == 7 and fill.changes


def test_filling_saves_trust_and_value_and_names_the_wave_in_the_notes(alice_member, pair):
    tie_fill.fill_tie(alice_member, pair["tie"])
    tie = Tie.objects.get(pk=pair["tie"].pk)
    assert (tie.trust, tie.value) == (3, 3)
    lines = tie.notes.splitlines()
    assert lines[0] == "Met at the harbour forum."
    assert lines[1].startswith(
        "Trust and value filled from the survey wave “Spring 2027” (Partner network survey) on "
    )
    assert lines[1].endswith(": trust 3 from 5 ratings, value 3 from 2 ratings.")
    # A second fill replaces its line rather than adding one.
    tie_fill.fill_tie(alice_member, tie)
    assert len(Tie.objects.get(pk=tie.pk).notes.splitlines()) == 2


def test_the_latest_wave_that_rated_the_pair_wins(alice_member, pair):
    spring = pair["spring"]
    autumn = make_wave(
        spring.survey,
        "Autumn 2027",
        opens_on=spring.closes_on + dt.timedelta(days=1),
        closes_on=spring.closes_on + dt.timedelta(days=30),
    )
    # A later answer without ratings does not make its wave the one.
    make_response(
        autumn,
        make_respondent(autumn, pair["city"]),
        ties={pair["foundation"]: {"collaboration": "cooperation"}},
    )
    fill = tie_fill.proposed_fill(alice_member, pair["tie"])
    assert fill is not None and fill.wave == spring
    make_response(
        autumn,
        make_respondent(autumn, pair["foundation"]),
        ties={pair["city"]: {"openness": 1}},
    )
    fill = tie_fill.proposed_fill(alice_member, pair["tie"])
    assert fill is not None
    assert (fill.wave, fill.trust, fill.value) == (autumn, 1, None)
    tie_fill.fill_tie(alice_member, pair["tie"])
    # No value ratings in Autumn: the tie's value stays as it was.
    assert Tie.objects.values_list("trust", "value").get(pk=pair["tie"].pk) == (1, None)


def test_drafts_and_trashed_waves_never_count(alice_member, pair, riverton):
    city, library = pair["city"], make_stakeholder(riverton, "Library")
    tie = make_tie(city, library)
    make_response(
        pair["spring"],
        make_respondent(pair["spring"], library),
        ties={city: {"reliability": 4}},
        submitted=False,
    )
    assert tie_fill.proposed_fill(alice_member, tie) is None
    move_to_trash(alice_member, pair["spring"].survey)
    assert tie_fill.proposed_fill(alice_member, pair["tie"]) is None
    with pytest.raises(ValidationError) as refused:
        tie_fill.fill_tie(alice_member, pair["tie"])
    assert "wave" in refused.value.message_dict


def test_viewers_cannot_fill(bob, riverton, pair):
    viewer = Membership.objects.get(user=bob, workspace=riverton)
    with pytest.raises(PermissionDenied):
        tie_fill.fill_tie(viewer, pair["tie"])
    with pytest.raises(PermissionDenied):
        tie_fill.fill_ties_from_wave(viewer, pair["spring"])
    assert Tie.objects.get(pk=pair["tie"].pk).trust == 1


def test_a_wave_fills_every_office_tie_it_rated(alice_member, pair, riverton):
    city, foundation = pair["city"], pair["foundation"]
    chamber = make_stakeholder(riverton, "Chamber")
    unrated = make_tie(city, chamber)
    ended = make_tie(foundation, chamber, status=Tie.Status.ENDED)
    spring = pair["spring"]
    make_response(spring, make_respondent(spring, chamber), ties={foundation: {"resources": 4}})
    fills = tie_fill.fill_ties_from_wave(alice_member, tie_fill.get_wave(alice_member, spring.pk))
    assert [fill.tie.pk for fill in fills] == [pair["tie"].pk]
    assert Tie.objects.values_list("trust", "value").get(pk=pair["tie"].pk) == (3, 3)
    assert Tie.objects.get(pk=unrated.pk).trust is None
    assert Tie.objects.get(pk=ended.pk).value is None


def test_another_workspace_s_wave_is_refused_naming_the_wave(alice_member, carol, lakeside):
    theirs = make_wave(make_survey(Membership.objects.get(user=carol, workspace=lakeside)))
    for asked in (theirs.pk, "x", None, 10**30):
        with pytest.raises(ValidationError) as refused:
            tie_fill.get_wave(alice_member, asked)
        assert "wave" in refused.value.message_dict


def test_rounding_is_half_up():
    assert tie_fill.rounded_mean([]) is None
    assert [tie_fill.rounded_mean(r) for r in ([1, 2], [2, 2, 3], [4], [1, 1, 2])] == [2, 2, 4, 1]
