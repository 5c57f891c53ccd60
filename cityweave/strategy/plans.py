"""A member's relationship plans: the weights they value ties by, the plans proposed for them
(saved, so the page, the API and the CLI show the same one), and accepting a plan, in whole or
line by line, which writes the ties' cadences, statuses and tiers. Pages, the API and the CLI all
call these; the optimiser itself is cityweave.strategy.planning.

Who may do what:
- A member's weights and plans are their own, as their budget is: any role, viewers included,
  sets their weights and asks for a plan (it writes nothing but the plan). Other members of the
  workspace read a member's latest plan only when the member shares their budget; otherwise,
  and from another workspace, it answers 404.
- Accepting writes the ties (workspace records every member reads, that health and the digest
  follow), so it needs what changing a tie needs: an editor or an owner. And only the plan's own
  member accepts their plan; another's plan answers 404.

Accepting a line ("move"):
- keep close / keep active / maintain: the tie's `cadence_days` becomes the tier's cadence (its
  `max_cadence_days` is cleared when it would fall below that), a dormant tie becomes active
  (a prospect stays a prospect), and the tie is put in that tier by hand (`TieTier`);
- reach through a broker / let rest: the tie becomes dormant, the codebase's "set aside on
  purpose": no health, not in the planned hours.
Each accepted line keeps what the tie was (`previous`), so it can be reverted.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from cityweave.stakeholders.models import Tie
from cityweave.strategy import budget
from cityweave.strategy.models import Plan, PlanLineRecord, TieTier, TimeBudget
from cityweave.strategy.next_best import sector_diversity
from cityweave.strategy.planning import KEPT, Proposal, Weights, propose_plan
from cityweave.workspaces.models import Membership
from cityweave.workspaces.services import require_editor
from cityweave.workspaces.signals import records_changed

# ----------------------------------------------------------------------------------------------
# Weights


def plan_weights(member: Membership, saved: TimeBudget | None = None) -> Weights:
    """The weights the member's plans use: their own (`TimeBudget.plan_weights`) over the
    defaults of `Weights`; the defaults before they set a budget."""
    saved = saved if saved is not None else budget.get_budget(member)
    stored = saved.plan_weights if saved is not None else {}
    try:
        return Weights.from_data(stored if isinstance(stored, dict) else {})
    except ValidationError:
        # A weight renamed or narrowed since it was saved: the defaults rather than a 500.
        return Weights()


@transaction.atomic
def save_plan_weights(member: Membership, data: Mapping[str, Any]) -> Weights:
    """Set the weights of the member's own plans from `data` ({name: number}, the names of
    `Weights.FIELDS`; a name left out goes back to its default). Any role may (it is their own
    plan). Only the weights that differ from the defaults are kept, so a later change of a
    default reaches the others. ValidationError naming each bad weight, or `hours_per_month`
    when the member has no budget yet (the weights are kept with it)."""
    weights = Weights.from_data(data)
    saved = TimeBudget.objects.select_for_update().filter(member=member).first()
    if saved is None:
        raise ValidationError(
            {"hours_per_month": "Set your budget (hours a month) before your plan's weights."}
        )
    defaults = Weights().as_dict()
    saved.plan_weights = {k: v for k, v in weights.as_dict().items() if v != defaults[k]}
    saved.updated_at = timezone.now()
    saved.save(update_fields=["plan_weights", "updated_at"])
    return weights


# ----------------------------------------------------------------------------------------------
# Diversity


@dataclass(frozen=True)
class DiversityChange:
    """The Blau index (1 − Σ p_k², p_k the share of the kept relationships whose counterpart is
    in sector k; None with no kept relationship) of the member's kept counterparts now and in
    the plan, and the workspace's sectors missing among them (keys, in the workspace's order)."""

    blau_before: float | None
    blau_after: float | None
    present_before: int
    present_after: int
    missing_before: list[str]
    missing_after: list[str]

    @property
    def newly_missing(self) -> list[str]:
        return [key for key in self.missing_after if key not in self.missing_before]

    @property
    def newly_present(self) -> list[str]:
        return [key for key in self.missing_before if key not in self.missing_after]


def diversity_change(
    before: Sequence[str], after: Sequence[str], sectors: Iterable[str]
) -> DiversityChange:
    """How a plan changes the diversity of the member's own network by sector (DESIGN.md's
    diversity: Blau index and sectors missing, as `next_best.sector_diversity` reads them).
    `before`, `after`: one sector key per kept relationship; `sectors`: the workspace's keys."""
    expected = list(sectors)
    was, will = sector_diversity(before, expected), sector_diversity(after, expected)
    return DiversityChange(
        was.blau, will.blau, len(was.counts), len(will.counts), was.missing, will.missing
    )


