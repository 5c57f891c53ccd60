"""`cityweave serve` runs gunicorn, which serves pages and whitenoise's static files."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

# Settings a developer's shell may hold that would point the server away from its temporary data.
FOREIGN_SETTINGS = {"DATABASE_URL", "CITYWEAVE_STATIC_ROOT", "DJANGO_SETTINGS_MODULE", "PYTHONPATH"}
BIND_FAILURES = ("Address already in use", "Can't connect", "Permission denied")


def cityweave_command() -> list[str]:
    script = Path(sys.executable).with_name("cityweave")
    return [str(script)] if script.exists() else [sys.executable, "-m", "cityweave"]


def free_port() -> int:
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            return int(sock.getsockname()[1])
    except OSError as error:
        pytest.skip(f"gunicorn cannot bind here: no local TCP port is free ({error})")


def fetch(url: str) -> tuple[int, dict[str, str], str]:
    """The status, headers and text of `url`, never through a proxy."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), ""


@contextmanager
def running_server(env: dict[str, str], log_path: Path) -> Iterator[str]:
    """`cityweave serve` on a free port until the block ends; yields its base URL."""
    port = free_port()
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [
                *cityweave_command(),
                "serve",
                "--port",
                str(port),
                "--workers",
                "1",
                "--threads",
                "2",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and server.poll() is None:
            try:
                fetch(f"{base}/admin/login/")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        output = log_path.read_text()
        if server.poll() is not None and any(failure in output for failure in BIND_FAILURES):
            pytest.skip(f"gunicorn could not bind 127.0.0.1:{port}: {output[-300:]}")
        assert server.poll() is None, output
        assert f"{base}/" in output
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def server_env(tmp_path: Path) -> dict[str, str]:
    """A fresh data directory with a migrated SQLite database."""
    env = {k: v for k, v in os.environ.items() if k not in FOREIGN_SETTINGS}
    env["CITYWEAVE_DATA"] = str(tmp_path / "data")
    migrate = subprocess.run(
        [*cityweave_command(), "migrate", "--verbosity", "0"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert migrate.returncode == 0, migrate.stderr
    return env


def test_serve_answers_with_pages_and_static_files_on_every_start(
    server_env: dict[str, str], tmp_path: Path
) -> None:
    first_log = tmp_path / "first.log"
    with running_server(server_env, first_log) as base:
        assert fetch(f"{base}/admin/login/")[0] == 200
        assert fetch(f"{base}/accounts/login/")[0] == 200
        status, headers, _ = fetch(f"{base}/static/cityweave/app.css")
        assert status == 200, first_log.read_text()
        assert headers["Content-Type"].startswith("text/css")
    assert '"GET /static/cityweave/app.css HTTP/1.1" 200' in first_log.read_text()  # access log
    assert (Path(server_env["CITYWEAVE_DATA"]) / "static" / "staticfiles.json").exists()

    # From the second start on, pages link hashed file names that browsers may cache for good.
    second_log = tmp_path / "second.log"
    with running_server(server_env, second_log) as base:
        status, _, page = fetch(f"{base}/accounts/login/")
        assert status == 200, second_log.read_text()
        hashed = re.search(r"/static/cityweave/app\.[0-9a-f]{12}\.css", page)
        assert hashed, page
        status, headers, _ = fetch(f"{base}{hashed.group()}")
        assert status == 200
        assert headers["Content-Type"].startswith("text/css")
        assert "immutable" in headers["Cache-Control"]


def test_serve_refuses_a_taken_port_at_once_and_exits_non_zero(server_env: dict[str, str]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        try:
            taken.bind(("127.0.0.1", 0))
        except OSError as error:
            pytest.skip(f"no local TCP port is free ({error})")
        taken.listen(1)
        port = taken.getsockname()[1]
        started = time.monotonic()
        result = subprocess.run(
            [*cityweave_command(), "serve", "--port", str(port)],
            env=server_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        elapsed = time.monotonic() - started
    assert result.returncode != 0
    assert f"127.0.0.1:{port}" in result.stderr
    assert "already listening" in result.stderr
    assert "serving at" not in result.stdout  # never claims to serve
    assert elapsed < 30


def test_serve_reads_its_port_from_cityweave_port(server_env: dict[str, str]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        try:
            taken.bind(("127.0.0.1", 0))
        except OSError as error:
            pytest.skip(f"no local TCP port is free ({error})")
        taken.listen(1)
        port = taken.getsockname()[1]
        result = subprocess.run(
            [*cityweave_command(), "serve"],
            env={**server_env, "CITYWEAVE_PORT": str(port)},
            capture_output=True,
            text=True,
            timeout=60,
        )
    # The port taken is the one CITYWEAVE_PORT names: that is where serve tried to listen.
    assert result.returncode != 0
    assert f"127.0.0.1:{port}" in result.stderr


def test_serve_refuses_a_port_that_is_not_a_number(server_env: dict[str, str]) -> None:
    result = subprocess.run(
        [*cityweave_command(), "serve"],
        env={**server_env, "CITYWEAVE_PORT": "eighty"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "CITYWEAVE_PORT" in result.stderr
