"""Convenings' services: the convening, invitations, the delegation rule and capacity, picking a
local partner from a city's own workspace, registration, attendance, trash and restore, and
follow-up with its reviews and ideas moved to action.

Chattanooga hosts a two-day summit (12–13 May 2026); Otis is its official, and he is also a
member of the Chattanooga workspace, where the Benwood Foundation is a stakeholder."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cityweave.peers import convenings as conv
from cityweave.peers.access import network_member
from cityweave.peers.convening_testing import (
    make_convening,
    make_delegate,
    make_delegation,
    make_follow_up,
)
from cityweave.peers.models import Convening, Delegate, Delegation, FollowUp
from cityweave.peers.testing import make_city, make_official
from cityweave.testing import make_member, make_stakeholder, make_user, make_workspace

MAY_12 = dt.date(2026, 5, 12)


@pytest.fixture
def summit(chattanooga):
    return make_convening(chattanooga, officials_required=2, partners_required=1)


@pytest.fixture
def workspace(chattanooga, otis):
    """Chattanooga's own workspace, linked to the city; Otis is a member of it."""
    space = make_workspace("Chattanooga", "chattanooga")
    make_member(space, otis.user, "editor")
    chattanooga.workspace = space
    chattanooga.save()
    return space


def data(**fields):
    base = {
        "title": "Digital Inclusion Summit",
        "host_city": None,
        "venue": "Convention Center",
        "starts_on": MAY_12,
        "ends_on": MAY_12 + dt.timedelta(days=1),
        "theme": "digital-inclusion",
        "capacity": 40,
    }
    return {**base, **fields}


def test_staff_editors_create_a_convening_with_the_default_rule(ed, chattanooga):
    convening = conv.save_convening(ed, data(host_city=chattanooga.pk))
    assert (convening.officials_required, convening.partners_required) == (2, 1)
    assert convening.host_city == chattanooga


def test_bad_input_names_every_field_and_nothing_is_saved(ed, chattanooga, other_network):
    stranger = make_city(other_network, "Mobile", "AL")
    with pytest.raises(ValidationError) as caught:
        conv.save_convening(
            ed,
            data(
                host_city=stranger.pk,
                title="",
                ends_on=MAY_12 - dt.timedelta(days=1),
                theme="moon-base",
                capacity=0,
            ),
        )
    assert {"host_city", "title", "ends_on", "theme", "capacity"} <= set(caught.value.message_dict)
    assert not Convening.objects.exists()


def test_viewers_and_officials_cannot_create_or_trash(vera, otis, chattanooga, summit):
    for member in (vera, otis):
        with pytest.raises(PermissionDenied):
            conv.save_convening(member, data(host_city=chattanooga.pk))
        with pytest.raises(PermissionDenied):
            conv.trash_convening(member, summit)


def test_another_networks_convening_is_not_found(carol, other_network, summit):
    member = network_member(carol, "coastal")
    with pytest.raises(Http404):
        conv.get_convening(member, summit.pk)


def test_inviting_cities_makes_one_delegation_each_and_refuses_twice(
    ed, summit, chattanooga, dayton
):
    made = conv.invite(ed, summit, [chattanooga.pk, dayton.pk])
    assert sorted(str(d.city) for d in made) == ["Chattanooga, TN", "Dayton, OH"]
    with pytest.raises(ValidationError) as caught:
        conv.invite(ed, summit, [dayton.pk])
    assert "Dayton, OH" in caught.value.message_dict["cities"][0]
    with pytest.raises(ValidationError) as caught:
        conv.invite(ed, summit, [999_999])
    assert "999999" in caught.value.message_dict["cities"][0]
    assert Delegation.objects.count() == 2


def test_the_rule_check_says_which_delegations_break_it_and_why(summit, chattanooga, dayton):
    home = make_delegation(summit, chattanooga)
    make_delegate(home, "Tim Kelly", title="Mayor")
    make_delegate(home, "Ana Ruiz", title="Chief of staff")
    make_delegate(home, "Benwood Foundation", kind="partner")
    away = make_delegation(summit, dayton)
    make_delegate(away, "Jeffrey Mims", title="Mayor")
    checks = {str(d.city): conv.check_delegation(summit, d) for d in conv.delegations(summit)}
    assert checks["Chattanooga, TN"].ok
    assert checks["Dayton, OH"].problems == ["1 official of 2", "0 local partners of 1"]


