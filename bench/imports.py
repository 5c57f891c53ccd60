"""How long a contact import takes: a 10,000-row CSV into the 2,000-stakeholder bench workspace.

    .venv/bin/python bench/imports.py [--rows 10000] [--size 2000] [--db sqlite|postgres|both]

The CSV mixes what offices really send: new people at a few hundred organisations (most of them
new), people already in the workspace by email (the import fills their empty fields), near-miss
spellings of existing names (probable duplicates, skipped until decided), rows repeated within
the file, and bad rows (no name, a malformed email). The import runs as the worker runs it
(`contacts.services.run_job`: read, match with progress every 500 rows, then one transaction);
each phase is timed, then a second run of the same file (which must create nothing).
Results go to bench/results/imports-<rev>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
PG = "postgresql://root@127.0.0.1/cityweave_bench_imports"


def build_csv(rows: int, existing: list[tuple[str, str]], seed: int = 11) -> bytes:
    """`rows` lines of Name,Email,Company,Job Title,Phone (see the module)."""
    rng = random.Random(seed)
    given = [
        "Ana",
        "Ben",
        "Chloe",
        "Dara",
        "Eli",
        "Fatima",
        "Gus",
        "Hana",
        "Ivan",
        "Jia",
        "Kofi",
        "Lena",
        "Maya",
        "Nico",
        "Omar",
        "Pia",
    ]
    family = [
        "Ruiz",
        "Okafor",
        "Lind",
        "Brooks",
        "Chen",
        "Novak",
        "Haddad",
        "Silva",
        "Mensah",
        "Ito",
        "Kaur",
        "Dubois",
    ]
    companies = [
        f"{rng.choice(family)} {rng.choice(['Group', 'Partners', 'Labs', 'Trust'])} {n}"
        for n in range(300)
    ]
    lines = ["Name,Email,Company,Job Title,Phone"]
    for n in range(rows):
        roll = rng.random()
        if roll < 0.10 and existing:
            name, email = rng.choice(existing)
            lines.append(f"{name},{email},,Director,+1 555 01{n % 100:02d}")
        elif roll < 0.15 and existing:
            name, _ = rng.choice(existing)
            near = name[:-1] + ("y" if name[-1] != "y" else "z")
            lines.append(f"{near},,Somewhere Else {n % 7},,")
        elif roll < 0.17:
            lines.append(f",orphan{n}@example.org,Nowhere,,")
        elif roll < 0.19:
            lines.append(f"Bad Mail {n},not-an-email-{n},Nowhere,,")
        else:
            name = f"{rng.choice(given)} {rng.choice(family)}-{n}"
            email = f"person{n}@example.org"
            lines.append(f"{name},{email},{rng.choice(companies)},Officer,")
    return ("\n".join(lines) + "\n").encode()


def run(rows: int, size: int) -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from workspace import workspace_file

    from cityweave.contacts import services
    from cityweave.contacts.models import ImportJob
    from cityweave.stakeholders.models import Stakeholder
    from cityweave.workspaces.models import Workspace
    from cityweave.workspaces.transfer import import_workspace

    Workspace.objects.filter(slug="bench").delete()
    tree = workspace_file(size)
    tree.pop("meta")
    workspace = import_workspace(tree, slug="bench")
    existing = [
        (name, email)
        for name, email in Stakeholder.objects.filter(workspace=workspace, kind="person")
        .exclude(email="")
        .values_list("name", "email")
        if "," not in name
    ]
    data = build_csv(rows, existing)
    before = Stakeholder.objects.filter(workspace=workspace).count()
    timings: dict[str, object] = {"rows": rows, "stakeholders before": before, "bytes": len(data)}
    for attempt in ("first", "again"):
        job = services.new_job(workspace, None, "bench.csv", data, sector="business", tag="bench")
        ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.QUEUED)
        start = time.perf_counter()
        read = services.read_job(job)
        read_s = time.perf_counter() - start
        start = time.perf_counter()
        services.plan_job(job)
        plan_s = time.perf_counter() - start
        start = time.perf_counter()
        status = services.run_job(job.pk)  # the worker's whole path: read, plan, write
        run_s = time.perf_counter() - start
        job.refresh_from_db()
        timings[attempt] = {
            "read s": round(read_s, 2),
            "read + match s": round(plan_s, 2),
            "worker run s": round(run_s, 2),
            "status": status,
            "records": len(read.records),
            "counts": job.report.get("counts"),
        }
    timings["stakeholders after"] = Stakeholder.objects.filter(workspace=workspace).count()
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--size", type=int, default=2_000)
    parser.add_argument("--db", choices=("sqlite", "postgres", "both"), default="sqlite")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(run(options.rows, options.size)))
        return
    rev = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    results: dict[str, object] = {"rev": rev}
    for db in ("sqlite", "postgres") if options.db == "both" else (options.db,):
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="cityweave.settings")
        data_dir = tempfile.mkdtemp(prefix="cityweave-bench-")
        env["CITYWEAVE_DATA"] = data_dir
        if db == "postgres":
            subprocess.run(
                ["dropdb", "-h", "127.0.0.1", "-U", "root", "--if-exists", PG.rsplit("/", 1)[1]]
            )
            subprocess.run(
                ["createdb", "-h", "127.0.0.1", "-U", "root", PG.rsplit("/", 1)[1]], check=True
            )
            env["DATABASE_URL"] = PG
        else:
            env.pop("DATABASE_URL", None)
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                "--rows",
                str(options.rows),
                "--size",
                str(options.size),
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if out.returncode:
            raise SystemExit(f"{db}: the benchmark failed:\n{out.stderr[-3000:]}")
        out = out.stdout
        results[db] = json.loads(out.strip().splitlines()[-1])
        print(db, json.dumps(results[db], indent=1))
    target = ROOT / "bench" / "results" / f"imports-{rev}.json"
    target.write_text(json.dumps(results, indent=1) + "\n")
    print(f"written {target.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
