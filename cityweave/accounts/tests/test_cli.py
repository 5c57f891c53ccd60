"""The `cityweave` console script, `createuser` and `token`."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connections

from cityweave.accounts.models import ApiToken, User
from cityweave.cli import main
from cityweave.workspaces.models import Membership, Workspace

ALWAYS_LISTED = ("serve", "migrate", "createuser", "token", "export", "import")


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    """The named characters' passwords hash in microseconds instead of half a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def console(monkeypatch) -> Any:
    """`main`, keeping the test's database connection: a command run from argv closes it when done."""
    monkeypatch.setattr(connections, "close_all", lambda: None)
    return main


def run(*args: str, stdin: str | None = None) -> str:
    out = StringIO()
    if stdin is None:
        call_command(*args, stdout=out)
    else:
        real_stdin = sys.stdin
        sys.stdin = io.StringIO(stdin)
        try:
            call_command(*args, stdout=out)
        finally:
            sys.stdin = real_stdin
    return out.getvalue()


def counts() -> tuple[int, int, int]:
    return User.objects.count(), Workspace.objects.count(), Membership.objects.count()


# The console script


def test_help_lists_our_commands_with_their_one_line_help(capsys) -> None:
    main([])
    shown = capsys.readouterr().out
    for name in ALWAYS_LISTED:
        assert f"\n  {name} " in shown
    assert "Create or update a user and give them a role in a workspace" in shown
    assert "Other Django admin commands are available" in shown
    assert "[auth]" not in shown  # not Django's long list


def test_dash_dash_help_is_the_same_short_help(capsys) -> None:
    main([])
    plain = capsys.readouterr().out
    main(["--help"])
    assert capsys.readouterr().out == plain


def test_python_dash_m_cityweave_prints_the_short_help() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-m", "cityweave"], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "createuser" in result.stdout and "Usage: cityweave <command>" in result.stdout


def test_a_database_without_tables_gets_a_hint_to_migrate(tmp_path) -> None:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
    }
    env["CITYWEAVE_DATA"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "cityweave", "token", "list", "alice@riverton.example"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 1
    assert "Run `cityweave migrate` first." in result.stderr
    assert "Traceback" not in result.stderr


def test_version_prints_cityweaves_version(capsys) -> None:
    main(["--version"])
    assert capsys.readouterr().out.startswith("cityweave 0.")


def test_a_command_help_names_the_cityweave_program(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["createuser", "--help"])
    assert exit_info.value.code == 0
    assert "usage: cityweave createuser" in capsys.readouterr().out


def test_other_django_commands_still_run(capsys) -> None:
    main(["help", "--commands"])
    assert "collectstatic" in capsys.readouterr().out


# createuser


@pytest.mark.django_db
def test_createuser_creates_the_workspace_and_an_owner_with_a_password_from_stdin() -> None:
    out = run(
        "createuser", "Maya@Springfield.example", "--workspace", "springfield", "--role", "owner",
        "--name", "Maya Chen", "--password-stdin", stdin="a-long-unusual-passphrase\n",
    )  # fmt: skip
    user = User.objects.get(email="maya@springfield.example")
    assert user.name == "Maya Chen"
    assert user.check_password("a-long-unusual-passphrase")
    membership = Membership.objects.get(user=user)
    assert (membership.workspace.slug, membership.workspace.name, membership.role) == (
        "springfield",
        "Springfield",
        "owner",
    )
    assert "Created workspace “Springfield”" in out
    assert "Created maya@springfield.example: owner of springfield." in out


@pytest.mark.django_db
def test_createuser_names_a_new_workspace_from_workspace_name() -> None:
    run(
        "createuser", "ana@example.org", "--workspace", "north-bay", "--role", "editor",
        "--workspace-name", "North Bay Partnership Office",
    )  # fmt: skip
    assert Workspace.objects.get(slug="north-bay").name == "North Bay Partnership Office"


@pytest.mark.django_db
def test_createuser_without_a_password_leaves_it_unusable_and_says_so() -> None:
    out = run("createuser", "dev@example.org", "--workspace", "riverton", "--role", "viewer")
    assert not User.objects.get(email="dev@example.org").has_usable_password()
    assert "No password is set" in out and "changepassword" in out


@pytest.mark.django_db
def test_createuser_updates_an_existing_user_and_their_role(bob, riverton) -> None:
    out = run("createuser", "bob@riverton.example", "--workspace", "riverton", "--role", "editor")
    bob.refresh_from_db()
    assert Membership.objects.get(user=bob, workspace=riverton).role == "editor"
    assert bob.name == "Bob Okafor"
    assert bob.has_usable_password()
    assert "Updated bob@riverton.example: editor of riverton." in out
    assert "No password is set" not in out


@pytest.mark.django_db
def test_createuser_adds_an_existing_user_to_another_workspace(alice, lakeside) -> None:
    run("createuser", "alice@riverton.example", "--workspace", "lakeside", "--role", "viewer")
    assert set(alice.memberships.values_list("workspace__slug", "role")) == {
        ("riverton", "owner"),
        ("lakeside", "viewer"),
    }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "stdin", "field"),
    [
        (["not-an-email", "--workspace", "springfield", "--role", "owner"], None, "email"),
        (["maya@example.org", "--workspace", "springfield", "--role", "mayor"], None, "role"),
        (["maya@example.org", "--workspace", "Spring Field", "--role", "owner"], None, "workspace"),
        (["maya@example.org", "--workspace", "springfield", "--role", "owner", "--password-stdin"],
         "short\n", "password"),
        (["maya@example.org", "--workspace", "springfield", "--role", "owner", "--password-stdin"],
         "", "password"),
        (["maya@example.org", "--workspace", "springfield", "--role", "owner", "--name", "x" * 201],
         None, "name"),
    ],
)  # fmt: skip
def test_createuser_rejects_bad_input_naming_the_field_and_writes_nothing(
    args, stdin, field
) -> None:
    before = counts()
    with pytest.raises(CommandError, match=rf"^{field}: "):
        run("createuser", *args, stdin=stdin)
    assert counts() == before


