"""Screenshots of cityweave's pages in headless Chromium, for the README and for looking at changes.

Usage: .venv/bin/python scripts/screenshots.py [--viewport] BASE_URL OUT_DIR [PAGE ...]
Logs in as the demo owner (run `cityweave demo` first) and saves one PNG per page: the whole page,
or with --viewport only the first screen (as docs/dashboard.png in the README).
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

PAGES = {
    "dashboard": "/w/riverton/",
    "stakeholders": "/w/riverton/stakeholders/",
    "stakeholder": "/w/riverton/stakeholders/?q=Community+Foundation",
    "ties": "/w/riverton/ties/",
    "interactions": "/w/riverton/interactions/",
    "commitments": "/w/riverton/commitments/",
    "goals": "/w/riverton/goals/",
    "network": "/w/riverton/network/",
    "trash": "/w/riverton/trash/",
    "settings": "/w/riverton/settings/",
    "account": "/account/",
    "api-docs": "/api/v1/docs",
}
FOLLOW_FIRST_LINK = {"stakeholder": "table.data tbody a"}
# Pages drawn by script after load: the selector that shows they are ready.
READY = {"network": "#network-map[data-ready=true]"}


def main(base: str, out: Path, names: list[str], full_page: bool = True) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1360, "height": 900}, base_url=base)
        page.goto("/accounts/login/")
        page.screenshot(path=str(out / "login.png"))
        page.get_by_label("Email").fill("alice@riverton.example")
        page.get_by_label("Password").fill("riverton-demo")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state("networkidle")
        for name in names or list(PAGES):
            page.goto(PAGES[name])
            if name in FOLLOW_FIRST_LINK:
                page.locator(FOLLOW_FIRST_LINK[name]).first.click()
            page.wait_for_load_state("networkidle")
            if name in READY:
                page.wait_for_selector(READY[name])
            page.screenshot(path=str(out / f"{name}.png"), full_page=full_page)
            print(out / f"{name}.png")
        browser.close()


if __name__ == "__main__":
    arguments = sys.argv[1:]
    viewport_only = "--viewport" in arguments
    arguments = [a for a in arguments if a != "--viewport"]
    main(arguments[0], Path(arguments[1]), arguments[2:], full_page=not viewport_only)
