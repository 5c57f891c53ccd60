"""Lossless workspace export and import, and the `export` and `import` commands."""

from __future__ import annotations

import copy
import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections
from django.db.models import Q

from cityweave.accounts.models import User
from cityweave.cli import main
from cityweave.engagement.models import Commitment, Interaction
from cityweave.goals.models import GoalProgress
from cityweave.partnerships.models import (
    Activity,
    AgendaItem,
    Asset,
    Benchmark,
    BenchmarkProgress,
    Channel,
    MeetingPlan,
    Need,
    Partner,
    Partnership,
    Risk,
)
from cityweave.stakeholders.models import Sector, Stakeholder, Tag, Tie
from cityweave.testing import (
    make_commitment,
    make_goal,
    make_interaction,
    make_stakeholder,
    make_tie,
)
from cityweave.workspaces.models import Membership, TrashEntry, Workspace
from cityweave.workspaces.services import move_to_trash, record_models, restore
from cityweave.workspaces.transfer import (
    DERIVED_FIELDS,
    NESTED,
    RECORD_SECTIONS,
    TransferError,
    export_workspace,
    import_workspace,
    to_json,
)

WHEN = dt.datetime(2025, 3, 14, 15, 9, 26, 535897, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """The named characters' passwords hash in microseconds instead of half a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def console(monkeypatch) -> Any:
    """`main`, keeping the test's database connection: a command run from argv closes it when done."""
    monkeypatch.setattr(connections, "close_all", lambda: None)
    return main


@pytest.fixture
def full_riverton(riverton, alice_member, bob_member) -> Workspace:
    """Riverton with every model and kind of field: links, M2M, private notes, progress, trash."""
    Sector.objects.create(workspace=riverton, key="transit-agency", label="Transit agency")
    housing = Tag.objects.create(workspace=riverton, name="housing")
    transit = Tag.objects.create(workspace=riverton, name="transit")
    bank = make_stakeholder(
        riverton, "First Riverton Bank", sector="business", offers=["funding", "expertise"],
        influence=4, interest=2, stance="supporter", website="https://bank.example", level="state",
    )  # fmt: skip
    bank.tags.set([housing])
    mayor_office = make_stakeholder(
        riverton, "Office of the Mayor", sector="local-government", is_internal=True
    )
    maria = make_stakeholder(
        riverton, "María Núñez", kind="person", sector="nonprofit", title="Director",
        email="maria@example.org", notes="Prefers calls.\nSpeaks at council.",
    )  # fmt: skip
    maria.organisations.set([bank, mayor_office])
    maria.tags.set([housing, transit])
    metro = make_stakeholder(riverton, "Metro Transit", sector="transit-agency")
    gone = make_stakeholder(riverton, "Defunct Coalition", sector="community-group")

    make_tie(
        bank, maria, kind="funder", directed=True, status="active", started_on=dt.date(2021, 5, 1),
        cadence_days=30, max_cadence_days=45, roles=["funder", "champion"], owner=alice_member,
        trust=3, value=4, notes="Annual grant cycle.",
    )  # fmt: skip
    make_tie(
        maria, metro, status="ended", started_on=dt.date(2019, 1, 1), ended_on=dt.date(2022, 6, 30)
    )
    make_tie(gone, bank)
    make_tie(gone, metro)

    goal = make_goal(
        riverton, statement="Double philanthropy ties", baseline=Decimal("2.5"), target=Decimal("10"),
        unit="ties", owner=alice_member, deadline=dt.date(2026, 12, 31),
    )  # fmt: skip
    goal.stakeholders.set([bank, metro])
    GoalProgress.objects.create(
        goal=goal, recorded_on=dt.date(2025, 1, 1), value=Decimal("3"), note="Q1"
    )
    GoalProgress.objects.create(goal=goal, recorded_on=dt.date(2025, 4, 1), value=Decimal("4.25"))

    meeting = make_interaction(
        riverton, [bank, maria], when=WHEN, kind="meeting", notes="Agreed a pilot.",
        author=alice_member, goal=goal,
    )  # fmt: skip
    meeting.members_present.set([alice_member, bob_member])
    make_interaction(
        riverton, [metro], when=WHEN + dt.timedelta(days=1), private=True, author=bob_member
    )
    make_commitment(
        bank, due_on=dt.date(2025, 4, 1), owed_by="them", owner=alice_member, status="done",
        closed_at=WHEN + dt.timedelta(days=10), interaction=meeting,
    )  # fmt: skip
    dropped = make_commitment(maria, due_on=dt.date(2025, 5, 1))

    # A partnership with one of each of its parts, nested progress and agenda included.
    partnership = Partnership.objects.create(
        workspace=riverton, name="Safe Routes", problem="Few children walk.", area="East",
        population_groups=["Children"], status="active", started_on=dt.date(2025, 1, 1),
        officer=alice_member,
    )  # fmt: skip
    partnership.consulted.set([maria])
    partnership.goals.set([goal])
    of = {"workspace": riverton, "partnership": partnership}
    partner = Partner.objects.create(
        **of, stakeholder=bank, roles=["funder"], responsibility="Pays"
    )
    benchmark = Benchmark.objects.create(
        **of, statement="More walkers", metric="walkers", baseline=Decimal(10), target=Decimal(20),
        starts_on=dt.date(2025, 1, 1), due_on=dt.date(2025, 12, 31),
    )  # fmt: skip
    BenchmarkProgress.objects.create(benchmark=benchmark, recorded_on=WHEN.date(), value=12)
    Asset.objects.create(
        **of, kind="land", value_type="land", holder=mayor_office, description="Lot"
    )
    Need.objects.create(**of, value_type="funding", description="Guards", amount=Decimal(500))
    Risk.objects.create(**of, title="Budget cut", likelihood=3, impact=4, owner=bob_member)
    activity = Activity.objects.create(
        **of, name="Walk day", held_on=WHEN.date(), attendance=40, interaction=meeting
    )
    activity.partners.set([partner])
    Channel.objects.create(**of, kind="email-list", name="List", every_days=14, response_days=2)
    plan = MeetingPlan.objects.create(**of, title="Kick-off", starts_at=WHEN, duration_minutes=90)
    plan.invited.set([partner])
    AgendaItem.objects.create(plan=plan, position=1, text="Funding", value_types=["funding"])

    move_to_trash(
        alice_member, gone, along_with=[Tie.objects.filter(Q(source=gone) | Q(target=gone))]
    )
    move_to_trash(alice_member, dropped)
    return riverton


def exported(workspace: Workspace) -> dict[str, Any]:
    """The export, after a trip through JSON as a file would take."""
    return json.loads(to_json(export_workspace(workspace)))


def by_name(data: dict[str, Any], section: str, value: str, key: str = "name") -> dict[str, Any]:
    return next(item for item in data[section] if item[key] == value)


def database_counts() -> dict[str, int]:
    kinds: list[Any] = [Workspace, User, Membership, Sector, Tag, GoalProgress, TrashEntry]
    counts = {model.__name__: model.objects.count() for model in kinds}
    counts |= {model.__name__: model.all_objects.count() for _, model in RECORD_SECTIONS}
    counts["links"] = Stakeholder.organisations.through.objects.count()
    counts["participants"] = Interaction.participants.through.objects.count()
    return counts


def test_it_covers_every_workspace_record_model() -> None:
    assert {model for _, model in RECORD_SECTIONS} == set(record_models())


def test_every_field_of_every_record_model_is_exported_but_derived_ones(full_riverton) -> None:
    data = exported(full_riverton)
    for section, model in RECORD_SECTIONS:
        expected = {
            f.name
            for f in model._meta.concrete_fields
            if f.name not in {"id", "workspace"} and (model, f.name) not in DERIVED_FIELDS
        }
        expected |= {f.name for f in model._meta.many_to_many}
        expected |= {NESTED[model][0]} if model in NESTED else set()
        expected |= {"responses"} if section == "waves" else set()
        assert all(set(record) == expected for record in data[section]), section


def test_the_export_links_records_by_uid_and_members_by_email(full_riverton) -> None:
    data = exported(full_riverton)
    assert (data["format"], data["version"]) == ("cityweave-workspace", 1)
    assert data["workspace"]["slug"] == "riverton"
    assert [m["email"] for m in data["members"]] == [
        "alice@riverton.example",
        "bob@riverton.example",
    ]
    assert by_name(data, "members", "Bob Okafor")["role"] == "viewer"
    assert data["sectors"] == [{"key": "transit-agency", "label": "Transit agency"}]
    assert data["tags"] == [{"name": "housing"}, {"name": "transit"}]

    uid = {s["name"]: s["uid"] for s in data["stakeholders"]}
    maria = by_name(data, "stakeholders", "María Núñez")
    assert maria["organisations"] == sorted(
        [uid["First Riverton Bank"], uid["Office of the Mayor"]]
    )
    assert maria["tags"] == ["housing", "transit"]
    assert by_name(data, "stakeholders", "First Riverton Bank")["offers"] == [
        "funding",
        "expertise",
    ]
    funding = next(t for t in data["ties"] if t["kind"] == "funder")
    assert (funding["source"], funding["target"]) == (
        uid["First Riverton Bank"],
        uid["María Núñez"],
    )
    assert (funding["owner"], funding["started_on"], funding["trust"]) == (
        "alice@riverton.example",
        "2021-05-01",
        3,
    )

    goal = data["goals"][0]
    assert (goal["baseline"], goal["target"]) == ("2.50", "10.00")
    assert [p["value"] for p in goal["progress"]] == ["3.00", "4.25"]
    meeting, private_call = data["interactions"]
    assert meeting["occurred_at"] == "2025-03-14T15:09:26.535897+00:00"
    assert meeting["members_present"] == ["alice@riverton.example", "bob@riverton.example"]
    assert (meeting["goal"], meeting["author"]) == (goal["uid"], "alice@riverton.example")
    assert (private_call["private"], private_call["author"]) == (True, "bob@riverton.example")
    assert data["commitments"][0]["interaction"] == meeting["uid"]


def test_the_export_keeps_the_trash(full_riverton) -> None:
    data = exported(full_riverton)
    gone = by_name(data, "stakeholders", "Defunct Coalition")
    assert gone["deleted_at"] and gone["deletion_batch"]
    assert sum(t["deletion_batch"] == gone["deletion_batch"] for t in data["ties"]) == 2
    entry = next(e for e in data["trash"] if e["record"] == gone["uid"])
    assert (entry["kind"], entry["batch"], entry["related_count"]) == (
        "stakeholder",
        gone["deletion_batch"],
        2,
    )
    assert entry["deleted_by"] == "alice@riverton.example"
    assert {e["kind"] for e in data["trash"]} == {"stakeholder", "commitment"}


def test_exporting_an_imported_workspace_gives_the_same_bytes(full_riverton) -> None:
    original = to_json(export_workspace(full_riverton))
    full_riverton.delete()
    imported = import_workspace(json.loads(original))
    assert to_json(export_workspace(imported)) == original


def test_a_copy_imported_next_to_the_original_is_the_same_workspace(full_riverton) -> None:
    original = exported(full_riverton)
    copy_data = exported(import_workspace(copy.deepcopy(original), slug="riverton-copy"))
    assert copy_data["workspace"]["slug"] == "riverton-copy"
    original["workspace"]["slug"] = "riverton-copy"
    assert copy_data == original


def test_a_ties_maximum_gap_survives_the_round_trip_and_an_older_file_has_the_default(
    full_riverton,
) -> None:
    data = exported(full_riverton)
    assert [t["max_cadence_days"] for t in data["ties"]] == [45, None, None, None]
    copy_workspace = import_workspace(copy.deepcopy(data), slug="riverton-copy")
    assert sorted(
        Tie.all_objects.filter(workspace=copy_workspace).values_list(
            "cadence_days", "max_cadence_days"
        ),
        key=repr,
    ) == sorted([(30, 45), (None, None), (None, None), (None, None)], key=repr)
    for tie in data["ties"]:  # a file written before ties had a maximum
        del tie["max_cadence_days"]
    older = import_workspace(data, slug="riverton-older")
    assert set(
        Tie.all_objects.filter(workspace=older).values_list("max_cadence_days", flat=True)
    ) == {None}


def test_the_imported_trash_can_be_restored(full_riverton) -> None:
    copy_workspace = import_workspace(exported(full_riverton), slug="riverton-copy")
    owner = Membership.objects.get(workspace=copy_workspace, user__email="alice@riverton.example")
    entry = TrashEntry.objects.get(workspace=copy_workspace, content_type__model="stakeholder")
    restored = restore(owner, entry.pk)
    assert str(restored) == "Defunct Coalition"
    assert Tie.objects.filter(workspace=copy_workspace).count() == 4
    assert (
        Stakeholder.objects.filter(workspace=full_riverton, name="Defunct Coalition").count() == 0
    )


def test_it_creates_missing_users_unable_to_log_in(full_riverton, bob) -> None:
    data = exported(full_riverton)
    full_riverton.delete()
    bob.delete()
    imported = import_workspace(data)
    new_bob = User.objects.get(email="bob@riverton.example")
    assert (new_bob.name, new_bob.has_usable_password()) == ("Bob Okafor", False)
    assert Membership.objects.get(workspace=imported, user=new_bob).role == "viewer"
    assert User.objects.get(email="alice@riverton.example").has_usable_password()
    assert Interaction.all_objects.get(workspace=imported, private=True).author.user == new_bob


def test_it_keeps_the_original_users_name_when_the_user_exists(full_riverton, alice) -> None:
    data = exported(full_riverton)
    data["members"][0]["name"] = "Someone Else"
    import_workspace(data, slug="copy")
    alice.refresh_from_db()
    assert alice.name == "Alice Reyes"


def _set(path: str, value: Any) -> Any:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is KeyError:
            del target[last]
        else:
            target[int(last) if last.isdigit() else last] = value

    return change


UNKNOWN_UID = "00000000-0000-4000-8000-000000000000"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set("format", "gephi"), "format: expected “cityweave-workspace”"),
        (_set("version", 2), "version: this cityweave reads version 1, not 2"),
        (_set("ties", KeyError), "missing section “ties”"),
        (_set("polls", []), "unknown section “polls”"),
        (_set("tags", {}), "tags: expected a list"),
        (_set("stakeholders.0.name", KeyError), "stakeholders[0]: missing key “name”"),
        (_set("stakeholders.0.colour", "red"), "stakeholders[0]: unknown key “colour”"),
        (_set("stakeholders.1.uid", "not-a-uid"), "stakeholders[1].uid: missing or not a uid"),
        (_set("ties.0.source", UNKNOWN_UID), f"ties[0].source: unknown stakeholder uid \"{UNKNOWN_UID}\""),
        (_set("ties.0.owner", "carol@lakeside.example"), "ties[0].owner: unknown member email"),
        (_set("ties.0.target", None), "ties[0].target: may not be null"),
        (_set("ties.0.trust", "3"), "ties[0].trust: expected a whole number"),
        (_set("ties.0.directed", 1), "ties[0].directed: expected true or false"),
        (_set("ties.0.started_on", "1 May 2021"), "ties[0].started_on: expected a date as YYYY-MM-DD"),
        (_set("stakeholders.2.tags", ["housing", "housing"]), "stakeholders[2].tags: “housing” appears twice"),
        (_set("stakeholders.0.tags", ["parks"]), "stakeholders[0].tags: unknown tag \"parks\""),
        (_set("interactions.0.participants", [UNKNOWN_UID]), "interactions[0].participants: unknown stakeholder uid"),
        (_set("interactions.0.goal", UNKNOWN_UID), "interactions[0].goal: unknown goal uid"),
        (_set("interactions.0.occurred_at", "2025-03-14T15:09:26"), "interactions[0].occurred_at: expected a date and time"),
        (_set("goals.0.target", 10), "goals[0].target: expected a decimal number as a string"),
        (_set("goals.0.progress.1.value", "lots"), "goals[0].progress[1].value: expected a decimal number"),
        (_set("commitments.0.interaction", UNKNOWN_UID), "commitments[0].interaction: unknown interaction uid"),
        (_set("members.0.role", "mayor"), "members[0].role: unknown role “mayor”"),
        (_set("members.1.email", "alice@riverton.example"), "members[1].email: “alice@riverton.example” appears twice"),
        (_set("members.0.email", "alice"), "members[0].email: \"alice\" is not an email address"),
        (_set("trash.0.record", UNKNOWN_UID), "trash[0].record: unknown"),
        (_set("trash.0.kind", "poll"), "trash[0].kind: unknown kind \"poll\""),
    ],
)  # fmt: skip
def test_a_bad_file_is_refused_before_anything_is_written(full_riverton, change, message) -> None:
    data = exported(full_riverton)
    change(data)
    before = database_counts()
    with pytest.raises(TransferError) as error:
        import_workspace(data, slug="copy")
    assert message in str(error.value)
    assert database_counts() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_set("workspace.timezone", "Mars/Olympus"), "workspace.timezone: “Mars/Olympus” is not a known time zone"),
        (_set("stakeholders.0.sector", "guild"), "stakeholders[0].sector: Unknown sector “guild”"),
        (_set("stakeholders.0.offers", ["money"]), "stakeholders[0].offers: Offers must be value types"),
        (_set("ties.0.status", "friendly"), "ties[0].status: Value 'friendly' is not a valid choice."),
        (_set("ties.0.trust", 9), "ties[0].trust: Ensure this value is less than or equal to 4."),
        (_set("ties.0.max_cadence_days", 29), "ties[0].max_cadence_days: The maximum gap (29 days) is shorter than the ideal cadence (30 days)"),
        (_set("ties.0.cadence_days", None), "ties[0].max_cadence_days: A maximum gap needs an ideal cadence"),
        (_set("ties.0.max_cadence_days", 3651), "ties[0].max_cadence_days: Ensure this value is less than or equal to 3650."),
        (_set("sectors.0.key", "business"), "sectors[0].key: “business” is already a built-in sector."),
        (_set("commitments.1.owed_by", "nobody"), "commitments[1].owed_by: Value 'nobody' is not a valid choice."),
        # What a database cannot store, whichever it is (storable.py).
        (_set("stakeholders.0.notes", "a\x00b"), "stakeholders[0].notes: Remove the NUL character"),
        (_set("stakeholders.0.name", "\udfff"), "stakeholders[0].name: This text is not valid Unicode"),
        (_set("stakeholders.0.name", "\u200b "), "stakeholders[0].name: This field cannot be blank."),
        (_set("interactions.0.occurred_at", "9999-12-31T23:59:59-12:00"), "interactions[0].occurred_at: Give a date between 1900 and 2200."),
        (_set("ties.0.started_on", "1066-10-14"), "ties[0].started_on: Give a date between 1900 and 2200."),
    ],
)  # fmt: skip
def test_a_record_failing_model_validation_rolls_the_whole_import_back(
    full_riverton, change, message
) -> None:
    data = exported(full_riverton)
    change(data)
    before = database_counts()
    with pytest.raises(TransferError) as error:
        import_workspace(data, slug="copy")
    assert message in str(error.value)
    assert database_counts() == before


