"""Every list export in both formats (stakeholders, ties, interactions, commitments, goals ×
CSV, XLSX): scoped to its workspace, open to viewers, guarded against formula injection, a
bounded number of queries whatever the number of rows, and an XLSX with typed cells."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cityweave.goals.models import GoalProgress
from cityweave.spreadsheets import guarded
from cityweave.testing import (
    make_commitment,
    make_goal,
    make_interaction,
    make_stakeholder,
    make_tie,
)
from cityweave.web.exports import csv_value

pytestmark = pytest.mark.django_db

LISTS = ("stakeholders", "ties", "interactions", "commitments", "goals")
EXPORTS = [(name, suffix) for name in LISTS for suffix in ("export", "export-xlsx")]
#: Text a spreadsheet would run as a formula, one per list.
HOSTILE = '=HYPERLINK("https://evil.example","click")'


def first_sheet(body: bytes) -> Any:
    """An XLSX download's one sheet, read back with openpyxl."""
    return load_workbook(io.BytesIO(body)).worksheets[0]


def url(route: str, slug: str = "riverton") -> str:
    return reverse(route, args=[slug])


def rows_of(response) -> list[dict]:
    """The records of a CSV or XLSX export as dicts by header."""
    body = b"".join(response.streaming_content)
    if response["Content-Type"].startswith("text/csv"):
        return list(csv.DictReader(io.StringIO(body.decode())))
    sheet = first_sheet(body)
    header, *rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(header, row, strict=True)) for row in rows]


def add_records(workspace, member, count: int, text: str = "Plain") -> None:
    """`count` records of every list, each naming `text`."""
    for n in range(count):
        org = make_stakeholder(workspace, f"{text} org {n}", sector="business", phone="+1 555 0100")
        person = make_stakeholder(workspace, f"{text} person {n}", kind="person", email="a@b.org")
        person.organisations.add(org)
        make_tie(org, person, owner=member, started_on=dt.date(2025, 1, n + 1), trust=3)
        interaction = make_interaction(workspace, [org, person], summary=f"{text} meeting {n}")
        interaction.members_present.set([member])
        make_commitment(
            org, description=f"{text} promise {n}", owner=member, interaction=interaction
        )
        goal = make_goal(workspace, statement=f"{text} goal {n}", owner=member)
        GoalProgress.objects.create(goal=goal, value=Decimal(4), recorded_on=dt.date(2026, 1, 5))


@pytest.fixture
def hostile(riverton, alice_member):
    """One record of each list whose name or text is a formula."""
    org = make_stakeholder(riverton, HOSTILE, sector="business", phone="+44 20 7946 0958")
    person = make_stakeholder(riverton, "Ana Núñez", kind="person")
    make_tie(org, person, owner=alice_member)
    make_interaction(riverton, [org], summary=HOSTILE)
    make_commitment(org, description=HOSTILE)
    make_goal(riverton, statement=HOSTILE)


@pytest.mark.parametrize(("name", "suffix"), EXPORTS)
def test_another_workspace_gets_404(carol_client, hostile, name, suffix):
    assert carol_client.get(url(f"{name}:{suffix}")).status_code == 404


@pytest.mark.parametrize(("name", "suffix"), EXPORTS)
def test_a_viewer_may_export(bob_client, hostile, name, suffix):
    response = bob_client.get(url(f"{name}:{suffix}"))
    assert response.status_code == 200
    assert len(rows_of(response)) >= 1
    assert bob_client.post(url(f"{name}:{suffix}")).status_code in (403, 405)


@pytest.mark.parametrize(("name", "suffix"), EXPORTS)
def test_a_bad_filter_answers_422_naming_it(alice_client, hostile, name, suffix):
    response = alice_client.get(url(f"{name}:{suffix}"), {"status": "nonsense", "q": "x" * 201})
    assert response.status_code == 422
    fields = {d["field"] for d in response.json()["detail"]}
    assert "q" in fields


@pytest.mark.parametrize("name", LISTS)
def test_a_csv_cell_a_spreadsheet_would_run_gets_an_apostrophe(alice_client, hostile, name):
    texts = [v for row in rows_of(alice_client.get(url(f"{name}:export"))) for v in row.values()]
    assert not [t for t in texts if t.startswith(("=", "+", "-", "@")) and guarded(t) != t], texts
    assert f"'{HOSTILE}" in texts
    if name == "stakeholders":
        assert "+44 20 7946 0958" in texts  # a phone number has nothing to run: as written


