"""Warm introductions: who can introduce a member to a stakeholder they do not know yet.

The graph: the workspace's live ties with status active between two live stakeholders
(prospect, dormant and ended ties carry no introductions), undirected for reaching purposes. A
tie's trust is `Tie.trust` (1–4) ÷ 4; an unrated tie counts as UNKNOWN_TRUST = 0.5 ("2/4").
When two stakeholders have several active ties, their best rated one counts (an unrated tie
only when none is rated). The city's own stakeholders (`is_internal`) are the member's side,
never brokers or targets: a path through the city's organisation would only say "ask the city".

Whom a member knows: the counterparts of the active ties they own (`Tie.owner`), as
`engagement.contacts.counterpart_ids` names them (the external end of a tie between the city
and someone else; both ends of a tie between two outsiders), the city's own people left out.
Hop 1 of every path is the member's own tie to a known person, with its trust; the path then
goes through at most MAX_BROKERS = 2 intermediaries in all (the known person counts as the
first) to the target: you → known → target, or you → known → broker → target. A second broker
the member knows already is left out (they would ask them directly).

Ranking, best first: the highest product of trust along the path (the member's own tie
included), then fewer hops, then the lower load of the first broker (the known person asked:
the live interactions of the last LOAD_DAYS = 90 days they took part in, counting only those
the member may see, so another member's private interactions tell nothing), then the names
along the path. Trusts are quarters, so products compare exactly.

Why no Dijkstra: the broker limit makes it a hop-limited search, which Dijkstra on −log trust
does not honour (its best path may need three brokers while a worse two-broker one is what can
be asked). The batch search is instead two rounds of Bellman–Ford relaxation from the known set
(`best_introducers`), exact under the limit, in O(ties) per round; one target's paths are
enumerated (at most degree² of them). No igraph is needed at this size (bench/introductions.py:
well under 200 ms at 2,000 stakeholders and 10,000 ties).

The broker's role: the Gould–Fernandez role of the first broker v (the known person) by sector,
for a = the member's side of their own tie to v (its internal end, usually the city; for a tie
the member owns between two outside organisations, its other end: the path then starts "through
your tie A – v", not with the member's own trust) and b = the next stakeholder on the path: coordinator (all
one sector), itinerant (a and b share one, v does not), representative (a and v share one, b
does not), gatekeeper (v and b share one, a does not), liaison (all differ); DESIGN.md.

Queries (`reach_graph` then `introductions`): the stakeholders, the active ties, the
workspace's sectors, the loads of the known people, then the organisations of the paths'
stakeholders for the sentences: 5 for a stakeholder, sector or value type; 2 more for a
community (the stored network analysis). Ties are workspace-visible records; nothing private is
read besides the counts of interactions the member may see.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.utils import timezone

from cityweave.engagement.contacts import counterpart_ids
from cityweave.engagement.models import Interaction
from cityweave.network.models import NetworkSnapshot
from cityweave.stakeholders.models import BUILT_IN_SECTORS, Sector, Stakeholder, Tie
from cityweave.vocabulary import ValueType
from cityweave.workspaces.models import Membership

#: An unrated tie's trust, as a share of the top rating (2 of 4).
UNKNOWN_TRUST = 0.5
#: The most intermediaries on a path, the known person asked included.
MAX_BROKERS = 2
#: The days of interactions counted as a broker's current load.
LOAD_DAYS = 90
#: The paths returned unless asked otherwise, and the most a caller may ask for.
DEFAULT_LIMIT, MAX_LIMIT = 5, 50
#: What a member may ask introductions to.
TARGET_KINDS = ("stakeholder", "sector", "community", "value_type")
#: The network analysis whose communities are read.
RECORDED = "recorded"


def trust_share(rating: int | None) -> float:
    """A tie's trust as a share: rating (1–4) ÷ 4, or UNKNOWN_TRUST for an unrated tie."""
    return rating / 4 if rating else UNKNOWN_TRUST


def trust_text(rating: int | None) -> str:
    """A rating as a page says it: "3/4", or "unrated (counted as 2/4)"."""
    return f"{rating}/4" if rating else f"unrated (counted as {UNKNOWN_TRUST * 4:g}/4)"


