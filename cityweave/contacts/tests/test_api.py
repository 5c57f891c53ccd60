"""The imports API: a dry run's plan, a queued import's progress and report; scoped and refused
to viewers; bad input is a 4xx naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cityweave.contacts import services
from cityweave.contacts.models import ImportJob
from cityweave.stakeholders.models import Stakeholder

pytestmark = pytest.mark.django_db

URL = "/api/v1/workspaces/riverton/imports"
LINKEDIN = (Path(__file__).parent / "samples" / "Connections_LF.csv").read_bytes()


def post(client, data: bytes = LINKEDIN, name: str = "Connections.csv", **fields):
    return client.post(URL, {"file": SimpleUploadedFile(name, data), **fields})


def test_a_dry_run_answers_the_plan_and_keeps_nothing(alice_api, riverton):
    response = post(alice_api, dry_run="true")
    assert response.status_code == 200
    body = response.json()
    assert body["id"] is None and body["status"] == "preview"
    assert body["counts"]["create"] == 7
    assert {
        "row": 8,
        "action": "create",
        "name": "Theo Grant",
        "reason": "",
        "stakeholder": None,
    } in body["rows"]
    assert not ImportJob.objects.exists() and not Stakeholder.objects.exists()


def test_an_import_is_queued_then_reports(alice_api, riverton, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = post(alice_api, tag="api")
    assert response.status_code == 202 and queued  # the task, queued once the request commits
    job_id = response.json()["id"]
    assert response.json()["status"] == "queued"
    services.run_job(job_id)
    done = alice_api.get(f"{URL}/{job_id}").json()
    assert done["status"] == "done" and done["counts"]["create"] == 7
    assert Stakeholder.objects.filter(tags__name="api").count() == 7


def test_a_mapping_and_decisions_are_read_and_checked(alice_api, riverton):
    data = b"Who,Mail\nAna Ruiz,ana@example.org\n"
    mapped = post(alice_api, data, "people.csv", mapping="name=Who,email=Mail", dry_run="true")
    assert mapped.status_code == 200 and mapped.json()["counts"]["create"] == 1
    unmapped = post(alice_api, data, "people.csv", dry_run="true")
    assert unmapped.status_code == 422 and "name" in unmapped.json()["detail"][0]["msg"]
    unknown = post(alice_api, data, "people.csv", mapping="nickname=Who", dry_run="true")
    assert unknown.status_code == 422 and "nickname" in unknown.json()["detail"][0]["msg"]
    assert unknown.json()["detail"][0]["field"] == "mapping"
    bad = post(alice_api, data, "people.csv", decisions="2=perhaps", dry_run="true")
    assert bad.status_code == 422 and bad.json()["detail"][0]["field"] == "decisions"


@pytest.mark.parametrize(
    ("fields", "data", "field"),
    [
        ({"sector": "astrology"}, LINKEDIN, "sector"),
        ({}, b"", "file"),
        ({}, b"PK\x03\x04broken", "file"),
        ({"tag": "x" * 61}, LINKEDIN, "tag"),
    ],
)
def test_bad_input_names_the_field(alice_api, riverton, fields, data, field):
    response = post(alice_api, data, **fields)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == field
    assert not ImportJob.objects.exists()


def test_viewers_and_strangers_are_refused(bob_api, carol_api, alice_api, riverton, lakeside):
    assert post(bob_api).status_code == 403
    job_id = post(alice_api).json()["id"]
    assert bob_api.get(f"{URL}/{job_id}").status_code == 200
    assert carol_api.get(f"{URL}/{job_id}").status_code == 404
    assert carol_api.get(f"/api/v1/workspaces/lakeside/imports/{job_id}").status_code == 404
    assert post(carol_api).status_code == 404
