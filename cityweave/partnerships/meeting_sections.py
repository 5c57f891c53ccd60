"""The contexts of the Activities, Channels and Meetings sections of a partnership's page, each
built in a fixed number of queries (sections.py registers them)."""

from __future__ import annotations

from typing import Any

from cityweave.engagement.services import workspace_today
from cityweave.partnerships import activities, channels, meetings
from cityweave.partnerships.models import Partnership
from cityweave.workspaces.models import Membership

#: How many plans the Meetings section lists, latest first.
PLANS_SHOWN = 20


# == Sections of the partnership page =============================================================


def activities_section(member: Membership, partnership: Partnership) -> dict[str, Any]:
    """The Activities section: the partnership's joint activities with their partners; two
    queries."""
    return {"activities": list(activities.activities(partnership))}


def channels_section(member: Membership, partnership: Partnership) -> dict[str, Any]:
    """The Channels section: each channel with whether it is kept today; one query."""
    statuses = channels.channel_statuses(partnership, workspace_today(member.workspace))
    return {
        "channel_statuses": statuses,
        "channels_kept": sum(1 for s in statuses if s.state == channels.ChannelState.KEPT),
    }


def meetings_section(member: Membership, partnership: Partnership) -> dict[str, Any]:
    """The Meetings section: the latest plans with their agenda and whether confirmed; two
    queries."""
    plans = list(meetings.meeting_plans(partnership)[:PLANS_SHOWN])
    return {"plans": [(plan, meetings.is_confirmed(plan)) for plan in plans]}
