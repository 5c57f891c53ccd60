"""A partnership's agreed communication channels (email list, meeting series, chat group,
newsletter …) and whether each is kept: used within its expected interval.

A channel is **kept** when `today − last_used_on ≤ every_days` (days), **lapsed** when longer ago,
and **never used** while it has no last use. Every function takes the acting member; writes need
an editor (PermissionDenied), records of another workspace or partnership or in the trash answer
Http404, and bad input raises one ValidationError naming every bad field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import Http404

from cityweave.engagement.services import workspace_today
from cityweave.partnerships.models import Channel, Partnership
from cityweave.partnerships.services import require_live
from cityweave.workspaces.models import Membership, TrashEntry
from cityweave.workspaces.services import collect_errors, move_to_trash, require_editor

CHANNEL_FIELDS = ("kind", "name", "every_days", "response_days", "last_used_on")


class ChannelState(models.TextChoices):
    """Whether a channel is used as often as agreed."""

    KEPT = "kept", "Kept"
    LAPSED = "lapsed", "Lapsed"
    NEVER_USED = "never-used", "Never used"


@dataclass(frozen=True)
class ChannelStatus:
    """A channel with its state on `today`: `days_since` its last use (None if never used) and
    `due_on`, the last day it can next be used and still be kept (None if never used)."""

    channel: Channel
    state: str
    days_since: int | None
    due_on: dt.date | None

    @property
    def label(self) -> str:
        return str(ChannelState(self.state).label)


def channel_state(channel: Channel, today: dt.date) -> ChannelStatus:
    """The channel's state on `today`: kept when `(today − last_used_on).days ≤ every_days`,
    lapsed when more, never used without a last use."""
    if channel.last_used_on is None:
        return ChannelStatus(channel, ChannelState.NEVER_USED, None, None)
    days = (today - channel.last_used_on).days
    due = channel.last_used_on + dt.timedelta(days=channel.every_days)
    state = ChannelState.KEPT if days <= channel.every_days else ChannelState.LAPSED
    return ChannelStatus(channel, state, days, due)


def channels(partnership: Partnership) -> QuerySet[Channel]:
    """The partnership's live channels, in the order they were agreed."""
    return Channel.objects.filter(partnership=partnership).order_by("pk")


def channel_statuses(partnership: Partnership, today: dt.date) -> list[ChannelStatus]:
    """Every live channel of the partnership with its state on `today`; one query."""
    return [channel_state(c, today) for c in channels(partnership)]


def get_channel(member: Membership, partnership: Partnership, pk: int) -> Channel:
    """One live channel of the partnership; Http404 otherwise."""
    require_live(member, partnership)
    found = channels(partnership).filter(pk=pk).first()
    if found is None:
        raise Http404("No such channel")
    return found


@transaction.atomic
def save_channel(
    member: Membership,
    partnership: Partnership,
    data: dict[str, Any],
    instance: Channel | None = None,
) -> Channel:
    """Create or update a channel from `data`: `kind` (Channel.Kind), `name`, `every_days`
    (1–366: used at least this often), `response_days` (0–366 or None: messages answered within),
    `last_used_on` (a date, not after the workspace's today, or None). Fields left out keep their
    value; every bad field is reported at once."""
    require_editor(member)
    require_live(member, partnership)
    channel = instance or Channel(workspace=member.workspace, partnership=partnership)
    if instance is not None and (instance.partnership_id != partnership.pk or instance.in_trash):
        raise Http404("No such channel")
    for name in CHANNEL_FIELDS:
        if name in data:
            setattr(channel, name, data[name])
    errors: dict[str, list[str]] = {}
    today = workspace_today(member.workspace)
    if isinstance(channel.last_used_on, dt.date) and channel.last_used_on > today:
        errors["last_used_on"] = ["The last use cannot be in the future."]
    try:
        channel.full_clean()
    except ValidationError as error:
        collect_errors(errors, error)
    if errors:
        raise ValidationError(errors)
    channel.save()
    return channel


def mark_used(member: Membership, channel: Channel) -> Channel:
    """Record that the channel was used today (the workspace's date)."""
    partnership = Partnership.objects.filter(pk=channel.partnership_id).first()
    if partnership is None:
        raise Http404("No such partnership")
    return save_channel(
        member, partnership, {"last_used_on": workspace_today(member.workspace)}, channel
    )


def trash_channel(member: Membership, channel: Channel) -> TrashEntry:
    """Move a channel to the trash (restorable)."""
    return move_to_trash(member, channel)
