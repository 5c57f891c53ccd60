"""JSON API for relationship budgets under /api/v1/workspaces/{slug}/budget.

A member reads and writes their own budget whatever their role (its path, `budget_mine`, is a
personal route: cityweave.api.PERSONAL_ROUTES); other members' budgets are readable when shared, 404
otherwise. No `from __future__ import annotations` here: django-ninja reads the annotations at
import time.
"""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from cityweave.stakeholders.models import MAX_CADENCE_DAYS
from cityweave.strategy import budget, introductions, next_best
from cityweave.strategy.intro_api import (
    IntroductionsOut,
    NextBestOut,
    in_query,
    introductions_out,
    next_best_out,
    query_checked,
)
from cityweave.strategy.models import MAX_HOURS_PER_MONTH, MAX_MINUTES, MIN_MINUTES, Tier
from cityweave.workspaces.api import QueryId, QueryInt, Whole, api_member

router = Router()

TAGS = ["strategy"]


class BudgetTierIn(Schema):
    """A member's own setting of one tier; a value left out (or null) follows the workspace."""

    cadence_days: Whole | None = Field(default=None, ge=1, le=MAX_CADENCE_DAYS)
    minutes: Whole | None = Field(default=None, ge=MIN_MINUTES, le=MAX_MINUTES)


class BudgetIn(Schema):
    """The caller's whole budget (PUT replaces it): hours per month, and optionally the split
    between operational, personal and strategic networking (all three summing to 100, or none),
    their own tier settings, and whether other members may read it."""

    hours_per_month: Whole = Field(ge=1, le=MAX_HOURS_PER_MONTH)
    operational_percent: Whole | None = Field(default=None, ge=0, le=100)
    personal_percent: Whole | None = Field(default=None, ge=0, le=100)
    strategic_percent: Whole | None = Field(default=None, ge=0, le=100)
    tiers: dict[Tier, BudgetTierIn] = Field(default_factory=dict)
    shared: bool = False


class BudgetTierOut(Schema):
    """One tier as it applies: cadence in days and usual length in minutes, where each comes
    from (`built-in`, `workspace` or `member`), and what one tie of it costs in hours a month."""

    tier: str
    label: str
    cadence_days: int
    minutes: int
    cadence_source: str
    minutes_source: str
    hours_per_tie: float


class BudgetTiersOut(Schema):
    """The workspace's tiers, and the caller's own (the workspace's with their overrides)."""

    workspace: list[BudgetTierOut]
    mine: list[BudgetTierOut]


class BudgetTieCostOut(Schema):
    """One planned tie's cost: hours per month = (30.4375 / cadence_days) × minutes / 60.
    `minutes_basis`: `logged` (median of 3+ logged lengths), `kind` (its most common kind's
    usual length) or `tier`. `goals`: the open goals it serves (ids)."""

    tie: int
    source: int
    target: int
    status: str
    counterpart: int
    counterpart_name: str
    sector: str
    tier: str
    tier_set: bool
    cadence_days: int
    cadence_from_tier: bool
    minutes: float
    minutes_basis: str
    hours: float
    goals: list[int]


class BudgetShareOut(Schema):
    """One row of a split of the planned hours: a tier, sector or goal (its id as text)."""

    key: str
    label: str
    ties: int
    hours: float
    percent: float


class BudgetMonthOut(Schema):
    """The hours logged in one calendar month (its first day), in the workspace's time zone."""

    month: dt.date
    hours: float
    interactions: int


class BudgetSplitOut(Schema):
    """The budget's split between the three kinds of networking, in percent."""

    operational: int
    personal: int
    strategic: int


class BudgetOut(Schema):
    """A member's budget and its summary; hours are per month. `planned_hours`: the sum of the
    costs of the active and prospect ties they own; `actual`: the last 12 months, oldest first;
    `unaligned`: the ties serving no open goal (ids), the costliest first."""

    member: int
    member_name: str
    hours_per_month: int | None
    split: BudgetSplitOut | None
    shared: bool
    tier_overrides: dict[str, dict[str, int]]
    planned_hours: float
    planned_percent: float | None
    over_budget: bool
    average_actual: float
    unaligned_hours: float
    actual: list[BudgetMonthOut]
    by_tier: list[BudgetShareOut]
    by_sector: list[BudgetShareOut]
    by_goal: list[BudgetShareOut]
    unaligned: list[int]
    ties: list[BudgetTieCostOut]
    tiers: list[BudgetTierOut]


class BudgetMemberOut(Schema):
    """A member whose budget the caller may read (their own, or one shared)."""

    id: int
    name: str
    shared: bool


def _tier(rule: budget.TierRule) -> dict[str, Any]:
    return {
        "tier": rule.tier,
        "label": rule.label,
        "cadence_days": rule.cadence_days,
        "minutes": rule.minutes,
        "cadence_source": rule.cadence_source,
        "minutes_source": rule.minutes_source,
        "hours_per_tie": round(rule.hours_per_tie, 4),
    }


def _share(share: budget.Share) -> dict[str, Any]:
    return {
        "key": share.key,
        "label": share.label,
        "ties": share.ties,
        "hours": round(share.hours, 4),
        "percent": round(share.percent, 2),
    }


