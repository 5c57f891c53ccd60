"""A partnership officer's first day, in a real browser: log in, add a stakeholder, log a meeting
with another stakeholder picked by name and a follow-up promise, and find the promise on the
dashboard."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cityweave.engagement.models import Interaction
from cityweave.testing import PASSWORD, make_member, make_stakeholder, make_user, make_workspace

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_log_in_add_a_stakeholder_log_an_interaction_with_a_follow_up_and_see_it_on_the_dashboard(
    page,
):
    riverton = make_workspace("Riverton", "riverton")
    make_member(riverton, make_user("alice@riverton.example", "Alice Reyes"), "owner")
    pantry = make_stakeholder(riverton, "Eastside Community Pantry", sector="community-group")
    due = timezone.localdate() + dt.timedelta(days=3)

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("alice@riverton.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/w/riverton/")

    page.get_by_role("navigation", name="Workspace").get_by_role(
        "link", name="Stakeholders"
    ).click()
    page.get_by_role("link", name="Add stakeholder").click()
    page.get_by_role("textbox", name="Name", exact=True).fill("Riverton Food Bank")
    page.get_by_label("Sector").select_option(label="Nonprofit")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("heading", name="Riverton Food Bank").wait_for()

    # The quick-capture form arrives through htmx once the stakeholder page has loaded, folded
    # until asked for.
    page.get_by_role("link", name="Log interaction").click()
    capture = page.locator("form.capture")
    capture.get_by_label("Summary").fill("Planning the winter food drive")
    # Other participants: type part of a name and pick it from the list.
    others = capture.get_by_role("combobox", name="Other participants", exact=True)
    others.click()
    others.press_sequentially("pantry", delay=30)
    page.get_by_role("option", name="Eastside Community Pantry").click()
    capture.get_by_label("Follow-up promised").fill("Send the warehouse lease draft")
    capture.get_by_label("Due").fill(due.isoformat())
    capture.get_by_role("button", name="Log interaction").click()
    page.get_by_role("link", name="Planning the winter food drive").wait_for()
    meeting = Interaction.objects.get()
    assert {p.name for p in meeting.participants.all()} == {"Riverton Food Bank", pantry.name}

    page.get_by_role("navigation", name="Workspace").get_by_role("link", name="Dashboard").click()
    page.wait_for_url("**/w/riverton/")
    follow_up = page.get_by_role("link", name="Send the warehouse lease draft")
    follow_up.wait_for()
    assert follow_up.is_visible()
    assert "Riverton Food Bank" in page.content()
