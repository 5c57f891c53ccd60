"""Interaction and commitment pages: lists, details, forms, quick capture, closing promises."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from cityweave.engagement import services
from cityweave.engagement.filters import CommitmentFilters, InteractionFilters
from cityweave.engagement.forms import CommitmentForm, InteractionForm, QuickCaptureForm
from cityweave.engagement.models import Commitment, Interaction
from cityweave.stakeholders.models import label_sectors
from cityweave.stakeholders.services import get_stakeholder
from cityweave.web.listing import Listing, render_list
from cityweave.web.mixins import TrashView, WorkspaceView, apply_validation_error
from cityweave.workspaces.models import Membership, listed

# htmx only swaps 2xx responses by default; the capture form opts into swapping its 422 re-render.
CAPTURE_TEMPLATE = "engagement/_capture_form.html"


def is_htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request"))


# Interactions


class InteractionListView(WorkspaceView):
    """Interactions the member may see, searchable and filterable."""

    def get(self, request: HttpRequest) -> HttpResponse:
        listing = Listing(
            search_fields=[],  # InteractionFilters' own
            sorts={"when": "occurred_at", "kind": "kind", "summary": "summary"},
            default_sort="-when",
            filter_form=InteractionFilters,
            form_kwargs={"member": self.member},
        )
        queryset = (
            services.interactions_visible_to(self.member)
            .select_related("author__user", "goal")
            .prefetch_related(
                *listed("participants", members_present=Membership.objects.select_related("user"))
            )
        )
        context = listing.apply(request, queryset)
        slug = self.workspace.slug
        return render_list(
            request,
            "engagement/interactions/list.html",
            "engagement/interactions/_table.html",
            context,
            json_url=reverse("api:interactions_list", args=[slug]),
            csv_url=reverse("interactions:export", args=[slug]),
            xlsx_url=reverse("interactions:export-xlsx", args=[slug]),
        )


class InteractionDetailView(WorkspaceView):
    """One interaction: who took part, notes, and the follow-ups promised in it."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        interaction = services.get_interaction(self.member, pk)
        participants = list(
            interaction.participants.filter(deleted_at__isnull=True).order_by("name")
        )
        label_sectors(participants)
        context = {
            "interaction": interaction,
            "participants": participants,
            "members_present": interaction.members_present.select_related("user"),
            "follow_ups": services.commitments(self.member)
            .filter(interaction=interaction)
            .select_related("owner__user", "stakeholder"),
            "today": services.workspace_today(self.workspace),
        }
        return render(request, "engagement/interactions/detail.html", context)


class InteractionFormView(WorkspaceView):
    """Create an interaction (no pk) or edit one."""

    writes = True

    def get_instance(self, pk: int | None) -> Interaction | None:
        return services.get_interaction(self.member, pk) if pk is not None else None

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        instance = self.get_instance(pk)
        initial = {}
        if instance is None and request.GET.get("stakeholder", "").isdigit():
            initial["participants"] = [int(request.GET["stakeholder"])]
        form = InteractionForm(instance=instance, initial=initial, member=self.member)
        return self.render_form(request, form, instance)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        instance = self.get_instance(pk)
        form = InteractionForm(request.POST, instance=instance, member=self.member)
        if form.is_valid():
            try:
                interaction = services.save_interaction(self.member, form.service_data(), instance)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Saved “{interaction.summary}”.")
                return redirect(interaction.get_absolute_url())
        return self.render_form(request, form, instance, status=422)

    def render_form(
        self,
        request: HttpRequest,
        form: InteractionForm,
        instance: Interaction | None,
        status: int = 200,
    ) -> HttpResponse:
        context = {"form": form, "interaction": instance}
        return render(request, "engagement/interactions/form.html", context, status=status)


class QuickCaptureView(WorkspaceView):
    """Log an interaction with a stakeholder, and what was promised in it, from one form."""

    writes = True

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        stakeholder = get_stakeholder(self.member, pk)
        form = QuickCaptureForm(member=self.member, stakeholder=stakeholder)
        return self.render_form(request, form)

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        stakeholder = get_stakeholder(self.member, pk)
        form = QuickCaptureForm(request.POST, member=self.member, stakeholder=stakeholder)
        if form.is_valid():
            try:
                interaction, follow_up = services.log_interaction_with_follow_up(
                    self.member, stakeholder, form.interaction_data(), form.follow_up_data()
                )
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                note = " and its follow-up" if follow_up else ""
                messages.success(request, f"Logged “{interaction.summary}”{note}.")
                if is_htmx(request):
                    return HttpResponse(
                        status=204, headers={"HX-Redirect": stakeholder.get_absolute_url()}
                    )
                return redirect(stakeholder.get_absolute_url())
        return self.render_form(request, form, status=422)

    def render_form(
        self, request: HttpRequest, form: QuickCaptureForm, status: int = 200
    ) -> HttpResponse:
        template = CAPTURE_TEMPLATE if is_htmx(request) else "engagement/interactions/capture.html"
        return render(
            request, template, {"form": form, "stakeholder": form.stakeholder}, status=status
        )


