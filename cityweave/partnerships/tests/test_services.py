"""Partnerships and partners through the services: fields checked and named, scoped to the
workspace, viewers refused, and the trash taking a partnership's parts with it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cityweave.partnerships import services
from cityweave.partnerships.models import Partner, Partnership
from cityweave.partnerships.testing import make_partner, make_partnership
from cityweave.testing import make_goal, make_member, make_stakeholder
from cityweave.workspaces.services import restore


def test_a_partnership_keeps_its_officer_consulted_goals_and_groups(alice_member, bob_member):
    riverton = alice_member.workspace
    school = make_stakeholder(riverton, "Riverton Unified")
    goal = make_goal(riverton)
    partnership = make_partnership(
        alice_member,
        officer=alice_member.pk,
        consulted=[school.pk],
        goals=[goal],
        population_groups=[" Children ", "Children", "Parents"],
    )
    assert partnership.officer == alice_member
    assert list(partnership.consulted.all()) == [school]
    assert list(partnership.goals.all()) == [goal]
    assert partnership.population_groups == ["Children", "Parents"]


def test_every_bad_field_is_named_and_nothing_is_written(alice_member, lakeside):
    other = make_stakeholder(lakeside, "Elsewhere")
    with pytest.raises(ValidationError) as raised:
        services.save_partnership(
            alice_member,
            {
                "name": "",
                "status": "booming",
                "started_on": dt.date(2026, 5, 1),
                "review_on": dt.date(2026, 4, 1),
                "consulted": [other.pk],
                "officer": 999_999,
            },
        )
    assert {"name", "status", "review_on", "consulted", "officer"} <= set(raised.value.message_dict)
    assert not Partnership.objects.exists()


def test_a_viewer_cannot_write_and_another_workspace_is_not_found(
    alice_member, bob_member, lakeside
):
    partnership = make_partnership(alice_member)
    with pytest.raises(PermissionDenied):
        services.save_partnership(bob_member, {"name": "Mine now"}, partnership)
    carol = make_member(lakeside, role="owner")
    with pytest.raises(Http404):
        services.get_partnership(carol, partnership.pk)
    with pytest.raises(Http404):
        services.save_partnership(carol, {"name": "Mine now"}, partnership)


def test_a_stakeholder_is_a_partner_once_with_roles_from_the_vocabulary(alice_member):
    partnership = make_partnership(alice_member)
    bank = make_stakeholder(alice_member.workspace, "First Riverton Bank")
    partner = make_partner(alice_member, partnership, bank, "funder", responsibility="Seed money")
    assert partner.roles == ["funder"]
    with pytest.raises(ValidationError) as raised:
        make_partner(alice_member, partnership, bank, "champion")
    assert "is a partner of this partnership already" in str(
        raised.value.message_dict["stakeholder"]
    )
    with pytest.raises(ValidationError) as raised:
        services.save_partner(alice_member, partnership, {"roles": ["hero", "funder"]}, partner)
    assert "roles" in raised.value.message_dict
    assert Partner.objects.get().roles == ["funder"]


def test_the_trash_takes_a_partnerships_partners_and_brings_them_back(alice_member):
    partnership = make_partnership(alice_member)
    make_partner(alice_member, partnership, make_stakeholder(alice_member.workspace), "convener")
    entry = services.trash_partnership(alice_member, partnership)
    assert not services.partnerships(alice_member).exists() and not Partner.objects.exists()
    restore(alice_member, entry.pk)
    assert services.partners(services.get_partnership(alice_member, partnership.pk)).count() == 1


def test_champions_inside_government_are_told_apart(alice_member):
    riverton = alice_member.workspace
    assert services.is_government(make_stakeholder(riverton, "Transit", sector="local-government"))
    assert services.is_government(make_stakeholder(riverton, "Mayor's office", is_internal=True))
    assert not services.is_government(make_stakeholder(riverton, "Bank", sector="business"))
