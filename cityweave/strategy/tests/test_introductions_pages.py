"""Introductions and next best relationships on the pages, the API and the CLI (Alice owns
Riverton, Bob is a viewer there, Carol owns Lakeside)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from cityweave.testing import make_stakeholder, make_tie

pytestmark = pytest.mark.django_db

API = "/api/v1/workspaces/riverton/budget"


@pytest.fixture
def paths(alice_member, bob_member, riverton):
    """Alice and Bob each know Ana; Ana knows Tess, whom neither knows."""
    city = make_stakeholder(riverton, "City Hall", sector="local-government", is_internal=True)
    ana = make_stakeholder(riverton, "Ana Ruiz", sector="business")
    tess = make_stakeholder(riverton, "Tess Lane", sector="philanthropy", offers=["funding"])
    make_tie(city, ana, owner=alice_member, trust=4)
    make_tie(city, ana, owner=bob_member, trust=3)
    make_tie(ana, tess, trust=3)
    return ana, tess


def test_the_api_answers_who_can_introduce_me(alice_api, paths):
    ana, tess = paths
    response = alice_api.get(f"{API}/introductions?stakeholder={tess.pk}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["label"] == "Tess Lane"
    (path,) = body["paths"]
    assert [s["name"] for s in path["stakeholders"]] == ["Ana Ruiz", "Tess Lane"]
    assert path["trust"] == [4, 3]
    assert path["product"] == 0.75
    assert path["broker_role"] == "liaison"
    assert path["sentence"].startswith("Ask Ana Ruiz (Business) to introduce you to Tess Lane")
    by_offer = alice_api.get(f"{API}/introductions?value_type=funding").json()
    assert by_offer["paths"][0]["stakeholders"][-1]["id"] == tess.pk


def test_a_viewer_asks_about_their_own_network(bob_api, paths):
    ana, tess = paths
    body = bob_api.get(f"{API}/introductions?stakeholder={tess.pk}").json()
    assert body["paths"][0]["trust"] == [3, 3]  # Bob's own tie to Ana
    assert bob_api.get(f"{API}/next").status_code == 200


def test_bad_questions_name_the_parameter(alice_api, paths):
    for query, field in (
        ("", "stakeholder"),
        ("sector=business&value_type=funding", "sector"),
        ("sector=astrology", "sector"),
        ("stakeholder=abc", "stakeholder"),
        ("stakeholder=0", "stakeholder"),
        ("value_type=gold", "value_type"),
        ("sector=business&limit=99", "limit"),
    ):
        response = alice_api.get(f"{API}/introductions?{query}")
        assert response.status_code == 422, query
        assert field in {d["field"] for d in response.json()["detail"]}, query
    response = alice_api.get(f"{API}/next?w_goals=-2")
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "w_goals"


def test_another_workspaces_stakeholder_answers_404(alice_api, carol_api, lakeside, paths):
    theirs = make_stakeholder(lakeside, "Lakeside Fund")
    assert alice_api.get(f"{API}/introductions?stakeholder={theirs.pk}").status_code == 404
    ana, tess = paths
    other = "/api/v1/workspaces/lakeside/budget/introductions"
    assert carol_api.get(f"{other}?stakeholder={tess.pk}").status_code == 404
    assert carol_api.get(f"{API}/next").status_code == 404


def test_the_next_best_api_lists_candidates_and_the_diversity_check(alice_api, paths):
    body = alice_api.get(f"{API}/next?w_bridging=0").json()
    assert body["weights"] == {"goals": 1.0, "diversity": 1.0, "bridging": 0.0}
    assert body["diversity"] == {
        "blau": 0.0,
        "counts": {"business": 1},
        "missing": body["diversity"]["missing"],
    }
    assert "philanthropy" in body["diversity"]["missing"]
    (tess,) = body["candidates"]
    assert tess["name"] == "Tess Lane"
    assert tess["missing_sector"] is True
    assert tess["introduction"]["stakeholders"][0]["name"] == "Ana Ruiz"


def test_the_introductions_page(alice_client, bob_client, carol_client, paths):
    ana, tess = paths
    url = reverse("budget:introductions", args=["riverton"])
    page = alice_client.get(url).content.decode()
    assert "Who can introduce me?" in page
    response = alice_client.get(url, {"stakeholder": tess.pk})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Ask Ana Ruiz (Business) to introduce you to Tess Lane" in text
    assert f"/api/v1/workspaces/riverton/budget/introductions?stakeholder={tess.pk}" in text
    assert bob_client.get(url, {"sector": "philanthropy"}).status_code == 200
    assert carol_client.get(url).status_code == 404
    both = alice_client.get(url, {"sector": "business", "value_type": "funding"})
    assert both.status_code == 422
    assert "Choose one" in both.content.decode()
    assert alice_client.get(url, {"stakeholder": "999999"}).status_code == 422


def test_the_next_best_page(alice_client, bob_client, carol_client, paths):
    url = reverse("budget:next", args=["riverton"])
    response = alice_client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Next best relationships" in text
    assert "Tess Lane adds a 2nd sector to your network (Philanthropy)" in text
    assert "Diversity check" in text
    assert bob_client.get(url).status_code == 200
    assert carol_client.get(url).status_code == 404
    bad = alice_client.get(url, {"w_goals": "many"})
    assert bad.status_code == 422
    assert "w_goals" in bad.content.decode()


def test_the_budget_page_links_to_both(alice_client):
    page = alice_client.get(reverse("budget:mine", args=["riverton"])).content.decode()
    assert reverse("budget:introductions", args=["riverton"]) in page
    assert reverse("budget:next", args=["riverton"]) in page


def test_the_stakeholder_page_shows_how_to_reach_someone_new(alice_client, paths):
    ana, tess = paths
    page = alice_client.get(reverse("stakeholders:detail", args=["riverton", tess.pk]))
    text = page.content.decode()
    assert "How to reach" in text
    assert "Ask Ana Ruiz (Business) to introduce you to Tess Lane" in text
    known = alice_client.get(reverse("stakeholders:detail", args=["riverton", ana.pk]))
    assert "How to reach" not in known.content.decode()


def run(*args: str) -> str:
    out = StringIO()
    call_command("budget", *args, stdout=out)
    return out.getvalue()


def test_the_cli_answers_both(alice, paths):
    ana, tess = paths
    text = run("introductions", "riverton", "--as", alice.email, "--stakeholder", str(tess.pk))
    assert "Who can introduce you to Tess Lane" in text
    assert "1. Ask Ana Ruiz (Business) to introduce you to Tess Lane" in text
    body = json.loads(
        run(
            "introductions",
            "riverton",
            "--as",
            alice.email,
            "--sector",
            "philanthropy",
            "--format",
            "json",
        )
    )
    assert body["reachable"] == 1
    text = run("next", "riverton", "--as", alice.email)
    assert "sector diversity (Blau index) 0.000" in text
    assert "Tess Lane adds a 2nd sector" in text
    with pytest.raises(CommandError, match="--sector"):
        run("introductions", "riverton", "--as", alice.email, "--sector", "astrology")
    with pytest.raises(CommandError, match="--w-goals"):
        run("next", "riverton", "--as", alice.email, "--w-goals", "20")
