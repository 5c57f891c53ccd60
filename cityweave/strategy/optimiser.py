"""Plan a leader's relationships within their hours: which tier to keep each relationship in.

Plain mathematics on numbers (numpy and scipy, no Django), so it can be tested and benchmarked
on its own; `cityweave.strategy.planning` builds the problem from a workspace.

The problem is a budgeted maximum coverage with tiers, the form of facility location:

- Each relationship r may be kept in one tier t (close, active, maintained: the options it is
  given, each with its cost c_rt in hours per month) or not kept.
- A tier keeps a share of the relationship's worth, its strength s_t (e.g. close 1, active 0.75,
  maintained 0.5).
- Each target k (an open goal, a partnership need, a sector, a community) has a weight w_k, and
  each relationship reaches it with a strength a_rk in [0, 1]: 1 directly, less through others
  (`planning` computes it with Jackson and Wolinsky's decay).
- A target counts once, by its strongest route: a goal already reached through a trusted broker
  gains nothing from a second, weaker tie. Each kept relationship also has a value of its own,
  o_r (its trust, value score and brokerage), scaled by its tier's strength.

    maximise   Σ_k w_k · max_{r kept} s_{t(r)} a_rk  +  Σ_{r kept} (s_{t(r)} o_r − ε)
    subject to Σ_{r kept} c_{r t(r)} ≤ H

ε (`Problem.tie_penalty`) is a tiny price per kept relationship, so that among plans of equal
value the one with the fewest relationships wins ("more is not better").

As a mixed-integer programme (x_rt binary: r kept in t; u_rtk in [0, 1]: k is credited to r in t):

    max  Σ (s_t o_r − ε) x_rt + Σ w_k s_t a_rk u_rtk
    s.t. Σ_t x_rt ≤ 1 (each r),  Σ_{r,t} u_rtk ≤ 1 (each k),  u_rtk ≤ x_rt,  Σ c_rt x_rt ≤ H

`solve` always starts with the greedy plan (cost-effective lazy greedy over tier upgrades, and
the best single move if that alone is better: Khuller, Moss and Naor, "The budgeted maximum
coverage problem", Information Processing Letters 70(1), 1999). When the programme is small
(`EXACT_LIMIT` variables, about 200 relationships) HiGHS solves it exactly (`scipy.optimize.milp`,
branch and bound) within the time left. When it is larger, a Lagrangian bound (`Programme.
lagrangian_bound`) proves how far the greedy plan can be from the optimum; if that is more than
`ACCEPTABLE_GAP`, HiGHS's linear relaxation tightens the bound, and then branch and bound looks
for a better plan in the time left. The best plan found within the time limit is returned, with
its gap against the best bound known.
"""

from __future__ import annotations

import heapq
import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse
from scipy.optimize import Bounds, LinearConstraint, milp

#: The largest programme (binary plus continuous variables) always solved exactly: a leader with
#: 200 relationships reaching 30 targets each in three tiers has about 18,000.
EXACT_LIMIT = 20_000
#: Above EXACT_LIMIT the greedy plan stands when the linear relaxation proves it this close to
#: the optimum (1%); otherwise HiGHS searches for a better one in the time left.
ACCEPTABLE_GAP = 0.01
#: The largest programme whose linear relaxation HiGHS is asked for a bound, when the
#: Lagrangian bound leaves more than ACCEPTABLE_GAP (it takes seconds from about 100,000).
RELAXATION_LIMIT = 300_000
#: The Lagrangian bound stops improving once it proves the plan this close (0.1%).
CLOSE_GAP = 0.001
#: The most time the Lagrangian bound's subgradient search may take.
LAGRANGIAN_SECONDS = 2.0
#: Values within this of each other are equal (HiGHS's own tolerances are about 1e-6).
TOLERANCE = 1e-7
METHODS = ("auto", "exact", "greedy")


