"""Cross-domain pages: home (workspace chooser) and the dashboard; the 404 handler."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from functools import partial
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

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
    open_commitments,
    overdue_commitments,
    promises_kept,
    recent_interactions,
    recent_window,
)
from cityweave.goals.models import Goal
from cityweave.peers.services import networks_of
from cityweave.stakeholders.models import Tie
from cityweave.stakeholders.services import active_ties, sectors_in_use, stakeholder_count
from cityweave.surveys.results import trust_panel
from cityweave.surveys.scoring import FORMULAS
from cityweave.web.mixins import WorkspaceView
from cityweave.workspaces.derived import derived
from cityweave.workspaces.models import Membership, Workspace, listed

#: How many rows each dashboard panel shows before pointing at the full list.
PANEL_ROWS = 10
RECENT_DAYS = 30


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Go to the user's only workspace, or let them choose one (or a network of cities)."""
    memberships = list(request.user.memberships.select_related("workspace"))  # type: ignore[union-attr]
    if len(memberships) == 1:
        return redirect("dashboard", memberships[0].workspace.slug)
    seats = networks_of(request.user)  # type: ignore[arg-type]
    if not memberships and seats:
        # A city official or a network's staff without a workspace of their own.
        return redirect("peers:networks")
    return render(request, "web/home.html", {"memberships": memberships, "seats": seats})


def workspace_today(workspace: Workspace) -> dt.date:
    """Today's date where the workspace is, so "overdue" flips at its midnight."""
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(workspace.timezone))


def list_url(name: str, slug: str, **filters: object) -> str:
    """The address of a workspace's list page with `filters` in its query string."""
    return f"{reverse(name, args=[slug])}?{urlencode({k: str(v) for k, v in filters.items()})}"


def dashboard_data(member: Membership, now: dt.datetime) -> dict[str, Any]:
    """Everything the dashboard shows, in a fixed number of queries whatever the data size."""
    workspace = member.workspace
    today = workspace_today(workspace)

    sectors = [row for row in sectors_in_use(member) if row[2]]
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
    slug = workspace.slug
    return {
        "today": today,
        # Each count is its list's row count with the filters its link carries (the same
        # services read both).
        "stats": {
            "stakeholders": stakeholder_count(member),
            "active_ties": active_ties(member).order_by().count(),
            "recent_interactions": recent_interactions(member, today, RECENT_DAYS).count(),
            "open_commitments": open_commitments(member).count(),
            "kept": promises_kept(live_commitments),
        },
        "stat_links": {
            "stakeholders": reverse("stakeholders:list", args=[slug]),
            "active_ties": list_url("ties:list", slug, status=Tie.Status.ACTIVE),
            "recent_interactions": list_url(
                "interactions:list", slug, **recent_window(today, RECENT_DAYS)
            ),
            "open_commitments": list_url("commitments:list", slug, status=Commitment.Status.OPEN),
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
        # The panel scores two waves (about 90 ms at 200 partners): kept until the workspace's
        # records change or the minute turns, like the health above.
        "trust": derived(workspace, "trust-panel", now, partial(trust_panel, workspace)),
        "trust_formula": FORMULAS["network_trust"],
    }


class DashboardView(WorkspaceView):
    """What needs attention today: promises due, relationships cooling, goals, recent contact."""

    def get(self, request: HttpRequest) -> HttpResponse:
        return render(request, "web/dashboard.html", dashboard_data(self.member, timezone.now()))
