"""What bench/exports.py and bench/surveys.py share: run the script's `run(size, repeats)` in a
child process per database (SQLite in a fresh CITYWEAVE_DATA; PostgreSQL in a database dropped
and created anew), and write the results to bench/results/<name>-<rev>.json."""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def main(
    script: str,
    name: str,
    pg_url: str,
    description: str,
    run: Callable[[int, int], dict[str, Any]],
    show: Callable[[str, Any], str],
) -> None:
    """The command line of a per-database benchmark: `--size`, `--repeats`, `--db`; `show`
    prints one result line (its key, its figures)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--size", type=int, default=2_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(run(options.size, options.repeats)))
        return
    rev = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    results: dict[str, object] = {"rev": rev, "size": options.size}
    for db in ("sqlite", "postgres") if options.db == "both" else (options.db,):
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="cityweave.settings")
        env["CITYWEAVE_DATA"] = tempfile.mkdtemp(prefix="cityweave-bench-")
        if db == "postgres":
            database = pg_url.rsplit("/", 1)[1]
            subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "root", "--if-exists", database])
            subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "root", database], check=True)
            env["DATABASE_URL"] = pg_url
        else:
            env.pop("DATABASE_URL", None)
        command = [sys.executable, script, "--child", "--size", str(options.size)]
        command += ["--repeats", str(options.repeats)]
        out = subprocess.run(command, env=env, capture_output=True, text=True)
        if out.returncode:
            raise SystemExit(f"{db}: the benchmark failed:\n{out.stderr[-3000:]}")
        results[db] = json.loads(out.stdout.strip().splitlines()[-1])
        print(db)
        for key, figures in results[db].items():  # type: ignore[union-attr]
            print(show(key, figures))
    target = ROOT / "bench" / "results" / f"{name}-{rev}.json"
    target.write_text(json.dumps(results, indent=1) + "\n")
    print(f"written {target.relative_to(ROOT)}")


def time_get(
    client: Any, url: str, repeats: int, before: Callable[[], object] | None = None
) -> dict[str, int]:
    """GET `url` through Django's test `client` `repeats` times (calling `before` ahead of each,
    e.g. to clear a cache) and give the best time in ms, the status and the body's bytes."""
    best, status, size = float("inf"), 0, 0
    for _ in range(repeats):
        if before is not None:
            before()
        begin = time.perf_counter()
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        best = min(best, time.perf_counter() - begin)
        status, size = response.status_code, len(body)
    return {"ms": round(best * 1000), "status": status, "bytes": size}


def show_page(page: str, figures: Any, width: int = 20) -> str:
    """One result line of a page-timing benchmark: its name, then ms, status and bytes (or
    whatever else it measured, as it is)."""
    if isinstance(figures, dict):
        return f"  {page:<{width}} {figures['ms']:>6} ms  {figures['status']}  {figures['bytes']:>9,} B"
    return f"  {page:<{width}} {figures}"


def bench_workspace(size: int) -> Any:
    """Set Django up, migrate, and import bench/workspace.py's workspace of `size` stakeholders
    as "bench" (replacing one already there); returns it. Call it inside `run`, in the child."""
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from workspace import workspace_file

    from cityweave.workspaces.models import Workspace
    from cityweave.workspaces.transfer import import_workspace

    Workspace.objects.filter(slug="bench").delete()
    tree = workspace_file(size)
    tree.pop("meta")
    return import_workspace(tree, slug="bench")