@dataclass(frozen=True)
class Relationship:
    """One relationship to plan. `key`: the caller's id. `costs`: hours per month in each tier
    it may be kept in (tier name -> hours > 0). `own_value`: its worth of its own at full
    strength (≥ 0). `reach`: target key -> the strength (0, 1] with which it reaches it."""

    key: int
    costs: Mapping[str, float]
    own_value: float = 0.0
    reach: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    """Relationships, target weights (key -> w ≥ 0), tier strengths (tier -> (0, 1]) and the
    hours per month to spend (H ≥ 0). ValueError on a negative weight or hours, a strength
    outside (0, 1], a cost ≤ 0 or a reach outside (0, 1]."""

    relationships: Sequence[Relationship]
    targets: Mapping[str, float]
    strengths: Mapping[str, float]
    hours: float
    tie_penalty: float = 1e-4

    def __post_init__(self) -> None:
        if not self.hours >= 0 or not math.isfinite(self.hours):
            raise ValueError("hours must be a finite number ≥ 0")
        for tier, strength in self.strengths.items():
            if not 0 < strength <= 1:
                raise ValueError(f"strength of {tier} must be in (0, 1]")
        for key, weight in self.targets.items():
            if not weight >= 0 or not math.isfinite(weight):
                raise ValueError(f"weight of {key} must be a finite number ≥ 0")
        for rel in self.relationships:
            for tier, cost in rel.costs.items():
                if tier not in self.strengths:
                    raise ValueError(f"relationship {rel.key}: unknown tier {tier}")
                if not cost > 0 or not math.isfinite(cost):
                    raise ValueError(f"relationship {rel.key}: cost in {tier} must be > 0")
            for key, strength in rel.reach.items():
                if not 0 < strength <= 1:
                    raise ValueError(f"relationship {rel.key}: reach of {key} must be in (0, 1]")
            if not rel.own_value >= 0 or not math.isfinite(rel.own_value):
                raise ValueError(f"relationship {rel.key}: own value must be ≥ 0")


@dataclass
class Solution:
    """A plan: `tiers` maps each relationship's key to its tier, or None when not kept.
    `value`: the plan's value (without ε); `objective`: with it; `bound`: an upper bound on the
    objective (equal to it when `optimal`); `gap`: (bound − objective) / bound, 0–1; `hours`:
    its cost per month; `method`: "exact" (HiGHS branch and bound) or "greedy";
    `seconds`: the time taken."""

    tiers: dict[int, str | None]
    value: float
    objective: float
    hours: float
    bound: float
    gap: float
    optimal: bool
    method: str
    seconds: float


# ----------------------------------------------------------------------------------------------
# Evaluating a plan


def evaluate(problem: Problem, tiers: Mapping[int, str | None]) -> tuple[float, float, float]:
    """(value, objective, hours) of a plan: `tiers` maps keys to a tier or None (a key left out
    is not kept). ValueError when a relationship is given a tier it has no cost for."""
    best: dict[str, float] = {}
    own = hours = 0.0
    kept = 0
    for rel in problem.relationships:
        tier = tiers.get(rel.key)
        if tier is None:
            continue
        if tier not in rel.costs:
            raise ValueError(f"relationship {rel.key} cannot be kept in {tier}")
        strength = problem.strengths[tier]
        kept += 1
        hours += rel.costs[tier]
        own += strength * rel.own_value
        for key, reach in rel.reach.items():
            if strength * reach > best.get(key, 0.0):
                best[key] = strength * reach
    value = own + sum(problem.targets.get(key, 0.0) * b for key, b in best.items())
    return value, value - problem.tie_penalty * kept, hours


def best_routes(problem: Problem, tiers: Mapping[int, str | None]) -> dict[str, tuple[float, int]]:
    """Each target the plan reaches: (strength of its best route, the key of the relationship
    giving it); on equal strength the relationship listed first."""
    routes: dict[str, tuple[float, int]] = {}
    for rel in problem.relationships:
        tier = tiers.get(rel.key)
        if tier is None:
            continue
        strength = problem.strengths[tier]
        for key, reach in rel.reach.items():
            if strength * reach > routes.get(key, (0.0, 0))[0] + TOLERANCE:
                routes[key] = (strength * reach, rel.key)
    return routes