@pytest.mark.django_db
def test_createuser_reports_every_bad_field_at_once() -> None:
    with pytest.raises(CommandError) as error:
        run("createuser", "nope", "--workspace", "Bad Slug", "--role", "boss")
    assert all(f"{field}: " in str(error.value) for field in ("email", "role", "workspace"))


@pytest.mark.django_db
def test_createuser_errors_exit_non_zero_from_the_console_script(console, capsys) -> None:
    before = counts()
    with pytest.raises(SystemExit) as exit_info:
        console(["createuser", "maya@example.org", "--workspace", "springfield", "--role", "mayor"])
    assert exit_info.value.code != 0
    assert "CommandError: role: Unknown role “mayor”" in capsys.readouterr().err
    assert counts() == before


# token


@pytest.mark.django_db
def test_token_create_prints_the_token_alone_on_its_last_line(alice) -> None:
    out = run("token", "create", "alice@riverton.example", "--name", "reporting script")
    raw = out.splitlines()[-1]
    assert raw.startswith(ApiToken.PREFIX) and " " not in raw
    assert ApiToken.authenticate(raw) == alice
    assert ApiToken.objects.get(user=alice).name == "reporting script"


@pytest.mark.django_db
def test_token_create_through_the_console_script(alice, console, capsys) -> None:
    console(["token", "create", "ALICE@riverton.example"])
    raw = capsys.readouterr().out.splitlines()[-1]
    assert ApiToken.authenticate(raw) == alice


@pytest.mark.django_db
def test_token_list_shows_hints_and_names_but_never_the_token(alice) -> None:
    token, raw = ApiToken.issue(alice, "dashboard")
    out = run("token", "list", "alice@riverton.example")
    assert f"{token.hint}…" in out and "dashboard" in out and "never" in out
    assert raw not in out


@pytest.mark.django_db
def test_token_list_says_when_there_are_none(alice) -> None:
    assert "has no API tokens" in run("token", "list", "alice@riverton.example")


@pytest.mark.django_db
def test_token_revoke_revokes_the_token_by_its_hint(alice) -> None:
    from cityweave.accounts.models import TokenRefused

    token, raw = ApiToken.issue(alice, "old script")
    kept, _ = ApiToken.issue(alice, "new script")
    out = run("token", "revoke", "alice@riverton.example", token.hint)
    assert "Revoked token “old script”" in out
    with pytest.raises(TokenRefused):
        ApiToken.authenticate(raw)
    assert "old script" not in run("token", "list", "alice@riverton.example")
    assert ApiToken.objects.get(pk=kept.pk).revoked_at is None


@pytest.mark.django_db
def test_token_revoke_refuses_a_hint_that_matches_several_tokens(alice) -> None:
    ApiToken.issue(alice, "one")
    ApiToken.issue(alice, "two")
    with pytest.raises(CommandError, match=r"^hint: .* matches 2 tokens"):
        run("token", "revoke", "alice@riverton.example", ApiToken.PREFIX)
    assert ApiToken.objects.filter(user=alice).count() == 2


@pytest.mark.django_db
def test_token_revoke_does_not_touch_another_users_token(alice, carol) -> None:
    token, _ = ApiToken.issue(carol, "carol's")
    with pytest.raises(CommandError, match=r"^hint: No token of alice@riverton.example"):
        run("token", "revoke", "alice@riverton.example", token.hint)
    assert ApiToken.objects.filter(pk=token.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["create", "nobody@example.org"], "email"),
        (["create", "not an email"], "email"),
        (["list", "nobody@example.org"], "email"),
        (["revoke", "nobody@example.org", "cw_abc"], "email"),
        (["create", "alice@riverton.example", "--name", "x" * 101], "name"),
        (["create", "alice@riverton.example", "--name", "  "], "name"),
    ],
)
def test_token_rejects_bad_input_naming_the_field(alice, args, field) -> None:
    with pytest.raises(CommandError, match=rf"^{field}: "):
        run("token", *args)
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_token_errors_exit_non_zero_from_the_console_script(console, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        console(["token", "create", "nobody@example.org"])
    assert exit_info.value.code != 0
    assert "email: No user has the email" in capsys.readouterr().err
