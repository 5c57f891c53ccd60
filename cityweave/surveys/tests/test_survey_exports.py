"""Survey downloads: answers one row per response, partner answers one row per partner named,
CSV and XLSX with the same columns; anonymous surveys' rows carry no identity."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cityweave.surveys.testing import make_respondent, make_response, make_survey, make_wave
from cityweave.testing import make_stakeholder

pytestmark = pytest.mark.django_db


def download(client, name: str, wave) -> bytes:
    response = client.get(reverse(f"surveys:{name}", args=["riverton", wave.survey_id, wave.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    return body


def csv_rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode())))


def xlsx_rows(body: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(body)).active.values)  # type: ignore[union-attr]


@pytest.fixture
def wave(alice_member):
    riverton = alice_member.workspace
    bank = make_stakeholder(riverton, "Food Bank", email="hello@bank.example")
    clinic = make_stakeholder(riverton, "Clinic")
    wave = make_wave(make_survey(alice_member), roster=[bank, clinic])
    make_response(
        wave,
        make_respondent(wave, bank),
        answers={"role": "Director", "contributions": ["funding", "data"]},
        ties={
            clinic: {
                "frequency": "monthly",
                "collaboration": "integration",
                "reliability": 4,
                "power": 2,
            }
        },
    )
    make_response(wave, make_respondent(wave, clinic), answers={"role": "Nurse"}, submitted=False)
    return wave


def test_the_answers_download_has_a_row_per_submitted_response(wave, alice_client):
    rows = csv_rows(download(alice_client, "results-answers-csv", wave))
    assert len(rows) == 1  # the draft is left out
    row = rows[0]
    assert (row["respondent"], row["email"], row["answers for"]) == (
        "Food Bank",
        "hello@bank.example",
        "Food Bank",
    )
    assert row["What is your role there?"] == "Director"
    contributions = next(k for k in row if k.startswith("What does your organisation"))
    assert row[contributions] == "Funding; Data"
    assert row["partners picked"] == "1"


def test_the_partner_answers_download_has_a_row_per_partner_named(wave, alice_client):
    (row,) = csv_rows(download(alice_client, "results-partner-answers-csv", wave))
    assert (row["from (answers for)"], row["to (partner named)"]) == ("Food Bank", "Clinic")
    assert (row["frequency"], row["level of collaboration"]) == (
        "About once a month",
        "Integration",
    )
    assert (row["reliability"], row["power and influence"], row["support of mission"]) == (
        "4",
        "2",
        "",  # unanswered: empty, not zero
    )


def test_csv_and_xlsx_list_the_same_columns(wave, alice_client):
    for what in ("answers", "partner-answers", "scores"):
        csv_header = next(
            csv.reader(io.StringIO(download(alice_client, f"results-{what}-csv", wave).decode()))
        )
        xlsx_header = list(xlsx_rows(download(alice_client, f"results-{what}-xlsx", wave))[0])
        assert csv_header == xlsx_header, what


def test_an_anonymous_surveys_download_names_nobody_and_keeps_only_the_day(
    alice_member, alice_client
):
    survey = make_survey(alice_member, "community")
    wave = make_wave(survey)
    make_response(wave, answers={"satisfaction": 4, "communication": 2})
    body = download(alice_client, "results-answers-xlsx", wave)
    header, values = xlsx_rows(body)
    assert header[0] == "submitted on"
    assert not {"response", "respondent", "email", "answers for"} & set(header)
    assert values[0].hour == values[0].minute == 0  # a day: openpyxl reads dates as midnight
    assert values[header.index(survey.questions.get(measure="satisfaction").text)] == 4