# ----------------------------------------------------------------------------------------------
# Solving


def solve(problem: Problem, *, time_limit: float = 10.0, method: str = "auto") -> Solution:
    """The best plan found within `time_limit` seconds (see the module's docstring).
    `method`: "auto" (greedy, then exact when the programme has at most EXACT_LIMIT
    variables; above, the greedy plan with its gap from the linear relaxation, and branch and
    bound only when that gap passes ACCEPTABLE_GAP), "exact" (always branch and bound) or
    "greedy" (greedy, with its gap from the linear relaxation). ValueError on an unknown method or a
    time limit ≤ 0."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}")
    if not time_limit > 0:
        raise ValueError("time_limit must be > 0")
    started = time.perf_counter()
    greedy_tiers = greedy(problem)
    value, objective, hours = evaluate(problem, greedy_tiers)
    best = Solution(greedy_tiers, value, objective, hours, math.inf, 1.0, False, "greedy", 0.0)
    model = Programme(problem)
    if method == "exact" or (method == "auto" and model.size <= EXACT_LIMIT):
        _exact(problem, model, best, time_limit - (time.perf_counter() - started))
    else:
        # First the Lagrangian bound (fast at any size), then the linear relaxation if that
        # leaves more than ACCEPTABLE_GAP, then branch and bound in what time is left.
        left = time_limit - (time.perf_counter() - started)
        best.bound = model.lagrangian_bound(best.objective, min(left, LAGRANGIAN_SECONDS))
        left = time_limit - (time.perf_counter() - started)
        if _gap(best) > ACCEPTABLE_GAP and model.size <= RELAXATION_LIMIT and left > 0:
            best.bound = min(best.bound, model.relaxation_bound(left))
        left = time_limit - (time.perf_counter() - started)
        if method == "auto" and _gap(best) > ACCEPTABLE_GAP and left > 0:
            _exact(problem, model, best, left)
    if not math.isfinite(best.bound):
        best.bound = _simple_bound(problem)
    best.bound = max(best.bound, best.objective)
    best.gap = _gap(best)
    best.optimal = best.gap == 0.0
    best.seconds = time.perf_counter() - started
    return best


def _gap(solution: Solution) -> float:
    """(bound − objective) / bound, 0 within TOLERANCE; 1 without a finite bound."""
    if not math.isfinite(solution.bound):
        return 1.0
    if solution.bound - solution.objective <= TOLERANCE * max(1.0, abs(solution.bound)):
        return 0.0
    return (solution.bound - solution.objective) / solution.bound if solution.bound > 0 else 0.0


def _exact(problem: Problem, model: Programme, best: Solution, seconds: float) -> None:
    """Solve the programme with HiGHS within `seconds`; keep its plan when it beats `best`."""
    if seconds <= 0:
        return
    result = model.solve(seconds, integral=True)
    if result is None:
        return
    status, x, dual_bound = result
    if x is not None:
        tiers = model.plan(x)
        value, objective, hours = evaluate(problem, tiers)
        if hours <= problem.hours + 1e-6 and objective > best.objective + TOLERANCE:
            best.tiers, best.value, best.objective, best.hours = tiers, value, objective, hours
            best.method = "exact"
    if dual_bound is not None and math.isfinite(dual_bound):
        best.bound = min(best.bound, dual_bound)
    if status == 0:
        best.method = "exact"


def _simple_bound(problem: Problem) -> float:
    """An upper bound needing no solver: every target at its best route in the strongest tier,
    and every relationship's own value at full strength."""
    top = max(problem.strengths.values(), default=0.0)
    best: dict[str, float] = {}
    for rel in problem.relationships:
        for key, reach in rel.reach.items():
            best[key] = max(best.get(key, 0.0), reach)
    return top * (
        sum(problem.targets.get(k, 0.0) * b for k, b in best.items())
        + sum(rel.own_value for rel in problem.relationships)
    )


