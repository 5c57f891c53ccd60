"""Cross-domain pages: home (workspace chooser), dashboard, trash, account."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views import View

from cityweave.accounts.models import ApiToken, User
from cityweave.accounts.services import revoke
from cityweave.engagement.health import (
    ORDER,
    TieHealth,
    as_seen_by,
    counterparts,
    workspace_at_risk,
)
from cityweave.engagement.models import Commitment
from cityweave.engagement.services import (
    commitments,
    due_soon_commitments,
    interactions_visible_to,
    overdue_commitments,
    promises_kept,
)
from cityweave.goals.models import Goal
from cityweave.stakeholders.models import Tie
from cityweave.stakeholders.services import sectors_in_use
from cityweave.web.mixins import WorkspaceView
from cityweave.workspaces import services as workspace_services
from cityweave.workspaces.models import Membership, TrashEntry, Workspace, listed

#: How many rows each dashboard panel shows before pointing at the full list.
PANEL_ROWS = 10
RECENT_DAYS = 30


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Go to the user's only workspace, or let them choose one."""
    memberships = list(request.user.memberships.select_related("workspace"))  # type: ignore[union-attr]
    if len(memberships) == 1:
        return redirect("dashboard", memberships[0].workspace.slug)
    return render(request, "web/home.html", {"memberships": memberships})


def workspace_today(workspace: Workspace) -> dt.date:
    """Today's date where the workspace is, so "overdue" flips at its midnight."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(workspace.timezone))


def dashboard_data(member: Membership, now: dt.datetime) -> dict[str, Any]:
    """Everything the dashboard shows, in a fixed number of queries whatever the data size."""
    workspace = member.workspace
    today = workspace_today(workspace)

    sectors = [row for row in sectors_in_use(member) if row[2]]
    stakeholder_count = sum(n for _, _, n in sectors)
    widest = max((n for _, _, n in sectors), default=0)
    sector_bars = [
        {"key": key, "label": label, "count": n, "percent": round(100 * n / widest)}
        for key, label, n in sectors
    ]

    overdue_qs = overdue_commitments(member, today).select_related("stakeholder", "owner__user")
    overdue = [
        {"commitment": c, "days": (today - c.due_on).days}
        for c in overdue_qs.order_by("due_on", "pk")[:PANEL_ROWS]
    ]
    due_soon_qs = due_soon_commitments(member, today).select_related("stakeholder", "owner__user")
    due_soon = [
        {"commitment": c, "days": (c.due_on - today).days}
        for c in due_soon_qs.order_by("due_on", "pk")[:PANEL_ROWS]
    ]

    at_risk = workspace_at_risk(workspace, now, first=PANEL_ROWS)
    shown_ties = Tie.objects.filter(pk__in=[r.tie_id for r in at_risk.first]).select_related(
        "workspace", "source", "target", "owner__user"
    )
    by_id = {tie.pk: tie for tie in shown_ties}
    at_risk_rows = as_seen_by(
        member,
        [
            TieHealth(
                by_id[r.tie_id],
                r.status,
                r.days_since,
                r.last_contact,
                counterparts(by_id[r.tie_id]),
            )
            for r in at_risk.first
        ],
        now,
    )
    # The panel's order (most important, then cold before cooling, then most overdue) must not
    # tell how long ago a withheld private contact was: those rows follow the others of their
    # importance and status, by tie.
    rank = {h.tie.pk: n for n, h in enumerate(at_risk_rows)}
    at_risk_rows.sort(
        key=lambda h: (
            -h.importance,
            ORDER[h.status],
            h.withheld,
            h.tie.pk if h.withheld else rank[h.tie.pk],
        )
    )

    goals_qs = (
        Goal.objects.filter(workspace=workspace, status=Goal.Status.ACTIVE)
        .select_related("owner__user")
        .prefetch_related(*listed("progress"))
        .order_by("deadline", "pk")
    )
    goals = [{"goal": g, "days_left": (g.deadline - today).days} for g in goals_qs[:PANEL_ROWS]]

    recent = (
        interactions_visible_to(member)
        .select_related("author__user")
        .prefetch_related(*listed("participants"))
        .order_by("-occurred_at", "-pk")[:PANEL_ROWS]
    )
    live_commitments = commitments(member)
    return {
        "today": today,
        "stats": {
            "stakeholders": stakeholder_count,
            "active_ties": Tie.objects.filter(
                workspace=workspace, status=Tie.Status.ACTIVE
            ).count(),
            "recent_interactions": interactions_visible_to(member)
            .filter(occurred_at__gte=now - dt.timedelta(days=RECENT_DAYS))
            .count(),
            "open_commitments": live_commitments.filter(status=Commitment.Status.OPEN).count(),
            "kept": promises_kept(live_commitments),
        },
        "recent_days": RECENT_DAYS,
        "sector_bars": sector_bars,
        "overdue": overdue,
        "overdue_count": overdue_qs.count() if len(overdue) == PANEL_ROWS else len(overdue),
        "due_soon": due_soon,
        "due_soon_count": due_soon_qs.count() if len(due_soon) == PANEL_ROWS else len(due_soon),
        "at_risk": at_risk_rows,
        "cold_count": at_risk.cold,
        "cooling_count": at_risk.cooling,
        "goals": goals,
        "goal_count": goals_qs.count() if len(goals) == PANEL_ROWS else len(goals),
        "recent": list(recent),
    }


class DashboardView(WorkspaceView):
    """What needs attention today: promises due, relationships cooling, goals, recent contact."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "web/dashboard.html", dashboard_data(self.member, timezone.now()))


