"""Trust and value computed by hand on a small surveyed network, checked against the scoring
functions, the pages, the API and the downloads; and the surveyed network's measures.

The network (min_raters = 2), ratings as (reliability, mission, openness | power, involvement,
resources), "-" unanswered:

    Bank   → Clinic  4 3 - | 2 3 4   coordination
    Bank   → School  2 2 2 | 1 1 1   awareness
    Clinic → Bank    3 4 4 | 4 4 3   cooperation
    School → Clinic  2 3 3 | 3 - 2   cooperation
    Library: on the roster, answers nothing, named by nobody.

By hand:
    Clinic  trust (4+3+2+3+3)/5 = 3.0     value (2+3+4+3+2)/5 = 2.8    2 raters each
            reliability 3, mission 3, openness 3 (one rating: the other was missing)
            power 2.5, involvement 3 (one rating), resources 3
    School  trust 2.0, value 1.0, one rater: flagged
    Bank    trust 11/3, value 11/3, one rater: flagged
    Network trust (3 + 2 + 11/3) / 3 = 26/9 ≈ 2.889; value (2.8 + 1 + 11/3) / 3 ≈ 2.489
    Pooled trust 32/11 ≈ 2.909 (every trust rating once)
    Directed ties 4 among n = 4: density 4/12; pairs 3, mutual 1 (Bank–Clinic): reciprocity 1/3
    In-degree Clinic 2, Bank 1, School 1, Library 0; out-degree Bank 2, Clinic 1, School 1
    Degree centralization (undirected degrees 2, 2, 2, 0): (0+0+0+2) / (3 × 2) = 1/3
"""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from cityweave.surveys import scoring
from cityweave.surveys.testing import make_respondent, make_response, make_survey, make_wave
from cityweave.testing import make_stakeholder

pytestmark = pytest.mark.django_db

RATINGS = ("reliability", "mission", "openness", "power", "involvement", "resources")


def rated(*values: int | None, collaboration: str = "cooperation") -> dict[str, object]:
    return {
        **dict(zip(RATINGS, values, strict=True)),
        "collaboration": collaboration,
    }


@pytest.fixture
def network(alice_member):
    riverton = alice_member.workspace
    bank, clinic, school, library = (
        make_stakeholder(riverton, name) for name in ("Bank", "Clinic", "School", "Library")
    )
    survey = make_survey(alice_member, min_raters=2)
    wave = make_wave(survey, roster=[bank, clinic, school, library])
    make_response(
        wave,
        make_respondent(wave, bank),
        ties={
            clinic: rated(4, 3, None, 2, 3, 4, collaboration="coordination"),
            school: rated(2, 2, 2, 1, 1, 1, collaboration="awareness"),
        },
    )
    make_response(wave, make_respondent(wave, clinic), ties={bank: rated(3, 4, 4, 4, 4, 3)})
    make_response(wave, make_respondent(wave, school), ties={clinic: rated(2, 3, 3, 3, None, 2)})
    make_respondent(wave, library)
    return {
        "wave": wave,
        "survey": survey,
        "bank": bank,
        "clinic": clinic,
        "school": school,
        "library": library,
    }


def test_trust_and_value_are_the_means_of_the_ratings_others_gave(network):
    scored = scoring.scored(network["wave"])
    clinic = scored.partners[network["clinic"].pk]
    assert clinic.trust.score == pytest.approx(3.0)
    assert clinic.value.score == pytest.approx(2.8)
    assert clinic.trust.items == pytest.approx({"reliability": 3, "mission": 3, "openness": 3})
    assert clinic.value.items == pytest.approx({"power": 2.5, "involvement": 3, "resources": 3})
    assert (clinic.trust.raters, clinic.trust.ratings, clinic.flagged) == (2, 5, False)
    school = scored.partners[network["school"].pk]
    assert (school.trust.score, school.value.score, school.flagged) == (2.0, 1.0, True)
    bank = scored.partners[network["bank"].pk]
    assert bank.trust.score == pytest.approx(11 / 3) and bank.flagged
    assert network["library"].pk not in scored.partners


