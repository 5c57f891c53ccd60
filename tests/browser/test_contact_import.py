"""A LinkedIn export imported through the page, as an office would: upload, preview, merge a
probable duplicate, import (the worker's part run here), and the new stakeholders listed; at a
desktop's width and a phone's, with no sideways scroll and nothing axe-core calls serious."""

from __future__ import annotations

from pathlib import Path

import pytest

from cityweave.contacts import services
from cityweave.contacts.models import ImportJob
from cityweave.stakeholders.models import Stakeholder
from cityweave.testing import make_member, make_stakeholder, make_user, make_workspace
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
LINKEDIN = ROOT / "cityweave" / "contacts" / "tests" / "samples" / "Connections_LF.csv"


def serious_violations(page) -> list[str]:
    page.add_script_tag(content=AXE.read_text())
    return page.evaluate(
        "axe.run().then(r => r.violations.filter(v => ['serious', 'critical'].includes(v.impact))"
        ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))"
    )


@pytest.mark.parametrize("width", [1360, 390])
def test_a_linkedin_file_is_previewed_merged_and_imported(browser, live_server, width):
    riverton = make_workspace("Riverton", "riverton")
    make_member(riverton, make_user("alice@riverton.example", "Alice Reyes"), "owner")
    elsewhere = make_stakeholder(riverton, "Elsewhere Partners", kind="organisation")
    jeff = make_stakeholder(riverton, "Jeffery Goldberg", kind="person", sector="business")
    jeff.organisations.set([elsewhere])
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page)
        page.goto("/w/riverton/stakeholders/")
        page.get_by_role("link", name="Import contacts").click()
        page.get_by_label("Contact file").set_input_files(str(LINKEDIN))
        page.get_by_label("Tag them").fill("linkedin")
        page.get_by_role("button", name="Upload and preview").click()
        page.wait_for_url("**/w/riverton/import/*/")
        assert "6 to create" in page.get_by_role("region", name="Preview").inner_text()
        duplicates = page.get_by_role("region", name="Probable duplicates 1")
        assert "Jeffery Goldberg" in duplicates.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert serious_violations(page) == []
        page.get_by_label("Merge into Jeffery Goldberg").check()
        page.get_by_role("button", name="Import", exact=True).click()
        page.wait_for_url("**/w/riverton/import/*/")
        job = ImportJob.objects.get()
        if job.status == ImportJob.Status.QUEUED:
            services.run_job(job.pk)  # the background worker's part, when tasks are queued
        page.get_by_text("What the import did").wait_for()  # the progress poll reloads the page
        assert "6 created" in page.locator("main").inner_text()
        page.get_by_role("link", name="linkedin").click()
        listed = page.locator("#results").inner_text()
        assert "Theo Grant" in listed and "Jeffery Goldberg" in listed
        jeff.refresh_from_db()
        assert jeff.website == "https://www.linkedin.com/in/goldbergjeffrey"
        assert not Stakeholder.objects.filter(name="Jeffrey Goldberg").exists()
    finally:
        context.close()
