"""Benchmark of the pages and API lists a person uses every day, served as a user serves cityweave.

For each database (SQLite in a fresh temporary CITYWEAVE_DATA; PostgreSQL in a database this script
creates and drops, `cityweave_bench_<pid>`) it:

1. builds a workspace from bench/workspace.py (bench/analytics.py's stakeholder-like network with
   interactions, commitments, goals, cadences, members and sectors of its own), seeded, written in
   the export format and loaded with `cityweave migrate` and `cityweave import`, so the app's own
   import service writes it; `cityweave createuser` sets the owner's password and
   `cityweave token create` issues an API token. On PostgreSQL it then runs ANALYZE, as
   autovacuum would soon after a bulk import (the CI server here runs with autovacuum off, and
   without statistics some list queries take 800 ms instead of 1 ms);
2. runs `cityweave serve` with its defaults (gunicorn, CITYWEAVE_WORKERS and CITYWEAVE_THREADS
   unset) on a free 127.0.0.1 port, plus `cityweave worker` when that command exists;
3. logs in through the login form (CSRF token and session cookie; the 20 clients share that one
   session) and requests every URL once to warm it. If the network is still being computed in
   the background (an answer is 202, or 503 with Retry-After; JSON says its status is pending or
   updating, or stale, or has no computed_at yet; the network page says updating, computing or
   analysing), it polls until it is done or --ready-timeout passes;
4. single client: requests each URL --repeats times in a row, over one keep-alive connection
   (a URL slower than --url-budget seconds in all stops after 5 answers); p50 and p95 in ms,
   measured by the client over loopback, full body read;
5. --clients concurrent clients (threads, each with its own keep-alive connection, no think
   time) for --duration seconds, each cycling through the URLs in its own seeded order, the
   dashboard three times and the plain lists twice per cycle; with --writes every sixth request
   creates an interaction through the API. Requests per second, per URL p50/p95/max, and errors
   (status >= 500 and connection errors, per status).

Percentiles leave out failed requests (status >= 500 or no response); those are counted as errors.
Pages are requested as a browser does (Accept-Encoding: gzip), so sizes are bytes on the wire. The
summary says how many cores other processes kept busy meanwhile (from /proc: all CPU time less the
server's, this script's and our PostgreSQL backends'): on a shared machine, figures taken while
other work runs are slower and noisier.

    .venv/bin/python bench/pages.py [--stakeholders 2000] [--db sqlite|postgres|both]
        [--duration 60] [--clients 20] [--repeats 20] [--writes] [--json PATH]
        [--rev REV] [--compare REV | --compare-json PATH] [--quick]

It prints markdown tables, one per database: "–" where a URL does not exist (404 when warming up),
"·" where no request to it finished in that phase. --rev benchmarks a git revision instead of the
working tree (which may hold others' unfinished edits); --compare REV also benchmarks REV and
prints both side by side; each revision is checked out with `git worktree add` into a temporary
folder and run with this venv (PYTHONPATH pointing at it), with fresh databases. --compare-json
compares with the last run of a saved --json file. --quick is a smoke test (200 stakeholders,
3 repeats, 5 s of concurrency, SQLite unless --db is given; about 30 s). A full run (2,000
stakeholders, both databases, 60 s) takes about 8 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gzip
import http.client
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workspace import workspace_file  # noqa: E402  (bench/ is not a package)

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PG_ADMIN_URL = "postgresql://root@127.0.0.1/postgres"
PG_DATABASE = "cityweave_bench"
PAGE_SIZE = 25  # list pages (cityweave/web/listing.py); a later page number is clamped anyway
LATE = 0.8  # "a late page": 80% of the way through the list
WRITE_EVERY = 6
GIVE_UP_AFTER = 3  # failed requests after which one client stops repeating a URL
MIN_REPEATS = 5  # answers a slow URL gets before --url-budget stops repeating it
REQUEST_TIMEOUT = 120.0
START_TIMEOUT = 180.0
COMMAND_TIMEOUT = 1800.0
IMPORT_RETRIES = 30
#: How a response says the network is still being computed in the background.
COMPUTING_STATES = {"pending", "queued", "running", "computing", "updating", "stale"}
COMPUTING_TEXT = re.compile(
    r"\b(updating|computing|recomputing|analysing|analyzing|being (computed|updated))\b", re.I
)


@dataclass(frozen=True)
class Target:
    """One URL to measure: a stable key, its path, and whether it is an API call."""

    key: str
    path: str
    api: bool
    weight: int = 1


@dataclass
class Tree:
    """The code to benchmark: a folder holding a cityweave checkout, and its git revision."""

    label: str
    path: Path
    rev: str
    dirty: bool


@dataclass
class Outcome:
    """One request: its status (None when the connection failed), size, time and body."""

    status: int | None
    seconds: float
    size: int = 0
    error: str = ""
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    cookies: list[str] = field(default_factory=list)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# Running cityweave: a tree's code, with this venv, against one database.


def git(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True, timeout=120
    ).stdout.strip()


def working_tree() -> Tree:
    rev = git("rev-parse", "HEAD")
    dirty = bool(git("status", "--porcelain", "--untracked-files=no"))
    return Tree(f"working tree at {rev[:10]}", ROOT, rev, dirty)


@contextlib.contextmanager
def checked_out(rev: str) -> Iterator[Tree]:
    """REV checked out in a temporary git worktree, removed afterwards."""
    sha = git("rev-parse", "--verify", f"{rev}^{{commit}}")
    folder = Path(tempfile.mkdtemp(prefix="cityweave-bench-rev-"))
    git("worktree", "add", "--detach", str(folder), sha)
    try:
        vendor = ROOT / "cityweave" / "static" / "vendor"  # built by `make static`, not in git
        if vendor.is_dir() and not (folder / "cityweave" / "static" / "vendor").exists():
            shutil.copytree(vendor, folder / "cityweave" / "static" / "vendor")
        yield Tree(f"rev {sha[:10]}", folder, sha, dirty=False)
    finally:
        with contextlib.suppress(subprocess.SubprocessError):
            git("worktree", "remove", "--force", str(folder))
        shutil.rmtree(folder, ignore_errors=True)


def environment(tree: Tree, data_dir: Path, database_url: str | None) -> dict[str, str]:
    """The process environment of a run: cityweave's defaults, this data dir and database."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("CITYWEAVE_") and name not in ("DATABASE_URL", "PYTHONPATH")
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update({"CITYWEAVE_DATA": str(data_dir), "PYTHONPATH": str(tree.path)})
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def cityweave(
    tree: Tree, env: dict[str, str], *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `cityweave ARGS` from `tree`'s code; raise with its output when it fails."""
    completed = subprocess.run(
        [sys.executable, "-m", "cityweave", *args],
        cwd=tree.path,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    if completed.returncode:
        raise RuntimeError(
            f"cityweave {' '.join(args)} failed:\n{completed.stdout}{completed.stderr}"
        )
    return completed


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A new, empty PostgreSQL database for one run, dropped afterwards; yields its URL.

    Named after this process (cityweave_bench_<pid>), so runs at the same time never share one;
    a bench database whose process is gone (a killed run) is dropped first. Never `test`.
    """
    import psycopg

    name = f"{PG_DATABASE}_{os.getpid()}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        rows = admin.execute("SELECT datname FROM pg_database").fetchall()
        for (existing,) in rows:
            found = re.fullmatch(rf"{PG_DATABASE}_(\d+)", existing)
            if found and not _alive(int(found.group(1))):
                log(f"  dropping {existing}, left by a run that is gone")
                admin.execute(f'DROP DATABASE IF EXISTS "{existing}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql://root@{HOST}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def import_workspace(tree: Tree, env: dict[str, str], data: dict[str, Any], path: Path) -> float:
    """`cityweave import` the file; keys or sections this revision doesn't know are left out."""
    for _ in range(IMPORT_RETRIES):
        path.write_text(json.dumps(data), encoding="utf-8")
        started = time.perf_counter()
        try:
            cityweave(tree, env, "import", str(path))
            return time.perf_counter() - started
        except RuntimeError as error:
            if not _fit(data, str(error)):
                raise
    raise RuntimeError("import: too many keys this revision does not know")


def _fit(data: dict[str, Any], message: str) -> bool:
    """Adapt the file to an older or newer import after its error message; False if unknown."""
    found = re.search(r"(\w+)\[\d+\](\.progress\[\d+\])?: unknown key “([^”]+)”", message)
    if found:
        section, nested, key = found.groups()
        rows = [e for g in data[section] for e in g["progress"]] if nested else data[section]
        log(f"  this revision has no {section}{'.progress' if nested else ''}.{key}: left out")
        for row in rows:
            row.pop(key, None)
        return True
    found = re.search(r"unknown section “([^”]+)”", message)
    if found:
        data.pop(found.group(1))
        return True
    found = re.search(r"missing section “([^”]+)”", message)
    if found:
        data[found.group(1)] = []
        return True
    return False


LOOKUP = """
import json
from cityweave.engagement.models import Commitment, Interaction
from cityweave.goals.models import Goal
from cityweave.stakeholders.models import Stakeholder, Tie
models = {"stakeholder": Stakeholder, "tie": Tie, "interaction": Interaction,
          "commitment": Commitment, "goal": Goal}
wanted = json.loads(%r)
ids = {key: models[kind].all_objects.get(workspace__slug=%r, uid=uid).pk
       for key, (kind, uid) in wanted.items()}
print(json.dumps(ids))
"""


def build(tree: Tree, env: dict[str, str], size: int, seed: int, data_dir: Path) -> dict[str, Any]:
    """Migrate, import the workspace, set the owner's password, issue a token, find record ids."""
    started = time.perf_counter()
    cityweave(tree, env, "migrate", "--noinput", "-v", "0")
    migrated = time.perf_counter()
    data = workspace_file(size, seed)
    meta = data.pop("meta")
    import_seconds = import_workspace(tree, env, data, data_dir / "workspace.json")
    slug, owner = meta["slug"], meta["owner"]
    cityweave(
        tree,
        env,
        "createuser",
        owner,
        "--workspace",
        slug,
        "--role",
        "owner",
        "--password-stdin",
        stdin=meta["password"] + "\n",
    )
    token = cityweave(tree, env, "token", "create", owner).stdout.strip().splitlines()[-1]
    wanted = dict(meta["records"])
    for number, uid in enumerate(meta["city_stakeholder_uids"]):
        wanted[f"city {number}"] = ["stakeholder", uid]
    for number, uid in enumerate(meta["external_stakeholder_uids"][:20]):
        wanted[f"external {number}"] = ["stakeholder", uid]
    output = cityweave(tree, env, "shell", "-c", LOOKUP % (json.dumps(wanted), slug)).stdout
    ids = json.loads(output.strip().splitlines()[-1])
    return {
        "slug": slug,
        "owner": owner,
        "password": meta["password"],
        "token": token,
        "ids": ids,
        "counts": meta["counts"],
        "seconds": {
            "migrate": round(migrated - started, 2),
            "import": round(import_seconds, 2),
            "total": round(time.perf_counter() - started, 2),
        },
    }


def analyze(url: str) -> dict[str, str]:
    """ANALYZE the new database, as autovacuum does within a minute or so of a bulk import on a
    default server: without statistics PostgreSQL plans as if every table had one row (nested
    loops over thousands of rows). This machine's server may run with autovacuum off."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        row = connection.execute("SHOW autovacuum").fetchone()
        connection.execute("ANALYZE")
    return {"autovacuum": str(row[0]) if row else "unknown", "analyzed_after_import": "yes"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def has_command(tree: Tree, name: str) -> bool:
    """Whether the tree has a management command `name` (in any app)."""
    return any((tree.path / "cityweave").glob(f"*/management/commands/{name}.py"))


@dataclass
class Server:
    """A running `cityweave serve`: its port, log and the process groups it runs in."""

    port: int
    log_path: Path
    groups: list[int]


@contextlib.contextmanager
def serving(tree: Tree, env: dict[str, str], data_dir: Path) -> Iterator[Server]:
    """`cityweave serve` (and `cityweave worker` if there is one) until the block ends."""
    port = free_port()
    log_path = data_dir / "serve.log"
    commands = [["serve", "--host", HOST, "--port", str(port)]]
    if has_command(tree, "worker"):
        commands.append(["worker"])
    processes: list[subprocess.Popen[bytes]] = []
    with open(log_path, "ab") as log_file:
        try:
            for command in commands:
                log(f"  starting cityweave {' '.join(command)}")
                processes.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "cityweave", *command],
                        cwd=tree.path,
                        env=env,
                        stdout=log_file,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,  # its own process group: gunicorn and its workers
                    )
                )
            _wait_until_up(port, processes[0], log_path)
            yield Server(port, log_path, [process.pid for process in processes])
        finally:
            for process in processes:
                _stop(process)


def _wait_until_up(port: int, server: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            tail = log_path.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"cityweave serve exited with {server.returncode}:\n{tail}")
        with contextlib.suppress(OSError, http.client.HTTPException):
            connection = http.client.HTTPConnection(HOST, port, timeout=10)
            connection.request("GET", "/accounts/login/")
            if connection.getresponse().status == 200:
                connection.close()
                return
            connection.close()
        time.sleep(0.3)
    raise RuntimeError(f"cityweave serve did not answer within {START_TIMEOUT:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop a process we started and its group (gunicorn's workers): TERM, then KILL."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(wait)
            return


def server_problems(log_path: Path) -> dict[str, int]:
    """Exceptions, server errors and worker timeouts the server logged, with their counts."""
    problems: Counter[str] = Counter()
    pattern = re.compile(
        r"^([A-Za-z_][\w.]*(Error|Exception)\b.*|.*Internal Server Error: \S+|.*WORKER TIMEOUT.*)$"
    )
    with contextlib.suppress(OSError):
        for line in log_path.read_text(errors="replace").splitlines():
            if pattern.match(line):
                problems[re.sub(r"^\[[^]]*\] \[\d+\] ", "", line)[:200]] += 1
    return dict(problems.most_common(12))


class CpuMeter:
    """CPU the whole machine used during a phase, and how much of it was not ours (the server's
    process groups, this process, and PostgreSQL's backends for our database, named by
    `database`): other people's work makes timings noisy."""

    def __init__(self, groups: list[int], database: str | None = None) -> None:
        self.groups, self.database = set(groups), database
        self.start = self._read()

    def _read(self) -> tuple[int, int, int]:
        fields = [int(n) for n in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        total, idle = sum(fields[:8]), fields[3] + fields[4]
        ours = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            with contextlib.suppress(OSError, ValueError, IndexError):
                rest = stat.read_text().rsplit(")", 1)[1].split()
                if (
                    int(rest[2]) in self.groups
                    or int(stat.parent.name) == os.getpid()
                    or (
                        self.database
                        and f" {self.database} ".encode()
                        in (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ")
                    )
                ):
                    ours += int(rest[11]) + int(rest[12])
        return total, total - idle, ours

    def read(self) -> dict[str, float]:
        """Cores busy on average: all processes, and processes other than ours."""
        total, busy, ours = (b - a for a, b in zip(self.start, self._read(), strict=True))
        cpus = os.cpu_count() or 1
        return {
            "cpus": cpus,
            "cores busy": round(cpus * busy / max(total, 1), 2),
            "cores busy elsewhere": round(max(0.0, cpus * (busy - ours) / max(total, 1)), 2),
        }


# HTTP clients.


class Client:
    """One user's browser or API client: a keep-alive connection to the server, with credentials."""

    def __init__(self, port: int, cookie: str = "", token: str = "") -> None:
        self.port, self.cookie, self.token = port, cookie, token
        self.connection: http.client.HTTPConnection | None = None
        self.used = False

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
        self.connection, self.used = None, False

    def request(
        self,
        path: str,
        api: bool = False,
        method: str = "GET",
        body: Any = None,
        keep: bool = False,
    ) -> Outcome:
        """Send one request and read the whole response; retry once if a kept-alive
        connection turns out to have been closed by the server in between."""
        headers = {"Accept-Encoding": "gzip", "User-Agent": "cityweave-bench"}
        if api:
            headers.update({"Authorization": f"Bearer {self.token}", "Accept": "application/json"})
        else:
            headers.update({"Cookie": self.cookie, "Accept": "text/html"})
        payload = None
        if body is not None:
            payload = json.dumps(body).encode() if api else urlencode(body).encode()
            headers["Content-Type"] = (
                "application/json" if api else "application/x-www-form-urlencoded"
            )
        for attempt in (1, 2):
            reused = self.used
            if self.connection is None:
                self.connection = http.client.HTTPConnection(
                    HOST, self.port, timeout=REQUEST_TIMEOUT
                )
            started = time.perf_counter()
            try:
                self.connection.request(method, path, body=payload, headers=headers)
                self.used = True
                response = self.connection.getresponse()
                content = response.read()
            except (OSError, http.client.HTTPException) as error:
                self.close()
                stale = isinstance(
                    error, http.client.RemoteDisconnected | BrokenPipeError | ConnectionResetError
                )
                if reused and stale and attempt == 1:
                    continue
                return Outcome(None, time.perf_counter() - started, error=type(error).__name__)
            seconds = time.perf_counter() - started
            if response.will_close:
                self.close()
            return Outcome(
                response.status,
                seconds,
                size=len(content),
                body=content if keep else b"",
                headers={k.lower(): v for k, v in response.getheaders()} if keep else {},
                cookies=(response.msg.get_all("Set-Cookie") or []) if keep else [],
            )
        raise AssertionError("unreachable")


def log_in(port: int, email: str, password: str) -> str:
    """The session cookie from logging in through the login form, with its CSRF token."""
    client = Client(port)
    page = client.request("/accounts/login/", keep=True)
    cookies: SimpleCookie = SimpleCookie()
    for value in page.cookies:
        cookies.load(value)
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.body)
    if page.status != 200 or found is None or "csrftoken" not in cookies:
        raise RuntimeError(f"login page: status {page.status}, no CSRF token")
    client.cookie = f"csrftoken={cookies['csrftoken'].value}"
    form = {"username": email, "password": password, "csrfmiddlewaretoken": found.group(1).decode()}
    answer = client.request("/accounts/login/", method="POST", body=form, keep=True)
    for value in answer.cookies:
        cookies.load(value)
    if answer.status != 302 or "sessionid" not in cookies:
        raise RuntimeError(f"logging in: status {answer.status}, no session cookie")
    client.close()
    return f"csrftoken={cookies['csrftoken'].value}; sessionid={cookies['sessionid'].value}"


def targets(built: dict[str, Any]) -> list[Target]:
    """Every page and API list measured, with stable keys (a late page's number is in its path)."""
    slug, ids, counts = built["slug"], built["ids"], built["counts"]
    page, api = f"/w/{slug}", f"/api/v1/workspaces/{slug}"
    filters = {
        "stakeholders": "sector=business",
        "ties": "health=cooling",
        "interactions": "kind=meeting",
        "commitments": "due=overdue",
        "goals": "status=active",
    }
    out = [Target("dashboard", f"{page}/", api=False, weight=3)]
    for name, condition in filters.items():
        late_page = max(1, math.ceil(counts[name] * LATE / PAGE_SIZE))
        out += [
            Target(name, f"{page}/{name}/", api=False, weight=2),
            Target(f"{name}, filtered", f"{page}/{name}/?{condition}", api=False),
        ]
        if name != "goals":  # ten goals: one page
            out.append(Target(f"{name}, late page", f"{page}/{name}/?page={late_page}", api=False))
    for key, name in (
        ("stakeholder_city", "stakeholder (the city's busiest)"),
        ("stakeholder_typical", "stakeholder (typical)"),
        ("tie", "tie"),
        ("interaction", "interaction"),
        ("commitment", "commitment"),
        ("goal", "goal"),
    ):
        kind = key.split("_")[0]
        out.append(Target(name, f"{page}/{kind}s/{ids[key]}/", api=False))
    out += [
        Target("network", f"{page}/network/", api=False),
        Target("network map data", f"{page}/network/map-data/", api=False),
    ]
    for name, condition in filters.items():
        out += [
            Target(f"API {name}", f"{api}/{name}", api=True),
            Target(f"API {name}, filtered", f"{api}/{name}?{condition}", api=True),
        ]
        if name != "goals":
            offset = int(counts[name] * LATE)
            out.append(
                Target(f"API {name}, late offset", f"{api}/{name}?offset={offset}", api=True)
            )
    out.append(Target("API network", f"{api}/network", api=True))
    return out


def _computing(outcome: Outcome, api: bool) -> bool:
    """Whether a response says the network is still being computed in the background."""
    if outcome.status == 202 or (outcome.status == 503 and "retry-after" in outcome.headers):
        return True
    body = outcome.body
    if outcome.headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    if "json" in outcome.headers.get("content-type", ""):
        with contextlib.suppress(ValueError):
            data = json.loads(body)
            if isinstance(data, dict):
                state = str(data.get("status") or data.get("state") or "").lower()
                return (
                    state in COMPUTING_STATES
                    or data.get("ready") is False
                    or data.get("stale") is True
                    or ("computed_at" in data and data["computed_at"] is None)
                )
        return False
    return not api and bool(COMPUTING_TEXT.search(body.decode(errors="replace")))


def warm_up(
    port: int, cookie: str, token: str, urls: list[Target], timeout: float
) -> dict[str, Any]:
    """Request every URL once; then wait while the network says it is being computed."""
    client = Client(port, cookie, token)
    found = {}
    for target in urls:
        outcome = client.request(target.path, target.api, keep=True)
        if outcome.status in (301, 302) and not target.api:
            raise RuntimeError(f"{target.path}: redirected (not logged in?)")
        found[target.key] = outcome.status
        log(f"  warm {outcome.status} {outcome.seconds * 1000:8.0f} ms  {target.key}")
    network = [t for t in urls if t.key in ("network", "network map data", "API network")]
    deadline = time.monotonic() + timeout
    waited = 0.0
    while network and time.monotonic() < deadline:
        busy = [
            t.key for t in network if _computing(client.request(t.path, t.api, keep=True), t.api)
        ]
        if not busy:
            break
        if waited == 0:
            log(f"  the network is still being computed ({', '.join(busy)}); waiting")
        time.sleep(1.0)
        waited += 1.0
    else:
        if network:
            log(f"  warning: the network still looked busy after {timeout:.0f} s; measuring anyway")
    client.close()
    return {"statuses": found, "waited_for_network": waited}


def percentile(values: list[float], share: float) -> float | None:
    """Nearest-rank percentile in ms; None without values."""
    if not values:
        return None
    ordered = sorted(values)
    return round(1000 * ordered[max(0, math.ceil(share * len(ordered)) - 1)], 2)


def failure(outcome: Outcome) -> str | None:
    """How a request failed (an HTTP status >= 500, or the connection error), or None."""
    if outcome.status is None:
        return f"connection: {outcome.error}"
    return str(outcome.status) if outcome.status >= 500 else None


def single_client(
    port: int, cookie: str, token: str, urls: list[Target], repeats: int, budget: float
) -> dict[str, Any]:
    """Each URL `repeats` times in a row, one client; a slow URL stops after `budget` seconds
    once it has MIN_REPEATS answers."""
    client = Client(port, cookie, token)
    results = {}
    for target in urls:
        seconds: list[float] = []
        sizes: list[int] = []
        errors = Counter[str]()
        began = time.perf_counter()
        for _ in range(repeats):
            if len(seconds) >= MIN_REPEATS and time.perf_counter() - began > budget:
                break
            outcome = client.request(target.path, target.api)
            problem = failure(outcome)
            if problem:
                errors[problem] += 1
                if errors.total() >= GIVE_UP_AFTER:
                    break
            else:
                seconds.append(outcome.seconds)
                sizes.append(outcome.size)
        results[target.key] = {
            "n": len(seconds),
            "p50": percentile(seconds, 0.5),
            "p95": percentile(seconds, 0.95),
            "bytes": max(sizes, default=0),
            "errors": dict(errors),
        }
        log(f"  1 client: p50 {results[target.key]['p50']} ms  {target.key}")
    client.close()
    return results


def many_clients(
    port: int,
    cookie: str,
    token: str,
    urls: list[Target],
    built: dict[str, Any],
    clients: int,
    duration: float,
    writes: bool,
) -> dict[str, Any]:
    """`clients` threads without think time for `duration` seconds, each cycling through the URLs."""
    cycle = [target for target in urls for _ in range(target.weight)]
    ids = built["ids"]
    city = [ids[k] for k in ids if k.startswith("city ")]
    external = [ids[k] for k in ids if k.startswith("external ")]
    write_path = f"/api/v1/workspaces/{built['slug']}/interactions"
    timings: list[dict[str, list[float]]] = [{} for _ in range(clients)]
    errors: list[dict[str, Counter[str]]] = [{} for _ in range(clients)]
    statuses: list[Counter[str]] = [Counter() for _ in range(clients)]
    start = threading.Barrier(clients + 1)
    stop = threading.Event()
    bounds: dict[str, float] = {}

    def run(number: int) -> None:
        rng = random.Random(number)
        order = cycle[:]
        rng.shuffle(order)
        client = Client(port, cookie, token)
        start.wait(30)
        step = 0
        while not stop.is_set() and time.perf_counter() < bounds["deadline"] and step < 10**6:
            step += 1
            if writes and step % WRITE_EVERY == 0:
                key, body = (
                    "API create interaction (POST)",
                    {
                        "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
                        "kind": "call",
                        "summary": f"Bench call {number}-{step}",
                        "participants": [rng.choice(city), rng.choice(external)],
                    },
                )
                outcome = client.request(write_path, api=True, method="POST", body=body)
            else:
                target = order[step % len(order)]
                key = target.key
                outcome = client.request(target.path, target.api)
            statuses[number][str(outcome.status or "connection error")] += 1
            problem = failure(outcome)
            if problem:
                errors[number].setdefault(key, Counter())[problem] += 1
            else:
                timings[number].setdefault(key, []).append(outcome.seconds)
        client.close()

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    began = time.perf_counter()
    bounds["deadline"] = began + duration
    start.wait(30)
    try:
        for thread in threads:
            thread.join(max(0.1, bounds["deadline"] + REQUEST_TIMEOUT + 5 - time.perf_counter()))
    finally:
        stop.set()
    elapsed = time.perf_counter() - began
    merged: dict[str, list[float]] = {}
    merged_errors: dict[str, Counter[str]] = {}
    for own, own_errors in zip(timings, errors, strict=True):
        for key, values in own.items():
            merged.setdefault(key, []).extend(values)
        for key, counts in own_errors.items():
            merged_errors.setdefault(key, Counter()).update(counts)
    all_statuses = sum(statuses, Counter())
    total = sum(all_statuses.values())
    failed = sum(sum(c.values()) for c in merged_errors.values())
    per_url = {
        key: {
            "n": len(merged.get(key, [])),
            "p50": percentile(merged.get(key, []), 0.5),
            "p95": percentile(merged.get(key, []), 0.95),
            "max": percentile(merged.get(key, []), 1.0),
            "errors": dict(merged_errors.get(key, {})),
        }
        for key in [*dict.fromkeys(t.key for t in urls), *merged, *merged_errors]
    }
    return {
        "clients": clients,
        "seconds": round(elapsed, 2),
        "requests": total,
        "requests_per_second": round(total / elapsed, 2),
        "ok_per_second": round((total - failed) / elapsed, 2),
        "statuses": dict(all_statuses),
        "errors": failed,
        "urls": per_url,
    }


def run_database(tree: Tree, db: str, options: argparse.Namespace) -> dict[str, Any]:
    """Build, serve and measure one tree on one database; everything is removed afterwards."""
    log(f"{tree.label} on {db}: building {options.stakeholders:,} stakeholders")
    with contextlib.ExitStack() as stack:
        data_dir = Path(tempfile.mkdtemp(prefix="cityweave-bench-"))
        stack.callback(shutil.rmtree, data_dir, True)
        url = stack.enter_context(postgres_database()) if db == "postgres" else None
        env = environment(tree, data_dir, url)
        built = build(tree, env, options.stakeholders, options.seed, data_dir)
        log(f"  built in {built['seconds']['total']} s (import {built['seconds']['import']} s)")
        if url:
            built["postgres"] = analyze(url)
        server = stack.enter_context(serving(tree, env, data_dir))
        port = server.port
        cookie = log_in(port, built["owner"], built["password"])
        urls = targets(built)
        warm = warm_up(port, cookie, built["token"], urls, options.ready_timeout)
        present = [t for t in urls if warm["statuses"][t.key] != 404]
        database = url.rsplit("/", 1)[1] if url else None
        meter = CpuMeter(server.groups, database)
        single = single_client(
            port, cookie, built["token"], present, options.repeats, options.url_budget
        )
        single_cpu, meter = meter.read(), CpuMeter(server.groups, database)
        log(f"  {options.clients} clients for {options.duration:g} s")
        concurrent = many_clients(
            port,
            cookie,
            built["token"],
            present,
            built,
            options.clients,
            options.duration,
            options.writes,
        )
        log(f"  {concurrent['requests_per_second']} requests/s, {concurrent['errors']} errors")
        concurrent_cpu = meter.read()
        log(
            f"  cores busy elsewhere: {single_cpu['cores busy elsewhere']} (1 client), "
            f"{concurrent_cpu['cores busy elsewhere']} ({options.clients} clients)"
        )
        stack.close()  # stop the server, so its log is complete
        return {
            "database": db,
            "build": {k: built[k] for k in ("slug", "counts", "seconds", "postgres") if k in built},
            "urls": [
                {
                    "key": t.key,
                    "path": t.path,
                    "api": t.api,
                    "warm_status": warm["statuses"][t.key],
                    "single": single.get(t.key),
                }
                for t in urls
            ],
            "waited_for_network": warm["waited_for_network"],
            "concurrent": concurrent,
            "server_problems": server_problems(server.log_path),
            "cpu": {"single client": single_cpu, "concurrent": concurrent_cpu},
        }
    raise AssertionError("unreachable")


def run_tree(tree: Tree, options: argparse.Namespace) -> dict[str, Any]:
    databases = ["sqlite", "postgres"] if options.db == "both" else [options.db]
    return {
        "label": tree.label,
        "rev": tree.rev,
        "dirty": tree.dirty,
        "databases": {db: run_database(tree, db, options) for db in databases},
    }


# Reports.


def _ms(value: float | None) -> str:
    return "·" if value is None else f"{value:.1f}" if value < 10 else f"{value:,.0f}"


def _cell(figures: dict[str, Any] | None, measure: str) -> str:
    """A time in ms; – when the URL does not exist, · when no request finished in that phase."""
    return "–" if figures is None else _ms(figures.get(measure))


def _errors(counts: dict[str, int]) -> str:
    return ", ".join(f"{n}× {status}" for status, n in sorted(counts.items())) or "0"


def _rows(database: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each URL's figures by key, with its concurrent figures; None where it answered 404."""
    rows: dict[str, dict[str, Any]] = {}
    for url in database["urls"]:
        missing = url["warm_status"] == 404
        rows[url["key"]] = {
            "path": url["path"],
            "warm_status": url["warm_status"],
            "single": None if missing else url["single"],
            "concurrent": None if missing else database["concurrent"]["urls"].get(url["key"]),
        }
    for key, figures in database["concurrent"]["urls"].items():
        # Requests only the concurrent phase makes (writes): nothing to show for one client.
        rows.setdefault(key, {"path": "", "warm_status": None, "single": {}})["concurrent"] = (
            figures
        )
    return rows


def _query(path: str) -> str:
    return path.split("?", 1)[1] if "?" in path else ""


def _summary(run: dict[str, Any], database: dict[str, Any]) -> str:
    """A run's throughput, errors, build time and how busy the machine was otherwise."""
    concurrent, build, cpu = database["concurrent"], database["build"], database["cpu"]
    name = run["label"]
    counts = sorted(figures["n"] for figures in concurrent["urls"].values())
    samples = counts[len(counts) // 2] if counts else 0
    if run["dirty"]:
        name += " with uncommitted changes"
    lines = [
        f"- **{name}**: {concurrent['clients']} clients for {concurrent['seconds']:.0f} s: "
        f"**{concurrent['requests_per_second']:.1f} requests/s**, {concurrent['errors']} errors "
        f"(statuses: {_errors(concurrent['statuses'])}), {samples} requests per URL at the "
        f"median. Built in {build['seconds']['total']:.0f} s "
        f"(import {build['seconds']['import']:.0f} s). Other processes kept "
        f"{cpu['single client']['cores busy elsewhere']:.1f} cores busy during the 1-client "
        f"runs and {cpu['concurrent']['cores busy elsewhere']:.1f} during the "
        f"{concurrent['clients']}-client run (of {cpu['single client'].get('cpus', '?')})."
    ]
    if "postgres" in build:
        lines[0] += (
            f" ANALYZE after the import (this server's autovacuum: "
            f"{build['postgres']['autovacuum']})."
        )
    lines += [f"  - server log: {n}× `{line}`" for line, n in database["server_problems"].items()]
    return "\n".join(lines)


PHASES = (("single", "p50"), ("single", "p95"), ("concurrent", "p50"), ("concurrent", "p95"))


LEGEND = (
    "\nTimes in ms, measured by the client over loopback; – where the URL does not exist (404), "
    "· where no request to it finished in that phase."
)


def report(runs: list[dict[str, Any]]) -> str:
    """Markdown: one table per database; two runs side by side when comparing."""
    out = []
    base, new = runs[0], runs[-1]
    for db, database in new["databases"].items():
        counts = database["build"]["counts"]
        title = "SQLite" if db == "sqlite" else "PostgreSQL"
        clients = database["concurrent"]["clients"]
        out.append(
            f"### {title}: {counts['stakeholders']:,} stakeholders, {counts['ties']:,} ties, "
            f"{counts['interactions']:,} interactions\n"
        )
        rows = _rows(database)
        if len(runs) == 1:
            out.append(
                f"| URL | query | KB | 1 client p50 | p95 | {clients} clients p50 | p95 | max "
                "| n | errors |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---|"
            )
            for key, row in rows.items():
                single, many = row["single"], row["concurrent"]
                errors = Counter((single or {}).get("errors", {}))
                errors.update((many or {}).get("errors", {}))
                size = f"{single['bytes'] / 1024:,.1f}" if single and single["bytes"] else "–"
                cells = [_cell(single, "p50"), _cell(single, "p95")]
                cells += [_cell(many, "p50"), _cell(many, "p95"), _cell(many, "max")]
                cells.append(f"{(single or {}).get('n', 0)} / {(many or {}).get('n', 0)}")
                out.append(
                    f"| {key} | {_query(row['path'])} | {size} | {' | '.join(cells)} "
                    f"| {_errors(dict(errors))} |"
                )
            out.append(
                LEGEND + " Sizes as sent (gzipped where the server compresses). n: requests "
                "answered, with one client / with all clients.\n"
            )
            out.append(_summary(new, database))
        else:
            old_database = base["databases"].get(db)
            old_rows = _rows(old_database) if old_database else {}
            a, b = base["label"], new["label"]
            out.append(
                f"| URL | query | 1 client p50 {a} | {b} | p95 {a} | {b} | "
                f"{clients} clients p50 {a} | {b} | p95 {a} | {b} |\n"
                "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|"
            )
            for key in [*rows, *(k for k in old_rows if k not in rows)]:
                old, now = old_rows.get(key, {}), rows.get(key, {})
                cells = [
                    _cell(side.get(phase), measure)
                    for phase, measure in PHASES
                    for side in (old, now)
                ]
                query = _query(now.get("path") or old.get("path", ""))
                out.append(f"| {key} | {query} | {' | '.join(cells)} |")
            out.append(LEGEND + "\n")
            if old_database:
                out.append(_summary(base, old_database))
            out.append(_summary(new, database))
        out.append("")
    return "\n".join(out)


def _interrupted(signum: int, frame: Any) -> None:
    """Ctrl-C or SIGTERM (even where a shell ignored SIGINT for us): servers, databases and
    worktrees are cleaned up on the way out."""
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Benchmark cityweave's daily pages and API lists under `cityweave serve`.",
    )
    parser.add_argument(
        "--stakeholders", type=int, help="workspace size: 200, 2000 (default) or 20000"
    )
    parser.add_argument(
        "--db",
        choices=("sqlite", "postgres", "both"),
        help="database(s) to run on (default both; sqlite with --quick)",
    )
    parser.add_argument("--repeats", type=int, help="single-client requests per URL (default 20)")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (default 20)")
    parser.add_argument(
        "--url-budget",
        type=float,
        default=30.0,
        help=f"single-client seconds per URL after which a slow URL stops repeating, once it "
        f"has {MIN_REPEATS} answers (default 30)",
    )
    parser.add_argument("--duration", type=float, help="seconds of concurrency (default 60)")
    parser.add_argument(
        "--writes",
        action="store_true",
        help=f"every {WRITE_EVERY}th concurrent request creates an interaction",
    )
    parser.add_argument("--seed", type=int, default=7, help="seed of the workspace (default 7)")
    parser.add_argument("--json", metavar="PATH", help="write the results as JSON")
    parser.add_argument("--rev", help="benchmark this git revision instead of the working tree")
    parser.add_argument(
        "--compare", metavar="REV", help="also benchmark git revision REV, side by side"
    )
    parser.add_argument("--compare-json", metavar="PATH", help="compare with a saved --json file")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke test: 200 stakeholders, 3 repeats, 5 s of concurrency, SQLite",
    )
    parser.add_argument(
        "--ready-timeout",
        type=float,
        default=300.0,
        help="seconds to wait for a background network analysis (default 300)",
    )
    options = parser.parse_args(argv)
    quick = options.quick
    options.stakeholders = options.stakeholders or (200 if quick else 2000)
    options.repeats = options.repeats or (3 if quick else 20)
    options.db = options.db or ("sqlite" if quick else "both")
    options.duration = (
        options.duration if options.duration is not None else (5.0 if quick else 60.0)
    )
    if options.compare and options.compare_json:
        parser.error("--compare and --compare-json: choose one")
    for name in ("stakeholders", "repeats", "clients"):
        if getattr(options, name) < 1:
            parser.error(f"--{name} must be at least 1")
    if not 0 < options.duration <= 3600:
        parser.error("--duration must be between 0 and 3600 seconds")

    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _interrupted)
    started = time.perf_counter()
    runs = []
    with contextlib.ExitStack() as stack:
        if options.compare_json:
            saved = json.loads(Path(options.compare_json).read_text(encoding="utf-8"))
            runs.append(saved["runs"][-1])
        if options.compare:
            runs.append(run_tree(stack.enter_context(checked_out(options.compare)), options))
        tree = stack.enter_context(checked_out(options.rev)) if options.rev else working_tree()
        runs.append(run_tree(tree, options))
    seconds = round(time.perf_counter() - started, 1)
    results: dict[str, Any] = {
        "format": "cityweave-bench-pages",
        "version": 1,
        "meta": {
            "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "seconds": seconds,
            "options": vars(options),
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "platform": platform.platform(),
            },
        },
        "runs": runs,
    }
    if options.json:
        Path(options.json).parent.mkdir(parents=True, exist_ok=True)
        Path(options.json).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(report(runs))
    log(f"done in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except KeyboardInterrupt:
        log("interrupted; servers, databases and worktrees were cleaned up")
        raise SystemExit(130) from None