def broker_role(a: str, v: str, b: str) -> str:
    """The Gould–Fernandez role of broker v between a and b, from the three groups (sectors):
    coordinator, itinerant, representative, gatekeeper or liaison (DESIGN.md; as sna::brokerage)."""
    if a == v == b:
        return "coordinator"
    if a == b:
        return "itinerant"
    if a == v:
        return "representative"
    if v == b:
        return "gatekeeper"
    return "liaison"


ROLE_TEXT = {
    "coordinator": "coordinator (your side, they and the next person: one sector)",
    "itinerant": "itinerant (from another sector than your side and the next person)",
    "representative": "representative (your side's sector's link to another)",
    "gatekeeper": "gatekeeper (the next person's sector's way in)",
    "liaison": "liaison (your side, they and the next person: three sectors)",
}


@dataclass(frozen=True)
class Node:
    """A live stakeholder as the search reads it."""

    id: int
    name: str
    sector: str
    is_internal: bool
    offers: tuple[str, ...]


@dataclass
class ReachGraph:
    """A member's view of the workspace's active ties, built once (`reach_graph`) and searched
    for one target (`introductions`) or many (`best_introducers`).

    `ratings`: the trust rating (1–4, None unrated) of the best active tie of each pair of
    outsiders, both ways; `known`: each known person and the rating of the member's best own tie
    to them; `own_side`: the sector of the member's side of that tie, `own_end` the stakeholder
    at that side (the city, or the other outsider of a tie between two outsiders); `loads`: each known
    person's interactions in the last LOAD_DAYS days (read on first use)."""

    member: Membership
    nodes: dict[int, Node]
    ratings: dict[int, dict[int, int | None]]
    known: dict[int, int | None]
    own_side: dict[int, str]
    own_end: dict[int, int]
    sector_labels: dict[str, str]
    now: dt.datetime
    _loads: dict[int, int] | None = None

    @property
    def loads(self) -> dict[int, int]:
        if self._loads is None:
            self._loads = broker_loads(self.member, self.known, self.now)
        return self._loads

    def neighbours(self, stakeholder_id: int) -> dict[int, int | None]:
        return self.ratings.get(stakeholder_id, {})

    def sector_label(self, sector: str) -> str:
        return self.sector_labels.get(sector, sector)


def reach_graph(member: Membership, *, now: dt.datetime | None = None) -> ReachGraph:
    """The member's reach graph (three queries: stakeholders, active ties, sectors)."""
    workspace = member.workspace_id
    nodes = {
        pk: Node(pk, name, sector, internal, tuple(o for o in (offers or ()) if isinstance(o, str)))
        for pk, name, sector, internal, offers in Stakeholder.objects.filter(
            workspace_id=workspace
        ).values_list("pk", "name", "sector", "is_internal", "offers")
    }
    ties = (
        Tie.objects.filter(
            workspace_id=workspace,
            status=Tie.Status.ACTIVE,
            source__deleted_at__isnull=True,
            target__deleted_at__isnull=True,
        )
        .order_by()
        .values_list("source_id", "target_id", "trust", "owner_id")
    )
    ratings: dict[int, dict[int, int | None]] = defaultdict(dict)
    known: dict[int, int | None] = {}
    own_side: dict[int, str] = {}
    own_end: dict[int, int] = {}
    for source, target, trust, owner in ties:
        ends = nodes.get(source), nodes.get(target)
        if ends[0] is None or ends[1] is None:
            continue
        outsiders = not ends[0].is_internal and not ends[1].is_internal
        if outsiders and better(trust, ratings[source].get(target, 0)):
            ratings[source][target] = trust
            ratings[target][source] = trust
        if owner != member.pk:
            continue
        for known_id in counterpart_ids(source, ends[0].is_internal, target, ends[1].is_internal):
            if nodes[known_id].is_internal or not better(trust, known.get(known_id, 0)):
                continue
            known[known_id] = trust
            side = ends[1] if known_id == source else ends[0]
            own_side[known_id] = side.sector
            own_end[known_id] = side.id
    return ReachGraph(
        member=member,
        nodes=nodes,
        ratings=dict(ratings),
        known=known,
        own_side=own_side,
        own_end=own_end,
        sector_labels=BUILT_IN_SECTORS
        | dict(Sector.objects.filter(workspace_id=workspace).values_list("key", "label")),
        now=now or timezone.now(),
    )


def better(rating: int | None, current: int | None) -> bool:
    """Whether a tie rated `rating` is better evidence than `current` (0: none yet): any rating
    beats an unrated tie, a higher rating a lower one."""
    if current == 0:
        return True
    if current is None:
        return rating is not None
    return rating is not None and rating > current


