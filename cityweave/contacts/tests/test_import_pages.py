"""The import pages: upload, mapping, preview with duplicates, start, progress, report; scoped to
the workspace, refused to viewers, never a 500 on a bad file."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cityweave.contacts import services
from cityweave.contacts.models import ImportJob
from cityweave.stakeholders.models import Stakeholder
from cityweave.testing import make_stakeholder

pytestmark = pytest.mark.django_db

PAGE = "/w/riverton/import/"
LINKEDIN = (Path(__file__).parent / "samples" / "Connections_LF.csv").read_bytes()


def upload(client, data: bytes, name: str = "Connections.csv", **fields):
    fields.setdefault("sector", "business")
    return client.post(PAGE, {"file": SimpleUploadedFile(name, data), **fields})


def job_of(response) -> ImportJob:
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def test_upload_preview_and_import_linkedin(
    alice_client, riverton, django_capture_on_commit_callbacks
):
    response = upload(alice_client, LINKEDIN, tag="from linkedin")
    assert response.status_code == 302
    job = job_of(response)
    assert job.format == "linkedin"
    preview = alice_client.get(response["Location"])
    assert preview.status_code == 200
    assert "7 to create" in preview.text and "Nothing has been written yet" in preview.text
    assert "Theo Grant" in preview.text and "Contoso, Ltd." in preview.text
    assert not Stakeholder.objects.exists()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        started = alice_client.post(response["Location"], {"action": "start"})
    assert started.status_code == 302 and queued  # the task, queued once the request commits
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED
    progress = alice_client.get(f"{PAGE}{job.pk}/progress/")
    assert 'hx-trigger="every 1s"' in progress.text
    services.run_job(job.pk)  # what the worker does
    done = alice_client.get(f"{PAGE}{job.pk}/progress/")
    assert done["HX-Refresh"] == "true"
    report = alice_client.get(f"{PAGE}{job.pk}/")
    assert "Of the file's rows: 7 created" in report.text
    assert "?tag=from%20linkedin" in report.text
    assert Stakeholder.objects.filter(kind="person", tags__name="from linkedin").count() == 7
    assert alice_client.post(f"{PAGE}{job.pk}/", {"action": "start"}).status_code == 409
    csv = alice_client.get(f"{PAGE}{job.pk}/report.csv")
    assert csv["Content-Type"].startswith("text/csv") and "Theo Grant" in csv.text


def test_a_csv_is_mapped_on_the_page(alice_client, riverton):
    data = b"Who,Mail,Employer\nAna Ruiz,ana@example.org,Harbour Trust\n"
    response = upload(alice_client, data, "people.csv")
    job = job_of(response)
    page = alice_client.get(response["Location"])
    # "Who" is no name header anyone guesses: the page asks for the column.
    assert "Columns" in page.text and "no column is mapped to name" in page.text
    assert job.mapping == {"organisation": ["Employer"]}
    refused = alice_client.post(response["Location"], {"action": "mapping", "email": "Mail"})
    assert refused.status_code == 400 and "name" in refused.text
    remapped = alice_client.post(
        response["Location"], {"action": "mapping", "name": "Who", "organisation": "Employer"}
    )
    assert remapped.status_code == 302
    job.refresh_from_db()
    assert job.mapping == {"name": ["Who"], "organisation": ["Employer"]}
    assert "1 to create" in alice_client.get(response["Location"]).text
    bogus = alice_client.post(response["Location"], {"action": "mapping", "name": "Nope"})
    assert bogus.status_code == 400


def test_a_duplicate_is_shown_beside_its_match_and_merged_on_request(alice_client, riverton):
    existing = make_stakeholder(riverton, "Jeffery Goldberg", kind="person", sector="business")
    existing.organisations.set([make_stakeholder(riverton, "Elsewhere", kind="organisation")])
    response = upload(alice_client, LINKEDIN)
    page = alice_client.get(response["Location"]).text
    assert "Probable duplicates" in page
    assert f'href="/w/riverton/stakeholders/{existing.pk}/"' in page
    row = next(line for line in page.splitlines() if 'value="merge"' in line)
    name = row.split('name="', 1)[1].split('"', 1)[0]
    job = job_of(response)
    alice_client.post(response["Location"], {"action": "start", name: "merge"})
    services.run_job(job.pk)
    existing.refresh_from_db()
    assert existing.website == "https://www.linkedin.com/in/goldbergjeffrey"
    assert not Stakeholder.objects.filter(name="Jeffrey Goldberg").exists()
    bad = upload(alice_client, LINKEDIN)
    assert alice_client.post(bad["Location"], {"action": "start", name: "maybe"}).status_code == 400


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"PK\x03\x04not really a spreadsheet", "be read"),
    ],
)
def test_a_bad_file_is_a_400_naming_the_field(alice_client, riverton, data, message):
    response = upload(alice_client, data, "contacts.xlsx")
    assert response.status_code == 400
    assert message in response.text
    assert not ImportJob.objects.exists()


def test_a_file_without_names_says_so_in_the_preview(alice_client, riverton):
    response = upload(alice_client, b"Colour,Size\nred,10\n", "things.csv")
    page = alice_client.get(response["Location"])
    assert page.status_code == 200
    assert "be imported as it is" in page.text


def test_viewers_see_imports_but_cannot_import(bob_client, alice_client, riverton):
    job = job_of(upload(alice_client, LINKEDIN))
    page = bob_client.get(PAGE)
    assert page.status_code == 200 and "Viewers can see past imports" in page.text
    assert upload(bob_client, LINKEDIN).status_code == 403
    assert bob_client.post(f"{PAGE}{job.pk}/", {"action": "start"}).status_code == 403
    assert bob_client.get(f"{PAGE}{job.pk}/").status_code == 200


def test_another_workspaces_import_is_404(alice_client, carol_client, riverton, lakeside):
    job = job_of(upload(alice_client, LINKEDIN))
    for suffix in ("", "progress/", "report.csv"):
        assert carol_client.get(f"/w/lakeside/import/{job.pk}/{suffix}").status_code == 404
        assert carol_client.get(f"/w/riverton/import/{job.pk}/{suffix}").status_code == 404
    assert (
        carol_client.post(f"/w/lakeside/import/{job.pk}/", {"action": "start"}).status_code == 404
    )


def test_the_stakeholder_list_offers_the_import(alice_client, bob_client, riverton):
    assert 'href="/w/riverton/import/"' in alice_client.get("/w/riverton/stakeholders/").text
    assert 'href="/w/riverton/import/"' not in bob_client.get("/w/riverton/stakeholders/").text