class Programme:
    """The mixed-integer programme of the module's docstring, as scipy's `milp` takes it
    (minimising −objective)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.x_index: list[tuple[int, str]] = []  # (relationship position, tier)
        c: list[float] = []
        cost: list[float] = []
        for position, rel in enumerate(problem.relationships):
            for tier, hours in rel.costs.items():
                self.x_index.append((position, tier))
                c.append(-(problem.strengths[tier] * rel.own_value - problem.tie_penalty))
                cost.append(hours)
        n_x = len(self.x_index)
        target_row = {key: i for i, key in enumerate(problem.targets)}
        u_x: list[int] = []
        u_k: list[int] = []
        for j, (position, tier) in enumerate(self.x_index):
            rel = problem.relationships[position]
            strength = problem.strengths[tier]
            for key, reach in rel.reach.items():
                weight = problem.targets.get(key, 0.0)
                if weight > 0:
                    u_x.append(j)
                    u_k.append(target_row[key])
                    c.append(-weight * strength * reach)
        self.n_x, self.n_u = n_x, len(u_x)
        self.size = n_x + self.n_u
        self.c = np.asarray(c, dtype=float)
        self.costs = np.asarray(cost, dtype=float)
        self.u_x = np.asarray(u_x, dtype=np.int64)
        self.u_k = np.asarray(u_k, dtype=np.int64)
        self.n_targets = len(target_row)
        self.positions = np.asarray([p for p, _ in self.x_index], dtype=np.int64)

    def constraints(self) -> list[LinearConstraint]:
        n_x, n_u, size = self.n_x, self.n_u, self.size
        positions = np.asarray([p for p, _ in self.x_index], dtype=np.int64)
        n_rel = len(self.problem.relationships)
        one_tier = sparse.csr_array(
            (np.ones(n_x), (positions, np.arange(n_x))), shape=(n_rel, size)
        )
        u_columns = n_x + np.arange(n_u)
        once = sparse.csr_array((np.ones(n_u), (self.u_k, u_columns)), shape=(self.n_targets, size))
        rows = np.concatenate([np.arange(n_u), np.arange(n_u)])
        columns = np.concatenate([u_columns, self.u_x])
        values = np.concatenate([np.ones(n_u), -np.ones(n_u)])
        credited = sparse.csr_array((values, (rows, columns)), shape=(n_u, size))
        budget = sparse.csr_array(
            (self.costs, (np.zeros(n_x, dtype=np.int64), np.arange(n_x))), shape=(1, size)
        )
        found = [
            LinearConstraint(one_tier, -np.inf, 1),
            LinearConstraint(budget, -np.inf, self.problem.hours),
        ]
        if n_u:
            found += [LinearConstraint(once, -np.inf, 1), LinearConstraint(credited, -np.inf, 0)]
        return found

    def solve(
        self, seconds: float, *, integral: bool
    ) -> tuple[int, np.ndarray | None, float | None] | None:
        """(status, x, dual bound on the objective) from HiGHS; None when there is nothing to
        solve. status 0 is optimal, 1 a time limit."""
        if self.size == 0:
            return None
        integrality = np.zeros(self.size)
        if integral:
            integrality[: self.n_x] = 1
        result = milp(
            self.c,
            integrality=integrality,
            bounds=Bounds(0, 1),
            constraints=self.constraints(),
            options={"time_limit": max(seconds, 0.01), "mip_rel_gap": 1e-9, "presolve": True},
        )
        x = None if result.x is None else np.asarray(result.x)
        dual = getattr(result, "mip_dual_bound", None)
        bound: float | None = None
        if integral and dual is not None and math.isfinite(dual):
            bound = -float(dual)
        elif result.status == 0 and result.fun is not None:
            bound = -float(result.fun)
        return int(result.status), x, bound

    def lagrangian_bound(
        self, target: float, seconds: float, iterations: int = 300, enough: float = CLOSE_GAP
    ) -> float:
        """An upper bound on the objective from the Lagrangian relaxation of "each target
        credited once" (multipliers μ_k ≥ 0) and of the budget (λ ≥ 0):

            L(μ, λ) = Σ_k μ_k + λH + Σ_r max(0, max_t (v_rt(μ) − λ c_rt)),
            v_rt(μ) = s_t o_r − ε + Σ_k max(0, w_k s_t a_rk − μ_k),

        an upper bound for any μ, λ ≥ 0 by weak duality. For each μ the best λ is found by
        bisection (L is convex in λ); μ follows the subgradient 1 − (credits of k taken) with
        Polyak's step towards `target` (the best objective known), halved when it stalls
        (Held, Wolfe and Crowder, "Validation of subgradient optimization", Mathematical
        Programming 6, 1974). Stops after `iterations`, `seconds`, or once it proves `target`
        within `enough` (relative). Its limit is the linear relaxation's value."""
        started = time.perf_counter()
        n_x = self.n_x
        if n_x == 0:
            return 0.0
        own = -self.c[:n_x]
        credit = -self.c[n_x:]
        starts = np.flatnonzero(np.r_[True, self.positions[1:] != self.positions[:-1]])
        mu = np.zeros(self.n_targets)
        best, theta, stalled = math.inf, 2.0, 0
        for _ in range(iterations):
            gain = np.maximum(credit - mu[self.u_k], 0.0)
            value = own + np.bincount(self.u_x, weights=gain, minlength=n_x)
            lam, chosen, total = self._best_lambda(value, starts)
            bound = float(mu.sum()) + total
            if bound < best - TOLERANCE:
                best, stalled = bound, 0
            else:
                stalled += 1
                if stalled >= 10:
                    theta, stalled = theta / 2, 0
            if best - target <= max(enough * best, TOLERANCE * max(1.0, abs(target))):
                break
            if time.perf_counter() - started > seconds or theta < 1e-4:
                break
            taken = chosen[self.u_x] & (credit > mu[self.u_k])
            subgradient = 1.0 - np.bincount(self.u_k[taken], minlength=self.n_targets)
            norm = float(subgradient @ subgradient)
            if norm == 0:
                break
            step = theta * max(bound - target, TOLERANCE) / norm
            mu = np.maximum(0.0, mu - step * subgradient)
        return best

    def _best_lambda(
        self, value: np.ndarray, starts: np.ndarray
    ) -> tuple[float, np.ndarray, float]:
        """For option values `value`: the λ ≥ 0 minimising λH + Σ_r max(0, max_t (v − λc)),
        by bisection on its slope H − Σ (cost of each relationship's best option); returns λ,
        the options chosen at λ (a mask) and the minimum."""
        hours = self.problem.hours

        def at(lam: float) -> tuple[np.ndarray, float, float]:
            net = value - lam * self.costs
            top = np.maximum.reduceat(net, starts)
            best_of = np.repeat(top, np.diff(np.r_[starts, len(net)]))
            chosen = (net == best_of) & (net > 0)
            # One option per relationship: the first of equals.
            first = np.zeros(len(net), dtype=bool)
            index = np.flatnonzero(chosen)
            owners = self.positions[index]
            keep = np.r_[True, owners[1:] != owners[:-1]] if len(index) else index
            first[index[keep]] = True
            total = lam * hours + float(np.maximum(top, 0.0).sum())
            return first, total, float(self.costs[first].sum())

        chosen, total, cost = at(0.0)
        if cost <= hours:
            return 0.0, chosen, total
        positive = self.costs > 0
        low, high = 0.0, float(np.max(value[positive] / self.costs[positive]))
        best = (0.0, chosen, total)
        for _ in range(40):
            middle = (low + high) / 2
            chosen, total, cost = at(middle)
            if total < best[2]:
                best = (middle, chosen, total)
            if cost > hours:
                low = middle
            else:
                high = middle
        chosen, total, _ = at(high)
        if total < best[2]:
            best = (high, chosen, total)
        return best

    def relaxation_bound(self, seconds: float) -> float:
        """The linear relaxation's optimum, an upper bound on the objective (inf when HiGHS
        does not finish in time)."""
        result = self.solve(seconds, integral=False)
        if result is None:
            return 0.0
        status, _, bound = result
        return bound if status == 0 and bound is not None else math.inf

    def plan(self, x: np.ndarray) -> dict[int, str | None]:
        tiers: dict[int, str | None] = {rel.key: None for rel in self.problem.relationships}
        for j, (position, tier) in enumerate(self.x_index):
            if x[j] > 0.5:
                tiers[self.problem.relationships[position].key] = tier
        return tiers