def test_a_convening_refuses_delegates_past_its_capacity(ed, chattanooga):
    small = make_convening(chattanooga, capacity=1)
    delegation = make_delegation(small, chattanooga)
    conv.save_delegate(ed, delegation, {"kind": "official", "name": "Tim Kelly"})
    with pytest.raises(ValidationError) as caught:
        conv.save_delegate(ed, delegation, {"kind": "official", "name": "Ana Ruiz"})
    assert "capacity is 1" in caught.value.message_dict["name"][0]
    assert conv.delegate_count(small) == 1


def test_an_official_manages_only_their_own_citys_delegates(
    otis, vera, summit, chattanooga, dayton
):
    home = make_delegation(summit, chattanooga)
    away = make_delegation(summit, dayton)
    added = conv.save_delegate(otis, home, {"kind": "official", "name": " Tim Kelly "})
    assert added.name == "Tim Kelly" and len(added.token) >= 40
    with pytest.raises(PermissionDenied):
        conv.save_delegate(otis, away, {"kind": "official", "name": "Someone"})
    with pytest.raises(PermissionDenied):
        conv.save_delegate(vera, home, {"kind": "official", "name": "Someone"})
    with pytest.raises(ValidationError) as caught:
        conv.save_delegate(otis, home, {"kind": "mayor", "name": "", "email": "nope"})
    assert {"kind", "name", "email"} <= set(caught.value.message_dict)


def test_an_official_who_is_a_member_of_the_workspace_picks_a_partner_copied(
    otis, summit, chattanooga, workspace
):
    foundation = make_stakeholder(workspace, "Benwood Foundation", sector="philanthropy")
    person = make_stakeholder(
        workspace, "Sarah Morgan", kind="person", sector="philanthropy", title="President"
    )
    person.organisations.set([foundation])
    assert foundation in conv.partner_candidates(otis, chattanooga)
    delegation = make_delegation(summit, chattanooga)
    delegate = conv.save_delegate(
        otis, delegation, {"kind": "partner", "name": "", "stakeholder": person.pk}
    )
    assert (delegate.name, delegate.title, delegate.organisation) == (
        "Sarah Morgan",
        "President",
        "Benwood Foundation",
    )
    # Copied: renaming the stakeholder in the workspace changes nothing in the network.
    person.name = "Sarah M. Morgan"
    person.save()
    delegate.refresh_from_db()
    assert delegate.name == "Sarah Morgan"


def test_staff_never_pick_from_a_citys_workspace(ed, summit, chattanooga, workspace):
    foundation = make_stakeholder(workspace, "Benwood Foundation", sector="philanthropy")
    assert conv.partner_candidates(ed, chattanooga) == []
    delegation = make_delegation(summit, chattanooga)
    with pytest.raises(ValidationError) as caught:
        conv.save_delegate(
            ed, delegation, {"kind": "partner", "name": "X", "stakeholder": foundation.pk}
        )
    assert "member of its workspace" in caught.value.message_dict["stakeholder"][0]
    assert not Delegate.objects.exists()


def test_an_official_who_is_not_a_member_of_the_workspace_cannot_pick(
    summit, chattanooga, workspace
):
    other = make_official(chattanooga, make_user("olga@chattanooga.example"))
    foundation = make_stakeholder(workspace, "Benwood Foundation", sector="philanthropy")
    assert conv.partner_candidates(other, chattanooga) == []
    with pytest.raises(ValidationError):
        conv.save_delegate(
            other,
            make_delegation(summit, chattanooga),
            {"kind": "partner", "name": "X", "stakeholder": foundation.pk},
        )


def test_a_stakeholder_of_another_workspace_is_refused(
    otis, summit, chattanooga, workspace, riverton
):
    elsewhere = make_stakeholder(riverton, "Riverton Fund", sector="philanthropy")
    with pytest.raises(ValidationError) as caught:
        conv.save_delegate(
            otis,
            make_delegation(summit, chattanooga),
            {"kind": "partner", "name": "", "stakeholder": elsewhere.pk},
        )
    assert "No such stakeholder" in caught.value.message_dict["stakeholder"][0]


