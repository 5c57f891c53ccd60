"""The next best relationship to start, and the diversity check of a member's own network.

A member's own network: the people they know (`introductions.reach_graph`: the outside
counterparts of the active ties they own). Candidates: the workspace's live outsiders (not
`is_internal`) they do not know yet. Each candidate gets three gains:

- goal coverage: for the open goals (active or paused) linked to the candidate, 1 for each goal
  nobody the member knows is linked to, plus, for the others, the rise in the goal's coverage
  (the share of its stakeholders the member knows: 1/n for a goal of n stakeholders); plus 1 for
  each value type needed by open partnerships (not closed) that the candidate offers and nobody
  the member knows offers;
- sector diversity: the sectors the candidate adds (1 for a sector missing from the member's
  network, else 0) plus the rise of the Blau index 1 − Σ p_k² of the network by sector if the
  candidate were added (Blau 1977; a fall counts 0). A candidate in a missing sector always gains
  most: the Blau rise is below 1, and it is largest for a missing sector anyway (adding to a
  sector of n_j people lowers Σ n_k² by less the smaller n_j is, and n_j = 0 is smallest).
  Counting the sector first matters for a member who knows nobody or one sector alone: a
  network of one sector has Blau 0 with or without another person of it, and so does a network
  of one person, so the Blau rise of their first person is 0 whoever it is;
- bridging a structural hole: the structural holes of the workspace's last finished network
  analysis (between communities and between sectors: pairs with few ties, DESIGN.md) that list
  the candidate among their bridges (ties into both sides) and that nobody the member knows
  bridges already (`stored_analysis`: however stale, never queued from here). Before any
  analysis: the sectors the candidate has active ties into that nobody the member knows is in,
  counted when those ties reach two sectors or more.

Score = Σ weight × gain ÷ the largest such gain among the candidates (each gain scaled to 0–1;
a gain nobody has counts 0); weights default to 1 and go from 0 to 10. Candidates with no gain
are left out (so all three weights 0 list nobody, and a note says why). Order: score, then the best introduction's trust product (reachable first), then
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
    stored_analysis,
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


@dataclass
class Candidate:
    """A relationship to start: the stakeholder; the open goals linked to them (those nobody the
    member knows serves first, `uncovered_goals` of them) and the needs of open partnerships they
    offer that nobody the member knows offers; `goal_gain` = uncovered goals + the rise in
    coverage (share of its stakeholders known) of the others + needs; `diversity_gain` = 1 for
    a missing sector + the Blau rise (≥ 0) from `blau_before` to `blau_after`; the holes
    (or sectors) they would bridge; the score, the reason in one sentence, and the best
    introduction (None when nobody can introduce them)."""

    id: int
    name: str
    sector: str
    goals: tuple[str, ...]
    uncovered_goals: int
    needs: tuple[str, ...]
    goal_gain: float
    diversity_gain: float
    missing_sector: bool
    bridges: tuple[str, ...]
    blau_before: float = 0.0
    blau_after: float = 0.0
    score: float = 0.0
    reason: str = ""
    introduction: IntroductionPath | None = None


@dataclass
class NextBest:
    """The next best relationships and the diversity check of the member's own network
    (`diversity`, with `sector_labels` to name its keys); `grouping` says what bridging counts:
    "holes" (the last network analysis's structural holes) or "sectors" (before any)."""

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
    needed = _open_needs(member)
    offered = {o for sid in known for o in nodes[sid].offers}
    unmet = needed - offered

    stored = stored_analysis(member, graph.sector_labels)
    notes: list[str] = []
    if stored is not None:
        grouping = "holes"
        # A hole some known person bridges already is spanned by the member's network.
        open_holes = [(label, ids) for label, ids in stored.holes if not ids & known.keys()]

        def bridges_of(sid: int) -> tuple[str, ...]:
            return tuple(label for label, ids in open_holes if sid in ids)
    else:
        grouping = "sectors"
        notes.append(
            "No network analysis has finished yet: bridges are counted between sectors, not "
            "the analysis's structural holes."
        )
        reached = {nodes[sid].sector for sid in known}

        def bridges_of(sid: int) -> tuple[str, ...]:
            touched = {nodes[n].sector for n in graph.neighbours(sid)}
            if len(touched) < 2:
                return ()
            return tuple(sorted(graph.sector_label(s) for s in touched - reached))

    goal_sizes = Counter(g for goals in goals_of.values() for g in goals)
    covered = {g for sid in known for g in goals_of.get(sid, ())}
    rows: list[Candidate] = []
    for node in nodes.values():
        if node.is_internal or node.id in known:
            continue
        mine = sorted(goals_of.get(node.id, ()), key=lambda g: (g in covered, goal_names[g]))
        uncovered = sum(1 for g in mine if g not in covered)
        needs = tuple(str(ValueType(v).label) for v in sorted(unmet & set(node.offers)))
        rise = sum(1 / goal_sizes[g] for g in mine if g in covered)
        rows.append(
            Candidate(
                id=node.id,
                name=node.name,
                sector=node.sector,
                goals=tuple(goal_names[g] for g in mine),
                uncovered_goals=uncovered,
                needs=needs,
                goal_gain=uncovered + rise + len(needs),
                diversity_gain=diversity_gain(known_sectors, node.sector, before),
                missing_sector=node.sector not in known_sectors,
                bridges=bridges_of(node.id),
                blau_before=before,
                blau_after=blau(known_sectors + Counter([node.sector])),
            )
        )
    tops = {
        "goals": max((r.goal_gain for r in rows), default=0.0),
        "diversity": max((r.diversity_gain for r in rows), default=0.0),
        "bridging": max((len(r.bridges) for r in rows), default=0),
    }

    def scaled(name: str, value: float) -> float:
        return chosen[name] * value / tops[name] if tops[name] > 0 else 0.0

    for row in rows:
        row.score = (
            scaled("goals", row.goal_gain)
            + scaled("diversity", row.diversity_gain)
            + scaled("bridging", len(row.bridges))
        )
    scored = [row for row in rows if row.score > 0]
    raws = best_raw(graph, [row.id for row in scored])

    def order(row: Candidate) -> tuple[float, float, str, int]:
        raw = raws.get(row.id)
        product = path_product(graph, raw) if raw else -1.0
        return (-row.score, -product, row.name.casefold(), row.id)

    scored.sort(key=order)
    shown = scored[:limit]
    paths = describe(graph, [raws[row.id] for row in shown if row.id in raws])
    best = {path.target.id: path for path in paths}
    for row in shown:
        row.introduction = best.get(row.id)
        row.reason = _reason(graph, row, known_sectors, grouping)
    candidates = shown
    if not known:
        notes.insert(
            0,
            "You know nobody yet (you own no active ties to anyone outside the city), so every "
            "sector is missing from your network and anyone brings one; nobody can introduce you "
            "until you know someone.",
        )
    if all(chosen[name] == 0 for name in WEIGHTS):
        notes.insert(0, ALL_ZERO)
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


#: Why nobody is listed when every weight is 0.
ALL_ZERO = (
    "All three weights are 0, so every candidate scores 0 and nobody is listed: give at least "
    "one weight above 0."
)


def diversity_gain(known_sectors: Mapping[str, int], sector: str, before: float) -> float:
    """The sector-diversity gain of adding one person of `sector` to a network of
    `known_sectors` (counts per sector) whose Blau index is `before`: 1 when the sector is
    missing from it, plus the Blau rise when positive (module docstring). E.g. nobody known:
    1.0 for anyone; {"business": 2}: 1.5 for someone in media (Blau 0 → 0.444…), 0 for
    someone in business."""
    rise = blau(Counter(known_sectors) + Counter([sector])) - before
    return (0.0 if known_sectors.get(sector) else 1.0) + max(rise, 0.0)


def ordinal(number: int) -> str:
    """1st, 2nd, 3rd, 4th, … 11th, 12th, 13th, 21st."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(number % 10, 'th') }"


def blau_change(before: float, after: float) -> str | None:
    """ "Blau 0.884 → 0.887": to 3 decimals, or as many more (up to 6) as it takes for the two
    to differ; None for a change too small to show (under 0.000001) or none."""
    if after - before < 1e-6:
        return None
    for places in range(3, 7):
        old, new = f"{before:.{places}f}", f"{after:.{places}f}"
        if old != new:
            return f"Blau {old} → {new}"
    return None


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


def _reason(graph: ReachGraph, row: Candidate, known_sectors: Counter[str], grouping: str) -> str:
    parts = []
    if row.goals:
        count = len(row.goals)
        shown = "; ".join(f"“{g}”" for g in row.goals[:2]) + (" …" if count > 2 else "")
        goals = f"{count} open goal{'s' * (count != 1)}"
        if row.uncovered_goals == count:
            text = f"is a stakeholder of {goals} nobody you know serves ({shown})"
        elif row.uncovered_goals:
            text = (
                f"is a stakeholder of {goals} ({shown}), {row.uncovered_goals} of which "
                "nobody you know serves"
            )
        else:
            text = f"is a stakeholder of {goals} ({shown})"
        parts.append(text)
    if row.needs:
        parts.append(
            f"offers what open partnerships need and your network lacks ({', '.join(row.needs)})"
        )
    label = graph.sector_label(row.sector)
    if not known_sectors:
        parts.append(f"would be the first person you know, in {label}")
    elif row.sector not in known_sectors:
        parts.append(f"adds a {ordinal(len(known_sectors) + 1)} sector to your network ({label})")
    elif change := blau_change(row.blau_before, row.blau_after):
        parts.append(f"evens out your network's sectors ({label}: {change})")
    if row.bridges:
        count = len(row.bridges)
        listed = "; ".join(row.bridges[:2]) + (" …" if count > 2 else "")
        if grouping == "holes":
            parts.append(
                f"could bridge {count} structural hole{'s' * (count != 1)} your network does not "
                f"span ({listed})"
            )
        else:
            parts.append(f"has ties into {count} sectors your network does not reach ({listed})")
    if not parts:
        return f"{row.name} adds little that you lack."
    body = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{row.name} {body}."
