"""JSON API for relationship plans under /api/v1/workspaces/{slug}/budget/plan.

A member reads their latest plan, asks for a new one and sets their plan's weights whatever
their role (`budget_plan` and `budget_plan_weights` are personal routes:
cityweave.api.PERSONAL_ROUTES); accepting and reverting write ties, so they need an editor or an
owner (403 for a viewer). Another member's latest plan is readable when they share their
budget, 404 otherwise. No `from __future__ import annotations` here: django-ninja reads the
annotations at import time.
"""

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Body, Router, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict, Field, create_model

from cityweave.stakeholders.models import sector_choices
from cityweave.strategy import plans
from cityweave.strategy.models import Plan
from cityweave.strategy.planning import MOVES, Weights
from cityweave.workspaces.api import Id, api_member
from cityweave.workspaces.models import Membership

router = Router()

TAGS = ["strategy"]

#: A weight in a JSON body: a JSON number (an integer is fine), never true, false or "2", NaN
#: or infinity.
Number = Annotated[float, Field(strict=True, allow_inf_nan=False)]


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


def _weights_schema() -> type[Schema]:
    """Every weight of `Weights.FIELDS` as an optional number in its range, with its meaning;
    an unknown name is refused (422 naming it)."""
    fields: dict[str, Any] = {
        name: (
            Number | None,
            Field(default=None, ge=low, le=high, description=f"{label}: {meaning}"),
        )
        for name, (label, meaning, low, high) in Weights.FIELDS.items()
    }
    model = create_model(  # type: ignore[call-overload]
        "PlanWeightsIn",
        __base__=_Strict,
        __doc__="Plan weights by name; a weight left out (or null) takes its default.",
        **fields,
    )
    return model  # type: ignore[no-any-return]


PlanWeightsIn = _weights_schema()


class PlanWeightOut(Schema):
    """One term of a relationship's value: its name, label, meaning, range, default and the
    value the caller's plans use."""

    name: str
    label: str
    meaning: str
    min: float
    max: float
    default: float
    value: float


class PlanProposeIn(_Strict):
    """Ask for a plan: with the caller's saved weights, or these (for this plan only; a weight
    left out takes the saved one). The body may be left out or `{}`; an unknown key is refused
    (422 naming it)."""

    weights: PlanWeightsIn | None = None  # type: ignore[valid-type]


class PlanAcceptIn(_Strict):
    """Accept the latest plan's changes: every open change (`tie_ids` left out or null), or the
    changes of these ties."""

    tie_ids: list[Id] | None = Field(default=None, max_length=10_000)


class PlanRevertIn(_Strict):
    """Undo one accepted change of the latest plan: its tie as it was before."""

    tie_id: Id


class PlanLineOut(Schema):
    """One relationship in the plan. `current`: close, active, maintained, or rest (dormant
    now); `proposed`: close, active, maintained, broker or rest. Hours are per month;
    `cadence_days` is the proposed tier's (null for broker and rest). `lost_reach`: the targets
    whose best route weakens. `accepted_at`: when the member accepted it (null: not yet)."""

    tie: int | None
    counterpart: int | None
    counterpart_name: str
    sector: str
    current: str
    proposed: str
    proposed_label: str
    changed: bool
    current_hours: float
    proposed_hours: float
    cadence_days: int | None
    broker: int | None
    broker_name: str | None
    sentence: str
    lost_reach: list[str]
    accepted_at: dt.datetime | None


class PlanTargetOut(Schema):
    """A target the value counts (an open goal, partnership need, sector or network
    community), its weight, and its best route's strength (0–1) now and in the plan."""

    key: str
    kind: str
    label: str
    weight: float
    before: float
    after: float
    route: str


class PlanUncoveredOut(PlanTargetOut):
    """A target the plan does not reach, and what it would take to reach it."""

    what: str


class PlanDiversityOut(Schema):
    """The diversity of the kept counterparts by sector, now and in the plan: Blau index
    1 − Σ p_k² (null with none kept), sectors present and sectors missing (keys)."""

    blau_before: float | None
    blau_after: float | None
    present_before: int
    present_after: int
    missing_before: list[str]
    missing_after: list[str]


