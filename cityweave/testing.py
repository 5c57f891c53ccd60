"""Small factories for tests: each builds one valid record with sensible defaults."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from django.utils import timezone

from cityweave.accounts.models import User
from cityweave.engagement.models import Commitment, Interaction
from cityweave.goals.models import Goal
from cityweave.stakeholders.models import Stakeholder, Tie
from cityweave.workspaces.models import Membership, Workspace

_counter = itertools.count(1)

PASSWORD = "correct-horse-battery"


def make_user(email: str | None = None, name: str = "", password: str = PASSWORD) -> User:
    return User.objects.create_user(
        email or f"user{next(_counter)}@example.org", password, name=name
    )


def make_workspace(
    name: str = "Riverton", slug: str | None = None, tz: str = "America/Chicago"
) -> Workspace:
    return Workspace.objects.create(
        name=name, slug=slug or name.lower().replace(" ", "-"), timezone=tz
    )


def make_member(workspace: Workspace, user: User | None = None, role: str = "owner") -> Membership:
    return Membership.objects.create(workspace=workspace, user=user or make_user(), role=role)


def make_stakeholder(workspace: Workspace, name: str | None = None, **fields: Any) -> Stakeholder:
    fields.setdefault("sector", "nonprofit")
    return Stakeholder.objects.create(
        workspace=workspace, name=name or f"Stakeholder {next(_counter)}", **fields
    )


def make_tie(source: Stakeholder, target: Stakeholder, **fields: Any) -> Tie:
    return Tie.objects.create(workspace=source.workspace, source=source, target=target, **fields)


def make_interaction(
    workspace: Workspace,
    participants: list[Stakeholder] = (),  # type: ignore[assignment]
    when: dt.datetime | None = None,
    **fields: Any,
) -> Interaction:
    fields.setdefault("summary", f"Meeting {next(_counter)}")
    interaction = Interaction.objects.create(
        workspace=workspace, occurred_at=when or timezone.now(), **fields
    )
    interaction.participants.set(participants)
    return interaction


def make_commitment(
    stakeholder: Stakeholder, due_on: dt.date | None = None, **fields: Any
) -> Commitment:
    fields.setdefault("description", f"Send the report {next(_counter)}")
    return Commitment.objects.create(
        workspace=stakeholder.workspace,
        stakeholder=stakeholder,
        due_on=due_on or timezone.localdate() + dt.timedelta(days=7),
        **fields,
    )


def make_goal(workspace: Workspace, **fields: Any) -> Goal:
    fields.setdefault("statement", f"Grow philanthropy ties {next(_counter)}")
    fields.setdefault("metric", "active philanthropy ties")
    fields.setdefault("baseline", Decimal(2))
    fields.setdefault("target", Decimal(10))
    fields.setdefault("deadline", timezone.localdate() + dt.timedelta(days=180))
    return Goal.objects.create(workspace=workspace, **fields)
