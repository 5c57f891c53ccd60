"""A fresh clone: the README names only files the repository holds; `make run` shows progress and
takes its port from PORT or CITYWEAVE_PORT."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()

# What `make` creates on the first run: named by the README, never in the repository.
CREATED_BY_MAKE = {".venv/bin/", "./var", "cityweave/static/vendor/"}
FILE_NAME = re.compile(r"^\.{0,2}/?[\w.-]+(/[\w.<>-]+)*/?$")
EXTENSIONS = {".md", ".py", ".js", ".css", ".json", ".toml", ".png", ".txt", ".html", ".cfg"}


def repository_files() -> set[str]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    if listed.returncode != 0:  # not a git checkout (e.g. an unpacked archive): the tree itself
        return {str(path.relative_to(ROOT)) for path in ROOT.rglob("*") if path.is_file()}
    return set(listed.stdout.split())


def named_paths() -> list[str]:
    """Relative link targets and `code` spans that look like a file or folder of the repository."""
    links = [
        target
        for target in re.findall(r"\]\(([^)\s]+)\)", README)
        if not re.match(r"^[a-z]+:|^#|^/", target)
    ]
    spans = []
    for span in re.findall(r"`([^`\n]+)`", README):
        if span in CREATED_BY_MAKE or span.startswith(("/", "$", "http")) or "@" in span:
            continue
        if not FILE_NAME.match(span) or "<" in span:
            continue
        if "/" in span or Path(span).suffix in EXTENSIONS:
            spans.append(span)
    return links + spans


def test_the_readme_names_paths_at_all() -> None:
    names = named_paths()
    assert "docs/dashboard.png" in names
    assert "cityweave/settings.py" in names


def test_every_path_the_readme_names_is_in_the_repository() -> None:
    files = repository_files()
    folders = {str(Path(name).parent) for name in files} | {
        str(parent) for name in files for parent in Path(name).parents
    }
    basenames = {Path(name).name for name in files}
    missing = []
    for name in named_paths():
        clean = name.split("#")[0].removeprefix("./").rstrip("/")
        if "/" in clean:
            # A path: from the repository's root.
            if clean not in files and clean not in folders:
                missing.append(name)
        elif clean not in files and clean not in basenames and clean not in folders:
            missing.append(name)  # a bare name (`views.py`, `DESIGN.md`) somewhere in the tree
    assert not missing, f"the README names paths the repository lacks: {missing}"


def make_dry_run(*args: str, env: dict[str, str] | None = None) -> str:
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    result = subprocess.run(
        ["make", "--dry-run", "--always-make", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env or {k: v for k, v in os.environ.items() if k not in ("PORT", "CITYWEAVE_PORT")},
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_serves_on_the_port_it_is_given() -> None:
    assert "cityweave serve --port 8000" in make_dry_run("run")
    assert "cityweave serve --port 8080" in make_dry_run("run", "PORT=8080")
    env = {k: v for k, v in os.environ.items() if k != "PORT"}
    assert "cityweave serve --port 9123" in make_dry_run(
        "run", env={**env, "CITYWEAVE_PORT": "9123"}
    )


def test_installing_shows_pips_progress() -> None:
    commands = [line for line in make_dry_run("install").splitlines() if "pip install" in line]
    assert commands
    for command in commands:
        assert "--quiet" not in command and " -q" not in command
        assert "--progress-bar on" in command
