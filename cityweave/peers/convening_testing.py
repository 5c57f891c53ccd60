"""Small factories for the convenings' tests (records written directly, no seat needed)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from cityweave.peers.models import (
    Convening,
    Delegate,
    Delegation,
    FollowUp,
    MemberCity,
    Session,
)


def make_convening(
    host: MemberCity,
    title: str = "Digital Inclusion Summit",
    starts_on: dt.date = dt.date(2026, 5, 12),
    days: int = 2,
    capacity: int = 60,
    **fields: Any,
) -> Convening:
    return Convening.objects.create(
        network=host.network,
        host_city=host,
        title=title,
        venue=fields.pop("venue", "Convention Center"),
        starts_on=starts_on,
        ends_on=starts_on + dt.timedelta(days=days - 1),
        capacity=capacity,
        **fields,
    )


def make_delegation(convening: Convening, city: MemberCity) -> Delegation:
    return Delegation.objects.create(network=convening.network, convening=convening, city=city)


def make_delegate(
    delegation: Delegation, name: str, kind: str = "official", **fields: Any
) -> Delegate:
    return Delegate.objects.create(
        network=delegation.network, delegation=delegation, name=name, kind=kind, **fields
    )


def make_session(
    convening: Convening, city: MemberCity, title: str = "Gigabit for all", **fields: Any
) -> Session:
    fields.setdefault("format", "case-study")
    return Session.objects.create(
        network=convening.network, convening=convening, city=city, title=title, **fields
    )


def make_follow_up(
    delegation: Delegation, idea: str = "Digital navigators", status: str = "planned", **fields: Any
) -> FollowUp:
    fields.setdefault("owner_name", "Ana Ruiz")
    fields.setdefault("due_on", delegation.convening.ends_on + dt.timedelta(days=60))
    return FollowUp.objects.create(
        network=delegation.network, delegation=delegation, idea=idea, status=status, **fields
    )
