"""The dashboard's partner trust and value card: the latest surveyed wave, the wave before it,
and the partners whose trust fell most, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cityweave.engagement.services import workspace_today
from cityweave.surveys.testing import make_respondent, make_response, make_survey, make_wave
from cityweave.testing import make_stakeholder
from cityweave.workspaces import derived

DASHBOARD = "/w/riverton/"


def _trust(value: int) -> dict[str, int]:
    return {"reliability": value, "mission": value, "openness": value}


@pytest.fixture
def two_waves(alice_member):
    riverton = alice_member.workspace
    bank, clinic, school = (make_stakeholder(riverton, n) for n in ("Bank", "Clinic", "School"))
    survey = make_survey(alice_member)
    today = workspace_today(riverton)  # the workspace's day, not the machine's (UTC)
    spring = make_wave(
        survey, "Spring 2025", opens_on=today - dt.timedelta(days=400),
        closes_on=today - dt.timedelta(days=370), roster=[bank, clinic, school],
    )  # fmt: skip
    autumn = make_wave(
        survey, "Spring 2026", opens_on=today - dt.timedelta(days=30),
        closes_on=today - dt.timedelta(days=1), roster=[bank, clinic, school],
    )  # fmt: skip
    make_response(
        spring, make_respondent(spring, bank), ties={clinic: _trust(4), school: _trust(3)}
    )
    make_response(
        autumn, make_respondent(autumn, bank), ties={clinic: _trust(2), school: _trust(3)}
    )
    make_response(autumn, make_respondent(autumn, school), ties={clinic: {"power": 4}})
    return {"clinic": clinic, "spring": spring, "autumn": autumn}


def test_the_card_shows_the_latest_waves_trust_and_who_fell(alice_client, two_waves):
    response = alice_client.get(DASHBOARD)
    trust = response.context["trust"]
    assert trust.wave == two_waves["autumn"] and trust.before == two_waves["spring"]
    # Clinic 2 and School 3 now; Clinic 4 and School 3 before: the means over partners.
    assert trust.scores.trust == pytest.approx(2.5)
    assert trust.scores_before.trust == pytest.approx(3.5)
    assert trust.falls == [(two_waves["clinic"].pk, "Clinic", 4.0, 2.0)]
    page = response.content.decode()
    assert "Trust fell most since Spring 2025" in page and "4.00 → 2.00" in page


def test_without_a_survey_the_card_invites_one(alice_client, riverton):
    response = alice_client.get(DASHBOARD)
    assert response.context["trust"] is None
    assert "No partner survey has been answered yet" in response.content.decode()


def test_a_viewer_sees_the_card_too(bob_client, two_waves):
    assert bob_client.get(DASHBOARD).context["trust"].wave == two_waves["autumn"]


def test_the_card_costs_the_same_queries_for_more_responses(alice_client, alice_member, two_waves):
    def queries() -> int:
        alice_client.get(DASHBOARD)  # warm the process's caches (content types)
        derived.MEMO.clear()  # measured as the first request after a change finds it: built anew
        with CaptureQueriesContext(connection) as captured:
            alice_client.get(DASHBOARD)
        return len(captured)

    few = queries()
    assert few > 10  # the page was measured
    riverton = alice_member.workspace
    wave = two_waves["autumn"]
    for n in range(20):
        org = make_stakeholder(riverton, f"Partner {n}")
        wave.roster.add(org)
        make_response(wave, make_respondent(wave, org), ties={two_waves["clinic"]: _trust(3)})
    assert queries() == few


def test_the_card_compares_with_the_last_wave_that_has_answers(alice_client, two_waves):
    survey = two_waves["autumn"].survey
    make_wave(
        survey, "Empty", opens_on=two_waves["autumn"].opens_on - dt.timedelta(days=30),
        closes_on=two_waves["autumn"].opens_on - dt.timedelta(days=20),
    )  # fmt: skip
    assert alice_client.get(DASHBOARD).context["trust"].before == two_waves["spring"]


def test_an_open_wave_gives_way_to_the_last_closed_one(alice_client, two_waves):
    autumn = two_waves["autumn"]
    running = make_wave(autumn.survey, "Winter check-in", roster=list(autumn.roster.all()))
    rater = autumn.roster.get(name="Bank")
    make_response(running, make_respondent(running, rater), ties={two_waves["clinic"]: _trust(1)})
    assert alice_client.get(DASHBOARD).context["trust"].wave == autumn


def test_the_card_is_kept_between_requests_until_an_answer_changes_it(
    alice_client, alice_member, two_waves
):
    def card_queries() -> tuple[int, float]:
        with CaptureQueriesContext(connection) as captured:
            trust = alice_client.get(DASHBOARD).context["trust"]
        return sum("surveys_" in q["sql"] for q in captured), trust.scores.trust

    built, before = card_queries()
    kept, again = card_queries()
    assert built >= 5 and kept == 0 and again == before == pytest.approx(2.5)
    # A new submitted response moves the workspace's data version: the card is scored anew.
    autumn = two_waves["autumn"]
    rater = make_stakeholder(alice_member.workspace, "Library")
    autumn.roster.add(rater)
    make_response(autumn, make_respondent(autumn, rater), ties={two_waves["clinic"]: _trust(4)})
    rebuilt, after = card_queries()
    assert rebuilt >= 5 and after == pytest.approx((3 + 3) / 2)  # Clinic (2+4)/2, School 3
