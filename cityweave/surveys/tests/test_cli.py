"""`cityweave survey`: listing, links, invitations, exports, closing; scoping, roles and errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test.utils import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from cityweave.engagement.services import workspace_today
from cityweave.surveys import fieldwork
from cityweave.surveys.models import Respondent, Wave
from cityweave.surveys.testing import make_respondent, make_response, make_survey, make_wave
from cityweave.testing import make_stakeholder

pytestmark = pytest.mark.django_db

LINKS_URL = "https://partners.riverton.example"


def survey_command(*args: str) -> str:
    out = io.StringIO()
    call_command("survey", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def wave(alice_member) -> Wave:
    """A partner survey's open wave: the food bank answered, the clinic was invited and has not,
    the library is not invited yet."""
    riverton = alice_member.workspace
    bank = make_stakeholder(riverton, "Food Bank", email="hello@bank.example")
    clinic = make_stakeholder(riverton, "Clinic", email="desk@clinic.example")
    library = make_stakeholder(riverton, "Library", email="ask@library.example")
    survey = make_survey(alice_member, title="Harbour partners")
    wave = make_wave(survey, "Spring 2027", roster=[bank, clinic, library])
    invited = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    make_response(
        wave,
        make_respondent(wave, bank, invited_at=invited),
        answers={"role": "Director"},
        ties={clinic: {"frequency": "monthly", "reliability": 4, "power": 2}},
    )
    make_respondent(wave, clinic, invited_at=invited)
    make_respondent(wave, library)
    return wave


@pytest.fixture
def lakeside_wave(carol, lakeside) -> Wave:
    from cityweave.workspaces.models import Membership

    survey = make_survey(Membership.objects.get(user=carol), title="Lakeside partners")
    wave = make_wave(survey, "Autumn")
    make_respondent(wave, make_stakeholder(lakeside, "Marina", email="m@marina.example"))
    return wave


# == list =========================================================================================


def test_list_shows_each_wave_with_the_pages_response_rate(wave, alice_member, lakeside_wave):
    earlier = make_wave(
        wave.survey,
        "Autumn 2026",
        opens_on=workspace_today(wave.workspace) - dt.timedelta(days=90),
        closes_on=workspace_today(wave.workspace) - dt.timedelta(days=60),
    )
    make_survey(alice_member, "community", title="Residents")
    listening = make_wave(make_survey(alice_member, "community", title="Listening"), "Winter")
    make_response(listening, answers={"satisfaction": 4})  # through the open link
    out = survey_command("list", "--workspace", "riverton")
    lines = out.splitlines()
    assert lines[0].split() == [
        "SURVEY", "WAVE", "STATUS", "OPENS", "CLOSES", "ASKED", "SUBMITTED", "RATE", "OPEN", "LINK",
    ]  # fmt: skip
    spring = next(line for line in lines if "Spring 2027" in line)
    assert f"{wave.survey.pk} Harbour partners" in spring
    assert spring.split()[-6:] == [
        wave.opens_on.isoformat(),
        wave.closes_on.isoformat(),
        "3",
        "1",
        "33%",  # as the page: round(100 × 1 ÷ 3)
        "0",
    ]
    assert fieldwork.response_rate(wave).percent == 33
    assert "open" in spring.split()
    autumn = next(line for line in lines if "Autumn 2026" in line)
    assert f"{earlier.pk} Autumn 2026" in autumn and "closed" in autumn.split()
    assert autumn.split()[-2:] == ["—", "0"]  # nobody asked: no rate
    assert "Residents" in out and "no waves yet" in out
    winter = next(line for line in lines if "Winter" in line)
    assert winter.split()[-4:] == ["0", "0", "—", "1"]  # counted beside the rate, not in it
    assert lines.index(spring) < lines.index(autumn)  # latest first
    assert "Lakeside" not in out and "Marina" not in out
    assert fieldwork.ResponseRate.FORMULA in out


def test_list_as_json(wave, lakeside_wave):
    document = json.loads(survey_command("list", "--workspace", "riverton", "--format", "json"))
    assert document["workspace"] == "riverton"
    assert document["formula"] == fieldwork.ResponseRate.FORMULA
    (survey,) = document["surveys"]
    assert (survey["id"], survey["title"], survey["anonymous"]) == (
        wave.survey.pk,
        "Harbour partners",
        False,
    )
    assert survey["waves"] == [
        {
            "id": wave.pk,
            "name": "Spring 2027",
            "status": "open",
            "opens_on": wave.opens_on.isoformat(),
            "closes_on": wave.closes_on.isoformat(),
            "respondents": 3,
            "submitted": 1,
            "response_rate": 33,
            "open_link_submitted": 0,
        }
    ]


def test_list_says_when_there_is_nothing(riverton):
    assert "has no surveys" in survey_command("list", "--workspace", "riverton")
    assert (
        json.loads(survey_command("list", "--workspace", "riverton", "--format", "json"))["surveys"]
        == []
    )


def test_an_unknown_workspace_is_named(riverton):
    with pytest.raises(CommandError, match="^--workspace: no workspace “nowhere”"):
        survey_command("list", "--workspace", "nowhere")


# == links ========================================================================================


@override_settings(CITYWEAVE_URL=LINKS_URL)
def test_links_print_the_pages_csv(wave, alice_client):
    out = survey_command("links", str(wave.pk), "--workspace", "riverton")
    page = alice_client.get(
        reverse("surveys:links-csv", args=["riverton", wave.survey_id, wave.pk])
    )
    assert out.encode() == page.content
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [r["respondent"] for r in rows] == ["Clinic", "Food Bank", "Library"]
    token = Respondent.objects.get(wave=wave, email="desk@clinic.example").token
    assert rows[0]["link"] == f"{LINKS_URL}/s/{token}/"
    assert (rows[1]["invited"], rows[1]["responded"]) == ("yes", "yes")


@override_settings(CITYWEAVE_URL=LINKS_URL)
def test_links_write_the_pages_csv_to_a_file(wave, alice_client, tmp_path):
    target = tmp_path / "links.csv"
    out = survey_command("links", str(wave.pk), "--workspace", "riverton", "-o", str(target))
    assert f"Wrote 3 links of “Harbour partners: Spring 2027” to {target}" in out
    page = alice_client.get(
        reverse("surveys:links-csv", args=["riverton", wave.survey_id, wave.pk])
    )
    assert target.read_bytes() == page.content
    assert list(tmp_path.iterdir()) == [target]  # no temporary file left beside it


def test_links_warn_when_the_servers_address_is_not_set(wave, monkeypatch):
    monkeypatch.delenv("CITYWEAVE_URL", raising=False)
    err = io.StringIO()
    call_command(
        "survey", "links", str(wave.pk), "--workspace", "riverton", stdout=io.StringIO(), stderr=err
    )
    assert "CITYWEAVE_URL is not set" in err.getvalue()


def test_another_workspaces_wave_is_no_wave(wave, lakeside_wave, tmp_path):
    target = tmp_path / "links.csv"
    for args in (
        ("links", str(lakeside_wave.pk), "-o", str(target)),
        ("export", str(lakeside_wave.pk), "--what", "answers", "-o", str(target)),
        ("close", str(lakeside_wave.pk), "--as", "alice@riverton.example"),
        ("invite", str(lakeside_wave.pk), "--as", "alice@riverton.example"),
    ):
        with pytest.raises(CommandError, match=f"^WAVE_ID: no wave {lakeside_wave.pk} in the"):
            survey_command(*args, "--workspace", "riverton")
    assert not target.exists()
    lakeside_wave.refresh_from_db()
    assert lakeside_wave.closed_at is None and lakeside_wave.invitations_sent_at is None
    assert not mail.outbox


def test_an_unknown_or_trashed_wave_is_no_wave(wave, alice_member):
    with pytest.raises(CommandError, match="^WAVE_ID: no wave 99999999999999999999 in the"):
        survey_command("links", "99999999999999999999", "--workspace", "riverton")
    fieldwork.trash_wave(alice_member, wave)
    with pytest.raises(CommandError, match=f"^WAVE_ID: no wave {wave.pk} in the"):
        survey_command("links", str(wave.pk), "--workspace", "riverton")


def test_a_file_in_a_missing_folder_is_refused_before_anything_is_done(wave, tmp_path):
    target = tmp_path / "nowhere" / "links.csv"
    with pytest.raises(CommandError, match="^-o: no folder"):
        survey_command("links", str(wave.pk), "--workspace", "riverton", "-o", str(target))
    assert not target.parent.exists()
    with pytest.raises(CommandError, match="^-o: .* is a folder"):
        survey_command(
            "export", str(wave.pk), "--workspace", "riverton", "--what", "scores",
            "-o", str(tmp_path),
        )  # fmt: skip
    assert not list(tmp_path.iterdir())


# == invite =======================================================================================


def invite(wave: Wave, *args: str, email: str = "alice@riverton.example") -> str:
    return survey_command("invite", str(wave.pk), "--workspace", "riverton", "--as", email, *args)


def test_a_dry_run_lists_who_would_be_invited_and_sends_nothing(
    wave, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        out = invite(wave, "--dry-run")
    assert out.splitlines() == [
        "Would send 1 invitation for “Harbour partners: Spring 2027”:",
        "  Library <ask@library.example>",
    ]
    assert not queued and not mail.outbox
    assert (
        not Respondent.objects.filter(wave=wave, invited_at=None)
        .exclude(email="ask@library.example")
        .exists()
    )
    assert Respondent.objects.get(email="ask@library.example").invited_at is None


def test_invitations_go_to_those_not_invited_yet_through_the_worker(
    wave, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as queued:
        out = invite(wave)
    assert out.startswith("Queued 1 invitation for “Harbour partners: Spring 2027”:")
    assert "cityweave worker" in out
    assert len(queued) == 1
    assert [m.to for m in mail.outbox] == [["ask@library.example"]]
    assert Respondent.objects.get(email="ask@library.example").invited_at is not None
    with pytest.raises(CommandError, match="^emails: Everyone with an email has been invited"):
        invite(wave)


def test_reminders_go_to_those_invited_who_have_not_answered(
    wave, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        dry = invite(wave, "--reminders", "--dry-run")
    assert dry.splitlines() == [
        "Would send 1 reminder for “Harbour partners: Spring 2027”:",
        "  Clinic <desk@clinic.example>",
    ]
    assert not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        invite(wave, "--reminders")
    assert [m.to for m in mail.outbox] == [["desk@clinic.example"]]
    assert mail.outbox[0].subject.startswith("Reminder: ")


def test_a_closed_wave_takes_no_invitations_even_in_a_dry_run(wave, alice_member):
    fieldwork.close_wave(alice_member, wave)
    with pytest.raises(CommandError, match="^emails: The wave is closed"):
        invite(wave, "--dry-run")


def test_writing_needs_an_editor_named_by_as(wave, bob, carol, django_capture_on_commit_callbacks):
    cases = [
        ("bob@riverton.example", "^--as: Viewers can read this workspace but not change it"),
        ("carol@lakeside.example", "^--as: carol@lakeside.example is not a member of the"),
        ("nobody@riverton.example", "^--as: nobody@riverton.example is not a member of the"),
    ]
    for email, message in cases:
        with django_capture_on_commit_callbacks(execute=True):
            for action in ("invite", "close"):
                with pytest.raises(CommandError, match=message):
                    survey_command(action, str(wave.pk), "--workspace", "riverton", "--as", email)
            with pytest.raises(CommandError, match=message):
                invite(wave, "--dry-run", email=email)
    assert not mail.outbox
    wave.refresh_from_db()
    assert wave.closed_at is None
    assert Respondent.objects.get(email="ask@library.example").invited_at is None


def test_writing_without_as_is_refused(wave):
    with pytest.raises(CommandError, match="--as"):
        survey_command("close", str(wave.pk), "--workspace", "riverton")


# == export =======================================================================================


def page_download(client, what: str, fmt: str, wave: Wave) -> bytes:
    name = f"surveys:results-{what}-{fmt}"
    response = client.get(reverse(name, args=["riverton", wave.survey_id, wave.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def xlsx_rows(body: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(body)).active.values)  # type: ignore[union-attr]


@pytest.mark.parametrize("what", ["answers", "partner-answers", "scores"])
def test_export_writes_the_results_pages_download(wave, alice_client, tmp_path, what):
    as_csv, as_xlsx = tmp_path / f"{what}.csv", tmp_path / f"{what}.xlsx"
    out = survey_command(
        "export", str(wave.pk), "--workspace", "riverton", "--what", what, "-o", str(as_csv)
    )
    assert f"Wrote the {what} of “Harbour partners: Spring 2027” (csv) to {as_csv}" in out
    assert as_csv.read_bytes() == page_download(alice_client, what, "csv", wave)
    survey_command(
        "export", str(wave.pk), "--workspace", "riverton", "--what", what, "-o", str(as_xlsx)
    )  # the format follows the file's name
    assert xlsx_rows(as_xlsx.read_bytes()) == xlsx_rows(
        page_download(alice_client, what, "xlsx", wave)
    )
    assert sorted(tmp_path.iterdir()) == sorted([as_csv, as_xlsx])


def test_export_holds_the_rows(wave, tmp_path):
    target = tmp_path / "answers.txt"
    survey_command(
        "export", str(wave.pk), "--workspace", "riverton", "--what", "answers",
        "--format", "xlsx", "-o", str(target),
    )  # fmt: skip
    header, row = xlsx_rows(target.read_bytes())
    assert dict(zip(header, row, strict=True))["respondent"] == "Food Bank"
    scores = tmp_path / "scores.csv"
    survey_command(
        "export", str(wave.pk), "--workspace", "riverton", "--what", "scores", "-o", str(scores)
    )
    rows = {r["partner"]: r for r in csv.DictReader(io.StringIO(scores.read_text()))}
    assert rows["Clinic"]["reliability"] == "4.0"


def test_an_anonymous_surveys_export_names_nobody(alice_member, alice_client, tmp_path):
    survey = make_survey(alice_member, "community")
    wave = make_wave(survey)
    make_response(wave, answers={"satisfaction": 4, "communication": 2})
    target = tmp_path / "answers.csv"
    survey_command(
        "export", str(wave.pk), "--workspace", "riverton", "--what", "answers", "-o", str(target)
    )
    assert target.read_bytes() == page_download(alice_client, "answers", "csv", wave)
    header = next(csv.reader(io.StringIO(target.read_text())))
    assert header[0] == "submitted on"
    assert not {"response", "respondent", "email", "answers for"} & set(header)


def test_an_unknown_download_is_refused_by_its_option(wave, tmp_path):
    with pytest.raises(CommandError, match="--what"):
        survey_command(
            "export", str(wave.pk), "--workspace", "riverton", "--what", "emails",
            "-o", str(tmp_path / "x.csv"),
        )  # fmt: skip
    assert not list(tmp_path.iterdir())


# == close and reopen =============================================================================


def test_close_and_reopen_as_the_pages_buttons(wave):
    out = survey_command(
        "close", str(wave.pk), "--workspace", "riverton", "--as", "alice@riverton.example"
    )
    assert "“Harbour partners: Spring 2027” is closed" in out
    wave.refresh_from_db()
    assert wave.status_on(workspace_today(wave.workspace)) == Wave.CLOSED
    with pytest.raises(CommandError, match="^closed_at: The wave is closed already"):
        survey_command(
            "close", str(wave.pk), "--workspace", "riverton", "--as", "ALICE@riverton.example"
        )
    out = survey_command(
        "reopen", str(wave.pk), "--workspace", "riverton", "--as", "alice@riverton.example"
    )
    assert "is open again" in out
    wave.refresh_from_db()
    assert wave.closed_at is None
    with pytest.raises(CommandError, match="^closed_at: The wave was not closed by hand"):
        survey_command(
            "reopen", str(wave.pk), "--workspace", "riverton", "--as", "alice@riverton.example"
        )


def test_a_viewer_cannot_reopen(wave, alice_member, bob):
    fieldwork.close_wave(alice_member, wave)
    with pytest.raises(CommandError, match="^--as: Viewers can read"):
        survey_command(
            "reopen", str(wave.pk), "--workspace", "riverton", "--as", "bob@riverton.example"
        )
    wave.refresh_from_db()
    assert wave.closed_at is not None


def test_the_command_is_listed_in_the_short_help():
    from cityweave.cli import usage

    assert "  survey " in usage()


def test_help_names_every_sub_command(capsys):
    with pytest.raises(SystemExit):
        call_command("survey", "--help")
    text = capsys.readouterr().out
    for action in ("list", "links", "invite", "export", "close", "reopen"):
        assert action in text