def broker_loads(member: Membership, ids: Iterable[int], now: dt.datetime) -> dict[int, int]:
    """Each stakeholder's count of live interactions in the LOAD_DAYS days up to `now` that
    `member` may see (not another member's private ones); one query.

    It starts from the workspace's interactions of those days (their index is on workspace and
    time) and counts every participant, keeping those of `ids`: asking for the participations
    of 1,200 known people first took 135 ms on the bench's SQLite, this 5 to 15 ms."""
    wanted = set(ids)
    if not wanted:
        return {}
    rows = (
        Interaction.objects.filter(
            workspace_id=member.workspace_id,
            occurred_at__gt=now - dt.timedelta(days=LOAD_DAYS),
            occurred_at__lte=now,
            participants__isnull=False,
        )
        .filter(Q(private=False) | Q(author=member))
        .order_by()
        .values("participants")
        .annotate(load=Count("pk"))
    )
    return {row["participants"]: row["load"] for row in rows if row["participants"] in wanted}


# ----------------------------------------------------------------------------------------------
# Paths


@dataclass(frozen=True)
class IntroductionPath:
    """One way to reach a target: `stakeholders` from the known person asked to the target;
    `ratings` the trust rating (None unrated) of each hop, the member's own tie first (as many
    as stakeholders); `product` the product of the trust shares (0–1); `load` the first
    broker's interactions in the last 90 days; `role` their Gould–Fernandez role; `sentence`
    what to do, in one sentence."""

    stakeholders: tuple[Node, ...]
    ratings: tuple[int | None, ...]
    product: float
    load: int
    role: str
    sentence: str

    @property
    def hops(self) -> int:
        """The ties along the path, the member's own included."""
        return len(self.stakeholders)

    @property
    def broker(self) -> Node:
        return self.stakeholders[0]

    @property
    def target(self) -> Node:
        return self.stakeholders[-1]

    @property
    def role_text(self) -> str:
        return ROLE_TEXT[self.role]

    @property
    def product_text(self) -> str:
        """The trust product to 3 decimals, halves rounded up, as the page and the CLI say it."""
        return product_text(self.product)


def product_text(product: float) -> str:
    """A trust product (0–1) to 3 decimals, halves rounded up (0.140625 → "0.141"), the same
    on the pages (Django's floatformat rounds so) and in the CLI."""
    return str(Decimal(repr(product)).quantize(Decimal("0.001"), rounding=ROUND_HALF_UP))


Raw = tuple[int, ...]


def path_product(graph: ReachGraph, path: Raw) -> float:
    product = trust_share(graph.known[path[0]])
    for a, b in zip(path, path[1:], strict=False):
        product *= trust_share(graph.ratings[a][b])
    return product


def _name_key(graph: ReachGraph, stakeholder_id: int) -> tuple[str, int]:
    return (graph.nodes[stakeholder_id].name.casefold(), stakeholder_id)


def rank_key(graph: ReachGraph, path: Raw) -> tuple[Any, ...]:
    """The order of paths: highest trust product, fewer hops, lower first-broker load, names."""
    return (
        -path_product(graph, path),
        len(path),
        graph.loads.get(path[0], 0),
        *(_name_key(graph, sid) for sid in path),
    )


def is_target(graph: ReachGraph, stakeholder_id: int) -> bool:
    """Whether the member could be introduced to this stakeholder: an outsider they do not know."""
    node = graph.nodes.get(stakeholder_id)
    return node is not None and not node.is_internal and stakeholder_id not in graph.known


def paths_to(graph: ReachGraph, target: int) -> list[Raw]:
    """Every path to `target` within the broker limit (unranked): (known, target) and
    (known, broker, target) with the broker not known."""
    if not is_target(graph, target):
        return []
    found: list[Raw] = []
    for middle in graph.neighbours(target):
        if middle in graph.known:
            found.append((middle, target))
            continue
        if graph.nodes[middle].is_internal:
            continue
        found.extend(
            (first, middle, target) for first in graph.neighbours(middle) if first in graph.known
        )
    return found


