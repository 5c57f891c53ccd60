"""Stakeholder and tie list exports: CSV and XLSX from one column definition each, and the
stakeholders as vCard 4.0; all filtered as the list pages are (stakeholders/filters.py)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse

from cityweave.contacts.writers import write_vcard
from cityweave.stakeholders import services
from cityweave.stakeholders.filters import StakeholderFilters, TieFilters
from cityweave.stakeholders.models import Stakeholder, Tie, sector_choices
from cityweave.web.exports import CHUNK_SIZE, Column, ExportView
from cityweave.web.filtering import apply, bad_filters
from cityweave.web.mixins import WorkspaceView
from cityweave.workspaces.models import listed


def stakeholder_columns(sectors: dict[str, str]) -> list[Column]:
    """The stakeholder export's columns; `sectors` maps sector keys to labels."""
    return [
        Column("id", lambda s: s.pk, 8),
        Column("name", lambda s: s.name, 30),
        Column("kind", lambda s: s.get_kind_display()),
        Column("sector", lambda s: sectors.get(s.sector, s.sector), 20),
        Column("level", lambda s: s.get_level_display() if s.level else ""),
        Column("title", lambda s: s.title, 24),
        Column("email", lambda s: s.email, 28),
        Column("phone", lambda s: s.phone, 18),
        Column("area", lambda s: s.area),
        Column("influence", lambda s: s.influence, 10),
        Column("interest", lambda s: s.interest, 10),
        Column("stance", lambda s: s.get_stance_display() if s.stance else ""),
        Column("tags", lambda s: ", ".join(t.name for t in s.related("tags")), 20),
        Column("ties", lambda s: s.tie_count, 8),
    ]


def tie_columns() -> list[Column]:
    """The tie export's columns. No health: another member's private contact would show
    through it."""
    return [
        Column("id", lambda t: t.pk, 8),
        Column("source_id", lambda t: t.source_id, 10),
        Column("source", lambda t: t.source.name, 28),
        Column("target_id", lambda t: t.target_id, 10),
        Column("target", lambda t: t.target.name, 28),
        Column("kind", lambda t: t.get_kind_display()),
        Column("directed", lambda t: t.directed, 9),
        Column("status", lambda t: t.get_status_display(), 10),
        Column("started_on", lambda t: t.started_on, 12),
        Column("ended_on", lambda t: t.ended_on, 12),
        Column("cadence_days", lambda t: t.cadence_days, 13),
        Column("max_cadence_days", lambda t: t.max_cadence_days, 17),
        Column("trust", lambda t: t.trust, 8),
        Column("value", lambda t: t.value, 8),
        Column("owner", lambda t: t.owner.user.display_name if t.owner else "", 20),
    ]


def filtered_stakeholders(request: HttpRequest, view: WorkspaceView) -> QuerySet[Stakeholder]:
    """The member's stakeholders filtered by the query string; ValidationError for a bad one."""
    return apply(StakeholderFilters, request.GET, view.member, services.stakeholders(view.member))


class StakeholderExportView(ExportView):
    """The stakeholder list as CSV or XLSX, filtered as the list page is (`?sector=…&q=…`), every
    row (not one page), by name."""

    filters = StakeholderFilters
    name = "stakeholders"
    sheet_title = "Stakeholders"

    def queryset(self) -> QuerySet[Stakeholder]:
        return services.stakeholders(self.member)

    def rows(self, queryset: QuerySet[Stakeholder]) -> QuerySet[Stakeholder]:
        return (
            queryset.annotate(tie_count=services.live_tie_count())
            .prefetch_related(*listed("tags"))
            .order_by("name", "pk")
        )

    def columns(self) -> Sequence[Column]:
        return stakeholder_columns(dict(sector_choices(self.workspace)))


class TieExportView(ExportView):
    """The tie list as CSV or XLSX, filtered as the list page is (`?status=active&q=…`), every
    row, by source then target name."""

    filters = TieFilters
    name = "ties"
    sheet_title = "Ties"

    def queryset(self) -> QuerySet[Tie]:
        return services.ties(self.member)

    def rows(self, queryset: QuerySet[Tie]) -> QuerySet[Tie]:
        return queryset.select_related("source", "target", "owner__user").order_by(
            "source__name", "target__name", "pk"
        )

    def columns(self) -> Sequence[Column]:
        return tie_columns()


@dataclass(frozen=True)
class StakeholderCard:
    """A stakeholder as contacts.writers.write_vcard reads it (its VCardContact protocol): a
    person with their organisations, or an organisation (KIND:org) whose ORG is its own name."""

    stakeholder: Stakeholder

    @property
    def kind(self) -> str:
        return "org" if self.stakeholder.kind == Stakeholder.Kind.ORGANISATION else "individual"

    @property
    def full_name(self) -> str:
        return self.stakeholder.name

    @property
    def given_name(self) -> str:
        return self.stakeholder.given_name

    @property
    def family_name(self) -> str:
        return self.stakeholder.family_name

    @property
    def emails(self) -> Sequence[str]:
        return [self.stakeholder.email] if self.stakeholder.email else []

    @property
    def phones(self) -> Sequence[str]:
        return [self.stakeholder.phone] if self.stakeholder.phone else []

    @property
    def organisations(self) -> Sequence[str]:
        if self.kind == "org":
            return [self.stakeholder.name]
        return [o.name for o in self.stakeholder.related("organisations")]

    @property
    def title(self) -> str:
        return self.stakeholder.title

    @property
    def url(self) -> str:
        return self.stakeholder.website

    @property
    def notes(self) -> str:
        # Notes are the office's own working notes, not something to hand to an address book.
        return ""


class StakeholderVCardView(WorkspaceView):
    """The stakeholder list as one vCard 4.0 file (`export.vcf`), filtered as the list page is:
    people with their names, email, phone, job title, website and organisations (ORG), and
    organisations as KIND:org cards; each card's UID is the stakeholder's uid. Any member may
    export; a bad filter answers 422 naming it."""

    def get(self, request: HttpRequest) -> HttpResponseBase:
        try:
            queryset = filtered_stakeholders(request, self)
        except ValidationError as error:
            return bad_filters(error)
        rows = queryset.prefetch_related(*listed("organisations")).order_by("sort_name", "pk")

        def cards() -> Iterator[Any]:
            for stakeholder in rows.iterator(chunk_size=CHUNK_SIZE):
                yield write_vcard(StakeholderCard(stakeholder), uid=f"urn:uuid:{stakeholder.uid}")

        response = StreamingHttpResponse(cards(), content_type="text/vcard; charset=utf-8")
        filename = f"{self.workspace.slug}-stakeholders.vcf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
