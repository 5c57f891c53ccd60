"""A calendar through the import page and the imports API: upload, preview, people left out,
import, report; scoped to the workspace, refused to viewers, bad input a clear 4xx."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cityweave.contacts import services
from cityweave.contacts.importing import ImportProblem
from cityweave.contacts.models import ImportJob
from cityweave.contacts.readers import ReadError
from cityweave.engagement.models import Interaction
from cityweave.stakeholders.models import Stakeholder
from cityweave.testing import make_stakeholder, make_workspace

pytestmark = pytest.mark.django_db

PAGE = "/w/riverton/import/"
API = "/api/v1/workspaces/riverton/imports"
SAMPLES = Path(__file__).parent / "samples"
OUTLOOK = (SAMPLES / "made_up_outlook_windows_tzid.ics").read_bytes()
GOOGLE = (SAMPLES / "made_up_google_x_wr_timezone.ics").read_bytes()
PERIOD = {"period_from": "2024-01-01", "period_to": "2024-12-31"}


def upload(client, data: bytes = GOOGLE, name: str = "office.ics", **fields):
    fields = {"sector": "business", **PERIOD, **fields}
    return client.post(PAGE, {"file": SimpleUploadedFile(name, data), **fields})


def job_of(response) -> ImportJob:
    return ImportJob.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def test_a_calendar_is_previewed_then_imported(
    alice_client, riverton, django_capture_on_commit_callbacks
):
    make_stakeholder(riverton, "Pierre Martin", email="pierre.martin@ville.example")
    response = upload(alice_client, OUTLOOK, "outlook.ics", tag="from outlook")
    assert response.status_code == 302
    job = job_of(response)
    assert (job.kind, job.period_from) == ("calendar", dt.date(2024, 1, 1))
    preview = alice_client.get(response["Location"])
    assert preview.status_code == 200
    text = preview.text
    assert "1 meeting to create, 4 events skipped, 2 new stakeholders" in text
    assert "Partnerschaftstreffen" in text and "Pierre Martin" in text
    assert "pat@partner.example" in text and "Anna Schmidt" in text
    assert "no attendees with an email address" in text
    assert not Interaction.objects.exists()
    # Leave Anna out: Pat is still created.
    decided = alice_client.post(
        response["Location"], {"action": "preview", "person-anna.schmidt@stadt.example": "skip"}
    )
    assert decided.status_code == 302
    assert "1 new stakeholder" in alice_client.get(response["Location"]).text
    with django_capture_on_commit_callbacks(execute=False) as queued:
        started = alice_client.post(
            response["Location"],
            {"action": "start", "person-anna.schmidt@stadt.example": "skip"},
        )
    assert started.status_code == 302 and queued
    services.run_job(job.pk)
    report = alice_client.get(response["Location"])
    assert "1 meeting created" in report.text
    made = Interaction.objects.get()
    assert f"/w/riverton/interactions/{made.pk}/" in report.text
    assert "occurred_from=2024-06-12&amp;occurred_to=2024-06-12&amp;kind=meeting" in report.text
    assert not Stakeholder.objects.filter(email="anna.schmidt@stadt.example").exists()
    assert Stakeholder.objects.filter(email="pat@partner.example", tags__name="from outlook")
    csv = alice_client.get(f"{PAGE}{job.pk}/report.csv")
    assert csv.text.splitlines()[0].startswith("line,action,date,title")
    assert "2024-01-05,Weekly call with Boston" in csv.text


def test_bad_calendar_input_is_a_clear_4xx(alice_client, riverton):
    backwards = upload(alice_client, period_from="2024-05-01", period_to="2024-04-01")
    assert backwards.status_code == 400 and "The period ends before it starts." in backwards.text
    unreadable = upload(alice_client, b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\n\x00\xff")
    assert unreadable.status_code == 302  # kept for the preview, which says what is wrong
    said = alice_client.get(unreadable["Location"])
    assert said.status_code == 200 and "not a readable iCalendar file" in said.text
    job = upload(alice_client)
    bad = alice_client.post(job["Location"], {"action": "preview", "person-x@y.org": "maybe"})
    assert bad.status_code == 400 and "person-x@y.org" in bad.text
    broken = upload(alice_client, (SAMPLES / "icalendar_tests_broken_dtstart.ics").read_bytes())
    page = alice_client.get(broken["Location"])
    assert page.status_code == 200 and "Line 4: DTSTART: not readable" in page.text


def test_viewers_cannot_import_a_calendar(bob_client, bob_api, riverton, alice_member):
    assert upload(bob_client).status_code == 403
    job = services.new_job(riverton, alice_member, "o.ics", GOOGLE, sector="business")
    assert bob_client.get(f"{PAGE}{job.pk}/").status_code == 200  # viewers read
    assert bob_client.post(f"{PAGE}{job.pk}/", {"action": "start"}).status_code == 403
    refused = bob_api.post(API, {"file": SimpleUploadedFile("o.ics", GOOGLE), "dry_run": "true"})
    assert refused.status_code == 403
    assert not Interaction.objects.exists()


def test_another_workspaces_calendar_job_is_not_found(carol_client, carol_api, riverton):
    job = services.new_job(riverton, None, "o.ics", GOOGLE, sector="business", period=(None, None))
    make_workspace("Other", "other")
    assert carol_client.get(f"/w/lakeside/import/{job.pk}/").status_code == 404
    assert carol_client.get(f"/w/lakeside/import/{job.pk}/report.csv").status_code == 404
    assert carol_api.get(f"/api/v1/workspaces/lakeside/imports/{job.pk}").status_code == 404


def test_the_api_dry_runs_and_queues_a_calendar(
    alice_api, riverton, django_capture_on_commit_callbacks
):
    def post(**fields):
        return alice_api.post(API, {"file": SimpleUploadedFile("g.ics", GOOGLE), **fields})

    dry = post(dry_run="true", decisions="LEE@chamber.example=skip", **PERIOD)
    assert dry.status_code == 200
    body = dry.json()
    assert (body["kind"], body["format"], body["period_from"]) == ("calendar", "ics", "2024-01-01")
    assert body["counts"]["create"] == 0 and not ImportJob.objects.exists()
    with django_capture_on_commit_callbacks(execute=False):
        queued = post(**PERIOD)
    assert queued.status_code == 202
    services.run_job(queued.json()["id"])
    done = alice_api.get(f"{API}/{queued.json()['id']}").json()
    assert done["status"] == "done" and done["counts"]["create"] == 9
    assert done["rows"] == []  # a contact file's rows; a calendar has events
    first = next(row for row in done["events"] if row["action"] == "create")
    assert first["title"] == "Monthly review"
    assert first["date"] == "2024-03-01" and first["new"] == ["Lee Park"]
    assert Interaction.objects.filter(pk=first["interaction"]).exists()
    bad_day = post(dry_run="true", period_from="1 May")
    assert bad_day.status_code == 422 and "period_from" in str(bad_day.json())
    backwards = post(dry_run="true", period_from="2024-05-01", period_to="2024-04-01")
    assert backwards.status_code == 422 and "period_to" in str(backwards.json())
    bad_decision = post(dry_run="true", decisions="4=merge")
    assert bad_decision.status_code == 422 and "decisions" in str(bad_decision.json())


ICS_LINES = [
    line
    for name in ("made_up_outlook_windows_tzid.ics", "made_up_google_x_wr_timezone.ics")
    for line in (SAMPLES / name).read_bytes().splitlines()
]


# The plan only reads the workspace (save=False): one workspace serves every example.
@settings(
    max_examples=60,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    deadline=None,
)
@given(
    st.lists(st.sampled_from(ICS_LINES) | st.binary(max_size=30), max_size=40).map(
        lambda lines: b"BEGIN:VCALENDAR\r\n" + b"\r\n".join(lines)
    )
)
def test_random_calendar_bytes_through_the_plan_raise_only_clean_errors(riverton, data):
    job = services.new_job(
        riverton,
        None,
        "fuzz.ics",
        data,
        sector="business",
        period=(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
        save=False,
    )
    try:
        plan = services.plan_job(job)
    except (ReadError, ImportProblem) as error:
        assert str(error)
        return
    lines = data.count(b"\n") + data.count(b"\r") + 2
    for row in plan.rows:
        assert 1 <= row.row <= lines and (row.action != "error" or row.reason)


def test_the_preview_page_costs_the_same_few_queries_for_many_events(
    alice_client, riverton, alice_member, django_assert_max_num_queries
):
    for n in range(40):
        make_stakeholder(riverton, f"Partner {n}", email=f"p{n}@partner.example")
    events = "".join(
        f"BEGIN:VEVENT\r\nUID:e{n}\r\nDTSTAMP:20240101T000000Z\r\n"
        f"DTSTART:202403{n % 28 + 1:02d}T1{n % 8}0000Z\r\nSUMMARY:Meeting {n}\r\n"
        f"ATTENDEE:mailto:p{n % 40}@partner.example\r\n"
        f"ATTENDEE:mailto:new{n % 25}@elsewhere.example\r\nEND:VEVENT\r\n"
        for n in range(300)
    )
    data = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{events}END:VCALENDAR\r\n".encode()
    job = services.new_job(
        riverton,
        alice_member,
        "many.ics",
        data,
        sector="business",
        period=(dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
    )
    with django_assert_max_num_queries(16):
        page = alice_client.get(f"{PAGE}{job.pk}/")
    assert "300 meetings to create, 25 new stakeholders" in page.text
    assert "and 200 more" in page.text


def test_the_interaction_list_offers_a_calendar_import_to_those_who_may_import(
    alice_client, bob_client
):
    link = f'href="{PAGE}"'
    assert link in alice_client.get("/w/riverton/interactions/").text
    assert link not in bob_client.get("/w/riverton/interactions/").text


def test_an_import_with_more_new_people_than_djangos_default_field_limit_starts(
    alice_client, settings
):
    from cityweave.contacts.importing import MAX_ROWS

    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS > MAX_ROWS
    events = "\r\n".join(
        f"BEGIN:VEVENT\r\nUID:e{i}\r\nDTSTART:20240301T{i // 60 % 24:02}{i % 60:02}00Z\r\n"
        f"SUMMARY:Meeting {i}\r\nATTENDEE;CN=Person {i}:mailto:p{i}@example.org\r\nEND:VEVENT"
        for i in range(1_200)
    )
    data = f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n{events}\r\nEND:VCALENDAR\r\n".encode()
    response = upload(alice_client, data)
    job = job_of(response)
    choices = {f"person-p{i}@example.org": "create" for i in range(1_200)}
    started = alice_client.post(response["Location"], {"action": "start", **choices})
    assert started.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.QUEUED


def test_import_reports_disarm_text_a_spreadsheet_would_run():
    evil = '=HYPERLINK("http://evil.example","Click me")'
    contacts = services.report_csv({"rows": [[3, "error", evil, "-no email"]]})
    assert (
        contacts.splitlines()[1]
        == '3,error,"\'=HYPERLINK(""http://evil.example"",""Click me"")",\'-no email'
    )
    extra = {"date": "2024-03-01", "participants": ["@Ann"], "new": [], "members": []}
    calendar = services.report_csv(
        {"kind": "calendar", "rows": [[9, "create", evil, "", 0, extra]]}
    )
    assert "'=HYPERLINK" in calendar and ",'@Ann," in calendar


def test_a_file_named_ics_is_told_it_is_no_calendar_and_a_bare_event_is_one(alice_client):
    binary = upload(alice_client, b"\x89PNG\r\n\x1a\n\x00\x00garbage", "holidays.ics")
    assert binary.status_code == 302
    said = alice_client.get(binary["Location"]).text
    assert "not an iCalendar file" in said and "mapped" not in said
    bare = b"BEGIN:VEVENT\r\nUID:b\r\nDTSTART:20240301T100000Z\r\nATTENDEE:mailto:a@b.org\r\nEND:VEVENT\r\n"
    assert job_of(upload(alice_client, bare, "event.txt")).kind == "calendar"
