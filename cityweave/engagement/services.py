"""Interaction and commitment operations shared by pages, the API and the CLI."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from cityweave.engagement.models import Commitment, Interaction
from cityweave.workspaces.models import Membership


def interactions_visible_to(member: Membership) -> QuerySet[Interaction]:
    """The workspace's live interactions, without other people's private ones."""
    return Interaction.objects.filter(workspace=member.workspace).filter(
        Q(private=False) | Q(author=member)
    )


def commitments(member: Membership) -> QuerySet[Commitment]:
    """The workspace's live commitments."""
    return Commitment.objects.filter(workspace=member.workspace)
