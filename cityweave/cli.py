"""The `cityweave` console script: Django management commands with a short, cityweave-specific help."""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from django.core.exceptions import ValidationError

# The commands `cityweave --help` lists, in the order a new installation meets them.
COMMANDS = (
    "serve", "worker", "migrate", "demo", "createuser", "token", "export", "import", "analyze",
    "digest", "import-contacts", "import-calendar", "merge-stakeholders", "survey", "partnership",
    "peers", "city-network", "guides", "budget",
)  # fmt: skip


def describe_validation_error(error: ValidationError) -> str:
    """One line per field: `email: Enter a valid email address.`, for command-line errors."""
    if hasattr(error, "error_dict"):
        return "\n".join(
            f"{field}: {' '.join(messages)}" if field != "__all__" else " ".join(messages)
            for field, messages in error.message_dict.items()
        )
    return " ".join(error.messages)


def write_atomically(path: str, chunks: Iterable[bytes]) -> None:
    """Write `chunks` to `path` through a temporary file beside it, so a failure part-way leaves
    no half-written file (and an existing one untouched); CommandError naming -o if it cannot."""
    from django.core.management.base import CommandError

    target = Path(path)
    try:
        _write_chunks(target, chunks)
    except OSError as error:
        raise CommandError(f"-o: {error}", returncode=2) from None


def _write_chunks(target: Path, chunks: Iterable[bytes]) -> None:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def usage() -> str:
    """The short help: our commands with their one-line help, then a pointer to the rest."""
    import django
    from django.core.management import get_commands, load_command_class

    django.setup()
    available = get_commands()
    width = max(len(name) for name in COMMANDS) + 2
    lines = [
        "cityweave: the relationship and partnership manager for city leaders.",
        "",
        "Usage: cityweave <command> [options]",
        "",
        "Commands:",
    ]
    for name in COMMANDS:
        if name not in available:
            continue
        command = load_command_class(available[name], name)
        summary = str(command.help).strip().splitlines()[0] if command.help else ""
        lines.append(f"  {name.ljust(width)}{summary}")
    lines += [
        "",
        "Other Django admin commands are available too (`cityweave help --commands` lists them).",
        "Run `cityweave <command> --help` for a command's options.",
    ]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    """Run a cityweave command; `argv` defaults to the process's own arguments."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cityweave.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args in (["--help"], ["-h"], ["help"]):
        print(usage())
        return
    if args == ["--version"]:
        from cityweave import __version__

        print(f"cityweave {__version__}")
        return
    if args[0] == "analyze":
        # The engine needs no database: skip Django's start-up (about 0.7 s) for files to analyse.
        from cityweave.analytics.cli import main as analyze

        raise SystemExit(analyze(args[1:]))
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db.utils import OperationalError, ProgrammingError

    from cityweave.conf import ConfigError

    try:
        execute_from_command_line(["cityweave", *args])
    except (ConfigError, ImproperlyConfigured) as error:
        # A setting the environment got wrong: the message names it; a traceback would not help.
        print(f"cityweave: {error}", file=sys.stderr)
        raise SystemExit(2) from None
    except (OperationalError, ProgrammingError) as error:
        # SQLite says "no such table", PostgreSQL "relation … does not exist".
        text = str(error)
        if "no such table" not in text and not ("relation" in text and "does not exist" in text):
            raise
        print(f"{error}\nIs the database set up? Run `cityweave migrate` first.", file=sys.stderr)
        raise SystemExit(1) from None