def test_the_network_means_count_each_partner_once(network):
    scored = scoring.scored(network["wave"])
    assert scored.network.trust == pytest.approx(26 / 9)
    assert scored.network.value == pytest.approx((2.8 + 1 + 11 / 3) / 3)
    assert scored.network.pooled_trust == pytest.approx(32 / 11)
    assert scored.network.partners == 3


def test_the_surveyed_network_has_its_density_reciprocity_and_degrees(network):
    structure = scoring.scored(network["wave"]).structure
    bank, clinic, school, library = (network[k].pk for k in ("bank", "clinic", "school", "library"))
    assert (structure.nodes, structure.ties, structure.pairs, structure.mutual_pairs) == (
        4,
        4,
        3,
        1,
    )
    assert structure.density == pytest.approx(4 / 12)
    assert structure.reciprocity == pytest.approx(1 / 3)
    assert structure.in_degree == {bank: 1, clinic: 2, school: 1, library: 0}
    assert structure.out_degree == {bank: 2, clinic: 1, school: 1, library: 0}
    assert structure.engine["degree_centralization"] == pytest.approx(1 / 3)
    assert structure.engine["components"] == 2


def test_a_draft_counts_for_nothing(network, alice_member):
    wave = network["wave"]
    respondent = make_respondent(wave, make_stakeholder(alice_member.workspace, "Museum"))
    make_response(
        wave, respondent, ties={network["school"]: rated(4, 4, 4, 4, 4, 4)}, submitted=False
    )
    assert scoring.scored(wave).partners[network["school"].pk].trust.score == 2.0


def test_the_pages_show_the_hand_computed_numbers(network, alice_client):
    args = ["riverton", network["survey"].pk, network["wave"].pk]
    from django.urls import reverse

    overview = alice_client.get(reverse("surveys:results", args=args)).content.decode()
    assert ">2.89<" in overview and ">2.49<" in overview  # network trust, value
    assert "33%" in overview  # density and reciprocity, with their formulas beside
    assert "4 / (4 × 3)" in overview and "1 / 3" in overview
    scores = alice_client.get(reverse("surveys:results-scores", args=args)).content.decode()
    assert "<td>3.00</td>" in scores and "<td>2.80</td>" in scores  # the Clinic
    assert "3.00 · 3.00 · 3.00" in scores and "2.50 · 3.00 · 3.00" in scores
    assert "<td>3.67</td>" in scores  # the Bank
    assert scores.count("few raters</span>") == 2  # the Bank and the School
    assert "2. Clinic: trust 3.00, value 2.80</title>" in scores  # its dot on the quadrant


def test_the_api_gives_the_same_numbers(network, alice_api):
    survey, wave = network["survey"], network["wave"]
    base = f"/api/v1/workspaces/riverton/surveys/{survey.pk}/waves/{wave.pk}"
    body = alice_api.get(f"{base}/scores").json()
    by_name = {p["name"]: p for p in body["partners"]}
    assert list(by_name) == ["Bank", "Clinic", "School"]
    assert by_name["Clinic"]["trust"]["score"] == pytest.approx(3.0)
    assert by_name["Clinic"]["value"]["items"]["power"] == pytest.approx(2.5)
    assert by_name["School"]["flagged"] and not by_name["Clinic"]["flagged"]
    assert (by_name["Clinic"]["in_degree"], by_name["Bank"]["out_degree"]) == (2, 2)
    assert body["network"]["trust"] == pytest.approx(26 / 9)
    results = alice_api.get(f"{base}/results").json()
    assert results["structure"]["density"] == pytest.approx(1 / 3)
    assert results["responses"] == {
        "respondents": 4,
        "responded": 3,
        "submitted": 3,
        "drafts": 0,
        "rate": 75.0,
    }


