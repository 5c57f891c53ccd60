"""An Outlook calendar imported through the page, as an office would: upload with a period,
preview the meetings, leave a person out, import (the worker's part run here), and open a meeting
it created; at a desktop's width and a phone's, with no sideways scroll and nothing axe-core calls
serious."""

from __future__ import annotations

from pathlib import Path

import pytest

from cityweave.contacts import services
from cityweave.contacts.models import ImportJob
from cityweave.engagement.models import Interaction
from cityweave.stakeholders.models import Stakeholder
from cityweave.testing import make_member, make_stakeholder, make_user, make_workspace
from tests.browser.helpers import log_in
from tests.browser.test_contact_import import serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OUTLOOK = (
    Path(__file__).resolve().parents[2]
    / "cityweave"
    / "contacts"
    / "tests"
    / "samples"
    / "made_up_outlook_windows_tzid.ics"
)


@pytest.mark.parametrize("width", [1360, 390])
def test_an_outlook_calendar_is_previewed_and_imported_as_meetings(browser, live_server, width):
    riverton = make_workspace("Riverton", "riverton")
    make_member(riverton, make_user("alice@riverton.example", "Alice Reyes"), "owner")
    make_member(riverton, make_user("anna.schmidt@stadt.example", "Anna Schmidt"), "editor")
    make_stakeholder(riverton, "Pierre Martin", email="pierre.martin@ville.example")
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        log_in(page)
        page.goto("/w/riverton/import/")
        page.get_by_label("Contact file or calendar").set_input_files(str(OUTLOOK))
        page.get_by_label("Calendar events from").fill("2024-01-01")
        page.get_by_label("Calendar events to").fill("2024-12-31")
        page.get_by_role("button", name="Upload and preview").click()
        page.wait_for_url("**/w/riverton/import/*/")
        preview = page.get_by_role("region", name="Preview").inner_text()
        assert "1 meeting to create, 4 events skipped, 1 new stakeholder" in preview
        meetings = page.get_by_role("region", name="Meetings to create").inner_text()
        assert "Partnerschaftstreffen" in meetings and "Pierre Martin" in meetings
        assert "Anna Schmidt" in meetings  # a member: present, not a new stakeholder
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert serious_violations(page) == []
        page.get_by_role("group", name="Pat").get_by_label("Leave out").check()
        page.get_by_role("button", name="Update the preview").click()
        page.wait_for_url("**/w/riverton/import/*/")
        assert "1 meeting to create" in page.get_by_role("region", name="Preview").inner_text()
        assert "new stakeholder" not in page.get_by_role("region", name="Preview").inner_text()
        page.get_by_role("button", name="Import", exact=True).click()
        page.wait_for_url("**/w/riverton/import/*/")
        job = ImportJob.objects.get()
        if job.status == ImportJob.Status.QUEUED:
            services.run_job(job.pk)  # the background worker's part, when tasks are queued
        page.get_by_text("What the import did").wait_for()  # the progress poll reloads the page
        assert "1 meeting created" in page.locator("main").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.get_by_role("link", name="Partnerschaftstreffen").click()
        page.wait_for_url("**/w/riverton/interactions/*/")
        shown = page.locator("main").inner_text()
        assert "Partnerschaftstreffen" in shown and "Pierre Martin" in shown
        assert not Stakeholder.objects.filter(email="pat@partner.example").exists()
        assert Interaction.objects.count() == 1
    finally:
        context.close()
