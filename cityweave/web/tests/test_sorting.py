"""Number columns sort highest first on the first click, with empty values last either way."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from cityweave.testing import make_stakeholder, make_tie

pytestmark = pytest.mark.django_db


def url(name: str) -> str:
    return reverse(name, args=["riverton"])


def order_of(content: bytes, names: list[str]) -> list[str]:
    text = content.decode()
    return sorted(names, key=text.index)


def header_link(content: bytes, label: str) -> str:
    """The href of the sortable header whose text starts with `label`."""
    match = re.search(rf'<a href="\?([^"]*)">{label}\b', content.decode())
    assert match, label
    return match.group(1).replace("&amp;", "&")


def test_influence_sorts_highest_first_on_the_first_click_and_unknown_last(alice_client, riverton):
    for name, influence in (("Low", 1), ("Unknown", None), ("High", 5), ("Middle", 3)):
        make_stakeholder(riverton, f"Org {name}", influence=influence)
    names = ["Org High", "Org Middle", "Org Low", "Org Unknown"]
    page = alice_client.get(url("stakeholders:list"))
    first_click = header_link(page.content, "Influence")
    assert first_click == "sort=-influence"
    highest = alice_client.get(f"{url('stakeholders:list')}?{first_click}")
    assert order_of(highest.content, names) == ["Org High", "Org Middle", "Org Low", "Org Unknown"]
    # The second click turns it round; the unknown influence stays last.
    second_click = header_link(highest.content, "Influence")
    assert second_click == "sort=influence"
    lowest = alice_client.get(f"{url('stakeholders:list')}?{second_click}")
    assert order_of(lowest.content, names) == ["Org Low", "Org Middle", "Org High", "Org Unknown"]


def test_ties_sort_most_first_on_the_first_click(alice_client, riverton):
    hub = make_stakeholder(riverton, "Org Hub")
    spoke = make_stakeholder(riverton, "Org Spoke")
    alone = make_stakeholder(riverton, "Org Alone")
    for i in range(3):
        make_tie(hub, make_stakeholder(riverton, f"Partner {i}"))
    make_tie(spoke, hub)
    page = alice_client.get(url("stakeholders:list"))
    assert header_link(page.content, "Ties") == "sort=-ties"
    most = alice_client.get(url("stakeholders:list"), {"sort": "-ties"})
    names = [hub.name, spoke.name, alone.name]
    assert order_of(most.content, names) == ["Org Hub", "Org Spoke", "Org Alone"]


def test_text_columns_still_sort_ascending_first(alice_client, riverton):
    make_stakeholder(riverton, "Org A")
    page = alice_client.get(url("stakeholders:list"))
    assert header_link(page.content, "Name") == "sort=-name"  # the current sort: reverse it
    assert header_link(page.content, "Sector") == "sort=sector"


def test_trust_sorts_highest_first_with_unknown_trust_last(alice_client, riverton):
    city = make_stakeholder(riverton, "City", is_internal=True)
    for name, trust in (("Trusted", 4), ("Unrated", None), ("Wary", 1)):
        make_tie(city, make_stakeholder(riverton, name), trust=trust)
    page = alice_client.get(url("ties:list"))
    assert header_link(page.content, "Trust") == "sort=-trust"
    highest = alice_client.get(url("ties:list"), {"sort": "-trust"})
    assert order_of(highest.content, ["Trusted", "Unrated", "Wary"]) == [
        "Trusted",
        "Wary",
        "Unrated",
    ]
    lowest = alice_client.get(url("ties:list"), {"sort": "trust"})
    assert order_of(lowest.content, ["Trusted", "Unrated", "Wary"]) == [
        "Wary",
        "Trusted",
        "Unrated",
    ]
