"""A calendar into meetings: the plan (preview and dry run) and applying it; matching by email,
members present, new people once, re-imports, time zones, all-day dates, one transaction."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cityweave.contacts import calendar_import, services
from cityweave.contacts.calendar_import import (
    CREATE,
    ERROR,
    SKIP,
    apply_calendar,
    plan_calendar,
    read_period,
)
from cityweave.contacts.importing import ImportProblem
from cityweave.contacts.models import ImportJob
from cityweave.contacts.readers import ReadError, read_calendar
from cityweave.engagement.models import Interaction
from cityweave.stakeholders.models import Stakeholder
from cityweave.testing import make_member, make_stakeholder, make_tie, make_user

pytestmark = pytest.mark.django_db

YEAR_2024 = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
CHICAGO = zoneinfo.ZoneInfo("America/Chicago")


def plan_of(workspace, data: bytes, period=YEAR_2024, **options):
    read = read_calendar(data, period=read_period(*period), default_timezone=CHICAGO)
    return plan_calendar(workspace, read, sector="nonprofit", **options)


def event(uid: str, start: str, *attendees: str, summary: str = "Meeting", extra: str = "") -> str:
    lines = [
        "BEGIN:VEVENT",
        f"UID:{uid}",
        "DTSTAMP:20240101T000000Z",
        start,
        f"SUMMARY:{summary}",
        *(
            f"ATTENDEE;CN={name}:mailto:{email}"
            for name, _, email in (a.partition("|") for a in attendees)
        ),
    ]
    if extra:
        lines.append(extra)
    lines.append("END:VEVENT")
    return "\r\n".join(lines)


def calendar(*events: str) -> bytes:
    body = "\r\n".join(events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{body}\r\nEND:VCALENDAR\r\n".encode()


def test_outlook_meeting_matches_by_email_with_members_present(riverton, alice_member, sample):
    anna = make_member(riverton, make_user("Anna.Schmidt@Stadt.example", "Anna Schmidt"), "editor")
    pierre = make_stakeholder(riverton, "Pierre Martin", email="PIERRE.MARTIN@ville.example")
    plan = plan_of(riverton, sample("made_up_outlook_windows_tzid.ics"))
    meeting, *weekly = plan.rows
    assert (meeting.action, meeting.title, meeting.row) == (CREATE, "Partnerschaftstreffen", 20)
    assert meeting.stakeholders == [pierre.pk]
    assert meeting.members == [anna.pk]
    assert meeting.new_people == ["pat@partner.example"]
    assert plan.new_people == {"pat@partner.example": "Pat"}
    # The Boston call names nobody: each of its four Fridays is skipped with the reason.
    assert [(r.action, r.reason) for r in weekly] == [
        (SKIP, "no attendees with an email address")
    ] * 4
    assert [r.day for r in weekly] == [dt.date(2024, 1, d) for d in (5, 12, 19, 26)]
    assert not Interaction.objects.exists()  # a plan writes nothing

    outcome = apply_calendar(riverton, plan, author=alice_member, tag="from outlook")
    assert len(outcome.interactions) == 1 and len(outcome.created) == 1
    made = Interaction.objects.get()
    assert made.occurred_at == dt.datetime(2024, 6, 12, 10, 0, tzinfo=BERLIN)  # Windows TZID
    assert (made.kind, made.summary, made.author) == (
        "meeting",
        "Partnerschaftstreffen",
        alice_member,
    )
    assert "Jugendaustausch" in made.notes and "Where: Rathaus, Raum 2" in made.notes
    pat = Stakeholder.objects.get(email="pat@partner.example")
    assert (pat.name, pat.sector, pat.kind) == ("Pat", "nonprofit", "person")
    assert list(pat.tags.values_list("name", flat=True)) == ["from outlook"]
    assert set(made.participants.all()) == {pierre, pat}
    assert list(made.members_present.all()) == [anna]
    assert made.source_uid == "040000008200E00074C5B7101A82E00800000000A0B1C2D3E4F5"


def test_google_recurring_series_expands_within_the_period_and_creates_a_person_once(
    riverton, sample
):
    data = sample("made_up_google_x_wr_timezone.ics")
    plan = plan_of(riverton, data)
    reviews = [r for r in plan.rows if r.title.startswith("Monthly review")]
    created = [r for r in reviews if r.action == CREATE]
    # March to December; May's occurrence was moved and names nobody.
    assert [r.day.month for r in created] == [3, 4, 6, 7, 8, 9, 10, 11, 12]
    assert created[0].occurred_at == dt.datetime(2024, 3, 1, 9, 0, tzinfo=CHICAGO)
    # Google's own group calendar is no person.
    assert plan.new_people == {"lee@chamber.example": "Lee Park"}
    apply_calendar(riverton, plan)
    assert Stakeholder.objects.filter(email="lee@chamber.example").count() == 1
    assert Interaction.objects.filter(participants__email="lee@chamber.example").count() == 9
    spring = plan_of(riverton, data, period=(dt.date(2024, 3, 1), dt.date(2024, 4, 30)))
    assert [r.day for r in spring.rows if "review" in r.title.lower()] == [
        dt.date(2024, 3, 1),
        dt.date(2024, 4, 1),
    ]


def test_an_all_day_event_keeps_its_date_whatever_the_zones(riverton):
    make_stakeholder(riverton, "Mia Tanaka", email="mia@kiritimati.example")
    data = calendar(
        "X-WR-TIMEZONE:Pacific/Kiritimati",
        event(
            "fest",
            "DTSTART;VALUE=DATE:20240704",
            "Mia|mia@kiritimati.example",
            extra="DTEND;VALUE=DATE:20240706",
        ),
    )
    plan = plan_of(riverton, data)
    (row,) = plan.rows
    assert (row.action, row.all_day, row.day) == (CREATE, True, dt.date(2024, 7, 4))
    apply_calendar(riverton, plan)
    made = Interaction.objects.get()
    assert made.occurred_at.astimezone(CHICAGO).date() == dt.date(2024, 7, 4)
    assert "All day." in made.notes


def test_reimporting_creates_nothing_and_a_trashed_meeting_stays_gone(
    riverton, alice_member, sample
):
    data = sample("made_up_google_x_wr_timezone.ics")
    apply_calendar(riverton, plan_of(riverton, data))
    before = (Interaction.all_objects.count(), Stakeholder.all_objects.count())
    again = plan_of(riverton, data)
    assert again.counts()[CREATE] == 0 and again.counts()["imported before"] == 9
    assert again.new_people == {}
    apply_calendar(riverton, again)
    assert (Interaction.all_objects.count(), Stakeholder.all_objects.count()) == before
    Interaction.objects.filter(pk=Interaction.objects.first().pk).update(
        deleted_at=dt.datetime.now(dt.UTC)
    )
    assert plan_of(riverton, data).counts()[CREATE] == 0


def test_a_person_left_out_is_not_created_and_their_only_events_are_skipped(riverton, sample):
    data = sample("made_up_google_x_wr_timezone.ics")
    plan = plan_of(riverton, data, decisions={"LEE@chamber.example": "skip"})
    assert plan.counts()[CREATE] == 0
    assert plan.left_out == {"lee@chamber.example": "Lee Park"}
    assert {r.reason for r in plan.rows if r.title == "Monthly review"} == {
        "the people from outside the office were left out"
    }
    apply_calendar(riverton, plan)
    assert not Stakeholder.objects.exists() and not Interaction.objects.exists()


def test_events_yet_to_happen_are_skipped(riverton, sample):
    now = dt.datetime(2024, 4, 15, tzinfo=dt.UTC)
    plan = plan_of(riverton, sample("made_up_google_x_wr_timezone.ics"), now=now)
    created = [r.day for r in plan.rows if r.action == CREATE]
    assert created == [dt.date(2024, 3, 1), dt.date(2024, 4, 1)]
    assert any(r.reason == "has not happened yet" for r in plan.rows)


def test_a_meeting_warms_the_ties_of_its_participants(riverton, sample):
    city = make_stakeholder(riverton, "City of Riverton", kind="organisation", is_internal=True)
    lee = make_stakeholder(riverton, "Lee Park", email="lee@chamber.example")
    tie = make_tie(city, lee)
    apply_calendar(riverton, plan_of(riverton, sample("made_up_google_x_wr_timezone.ics")))
    tie.refresh_from_db()
    assert tie.last_contact_at == dt.datetime(2024, 12, 1, 9, 0, tzinfo=CHICAGO)


def test_a_failure_writes_nothing(riverton, sample, monkeypatch):
    plan = plan_of(riverton, sample("made_up_outlook_windows_tzid.ics"))
    through = Interaction.participants.through

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(through.objects, "bulk_create", broken)
    with pytest.raises(RuntimeError):
        apply_calendar(riverton, plan)
    assert not Interaction.all_objects.exists() and not Stakeholder.all_objects.exists()


def test_bad_events_are_listed_with_their_line_and_reason(riverton, sample):
    plan = plan_of(riverton, sample("icalendar_tests_broken_dtstart.ics"))
    assert [(r.row, r.action) for r in plan.rows] == [(4, ERROR)]
    assert plan.rows[0].reason.startswith("DTSTART: not readable")
    plan = plan_of(riverton, sample("icalendar_tests_issue_104_broken_calendar.ics"))
    assert [(r.row, r.reason) for r in plan.rows][0] == (4, "UID: the event has no UID")
    with pytest.raises(ReadError, match="line 1"):
        plan_of(riverton, sample("vobject_tz_us_eastern.ics"))


def test_the_sector_and_the_period_are_checked(riverton, sample):
    with pytest.raises(ImportProblem, match="^sector: "):
        plan_calendar(riverton, read_calendar(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"), sector="x")
    with pytest.raises(ImportProblem, match="^period_to: "):
        read_period(dt.date(2024, 5, 1), dt.date(2024, 4, 1))
    with pytest.raises(ImportProblem, match="^period_from: Give a date between 1900 and 2200"):
        read_period(dt.date(1, 1, 1), dt.date(2, 1, 1))


def test_the_plan_costs_a_few_queries_however_many_events(riverton, django_assert_max_num_queries):
    for n in range(50):
        make_stakeholder(riverton, f"Partner {n}", email=f"p{n}@partner.example")
    events = [
        event(
            f"e{n}",
            f"DTSTART:202403{n % 28 + 1:02d}T1{n % 8}0000Z",
            f"P|p{n % 50}@partner.example",
            f"New|new{n % 30}@elsewhere.example",
        )
        for n in range(400)
    ]
    read = read_calendar(calendar(*events), period=read_period(*YEAR_2024))
    with django_assert_max_num_queries(6):
        plan = plan_calendar(riverton, read, sector="nonprofit")
    assert plan.counts()[CREATE] == 400 and len(plan.new_people) == 30


def test_the_job_plans_a_calendar_in_its_period(riverton, alice_member, sample):
    job = services.new_job(
        riverton,
        alice_member,
        "office.ics",
        sample("made_up_google_x_wr_timezone.ics"),
        sector="business",
        period=(dt.date(2024, 3, 1), dt.date(2024, 3, 31)),
    )
    assert (job.kind, job.format, job.format_label) == ("calendar", "ics", "iCalendar")
    plan = services.plan_job(job)
    assert isinstance(plan, calendar_import.CalendarPlan)
    assert [r.day for r in plan.rows if r.action == CREATE] == [dt.date(2024, 3, 1)]
    report = services.report_of(plan)
    assert services.report_summary(report) == "1 meeting to create, 1 new stakeholder"
    csv = services.report_csv(report)
    assert csv.splitlines()[0].startswith("line,action,date,title")
    assert "2024-03-01,Monthly review" in csv


def test_the_job_defaults_to_the_last_twelve_months(riverton, alice_member, sample):
    job = services.new_job(
        riverton,
        alice_member,
        "a.ics",
        sample("made_up_google_x_wr_timezone.ics"),
        sector="business",
    )
    assert job.period_from and job.period_to
    assert job.period_to - job.period_from == dt.timedelta(days=364)
    assert ImportJob.objects.get().kind == "calendar"


def test_the_worker_runs_a_calendar_job(riverton, alice_member, sample):
    job = services.new_job(
        riverton,
        alice_member,
        "o.ics",
        sample("made_up_outlook_windows_tzid.ics"),
        sector="business",
        period=YEAR_2024,
    )
    services.queue_job(job)
    assert services.run_job(job.pk) == "done"
    job.refresh_from_db()
    assert job.report["counts"]["create"] == 1
    made = Interaction.objects.get()
    assert made.author == alice_member
    assert job.report["rows"][0][4] == made.pk


def test_the_command_dry_runs_then_imports(riverton, sample, tmp_path, capsys):
    path = tmp_path / "outlook.ics"
    path.write_bytes(sample("made_up_outlook_windows_tzid.ics"))
    report = tmp_path / "report.csv"
    call_command(
        "import-calendar",
        str(path),
        "--workspace",
        "riverton",
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
        "--dry-run",
        "--report",
        str(report),
    )
    out = capsys.readouterr().out
    assert "line 20: 2024-06-12 create Partnerschaftstreffen" in out
    assert (
        "Dry run, nothing written: 1 meeting to create, 4 events skipped, 3 new stakeholders."
        in out
    )
    assert "Partnerschaftstreffen" in report.read_text() and not Interaction.objects.exists()
    call_command(
        "import-calendar",
        str(path),
        "--workspace",
        "riverton",
        "--from",
        "2024-01-01",
        "--to",
        "2024-12-31",
    )
    assert "1 meeting created, 4 events skipped, 3 new stakeholders created" in (
        capsys.readouterr().out
    )
    assert Interaction.objects.count() == 1
    with pytest.raises(CommandError, match="--from: a day"):
        call_command("import-calendar", str(path), "--workspace", "riverton", "--from", "May")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command(
            "import-calendar",
            str(path),
            "--workspace",
            "riverton",
            "--from",
            "2024-05-01",
            "--to",
            "2024-04-01",
        )


def test_the_event_key_is_bounded():
    from cityweave.contacts.readers import EventRecord

    long = EventRecord(1, "u" * 300, "", dt.date(2024, 1, 1), dt.date(2024, 1, 2), True)
    assert calendar_import.event_key(long).startswith("sha256:")
    assert len(calendar_import.event_key(long)) <= 255


def test_a_rule_repeating_every_second_is_refused_at_once_naming_its_line():
    data = calendar(
        event("ok", "DTSTART:20240301T100000Z", "Ann|ann@example.org"),
        event(
            "flood",
            "DTSTART:20240302T000000Z",
            "Ben|ben@example.org",
            extra="RRULE:FREQ=SECONDLY",
        ),
    )
    read = read_calendar(data, period=read_period(*YEAR_2024), limit=20_000)
    assert [r.uid for r in read.records] == ["ok"]
    [error] = read.errors
    assert error.field == "RRULE" and error.row == 11  # its BEGIN:VEVENT
    assert "repeats too often to expand" in error.reason


def test_more_occurrences_than_the_limit_are_refused_while_expanding():
    data = calendar(
        event(
            "hourly", "DTSTART:20240101T000000Z", "Ann|ann@example.org", extra="RRULE:FREQ=HOURLY"
        )
    )
    with pytest.raises(ReadError, match="more than 1,000 events and repetitions"):
        read_calendar(data, period=read_period(*YEAR_2024), limit=1_000)
    # A rule with a COUNT is as long as its count, wherever it starts.
    counted = calendar(
        event(
            "c",
            "DTSTART:19000101T000000Z",
            "Ann|ann@example.org",
            extra="RRULE:FREQ=SECONDLY;COUNT=3",
        )
    )
    assert read_calendar(counted, period=read_period(*YEAR_2024)).errors == []


def test_cancelled_events_and_occurrences_and_declined_attendees_are_not_meetings(riverton):
    data = calendar(
        event("off", "DTSTART:20240305T100000Z", "Ben|ben@example.org", extra="STATUS:CANCELLED"),
        event(
            "series",
            "DTSTART:20240301T150000Z",
            "Paul|paul@example.org",
            extra="RRULE:FREQ=WEEKLY;COUNT=3",
        ),
        event(
            "series",
            "DTSTART:20240308T150000Z",
            "Paul|paul@example.org",
            extra="RECURRENCE-ID:20240308T150000Z\r\nSTATUS:CANCELLED",
        ),
        event(
            "declined",
            "DTSTART:20240320T100000Z",
            "Ann|ann@example.org",
            extra="ATTENDEE;CN=Dee;PARTSTAT=DECLINED:mailto:dee@example.org",
        ),
    )
    plan = plan_of(riverton, data)
    cancelled = [(r.title, r.day) for r in plan.rows if r.reason == "cancelled"]
    assert sorted(d for _, d in cancelled) == [dt.date(2024, 3, 5), dt.date(2024, 3, 8)]
    made = sorted(r.day for r in plan.rows if r.action == CREATE)
    assert made == [dt.date(2024, 3, 1), dt.date(2024, 3, 15), dt.date(2024, 3, 20)]
    assert "dee@example.org" not in plan.new_people and "ben@example.org" not in plan.new_people


def test_an_attendee_in_the_trash_is_not_offered_again_as_new(riverton, alice_member):
    from cityweave.engagement.services import trash_stakeholder

    zoe = make_stakeholder(riverton, "Zoë Núñez", email="zoe@example.org")
    trash_stakeholder(alice_member, zoe)
    data = calendar(
        event("z", "DTSTART:20240301T100000Z", "Zoe Nunez|ZOE@example.org"),
        event("both", "DTSTART:20240302T100000Z", "Zoe|zoe@example.org", "Ann|ann@example.org"),
    )
    plan = plan_of(riverton, data)
    assert plan.new_people == {"ann@example.org": "Ann"}
    only_zoe = next(r for r in plan.rows if r.key.startswith("z"))
    assert only_zoe.action == SKIP and "in the trash" in only_zoe.reason
