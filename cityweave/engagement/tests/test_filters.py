"""One filter definition each for interactions and commitments: the list page, the API list and
the CSV/XLSX exports give the same rows for the same query string; a bad value is refused naming
the field (400 on the page, 422 in the API and the exports); others' private interactions never
appear anywhere."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from typing import Any

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cityweave.engagement.models import Commitment, Interaction
from cityweave.testing import make_commitment, make_goal, make_interaction, make_stakeholder

pytestmark = pytest.mark.django_db

API = "/api/v1/workspaces/riverton"
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def first_sheet(body: bytes) -> Any:
    """An XLSX download's one sheet, read back with openpyxl."""
    return load_workbook(io.BytesIO(body)).worksheets[0]


def url(name: str) -> str:
    return reverse(name, args=["riverton"])


def page_ids(client, name: str, params: dict) -> set[int]:
    response = client.get(url(name), params)
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count < 25  # one page holds them all
    return {row.pk for row in response.context["page_obj"].object_list}


def api_ids(api, path: str, params: dict) -> set[int]:
    response = api.get(f"{API}/{path}", {**params, "limit": 100})
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def csv_ids(client, name: str, params: dict) -> list[int]:
    response = client.get(url(name), params)
    assert response.status_code == 200, response.content
    text = b"".join(response.streaming_content).decode()
    return [int(row["id"]) for row in csv.DictReader(io.StringIO(text))]


def xlsx_ids(client, name: str, params: dict) -> list[int]:
    response = client.get(url(name), params)
    assert response.status_code == 200
    sheet = first_sheet(b"".join(response.streaming_content))
    return [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=CHICAGO)


@pytest.fixture
def engagement(riverton, alice_member, bob_member):
    """Interactions of each kind with participants of two sectors, one linked to a goal, one
    private to Bob (a viewer who once logged it); commitments of each status and owner."""
    bank = make_stakeholder(riverton, "Riverton Bank", sector="business")
    habitat = make_stakeholder(riverton, "Habitat Riverton", sector="nonprofit")
    goal = make_goal(riverton, statement="Grow housing partners")
    records: dict[str, Any] = {
        "bank call": make_interaction(
            riverton, [bank], at(2), kind="call", summary="Call about the loan fund"
        ),
        "habitat visit": make_interaction(
            riverton, [habitat], at(5), kind="site-visit", summary="Site visit", goal=goal
        ),
        "both": make_interaction(
            riverton, [bank, habitat], at(9, 23), summary="Housing roundtable", notes="Loans"
        ),
        "alice private": make_interaction(
            riverton, [bank], at(12), summary="Alice's own note", private=True, author=alice_member
        ),
        "bob private": make_interaction(
            riverton, [habitat], at(12), summary="Bob's secret", private=True, author=bob_member
        ),
    }
    records["both"].members_present.set([alice_member])
    records["bank"] = bank
    records["habitat"] = habitat
    records["goal"] = goal
    records["kept"] = make_commitment(
        bank,
        dt.date(2026, 3, 1),
        status="done",
        closed_at=at(1, 9),
        owner=alice_member,
        description="Send the memo",
    )
    records["open"] = make_commitment(habitat, dt.date(2026, 3, 20), owner=bob_member)
    records["theirs"] = make_commitment(
        bank,
        dt.date(2099, 1, 1),
        owed_by="them",
        description="Bank sends loan terms",
        interaction=records["bob private"],
    )
    return records


INTERACTION_QUERIES = [
    {},
    {"kind": "call"},
    {"sector": "nonprofit"},
    {"q": "loan"},  # a summary and a note
    {"q": "riverton bank"},  # a participant's name
    {"q": "riverton"},  # both participants of the roundtable: listed once
    {"occurred_from": "2026-03-05", "occurred_to": "2026-03-09"},  # 23:00 Chicago is the 9th
    {"kind": "meeting", "sector": "business"},
]


@pytest.mark.parametrize("params", INTERACTION_QUERIES)
def test_interaction_page_api_and_exports_give_the_same_rows(
    alice_client, alice_api, engagement, params
):
    on_page = page_ids(alice_client, "interactions:list", params)
    assert len(set(on_page)) == len(on_page)
    assert on_page == api_ids(alice_api, "interactions", params)
    exported = csv_ids(alice_client, "interactions:export", params)
    assert sorted(exported) == sorted(on_page)  # each once
    assert xlsx_ids(alice_client, "interactions:export-xlsx", params) == exported


