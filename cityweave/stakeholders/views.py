"""Stakeholder and tie pages: list, detail (timeline, ties, health), create, edit, trash."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, F, Q, When
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from cityweave.engagement.health import (
    COLD,
    COOLING,
    HEALTHY,
    LABELS,
    TieHealth,
    as_seen_by,
    counterparts,
    tie_health,
)
from cityweave.engagement.services import (
    commitments,
    interactions_visible_to,
    tie_interactions,
    trash_stakeholder,
)
from cityweave.network.reading import position_rows
from cityweave.network.services import AnalysisPending, node_report
from cityweave.partnerships.services import partnerships_of
from cityweave.stakeholders import services
from cityweave.stakeholders.duplicates import Candidate
from cityweave.stakeholders.filters import StakeholderFilters, TieFilters
from cityweave.stakeholders.forms import (
    MergeForm,
    StakeholderForm,
    TieForm,
)
from cityweave.stakeholders.merging import MergePlan, merge_stakeholders, plan_merge
from cityweave.stakeholders.models import Stakeholder, Tie, label_sectors, sector_choices
from cityweave.strategy.introductions import Introductions, introductions
from cityweave.surveys.tie_fill import proposed_fill
from cityweave.vocabulary import PartnerRole, labels_for
from cityweave.web.listing import Listing, render_list
from cityweave.web.mixins import LookupView, TrashView, WorkspaceView, apply_validation_error
from cityweave.workspaces.models import Membership, listed


class StakeholderListView(WorkspaceView):
    """All stakeholders, searchable and filterable."""

    def get(self, request: HttpRequest) -> HttpResponse:
        listing = Listing(
            search_fields=[],  # StakeholderFilters' own
            sorts={
                "name": "sort_name",  # a person by family name: "Dr. Alan Brooks" under B
                "sector": "sector",
                "influence": "influence",
                "ties": "tie_count",
                "updated": "updated_at",
            },
            default_sort="name",
            filter_form=StakeholderFilters,
            descending_first=frozenset({"influence", "ties"}),
            form_kwargs={"member": self.member},
        )
        queryset = services.stakeholders(self.member).annotate(tie_count=services.live_tie_count())
        context = listing.apply(request, queryset)
        label_sectors(context["object_list"])
        return render_list(
            request,
            "stakeholders/list.html",
            "stakeholders/_table.html",
            context,
            json_url=reverse("api:stakeholders_list", args=[self.workspace.slug]),
            csv_url=reverse("stakeholders:export", args=[self.workspace.slug]),
            xlsx_url=reverse("stakeholders:export-xlsx", args=[self.workspace.slug]),
            vcf_url=reverse("stakeholders:export-vcf", args=[self.workspace.slug]),
        )


class StakeholderLookupView(LookupView):
    """Stakeholders by name for the pickers: ?q=… and optionally kind=person|organisation and
    exclude=<id> (the stakeholder being edited)."""

    def results(self, query: str) -> list[dict[str, Any]]:
        exclude = self.request.GET.get("exclude", "")
        found = services.lookup_stakeholders(
            self.member,
            query,
            kind=self.request.GET.get("kind", ""),
            exclude=int(exclude) if exclude.isdigit() else None,
        )
        if not found:
            return []
        labels = dict(sector_choices(self.workspace))
        return [
            {
                "id": s.pk,
                "name": s.name,
                "sector_label": labels.get(s.sector, s.sector),
                "kind": s.kind,
            }
            for s in found
        ]


#: Entries on a stakeholder's timeline; the interactions list has the rest.
TIMELINE_LENGTH = 40
#: Ties listed on a stakeholder's page, by the other end's name; the ties list has the rest.
TIES_SHOWN = 50
#: The ways to be introduced shown under "How to reach".
HOW_TO_REACH = 3


class StakeholderDetailView(WorkspaceView):
    """One stakeholder: profile, timeline, ties with their health."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        try:
            stakeholder = services.get_stakeholder(self.member, pk)
        except Http404:
            trashed = services.trashed_stakeholder(self.member, pk)
            if trashed is None:
                raise
            # Not a bare 404: the link still names it, so say where it went and who brings it back.
            return render(request, "stakeholders/trashed.html", {"trashed": trashed}, status=404)
        its_ties = services.ties(self.member).filter(Q(source=stakeholder) | Q(target=stakeholder))
        # By the other end's name, in the database: the city's own record can hold thousands.
        other_name = Case(
            When(source=stakeholder, then=F("target__name")), default=F("source__name")
        )
        ties = list(
            its_ties.select_related("source", "target", "owner__user")
            .annotate(other_name=other_name)
            .order_by("other_name", "pk")[:TIES_SHOWN]
        )
        tie_count = len(ties) if len(ties) < TIES_SHOWN else its_ties.count()
        health = {h.tie.pk: h for h in as_seen_by(self.member, tie_health(ties))}
        tie_rows = [
            {"tie": t, "other": t.other_end(stakeholder), "health": health.get(t.pk)} for t in ties
        ]
        health_summary = _health_summary(list(health.values()))
        interactions = (
            interactions_visible_to(self.member)
            .filter(participants=stakeholder)
            .prefetch_related(*listed("participants"))
            .select_related("author__user")
        )
        promises = (
            commitments(self.member).filter(stakeholder=stakeholder).select_related("owner__user")
        )
        timeline: list[dict[str, Any]] = [
            {
                "kind": "interaction",
                "when": i.occurred_at,
                "item": i,
                # The other participants' names, joined on the page ("with A, B": no stray comma).
                "others": [p.name for p in i.participant_list if p.pk != stakeholder.pk],
            }
            for i in interactions[:TIMELINE_LENGTH]
        ]
        timeline += [{"kind": "commitment", "when": c.due_on, "item": c} for c in promises]
        timeline.sort(key=lambda e: _sort_key(e["when"]), reverse=True)
        interaction_count = interactions.count()
        analysis_pending: str | None = None
        try:
            position = node_report(self.member, stakeholder.pk)
        except AnalysisPending as waiting:
            position, analysis_pending = None, "first" if waiting.first else "joined"
        context = {
            "stakeholder": stakeholder,
            "tie_rows": tie_rows,
            "tie_count": tie_count,
            "health_summary": health_summary,
            "timeline": timeline[:TIMELINE_LENGTH],
            "interaction_count": interaction_count,
            "open_commitments": [c for c in promises if c.status == "open"],
            "people": stakeholder.people.all()
            if stakeholder.kind == Stakeholder.Kind.ORGANISATION
            else [],
            "position": position,
            "analysis_pending": analysis_pending,
            "position_as_of": dt.datetime.fromisoformat(position["computed_at"])
            if position and position["stale"]
            else None,
            "position_rows": position_rows(position) if position else [],
            "partnership_roles": [
                {"partner": p, "roles": labels_for(PartnerRole, p.roles)}
                for p in partnerships_of(self.member, stakeholder)
            ],
            "how_to_reach": how_to_reach(self.member, stakeholder),
        }
        return render(request, "stakeholders/detail.html", context)