class TrashListView(WorkspaceView):
    """Everything deleted in the workspace, newest first; owners restore or delete for good."""

    def get(self, request: HttpRequest) -> HttpResponse:
        page_obj = Paginator(workspace_services.trash_entries(self.member), 25).get_page(
            request.GET.get("page")
        )
        return render(
            request,
            "web/trash.html",
            {"page_obj": page_obj, "object_list": page_obj.object_list},
        )


def trash_entry(member: Membership, pk: int) -> TrashEntry:
    """One trash entry of the member's workspace; 404 for another workspace's."""
    entry = workspace_services.trash_entries(member).filter(pk=pk).first()
    if entry is None:
        raise Http404("No such trash entry")
    return entry


class TrashRestoreView(WorkspaceView):
    """Bring a deleted record, and what went with it, back; owners only."""

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        workspace_services.require_owner(self.member)
        entry = trash_entry(self.member, pk)
        label, related = entry.label, entry.related_count
        workspace_services.restore(self.member, entry.pk)
        extra = (
            f", with {related} record{'s' if related != 1 else ''} that went with it"
            if related
            else ""
        )
        messages.success(request, f"Restored “{label}”{extra}.")
        return redirect("trash:list", self.workspace.slug)


class TrashPurgeView(WorkspaceView):
    """Confirm, then delete a trash entry's records for good; owners only."""

    writes = True

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        workspace_services.require_owner(self.member)
        return render(request, "web/trash_purge.html", {"entry": trash_entry(self.member, pk)})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        workspace_services.require_owner(self.member)
        entry = trash_entry(self.member, pk)
        label = entry.label
        workspace_services.purge(self.member, entry.pk)
        messages.success(request, f"Deleted “{label}” for good.")
        return redirect("trash:list", self.workspace.slug)


class TokenForm(forms.Form):
    """Name a new personal API token."""

    name = forms.CharField(
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text="What it is for, e.g. “reporting script” or “laptop”.",
    )
    expires = forms.TypedChoiceField(
        label="Works for",
        choices=[("", "Until revoked"), ("30", "30 days"), ("90", "90 days"), ("365", "A year")],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The profile form on the same page has a `name` field too; ids must stay unique.
        kwargs.setdefault("auto_id", "id_token_%s")
        super().__init__(*args, **kwargs)


class ProfileForm(forms.ModelForm):
    """The name others see next to your interactions and commitments."""

    class Meta:
        model = User
        fields = ["name"]
        help_texts = {"name": "Shown to the members of your workspaces."}


def account_user(request: HttpRequest) -> User:
    """The logged-in user of an account page (LoginRequiredMixin has turned anyone else away)."""
    user = request.user
    assert isinstance(user, User)
    return user


def render_account(
    request: HttpRequest,
    *,
    token_form: TokenForm | None = None,
    profile_form: ProfileForm | None = None,
    new_token: tuple[ApiToken, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The account page; `new_token` is (record, raw token) right after creating one."""
    user = account_user(request)
    context = {
        "account": user,
        "account_memberships": Membership.objects.filter(user=user)
        .select_related("workspace")
        .order_by("workspace__name"),
        "tokens": ApiToken.objects.filter(user=user, revoked_at__isnull=True),
        "token_form": token_form or TokenForm(),
        "profile_form": profile_form or ProfileForm(instance=user),
        "new_token": new_token,
        "api_url": request.build_absolute_uri(reverse("api:workspaces_list")),
    }
    response = render(request, "web/account.html", context, status=status)
    # The raw token is on this page once; no cache may keep a copy of it.
    add_never_cache_headers(response)
    return response


class AccountView(LoginRequiredMixin, View):
    """Your name and email, your workspaces and roles, your personal API tokens."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render_account(request)


class ProfileView(LoginRequiredMixin, View):
    """Change your display name."""

    def post(self, request: HttpRequest) -> HttpResponse:
        form = ProfileForm(request.POST, instance=account_user(request))
        if form.is_valid():
            with transaction.atomic():
                form.save()
            messages.success(request, "Saved your name.")
            return redirect("account:index")
        return render_account(request, profile_form=form, status=422)


class TokenCreateView(LoginRequiredMixin, View):
    """Create a personal API token and show it, this once."""

    def post(self, request: HttpRequest) -> HttpResponse:
        form = TokenForm(request.POST)
        if not form.is_valid():
            return render_account(request, token_form=form, status=422)
        with transaction.atomic():
            token, raw = ApiToken.issue(
                account_user(request),
                form.cleaned_data["name"],
                dt.timedelta(days=form.cleaned_data["expires"])
                if form.cleaned_data["expires"]
                else None,
            )
        return render_account(request, new_token=(token, raw))


class TokenRevokeView(LoginRequiredMixin, View):
    """Confirm, then revoke one of your tokens: programs using it stop working at once, and are
    told it was revoked."""

    def token(self, request: HttpRequest, pk: int) -> ApiToken:
        token = ApiToken.objects.filter(
            user=account_user(request), pk=pk, revoked_at__isnull=True
        ).first()
        if token is None:
            raise Http404("No such token")
        return token

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        return render(request, "web/token_revoke.html", {"token": self.token(request, pk)})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        with transaction.atomic():
            token = revoke(self.token(request, pk))
        messages.success(request, f"Revoked the token “{token.name}”.")
        return redirect("account:index")


trash_patterns = [
    path("", TrashListView.as_view(), name="list"),
    path("<int:pk>/restore/", TrashRestoreView.as_view(), name="restore"),
    path("<int:pk>/purge/", TrashPurgeView.as_view(), name="purge"),
]

account_patterns = [
    path("", AccountView.as_view(), name="index"),
    path("name/", ProfileView.as_view(), name="profile"),
    path("tokens/new/", TokenCreateView.as_view(), name="token_create"),
    path("tokens/<int:pk>/revoke/", TokenRevokeView.as_view(), name="token_revoke"),
]