def greedy(problem: Problem) -> dict[int, str | None]:
    """The cost-effective greedy plan: repeatedly make the move (keep a relationship in a tier,
    or raise it to a stronger one) with the most value gained per hour that still fits, with
    lazy re-evaluation; then, if a single move alone is worth more, that move instead
    (Khuller, Moss and Naor 1999: together at least (1 − 1/e)/2 of the optimum for coverage
    without tiers). Moves gaining nothing are not made."""
    rels = problem.relationships
    strengths = problem.strengths
    tiers: dict[int, str | None] = {rel.key: None for rel in rels}
    best: dict[str, float] = {}
    left = problem.hours

    def gain(position: int, tier: str) -> tuple[float, float]:
        rel = rels[position]
        now = tiers[rel.key]
        strength = strengths[tier]
        before = strengths[now] if now is not None else 0.0
        cost = rel.costs[tier] - (rel.costs[now] if now is not None else 0.0)
        value = (strength - before) * rel.own_value - (problem.tie_penalty if now is None else 0)
        for key, reach in rel.reach.items():
            weight = problem.targets.get(key, 0.0)
            if weight and strength * reach > best.get(key, 0.0):
                value += weight * (strength * reach - best.get(key, 0.0))
        return value, cost

    def ratio(value: float, cost: float) -> float:
        return value / cost if cost > 0 else math.inf

    heap: list[tuple[float, int, int, str]] = []
    order = 0
    for position, rel in enumerate(rels):
        for tier in rel.costs:
            value, cost = gain(position, tier)
            if value > TOLERANCE and cost <= left + 1e-9:
                heap.append((-ratio(value, cost), order, position, tier))
                order += 1
    heapq.heapify(heap)
    single = _best_single(problem)
    stamp: dict[tuple[int, str], int] = {}
    moves = 0
    while heap:
        _, _, position, tier = heapq.heappop(heap)
        rel = rels[position]
        now = tiers[rel.key]
        if now is not None and strengths[now] >= strengths[tier]:
            continue
        value, cost = gain(position, tier)
        if value <= TOLERANCE or cost > left + 1e-9:
            continue
        if stamp.get((position, tier)) != moves:
            stamp[(position, tier)] = moves
            heapq.heappush(heap, (-ratio(value, cost), order, position, tier))
            order += 1
            continue
        tiers[rel.key] = tier
        left -= cost
        moves += 1
        strength = strengths[tier]
        for key, reach in rel.reach.items():
            if strength * reach > best.get(key, 0.0):
                best[key] = strength * reach
    if single is not None:
        alone: dict[int, str | None] = {rel.key: None for rel in rels}
        alone[single[0]] = single[1]
        if evaluate(problem, alone)[1] > evaluate(problem, tiers)[1] + TOLERANCE:
            return alone
    return tiers


def _best_single(problem: Problem) -> tuple[int, str] | None:
    """The one move that fits the budget and is worth the most by itself."""
    found: tuple[float, int, str] | None = None
    for rel in problem.relationships:
        for tier, cost in rel.costs.items():
            if cost > problem.hours + 1e-9:
                continue
            strength = problem.strengths[tier]
            value = strength * rel.own_value - problem.tie_penalty
            value += sum(
                problem.targets.get(k, 0.0) * strength * reach for k, reach in rel.reach.items()
            )
            if value > TOLERANCE and (found is None or value > found[0] + TOLERANCE):
                found = (value, rel.key, tier)
    return None if found is None else (found[1], found[2])