def best_raw(graph: ReachGraph, targets: Iterable[int] | None = None) -> dict[int, Raw]:
    """The best path (as ids) to every reachable stakeholder, or to those of `targets`: two
    rounds of relaxation from the known set, keeping for each stakeholder the path that sorts
    first by `rank_key`. Exact: every path key extends its prefix's key monotonically."""
    best1: dict[int, tuple[tuple[Any, ...], Raw]] = {}
    for first in graph.known:
        for nxt in graph.neighbours(first):
            if not is_target(graph, nxt):
                continue
            path: Raw = (first, nxt)
            key = rank_key(graph, path)
            if nxt not in best1 or key < best1[nxt][0]:
                best1[nxt] = (key, path)
    best2: dict[int, tuple[tuple[Any, ...], Raw]] = {}
    for middle, (_, prefix) in best1.items():
        for nxt in graph.neighbours(middle):
            if not is_target(graph, nxt) or nxt in prefix:
                continue
            path = (*prefix, nxt)
            key = rank_key(graph, path)
            if nxt not in best2 or key < best2[nxt][0]:
                best2[nxt] = (key, path)
    wanted = set(best1) | set(best2) if targets is None else set(targets)
    result: dict[int, Raw] = {}
    for target in wanted:
        options = [found for found in (best1.get(target), best2.get(target)) if found]
        if options:
            result[target] = min(options)[1]
    return result


def organisations(ids: Iterable[int]) -> dict[int, str]:
    """The first live organisation (by name) of each person among `ids`; one query."""
    through = Stakeholder.organisations.through
    rows = (
        through.objects.filter(
            from_stakeholder_id__in=sorted(set(ids)), to_stakeholder__deleted_at__isnull=True
        )
        .order_by("to_stakeholder__name")
        .values_list("from_stakeholder_id", "to_stakeholder__name")
    )
    found: dict[int, str] = {}
    for person, name in rows:
        found.setdefault(person, name)
    return found


def describe(graph: ReachGraph, raws: list[Raw]) -> list[IntroductionPath]:
    """The paths as the pages show them, with their sentences (one query for organisations)."""
    orgs = organisations(raw[0] for raw in raws) if raws else {}
    return [_describe(graph, raw, orgs) for raw in raws]


def _describe(graph: ReachGraph, raw: Raw, orgs: Mapping[int, str]) -> IntroductionPath:
    nodes = tuple(graph.nodes[sid] for sid in raw)
    ratings = (
        graph.known[raw[0]],
        *(graph.ratings[a][b] for a, b in zip(raw, raw[1:], strict=False)),
    )
    first, target = nodes[0], nodes[-1]
    where = orgs.get(first.id) or graph.sector_label(first.sector)
    # The member's own tie: from "you" when its other end is the city's; a tie they own between
    # two outside organisations is theirs to ask through, but its trust is not their own.
    side = graph.nodes.get(graph.own_end.get(first.id, 0))
    own = "you" if side is None or side.is_internal else f"your tie {side.name}"
    names = [own, *(node.name for node in nodes)]
    trusts = ", ".join(f"{names[i]}–{names[i + 1]} {trust_text(r)}" for i, r in enumerate(ratings))
    if len(nodes) == 2:
        ask = f"Ask {first.name} ({where}) to introduce you to {target.name}"
    else:
        ask = (
            f"Ask {first.name} ({where}) to introduce you to {nodes[1].name}, "
            f"who knows {target.name}"
        )
    role = broker_role(graph.own_side.get(first.id, ""), first.sector, nodes[1].sector)
    return IntroductionPath(
        stakeholders=nodes,
        ratings=ratings,
        product=path_product(graph, raw),
        load=graph.loads.get(first.id, 0),
        role=role,
        sentence=f"{ask} (trust: {trusts}).",
    )


def best_introducers(
    member: Membership | ReachGraph, stakeholder_ids: Iterable[int]
) -> dict[int, IntroductionPath | None]:
    """The best introduction path to each of `stakeholder_ids` (None when there is none: not
    reachable within MAX_BROKERS, known already, part of the city, or not in the workspace),
    from one graph build (pass a ReachGraph to reuse one) and one search. Queries: the graph's 3
    (none when given), the known people's loads, the organisations: 5 at most."""
    graph = member if isinstance(member, ReachGraph) else reach_graph(member)
    ids = list(dict.fromkeys(stakeholder_ids))
    raws = best_raw(graph, ids)
    ordered = [raws[sid] for sid in ids if sid in raws]
    described = {path.target.id: path for path in describe(graph, ordered)}
    return {sid: described.get(sid) for sid in ids}