@pytest.mark.parametrize("name", LISTS)
def test_an_xlsx_cell_a_spreadsheet_would_run_is_text(alice_client, hostile, name):
    body = b"".join(alice_client.get(url(f"{name}:export-xlsx")).streaming_content)
    cells = [cell for row in first_sheet(body).iter_rows() for cell in row]
    assert "f" not in {cell.data_type for cell in cells}  # no formula cell at all
    formula_like = [cell for cell in cells if cell.value == HOSTILE]
    assert formula_like and {cell.data_type for cell in formula_like} == {"s"}  # exact, as text


def test_the_xlsx_keeps_a_formula_like_value_as_text(alice_client, hostile):
    body = b"".join(alice_client.get(url("stakeholders:export-xlsx")).streaming_content)
    sheet = first_sheet(body)
    header = [cell.value for cell in sheet[1]]
    names = [row[header.index("name")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    phones = [row[header.index("phone")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert HOSTILE in names and "+44 20 7946 0958" in phones


@pytest.mark.parametrize(("name", "suffix"), EXPORTS)
def test_the_queries_do_not_grow_with_the_rows(
    alice_client, riverton, alice_member, django_assert_max_num_queries, name, suffix
):
    route = url(f"{name}:{suffix}")

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = alice_client.get(route)
            rows = rows_of(response)
        assert rows
        return len(captured)

    add_records(riverton, alice_member, 2, "Few")
    few = queries()
    add_records(riverton, alice_member, 6, "More")
    assert queries() == few
    with django_assert_max_num_queries(10):
        rows_of(alice_client.get(route))


def test_the_xlsx_has_a_bold_frozen_header_and_typed_cells(alice_client, riverton, alice_member):
    add_records(riverton, alice_member, 1)
    response = alice_client.get(url("ties:export-xlsx"))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].endswith('filename="riverton-ties.xlsx"')
    sheet = first_sheet(b"".join(response.streaming_content))
    assert sheet.title == "Ties"
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    header = [cell.value for cell in sheet[1]]
    (row,) = sheet.iter_rows(min_row=2)
    record = dict(zip(header, row, strict=True))
    assert record["started_on"].value == dt.datetime(2025, 1, 1)
    assert record["started_on"].is_date and record["started_on"].number_format == "yyyy-mm-dd"
    assert record["trust"].value == 3 and record["trust"].data_type == "n"
    assert record["id"].data_type == "n"
    assert record["ended_on"].value is None
    assert record["directed"].value in ("yes", "no")
    goals = rows_of(alice_client.get(url("goals:export-xlsx")))
    assert goals[0]["baseline"] == 2 and goals[0]["current"] == 4 and goals[0]["target"] == 10
    assert goals[0]["progress_percent"] == 25
    assert isinstance(goals[0]["deadline"], dt.datetime)


def test_the_csv_and_xlsx_have_the_same_columns_and_values(alice_client, riverton, alice_member):
    add_records(riverton, alice_member, 2)
    for name in LISTS:
        as_csv = rows_of(alice_client.get(url(f"{name}:export")))
        as_xlsx = rows_of(alice_client.get(url(f"{name}:export-xlsx")))
        assert [list(r) for r in as_csv] == [list(r) for r in as_xlsx]
        assert [r["id"] for r in as_csv] == [str(r["id"]) for r in as_xlsx]


def test_a_cell_is_guarded_only_when_a_spreadsheet_would_run_it():
    for value in ("=1+1", "+A1", "-2+cmd|' /C calc'!A0", "@SUM(A1)", "\tx", "\rx", "+1 555 x"):
        assert guarded(value) == f"'{value}"
    # A signed number or phone number has nothing to run: it reads as written.
    for value in ("Ana", "1-2", "a=b", "", "'quoted", "+1 555 0100", "+44 (20) 7946-0958", "-2"):
        assert guarded(value) == value
    # Numbers, negative ones included, stay numbers.
    assert csv_value(-3, None) == -3  # type: ignore[arg-type]
    assert csv_value(Decimal("-1.5"), None) == Decimal("-1.5")  # type: ignore[arg-type]