def test_a_delegate_registers_through_their_personal_link(ed, summit, chattanooga):
    delegate = make_delegate(make_delegation(summit, chattanooga), "Tim Kelly")
    found = conv.delegate_for_token(delegate.token)
    assert found == delegate
    conv.register(
        found, {"name": "Tim Kelly", "title": "Mayor", "dietary_needs": "Vegetarian"}, MAY_12
    )
    delegate.refresh_from_db()
    assert delegate.registered_at is not None and delegate.dietary_needs == "Vegetarian"
    with pytest.raises(ValidationError) as caught:
        conv.register(found, {"name": ""}, MAY_12)
    assert "name" in caught.value.message_dict
    with pytest.raises(ValidationError):
        conv.register(found, {"name": "Tim"}, MAY_12 + dt.timedelta(days=2))
    assert conv.delegate_for_token("nope") is None
    conv.trash_delegation(ed, delegate.delegation)
    assert conv.delegate_for_token(delegate.token) is None


def test_attendance_is_recorded_from_the_first_day_by_staff_editors(ed, vera, summit, chattanooga):
    delegation = make_delegation(summit, chattanooga)
    came, stayed = make_delegate(delegation, "Tim Kelly"), make_delegate(delegation, "Ana Ruiz")
    with pytest.raises(ValidationError) as caught:
        conv.record_attendance(ed, summit, {came.pk: True}, MAY_12 - dt.timedelta(days=1))
    assert "attended" in caught.value.message_dict
    with pytest.raises(PermissionDenied):
        conv.record_attendance(vera, summit, {came.pk: True}, MAY_12)
    assert conv.record_attendance(ed, summit, {came.pk: True, stayed.pk: False}, MAY_12) == 2
    came.refresh_from_db()
    stayed.refresh_from_db()
    assert (came.attended, stayed.attended) == (True, False)
    with pytest.raises(ValidationError):
        conv.record_attendance(ed, summit, {123456: True}, MAY_12)


def test_trashing_a_convening_takes_everything_and_restoring_brings_it_back(
    ed, summit, chattanooga
):
    delegation = make_delegation(summit, chattanooga)
    make_delegate(delegation, "Tim Kelly")
    make_follow_up(delegation)
    conv.trash_convening(ed, summit)
    assert not Convening.objects.exists() and not Delegate.objects.exists()
    items = conv.trashed(ed)
    assert [(i.kind, i.record.pk) for i in items] == [("convening", summit.pk)]
    conv.restore(ed, "convening", summit.pk)
    assert Delegate.objects.count() == 1 and FollowUp.objects.count() == 1
    assert conv.trashed(ed) == []


def test_restoring_a_delegation_refuses_when_the_city_was_invited_again(ed, summit, chattanooga):
    delegation = make_delegation(summit, chattanooga)
    conv.trash_delegation(ed, delegation)
    conv.invite(ed, summit, [chattanooga.pk])
    with pytest.raises(ValidationError) as caught:
        conv.restore(ed, "delegation", delegation.pk)
    assert "invited again" in caught.value.message_dict["city"][0]


def test_follow_up_reviews_fall_due_30_90_and_180_days_after_the_last_day(
    otis, summit, chattanooga
):
    delegation = make_delegation(summit, chattanooga)
    idea = conv.save_follow_up(
        otis,
        delegation,
        {"idea": "Digital navigators", "owner_name": "Ana Ruiz", "due_on": dt.date(2026, 9, 1)},
    )
    last = summit.ends_on
    assert conv.reviews_due(summit, idea, last + dt.timedelta(days=29)) == []
    assert conv.reviews_due(summit, idea, last + dt.timedelta(days=95)) == [30, 90]
    conv.record_review(otis, idea, 30, "in-progress", on=last + dt.timedelta(days=31))
    assert conv.reviews_due(summit, idea, last + dt.timedelta(days=95)) == [90]
    with pytest.raises(ValidationError):
        conv.record_review(otis, idea, 45)
    with pytest.raises(ValidationError) as caught:
        conv.save_follow_up(otis, delegation, {"idea": "", "owner_name": "", "due_on": None})
    assert {"idea", "owner_name", "due_on"} <= set(caught.value.message_dict)


def test_ideas_moved_to_action_by_city_and_in_all(ed, summit, chattanooga, dayton):
    home, away = make_delegation(summit, chattanooga), make_delegation(summit, dayton)
    for status in ("planned", "in-progress", "done", "dropped"):
        make_follow_up(home, status=status)
    make_follow_up(away, status="done")
    by_city, total = conv.action_by_city(conv.delegations(summit))
    assert [(r.label, r.acted, r.ideas, r.percent) for r in by_city] == [
        ("Chattanooga, TN", 2, 4, 50),
        ("Dayton, OH", 1, 1, 100),
    ]
    assert (total.acted, total.ideas, total.percent) == (3, 5, 60)
    assert conv.action_totals(ed)[summit.pk].acted == 3