def test_every_interaction_filter_the_page_had_still_narrows(
    alice_client, alice_api, engagement, alice_member
):
    bank, goal = engagement["bank"], engagement["goal"]
    for params, expected in (
        ({"stakeholder": bank.pk}, {"bank call", "both", "alice private"}),
        ({"participant": bank.pk}, {"bank call", "both", "alice private"}),
        ({"member": alice_member.pk}, {"both"}),
        ({"goal": goal.pk}, {"habitat visit"}),
    ):
        ids = {engagement[name].pk for name in expected}
        assert page_ids(alice_client, "interactions:list", params) == ids, params
        assert api_ids(alice_api, "interactions", params) == ids, params
        assert set(csv_ids(alice_client, "interactions:export", params)) == ids, params


COMMITMENT_QUERIES = [
    {},
    {"status": "open"},
    {"owed_by": "them"},
    {"q": "bank"},  # a description and a stakeholder's name
    {"due": "later"},
]


@pytest.mark.parametrize("params", COMMITMENT_QUERIES)
def test_commitment_page_api_and_exports_give_the_same_rows(
    alice_client, alice_api, engagement, params
):
    on_page = page_ids(alice_client, "commitments:list", params)
    assert on_page == api_ids(alice_api, "commitments", params)
    exported = csv_ids(alice_client, "commitments:export", params)
    assert sorted(exported) == sorted(on_page)
    assert xlsx_ids(alice_client, "commitments:export-xlsx", params) == exported


def test_the_commitment_owner_and_stakeholder_filters_are_the_same_everywhere(
    alice_client, alice_api, engagement, bob_member
):
    for params, expected in (
        ({"owner": bob_member.pk}, {"open"}),
        ({"stakeholder": engagement["bank"].pk}, {"kept", "theirs"}),
    ):
        ids = {engagement[name].pk for name in expected}
        assert page_ids(alice_client, "commitments:list", params) == ids
        assert api_ids(alice_api, "commitments", params) == ids
        assert set(csv_ids(alice_client, "commitments:export", params)) == ids


def test_others_private_interactions_are_in_no_list_and_no_export(
    alice_client, alice_api, bob_client, engagement
):
    secret, own = engagement["bob private"].pk, engagement["alice private"].pk
    assert secret not in page_ids(alice_client, "interactions:list", {})
    assert secret not in api_ids(alice_api, "interactions", {})
    exported = csv_ids(alice_client, "interactions:export", {})
    assert secret not in exported and own in exported  # her own private one is hers to export
    assert xlsx_ids(alice_client, "interactions:export-xlsx", {}) == exported
    body = b"".join(alice_client.get(url("interactions:export")).streaming_content)
    assert b"Bob's secret" not in body
    assert own not in csv_ids(bob_client, "interactions:export", {})
    assert secret in csv_ids(bob_client, "interactions:export", {})
    # A commitment made in Bob's private interaction does not point Alice at it.
    text = b"".join(alice_client.get(url("commitments:export")).streaming_content).decode()
    theirs = next(
        r for r in csv.DictReader(io.StringIO(text)) if r["id"] == str(engagement["theirs"].pk)
    )
    assert theirs["interaction_id"] == ""
    text = b"".join(bob_client.get(url("commitments:export")).streaming_content).decode()
    theirs = next(
        r for r in csv.DictReader(io.StringIO(text)) if r["id"] == str(engagement["theirs"].pk)
    )
    assert theirs["interaction_id"] == str(secret)


