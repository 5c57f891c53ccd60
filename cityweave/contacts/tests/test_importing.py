"""Contacts into stakeholders: matching, duplicates, bad rows, re-imports, the CLI and the job."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cityweave.contacts import services
from cityweave.contacts.importing import (
    CREATE,
    DUPLICATE,
    ERROR,
    SKIP,
    UNCHANGED,
    UPDATE,
    ImportProblem,
    apply_plan,
    plan_import,
)
from cityweave.contacts.models import ImportJob
from cityweave.contacts.readers import read_contacts
from cityweave.stakeholders.models import Stakeholder
from cityweave.testing import make_stakeholder

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"
LINKEDIN = (SAMPLES / "Connections_LF.csv").read_bytes()


def csv_bytes(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def plan_of(workspace, data: bytes, **options):
    options.setdefault("sector", "business")
    return plan_import(workspace, read_contacts(data), **options)


def actions(plan) -> dict[str, str]:
    return {row.name: row.action for row in plan.rows}


def test_linkedin_people_arrive_with_their_organisations_and_a_tag(riverton):
    plan = plan_of(riverton, LINKEDIN)
    assert plan.counts()[CREATE] == 7 and plan.counts()[ERROR] == 0
    outcome = apply_plan(riverton, plan, tag="imported linkedin")
    assert len(outcome.created) == 7
    theo = Stakeholder.objects.get(name="Theo Grant")
    assert theo.kind == Stakeholder.Kind.PERSON
    assert theo.email == "theo.grant@example.com" and theo.title == "Analyst"
    assert [org.name for org in theo.organisations.all()] == ["Contoso, Ltd."]
    assert "Connected on 14 Mar 2025." in theo.notes
    # Bulk-created, yet named like a saved stakeholder: listed under G, keyed for duplicates.
    assert (theo.given_name, theo.family_name) == ("Theo", "Grant")
    assert theo.sort_name.startswith("grant") and theo.name_key == "theo grant"
    contoso = theo.organisations.get()
    assert contoso.name_key == "contoso" and contoso.given_name == ""
    sarah = Stakeholder.objects.get(name__startswith="Sarah Looper")
    assert sarah.website == "https://www.linkedin.com/in/sarah-looper"  # no scheme in the file
    assert set(theo.tags.values_list("name", flat=True)) == {"imported linkedin"}


def test_reimporting_the_same_file_creates_nothing(riverton):
    apply_plan(riverton, plan_of(riverton, LINKEDIN))
    before = Stakeholder.objects.count()
    again = plan_of(riverton, LINKEDIN)
    assert set(actions(again).values()) == {UNCHANGED}
    outcome = apply_plan(riverton, again)
    assert outcome.created == [] and outcome.organisations == []
    assert Stakeholder.objects.count() == before


def test_an_email_match_fills_what_is_empty_and_overwrites_nothing(riverton):
    theo = make_stakeholder(
        riverton, "Theodore Grant", kind="person", email="THEO.GRANT@example.com", title="Mayor"
    )
    plan = plan_of(riverton, LINKEDIN)
    row = next(row for row in plan.rows if row.name == "Theo Grant")
    assert (row.action, row.existing) == (UPDATE, theo.pk)
    assert "title" not in row.fills and "website" in row.fills
    apply_plan(riverton, plan)
    theo.refresh_from_db()
    assert theo.name == "Theodore Grant" and theo.title == "Mayor"
    assert theo.website == "https://www.linkedin.com/in/theogrant"
    assert [org.name for org in theo.organisations.all()] == ["Contoso, Ltd."]


def test_organisations_match_by_name_key_and_fuzzily(riverton):
    contoso = make_stakeholder(riverton, "Contoso", kind="organisation")
    qlik = make_stakeholder(riverton, "Qlik Technologies", kind="organisation")
    plan = plan_of(riverton, LINKEDIN)
    theo = next(row for row in plan.rows if row.name == "Theo Grant")
    assert theo.organisations == [("Contoso, Ltd.", contoso.pk)]
    assert "contoso" not in plan.new_organisations
    jeffrey = next(row for row in plan.rows if row.name == "Jeffrey Goldberg")
    assert jeffrey.organisations[0][1] in (None, qlik.pk)


def test_a_probable_duplicate_waits_for_a_decision(riverton):
    elsewhere = make_stakeholder(riverton, "Elsewhere Inc", kind="organisation")
    jeff = make_stakeholder(riverton, "Jeffery Goldberg", kind="person")
    jeff.organisations.set([elsewhere])
    plan = plan_of(riverton, LINKEDIN)
    row = next(row for row in plan.rows if row.name == "Jeffrey Goldberg")
    assert (row.action, row.candidates) == (DUPLICATE, (jeff.pk,))
    apply_plan(riverton, plan)
    assert not Stakeholder.objects.filter(name="Jeffrey Goldberg").exists()

    merged = plan_of(riverton, LINKEDIN, decisions={row.row: "merge"})
    merged_row = next(r for r in merged.rows if r.row == row.row)
    assert (merged_row.action, merged_row.existing) == (UPDATE, jeff.pk)
    kept = plan_of(riverton, LINKEDIN, decisions={row.row: "keep"})
    assert next(r for r in kept.rows if r.row == row.row).action == CREATE


def test_bad_rows_are_named_and_the_good_ones_still_import(riverton):
    data = csv_bytes(
        "Full Name,E-mail,Company",
        "Ana Ruiz,ana@example.org,Harbour Trust",
        ",nobody@example.org,Nowhere",
        "Bad Mail,not-an-email,Somewhere",
        "Ana Ruiz,ANA@example.org,Harbour Trust",
    )
    plan = plan_of(riverton, data)
    by_row = {row.row: row for row in plan.rows}
    assert by_row[2].action == CREATE
    assert by_row[3].action == ERROR and "name" in by_row[3].reason
    assert by_row[4].action == ERROR and "email" in by_row[4].reason
    assert (by_row[5].action, by_row[5].reason) == (SKIP, "repeats row 2")
    apply_plan(riverton, plan)
    assert list(Stakeholder.objects.filter(kind="person").values_list("name", flat=True)) == [
        "Ana Ruiz"
    ]


def test_an_unknown_sector_is_refused_before_anything(riverton):
    with pytest.raises(ImportProblem, match="sector"):
        plan_of(riverton, LINKEDIN, sector="astrology")


def test_another_workspace_is_never_matched(riverton, lakeside):
    make_stakeholder(lakeside, "Theo Grant", kind="person", email="theo.grant@example.com")
    plan = plan_of(riverton, LINKEDIN)
    assert next(row for row in plan.rows if row.name == "Theo Grant").action == CREATE


def test_the_command_dry_runs_imports_and_reports(riverton, tmp_path, capsys):
    path = tmp_path / "Connections.csv"
    path.write_bytes(LINKEDIN)
    call_command("import-contacts", str(path), "--workspace", "riverton", "--dry-run")
    assert "Dry run, nothing written: 7 to create" in capsys.readouterr().out
    assert not Stakeholder.objects.exists()
    report = tmp_path / "report.csv"
    call_command("import-contacts", str(path), "--workspace", "riverton", "--report", str(report))
    assert "7 created" in capsys.readouterr().out
    assert report.read_text().splitlines()[0] == "row,action,name,reason"
    assert Stakeholder.objects.filter(kind="person").count() == 7


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workspace", "nowhere"], "workspace"),
        (["--workspace", "riverton", "--sector", "astrology"], "sector"),
        (["--workspace", "riverton", "--merge", "x"], "--merge"),
        (["--workspace", "riverton", "--map", "nickname=Name"], "nickname"),
    ],
)
def test_the_command_names_what_is_wrong(riverton, tmp_path, args, message):
    path = tmp_path / "people.csv"
    path.write_bytes(csv_bytes("Name,Email", "Ana Ruiz,ana@example.org"))
    with pytest.raises(CommandError, match=message):
        call_command("import-contacts", str(path), *args)
    assert not Stakeholder.objects.exists()


def test_a_job_runs_with_progress_and_keeps_its_report(riverton, alice_member):
    rows = [f"Person {n},person{n}@example.org,Org {n % 40}" for n in range(1200)]
    job = services.new_job(
        riverton,
        alice_member,
        "people.csv",
        csv_bytes("Name,Email,Company", *rows),
        sector="nonprofit",
        tag="bulk",
    )
    assert job.format == "csv" and job.mapping["name"] == ["Name"]
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
    assert services.run_job(job.pk) == ImportJob.Status.DONE
    job.refresh_from_db()
    assert (job.done, job.total) == (1200, 1200)
    assert job.report["counts"][CREATE] == 1200
    assert job.report["counts"]["new organisations"] == 40
    assert Stakeholder.objects.filter(workspace=riverton, kind="person").count() == 1200
    # A second upload of the same export remembers the first one's mapping.
    second = services.new_job(
        riverton, alice_member, "people.csv", csv_bytes("Name,Email,Company"), sector="nonprofit"
    )
    assert second.mapping == job.mapping


def test_a_file_past_the_row_limit_is_refused_naming_it(riverton, monkeypatch):
    monkeypatch.setattr("cityweave.contacts.importing.MAX_ROWS", 3)
    data = csv_bytes("Name", "A One", "B Two", "C Three", "D Four")
    with pytest.raises(ImportProblem, match="file: 4 rows; an import takes at most 3"):
        plan_of(riverton, data)


def test_a_row_with_only_an_organisations_name_is_that_organisation(riverton):
    foundation = make_stakeholder(riverton, "Riverton Community Foundation", kind="organisation")
    plan = plan_of(riverton, csv_bytes("Name,Email", "Riverton Community Foundation,hello@rcf.org"))
    (row,) = plan.rows
    assert (row.action, row.existing) == (UPDATE, foundation.pk)


def test_an_office_in_the_file_or_the_workspace_still_finds_the_person(riverton):
    grace = make_stakeholder(riverton, "State Senator Grace Holloway", kind="person")
    plan = plan_of(riverton, csv_bytes("Name,Company", "Grace Holloway,Riverton Senate Office"))
    (row,) = plan.rows
    assert row.existing == grace.pk and row.action in (UPDATE, DUPLICATE)