class PlanOut(Schema):
    """A member's latest plan. Values are the weighted sum the weights state; hours are per
    month. `gap` = (bound − value_after) / bound, 0 when `optimal`; `method`: exact (MILP,
    HiGHS) or greedy (with HiGHS's bound). `notes`: what the plan could not take into account.
    `lines`: every relationship, changed first."""

    id: int
    member: int
    member_name: str
    created_at: dt.datetime
    weights: dict[str, float]
    budget_hours: float
    method: str
    optimal: bool
    gap: float
    bound: float
    seconds: float
    value_before: float
    value_after: float
    hours_before: float
    hours_after: float
    changes: int
    accepted: int
    diversity: PlanDiversityOut
    targets: list[PlanTargetOut]
    uncovered: list[PlanUncoveredOut]
    notes: list[str]
    lines: list[PlanLineOut]


class PlanRefusalOut(Schema):
    """A change not accepted, and why."""

    tie: int | None
    reason: str


class PlanAcceptOut(Schema):
    """The ties whose changes were accepted, and those refused with the reason."""

    accepted: list[int]
    refused: list[PlanRefusalOut]


def plan_out(plan: Plan) -> dict[str, Any]:
    """The plan as PlanOut (hours and values rounded to 4 decimals). Three queries: the lines,
    and the workspace's sectors."""
    lines = plans.plan_lines(plan)
    records = [*lines.changed, *plan.lines.filter(changed=False).order_by("position")]
    change = plans.diversity_change(
        plan.sectors_before, plan.sectors_after, dict(sector_choices(plan.member.workspace))
    )
    return {
        "id": plan.pk,
        "member": plan.member_id,
        "member_name": plan.member.user.display_name,
        "created_at": plan.created_at,
        "weights": plan.weights,
        "budget_hours": plan.budget_hours,
        "method": plan.method,
        "optimal": plan.optimal,
        "gap": round(plan.gap, 6),
        "bound": round(plan.bound, 4),
        "seconds": round(plan.seconds, 3),
        "value_before": round(plan.value_before, 4),
        "value_after": round(plan.value_after, 4),
        "hours_before": round(plan.hours_before, 4),
        "hours_after": round(plan.hours_after, 4),
        "changes": lines.changed_count,
        "accepted": lines.accepted_count,
        "diversity": {
            "blau_before": change.blau_before,
            "blau_after": change.blau_after,
            "present_before": change.present_before,
            "present_after": change.present_after,
            "missing_before": change.missing_before,
            "missing_after": change.missing_after,
        },
        "targets": plan.targets,
        "uncovered": plan.uncovered,
        "notes": plan.notes,
        "lines": [
            {
                "tie": line.tie_id,
                "counterpart": line.counterpart_id,
                "counterpart_name": line.counterpart_name,
                "sector": line.sector,
                "current": line.current,
                "proposed": line.proposed,
                "proposed_label": MOVES.get(line.proposed, line.proposed),
                "changed": line.changed,
                "current_hours": round(line.current_hours, 4),
                "proposed_hours": round(line.proposed_hours, 4),
                "cadence_days": line.cadence_days,
                "broker": line.broker_id,
                "broker_name": line.broker_name or None,
                "sentence": line.sentence,
                "lost_reach": line.lost_reach,
                "accepted_at": line.accepted_at,
            }
            for line in records
        ],
    }


def weights_out(member: Membership) -> list[dict[str, Any]]:
    """The caller's plan weights, each with its label, meaning, range and default."""
    mine, defaults = plans.plan_weights(member), Weights()
    return [
        {
            "name": name,
            "label": label,
            "meaning": meaning,
            "min": low,
            "max": high,
            "default": getattr(defaults, name),
            "value": getattr(mine, name),
        }
        for name, (label, meaning, low, high) in Weights.FIELDS.items()
    ]


def _given(weights: Any) -> dict[str, float]:
    """The weights a PlanWeightsIn body gives (those not left out or null)."""
    return {name: value for name, value in weights.dict().items() if value is not None}


def _no_plan_yet(member: Membership) -> HttpError:
    """404 saying how to get a plan."""
    url = reverse("api:budget_plan", args=[member.workspace.slug])
    return HttpError(404, f"No plan yet: POST {url} to propose one.")