class InteractionTrashView(TrashView):
    """Move an interaction to the trash."""

    def get_record(self, pk: int) -> Interaction:
        return services.get_interaction(self.member, pk)

    def consequence(self, record: Interaction) -> str:
        return "Follow-up commitments made in it stay on the list."

    def trash(self, record: Interaction) -> object:
        return services.trash_interaction(self.member, record)


# Commitments


class CommitmentListView(WorkspaceView):
    """Commitments, filterable by status, who owes, owner and due date; with promises-kept rates."""

    def get(self, request: HttpRequest) -> HttpResponse:
        listing = Listing(
            search_fields=[],  # CommitmentFilters' own
            sorts={
                "due": "due_on",
                "status": "status",
                "description": "description",
                "with": "stakeholder__name",
            },
            default_sort="due",
            filter_form=CommitmentFilters,
            form_kwargs={"member": self.member},
            first_by=("is_closed",),
        )
        # Open promises first: those are the ones an officer acts on.
        queryset = (
            services.commitments(self.member)
            .select_related("stakeholder", "owner__user")
            .annotate(
                is_closed=Case(When(status=Commitment.Status.OPEN, then=Value(0)), default=Value(1))
            )
        )
        context = listing.apply(request, queryset)
        context["today"] = services.workspace_today(self.workspace)
        if not is_htmx(request):
            context["kept"] = services.promises_kept(services.commitments(self.member))
            context["kept_by_member"] = services.promises_kept_by_member(self.member)
        slug = self.workspace.slug
        return render_list(
            request,
            "engagement/commitments/list.html",
            "engagement/commitments/_table.html",
            context,
            json_url=reverse("api:commitments_list", args=[slug]),
            csv_url=reverse("commitments:export", args=[slug]),
            xlsx_url=reverse("commitments:export-xlsx", args=[slug]),
        )


class CommitmentDetailView(WorkspaceView):
    """One commitment, where it was made, and buttons to close it."""

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        commitment = services.get_commitment(self.member, pk)
        source = None
        if commitment.interaction_id is not None:
            source = (
                services.interactions_visible_to(self.member)
                .filter(pk=commitment.interaction_id)
                .first()
            )
        context = {
            "commitment": commitment,
            "source": source,
            "today": services.workspace_today(self.workspace),
        }
        return render(request, "engagement/commitments/detail.html", context)


class CommitmentFormView(WorkspaceView):
    """Create a commitment (no pk) or edit one."""

    writes = True

    def get_instance(self, pk: int | None) -> Commitment | None:
        return services.get_commitment(self.member, pk) if pk is not None else None

    def get(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        instance = self.get_instance(pk)
        initial = {}
        if instance is None and request.GET.get("stakeholder", "").isdigit():
            initial["stakeholder"] = int(request.GET["stakeholder"])
        form = CommitmentForm(instance=instance, initial=initial, member=self.member)
        return self.render_form(request, form, instance)

    def post(self, request: HttpRequest, pk: int | None = None) -> HttpResponse:
        instance = self.get_instance(pk)
        form = CommitmentForm(request.POST, instance=instance, member=self.member)
        if form.is_valid():
            try:
                commitment = services.save_commitment(self.member, form.service_data(), instance)
            except ValidationError as error:
                apply_validation_error(form, error)
            else:
                messages.success(request, f"Saved “{commitment}”.")
                return redirect(commitment.get_absolute_url())
        return self.render_form(request, form, instance, status=422)

    def render_form(
        self,
        request: HttpRequest,
        form: CommitmentForm,
        instance: Commitment | None,
        status: int = 200,
    ) -> HttpResponse:
        context = {"form": form, "commitment": instance}
        return render(request, "engagement/commitments/form.html", context, status=status)


class CommitmentCloseView(WorkspaceView):
    """Mark a commitment done, missed or cancelled in one click (POST only)."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        commitment = services.get_commitment(self.member, pk)
        try:
            services.close_commitment(self.member, commitment, request.POST.get("status", ""))
        except ValidationError as error:
            return HttpResponse(" ".join(error.messages), status=422, content_type="text/plain")
        messages.success(
            request, f"“{commitment}” marked {commitment.get_status_display().lower()}."
        )
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = commitment.get_absolute_url()
        return redirect(target)


class CommitmentTrashView(TrashView):
    """Move a commitment to the trash."""

    def get_record(self, pk: int) -> Commitment:
        return services.get_commitment(self.member, pk)

    def trash(self, record: Commitment) -> object:
        return services.trash_commitment(self.member, record)