# ----------------------------------------------------------------------------------------------
# Asking for introductions


@dataclass
class Introductions:
    """The answer to "who can introduce me?": what was asked (`kind`, `value` and its `label`),
    how many stakeholders it names (`targets`) and how many of those can be reached
    (`reachable`), the best paths (at most the limit asked for) of the `found` there are (the
    reachable stakeholders of a group; the ways to one stakeholder), and a `note` when there is
    nothing to show and why."""

    kind: str
    value: str
    label: str
    targets: int
    reachable: int
    paths: list[IntroductionPath] = field(default_factory=list)
    note: str = ""
    found: int = 0


@dataclass(frozen=True)
class StoredAnalysis:
    """What the search reads of the workspace's last finished network analysis: each
    stakeholder's Leiden community (1..count), the communities' names, and its structural holes
    (between communities and between sectors: pairs with few ties) as (label, the ids of the
    stakeholders with ties into both sides)."""

    community: dict[int, int]
    names: list[str]
    holes: list[tuple[str, frozenset[int]]]


def stored_analysis(
    member: Membership, sector_labels: Mapping[str, str] | None = None
) -> StoredAnalysis | None:
    """The workspace's last finished network analysis (however stale; none is queued here), or
    None before the first one; two queries. Holes between sectors are named by `sector_labels`."""
    from cityweave.network.services import stored_result

    snapshot = (
        NetworkSnapshot.objects.filter(
            workspace_id=member.workspace_id, view=RECORDED, computed_at__isnull=False
        )
        .defer("result", "layout")
        .first()
    )
    if snapshot is None:
        return None
    result = stored_result(snapshot)
    community = {
        int(node["id"]): int(node["community"])
        for node in result.get("nodes", [])
        if node.get("community") is not None
    }
    names = [str(name) for name in (result.get("network", {}).get("community_names") or [])]
    labels = sector_labels or {}

    def name(kind: str, key: str) -> str:
        if kind == "between_communities" and key.isdigit() and 0 < int(key) <= len(names):
            return names[int(key) - 1]
        return str(labels.get(key, key))

    holes = [
        (
            " – ".join(name(kind, str(key)) for key in hole.get("groups", [])),
            frozenset(int(bridge["id"]) for bridge in hole.get("bridges", [])),
        )
        for kind in ("between_communities", "between_groups")
        for hole in result.get("structural_holes", {}).get(kind, [])
    ]
    return StoredAnalysis(community, names, holes)


LIMIT_MESSAGE = f"Ask for 1 to {MAX_LIMIT} paths."
#: What each kind of target is, as an error asking for it says.
TARGET_WORDS = {
    "stakeholder": "a stakeholder's id",
    "sector": "a sector's key",
    "community": "a community's number",
    "value_type": "a value type's key",
}
_DIGITS = re.compile(r"[0-9]+")


def _limit(limit: int) -> int:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValidationError({"limit": LIMIT_MESSAGE})
    return limit


def strict_number(text: str) -> int | None:
    """A query parameter's whole number, written with the ASCII digits 0-9 alone (no sign,
    space, trailing newline or other script's digits, as the API's QueryInt reads it; leading
    zeros are fine: "00003" is 3); None for anything else."""
    return int(text) if _DIGITS.fullmatch(text) else None


def repeated(query: Any, names: Iterable[str]) -> dict[str, str]:
    """The parameters of `names` given more than once in `query` (a QueryDict), each with the
    error saying so: a search takes one value of each."""
    return {
        name: f"Give {name} once, not {len(query.getlist(name))} times."
        for name in names
        if len(query.getlist(name)) > 1
    }


def value_type_label(value_type: str) -> str:
    """A value type's label inside a sentence: lower case unless an acronym ("funding", "IT")."""
    label = str(ValueType(value_type).label)
    return label if label[:2].isupper() else label[:1].lower() + label[1:]


