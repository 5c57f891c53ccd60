"""The convenings' pages at a phone's width (390 px) with long unbroken titles, names and other
text people type: nothing widens the page (a 200-letter session title once made the convening's
page 1,423 px wide)."""

from __future__ import annotations

import datetime as dt

import pytest

from cityweave.peers.convening_testing import (
    make_convening,
    make_delegate,
    make_delegation,
    make_follow_up,
    make_session,
)
from cityweave.peers.testing import make_city, make_network, make_staff
from cityweave.testing import PASSWORD, make_user
from tests.browser.test_every_page import overflow

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = "Supercalifragilistic" * 8


def test_long_words_wrap_on_every_convening_page_at_390_px(browser, live_server):
    network = make_network("Mid-Size Cities Network", "midsize")
    make_staff(network, make_user("ed@network.example", "Ed Moss"), "editor")
    city = make_city(
        network, "Chattanooga", "TN", 181_099, ["digital-inclusion"], timezone="America/New_York"
    )
    convening = make_convening(
        city, title="Summit" + LONG, venue="Venue" + LONG, description=LONG,
        starts_on=dt.date(2026, 5, 12),
    )  # fmt: skip
    delegation = make_delegation(convening, city)
    person = make_delegate(
        delegation, "Name" + LONG, title="Title" + LONG, organisation="Org" + LONG
    )
    make_follow_up(delegation, idea="Idea" + LONG, owner_name="Owner" + LONG, notes=LONG)
    session = make_session(
        convening, city, title="Session" + LONG, description=LONG, status="accepted",
        room="Room" + LONG[:80], starts_at=dt.datetime(2026, 5, 12, 13, tzinfo=dt.UTC),
        ends_at=dt.datetime(2026, 5, 12, 14, tzinfo=dt.UTC),
    )  # fmt: skip
    session.presenters.set([person])
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("ed@network.example")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    base = f"/networks/midsize/convenings/{convening.pk}"
    paths = [
        "/networks/midsize/convenings/",
        f"{base}/",
        f"{base}/agenda/",
        f"{base}/sessions/{session.pk}/",
        f"{base}/sessions/{session.pk}/edit/",
        f"{base}/delegations/{delegation.pk}/",
        f"{base}/delegations/{delegation.pk}/delegates/{person.pk}/edit/",
        f"{base}/badges/",
        f"{base}/attendance/",
        f"{base}/edit/",
        f"/c/{person.token}/",
    ]
    widths = {}
    for path in paths:
        page.goto(path)
        widths[path] = overflow(page)
    context.close()
    assert widths == dict.fromkeys(paths, 0)