def _latest(member: Membership) -> Plan:
    plan = plans.latest_of(member)
    if plan is None:
        raise _no_plan_yet(member)
    return plan


@router.get("/{slug}/budget/plan", response=PlanOut, tags=TAGS, url_name="budget_plan")
def my_plan(request: HttpRequest, slug: str) -> dict[str, Any]:
    """The caller's latest plan (404 saying how to propose one before they have one)."""
    return plan_out(_latest(api_member(request, slug)))


@router.post("/{slug}/budget/plan", response=PlanOut, tags=TAGS, url_name="budget_plan")
def propose_my_plan(
    request: HttpRequest, slug: str, payload: Body[PlanProposeIn | None] = None
) -> dict[str, Any]:
    """Ask for a plan of the caller's relationships within their budget (any role: it writes
    only their own plan) and keep it as their latest; the request waits for the optimiser (10 s
    at most). No body (or `{}`) plans with the saved weights. 422 naming `hours_per_month`
    before they set a budget, a bad weight, or an unknown key."""
    member = api_member(request, slug)
    weights = None
    if payload is not None and payload.weights is not None:
        given = _given(payload.weights)
        weights = Weights.from_data({**plans.plan_weights(member).as_dict(), **given})
    return plan_out(plans.propose(member, weights))


@router.post(
    "/{slug}/budget/plan/accept",
    response=PlanAcceptOut,
    tags=TAGS,
    url_name="budget_plan_accept",
)
def accept_my_plan(request: HttpRequest, slug: str, payload: PlanAcceptIn) -> dict[str, Any]:
    """Accept the caller's latest plan, whole or the changes of `tie_ids`: the ties' cadences,
    statuses and tiers follow it (editors and owners: it writes ties). 422 naming `tie_ids`
    for a tie that is not a change of the plan, or when every change asked for was refused."""
    member = api_member(request, slug, write=True)
    result = plans.accept_plan(member, _latest(member), payload.tie_ids)
    return {
        "accepted": [line.tie_id for line in result.accepted],
        "refused": [{"tie": line.tie_id, "reason": reason} for line, reason in result.refused],
    }


@router.post(
    "/{slug}/budget/plan/revert", response=PlanOut, tags=TAGS, url_name="budget_plan_revert"
)
def revert_my_plan_line(request: HttpRequest, slug: str, payload: PlanRevertIn) -> dict[str, Any]:
    """Undo one accepted change of the caller's latest plan: the tie's status, cadence, longest
    gap and tier as they were (editors and owners)."""
    member = api_member(request, slug, write=True)
    plan = _latest(member)
    plans.revert_line(member, plan, payload.tie_id)
    return plan_out(plan)


@router.get(
    "/{slug}/budget/plan/weights",
    response=list[PlanWeightOut],
    tags=TAGS,
    url_name="budget_plan_weights",
)
def my_plan_weights(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    """Every term and weight of a relationship's value, with the caller's values."""
    return weights_out(api_member(request, slug))


@router.put(
    "/{slug}/budget/plan/weights",
    response=list[PlanWeightOut],
    tags=TAGS,
    url_name="budget_plan_weights",
)
def save_my_plan_weights(
    request: HttpRequest,
    slug: str,
    payload: PlanWeightsIn,  # type: ignore[valid-type]
) -> list[dict[str, Any]]:
    """Set the caller's plan weights (PUT replaces them: a weight left out takes its default);
    any role. 422 naming a bad weight, or `hours_per_month` before they set a budget."""
    member = api_member(request, slug)
    given = _given(payload)
    plans.save_plan_weights(member, given)
    return weights_out(member)


@router.get(
    "/{slug}/budget/members/{int:member_id}/plan",
    response=PlanOut,
    tags=TAGS,
    url_name="budget_member_plan",
)
def member_plan(request: HttpRequest, slug: str, member_id: int) -> dict[str, Any]:
    """A member's latest plan: the caller's own, or another's who shares their budget (404
    otherwise, and when they have none)."""
    viewer = api_member(request, slug)
    plan = plans.latest_plan(viewer, member_id)
    if plan is None:
        if member_id == viewer.pk:
            raise _no_plan_yet(viewer)
        raise HttpError(404, "No plan yet: this member has not proposed one.")
    return plan_out(plan)