def budget_out(summary: budget.BudgetSummary) -> dict[str, Any]:
    """The summary as BudgetOut (rounded to 4 decimals of an hour, 2 of a percent)."""
    mine = summary.budget
    percent = summary.planned_percent
    return {
        "member": summary.member.pk,
        "member_name": summary.member.user.display_name,
        "hours_per_month": summary.hours_per_month,
        "split": mine.split if mine is not None else None,
        "shared": bool(mine and mine.shared),
        "tier_overrides": mine.tiers if mine is not None else {},
        "planned_hours": round(summary.planned_hours, 4),
        "planned_percent": round(percent, 2) if percent is not None else None,
        "over_budget": summary.over_budget,
        "average_actual": round(summary.average_actual, 4),
        "unaligned_hours": round(summary.unaligned_hours, 4),
        "actual": [
            {"month": m.month, "hours": round(m.hours, 4), "interactions": m.interactions}
            for m in summary.actual
        ],
        "by_tier": [_share(s) for s in summary.by_tier],
        "by_sector": [_share(s) for s in summary.by_sector],
        "by_goal": [_share(s) for s in summary.by_goal],
        "unaligned": [c.tie.pk for c in summary.unaligned],
        "ties": [
            {
                "tie": c.tie.pk,
                "source": c.tie.source_id,
                "target": c.tie.target_id,
                "status": c.tie.status,
                "counterpart": c.counterpart.pk,
                "counterpart_name": c.counterpart.name,
                "sector": c.sector,
                "tier": c.tier,
                "tier_set": c.tier_set,
                "cadence_days": c.cadence_days,
                "cadence_from_tier": c.cadence_from_tier,
                "minutes": c.minutes,
                "minutes_basis": c.minutes_basis,
                "hours": round(c.hours, 4),
                "goals": list(c.goal_ids),
            }
            for c in summary.costs
        ],
        "tiers": [_tier(rule) for rule in summary.tiers.values()],
    }


@router.get("/{slug}/budget", response=BudgetOut, tags=TAGS, url_name="budget_mine")
def my_budget(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The caller's own budget and its summary (hours null before they set one)."""
    member = api_member(request, slug)
    return budget_out(budget.budget_summary(member))


@router.put("/{slug}/budget", response=BudgetOut, tags=TAGS, url_name="budget_mine")
def save_my_budget(request: HttpRequest, slug: str, payload: BudgetIn) -> dict[str, Any]:
    """Set the caller's own budget (any role: viewers plan their own time too)."""
    member = api_member(request, slug)
    data = payload.dict()
    data["tiers"] = {
        str(tier): {name: value for name, value in entry.items() if value is not None}
        for tier, entry in data["tiers"].items()
    }
    budget.save_budget(member, data)
    return budget_out(budget.budget_summary(member))


@router.get(
    "/{slug}/budget/members", response=list[BudgetMemberOut], tags=TAGS, url_name="budget_members"
)
def budget_members(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """The members whose budgets the caller may read: their own if set, then the shared ones."""
    member = api_member(request, slug)
    return [
        {"id": m.pk, "name": m.user.display_name, "shared": m.time_budget.shared}
        for m in budget.members_sharing(member)
    ]


@router.get(
    "/{slug}/budget/members/{int:member_id}",
    response=BudgetOut,
    tags=TAGS,
    url_name="budget_member",
)
def member_budget(request: HttpRequest, slug: str, member_id: int) -> dict[str, Any]:
    """A member's budget and summary: the caller's own, or another's they share (404 otherwise)."""
    member = api_member(request, slug)
    return budget_out(budget.budget_summary(member, member_id))


@router.get("/{slug}/budget/tiers", response=BudgetTiersOut, tags=TAGS, url_name="budget_tiers")
def tiers(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The workspace's tiers (its defaults over the built-in ones) and the caller's own."""
    member = api_member(request, slug)
    rules = budget.workspace_tiers(member.workspace)
    mine = budget.member_tiers(rules, budget.get_budget(member))
    return {
        "workspace": [_tier(rule) for rule in rules.values()],
        "mine": [_tier(rule) for rule in mine.values()],
    }


@router.get(
    "/{slug}/budget/introductions",
    response=IntroductionsOut,
    tags=TAGS,
    url_name="budget_introductions",
)
def budget_introductions(
    request: HttpRequest,
    slug: str,
    stakeholder: QueryId | None = None,
    sector: str | None = None,
    community: QueryInt | None = None,
    value_type: str | None = None,
    limit: QueryInt = introductions.DEFAULT_LIMIT,
) -> dict[str, Any]:
    """Who can introduce the caller to a stakeholder, or to anyone in a sector, a community of
    the last network analysis or a value type (exactly one): the best paths from the people they
    know over active ties, through at most 2 people (strategy/introductions.py). 404 for a
    stakeholder not in the workspace; 422 naming the parameter otherwise (one given twice too)."""
    member = api_member(request, slug)
    try:
        query_checked(request.GET, [*introductions.TARGET_KINDS, "limit"])
        answer = introductions.introductions(
            member,
            stakeholder=stakeholder,
            sector=sector,
            community=community,
            value_type=value_type,
            limit=limit,
        )
    except ValidationError as error:
        raise in_query(error) from None
    return introductions_out(answer)


@router.get("/{slug}/budget/next", response=NextBestOut, tags=TAGS, url_name="budget_next")
def budget_next(
    request: HttpRequest,
    slug: str,
    w_goals: float | None = None,
    w_diversity: float | None = None,
    w_bridging: float | None = None,
    limit: QueryInt = next_best.DEFAULT_LIMIT,
) -> dict[str, Any]:
    """The relationships the caller could start that would most raise goal coverage, sector
    diversity and bridging (weights 0–10, 1 by default), each with who can introduce them, and
    the diversity check of their own network (strategy/next_best.py)."""
    member = api_member(request, slug)
    try:
        query_checked(request.GET, [*(f"w_{name}" for name in next_best.WEIGHTS), "limit"])
        weights = next_best.weights_from(
            {"w_goals": w_goals, "w_diversity": w_diversity, "w_bridging": w_bridging}
        )
        found = next_best.next_best(member, weights=weights, limit=limit)
    except ValidationError as error:
        raise in_query(error) from None
    return next_best_out(found)
