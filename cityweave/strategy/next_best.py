"""The next best relationship to start, and the diversity check of a member's own network.

A member's own network: the people they know (`introductions.reach_graph`: the outside
counterparts of the active ties they own). Candidates: the workspace's live outsiders (not
`is_internal`) they do not know yet. Each candidate gets three gains:

- goal coverage: the open goals (active or paused) linked to the candidate that nobody the
  member knows is linked to, plus the value types of open partnerships' needs (partnership not
  closed) that the candidate offers and nobody the member knows offers; a count;
- sector diversity: the rise of the Blau index 1 − Σ p_k² of the member's network by sector if
  the candidate were added (Blau 1977). A candidate in a missing sector always gains most: adding
  to a sector of n_j people lowers Σ n_k² by less the smaller n_j is, and n_j = 0 is smallest;
- bridging a structural hole: the groups the candidate has active ties into that nobody the
  member knows is in, counted when the candidate's ties reach two groups or more (a bridge, as
  DESIGN.md's structural holes between groups). Groups are the Leiden communities of the
  workspace's last finished network analysis when one is stored (`stored_communities`: however
  stale, never queued from here), else sectors.

Score = Σ weight × gain ÷ the largest such gain among the candidates (each gain scaled to 0–1;
a gain nobody has counts 0); weights default to 1 and go from 0 to 10. Candidates with no gain
are left out. Order: score, then the best introduction's trust product (reachable first), then
name. Queries: the reach graph's 3, open goals' links, open needs, the stored analysis (2), and
the introductions of those listed (loads and organisations, 2): 9.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from cityweave.analytics.groups import diversity, group_codes
from cityweave.goals.models import Goal
from cityweave.goals.services import OPEN_STATUSES
from cityweave.partnerships.models import Need, Partnership
from cityweave.strategy.introductions import (
    IntroductionPath,
    ReachGraph,
    best_raw,
    describe,
    path_product,
    reach_graph,
    stored_communities,
)
from cityweave.vocabulary import ValueType
from cityweave.workspaces.models import Membership

#: The candidates listed unless asked otherwise, and the most a caller may ask for.
DEFAULT_LIMIT, MAX_LIMIT = 20, 100
#: The weights' range; each defaults to 1.
MAX_WEIGHT = 10.0
WEIGHTS = ("goals", "diversity", "bridging")


@dataclass(frozen=True)
class SectorDiversity:
    """A set of stakeholders by sector: the Blau index 1 − Σ p_k² (None for an empty set; 0 when
    all share one sector; at most 1 − 1/k over k sectors), the count in each sector present (most
    first), and the sectors of `all_sectors` missing, in that list's order."""

    blau: float | None
    counts: dict[str, int]
    missing: list[str]

    @property
    def present(self) -> list[str]:
        return list(self.counts)


def sector_diversity(sectors: Iterable[str], all_sectors: Sequence[str]) -> SectorDiversity:
    """The diversity by sector of a set of stakeholders given by their `sectors` (one key per
    stakeholder), against the workspace's `all_sectors` (keys). Blau (1977) index, as
    cityweave.analytics.groups.diversity computes it. E.g. ["business", "business", "media"]:
    1 − (2/3)² − (1/3)² = 0.444…"""
    values = [s for s in sectors if s]
    result = diversity(group_codes(values), all_sectors)
    counts = Counter(values)
    ordered = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return SectorDiversity(result.blau_index, ordered, result.missing)


def blau(counts: Mapping[str, int]) -> float:
    """1 − Σ p_k² over the counts (0 for none)."""
    total = sum(counts.values())
    return 1 - sum((n / total) ** 2 for n in counts.values()) if total else 0.0


@dataclass(frozen=True)
class Candidate:
    """A relationship to start: the stakeholder, its gains (goals and needs it would serve that
    nobody the member knows serves; the Blau rise; the groups it would bridge to), its score,
    the reason in one sentence and the best introduction (None when nobody can introduce it)."""

    id: int
    name: str
    sector: str
    goals: tuple[str, ...]
    needs: tuple[str, ...]
    diversity_gain: float
    missing_sector: bool
    bridges: tuple[str, ...]
    score: float
    reason: str
    introduction: IntroductionPath | None

    @property
    def goal_gain(self) -> int:
        return len(self.goals) + len(self.needs)


