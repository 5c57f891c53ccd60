"""Interaction and commitment list exports: CSV and XLSX from one column definition each,
filtered as the list pages are (engagement/filters.py). Other members' private interactions are
never exported, nor is a commitment's link to one."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet

from cityweave.engagement import services
from cityweave.engagement.filters import CommitmentFilters, InteractionFilters
from cityweave.engagement.models import Commitment, Interaction
from cityweave.stakeholders.models import Stakeholder
from cityweave.web.exports import Column, ExportView
from cityweave.workspaces.models import Membership, listed


def names(records: list) -> str:
    """Records' names (or members' display names), "; "-separated, in the order given."""
    return "; ".join(getattr(r, "name", None) or r.user.display_name for r in records)


def interaction_columns() -> list[Column]:
    """The interaction export's columns; `occurred_at` in the workspace's time zone."""
    return [
        Column("id", lambda i: i.pk, 8),
        Column("occurred_at", lambda i: i.occurred_at, 17),
        Column("kind", lambda i: i.get_kind_display(), 12),
        Column("summary", lambda i: i.summary, 40),
        Column("participants", lambda i: names(i.related("participants")), 40),
        Column("members_present", lambda i: names(i.related("members_present")), 24),
        Column("author", lambda i: i.author.user.display_name if i.author else "", 18),
        Column("goal_id", lambda i: i.goal_id, 8),
        Column("goal", lambda i: i.goal.statement if i.goal else "", 30),
        Column("private", lambda i: i.private, 8),
        Column("notes", lambda i: i.notes, 60),
    ]


def commitment_columns(member: Membership) -> list[Column]:
    """The commitment export's columns. `interaction_id` is empty when the commitment was made
    in another member's private interaction (as the API shows it to `member`)."""

    def interaction_id(c: Commitment) -> int | None:
        source = c.interaction
        if source is None or (source.private and source.author_id != member.pk):
            return None
        return source.pk

    return [
        Column("id", lambda c: c.pk, 8),
        Column("description", lambda c: c.description, 40),
        Column("stakeholder_id", lambda c: c.stakeholder_id, 14),
        Column("stakeholder", lambda c: c.stakeholder.name, 28),
        Column("owed_by", lambda c: c.get_owed_by_display(), 9),
        Column("owner", lambda c: c.owner.user.display_name if c.owner else "", 18),
        Column("due_on", lambda c: c.due_on, 12),
        Column("status", lambda c: c.get_status_display(), 10),
        Column("closed_at", lambda c: c.closed_at, 17),
        Column("interaction_id", interaction_id, 14),
    ]


class InteractionExportView(ExportView):
    """The interactions the member may see (others' private ones left out) as CSV or XLSX,
    filtered as the list page is (`?kind=meeting&occurred_from=…`), every row, newest first."""

    filters = InteractionFilters
    name = "interactions"
    sheet_title = "Interactions"

    def queryset(self) -> QuerySet[Interaction]:
        return services.interactions_visible_to(self.member)

    def rows(self, queryset: QuerySet[Interaction]) -> QuerySet[Interaction]:
        return (
            queryset.select_related("author__user", "goal")
            .prefetch_related(
                *listed(
                    # Their names alone: whole stakeholders would be most of a long export's time.
                    participants=Stakeholder.objects.only("name"),
                    members_present=Membership.objects.select_related("user"),
                )
            )
            .order_by("-occurred_at", "pk")
        )

    def columns(self) -> Sequence[Column]:
        return interaction_columns()


class CommitmentExportView(ExportView):
    """The commitments as CSV or XLSX, filtered as the list page is (`?status=open&due=…`),
    every row, soonest due first."""

    filters = CommitmentFilters
    name = "commitments"
    sheet_title = "Commitments"

    def queryset(self) -> QuerySet[Commitment]:
        return services.commitments(self.member)

    def rows(self, queryset: QuerySet[Commitment]) -> QuerySet[Commitment]:
        return queryset.select_related("stakeholder", "owner__user", "interaction").order_by(
            "due_on", "pk"
        )

    def columns(self) -> Sequence[Column]:
        return commitment_columns(self.member)