@pytest.mark.parametrize(
    ("name", "params", "field"),
    [
        ("interactions", {"kind": "seance"}, "kind"),
        ("interactions", {"sector": "astrology"}, "sector"),
        ("interactions", {"member": "99999"}, "member"),
        ("interactions", {"goal": "99999"}, "goal"),
        ("interactions", {"occurred_from": "2026-02-30"}, "occurred_from"),
        ("interactions", {"participant": "abc"}, "participant"),
        ("commitments", {"status": "forgotten"}, "status"),
        ("commitments", {"due": "yesterday"}, "due"),
        ("commitments", {"owner": "99999"}, "owner"),
    ],
)
def test_a_bad_filter_is_refused_naming_the_field(
    alice_client, alice_api, engagement, name, params, field
):
    page = alice_client.get(url(f"{name}:list"), params)
    assert page.status_code == 400
    assert field in page.context["filter_errors"]
    assert field in page.content.decode()
    for export in (f"{name}:export", f"{name}:export-xlsx"):
        response = alice_client.get(url(export), params)
        assert response.status_code == 422
        assert [d["field"] for d in response.json()["detail"]] == [field]
    api = alice_api.get(f"{API}/{name}", params)
    assert api.status_code == 422
    assert field in {d["field"] for d in api.json()["detail"]}


def test_the_lists_link_their_downloads_with_the_filters(alice_client, engagement):
    for name, params, query in (
        ("interactions", {"kind": "call", "q": "loan"}, "kind=call&amp;q=loan"),
        ("commitments", {"status": "open"}, "status=open"),
    ):
        content = alice_client.get(url(f"{name}:list"), params).content.decode()
        assert f'href="{API}/{name}?{query}"' in content
        assert f'href="{url(f"{name}:export")}?{query}"' in content
        assert f'href="{url(f"{name}:export-xlsx")}?{query}"' in content
        partial = alice_client.get(url(f"{name}:list"), params, headers={"HX-Request": "true"})
        text = partial.content.decode()
        assert 'id="list-exports"' in text and 'hx-swap-oob="true"' in text
        assert f'href="{url(f"{name}:export-xlsx")}?{query}"' in text


def test_the_interaction_export_reads_as_the_workspace_sees_it(alice_client, engagement):
    response = alice_client.get(url("interactions:export"), {"q": "roundtable"})
    assert response["Content-Disposition"] == 'attachment; filename="riverton-interactions.csv"'
    (row,) = csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    assert row["occurred_at"] == "2026-03-09 23:00:00"  # Chicago time, as the list shows it
    assert row["participants"] == "Habitat Riverton; Riverton Bank"  # as the list sorts them
    assert row["members_present"] == "Alice Reyes"
    assert row["private"] == "no"
    assert row["notes"] == "Loans"
    xlsx = alice_client.get(url("interactions:export-xlsx"), {"q": "roundtable"})
    sheet = first_sheet(b"".join(xlsx.streaming_content))
    assert sheet.title == "Interactions"
    header, values = list(sheet.iter_rows(values_only=True))
    record = dict(zip(header, values, strict=True))
    assert record["occurred_at"] == dt.datetime(2026, 3, 9, 23, 0)
    assert record["id"] == engagement["both"].pk


def test_the_commitment_xlsx_holds_dates_and_numbers(alice_client, engagement):
    response = alice_client.get(url("commitments:export-xlsx"), {"status": "done"})
    assert response["Content-Disposition"].endswith('filename="riverton-commitments.xlsx"')
    sheet = first_sheet(b"".join(response.streaming_content))
    header, values = list(sheet.iter_rows(values_only=True))
    record = dict(zip(header, values, strict=True))
    assert record["due_on"] == dt.datetime(2026, 3, 1)  # a date cell (openpyxl reads datetimes)
    assert isinstance(record["stakeholder_id"], int)
    assert record["status"] == "Done"
    assert record["closed_at"] == dt.datetime(2026, 3, 1, 9, 0)  # workspace time
    assert Commitment.objects.get(pk=record["id"]).description == "Send the memo"
    assert Interaction.objects.count() == 5


def test_the_json_link_of_a_filtered_form_answers(alice_client, alice_api, engagement):
    """A filter form sends its empty fields too (`participant=`); the links leave them and the
    page's sort out, so the JSON link is a query the API takes."""
    params = {"q": "", "participant": "", "kind": "meeting", "sort": "-summary", "page": "2"}
    content = alice_client.get(url("interactions:list"), params).content.decode()
    assert f'href="{API}/interactions?kind=meeting"' in content
    assert alice_api.get(f"{API}/interactions?kind=meeting").status_code == 200