@dataclass
class NextBest:
    """The next best relationships and the diversity check of the member's own network
    (`diversity`, with `sector_labels` to name its keys); `grouping` says what bridges are
    between ("communities" or "sectors")."""

    candidates: list[Candidate]
    considered: int
    known: int
    diversity: SectorDiversity
    sector_labels: dict[str, str]
    weights: dict[str, float]
    grouping: str
    analysed: bool = False
    notes: list[str] = field(default_factory=list)

    def label(self, sector: str) -> str:
        return self.sector_labels.get(sector, sector)


def weights_from(values: Mapping[str, object]) -> dict[str, float]:
    """The weights from query parameters `w_goals`, `w_diversity`, `w_bridging` (numbers 0 to
    MAX_WEIGHT; a missing or blank one is 1). ValidationError naming the parameter."""
    weights: dict[str, float] = {}
    errors: dict[str, str] = {}
    for name in WEIGHTS:
        raw = values.get(f"w_{name}")
        if raw in (None, ""):
            weights[name] = 1.0
            continue
        try:
            number = float(str(raw))
        except ValueError:
            number = float("nan")
        if not 0 <= number <= MAX_WEIGHT:
            errors[f"w_{name}"] = f"Give a weight from 0 to {MAX_WEIGHT:g}."
            continue
        weights[name] = number
    if errors:
        raise ValidationError(errors)
    return weights


def next_best(
    member: Membership,
    *,
    weights: Mapping[str, float] | None = None,
    limit: int = DEFAULT_LIMIT,
) -> NextBest:
    """The relationships the member could start that would most raise goal coverage, sector
    diversity and bridging (module docstring), best `limit` first, each with who can introduce
    them; and the diversity check of their own network. ValidationError naming `limit` (1 to
    MAX_LIMIT) or a weight (`weights_from`)."""
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError({"limit": f"Ask for 1 to {MAX_LIMIT} candidates."})
    chosen = dict.fromkeys(WEIGHTS, 1.0) | dict(weights or {})
    graph = reach_graph(member)
    nodes, known = graph.nodes, graph.known
    all_sectors = list(graph.sector_labels)
    known_sectors = Counter(nodes[sid].sector for sid in known)
    check = sector_diversity((nodes[sid].sector for sid in known), all_sectors)
    before = blau(known_sectors)

    goal_names, goals_of = _open_goals(member)
    served_goals = {g for sid in known for g in goals_of.get(sid, ())}
    needed = _open_needs(member)
    offered = {o for sid in known for o in nodes[sid].offers}
    unmet = needed - offered

    stored = stored_communities(member)
    notes: list[str] = []
    if stored is not None and stored[1]:
        membership, names = stored
        grouping = "communities"

        def group(sid: int) -> str | None:
            number = membership.get(sid)
            return names[number - 1] if number and number <= len(names) else None
    else:
        grouping = "sectors"
        notes.append(
            "No network analysis has finished yet: bridges are counted between sectors, not "
            "communities."
        )

        def group(sid: int) -> str | None:
            return graph.sector_label(nodes[sid].sector)

    reached = {group(sid) for sid in known} - {None}

    rows = []
    for node in nodes.values():
        if node.is_internal or node.id in known:
            continue
        goals = tuple(
            sorted(goal_names[g] for g in goals_of.get(node.id, ()) if g not in served_goals)
        )
        needs = tuple(str(ValueType(v).label) for v in sorted(unmet & set(node.offers)))
        gain = blau(known_sectors + Counter([node.sector])) - before
        touched = {group(n) for n in graph.neighbours(node.id)} - {None}
        bridges = tuple(sorted(g for g in touched - reached if g)) if len(touched) >= 2 else ()
        rows.append((node, goals, needs, gain, bridges))
    tops = {
        "goals": max((len(r[1]) + len(r[2]) for r in rows), default=0),
        "diversity": max((r[3] for r in rows), default=0.0),
        "bridging": max((len(r[4]) for r in rows), default=0),
    }

    def scaled(name: str, value: float) -> float:
        return chosen[name] * value / tops[name] if tops[name] > 0 else 0.0

    scored = []
    for node, goals, needs, gain, bridges in rows:
        score = (
            scaled("goals", len(goals) + len(needs))
            + scaled("diversity", max(gain, 0.0))
            + scaled("bridging", len(bridges))
        )
        if score > 0:
            scored.append((score, node, goals, needs, gain, bridges))
    raws = best_raw(graph, [row[1].id for row in scored])

    def order(row: tuple) -> tuple:  # type: ignore[type-arg]
        raw = raws.get(row[1].id)
        product = path_product(graph, raw) if raw else -1.0
        return (-row[0], -product, row[1].name.casefold(), row[1].id)

    scored.sort(key=order)
    shown = scored[:limit]
    paths = describe(graph, [raws[row[1].id] for row in shown if row[1].id in raws])
    best = {path.target.id: path for path in paths}
    candidates = [
        Candidate(
            id=node.id,
            name=node.name,
            sector=node.sector,
            goals=goals,
            needs=needs,
            diversity_gain=gain,
            missing_sector=node.sector not in known_sectors,
            bridges=bridges,
            score=score,
            reason=_reason(
                graph, node.name, node.sector, goals, needs, gain, known_sectors, bridges, grouping
            ),
            introduction=best.get(node.id),
        )
        for score, node, goals, needs, gain, bridges in shown
    ]
    return NextBest(
        candidates=candidates,
        considered=len(rows),
        known=len(known),
        diversity=check,
        sector_labels=graph.sector_labels,
        weights=chosen,
        grouping=grouping,
        analysed=stored is not None,
        notes=notes,
    )