# ----------------------------------------------------------------------------------------------
# Plans


def _target(cover: Any) -> dict[str, Any]:
    return {
        "key": cover.key,
        "kind": cover.kind,
        "label": cover.label,
        "weight": float(cover.weight),
        "before": float(cover.before),
        "after": float(cover.after),
        "route": cover.route,
    }


#: The member's plans with an accepted line that are kept (the latest), so their lines can be
#: reverted; older ones are deleted when a new plan is saved.
ACCEPTED_PLANS_KEPT = 10


@transaction.atomic
def save_proposal(member: Membership, proposal: Proposal) -> Plan:
    """Keep `proposal` as the member's latest plan, with a line per relationship in its order.
    The member's earlier plans with no accepted line are replaced (deleted); the latest
    ACCEPTED_PLANS_KEPT plans with an accepted line stay, so their lines can still be reverted,
    and older ones are deleted. Each line keeps its tie's status and cadence now, to tell later
    whether the tie changed since. Five queries, the deletes' cascades and a bulk insert."""
    Plan.objects.filter(member=member).exclude(lines__accepted_at__isnull=False).delete()
    kept = list(
        Plan.objects.filter(member=member)
        .order_by("-created_at", "-pk")
        .values_list("pk", flat=True)[:ACCEPTED_PLANS_KEPT]
    )
    Plan.objects.filter(member=member).exclude(pk__in=kept).delete()
    plan = Plan.objects.create(
        workspace=member.workspace,
        member=member,
        weights=proposal.weights.as_dict(),
        budget_hours=float(proposal.budget_hours),
        method=proposal.method,
        optimal=proposal.optimal,
        gap=float(proposal.gap),
        bound=float(proposal.bound),
        seconds=float(proposal.seconds),
        value_before=float(proposal.value_before),
        value_after=float(proposal.value_after),
        hours_before=float(proposal.hours_before),
        hours_after=float(proposal.hours_after),
        targets=[_target(cover) for cover in proposal.targets],
        uncovered=[{**_target(cover), "what": what} for cover, what in proposal.uncovered],
        sectors_before=list(proposal.sectors_before),
        sectors_after=list(proposal.sectors_after),
        notes=list(getattr(proposal, "notes", [])),
    )
    found = {
        pk: (status, cadence)
        for pk, status, cadence in Tie.objects.filter(
            workspace=member.workspace, pk__in=[line.tie_id for line in proposal.lines]
        ).values_list("pk", "status", "cadence_days")
    }
    PlanLineRecord.objects.bulk_create(
        [
            PlanLineRecord(
                plan=plan,
                position=position,
                tie_id=line.tie_id,
                counterpart_id=line.counterpart_id,
                counterpart_name=line.counterpart_name[:200],
                sector=line.sector or "",
                tie_status=found.get(line.tie_id, (Tie.Status.ACTIVE, None))[0],
                tie_cadence_days=found.get(line.tie_id, (None, None))[1],
                current=line.current,
                proposed=line.proposed,
                changed=line.changed,
                current_hours=float(line.current_hours),
                proposed_hours=float(line.proposed_hours),
                cadence_days=line.cadence_days,
                broker_id=line.broker_id,
                broker_name=(line.broker_name or "")[:200],
                sentence=line.sentence,
                lost_reach=list(line.lost_reach),
            )
            for position, line in enumerate(proposal.lines)
        ],
        batch_size=500,
    )
    return plan