def how_to_reach(member: Membership, stakeholder: Stakeholder) -> Introductions | None:
    """The best HOW_TO_REACH ways to be introduced to an outsider the member does not know yet
    (strategy/introductions.py: 5 queries); None for the city's own, and for someone they know."""
    if stakeholder.is_internal:
        return None
    answer = introductions(member, stakeholder=stakeholder.pk, limit=HOW_TO_REACH)
    return None if answer.note.startswith("You know") else answer


def _health_summary(healths: list[TieHealth]) -> dict[str, Any]:
    """The health panel of a stakeholder's page: `total` ties with a health, `counts` (status,
    label, count) cold first, leaving out none-counts, and `at_risk`, the cooling and cold ones
    most urgent first (the order `tie_health` gives)."""
    found = Counter(h.status for h in healths)
    return {
        "total": len(healths),
        "counts": [
            {"status": status, "label": LABELS[status], "count": found[status]}
            for status in (COLD, COOLING, HEALTHY)
            if found[status]
        ],
        "at_risk": [h for h in healths if h.status != HEALTHY],
    }


def _sort_key(value: Any) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


class StakeholderFormView(WorkspaceView):
    """Create a stakeholder (no pk) or edit one."""

    writes = True

    def get_instance(self, pk: int | None) -> Stakeholder | None:
        return services.get_stakeholder(self.member, pk) if pk is not None else None

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        instance = self.get_instance(pk)
        form = StakeholderForm(instance=instance, member=self.member)
        return self.render_form(request, form, instance)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        instance = self.get_instance(pk)
        form = StakeholderForm(request.POST, instance=instance, member=self.member)
        duplicates: list[Candidate] = []
        if form.is_valid():
            try:
                stakeholder = services.save_stakeholder(
                    self.member,
                    form.service_data(),
                    instance,
                    allow_duplicate=request.POST.get("allow_duplicate") == "1",
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            except services.ProbableDuplicates as found:
                duplicates = found.candidates
            else:
                messages.success(request, f"Saved “{stakeholder}”.")
                return redirect(stakeholder.get_absolute_url())
        # The form changed `instance` in memory; the page heading names it as it is saved.
        return self.render_form(
            request, form, self.get_instance(pk), status=422, duplicates=duplicates
        )

    def render_form(
        self,
        request: HttpRequest,
        form: StakeholderForm,
        instance: Stakeholder | None,
        status: int = 200,
        duplicates: list[Candidate] | None = None,
    ) -> HttpResponse:
        return render(
            request,
            "stakeholders/form.html",
            {"form": form, "stakeholder": instance, "duplicates": duplicates or []},
            status=status,
        )


class StakeholderMergeView(WorkspaceView):
    """Merge another stakeholder into this one: choose it with the picker (GET ?stakeholder=id
    previews what moves), then confirm (POST). Editors only."""

    writes = True

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        keep = services.get_stakeholder(self.member, pk)
        chosen = "stakeholder" in request.GET
        form = MergeForm(request.GET if chosen else None, member=self.member, keep=keep)
        plan = None
        if chosen and form.is_valid():
            try:
                plan = plan_merge(self.member, keep, form.cleaned_data["stakeholder"])
            except ValidationError as error:
                apply_validation_error(form, error)
        status = 422 if chosen and plan is None else 200
        return self.render_page(request, keep, form, plan, status)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        keep = services.get_stakeholder(self.member, pk)
        form = MergeForm(request.POST, member=self.member, keep=keep)
        if form.is_valid():
            merged = form.cleaned_data["stakeholder"]
            try:
                merge_stakeholders(self.member, keep, merged)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(
                    request,
                    f"Merged “{merged}” into “{keep}”. It is in the trash; restoring it from "
                    "there undoes the merge.",
                )
                return redirect(keep.get_absolute_url())
        return self.render_page(request, keep, form, None, 422)

    def render_page(
        self,
        request: HttpRequest,
        keep: Stakeholder,
        form: MergeForm,
        plan: MergePlan | None,
        status: int,
    ) -> HttpResponse:
        return render(
            request,
            "stakeholders/merge.html",
            {"stakeholder": keep, "form": form, "plan": plan},
            status=status,
        )


class StakeholderTrashView(TrashView):
    """Move a stakeholder, its ties and commitments to the trash."""

    def get_record(self, pk: int) -> Stakeholder:
        return services.get_stakeholder(self.member, pk)

    def consequence(self, record: Stakeholder) -> str:
        return "Its ties and the commitments about it go to the trash with it."

    def trash(self, record: Stakeholder) -> object:
        return trash_stakeholder(self.member, record)


class TieListView(WorkspaceView):
    """All ties, searchable and filterable, with their current health."""

    def get(self, request: HttpRequest) -> HttpResponse:
        listing = Listing(
            search_fields=[],  # TieFilters' own
            sorts={
                "source": "source__name",
                "target": "target__name",
                "status": "status",
                "started": "started_on",
                "trust": "trust",
            },
            default_sort="source",
            filter_form=TieFilters,
            descending_first=frozenset({"trust"}),
            form_kwargs={"member": self.member},
        )
        context = listing.apply(request, services.ties(self.member))
        page_ties = list(context["object_list"])
        label_sectors([end for t in page_ties for end in (t.source, t.target)])
        health = {h.tie.pk: h for h in as_seen_by(self.member, tie_health(page_ties))}
        context["rows"] = [{"tie": t, "health": health.get(t.pk)} for t in page_ties]
        return render_list(
            request,
            "stakeholders/ties/list.html",
            "stakeholders/ties/_table.html",
            context,
            json_url=reverse("api:ties_list", args=[self.workspace.slug]),
            csv_url=reverse("ties:export", args=[self.workspace.slug]),
            xlsx_url=reverse("ties:export-xlsx", args=[self.workspace.slug]),
        )


class TieDetailView(WorkspaceView):
    """One tie: both ends, its terms, health and the recent interactions that keep it warm."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        tie = services.get_tie(self.member, pk)
        health = next(iter(as_seen_by(self.member, tie_health([tie]))), None)
        ends = counterparts(tie) or (tie.source, tie.target)
        context = {
            "tie": tie,
            "health": health,
            "no_health_reason": "" if health else _no_health_reason(tie),
            "interactions": tie_interactions(self.member, tie)[:20],
            "contact_names": " together with ".join(s.name for s in ends),
            # The latest survey wave's trust and value for the pair, offered to fill the tie.
            "survey_fill": proposed_fill(self.member, tie),
        }
        return render(request, "stakeholders/ties/detail.html", context)


def _no_health_reason(tie: Tie) -> str:
    if tie.status == Tie.Status.ENDED:
        return "Ended ties have no health."
    if tie.status == Tie.Status.DORMANT:
        return "Dormant ties have no health: they are set aside, so they never cool."
    if not tie.cadence_days:
        return "No contact cadence is set."
    return "Both ends are part of the city."


class TieFormView(WorkspaceView):
    """Create a tie (no pk; `?source=<id>` preselects the first stakeholder) or edit one."""

    writes = True

    def get_instance(self, pk: int | None) -> Tie | None:
        return services.get_tie(self.member, pk) if pk is not None else None

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        instance = self.get_instance(pk)
        initial: dict[str, Any] = {}
        if instance is None:
            initial["owner"] = self.member.pk
            source = request.GET.get("source", "")
            if (
                source.isdigit()
                and services.stakeholders(self.member).filter(pk=int(source)).exists()
            ):
                initial["source"] = int(source)
        form = TieForm(instance=instance, initial=initial, member=self.member)
        return self.render_form(request, form, instance)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        instance = self.get_instance(pk)
        form = TieForm(request.POST, instance=instance, member=self.member)
        if form.is_valid():
            try:
                tie = services.save_tie(self.member, form.service_data(), instance)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Saved the tie “{tie}”.")
                return redirect(tie.get_absolute_url())
        # The form changed `instance` in memory; the page heading names the tie as it is saved.
        return self.render_form(request, form, self.get_instance(pk), status=422)

    def render_form(
        self, request: HttpRequest, form: TieForm, instance: Tie | None, status: int = 200
    ) -> HttpResponse:
        return render(
            request, "stakeholders/ties/form.html", {"form": form, "tie": instance}, status=status
        )


class TieTrashView(TrashView):
    """Move a tie to the trash."""

    def get_record(self, pk: int) -> Tie:
        return services.get_tie(self.member, pk)

    def trash(self, record: Tie) -> object:
        return services.trash_tie(self.member, record)
