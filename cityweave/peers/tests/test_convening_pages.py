"""Convenings' pages: every page for every seat, another network's ids (404), nobody signed in,
staff viewers and other cities' officials reading without writing, bad input named on the form
with nothing saved, registration by personal link, attendance, scheduling refusals, and a city's
private workspace never showing to the network."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cityweave.peers.convening_testing import (
    make_convening,
    make_delegate,
    make_delegation,
    make_follow_up,
    make_session,
)
from cityweave.peers.models import Convening, Delegate, FollowUp, Session
from cityweave.peers.testing import make_city, make_official
from cityweave.peers.tests.conftest import client_for
from cityweave.stakeholders.models import Sector
from cityweave.testing import make_member, make_stakeholder, make_user, make_workspace

TODAY = timezone.localdate()


def url(name: str, *args: object) -> str:
    return reverse(f"peers:{name}", args=["midsize", *args])


@pytest.fixture
def summit(chattanooga):
    """A summit under way today, in Chattanooga."""
    return make_convening(chattanooga, starts_on=TODAY, days=2, capacity=10)


@pytest.fixture
def home(summit, chattanooga):
    delegation = make_delegation(summit, chattanooga)
    make_delegate(delegation, "Tim Kelly", title="Mayor", email="tim@chattanooga.example")
    make_follow_up(delegation, status="in-progress")
    return delegation


@pytest.fixture
def away(summit, dayton):
    delegation = make_delegation(summit, dayton)
    make_delegate(delegation, "Jeffrey Mims", title="Mayor", dietary_needs="Vegan")
    return delegation


@pytest.fixture
def session(summit, home):
    return make_session(summit, home.city)


@pytest.fixture
def pages(summit, home, away, session) -> list[str]:
    """Every page any seat reads (GET)."""
    delegate = home.delegates.first()
    follow_up = home.follow_ups.first()
    assert delegate is not None and follow_up is not None
    return [
        url("convenings"),
        url("convening", summit.pk),
        url("convening-agenda", summit.pk),
        url("convening-agenda-ics", summit.pk),
        url("delegation", summit.pk, home.pk),
        url("delegation", summit.pk, away.pk),
        url("session", summit.pk, session.pk),
    ]


def staff_pages(summit, home, session) -> list[str]:
    return [url("convening-badges", summit.pk), url("convening-trash")]


def editor_pages(summit, home, session) -> list[str]:
    delegate = home.delegates.first()
    follow_up = home.follow_ups.first()
    return [
        url("convening-new"),
        url("convening-edit", summit.pk),
        url("convening-delete", summit.pk),
        url("convening-attendance", summit.pk),
        url("session-new", summit.pk),
        url("session-edit", summit.pk, session.pk),
        url("delegate-edit", summit.pk, home.pk, delegate.pk),
        url("follow-up-edit", summit.pk, home.pk, follow_up.pk),
    ]


def test_every_seat_reads_every_page(nadia, ed, vera, otis, pages, summit, home, session):
    for member in (nadia, ed, vera, otis):
        client = client_for(member)
        for page in pages:
            assert client.get(page).status_code == 200, (member.user, page)
    for member in (nadia, ed, vera):
        for page in staff_pages(summit, home, session):
            assert client_for(member).get(page).status_code == 200, (member.user, page)
    for member in (nadia, ed):
        for page in editor_pages(summit, home, session):
            assert client_for(member).get(page).status_code == 200, (member.user, page)


def test_a_staff_viewer_reads_but_writes_nothing(vera, summit, home, session):
    client = client_for(vera)
    for page in editor_pages(summit, home, session):
        assert client.get(page).status_code == 403, page
    assert client.post(url("convening-delete", summit.pk)).status_code == 403
    assert client.post(url("convening-invite", summit.pk), {"cities": []}).status_code == 403
    response = client.post(
        url("delegate-add", summit.pk, home.pk), {"kind": "official", "name": "Intruder"}
    )
    assert response.status_code == 403
    assert (
        client.post(
            url("session-review", summit.pk, session.pk), {"status": "accepted"}
        ).status_code
        == 403
    )
    assert not Delegate.objects.filter(name="Intruder").exists()
    assert Convening.objects.filter(pk=summit.pk).exists()


def test_an_official_edits_only_their_own_delegation(otis, summit, home, away, session):
    client = client_for(otis)
    response = client.post(
        url("delegate-add", summit.pk, home.pk), {"kind": "official", "name": "Ana Ruiz"}
    )
    assert response.status_code == 302
    assert home.delegates.filter(name="Ana Ruiz").exists()
    response = client.post(
        url("delegate-add", summit.pk, away.pk), {"kind": "official", "name": "Intruder"}
    )
    assert response.status_code == 403
    other = away.delegates.first()
    assert client.get(url("delegate-edit", summit.pk, away.pk, other.pk)).status_code == 403
    assert client.post(url("follow-up-add", summit.pk, away.pk), {"idea": "x"}).status_code == 403
    for page in (
        url("convening-new"),
        url("convening-edit", summit.pk),
        url("convening-badges", summit.pk),
        url("convening-attendance", summit.pk),
        url("convening-trash"),
    ):
        assert client.get(page).status_code == 403, page
    # Another city's emails, links and needs stay with that city and the staff.
    text = client.get(url("delegation", summit.pk, away.pk)).content.decode()
    assert "Jeffrey Mims" in text and "Vegan" not in text and other.token not in text
    own = client.get(url("delegation", summit.pk, home.pk)).content.decode()
    assert home.delegates.get(name="Tim Kelly").token in own


def test_someone_of_another_network_finds_nothing(carol, other_network, pages, summit, home):
    client = Client()
    client.force_login(carol)
    for page in pages + [url("convening-badges", summit.pk), url("convening-edit", summit.pk)]:
        assert client.get(page).status_code == 404, page
    assert client.post(url("convening-delete", summit.pk)).status_code == 404
    assert Convening.objects.filter(pk=summit.pk).exists()


def test_a_convening_of_another_network_answers_404_to_a_seat_here(nadia, other_network):
    theirs = make_convening(make_city(other_network, "Mobile", "AL"))
    assert client_for(nadia).get(url("convening", theirs.pk)).status_code == 404


def test_nobody_signed_in_is_sent_to_log_in(pages, client):
    for page in pages:
        response = client.get(page)
        assert response.status_code == 302 and "/login" in response["Location"], page


def test_staff_create_a_convening_and_bad_input_is_named(ed, chattanooga):
    client = client_for(ed)
    response = client.post(
        url("convening-new"),
        {"title": "", "host_city": chattanooga.pk, "venue": "Hall", "starts_on": "2026-05-12",
         "ends_on": "2026-05-10", "capacity": "0", "officials_required": "2", "partners_required": "1"},
    )  # fmt: skip
    assert response.status_code == 422
    assert {"title", "capacity"} <= set(response.context["form"].errors)
    response = client.post(
        url("convening-new"),
        {"title": "Summit", "host_city": chattanooga.pk, "venue": "Hall", "starts_on": "2026-05-12",
         "ends_on": "2026-05-10", "capacity": "20", "officials_required": "2", "partners_required": "1"},
    )  # fmt: skip
    assert response.status_code == 422 and "ends_on" in response.context["form"].errors
    assert not Convening.objects.exists()
    response = client.post(
        url("convening-new"),
        {"title": "Summit", "host_city": chattanooga.pk, "venue": "Hall", "starts_on": "2026-05-12",
         "ends_on": "2026-05-13", "theme": "digital-inclusion", "capacity": "20",
         "officials_required": "2", "partners_required": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Convening.objects.get().theme == "digital-inclusion"


def test_inviting_cities_and_the_rule_on_the_page(ed, summit, chattanooga, dayton):
    client = client_for(ed)
    response = client.post(
        url("convening-invite", summit.pk), {"cities": [chattanooga.pk, dayton.pk]}
    )
    assert response.status_code == 302
    response = client.post(url("convening-invite", summit.pk), {"cities": [dayton.pk]})
    assert response.status_code == 422 and "cities" in response.context["invite_form"].errors
    text = client.get(url("convening", summit.pk)).content.decode()
    assert "0 officials of 2, 0 local partners of 1" in text


def test_registration_by_personal_link_without_an_account(home, client):
    delegate = home.delegates.get(name="Tim Kelly")
    address = reverse("convening-registration", args=[delegate.token])
    response = client.get(address)
    assert response.status_code == 200 and response["Cache-Control"] == "private, no-store"
    response = client.post(address, {"name": "", "title": "Mayor"})
    assert response.status_code == 422 and "name" in response.context["form"].errors
    response = client.post(
        address, {"name": "Tim Kelly", "title": "Mayor", "access_needs": "Step-free"}
    )
    assert response.status_code == 200 and b"you are registered" in response.content
    delegate.refresh_from_db()
    assert delegate.registered_at is not None and delegate.access_needs == "Step-free"
    assert client.get(reverse("convening-registration", args=["nope"])).status_code == 404


def test_registration_closes_after_the_convening(chattanooga, client):
    past = make_convening(chattanooga, "Past", starts_on=TODAY - dt.timedelta(days=10))
    delegate = make_delegate(make_delegation(past, chattanooga), "Tim Kelly")
    address = reverse("convening-registration", args=[delegate.token])
    assert b"Registration has closed" in client.get(address).content
    assert client.post(address, {"name": "Changed"}).status_code == 410
    delegate.refresh_from_db()
    assert delegate.name == "Tim Kelly"


def test_staff_record_attendance(ed, summit, home, away):
    tim, jeffrey = home.delegates.get(), away.delegates.get()
    response = client_for(ed).post(
        url("convening-attendance", summit.pk), {f"d{tim.pk}": "yes", f"d{jeffrey.pk}": "no"}
    )
    assert response.status_code == 302
    tim.refresh_from_db()
    jeffrey.refresh_from_db()
    assert (tim.attended, jeffrey.attended) == (True, False)


def test_attendance_before_the_first_day_is_refused(ed, chattanooga):
    later = make_convening(chattanooga, "Later", starts_on=TODAY + dt.timedelta(days=30))
    tim = make_delegate(make_delegation(later, chattanooga), "Tim Kelly")
    response = client_for(ed).post(url("convening-attendance", later.pk), {f"d{tim.pk}": "yes"})
    assert response.status_code == 422
    tim.refresh_from_db()
    assert tim.attended is None


def test_an_official_proposes_and_staff_schedule_with_refusals_named(otis, ed, summit, home):
    response = client_for(otis).post(
        url("session-new", summit.pk),
        {"city": home.city_id, "title": "Gigabit for all", "format": "case-study"},
    )
    assert response.status_code == 302
    session = Session.objects.get(title="Gigabit for all")
    day = TODAY.isoformat()
    client = client_for(ed)
    tim = home.delegates.get()
    response = client.post(
        url("session-schedule", summit.pk, session.pk),
        {"room": "Hall A", "starts_at": f"{day}T09:00", "ends_at": f"{day}T10:00", "presenters": [tim.pk]},
    )  # fmt: skip
    assert response.status_code == 302
    other = make_session(summit, home.city, "Other", status="accepted")
    response = client.post(
        url("session-schedule", summit.pk, other.pk),
        {"room": "Hall A", "starts_at": f"{day}T09:30", "ends_at": f"{day}T10:30", "presenters": [tim.pk]},
    )  # fmt: skip
    assert response.status_code == 422
    assert {"room", "presenters"} <= set(response.context["schedule_form"].errors)
    text = client.get(url("convening-agenda", summit.pk)).content.decode()
    assert "Gigabit for all" in text and "Hall A" in text and "Other" not in text
    ics = client.get(url("convening-agenda-ics", summit.pk))
    assert (
        ics["Content-Type"].startswith("text/calendar")
        and b"LOCATION:Convention Center\\, Hall A" in ics.content
    )
    # An official cannot change an accepted session, review or schedule.
    assert client_for(otis).get(url("session-edit", summit.pk, session.pk)).status_code == 200
    response = client_for(otis).post(
        url("session-edit", summit.pk, session.pk),
        {"city": home.city_id, "title": "Changed", "format": "workshop"},
    )
    assert response.status_code == 422
    assert (
        client_for(otis)
        .post(url("session-schedule", summit.pk, session.pk), {"room": "B"})
        .status_code
        == 403
    )


def test_follow_up_is_recorded_and_reviewed_by_the_delegation(otis, summit, home):
    client = client_for(otis)
    response = client.post(
        url("follow-up-add", summit.pk, home.pk),
        {"idea": "Library hotspots", "owner_name": "Ana Ruiz", "due_on": "2026-09-01", "status": "planned"},
    )  # fmt: skip
    assert response.status_code == 302
    response = client.post(url("follow-up-add", summit.pk, home.pk), {"idea": "", "due_on": "x"})
    assert response.status_code == 422
    assert {"idea", "owner_name", "due_on"} <= set(response.context["follow_up_form"].errors)
    idea = FollowUp.objects.get(idea="Library hotspots")
    review = url("follow-up-review", summit.pk, home.pk, idea.pk)
    # Under way: a review comes after the convening's last day.
    response = client.post(review, {"days": "30", "status": "done"})
    assert response.status_code == 422 and "on or after" in response.content.decode()
    idea.refresh_from_db()
    assert idea.reviewed_30_on is None and idea.status == "planned"
    Convening.objects.filter(pk=summit.pk).update(
        starts_on=TODAY - dt.timedelta(days=40), ends_on=TODAY - dt.timedelta(days=39)
    )
    response = client.post(review, {"days": "30", "status": "done"})
    assert response.status_code == 302
    idea.refresh_from_db()
    assert idea.reviewed_30_on is not None and idea.status == "done"
    text = client.get(url("convening", summit.pk)).content.decode()
    assert "ideas moved to action (2 of 2)" in text


def test_trash_and_restore_a_convening_from_its_pages(ed, summit, home):
    client = client_for(ed)
    assert client.post(url("convening-delete", summit.pk)).status_code == 302
    assert client.get(url("convening", summit.pk)).status_code == 404
    assert summit.title in client.get(url("convening-trash")).content.decode()
    response = client.post(url("convening-restore", "convening", summit.pk))
    assert response.status_code == 302
    assert client.get(url("convening", summit.pk)).status_code == 200


def test_a_citys_workspace_never_shows_to_the_network(otis, ed, summit, home, chattanooga):
    workspace = make_workspace("Chattanooga", "chattanooga-ws")
    make_member(workspace, otis.user, "editor")
    chattanooga.workspace = workspace
    chattanooga.save()
    secret = make_stakeholder(workspace, "Secret Donor Fund", sector="philanthropy")
    # The city's official, a member of the workspace, sees it in the picker …
    own = client_for(otis).get(url("delegation", summit.pk, home.pk)).content.decode()
    assert "Secret Donor Fund" in own
    # … staff never do, not even a staff editor who is an official of another city.
    make_official(chattanooga, make_user("olga@chattanooga.example"))
    text = client_for(ed).get(url("delegation", summit.pk, home.pk)).content.decode()
    assert "Secret Donor Fund" not in text
    response = client_for(otis).post(
        url("delegate-add", summit.pk, home.pk),
        {"kind": "partner", "stakeholder": secret.pk, "name": "Dana Ortiz"},
    )
    assert response.status_code == 302
    picked = Delegate.objects.get(name="Dana Ortiz")
    assert picked.organisation == "Secret Donor Fund"
    assert (
        "Secret Donor Fund"
        in client_for(ed).get(url("convening-badges", summit.pk)).content.decode()
    )


def test_the_partner_picker_costs_the_same_with_more_stakeholders(otis, summit, home, chattanooga):
    workspace = make_workspace("Chattanooga", "chattanooga-ws")
    make_member(workspace, otis.user, "viewer")
    chattanooga.workspace = workspace
    chattanooga.save()
    Sector.objects.create(workspace=workspace, key="port", label="Port authority")
    client = client_for(otis)
    counts = []
    for size in (2, 6):
        for i in range(size):
            make_stakeholder(workspace, f"Org {size}.{i}", sector="port")
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("delegation", summit.pk, home.pk))
        assert response.status_code == 200 and "Port authority" in response.content.decode()
        counts.append(len(queries))
    assert counts[0] == counts[1]