def test_the_score_download_gives_the_same_numbers(network, alice_client):
    from django.urls import reverse

    args = ["riverton", network["survey"].pk, network["wave"].pk]
    response = alice_client.get(reverse("surveys:results-scores-csv", args=args))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    clinic = next(row for row in rows if row["partner"] == "Clinic")
    assert (clinic["trust"], clinic["value"], clinic["trust raters"]) == ("3.0", "2.8", "2")
    assert (clinic["reliability"], clinic["power and influence"], clinic["in-degree"]) == (
        "3.0",
        "2.5",
        "2",
    )
    bank = next(row for row in rows if row["partner"] == "Bank")
    assert (bank["trust"], bank["too few raters"]) == ("3.6667", "yes")
    xlsx = alice_client.get(reverse("surveys:results-scores-xlsx", args=args))
    body = b"".join(xlsx.streaming_content)
    sheet = load_workbook(io.BytesIO(body)).active
    table = list(sheet.values)  # type: ignore[union-attr]
    header = list(table[0])
    clinic_row = next(row for row in table if row[1] == "Clinic")
    assert clinic_row[header.index("trust")] == 3.0
    assert clinic_row[header.index("value")] == 2.8


def test_a_missing_answer_is_never_a_zero():
    rows = [
        scoring.Rating(1, 10, 20, dict.fromkeys(scoring.RATING_FIELDS, None) | {"reliability": 4}),
        scoring.Rating(2, 11, 20, dict.fromkeys(scoring.RATING_FIELDS, None)),
    ]
    scores = scoring.partner_scores(rows, min_raters=1)
    assert scores[20].trust.score == 4 and scores[20].trust.raters == 1
    assert scores[20].value.score is None and scores[20].value.raters == 0


def test_a_self_rating_is_ignored():
    rows = [scoring.Rating(1, 20, 20, dict.fromkeys(scoring.RATING_FIELDS, 1))]
    assert scoring.partner_scores(rows, min_raters=1) == {}


def test_wave_over_wave_lists_new_lost_and_kept_ties_and_score_changes(network, alice_member):
    import datetime as dt

    first = network["wave"]
    survey = network["survey"]
    bank, clinic, school = network["bank"], network["clinic"], network["school"]
    later = make_wave(
        survey,
        "Next spring",
        opens_on=first.opens_on + dt.timedelta(days=365),
        closes_on=first.closes_on + dt.timedelta(days=365),
        roster=[bank, clinic, school],
    )
    make_response(later, make_respondent(later, bank), ties={clinic: rated(2, 2, 2, 2, 2, 2)})
    make_response(later, make_respondent(later, school), ties={bank: rated(4, 4, 4, 4, 4, 4)})
    changes = scoring.changes_between(first, later)
    assert changes.new == [(school.pk, bank.pk)]
    assert changes.lost == sorted(
        [(bank.pk, school.pk), (clinic.pk, bank.pk), (school.pk, clinic.pk)]
    )
    assert changes.kept == [(bank.pk, clinic.pk)]
    by_partner = {p.stakeholder: p for p in changes.partners}
    assert by_partner[clinic.pk].trust_change == pytest.approx(2 - 3)
    assert by_partner[bank.pk].trust_change == pytest.approx(4 - 11 / 3)
    assert by_partner[school.pk].trust_after is None and by_partner[school.pk].trust_change is None


def test_the_api_gives_the_surveyed_network_for_a_map(network, alice_api):
    survey, wave = network["survey"], network["wave"]
    url = f"/api/v1/workspaces/riverton/surveys/{survey.pk}/waves/{wave.pk}/network"
    body = alice_api.get(url).json()
    nodes = {node["name"]: node for node in body["nodes"]}
    assert list(nodes) == ["Bank", "Clinic", "Library", "School"]
    assert nodes["Clinic"]["trust"] == pytest.approx(3.0)
    assert (nodes["Clinic"]["in_degree"], nodes["Library"]["trust"]) == (2, None)
    clinic, bank = network["clinic"].pk, network["bank"].pk
    tie = next(t for t in body["ties"] if (t["source"], t["target"]) == (bank, clinic))
    assert tie["collaboration"] == "coordination"
    assert tie["ratings"]["openness"] is None and tie["ratings"]["reliability"] == 4