def _open_goals(member: Membership) -> tuple[dict[int, str], dict[int, set[int]]]:
    """One query: the open goals' statements, and the open goals of each stakeholder."""
    through = Goal.stakeholders.through
    rows = through.objects.filter(
        goal__workspace_id=member.workspace_id,
        goal__deleted_at__isnull=True,
        goal__status__in=OPEN_STATUSES,
    ).values_list("goal_id", "goal__statement", "stakeholder_id")
    names: dict[int, str] = {}
    goals_of: dict[int, set[int]] = {}
    for goal_id, statement, stakeholder_id in rows:
        names[goal_id] = statement
        goals_of.setdefault(stakeholder_id, set()).add(goal_id)
    return names, goals_of


def _open_needs(member: Membership) -> set[str]:
    """One query: the value types needed by the workspace's partnerships that are not closed."""
    return set(
        Need.objects.filter(
            workspace_id=member.workspace_id,
            partnership__deleted_at__isnull=True,
        )
        .exclude(partnership__status=Partnership.Status.CLOSED)
        .values_list("value_type", flat=True)
        .distinct()
    )


def _reason(
    graph: ReachGraph,
    name: str,
    sector: str,
    goals: tuple[str, ...],
    needs: tuple[str, ...],
    gain: float,
    known_sectors: Counter[str],
    bridges: tuple[str, ...],
    grouping: str,
) -> str:
    parts = []
    if goals:
        shown = "; ".join(f"“{g}”" for g in goals[:2]) + (" …" if len(goals) > 2 else "")
        parts.append(
            f"serves {len(goals)} open goal{'s' * (len(goals) != 1)} nobody you know serves ({shown})"
        )
    if needs:
        parts.append(
            f"offers what open partnerships need and your network lacks ({', '.join(needs)})"
        )
    label = graph.sector_label(sector)
    if sector not in known_sectors:
        parts.append(f"brings a sector missing from your network ({label})")
    elif gain > 0:
        parts.append(f"raises your network's sector diversity by {gain:.3f} ({label})")
    if bridges:
        kind = "communities" if grouping == "communities" else "sectors"
        parts.append(
            f"has ties into {len(bridges)} {kind} your network does not reach ({', '.join(bridges[:3])}"
            + (" …)" if len(bridges) > 3 else ")")
        )
    if not parts:
        return f"{name} adds little that you lack."
    body = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{name} {body}."
