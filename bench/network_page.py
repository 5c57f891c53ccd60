"""Benchmark of the Network page: server time for the page and the map's data, and how the map draws.

For each size (default 200 and 2,000 stakeholders, the first a city's own network, the second the
size the map must stay smooth at) it builds a workspace in a throwaway SQLite database from the
same reproducible stakeholder-like network as bench/analytics.py, then measures:

- server: the analysis and map layout as the background worker computes them; the Network page
  and its map data, first in a server process and warm; a stakeholder page with its network
  position;
- browser (headless Chromium, `cityweave serve`): seconds from opening the page until the map is
  drawn, and frames per second while the mouse wheel zooms the map and while a drag pans it.

    .venv/bin/python bench/network_page.py [--sizes 200,2000] [--no-browser]

The table compares the sizes side by side; the browser columns need Chromium at /usr/bin/chromium.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EMAIL = "bench@example.org"
PASSWORD = "bench-pass-phrase"
CHROMIUM = "/usr/bin/chromium"
# Counts the frames the browser draws while Python pans and zooms the map with the mouse.
START_COUNTING = """() => {
  window.benchFrames = 0;
  window.benchCounting = true;
  window.benchStarted = performance.now();
  const count = () => { window.benchFrames += 1; if (window.benchCounting) requestAnimationFrame(count); };
  requestAnimationFrame(count);
}"""
STOP_COUNTING = """() => {
  window.benchCounting = false;
  return window.benchFrames / ((performance.now() - window.benchStarted) / 1000);
}"""
INTERACTION_SECONDS = 3.0


def build_workspace(size: int) -> tuple[str, int]:
    """A workspace of `size` stakeholders and about 5 ties each; its slug and a stakeholder's id."""
    sys.path.insert(0, str(ROOT / "bench"))
    from analytics import stakeholder_network

    from cityweave.accounts.models import User
    from cityweave.stakeholders.models import Stakeholder, Tie
    from cityweave.vocabulary import SectorChoice
    from cityweave.workspaces.models import Membership, Workspace

    nodes, ties = stakeholder_network(size)
    sector_keys = {name: SectorChoice.values[i] for i, name in enumerate(sorted(
        {node["sector"] for node in nodes}))}  # fmt: skip
    workspace = Workspace.objects.create(name=f"Bench {size}", slug=f"bench-{size}")
    user = User.objects.filter(email=EMAIL).first() or User.objects.create_user(EMAIL, PASSWORD)
    Membership.objects.create(workspace=workspace, user=user, role="owner")
    made = Stakeholder.objects.bulk_create(
        Stakeholder(
            workspace=workspace,
            name=node["label"],
            sector=sector_keys[node["sector"]],
            kind="organisation",
            is_internal=index < 5,
        )
        for index, node in enumerate(nodes)
    )
    ids = {node["id"]: stakeholder.pk for node, stakeholder in zip(nodes, made, strict=True)}
    rng = random.Random(size)
    Tie.objects.bulk_create(
        Tie(
            workspace=workspace,
            source_id=ids[source],
            target_id=ids[target],
            kind="partner",
            status=rng.choice(("active", "active", "active", "dormant", "prospect")),
            trust=min(weight, 4),
            cadence_days=rng.choice((None, 30, 90)),
        )
        for source, target, weight in ties
    )
    return workspace.slug, made[0].pk


def server_timings(slug: str, stakeholder_id: int) -> dict[str, float]:
    from django.test import Client
    from django.urls import reverse

    from cityweave.accounts.models import User
    from cityweave.network import services
    from cityweave.workspaces.models import Workspace

    client = Client()
    client.force_login(User.objects.get(email=EMAIL))
    services.MEMO.clear()
    urls = {
        "page": reverse("network:map", args=[slug]),
        "map data": reverse("network:map-data", args=[slug]),
        "stakeholder": reverse("stakeholders:detail", args=[slug, stakeholder_id]),
    }
    timings = {}
    # The background task's work, done here, so every page below reads a current analysis.
    start = time.perf_counter()
    services.refresh_snapshot(Workspace.objects.get(slug=slug))
    timings["analysis and layout (worker)"] = time.perf_counter() - start
    for label, url in (
        ("page, first", urls["page"]),
        ("page, warm", urls["page"]),
        ("map data, first", urls["map data"]),
        ("map data, warm", urls["map data"]),
        ("stakeholder, warm", urls["stakeholder"]),
    ):
        start = time.perf_counter()
        response = client.get(url)
        timings[label] = time.perf_counter() - start
        assert response.status_code == 200, (url, response.status_code)
    return timings


