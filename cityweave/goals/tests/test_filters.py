"""The goal list's one filter definition: page, API list and CSV export give the same rows."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from cityweave.goals.models import Goal
from cityweave.testing import make_goal

pytestmark = pytest.mark.django_db

API = "/api/v1/workspaces/riverton/goals"


def url(name: str) -> str:
    return reverse(name, args=["riverton"])


@pytest.fixture
def goals(riverton, alice_member):
    make_goal(riverton, statement="Grow philanthropy ties", owner=alice_member)
    make_goal(riverton, statement="Meet every anchor institution", metric="anchor meetings")
    make_goal(riverton, statement="Sister city visit", status=Goal.Status.ACHIEVED)
    make_goal(riverton, statement="Media breakfast", status=Goal.Status.PAUSED, owner=alice_member)


@pytest.mark.parametrize(
    "params",
    [{}, {"status": "active"}, {"owner": "none"}, {"q": "anchor"}, {"q": "philanthropy ties"}],
)
def test_goal_page_api_and_csv_give_the_same_rows(alice_client, alice_api, goals, params):
    page = alice_client.get(url("goals:list"), params)
    assert page.status_code == 200
    on_page = {goal.pk for goal in page.context["object_list"]}
    api = alice_api.get(API, {**params, "limit": 100})
    assert api.status_code == 200, api.content
    assert on_page == {item["id"] for item in api.json()["items"]}
    export = alice_client.get(url("goals:export"), params)
    text = b"".join(export.streaming_content).decode()
    assert on_page == {int(row["id"]) for row in csv.DictReader(io.StringIO(text))}


def test_the_owner_filter_takes_a_member_everywhere(alice_client, alice_api, goals, alice_member):
    params = {"owner": alice_member.pk}
    page = alice_client.get(url("goals:list"), params)
    names = {goal.statement for goal in page.context["object_list"]}
    assert names == {"Grow philanthropy ties", "Media breakfast"}
    api = alice_api.get(API, params).json()["items"]
    assert {item["statement"] for item in api} == names


@pytest.mark.parametrize(
    ("params", "field"), [({"status": "won"}, "status"), ({"owner": "x"}, "owner")]
)
def test_a_bad_goal_filter_is_refused_naming_it(alice_client, alice_api, goals, params, field):
    assert field in alice_client.get(url("goals:list"), params).context["filter_errors"]
    assert alice_client.get(url("goals:list"), params).status_code == 400
    export = alice_client.get(url("goals:export"), params)
    assert export.status_code == 422
    assert [d["field"] for d in export.json()["detail"]] == [field]
    assert alice_api.get(API, params).status_code == 422


def test_a_viewer_exports_goals_and_another_workspace_gets_404(bob_client, carol_client, goals):
    export = bob_client.get(url("goals:export"), {"status": "active"})
    rows = list(csv.DictReader(io.StringIO(b"".join(export.streaming_content).decode())))
    assert {row["statement"] for row in rows} == {
        "Grow philanthropy ties",
        "Meet every anchor institution",
    }
    assert rows[0]["progress_percent"] == "0"
    assert carol_client.get(url("goals:export")).status_code == 404
