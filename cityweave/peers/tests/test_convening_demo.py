"""The demo's convenings: built on whatever cities a network has, two past convenings with a
delegation breaking the rule, registered and attended delegates, an agenda no one is
double-booked in, and ideas moved to action; their pages render."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cityweave.peers import agenda
from cityweave.peers import convenings as conv
from cityweave.peers.demo_convenings import add_demo_convenings
from cityweave.peers.models import Delegate, Session
from cityweave.peers.testing import make_city
from cityweave.peers.tests.conftest import client_for

TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def made(network, chattanooga, dayton):
    make_city(network, "Tacoma", "WA", 219_346)
    return add_demo_convenings(network, TODAY)


def test_two_past_convenings_with_a_delegation_breaking_the_rule(made, ed):
    assert len(made) == 2
    for convening in made:
        assert convening.ends_on < TODAY
        rows = list(conv.delegations(convening))
        assert len(rows) == 3
        broken = [c for c in (conv.check_delegation(convening, d) for d in rows) if not c.ok]
        assert [c.problems for c in broken] == [["1 official of 2", "0 local partners of 1"]]
        assert conv.delegate_count(convening) <= convening.capacity
    assert {c.host_city.name for c in made} == {"Chattanooga", "Dayton"}


def test_delegates_registered_and_most_came(made):
    delegates = Delegate.objects.filter(delegation__convening__in=made)
    assert delegates.filter(registered_at__isnull=True).count() == 0
    assert delegates.filter(attended=True).count() > delegates.filter(attended=False).count() > 0


def test_the_agenda_is_scheduled_without_double_booking(made, ed):
    for convening in made:
        rows = list(conv.sessions(convening))
        scheduled = [s for s in rows if s.is_scheduled]
        assert len(scheduled) >= 3
        for session in scheduled:
            # Scheduling each again where it is passes every check: no clash anywhere.
            agenda.schedule_session(
                ed,
                session,
                {
                    "room": session.room,
                    "starts_at": session.starts_at,
                    "ends_at": session.ends_at,
                    "presenters": [p.pk for p in session.presenters.all()],
                },
            )
    assert Session.objects.filter(convening__in=made, status="declined").count() == 2


def test_some_ideas_moved_to_action_and_reviews_are_recorded(made, ed):
    totals = conv.action_totals(ed)
    for convening in made:
        rate = totals[convening.pk]
        assert 0 < rate.acted < rate.ideas
        for delegation in conv.delegations(convening):
            for follow_up in conv.follow_ups_of(delegation):
                assert conv.reviews_due(convening, follow_up, TODAY) == []


def test_a_network_with_one_city_gets_them_too_and_none_is_refused(network):
    with pytest.raises(ValueError):
        add_demo_convenings(network, TODAY)
    make_city(network, "Chattanooga", "TN")
    assert len(add_demo_convenings(network, TODAY)) == 2


def test_the_demo_pages_render(made, nadia):
    client = client_for(nadia)
    for convening in made:
        for name in ("convening", "convening-agenda", "convening-badges"):
            response = client.get(reverse(f"peers:{name}", args=["midsize", convening.pk]))
            assert response.status_code == 200, name