def browser_timings(slugs: list[str], env: dict[str, str]) -> dict[str, dict[str, float]]:
    from playwright.sync_api import sync_playwright

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    cityweave = str(Path(sys.executable).parent / "cityweave")
    server = subprocess.Popen(
        [cityweave, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    results: dict[str, dict[str, float]] = {}
    try:
        _wait_for(port)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1360, "height": 900}, base_url=base)
            page.goto("/accounts/login/")
            page.get_by_label("Email").fill(EMAIL)
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Log in").click()
            page.wait_for_load_state("networkidle")
            for slug in slugs:
                page.goto(f"/w/{slug}/network/")  # the first request decodes the stored analysis
                page.wait_for_selector("#network-map[data-ready=true]", timeout=120_000)
                start = time.perf_counter()
                page.goto(f"/w/{slug}/network/")
                page.wait_for_selector("#network-map[data-ready=true]", timeout=120_000)
                drawn = time.perf_counter() - start
                results[slug] = {
                    "map drawn": drawn,
                    "fps, wheel zoom": _frames_per_second(page, "zoom"),
                    "fps, drag pan": _frames_per_second(page, "pan"),
                }
            browser.close()
    finally:
        server.terminate()
        server.wait()
    return results


def _frames_per_second(page: Any, gesture: str) -> float:
    """Frames per second while the mouse wheel zooms, or a drag from an empty corner pans, the map."""
    box = page.locator("#network-map").bounding_box()
    if gesture == "zoom":
        x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    else:
        x, y = box["x"] + 8, box["y"] + 8  # the fitted map leaves its corners empty
    page.mouse.move(x, y)
    page.evaluate(START_COUNTING)
    started = time.perf_counter()
    step = 0
    if gesture == "pan":
        page.mouse.down()
    while time.perf_counter() - started < INTERACTION_SECONDS:
        step += 1
        if gesture == "zoom":
            page.mouse.wheel(0, -120 if step % 2 else 120)
        else:
            page.mouse.move(x + 5 * (step % 40), y + 3 * (step % 40))
    if gesture == "pan":
        page.mouse.up()
    return float(page.evaluate(STOP_COUNTING))


def _wait_for(port: int) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError("cityweave serve did not start")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark the Network page.")
    parser.add_argument("--sizes", default="200,2000", help="stakeholder counts (default 200,2000)")
    parser.add_argument("--no-browser", action="store_true", help="skip the headless-Chromium part")
    options = parser.parse_args(argv)
    sizes = [int(size) for size in options.sizes.split(",")]

    data = tempfile.mkdtemp(prefix="cityweave-bench-")
    env = {**os.environ, "CITYWEAVE_DATA": data, "DJANGO_SETTINGS_MODULE": "cityweave.settings"}
    env.pop("DATABASE_URL", None)
    os.environ.update(env)
    os.environ.pop("DATABASE_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    rows: dict[int, dict[str, Any]] = {}
    slugs = {}
    for size in sizes:
        slug, stakeholder_id = build_workspace(size)
        slugs[size] = slug
        rows[size] = server_timings(slug, stakeholder_id)
        print(f"done: {size:,} stakeholders (server)", file=sys.stderr)
    browser = not options.no_browser and Path(CHROMIUM).exists()
    if browser:
        for slug, timings in browser_timings(list(slugs.values()), env).items():
            size = next(size for size, name in slugs.items() if name == slug)
            rows[size].update(timings)

    from rich.console import Console
    from rich.table import Table

    table = Table(title="Network page: seconds (server, then headless Chromium)")
    table.add_column("measure")
    for size in sizes:
        table.add_column(f"{size:,} stakeholders", justify="right")
    for measure in rows[sizes[0]]:
        unit = "" if measure.startswith("fps") else " s"
        table.add_row(measure, *(f"{rows[size][measure]:.2f}{unit}" for size in sizes))
    console = Console(width=120)
    console.print(table)
    console.print(
        "analysis and layout: the background worker's task; first: the first request in a server "
        "process after it (the stored result decoded and encoded); warm: the next.\n'map drawn': "
        "page opened to map interactive. fps: frames per second while the mouse wheel zooms or a drag "
        "pans the map for three seconds (headless, software rendering)."
        + ("" if browser else "\nBrowser part skipped (no Chromium, or --no-browser).")
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
