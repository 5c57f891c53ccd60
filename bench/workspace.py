"""A reproducible benchmark workspace, written in the lossless format `cityweave import` reads.

The network is bench/analytics.py's stakeholder-like network (about 5 ties per stakeholder); around
it, for `size` stakeholders: 10 × size interactions over the last two years (most between one of the
city's own stakeholders and an external one, some between two external ones along a tie, a few
private, a few planned), size commitments (open, done, missed and cancelled; some overdue, some
due this week), 10 goals with progress, a contact cadence on a third of the ties, three members
(owner, editor, viewer), three workspace sectors of its own and eight tags.

The same size, seed and day give the same file (dates are relative to the day it is built).
Plain Python: no Django, so it can feed any revision's `cityweave import`.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import uuid
from bisect import bisect
from itertools import accumulate
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from analytics import stakeholder_network  # noqa: E402  (bench/ is not a package)

FORMAT = "cityweave-workspace"
VERSION = 1
PASSWORD = "bench-pass-phrase-7"
MEMBERS = (
    ("owner@bench.example", "Olive Owner", "owner"),
    ("editor@bench.example", "Ed Editor", "editor"),
    ("viewer@bench.example", "Vic Viewer", "viewer"),
)
OWNER, EDITOR = MEMBERS[0][0], MEMBERS[1][0]
#: bench/analytics.py's sector names → cityweave's built-in sector keys.
SECTOR_KEYS = {
    "business": "business",
    "nonprofit": "nonprofit",
    "community group": "community-group",
    "local government": "local-government",
    "faith-based": "faith-based",
    "education": "education",
    "philanthropy": "philanthropy",
    "anchor institution": "anchor-institution",
    "academia & think tank": "academia",
    "state government": "state-government",
    "media": "media",
    "resident": "resident",
}
#: The workspace's own sectors, and which built-in sector some of their members come from.
CUSTOM_SECTORS = {
    "chamber": ("Chambers of commerce", "business", 0.15),
    "neighbourhood": ("Neighbourhood associations", "community-group", 0.3),
    "utility": ("Utilities", "anchor-institution", 0.3),
}
TAGS = ("budget", "climate", "housing", "transit", "youth", "health", "arts", "safety")
VALUE_TYPES = ("funding", "in-kind", "volunteers", "data", "expertise", "advocacy", "facilities")
ROLES = ("champion", "funder", "implementer", "convener", "broker", "advisor")
AREAS = ("Northside", "Riverside", "Old Town", "Eastgate", "Harbour", "Hillcrest", "Westfield")
FIRST = ("Alex", "Sam", "Jordan", "Maria", "Wei", "Amina", "Luca", "Priya", "Tom", "Grace")
LAST = ("Garcia", "Okafor", "Nguyen", "Smith", "Kowalski", "Haddad", "Brown", "Silva", "Ito")
INTERACTION_KINDS = (
    ("meeting", 30),
    ("call", 25),
    ("email", 25),
    ("event", 10),
    ("site-visit", 5),
    ("social-media", 5),
)
GOAL_COUNT = 10
DAY = dt.timedelta(days=1)


def _uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _moment(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat()


class _Weighted:
    """Draws items with fixed weights, fast (cumulative weights, bisected)."""

    def __init__(self, items: list[Any], weights: list[float]) -> None:
        self.items, self.cumulative = items, list(accumulate(weights))

    def draw(self, rng: random.Random) -> Any:
        return self.items[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


def workspace_file(size: int, seed: int = 7, today: dt.date | None = None) -> dict[str, Any]:
    """The whole workspace as `cityweave export` writes it; `meta` names the records to visit.

    `meta` is not part of the format: pop it before writing the file.
    """
    today = today or dt.datetime.now(dt.UTC).date()
    noon = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)
    rng = random.Random(f"cityweave-bench-{size}-{seed}")
    nodes, pairs = stakeholder_network(size, seed)
    degree = [0] * size
    for source, target, _ in pairs:
        degree[int(source[1:])] += 1
        degree[int(target[1:])] += 1

    # The city: its best-connected local-government stakeholders (about 2% of everyone).
    local = [i for i, node in enumerate(nodes) if node["sector"] == "local government"]
    internal = sorted(local, key=lambda i: (-degree[i], i))[: max(3, size // 50)]
    is_internal = set(internal)
    sectors = [SECTOR_KEYS[node["sector"]] for node in nodes]
    for key, (_, base, share) in CUSTOM_SECTORS.items():
        for i in range(size):
            if sectors[i] == base and i not in is_internal and rng.random() < share:
                sectors[i] = key

    uids = [_uid(rng) for _ in range(size)]
    kinds = ["person" if rng.random() < 0.55 else "organisation" for _ in range(size)]
    organisations = [i for i in range(size) if kinds[i] == "organisation"]
    stakeholders = []
    for i in range(size):
        person = kinds[i] == "person"
        name = (
            f"{FIRST[i % len(FIRST)]} {LAST[(i // len(FIRST)) % len(LAST)]} {i}"
            if person
            else f"{AREAS[i % len(AREAS)]} {nodes[i]['sector'].title()} {i}"
        )
        if i == internal[0]:
            name = "Benchton Mayor's Office"
        stakeholders.append(
            {
                "uid": uids[i],
                "name": name,
                "kind": kinds[i],
                "sector": sectors[i],
                "level": "local" if rng.random() < 0.8 else "state",
                "is_internal": i in is_internal,
                "title": rng.choice(("Director", "Chair", "Officer", "")) if person else "",
                "email": f"s{i}@bench.example" if rng.random() < 0.7 else "",
                "area": rng.choice(AREAS) if rng.random() < 0.6 else "",
                "influence": rng.choice((None, 1, 2, 3, 3, 4, 5)),
                "interest": rng.choice((None, 1, 2, 3, 4, 5)),
                "stance": rng.choice(("", "", "champion", "supporter", "neutral", "sceptic")),
                "notes": "Met at the spring forum; prefers email." if rng.random() < 0.3 else "",
                "offers": sorted(set(rng.sample(VALUE_TYPES, rng.choice((0, 0, 1, 2))))),
                "tags": sorted(set(rng.sample(TAGS, rng.choice((0, 0, 1, 2))))),
                "organisations": (
                    [uids[rng.choice(organisations)]]
                    if person and organisations and rng.random() < 0.3
                    else []
                ),
                "created_at": _moment(noon - rng.uniform(730, 1100) * DAY),
            }
        )

    ties = []
    for source, target, weight in pairs:
        s, t = int(source[1:]), int(target[1:])
        status = rng.choices(("active", "dormant", "prospect", "ended"), (60, 15, 15, 10))[0]
        started = today - rng.randint(30, 1500) * DAY if rng.random() < 0.5 else None
        ended = None
        if status == "ended":
            ended = (started or today - 1500 * DAY) + rng.randint(1, 25) * DAY
        ties.append(
            {
                "uid": _uid(rng),
                "source": uids[s],
                "target": uids[t],
                "kind": rng.choices(
                    ("partner", "peer", "funder", "advisor", "informal"), (50, 20, 10, 10, 10)
                )[0],
                "directed": rng.random() < 0.05,
                "status": status,
                "started_on": started.isoformat() if started else None,
                "ended_on": ended.isoformat() if ended else None,
                "cadence_days": rng.choice((14, 30, 60, 90, 180)) if rng.random() < 1 / 3 else None,
                "roles": sorted(set(rng.sample(ROLES, rng.choice((0, 0, 1))))),
                "owner": rng.choice((OWNER, EDITOR)) if rng.random() < 0.4 else None,
                "trust": None if rng.random() < 0.3 else min(weight, 4),
                "value": None if rng.random() < 0.5 else rng.randint(1, 4),
                "created_at": _moment(noon - rng.uniform(1, 730) * DAY),
            }
        )

    goals = _goals(rng, uids, today)
    interactions = _interactions(rng, size, uids, internal, pairs, degree, goals, noon)
    commitments = _commitments(rng, size, uids, is_internal, degree, interactions, today, noon)
    data = {
        "format": FORMAT,
        "version": VERSION,
        "workspace": {
            "name": "Benchton",
            "slug": f"bench-{size}",
            "timezone": "America/Chicago",
            "created_at": _moment(noon - 1200 * DAY),
        },
        "members": [{"email": e, "name": n, "role": r} for e, n, r in MEMBERS],
        "sectors": [{"key": k, "label": label} for k, (label, _, _) in CUSTOM_SECTORS.items()],
        "tags": [{"name": tag} for tag in TAGS],
        "stakeholders": stakeholders,
        "ties": ties,
        "goals": goals,
        "interactions": interactions,
        "commitments": commitments,
        "trash": [],
    }
    data["meta"] = _visits(data, internal, degree, is_internal)
    return data


def _goals(rng: random.Random, uids: list[str], today: dt.date) -> list[dict[str, Any]]:
    goals = []
    for number in range(GOAL_COUNT):
        baseline = rng.randint(0, 10)
        target = baseline + rng.randint(10, 50)
        status = ("achieved", "paused", "abandoned")[number - 7] if number >= 7 else "active"
        start = today - rng.randint(120, 400) * DAY
        entries = sorted(rng.sample(range(1, (today - start).days), rng.randint(3, 10)))
        goals.append(
            {
                "uid": _uid(rng),
                "statement": f"Grow active ties with {rng.choice(TAGS)} partners (goal {number})",
                "metric": "active ties",
                "baseline": f"{baseline}.00",
                "target": f"{target}.00",
                "unit": "ties",
                "deadline": (today + rng.randint(-60, 400) * DAY).isoformat(),
                "owner": rng.choice((OWNER, EDITOR, None)),
                "status": status,
                "stakeholders": sorted(set(rng.sample(uids, min(len(uids), rng.randint(3, 15))))),
                "progress": [
                    {
                        "recorded_on": (start + offset * DAY).isoformat(),
                        "value": f"{baseline + (target - baseline) * k // (len(entries) + 2)}.00",
                        "note": "",
                    }
                    for k, offset in enumerate(entries, 1)
                ],
                "created_at": _moment(dt.datetime.combine(start, dt.time(9), tzinfo=dt.UTC)),
            }
        )
    return goals


def _interactions(
    rng: random.Random,
    size: int,
    uids: list[str],
    internal: list[int],
    pairs: list[tuple[str, str, int]],
    degree: list[int],
    goals: list[dict[str, Any]],
    noon: dt.datetime,
) -> list[dict[str, Any]]:
    """Most between a city stakeholder (a few are much busier) and an external one; some along
    a tie between two external ones. Externals are drawn by degree, or across a city tie."""
    is_internal = set(internal)
    city = _Weighted(internal, [1 / (rank + 1) for rank in range(len(internal))])
    external = [i for i in range(size) if i not in is_internal]
    by_degree = _Weighted(external, [degree[i] + 1 for i in external])
    ends = [(int(s[1:]), int(t[1:])) for s, t, _ in pairs]
    city_ties = [
        (a, b) if a in is_internal else (b, a)
        for a, b in ends
        if (a in is_internal) != (b in is_internal)
    ]
    outside_ties = [(a, b) for a, b in ends if a not in is_internal and b not in is_internal]
    kinds = _Weighted([k for k, _ in INTERACTION_KINDS], [w for _, w in INTERACTION_KINDS])
    out = []
    for _ in range(10 * size):
        roll = rng.random()
        if roll < 0.8 or not outside_ties:
            if city_ties and rng.random() < 0.5:
                pair = rng.choice(city_ties)
            else:
                pair = (city.draw(rng), by_degree.draw(rng))
        else:
            pair = rng.choice(outside_ties)
        # About 1% are planned for the coming month; the rest are spread over two years.
        when = (
            noon + rng.uniform(0, 30) * DAY
            if rng.random() < 0.01
            else noon - rng.uniform(0, 730) * DAY
        )
        author = OWNER if rng.random() < 0.6 else EDITOR
        kind = kinds.draw(rng)
        out.append(
            {
                "uid": _uid(rng),
                "occurred_at": _moment(when.replace(microsecond=0)),
                "kind": kind,
                "summary": f"{kind.replace('-', ' ').capitalize()} about {rng.choice(TAGS)}",
                "notes": "Agreed next steps; follow up in a month." if rng.random() < 0.5 else "",
                "participants": sorted({uids[pair[0]], uids[pair[1]]}),
                "members_present": sorted(
                    set(rng.sample((OWNER, EDITOR), rng.choice((0, 1, 1, 2))))
                ),
                "author": author,
                "private": rng.random() < 0.02,
                "goal": rng.choice(goals)["uid"] if rng.random() < 0.05 else None,
                "created_at": _moment(min(when, noon)),
            }
        )
    return out


def _commitments(
    rng: random.Random,
    size: int,
    uids: list[str],
    is_internal: set[int],
    degree: list[int],
    interactions: list[dict[str, Any]],
    today: dt.date,
    noon: dt.datetime,
) -> list[dict[str, Any]]:
    external = [i for i in range(size) if i not in is_internal]
    by_degree = _Weighted(external, [degree[i] + 1 for i in external])
    met: dict[str, list[str]] = {}
    for interaction in interactions:
        for participant in interaction["participants"]:
            met.setdefault(participant, []).append(interaction["uid"])
    out = []
    for _ in range(size):
        stakeholder = uids[by_degree.draw(rng)]
        roll = rng.random()
        if roll < 0.05:  # open, due in the coming week
            due, status = today + rng.randint(0, 6) * DAY, "open"
        elif roll < 0.25:  # open, due later
            due, status = today + rng.randint(7, 120) * DAY, "open"
        else:  # due in the past year: mostly kept, some missed, cancelled or still open (overdue)
            due = today - rng.randint(1, 365) * DAY
            status = rng.choices(("done", "missed", "cancelled", "open"), (60, 15, 10, 15))[0]
        closed = None
        if status != "open":
            closed = (
                dt.datetime.combine(due, dt.time(15), tzinfo=dt.UTC) + rng.randint(-10, 5) * DAY
            )
            closed = min(closed, noon)
        owed_by = "us" if rng.random() < 0.6 else "them"
        links = met.get(stakeholder, [])
        out.append(
            {
                "uid": _uid(rng),
                "description": f"Send the {rng.choice(TAGS)} briefing",
                "owed_by": owed_by,
                "stakeholder": stakeholder,
                "owner": rng.choice((OWNER, EDITOR))
                if owed_by == "us" and rng.random() < 0.7
                else None,
                "due_on": due.isoformat(),
                "status": status,
                "closed_at": _moment(closed) if closed else None,
                "interaction": rng.choice(links) if links and rng.random() < 0.3 else None,
                "created_at": _moment(
                    min(noon, dt.datetime.combine(due, dt.time(9), tzinfo=dt.UTC) - 20 * DAY)
                ),
            }
        )
    return out


def _visits(
    data: dict[str, Any], internal: list[int], degree: list[int], is_internal: set[int]
) -> dict[str, Any]:
    """The records the benchmark opens, by uid, and the counts its late pages are computed from."""
    stakeholders = data["stakeholders"]
    # A typical external stakeholder: median degree, in one of the workspace's own sectors.
    custom = [i for i, s in enumerate(stakeholders) if s["sector"] in CUSTOM_SECTORS]
    candidates = sorted(custom or range(len(stakeholders)), key=lambda i: (degree[i], i))
    typical = candidates[len(candidates) // 2]
    city = {stakeholders[i]["uid"] for i in is_internal}
    tie = next(
        (
            t
            for t in data["ties"]
            if t["cadence_days"]
            and t["status"] == "active"
            and (t["source"] in city) != (t["target"] in city)
        ),
        data["ties"][0],
    )
    interaction = next(
        (i for i in data["interactions"] if not i["private"] and i["notes"]),
        data["interactions"][0],
    )
    commitment = next((c for c in data["commitments"] if c["interaction"]), data["commitments"][0])
    goal = max(data["goals"], key=lambda g: (len(g["progress"]), g["uid"]))
    hidden = sum(1 for i in data["interactions"] if i["private"] and i["author"] != OWNER)
    return {
        "slug": data["workspace"]["slug"],
        "owner": OWNER,
        "password": PASSWORD,
        "records": {
            "stakeholder_city": ["stakeholder", stakeholders[internal[0]]["uid"]],
            "stakeholder_typical": ["stakeholder", stakeholders[typical]["uid"]],
            "tie": ["tie", tie["uid"]],
            "interaction": ["interaction", interaction["uid"]],
            "commitment": ["commitment", commitment["uid"]],
            "goal": ["goal", goal["uid"]],
        },
        "city_stakeholder_uids": [stakeholders[i]["uid"] for i in internal[:5]],
        "external_stakeholder_uids": [
            s["uid"] for i, s in enumerate(stakeholders) if i not in is_internal
        ][:200],
        "counts": {
            "stakeholders": len(stakeholders),
            "ties": len(data["ties"]),
            "interactions": len(data["interactions"]) - hidden,
            "commitments": len(data["commitments"]),
            "goals": len(data["goals"]),
        },
    }