def test_a_tie_from_a_stakeholder_to_itself_is_refused(full_riverton) -> None:
    data = exported(full_riverton)
    data["ties"][0]["target"] = data["ties"][0]["source"]
    with pytest.raises(
        TransferError, match=r"ties\[0\]\.target: A tie needs two different stakeholders"
    ):
        import_workspace(data, slug="copy")


def test_it_refuses_a_slug_that_is_taken(full_riverton) -> None:
    before = database_counts()
    with pytest.raises(
        TransferError, match="workspace.slug: a workspace “riverton” already exists"
    ):
        import_workspace(exported(full_riverton))
    assert database_counts() == before


def test_it_refuses_a_bad_new_slug(full_riverton) -> None:
    with pytest.raises(TransferError, match=r"workspace\.slug: .*lowercase letters"):
        import_workspace(exported(full_riverton), slug="Riverton Copy")


def test_it_refuses_a_file_that_is_not_an_object() -> None:
    with pytest.raises(TransferError, match="one JSON object"):
        import_workspace([])


# The commands


def test_export_and_import_commands_round_trip_a_workspace(full_riverton, tmp_path) -> None:
    path = tmp_path / "riverton.json"
    out = StringIO()
    call_command("export", "riverton", "-o", str(path), stdout=out)
    assert "Exported riverton to" in out.getvalue() and "5 stakeholders" in out.getvalue()
    out = StringIO()
    call_command("import", str(path), "--slug", "riverton-2", stdout=out)
    assert "Imported “Riverton” as riverton-2" in out.getvalue()
    copy_workspace = Workspace.objects.get(slug="riverton-2")
    assert Stakeholder.objects.filter(workspace=copy_workspace).count() == 4
    assert Commitment.all_objects.filter(workspace=copy_workspace).count() == 2


