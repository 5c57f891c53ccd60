"""The analysis runs in the background: pages show the last finished one and say when it's stale."""

from __future__ import annotations

import html
import re
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from cityweave.network import services
from cityweave.network.models import NetworkSnapshot
from cityweave.testing import make_stakeholder, make_tie

pytestmark = pytest.mark.django_db

QUEUED = override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
)


def url(name: str, slug: str = "riverton") -> str:
    return reverse(name, args=[slug])


def run_worker() -> None:
    """`cityweave worker --batch` inside the test's transaction: the worker's check for stale
    connections would close the one the test runs in, so it is left out here."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("worker", batch=True, startup_delay=False, verbosity=0)


@pytest.fixture
def star(riverton):
    city = make_stakeholder(riverton, "City Hall", sector="local-government", is_internal=True)
    ends = [make_stakeholder(riverton, f"Partner {i}") for i in range(3)]
    for end in ends:
        make_tie(city, end)
    return city, ends


@QUEUED
def test_the_first_analysis_is_queued_once_and_the_page_says_it_is_coming(alice_client, star):
    page = alice_client.get(url("network:map")).content.decode()
    assert "Analysing the network for the first time" in page
    assert 'id="network-map"' not in page
    alice_client.get(url("network:map-data"))
    alice_client.get(url("network:map"))
    assert DBTaskResult.objects.count() == 1
    body = alice_client.get(reverse("api:network", args=["riverton"])).json()
    assert (body["status"], body["stale"], body["computed_at"], body["nodes"]) == (
        "pending",
        True,
        None,
        [],
    )


@QUEUED
def test_a_worker_computes_it_and_the_page_shows_the_map(alice_client, star):
    alice_client.get(url("network:map"))
    run_worker()
    snapshot = NetworkSnapshot.objects.get()
    assert snapshot.computed_at is not None and snapshot.layout
    page = alice_client.get(url("network:map")).content.decode()
    assert 'id="network-map"' in page and "Analysis as of" in page
    data = alice_client.get(url("network:map-data")).json()
    assert len(data["nodes"]) == 4 and len(data["ties"]) == 3
    assert data["stale"] is False


@QUEUED
def test_after_a_change_pages_show_the_last_analysis_marked_stale(alice_client, riverton, star):
    alice_client.get(url("network:map"))
    run_worker()
    city, ends = star
    make_tie(ends[0], ends[1])
    make_stakeholder(riverton, "Newcomer")

    page = alice_client.get(url("network:map")).content.decode()
    assert "updating…" in page and 'id="network-map"' in page
    data = alice_client.get(url("network:map-data")).json()
    assert data["stale"] is True
    assert len(data["nodes"]) == 4  # the newcomer waits for the new analysis
    assert len(data["ties"]) == 4  # live ties between the stakeholders it has
    body = alice_client.get(reverse("api:network", args=["riverton"])).json()
    assert (body["status"], body["stale"]) == ("updating", True)

    run_worker()
    data = alice_client.get(url("network:map-data")).json()
    assert (len(data["nodes"]), data["stale"]) == (5, False)


@QUEUED
def test_the_status_banner_asks_for_a_refresh_when_the_new_analysis_lands(alice_client, star):
    alice_client.get(url("network:map"))
    waiting = alice_client.get(url("network:status"), {"since": ""})
    assert waiting.status_code == 200
    assert "Analysing the network for the first time" in waiting.content.decode()
    assert "HX-Refresh" not in waiting
    run_worker()
    landed = alice_client.get(url("network:status"), {"since": ""})
    assert (landed.status_code, landed["HX-Refresh"]) == (204, "true")


@QUEUED
def test_the_page_polls_with_its_own_analysis_time_and_is_not_refreshed_until_a_newer_one(
    alice_client, star
):
    alice_client.get(url("network:map"))
    run_worker()
    make_tie(star[1][0], star[1][1])
    page = alice_client.get(url("network:map")).content.decode()
    found = re.search(r'hx-get="([^"]*/network/[^"]+)"', page)
    assert found is not None
    poll = found.group(1)
    waiting = alice_client.get(html.unescape(poll))
    assert waiting.status_code == 200 and "updating" in waiting.content.decode()
    run_worker()
    assert alice_client.get(html.unescape(poll))["HX-Refresh"] == "true"


@QUEUED
def test_the_page_says_when_no_worker_has_taken_it(alice_client, riverton, star):
    alice_client.get(url("network:map"))
    DBTaskResult.objects.update(enqueued_at=services.timezone.now() - services.WORKER_GRACE * 2)
    page = alice_client.get(url("network:map")).content.decode()
    assert "No background worker has taken" in page and "cityweave worker" in page


@QUEUED
def test_the_page_says_when_the_analysis_is_running(alice_client, star):
    alice_client.get(url("network:map"))
    DBTaskResult.objects.update(status="RUNNING", started_at=services.timezone.now())
    page = alice_client.get(url("network:map")).content.decode()
    assert "A worker is analysing the network now" in page


@QUEUED
def test_a_failed_analysis_is_said_and_queued_again_later(alice_client, star):
    alice_client.get(url("network:map"))
    failed_at = services.timezone.now() - services.REQUEUE_AFTER / 2
    DBTaskResult.objects.update(status="FAILED", finished_at=failed_at)
    page = alice_client.get(url("network:map")).content.decode()
    assert "The last analysis failed" in page
    assert DBTaskResult.objects.count() == 1
    # A worker killed mid-analysis, or a failure: after REQUEUE_AFTER the next page queues again.
    NetworkSnapshot.objects.update(requested_at=failed_at - services.REQUEUE_AFTER)
    alice_client.get(url("network:map"))
    assert DBTaskResult.objects.count() == 2
    run_worker()
    assert "Analysis as of" in alice_client.get(url("network:map")).content.decode()


@QUEUED
def test_a_node_asked_for_before_the_first_analysis_answers_503_with_retry_after(
    alice_client, star
):
    city, _ = star
    response = alice_client.get(
        reverse("api:network_node", args=["riverton", city.pk]),
    )
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "analysed" in response.json()["detail"]


@QUEUED
def test_saving_a_tie_queues_the_analysis_for_after_the_commit(
    riverton, star, django_capture_on_commit_callbacks
):
    city, ends = star
    with django_capture_on_commit_callbacks(execute=True):
        make_tie(ends[1], ends[2])
    assert DBTaskResult.objects.count() == 1
    assert NetworkSnapshot.objects.get().requested_version == services.network_fingerprint(riverton)


def test_the_other_workspaces_status_is_not_found(alice_client, carol):
    assert alice_client.get(url("network:status", slug="lakeside")).status_code == 404


def test_a_viewer_sees_the_status(bob_client, star):
    assert bob_client.get(url("network:status")).status_code in (200, 204)


@QUEUED
def test_a_stakeholder_newer_than_the_analysis_is_said_to_be_coming(alice_client, riverton, star):
    alice_client.get(url("network:map"))
    run_worker()
    newcomer = make_stakeholder(riverton, "Newcomer")
    make_tie(star[0], newcomer)
    node = alice_client.get(reverse("api:network_node", args=["riverton", newcomer.pk]))
    assert node.status_code == 503 and "joined the network after" in node.json()["detail"]
    assert (
        alice_client.get(reverse("api:network_node", args=["riverton", 999_999])).status_code == 404
    )
    page = alice_client.get(reverse("stakeholders:detail", args=["riverton", newcomer.pk]))
    assert "joined the network after its last analysis" in page.content.decode()
    known = alice_client.get(reverse("api:network_node", args=["riverton", star[0].pk])).json()
    assert (known["stale"], known["status"]) == (True, "updating")


def test_a_busy_database_does_not_stop_the_worker(monkeypatch):
    """Taking the queue's lock can fail with "database is locked" under heavy writing on
    SQLite; the worker waits a moment and carries on instead of exiting."""
    from django.db import OperationalError

    from cityweave.web.management.commands import worker

    calls: list[str] = []

    def run(self) -> None:
        calls.append("run")
        if len(calls) == 1:
            raise OperationalError("database is locked")

    monkeypatch.setattr(worker.Worker, "run", run)
    monkeypatch.setattr(worker, "BUSY_PAUSE", 0)
    monkeypatch.setattr(worker, "close_old_connections", lambda: None)
    steady = worker.SteadyWorker(
        queue_names=["default"], interval=0, batch=True, backend_name="default",
        startup_delay=False, max_tasks=None, worker_id="test", excluded_queue_names=[],
    )  # fmt: skip
    steady.run()
    assert calls == ["run", "run"]

    def broken(self) -> None:
        raise OperationalError("no such table: django_tasks_database_dbtaskresult")

    monkeypatch.setattr(worker.Worker, "run", broken)
    with pytest.raises(OperationalError):
        steady.run()
