"""A partnership built from scratch in the browser, then run: a joint activity recorded (logged as
an event with its partners), a channel kept, and a meeting planned that invites only who its agenda
needs, shows each partner's meeting load, and is confirmed into a planned meeting with its .ics
invitation and a follow-up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from cityweave.engagement.models import Commitment, Interaction
from cityweave.partnerships.models import MeetingPlan, Partnership
from cityweave.partnerships.testing import make_partner
from cityweave.testing import make_interaction, make_stakeholder
from tests.browser.helpers import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_partnership_plans_a_meeting_with_only_who_is_needed(
    page, riverton, alice, alice_member, tmp_path
):
    fund = make_stakeholder(riverton, "Riverton Fund", email="grants@fund.example")
    lab = make_stakeholder(riverton, "Data Lab", offers=["data"])
    voice = make_stakeholder(riverton, "Parents Council")
    for n in range(7):  # the fund is in a lot of meetings lately
        make_interaction(riverton, [fund], timezone.now() - dt.timedelta(days=n + 1))
    log_in(page)

    # Built from scratch: the partnership, then its partners with their roles.
    page.goto("/w/riverton/partnerships/new/")
    page.get_by_label("Name").fill("Safe Routes to School")
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/partnerships/*/")
    partnership = Partnership.objects.get()
    make_partner(alice_member, partnership, fund, "funder")
    make_partner(alice_member, partnership, lab, "implementer")
    make_partner(alice_member, partnership, voice, "community-voice")
    home = f"/w/riverton/partnerships/{partnership.pk}/"

    # A joint activity, logged as an event with its partners.
    page.goto(home + "activities/new/")
    page.get_by_label("Name").fill("Walk to school day")
    page.get_by_label("Date").fill("2026-05-09")
    page.get_by_label("Parents Council").check()
    page.get_by_label("Riverton Fund").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url(f"**{home}#activities")
    assert (
        page.locator("#activities")
        .get_by_role("link", name="Walk to school day", exact=True)
        .is_visible()
    )
    assert Interaction.objects.filter(kind="event", summary="Walk to school day").exists()

    # A channel, kept once used.
    page.goto(home + "channels/new/")
    page.get_by_label("Kind").select_option("chat-group")
    page.get_by_label("Name").fill("Parents' chat")
    page.get_by_label("Used at least every (days)").fill("7")
    page.get_by_role("button", name="Save").click()
    channels = page.locator("#channels")
    assert channels.get_by_text("Never used").is_visible()
    channels.get_by_role("button", name="Mark used today").click()
    assert page.locator("#channels").get_by_text("Kept", exact=True).is_visible()

    # The meeting: the budget needs a funder, the data agreement someone who offers data.
    page.locator("#meetings").get_by_role("link", name="Plan a meeting").click()
    start = timezone.localtime(timezone.now() + dt.timedelta(days=10)).replace(hour=10, minute=0)
    page.get_by_label("Title").fill("Budget and data sharing")
    page.get_by_label("Starts").fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Length (minutes)").fill("90")
    page.locator("#id_agenda_0_text").fill("Next year's budget")
    page.locator("#id_agenda_0_roles").select_option(["funder"])
    page.locator("#id_agenda_1_text").fill("Data sharing agreement")
    page.locator("#id_agenda_1_value_types").select_option(["data"])
    page.get_by_role("button", name="Save and see who is needed").click()
    page.wait_for_url("**/meetings/*/")
    invite = page.locator("table.invitees")
    assert page.get_by_label("Data Lab").is_checked()
    assert page.get_by_label("Riverton Fund").is_checked()
    assert not page.get_by_label("Parents Council").is_checked()  # no item needs them
    assert invite.get_by_text("Heavy load").count() == 1
    page.screenshot(path=str(tmp_path / "planner.png"), full_page=True)

    # The office lets the busy fund off and confirms.
    page.get_by_label("Riverton Fund").uncheck()
    page.get_by_role("button", name="Confirm the meeting").click()
    assert page.get_by_text("Confirmed", exact=True).is_visible()
    plan = MeetingPlan.objects.get()
    assert plan.interaction is not None
    assert list(plan.interaction.participants.all()) == [lab]
    assert plan.interaction.duration_minutes == 90
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the invitation (.ics)").click()
    assert download.value.suggested_filename.endswith(".ics")

    # A follow-up typed on the plan becomes a commitment on its meeting.
    page.get_by_role("textbox", name="Follow-up").fill("Send the data dictionary")
    page.get_by_label("Owed by").select_option("them")
    page.get_by_label("With").select_option(label="Data Lab")
    page.get_by_label("Due").fill("2030-01-15")
    page.get_by_role("button", name="Add follow-up").click()
    assert page.locator("#follow-ups").get_by_text("Send the data dictionary").is_visible()
    assert Commitment.objects.get().interaction_id == plan.interaction_id
