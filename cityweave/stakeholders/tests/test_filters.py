"""One filter definition per list: the page, the API list and the CSV export give the same rows for
the same query string; a bad value is refused naming the field; exports keep workspace scope."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from cityweave.stakeholders.models import Tag, Tie
from cityweave.testing import make_stakeholder, make_tie

pytestmark = pytest.mark.django_db

API = "/api/v1/workspaces/riverton"


def url(name: str) -> str:
    return reverse(name, args=["riverton"])


def page_ids(client, name: str, params: dict) -> set[int]:
    response = client.get(url(name), {**params})
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count < 25  # one page holds them all
    return {row.pk for row in response.context["page_obj"].object_list}


def api_ids(api, path: str, params: dict) -> set[int]:
    response = api.get(f"{API}/{path}", {**params, "limit": 100})
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


def csv_rows(client, name: str, params: dict) -> list[dict[str, str]]:
    response = client.get(url(name), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def network(riverton, alice_member):
    """A small network: sectors, stances, a tag, ties of each status, a tie owner."""
    city = make_stakeholder(
        riverton, "City of Riverton", sector="local-government", is_internal=True
    )
    housing = Tag.objects.create(workspace=riverton, name="housing")
    people = {}
    for name, sector, stance in (
        ("Habitat Riverton", "nonprofit", "champion"),
        ("Riverton Bank", "business", "neutral"),
        ("Chamber of Commerce", "business", "champion"),
        ("Riverton Housing Trust", "nonprofit", ""),
        ("Daily Riverton", "media", "sceptic"),
    ):
        people[name] = make_stakeholder(riverton, name, sector=sector, stance=stance, notes="")
    people["Habitat Riverton"].tags.add(housing)
    people["Riverton Housing Trust"].tags.add(housing)
    people["Riverton Housing Trust"].notes = "Works with the bank on housing loans"
    people["Riverton Housing Trust"].save()
    make_tie(city, people["Habitat Riverton"], status=Tie.Status.ACTIVE, owner=alice_member)
    make_tie(city, people["Riverton Bank"], status=Tie.Status.DORMANT)
    make_tie(city, people["Chamber of Commerce"], status=Tie.Status.ACTIVE)
    make_tie(people["Riverton Bank"], people["Riverton Housing Trust"], status=Tie.Status.PROSPECT)
    return people


STAKEHOLDER_QUERIES = [
    {},
    {"sector": "business"},
    {"stance": "champion"},
    {"tag": "housing"},
    {"q": "housing"},  # the name of one, the notes of another
    {"sector": "nonprofit", "q": "riverton"},
    {"kind": "organisation", "stance": "sceptic"},
]


@pytest.mark.parametrize("params", STAKEHOLDER_QUERIES)
def test_stakeholder_page_api_and_csv_give_the_same_rows(alice_client, alice_api, network, params):
    on_page = page_ids(alice_client, "stakeholders:list", params)
    assert on_page == api_ids(alice_api, "stakeholders", params)
    assert on_page == {
        int(row["id"]) for row in csv_rows(alice_client, "stakeholders:export", params)
    }


def test_the_owner_filter_is_the_same_everywhere(alice_client, alice_api, network, alice_member):
    params = {"owner": alice_member.pk}
    on_page = page_ids(alice_client, "stakeholders:list", params)
    city = network["Habitat Riverton"].ties_in.get().source
    assert on_page == {network["Habitat Riverton"].pk, city.pk}  # both ends of the tie she keeps
    assert on_page == api_ids(alice_api, "stakeholders", params)


TIE_QUERIES = [
    {},
    {"status": "active"},
    {"kind": "partner"},
    {"sector": "business"},
    {"q": "bank"},
    {"status": "prospect", "sector": "nonprofit"},
]


@pytest.mark.parametrize("params", TIE_QUERIES)
def test_tie_page_api_and_csv_give_the_same_rows(alice_client, alice_api, network, params):
    on_page = page_ids(alice_client, "ties:list", params)
    assert on_page == api_ids(alice_api, "ties", params)
    assert on_page == {int(row["id"]) for row in csv_rows(alice_client, "ties:export", params)}


def test_the_tie_stakeholder_filter_is_the_same_everywhere(alice_client, alice_api, network):
    params = {"stakeholder": network["Riverton Bank"].pk}
    on_page = page_ids(alice_client, "ties:list", params)
    assert len(on_page) == 2
    assert on_page == api_ids(alice_api, "ties", params)


def test_the_csv_holds_readable_columns(alice_client, network):
    (row,) = csv_rows(alice_client, "stakeholders:export", {"q": "Habitat"})
    assert row["name"] == "Habitat Riverton"
    assert row["sector"] == "Nonprofit"
    assert row["tags"] == "housing"
    assert row["ties"] == "1"
    ties = csv_rows(alice_client, "ties:export", {"status": "active", "q": "Habitat"})
    assert [(t["source"], t["target"], t["status"], t["owner"]) for t in ties] == [
        ("City of Riverton", "Habitat Riverton", "Active", "Alice Reyes")
    ]


@pytest.mark.parametrize(
    ("name", "params", "field"),
    [
        ("stakeholders", {"sector": "astrology"}, "sector"),
        ("stakeholders", {"stance": "furious"}, "stance"),
        ("stakeholders", {"owner": "99999"}, "owner"),
        ("ties", {"status": "married"}, "status"),
        ("ties", {"health": "glowing"}, "health"),
        ("ties", {"stakeholder": "abc"}, "stakeholder"),
    ],
)
def test_a_bad_filter_is_refused_naming_the_field(
    alice_client, alice_api, network, name, params, field
):
    page = alice_client.get(url(f"{name}:list"), params)
    assert page.status_code == 400
    assert field in page.context["filter_errors"]
    export = alice_client.get(url(f"{name}:export"), params)
    assert export.status_code == 422
    assert [d["field"] for d in export.json()["detail"]] == [field]
    api = alice_api.get(f"{API}/{name}", params)
    assert api.status_code == 422
    assert field in {d["field"] for d in api.json()["detail"]}


def test_the_list_links_to_json_and_csv_with_its_filters(alice_client, network):
    response = alice_client.get(url("stakeholders:list"), {"sector": "business", "q": "bank"})
    content = response.content.decode()
    assert f'href="{API}/stakeholders?sector=business&amp;q=bank"' in content
    assert f'href="{url("stakeholders:export")}?sector=business&amp;q=bank"' in content
    # Filtering by htmx swaps the links in beside the table, with the new filters.
    partial = alice_client.get(
        url("ties:list"), {"status": "active"}, headers={"HX-Request": "true"}
    )
    text = partial.content.decode()
    assert 'id="list-exports"' in text and 'hx-swap-oob="true"' in text
    assert f'href="{url("ties:export")}?status=active"' in text


def test_a_viewer_exports_and_another_workspace_gets_404(bob_client, carol_client, network):
    assert len(csv_rows(bob_client, "stakeholders:export", {})) == 6
    assert len(csv_rows(bob_client, "ties:export", {})) == 4
    assert carol_client.get(url("stakeholders:export")).status_code == 404
    assert carol_client.get(url("ties:export")).status_code == 404


def test_the_export_leaves_out_the_trash_and_other_workspaces(alice_client, lakeside, network):
    make_stakeholder(lakeside, "Lakeside Bank", sector="business")
    Tie.objects.filter(source=network["Riverton Bank"]).update(deleted_at="2026-01-01T00:00Z")
    names = {
        row["name"] for row in csv_rows(alice_client, "stakeholders:export", {"sector": "business"})
    }
    assert names == {"Riverton Bank", "Chamber of Commerce"}
    ties = csv_rows(alice_client, "ties:export", {"q": "bank"})
    assert [t["target"] for t in ties] == ["Riverton Bank"]  # the trashed tie is gone