def propose(
    member: Membership, weights: Weights | None = None, *, time_limit: float | None = None
) -> Plan:
    """Ask the optimiser for a plan of the member's own relationships (with their saved weights
    when `weights` is None) and keep it as their latest. ValidationError {"hours_per_month": …}
    before they set a budget. `time_limit`: seconds, planning.propose_plan's default when None."""
    weights = weights if weights is not None else plan_weights(member)
    options = {} if time_limit is None else {"time_limit": time_limit}
    proposal = propose_plan(member, member, weights, **options)
    return save_proposal(member, proposal)


def _plans(workspace_id: int) -> Any:
    return Plan.objects.filter(workspace_id=workspace_id).select_related(
        "member__user", "member__workspace"
    )


def latest_plan(viewer: Membership, member: Membership | int | None = None) -> Plan | None:
    """The latest plan of `member` (a membership or its id; the viewer's own when None) as the
    viewer may read it, or None when there is none yet. Http404 for another member who does
    not share their budget, or another workspace's member (budget.readable_member)."""
    member_id = member.pk if isinstance(member, Membership) else member
    shown = viewer if member_id is None else budget.readable_member(viewer, member_id)
    return latest_of(shown)


def latest_of(member: Membership) -> Plan | None:
    """The member's latest plan, or None; it does not ask who reads it (latest_plan does)."""
    return _plans(member.workspace_id).filter(member=member).first()  # type: ignore[no-any-return]


def own_plan(member: Membership, plan_id: int) -> Plan:
    """The member's own plan `plan_id`; Http404 for another member's or workspace's."""
    plan = _plans(member.workspace_id).filter(member=member, pk=plan_id).first()
    if plan is None:
        raise Http404("No such plan")
    return plan  # type: ignore[no-any-return]


@dataclass
class PlanLines:
    """A plan's lines as a page shows them: the changed ones (in the plan's order, up to
    `limit`) with their total count, and the unchanged ones' count and hours."""

    changed: list[PlanLineRecord]
    changed_count: int
    unchanged: list[PlanLineRecord]
    unchanged_count: int
    accepted_count: int
    open_count: int = 0
    saved_hours: float = 0.0
    added_hours: float = 0.0


def plan_lines(plan: Plan, *, limit: int | None = None, unchanged_limit: int = 0) -> PlanLines:
    """The plan's lines, changed first: at most `limit` changed (all when None) and
    `unchanged_limit` unchanged ones read in full, the others counted; hours saved and added
    are the changed lines' (hours a month). Three queries whatever the plan's size."""
    lines = PlanLineRecord.objects.filter(plan=plan).order_by("position")
    changed = lines.filter(changed=True)
    shown = PlanLines(
        changed=list(changed[:limit] if limit is not None else changed),
        changed_count=0,
        unchanged=list(lines.filter(changed=False)[:unchanged_limit]) if unchanged_limit else [],
        unchanged_count=0,
        accepted_count=0,
    )
    counts = PlanLineRecord.objects.filter(plan=plan).values_list(
        "changed", "accepted_at", "current_hours", "proposed_hours"
    )
    for is_changed, accepted_at, current, proposed in counts:
        if not is_changed:
            shown.unchanged_count += 1
            continue
        shown.changed_count += 1
        if accepted_at is None:
            shown.open_count += 1
        else:
            shown.accepted_count += 1
        if proposed < current:
            shown.saved_hours += current - proposed
        else:
            shown.added_hours += proposed - current
    return shown


