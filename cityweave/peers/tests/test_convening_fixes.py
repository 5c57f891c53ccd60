"""Regressions found by testing the convenings: session times shown and pre-filled in the host
city's time (saving the schedule form unchanged keeps them); a convening's days and capacity
not changed from under its scheduled sessions and delegates; review dates between the
convening's last day and the host city's today; refusals that say what they are about; and
long unbroken text wrapping on the convenings' pages."""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cityweave.accounts.models import ApiToken
from cityweave.peers import agenda
from cityweave.peers import convenings as conv
from cityweave.peers.convening_testing import (
    make_convening,
    make_delegate,
    make_delegation,
    make_follow_up,
    make_session,
)
from cityweave.peers.models import Convening, Delegate, Session
from cityweave.peers.tests.conftest import client_for

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
#: The host city's today: reviews are checked against it.
HOST_TODAY = timezone.localdate(timezone=NEW_YORK)
#: A summit a month ahead, on two days, in Chattanooga (America/New_York).
FIRST = HOST_TODAY + dt.timedelta(days=30)


def url(name: str, *args: object) -> str:
    return reverse(f"peers:{name}", args=["midsize", *args])


def api_url(name: str, *args: object) -> str:
    return reverse(f"api:{name}", args=["midsize", *args])


def api_for(user) -> Client:
    _, raw = ApiToken.issue(user, "tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def send(client: Client, method: str, path: str, body: dict) -> Any:
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of `day` in Chattanooga's time."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=NEW_YORK)


@pytest.fixture
def summit(chattanooga) -> Convening:
    return make_convening(chattanooga, starts_on=FIRST, days=2, capacity=10)


@pytest.fixture
def home(summit, chattanooga):
    delegation = make_delegation(summit, chattanooga)
    make_delegate(delegation, "Tim Kelly", title="Mayor")
    return delegation


@pytest.fixture
def away(summit, dayton):
    delegation = make_delegation(summit, dayton)
    make_delegate(delegation, "Jeff Mims", title="Mayor")
    return delegation


@pytest.fixture
def scheduled(ed, summit, home) -> Session:
    """A session at 09:00–10:30 on the summit's second day, Chattanooga's time (13:00 or 14:00
    UTC, by daylight saving)."""
    session = make_session(summit, home.city, status="accepted")
    return agenda.schedule_session(
        ed,
        session,
        {
            "room": "Hall A",
            "starts_at": at(summit.ends_on, 9),
            "ends_at": at(summit.ends_on, 10, 30),
        },
    )


# == 1. Times in the host city's zone ============================================================


def test_the_agenda_and_session_pages_show_the_host_citys_time(ed, summit, scheduled):
    assert settings.TIME_ZONE == "UTC"  # so a UTC time would read 13:00 or 14:00
    client = client_for(ed)
    text = client.get(url("convening-agenda", summit.pk)).content.decode()
    assert "09:00–10:30" in text and "America/New_York" in text
    assert "13:00" not in text and "14:00" not in text
    text = client.get(url("session", summit.pk, scheduled.pk)).content.decode()
    assert (
        f"{summit.ends_on:%a} {summit.ends_on.day} {summit.ends_on:%b %Y}, 09:00 to 10:30" in text
    )
    assert f'value="{summit.ends_on:%Y-%m-%d}T09:00"' in text
    assert f'value="{summit.ends_on:%Y-%m-%d}T10:30"' in text


def test_saving_the_schedule_form_unchanged_keeps_the_times(ed, summit, scheduled):
    client = client_for(ed)
    before = (scheduled.starts_at, scheduled.ends_at)
    for _ in range(2):
        page = client.get(url("session", summit.pk, scheduled.pk)).content.decode()
        values = dict(re.findall(r'name="(starts_at|ends_at)" value="([^"]+)"', page))
        assert set(values) == {"starts_at", "ends_at"}
        response = client.post(
            url("session-schedule", summit.pk, scheduled.pk), {"room": "Hall A", **values}
        )
        assert response.status_code == 302
        scheduled.refresh_from_db()
        assert (scheduled.starts_at, scheduled.ends_at) == before


# == 2. Changing a convening's days and capacity =================================================


def test_days_leaving_scheduled_sessions_out_are_refused(ed, summit, scheduled):
    second = FIRST + dt.timedelta(days=1)  # the session's day
    with pytest.raises(ValidationError) as caught:
        conv.save_convening(ed, {"ends_on": FIRST}, Convening.objects.get(pk=summit.pk))
    errors = caught.value.message_dict
    assert set(errors) == {"ends_on"}
    assert "1 scheduled session would fall after" in errors["ends_on"][0]
    assert "reschedule" in errors["ends_on"][0]
    with pytest.raises(ValidationError) as caught:
        conv.save_convening(
            ed,
            {"starts_on": second + dt.timedelta(days=1), "ends_on": second + dt.timedelta(days=3)},
            Convening.objects.get(pk=summit.pk),
        )
    assert set(caught.value.message_dict) == {"starts_on"}
    assert "1 scheduled session would fall before" in caught.value.message_dict["starts_on"][0]
    assert Convening.objects.get(pk=summit.pk).ends_on == second
    # Moving the first day to the session's day, and the last day later, is fine.
    saved = conv.save_convening(
        ed,
        {"starts_on": second, "ends_on": second + dt.timedelta(days=1)},
        Convening.objects.get(pk=summit.pk),
    )
    assert saved.starts_on == second


def test_a_session_ending_at_midnight_belongs_to_the_day_before(ed, summit, home):
    session = make_session(summit, home.city, status="accepted")
    agenda.schedule_session(
        ed,
        session,
        {"room": "B", "starts_at": at(FIRST, 22), "ends_at": at(FIRST + dt.timedelta(1), 0)},
    )
    saved = conv.save_convening(ed, {"ends_on": FIRST}, summit)
    assert saved.ends_on == FIRST


def test_capacity_below_the_live_delegates_is_refused(ed, summit, home, away):
    with pytest.raises(ValidationError) as caught:
        conv.save_convening(ed, {"capacity": 1}, summit)
    assert set(caught.value.message_dict) == {"capacity"}
    assert "2 delegates" in caught.value.message_dict["capacity"][0]
    assert conv.save_convening(ed, {"capacity": 2}, summit).capacity == 2


def test_the_edit_page_and_the_api_refuse_them_naming_the_field(ed, summit, home, away, scheduled):
    form = {
        "title": summit.title,
        "host_city": summit.host_city_id,
        "venue": summit.venue,
        "starts_on": summit.starts_on.isoformat(),
        "ends_on": summit.starts_on.isoformat(),
        "capacity": "1",
        "officials_required": "2",
        "partners_required": "1",
    }
    response = client_for(ed).post(url("convening-edit", summit.pk), form)
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"ends_on", "capacity"}
    assert "1 scheduled session" in response.content.decode()
    api = api_for(ed.user)
    detail = api_url("network_convenings_update", summit.pk)
    response = send(api, "patch", detail, {"ends_on": summit.starts_on.isoformat()})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["detail"]} == {"ends_on"}
    response = send(api, "patch", detail, {"capacity": 1})
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["detail"]} == {"capacity"}
    summit.refresh_from_db()
    assert summit.ends_on == FIRST + dt.timedelta(days=1) and summit.capacity == 10


