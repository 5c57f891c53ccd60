"""A workspace's own sectors: added beside the built-in list, validated by field."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cityweave.stakeholders.models import sector_choices
from cityweave.stakeholders.services import add_sector, save_stakeholder

pytestmark = pytest.mark.django_db


def test_a_workspaces_own_sector_becomes_a_choice_there_only(alice_member, riverton, lakeside):
    add_sector(alice_member, "neighbourhood-council", "Neighbourhood council")
    assert ("neighbourhood-council", "Neighbourhood council") in sector_choices(riverton)
    assert "neighbourhood-council" not in dict(sector_choices(lakeside))
    council = save_stakeholder(
        alice_member, {"name": "Eastside Council", "sector": "neighbourhood-council"}
    )
    assert council.sector_label == "Neighbourhood council"


@pytest.mark.parametrize("key", ["business", "Not A Slug"])
def test_a_built_in_or_malformed_key_names_the_key_field(alice_member, key):
    with pytest.raises(ValidationError) as error:
        add_sector(alice_member, key, "Label")
    assert "key" in error.value.message_dict


def test_a_duplicate_key_names_the_key_field(alice_member):
    add_sector(alice_member, "diaspora", "Diaspora groups")
    with pytest.raises(ValidationError) as error:
        add_sector(alice_member, "diaspora", "Diaspora again")
    assert "key" in error.value.message_dict


def test_a_viewer_cannot_add_a_sector(bob_member):
    with pytest.raises(PermissionDenied):
        add_sector(bob_member, "diaspora", "Diaspora groups")