# ----------------------------------------------------------------------------------------------
# Accepting


@dataclass
class Acceptance:
    """What accepting did: the lines accepted, and those refused with the reason for each."""

    accepted: list[PlanLineRecord]
    refused: list[tuple[PlanLineRecord, str]]


def _problem(line: PlanLineRecord, tie: Tie | None, member: Membership) -> str | None:
    """Why `line` cannot be accepted now, or None."""
    name = line.counterpart_name
    if line.accepted_at is not None:
        return f"{name}: already accepted."
    if tie is None or tie.deleted_at is not None:
        return f"{name}: the relationship was deleted or moved to the trash since the plan."
    if tie.owner_id != member.pk:
        return f"{name}: the relationship is no longer yours; propose a new plan."
    if tie.status != line.tie_status:
        return (
            f"{name}: the relationship is {tie.get_status_display().lower()} now, not "
            f"{Tie.Status(line.tie_status).label.lower()} as the plan found it; propose a new plan."
        )
    if tie.cadence_days != line.tie_cadence_days:
        # Accepting would overwrite the cadence the member chose since, without a word.
        return f"{name}: its cadence changed since the plan; propose a new plan."
    return None


@transaction.atomic
def accept_plan(member: Membership, plan: Plan, tie_ids: Iterable[int] | None = None) -> Acceptance:
    """Accept the member's own `plan`: every changed line not yet accepted (`tie_ids` None), or
    the lines of those ties. For each line, in one transaction, the tie is written as the
    module says (cadence, status, tier) and the line keeps what the tie was.

    A line already accepted, or whose tie was deleted, changed owner, ended, or changed status
    or cadence since the plan, is refused (listed with its reason) and the others are accepted.
    PermissionDenied for a viewer (it writes ties); Http404 for another member's plan;
    ValidationError {"tie_ids": …} for a tie that is not a change of this plan, or when nothing
    could be accepted."""
    require_editor(member)
    if plan.member_id != member.pk or plan.workspace_id != member.workspace_id:
        raise Http404("No such plan")
    lines = PlanLineRecord.objects.filter(plan=plan, changed=True).select_for_update()
    if tie_ids is not None:
        wanted = set(tie_ids)
        lines = lines.filter(tie_id__in=wanted)
        found = list(lines.order_by("position"))
        unknown = sorted(wanted - {line.tie_id for line in found})
        if unknown:
            raise ValidationError(
                {"tie_ids": f"Not a change in this plan: {', '.join(map(str, unknown))}."}
            )
    else:
        found = list(lines.filter(accepted_at__isnull=True).order_by("position"))
    ties = {
        tie.pk: tie
        for tie in Tie.all_objects.select_for_update().filter(
            workspace=member.workspace, pk__in=[line.tie_id for line in found]
        )
    }
    tiers = {t.tie_id: t for t in TieTier.objects.filter(tie_id__in=list(ties))}
    result = Acceptance([], [])
    now = timezone.now()
    changed_ties: dict[int, Tie] = {}
    new_tiers: dict[int, TieTier] = {}
    for line in found:
        tie = ties.get(line.tie_id) if line.tie_id is not None else None
        problem = _problem(line, tie, member)
        if problem is not None:
            result.refused.append((line, problem))
            continue
        assert tie is not None
        chosen = tiers.get(tie.pk)
        line.previous = {
            "status": tie.status,
            "cadence_days": tie.cadence_days,
            "max_cadence_days": tie.max_cadence_days,
            "tier": chosen.tier if chosen is not None else None,
        }
        line.accepted_at = now
        _apply(tie, line)
        tie.updated_at = now
        changed_ties[tie.pk] = tie
        if line.proposed in KEPT:
            if chosen is None:
                chosen = new_tiers[tie.pk] = TieTier(
                    workspace_id=tie.workspace_id, tie=tie, tier=line.proposed
                )
            chosen.tier = line.proposed
            tiers[tie.pk] = chosen
        result.accepted.append(line)
    if result.refused and not result.accepted:
        raise ValidationError({"tie_ids": [reason for _, reason in result.refused]})
    # In bulk: a plan may change hundreds of ties, and saving each one by one runs every
    # listener of a tie's save (its last contact, the analysis queue) once per tie.
    Tie.all_objects.bulk_update(
        list(changed_ties.values()),
        ["status", "cadence_days", "max_cadence_days", "updated_at"],
        batch_size=500,
    )
    TieTier.objects.bulk_create(list(new_tiers.values()), batch_size=500)
    TieTier.objects.bulk_update(
        [t for pk, t in tiers.items() if pk in changed_ties and pk not in new_tiers],
        ["tier"],
        batch_size=500,
    )
    PlanLineRecord.objects.bulk_update(result.accepted, ["previous", "accepted_at"], batch_size=500)
    if changed_ties:
        records_changed.send(sender=Tie, workspace=member.workspace, pks=sorted(changed_ties))
    return result


