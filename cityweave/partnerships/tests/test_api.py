"""The partnership API: partnerships, partners and benchmarks with their progress and computed
status; bad input named by field with nothing written, scoping to the workspace, viewers read."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cityweave.engagement.services import workspace_today
from cityweave.partnerships import benchmarks
from cityweave.partnerships.models import Benchmark, BenchmarkProgress, Partner, Partnership
from cityweave.partnerships.testing import make_partner, make_partnership
from cityweave.testing import make_goal, make_member, make_stakeholder

pytestmark = pytest.mark.django_db

JSON = "application/json"
BASE = "/api/v1/workspaces/riverton/partnerships"


def fields(body: list[dict]) -> set[str]:
    return {d["field"] for d in body}


def test_it_creates_reads_updates_lists_and_trashes(alice_api, alice_member):
    riverton = alice_member.workspace
    school = make_stakeholder(riverton, "Riverton Unified")
    goal = make_goal(riverton)
    created = alice_api.post(
        BASE,
        {
            "name": "Safe Routes",
            "problem": "Busy roads",
            "consulted": [school.pk],
            "population_groups": ["Children"],
            "status": "forming",
            "officer": alice_member.pk,
            "goals": [goal.pk],
        },
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["officer_name"], body["consulted"], body["goals"]) == (
        "Alice Reyes",
        [school.pk],
        [goal.pk],
    )
    pid = body["id"]
    patched = alice_api.patch(
        f"{BASE}/{pid}", {"status": "active", "officer": None}, content_type=JSON
    )
    assert (patched.json()["status"], patched.json()["officer"]) == ("active", None)
    listed = alice_api.get(BASE, {"status": "active"}).json()
    assert [p["id"] for p in listed["items"]] == [pid]
    assert alice_api.get(BASE, {"status": "closed"}).json()["count"] == 0
    assert alice_api.delete(f"{BASE}/{pid}").status_code == 204
    assert alice_api.get(f"{BASE}/{pid}").status_code == 404
    assert Partnership.all_objects.get(pk=pid).in_trash


def test_bad_input_names_every_field_and_writes_nothing(alice_api, alice_member, lakeside):
    stranger = make_member(lakeside)
    foreign = make_stakeholder(lakeside)
    response = alice_api.post(
        BASE,
        {
            "name": "X",
            "officer": stranger.pk,
            "consulted": [foreign.pk],
            "started_on": "2026-05-01",
            "review_on": "2026-01-01",
        },
        content_type=JSON,
    )
    assert response.status_code == 422
    assert fields(response.json()["detail"]) == {"officer", "consulted", "review_on"}
    response = alice_api.post(BASE, {"name": "", "population_groups": [" "]}, content_type=JSON)
    assert response.status_code == 422
    assert fields(response.json()["detail"]) == {"name", "population_groups[0]"}
    assert not Partnership.all_objects.exists()


def test_partners_through_the_api(alice_api, alice_member):
    riverton = alice_member.workspace
    partnership = make_partnership(alice_member)
    council = make_stakeholder(riverton, "County Council", sector="local-government")
    url = f"{BASE}/{partnership.pk}/partners"
    added = alice_api.post(
        url,
        {"stakeholder": council.pk, "roles": ["champion"], "responsibility": "Opens doors"},
        content_type=JSON,
    )
    assert added.status_code == 201, added.content
    body = added.json()
    assert (body["stakeholder_name"], body["roles"], body["inside_government"]) == (
        "County Council",
        ["champion"],
        True,
    )
    again = alice_api.post(url, {"stakeholder": council.pk}, content_type=JSON)
    assert again.status_code == 422 and fields(again.json()["detail"]) == {"stakeholder"}
    bad = alice_api.patch(f"{url}/{body['id']}", {"roles": ["king"]}, content_type=JSON)
    assert bad.status_code == 422 and fields(bad.json()["detail"]) == {"roles"}
    good = alice_api.patch(
        f"{url}/{body['id']}", {"roles": ["funder", "broker"]}, content_type=JSON
    )
    assert good.json()["roles"] == ["funder", "broker"]
    assert alice_api.get(url).json()["count"] == 1
    assert alice_api.delete(f"{url}/{body['id']}").status_code == 204
    assert not Partner.objects.exists() and Partner.all_objects.exists()


def test_benchmarks_and_progress_through_the_api(alice_api, alice_member):
    partnership = make_partnership(alice_member)
    today = workspace_today(alice_member.workspace)
    url = f"{BASE}/{partnership.pk}/benchmarks"
    created = alice_api.post(
        url,
        {
            "statement": "Double walkers",
            "metric": "children walking",
            "baseline": 40,
            "target": 80,
            "starts_on": (today - dt.timedelta(days=50)).isoformat(),
            "due_on": (today + dt.timedelta(days=50)).isoformat(),
        },
        content_type=JSON,
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["latest_value"], body["elapsed"]) == ("at-risk", None, 0.5)
    bid = body["id"]
    recorded = alice_api.post(f"{url}/{bid}/progress", {"value": 61}, content_type=JSON)
    assert recorded.status_code == 201
    body = recorded.json()
    assert (body["status"], body["latest_value"], body["expected"]) == ("on-track", 61, 60)
    future = (today + dt.timedelta(days=1)).isoformat()
    refused = alice_api.post(
        f"{url}/{bid}/progress", {"value": 70, "recorded_on": future}, content_type=JSON
    )
    assert refused.status_code == 422 and fields(refused.json()["detail"]) == {"recorded_on"}
    bad = alice_api.patch(f"{url}/{bid}", {"target": 40}, content_type=JSON)
    assert bad.status_code == 422 and fields(bad.json()["detail"]) == {"target"}
    entry = BenchmarkProgress.objects.get()
    assert alice_api.delete(f"{url}/{bid}/progress/{entry.pk}").status_code == 204
    assert alice_api.get(url).json()["items"][0]["progress"] == []
    assert alice_api.delete(f"{url}/{bid}").status_code == 204
    assert alice_api.get(f"{url}/{bid}").status_code == 404
    assert Benchmark.all_objects.get(pk=bid).in_trash


def test_a_viewer_reads_and_cannot_write(bob_api, alice_member):
    riverton = alice_member.workspace
    partnership = make_partnership(alice_member)
    partner = make_partner(alice_member, partnership, make_stakeholder(riverton), "funder")
    benchmark = benchmarks.save_benchmark(
        alice_member,
        partnership,
        {"statement": "S", "metric": "m", "target": Decimal(5), "due_on": dt.date(2030, 1, 1)},
    )
    url = f"{BASE}/{partnership.pk}"
    assert bob_api.get(url).status_code == 200
    assert bob_api.get(f"{url}/partners").status_code == 200
    assert bob_api.get(f"{url}/benchmarks/{benchmark.pk}").status_code == 200
    assert bob_api.post(BASE, {"name": "X"}, content_type=JSON).status_code == 403
    assert bob_api.patch(url, {"name": "X"}, content_type=JSON).status_code == 403
    assert bob_api.delete(url).status_code == 403
    assert bob_api.delete(f"{url}/partners/{partner.pk}").status_code == 403
    assert (
        bob_api.post(
            f"{url}/benchmarks/{benchmark.pk}/progress", {"value": 1}, content_type=JSON
        ).status_code
        == 403
    )
    assert not BenchmarkProgress.objects.exists()


def test_another_workspaces_records_are_not_found(carol_api, alice_member):
    riverton = alice_member.workspace
    partnership = make_partnership(alice_member)
    partner = make_partner(alice_member, partnership, make_stakeholder(riverton), "funder")
    benchmark = benchmarks.save_benchmark(
        alice_member,
        partnership,
        {"statement": "S", "metric": "m", "target": Decimal(5), "due_on": dt.date(2030, 1, 1)},
    )
    base = f"/api/v1/workspaces/lakeside/partnerships/{partnership.pk}"
    assert carol_api.get(base).status_code == 404
    assert carol_api.get(f"{base}/partners/{partner.pk}").status_code == 404
    assert carol_api.get(f"{base}/benchmarks/{benchmark.pk}").status_code == 404
    assert carol_api.delete(base).status_code == 404
    assert carol_api.get(BASE).status_code == 404