def test_export_writes_to_stdout_without_an_output_file(full_riverton, console, capsys) -> None:
    console(["export", "riverton"])
    data = json.loads(capsys.readouterr().out)
    assert data == exported(full_riverton)


def test_import_through_the_console_script_refuses_a_taken_slug(
    full_riverton, tmp_path, console, capsys
) -> None:
    path = tmp_path / "riverton.json"
    console(["export", "riverton", "-o", str(path)])
    capsys.readouterr()
    with pytest.raises(SystemExit) as exit_info:
        console(["import", str(path)])
    assert exit_info.value.code != 0
    error = capsys.readouterr().err
    assert "workspace.slug: a workspace “riverton” already exists" in error
    assert "Nothing was imported." in error


def test_import_names_the_problem_in_a_file_that_is_not_json(db, tmp_path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    with pytest.raises(CommandError, match=r"^file: .*broken\.json is not valid JSON"):
        call_command("import", str(path))
    with pytest.raises(CommandError, match=r"^file: cannot read"):
        call_command("import", str(tmp_path / "missing.json"))


def test_export_names_an_unknown_workspace(db) -> None:
    with pytest.raises(CommandError, match="slug: no workspace has the slug “atlantis”"):
        call_command("export", "atlantis")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[" * 100_000 + "]" * 100_000, "nests its values too deeply"),
        ('{"format": ', "is not valid JSON"),
    ],
)
def test_a_file_that_is_no_export_ends_in_one_line_and_exit_2(
    db, tmp_path, console, capsys, content, message
) -> None:
    path = tmp_path / "odd.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(SystemExit) as exit_info:
        console(["import", str(path)])
    assert exit_info.value.code == 2
    error = capsys.readouterr().err.strip()
    assert message in error and len(error.splitlines()) == 1


def test_import_takes_a_new_name_beside_a_new_slug(full_riverton, tmp_path) -> None:
    path = tmp_path / "riverton.json"
    call_command("export", "riverton", "-o", str(path), stdout=StringIO())
    out = StringIO()
    call_command("import", str(path), "--slug", "riverton-2", "--name", "Riverton 2026", stdout=out)
    assert "Imported “Riverton 2026” as riverton-2" in out.getvalue()
    assert Workspace.objects.get(slug="riverton-2").name == "Riverton 2026"
    assert Workspace.objects.get(slug="riverton").name == "Riverton"


def test_import_refuses_a_blank_name_and_writes_nothing(full_riverton, tmp_path) -> None:
    path = tmp_path / "riverton.json"
    call_command("export", "riverton", "-o", str(path), stdout=StringIO())
    with pytest.raises(CommandError, match=r"workspace\.name: .*Nothing was imported"):
        call_command("import", str(path), "--slug", "riverton-2", "--name", "  ")
    assert not Workspace.objects.filter(slug="riverton-2").exists()