def _apply(tie: Tie, line: PlanLineRecord) -> None:
    """Write one accepted move on its tie, in memory (see the module; accept_plan saves it)."""
    if line.proposed in KEPT:
        tie.cadence_days = line.cadence_days
        if tie.max_cadence_days is not None and (
            tie.cadence_days is None or tie.max_cadence_days < tie.cadence_days
        ):
            tie.max_cadence_days = None
        if tie.status == Tie.Status.DORMANT:
            tie.status = Tie.Status.ACTIVE
    else:
        tie.status = Tie.Status.DORMANT


@transaction.atomic
def revert_line(member: Membership, plan: Plan, tie_id: int) -> PlanLineRecord:
    """Undo an accepted line of the member's own plan: its tie gets back the status, cadence,
    longest gap and tier it had when the line was accepted, and the line can be accepted again.
    PermissionDenied for a viewer; Http404 for another member's plan; ValidationError
    {"tie_id": …} when the line was not accepted, its tie is gone, or the tie changed since
    (another cadence or status, another owner): reverting would undo that change too."""
    require_editor(member)
    if plan.member_id != member.pk or plan.workspace_id != member.workspace_id:
        raise Http404("No such plan")
    line = (
        PlanLineRecord.objects.select_for_update()
        .filter(plan=plan, tie_id=tie_id, changed=True)
        .first()
    )
    if line is None or line.accepted_at is None or not isinstance(line.previous, dict):
        raise ValidationError({"tie_id": "This line of the plan was not accepted."})
    tie = Tie.objects.select_for_update().filter(workspace=member.workspace, pk=tie_id).first()
    if tie is None:
        raise ValidationError(
            {"tie_id": f"{line.counterpart_name}: the relationship was deleted or trashed."}
        )
    if line.proposed in KEPT:
        as_accepted = tie.cadence_days == line.cadence_days and tie.status != Tie.Status.DORMANT
    else:
        as_accepted = tie.status == Tie.Status.DORMANT
    if tie.owner_id != member.pk or not as_accepted:
        # Putting back what it was would undo whatever changed it since.
        raise ValidationError(
            {
                "tie_id": f"{line.counterpart_name}: the relationship changed since you "
                "accepted this line; change it on its own page instead."
            }
        )
    previous = line.previous
    tie.status = previous["status"]
    tie.cadence_days = previous["cadence_days"]
    tie.max_cadence_days = previous["max_cadence_days"]
    tie.save(update_fields=["status", "cadence_days", "max_cadence_days", "updated_at"])
    if previous["tier"] is None:
        TieTier.objects.filter(tie=tie).delete()
    else:
        TieTier.objects.update_or_create(
            tie=tie, defaults={"tier": previous["tier"], "workspace": member.workspace}
        )
    line.accepted_at = None
    line.previous = None
    line.save(update_fields=["previous", "accepted_at"])
    return line
