"""Cohorts: the network's cities split into groups of about a chosen size, each built around a
challenge its cities share (as URBACT's networks of 6 to 10 cities), with the reason in plain
words.

Sizes. For N cities and a chosen size k (MIN_SIZE to MAX_SIZE) the number of groups g is the one
whose sizes, as equal as possible (⌊N/g⌋ or ⌈N/g⌉ cities each), are nearest to k: least largest
distance from k, then least total distance, then fewer groups; a g whose groups would be
smaller than `minimum_size(k)` = max(2, ⌈2k/3⌉) is never chosen, so no city is ever alone.
Whenever some g has g(k − 1) ≤ N ≤ g(k + 1) every group has k − 1, k or k + 1 cities (for k = 8,
any N above 20; below, for instance 13 cities make groups of 7 and 6). Fewer than
`minimum_size(k)` cities to group is an error naming `size`.

Score. A grouping scores Σ over groups G Σ over challenges c of w_c · n_Gc (n_Gc − 1) / 2, n_Gc
the number of G's cities facing c and w_c = ln(1 + N / n_c) the rarity weight of peer matching
(`matching.challenge_weights`, over the cities grouped): every pair of cities in a group earns
the weight of each challenge both face. With challenges chosen, only those count, and only the
cities facing at least one of them are grouped (the others are listed as left out).

Search (deterministic: cities in name order, ties broken by that order):

1. Greedy. Groups are filled one at a time, largest first. A group's theme is the challenge c
   with the most to gain, w_c · m (m − 1) / 2 for m = min(size, ungrouped cities facing c); its
   cities are added one by one, those facing the theme first, each time the one adding most to
   the score.
2. Local improvement. Repeatedly make the swap of two cities of different groups that raises the
   score most, until no swap raises it (or MAX_SWAPS swaps). Swaps keep every size.

Staff editors may keep a plan's groups as saved cohorts (`models.Cohort`), which go to the network's
trash and come back from it.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from cityweave.peers import services
from cityweave.peers.access import NetworkMember, require_staff_editor
from cityweave.peers.matching import CityFacts, challenge_weights, load_facts
from cityweave.peers.models import Cohort as SavedCohort
from cityweave.peers.models import MemberCity
from cityweave.workspaces.services import collect_errors

MIN_SIZE, MAX_SIZE = 3, 15
#: The sizes URBACT's networks have: what the form suggests.
SUGGESTED_SIZES = (6, 10)
#: The most swaps the local improvement makes (it stops sooner, when no swap helps).
MAX_SWAPS = 2_000
#: The score, as the API states it.
FORMULA = (
    "score = Σ over groups G Σ over challenges c of w_c · n_Gc (n_Gc − 1) / 2, n_Gc the cities "
    "of G facing c, w_c = ln(1 + N/n_c) for n_c of the N grouped cities facing c"
)
#: A swap must raise the score by more than this (rounding noise is not an improvement).
EPSILON = 1e-9


@dataclass(frozen=True)
class Cohort:
    """A group of cities: its number (from 1), its theme (the challenge it is built around, ""
    when its cities share none), its cities by name, the challenges two or more of them face
    with how many ((key, count), most first), the cities with a strength in its theme, its
    share of the score, and why, in plain words."""

    number: int
    theme: str
    cities: tuple[CityFacts, ...]
    shared: tuple[tuple[str, int], ...]
    strong: tuple[str, ...]
    score: float
    reason: str

    @property
    def size(self) -> int:
        return len(self.cities)


@dataclass(frozen=True)
class CohortPlan:
    """The cohorts of a network for a chosen size: the groups, the size asked for, the smallest
    a group may be, the challenges that counted ((), all), the cities left out (facing none of
    the chosen challenges), the score before and after the local improvement, and the swaps
    made."""

    cohorts: tuple[Cohort, ...]
    size: int
    minimum: int
    challenges: tuple[str, ...]
    left_out: tuple[CityFacts, ...]
    greedy_score: float
    score: float
    swaps: int


def minimum_size(size: int) -> int:
    """The smallest group a plan for `size` may make: max(2, ⌈2·size/3⌉) cities."""
    return max(2, math.ceil(2 * size / 3))


def check_size(size: object) -> int:
    """`size` as a whole number from MIN_SIZE to MAX_SIZE; ValidationError on `size`."""
    if isinstance(size, bool) or not isinstance(size, int | str):
        raise ValidationError({"size": "Give the group size as a whole number."})
    try:
        value = int(size)
    except ValueError:
        raise ValidationError({"size": f"“{size}” is not a whole number."}) from None
    if not MIN_SIZE <= value <= MAX_SIZE:
        raise ValidationError(
            {"size": f"Choose a group size from {MIN_SIZE} to {MAX_SIZE} (URBACT's are 6 to 10)."}
        )
    return value


def group_sizes(count: int, size: int) -> list[int]:
    """The sizes of the groups for `count` cities and a chosen `size`, largest first (the rule in
    the module's docstring); ValidationError on `size` when there are fewer than
    `minimum_size(size)`."""
    if count < minimum_size(size):
        raise ValidationError(
            {
                "size": f"A group of {size} needs at least {minimum_size(size)} cities; "
                f"there are {count} to group. Choose a smaller size."
            }
        )
    best: tuple[tuple[int, int, int], list[int]] | None = None
    for groups in range(1, count // 2 + 1):
        small, extra = divmod(count, groups)
        sizes = [small + 1] * extra + [small] * (groups - extra)
        if small < minimum_size(size):
            break
        key = (max(abs(s - size) for s in sizes), sum(abs(s - size) for s in sizes), groups)
        if best is None or key < best[0]:
            best = (key, sizes)
    assert best is not None  # count >= the minimum, so one group always fits
    return best[1]


def plan_cohorts(
    cities: Iterable[CityFacts],
    size: int,
    *,
    challenges: Collection[str] = (),
    labels: Mapping[str, str] | None = None,
) -> CohortPlan:
    """Split `cities` into cohorts of about `size` (the sizes, score and search in the module's
    docstring); `challenges` (keys) restricts what counts and who is grouped; `labels` names
    challenge keys in reasons. ValidationError on `size` (out of range, too few cities)."""
    size = check_size(size)
    labels = labels or {}
    chosen = frozenset(challenges)
    ordered = sorted(cities, key=lambda c: (c.name.casefold(), c.id))
    if chosen:
        grouped = [c for c in ordered if c.challenges & chosen]
        left_out = tuple(c for c in ordered if not c.challenges & chosen)
    else:
        grouped, left_out = ordered, ()
    sizes = group_sizes(len(grouped), size)
    weights = challenge_weights(grouped)
    keys = sorted(k for k in weights if not chosen or k in chosen)
    w = np.array([weights[k] for k in keys])
    faces = np.array(
        [[key in city.challenges for key in keys] for city in grouped], dtype=float
    ).reshape(len(grouped), len(keys))

    membership = _greedy(faces, w, sizes)
    greedy_score = _score(faces, w, membership, len(sizes))
    membership, swaps = _improve(faces, w, membership, len(sizes))
    score = _score(faces, w, membership, len(sizes))

    cohorts = []
    for number in range(len(sizes)):
        members = tuple(grouped[i] for i in np.flatnonzero(membership == number))
        cohorts.append(_describe(number + 1, members, keys, w, labels))
    return CohortPlan(
        cohorts=tuple(cohorts),
        size=size,
        minimum=minimum_size(size),
        challenges=tuple(sorted(chosen)),
        left_out=left_out,
        greedy_score=round(greedy_score, 6),
        score=round(score, 6),
        swaps=swaps,
    )


def network_cohorts(
    member: NetworkMember, size: object, challenges: Collection[str] = ()
) -> CohortPlan:
    """The cohorts of the member's network (its live cities) for `size` and `challenges` (keys
    of the network's taxonomy); any seat may ask. ValidationError naming `size` and
    `challenges` at once. Four queries."""
    labels = dict(services.challenge_choices(member.network))
    errors: dict[str, list[str]] = {}
    unknown = [key for key in challenges if key not in labels]
    if unknown:
        errors["challenges"] = [
            f"Unknown challenge {', '.join(f'“{k}”' for k in unknown)}; "
            f"use one of {', '.join(labels)}."
        ]
    try:
        size = check_size(size)
    except ValidationError as error:
        collect_errors(errors, error)
    if errors:
        raise ValidationError(errors)
    facts = load_facts(member.network)
    if challenges and not any(city.challenges & frozenset(challenges) for city in facts):
        raise ValidationError({"challenges": "No city faces any of the chosen challenges."})
    return plan_cohorts(facts, size, challenges=challenges, labels=labels)  # type: ignore[arg-type]


def grouping_score(groups: Iterable[Iterable[CityFacts]], weights: Mapping[str, float]) -> float:
    """Σ_G Σ_c w_c · n_Gc (n_Gc − 1) / 2 for explicit groups (for checking a plan by hand)."""
    total = 0.0
    for group in groups:
        counts: dict[str, int] = {}
        for city in group:
            for key in city.challenges:
                counts[key] = counts.get(key, 0) + 1
        total += sum(weights.get(k, 0.0) * n * (n - 1) / 2 for k, n in counts.items())
    return total


def _score(faces: np.ndarray, w: np.ndarray, membership: np.ndarray, groups: int) -> float:
    counts = _counts(faces, membership, groups)
    return float((counts * (counts - 1) / 2 * w).sum())


def _counts(faces: np.ndarray, membership: np.ndarray, groups: int) -> np.ndarray:
    """[group, challenge]: how many of the group's cities face the challenge."""
    counts = np.zeros((groups, faces.shape[1]))
    np.add.at(counts, membership, faces)
    return counts


def _greedy(faces: np.ndarray, w: np.ndarray, sizes: list[int]) -> np.ndarray:
    """A group number per city, filled as step 1 of the module's docstring says."""
    n = faces.shape[0]
    membership = np.full(n, -1)
    free = np.ones(n, dtype=bool)
    for number, size in enumerate(sizes):
        theme = -1
        if faces.shape[1]:
            available = faces[free].sum(axis=0)
            take = np.minimum(available, size)
            gain = w * take * (take - 1) / 2
            if gain.max() > 0:
                theme = int(np.argmax(gain))
        counts = np.zeros(faces.shape[1])
        for _ in range(size):
            candidates = np.flatnonzero(free)
            added = (
                faces[candidates] @ (w * counts) if faces.shape[1] else np.zeros(len(candidates))
            )
            on_theme = faces[candidates, theme] if theme >= 0 else np.zeros(len(candidates))
            # Highest (on theme, gain); the first in name order among equals.
            order = np.lexsort((np.arange(len(candidates)), -added, -on_theme))
            pick = candidates[order[0]]
            membership[pick] = number
            free[pick] = False
            counts += faces[pick]
    return membership


def _improve(
    faces: np.ndarray, w: np.ndarray, membership: np.ndarray, groups: int
) -> tuple[np.ndarray, int]:
    """Best-improvement swaps (step 2 of the module's docstring); the membership and the count.

    Swapping x (in G) and y (in H) changes the score by
    A[y,G] + A[x,H] − A[x,G] − A[y,H] + W[x] + W[y] − 2 S[x,y], where A[x,G] = Σ_{c∋x} w_c n_Gc,
    W[x] = Σ_{c∋x} w_c and S[x,y] = Σ_{c∋x,y} w_c (x's own count is in n_Gc, hence the W terms).
    """
    membership = membership.copy()
    n = faces.shape[0]
    if groups < 2 or faces.shape[1] == 0:
        return membership, 0
    weighted = faces * w
    shared = weighted @ faces.T
    own = weighted.sum(axis=1)
    different = membership[:, None] != membership[None, :]
    swaps = 0
    while swaps < MAX_SWAPS:
        counts = _counts(faces, membership, groups)
        affinity = weighted @ counts.T  # [city, group]
        home = affinity[np.arange(n), membership]
        # into[x, y] = A[x, group of y]
        into = affinity[:, membership]
        delta = into.T + into - home[:, None] - home[None, :] + own[:, None] + own[None, :]
        delta -= 2 * shared
        delta = np.where(different, delta, -math.inf)
        flat = int(np.argmax(delta))
        if delta.flat[flat] <= EPSILON:
            break
        x, y = divmod(flat, n)
        membership[x], membership[y] = membership[y], membership[x]
        different = membership[:, None] != membership[None, :]
        swaps += 1
    return membership, swaps


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def _describe(
    number: int,
    members: tuple[CityFacts, ...],
    keys: list[str],
    w: np.ndarray,
    labels: Mapping[str, str],
) -> Cohort:
    weight = dict(zip(keys, w.tolist(), strict=True))
    counts = {key: sum(1 for c in members if key in c.challenges) for key in keys}
    shared = sorted(
        ((k, n) for k, n in counts.items() if n >= 2),
        key=lambda kn: (-kn[1], -weight[kn[0]], kn[0]),
    )
    score = sum(weight[k] * n * (n - 1) / 2 for k, n in counts.items())
    cities = tuple(sorted(members, key=lambda c: (c.name.casefold(), c.id)))
    if not shared:
        return Cohort(
            number,
            "",
            cities,
            (),
            (),
            0.0,
            f"These {len(cities)} share no challenge: grouped to keep every group near the size "
            "asked for.",
        )
    theme, count = shared[0]

    def label(key: str) -> str:
        return str(labels.get(key, key)).lower()

    parts = [
        f"All {count} face {label(theme)}"
        if count == len(cities)
        else f"{count} of the {len(cities)} face {label(theme)}"
    ]
    for key, n in shared[1:3]:
        parts.append(f"{n} also face {label(key)}")
    strong = tuple(c.name for c in cities if theme in c.strengths)
    if len(strong) == 1:
        parts.append(f"{strong[0]} has a strength in it")
    elif strong:
        parts.append(f"{_and(list(strong))} have strengths in it")
    return Cohort(number, theme, cities, tuple(shared), strong, round(score, 6), "; ".join(parts))


# == Saved cohorts ===============================================================================


@transaction.atomic
def save_cohorts(
    member: NetworkMember, size: object, challenges: Collection[str] = ()
) -> list[SavedCohort]:
    """Plan the cohorts for `size` and `challenges` (as `network_cohorts`, so the same choices
    save the groups the page showed) and keep each group as a saved cohort (models.Cohort) named "Cohort N: theme";
    staff editors only. ValidationError as `network_cohorts`."""
    require_staff_editor(member)
    plan = network_cohorts(member, size, challenges)
    labels = dict(services.challenge_choices(member.network))
    saved = []
    for group in plan.cohorts:
        theme = labels.get(group.theme, group.theme)
        cohort = SavedCohort.objects.create(
            network=member.network,
            name=f"Cohort {group.number}: {theme}" if theme else f"Cohort {group.number}",
            theme=group.theme,
            reason=group.reason,
            size=plan.size,
            created_by=member.user,
        )
        cohort.cities.set([city.id for city in group.cities])
        saved.append(cohort)
    return saved


def saved_cohorts(member: NetworkMember) -> QuerySet[SavedCohort]:
    """The network's saved cohorts, newest first, their live cities loaded (`live_cities`, by
    name); any seat reads them."""
    return SavedCohort.objects.filter(network=member.network).prefetch_related(
        Prefetch(
            "cities",
            queryset=MemberCity.objects.order_by("name", "region", "pk"),
            to_attr="live_cities",
        )
    )


def trashed_cohorts(member: NetworkMember) -> QuerySet[SavedCohort]:
    """The network's saved cohorts in the trash, latest first."""
    return SavedCohort.all_objects.filter(
        network=member.network, deleted_at__isnull=False
    ).order_by("-deleted_at", "-pk")


@transaction.atomic
def trash_cohort(member: NetworkMember, pk: int) -> SavedCohort:
    """Move a saved cohort to the trash (a batch of one); staff editors only."""
    require_staff_editor(member)
    cohort = SavedCohort.objects.filter(network=member.network, pk=pk).first()
    if cohort is None:
        raise Http404("No such cohort")
    cohort.deleted_at, cohort.deletion_batch = timezone.now(), uuid.uuid4()
    cohort.save(update_fields=["deleted_at", "deletion_batch"])
    return cohort


@transaction.atomic
def restore_cohort(member: NetworkMember, pk: int) -> SavedCohort:
    """Bring a saved cohort back from the trash; staff editors only."""
    require_staff_editor(member)
    cohort = trashed_cohorts(member).filter(pk=pk).first()
    if cohort is None:
        raise Http404("No such cohort in the trash")
    cohort.deleted_at, cohort.deletion_batch = None, None
    cohort.save(update_fields=["deleted_at", "deletion_batch"])
    return cohort
