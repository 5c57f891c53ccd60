"""A partnership built from scratch in a real browser: create it, add two partners with roles
through the search-as-you-type picker, set a benchmark and record its progress, then see it on
the list with its health."""

from __future__ import annotations

import datetime as dt

import pytest

from cityweave.engagement.services import workspace_today
from cityweave.partnerships.models import Benchmark, BenchmarkProgress, Partner, Partnership
from cityweave.testing import make_member, make_stakeholder, make_user, make_workspace
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def pick(page, label: str, typed: str, name: str) -> None:
    """Type into the picker labelled `label` and choose the option `name`."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.locator("xpath=ancestor::div[contains(@class, 'ts-control')][1]").click()
    box.press_sequentially(typed, delay=30)
    page.get_by_role("option", name=name).click()
    # Leave the picker, which shrinks as it closes, before clicking what is below it.
    page.keyboard.press("Tab")


def test_a_partnership_is_built_from_scratch(page):
    riverton = make_workspace("Riverton", "riverton")
    make_member(riverton, make_user("alice@riverton.example", "Alice Reyes"), "owner")
    make_stakeholder(riverton, "Riverton Community Foundation", sector="philanthropy")
    make_stakeholder(riverton, "County Council", sector="local-government")
    for i in range(30):
        make_stakeholder(riverton, f"Neighbourhood Group {i:02d}", sector="community-group")
    today = workspace_today(riverton)

    log_in(page)
    page.get_by_role("link", name="Partnerships").click()
    page.get_by_role("heading", name="No partnerships yet").wait_for()
    page.get_by_role("link", name="New partnership").first.click()
    page.get_by_label("Name").fill("Safe Routes to School")
    page.get_by_label("Problem statement").fill("Children walk to school along busy roads.")
    page.get_by_label("Population groups").fill("Children aged 5–11\nParents")
    page.get_by_label("Status").select_option("forming")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Safe Routes to School").wait_for()

    # Two partners, each with its roles, added in the partners section (htmx swaps it).
    page.get_by_role("checkbox", name="Funder").check()
    page.get_by_label("Responsibility").fill("Funds the crossing guards")
    pick(page, "Stakeholder", "comm found", "Riverton Community Foundation")
    page.get_by_role("button", name="Add partner").click()
    partners = page.locator("#partners table.partners")
    partners.get_by_role("link", name="Riverton Community Foundation", exact=True).wait_for()
    page.get_by_role("checkbox", name="Champion").check()
    page.get_by_role("checkbox", name="Convener").check()
    pick(page, "Stakeholder", "county", "County Council")
    page.get_by_role("button", name="Add partner").click()
    partners.get_by_text("Champion inside government").wait_for()

    # A benchmark, on its own page, then a measurement in the benchmarks section.
    page.get_by_role("link", name="New benchmark").click()
    page.get_by_label("Milestone").fill("Double the children walking to school")
    page.get_by_label("Metric").fill("children walking")
    page.get_by_label("Unit").fill("children")
    page.get_by_label("Baseline").fill("40")
    page.get_by_label("Target").fill("80")
    page.get_by_label("Start date").fill((today - dt.timedelta(days=30)).isoformat())
    page.get_by_label("Due date").fill((today + dt.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Save").click()
    benchmark = page.locator("#benchmarks article.benchmark")
    benchmark.get_by_text("At risk").wait_for()  # half the time gone, nothing measured
    benchmark.get_by_label("Value (children)").fill("62")
    benchmark.get_by_role("button", name="Record progress").click()
    page.locator("#benchmarks .badge.on-track").wait_for()  # 62 against 60 expected today
    assert page.locator("#benchmarks svg polyline").count() == 1

    page.get_by_role("link", name="Partnerships").first.click()
    row = page.get_by_role("row", name="Safe Routes to School")
    assert "Forming" in row.inner_text()
    cells = row.locator("td.health").all_inner_texts()
    assert cells == ["1 of 1", "none open", "0 of 2"], cells

    partnership = Partnership.objects.get()
    assert partnership.population_groups == ["Children aged 5–11", "Parents"]
    assert sorted(p.roles for p in Partner.objects.filter(partnership=partnership)) == [
        ["champion", "convener"],
        ["funder"],
    ]
    assert Benchmark.objects.get().partnership == partnership
    assert BenchmarkProgress.objects.get().value == 62