# == 3. Review dates =============================================================================


def test_a_review_date_is_after_the_convening_and_not_in_the_future(otis, chattanooga):
    past = make_convening(chattanooga, starts_on=HOST_TODAY - dt.timedelta(days=60), days=2)
    delegation = make_delegation(past, chattanooga)
    idea = make_follow_up(delegation)
    idea.delegation.convening = past
    for bad in (past.ends_on - dt.timedelta(days=1), HOST_TODAY + dt.timedelta(days=1)):
        with pytest.raises(ValidationError) as caught:
            conv.record_review(otis, idea, 30, on=bad)
        assert set(caught.value.message_dict) == {"on"}
    idea.refresh_from_db()
    assert idea.reviewed_30_on is None
    assert conv.record_review(otis, idea, 30, on=past.ends_on).reviewed_30_on == past.ends_on
    assert conv.record_review(otis, idea, 90).reviewed_90_on == HOST_TODAY
    api = api_for(otis.user)
    path = api_url("network_follow_ups_review", past.pk, delegation.pk, idea.pk)
    for bad in (past.starts_on, HOST_TODAY + dt.timedelta(days=2)):
        response = send(api, "post", path, {"days": 180, "on": bad.isoformat()})
        assert response.status_code == 422
        assert {e["field"] for e in response.json()["detail"]} == {"on"}
    response = send(api, "post", path, {"days": 180, "on": HOST_TODAY.isoformat()})
    assert response.status_code == 200 and response.json()["reviewed_180_on"] == str(HOST_TODAY)


# == 4. Messages =================================================================================


def test_another_citys_delegation_is_refused_saying_so(otis, summit, home, away):
    with pytest.raises(PermissionDenied) as caught:
        conv.save_delegate(otis, away, {"kind": "official", "name": "Someone"})
    assert "its delegation" in str(caught.value) and "profile" not in str(caught.value)
    idea = make_follow_up(away)
    with pytest.raises(PermissionDenied) as caught:
        conv.save_follow_up(otis, away, {"idea": "Mine"}, idea)
    assert "Dayton" in str(caught.value) and "its delegation" in str(caught.value)
    response = client_for(otis).post(
        url("delegate-add", summit.pk, away.pk), {"kind": "official", "name": "Someone"}
    )
    assert response.status_code == 403
    assert "its delegation" in response.content.decode()
    assert Delegate.objects.filter(name="Someone").count() == 0


def test_the_attendance_refusal_gives_the_date_once(ed, summit, home):
    delegate = home.delegates.get()
    response = client_for(ed).post(
        url("convening-attendance", summit.pk), {f"d{delegate.pk}": "yes"}
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert text.count(f"{FIRST.day} {FIRST:%b %Y}") == 1
    assert FIRST.isoformat() not in text


# == 5. Long text wraps ==========================================================================


def test_long_words_wrap_on_the_convenings_pages(ed, summit, home, scheduled):
    css = Path(settings.BASE_DIR, "static/cityweave/convenings.css").read_text()
    assert re.search(
        r"\.convening-page :is\([^)]*\bh1\b[^)]*\.grow[^)]*\) \{ overflow-wrap: anywhere;", css
    )
    client = client_for(ed)
    for address in (
        url("convening", summit.pk),
        url("convening-agenda", summit.pk),
        url("session", summit.pk, scheduled.pk),
        url("delegation", summit.pk, home.pk),
        url("convenings"),
    ):
        text = client.get(address).content.decode()
        assert "cityweave/convenings.css" in text and "convening-page" in text, address