def introductions(
    member: Membership | ReachGraph,
    *,
    stakeholder: int | None = None,
    sector: str | None = None,
    community: int | None = None,
    value_type: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> Introductions:
    """Who can introduce the member to one target, given by exactly one of:

    - `stakeholder` (id): the best `limit` paths to them. Http404 for a stakeholder not live
      in the member's workspace;
    - `sector` (key), `community` (number in the last network analysis) or `value_type` (one
      the stakeholders offer): the outsiders the member does not know yet in it, the best path
      to each, the best `limit` of those.

    ValidationError naming the parameter when none or several are given, one is given empty
    (`sector=""`), or one is unknown (`limit`: 1 to MAX_LIMIT). Queries: see the module's
    docstring.
    """
    given = {
        name: value
        for name, value in (
            ("stakeholder", stakeholder),
            ("sector", sector),
            ("community", community),
            ("value_type", value_type),
        )
        if value is not None
    }
    empty = [name for name, value in given.items() if value == ""]
    if empty:
        raise ValidationError({name: f"Give {TARGET_WORDS[name]}; it is empty." for name in empty})
    if len(given) != 1:
        message = "Give exactly one of stakeholder, sector, community or value_type."
        raise ValidationError(dict.fromkeys(list(given) or ["stakeholder"], message))
    limit = _limit(limit)
    graph = member if isinstance(member, ReachGraph) else reach_graph(member)
    if stakeholder is not None:
        return _to_stakeholder(graph, stakeholder, limit)
    if sector:
        if sector not in graph.sector_labels:
            raise ValidationError({"sector": f"No sector “{sector}” in this workspace."})
        ids = [n.id for n in graph.nodes.values() if n.sector == sector]
        return _to_group(
            graph, "sector", sector, f"anyone in {graph.sector_label(sector)}", ids, limit
        )
    if value_type:
        if value_type not in ValueType.values:
            raise ValidationError(
                {
                    "value_type": f"Unknown value type “{value_type}”; use {', '.join(ValueType.values)}."
                }
            )
        ids = [n.id for n in graph.nodes.values() if value_type in n.offers]
        label = f"anyone offering {value_type_label(value_type)}"
        return _to_group(graph, "value_type", value_type, label, ids, limit)
    assert community is not None
    stored = stored_analysis(graph.member)
    if stored is None:
        return Introductions(
            "community",
            str(community),
            f"anyone in community {community}",
            0,
            0,
            note="No network analysis has finished yet, so there are no communities: "
            "open the network page once and come back.",
        )
    membership, names = stored.community, stored.names
    if not 1 <= community <= len(names):
        raise ValidationError(
            {"community": f"No community {community}: the last analysis found {len(names)}."}
        )
    ids = [sid for sid, number in membership.items() if number == community]
    # As the network page names it ("Business (City of Riverton)"), after its number.
    label = f"anyone in community {community}: {names[community - 1]}"
    return _to_group(graph, "community", str(community), label, ids, limit)


def _to_stakeholder(graph: ReachGraph, stakeholder: int, limit: int) -> Introductions:
    node = graph.nodes.get(stakeholder)
    if node is None:
        raise Http404("No such stakeholder")
    answer = Introductions("stakeholder", str(node.id), node.name, 1, 0)
    if node.is_internal:
        answer.note = f"{node.name} is part of the city: no introduction needed."
        return answer
    if node.id in graph.known:
        answer.note = f"You know {node.name} already: you own an active tie with them."
        return answer
    raws = sorted(paths_to(graph, node.id), key=lambda raw: rank_key(graph, raw))
    answer.reachable = int(bool(raws))
    answer.found = len(raws)
    answer.paths = describe(graph, raws[:limit])
    if not raws:
        answer.note = _unreachable(graph, node.name)
    return answer


def _to_group(
    graph: ReachGraph, kind: str, value: str, label: str, ids: list[int], limit: int
) -> Introductions:
    targets = [sid for sid in ids if is_target(graph, sid)]
    raws = best_raw(graph, targets)
    ordered = sorted(raws.values(), key=lambda raw: rank_key(graph, raw))
    answer = Introductions(kind, value, label, len(targets), len(raws), found=len(raws))
    answer.paths = describe(graph, ordered[:limit])
    if not targets:
        answer.note = "There is nobody to meet: you know them all already, or there is nobody."
    elif not raws:
        answer.note = _unreachable(graph, label)
    return answer


def _unreachable(graph: ReachGraph, whom: str) -> str:
    if not graph.known:
        advice = " (set yourself as the owner of your ties)" if graph.member.can_edit else ""
        return (
            "You own no active ties yet, so nobody can introduce you: a path starts at someone "
            f"you know{advice}."
        )
    return (
        f"Nobody you know can reach {whom} through at most {MAX_BROKERS} people over active ties."
    )
