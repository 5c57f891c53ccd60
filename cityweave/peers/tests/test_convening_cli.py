"""`cityweave peers convenings`: the network's convenings with ideas moved to action; seats
checked."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cityweave.peers.demo_convenings import add_demo_convenings


def peers(*args: str) -> str:
    out = io.StringIO()
    call_command("peers", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_convenings_are_listed_with_ideas_moved_to_action(vera, network, chattanooga, dayton):
    add_demo_convenings(network, dt.date(2026, 12, 1))
    text = peers("convenings", "midsize", "--as", vera.user.email)
    assert "Workforce Pathways Summit in Dayton, OH" in text
    assert "ideas moved to action" in text
    rows = json.loads(peers("convenings", "midsize", "--as", vera.user.email, "--format", "json"))
    assert [r["title"] for r in rows] == [
        "Workforce Pathways Summit",
        "Digital Inclusion Peer Exchange",
    ]
    assert all(0 < r["moved_to_action"] < r["ideas"] and r["past"] for r in rows)


def test_an_empty_network_says_so(otis):
    assert "no convening yet" in peers("convenings", "midsize", "--as", otis.user.email)


def test_someone_without_a_seat_is_refused(carol, other_network, network):
    with pytest.raises(CommandError, match="--as"):
        peers("convenings", "midsize", "--as", carol.email)
