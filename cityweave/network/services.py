"""The workspace's network: engine input from stakeholders and ties, its cached analysis, one stakeholder's reading.

Which ties count: live ties whose two ends are live and whose status is not "ended"
(prospects, active and dormant ties all describe who can reach whom).

Tie weight (the engine reads weight as strength; path lengths are 1/weight): a tie's trust
rating, 1 to 4 on the PARTNER scale, when it is known; an unrated tie weighs
UNRATED_TIE_WEIGHT = 2 ("somewhat trusted"), so a recorded relationship without evidence of
trust counts as a modest one: a tie rated 3 or 4 outweighs it, a tie rated 1 does not. Whole
numbers keep the engine's shortest paths exact.

Direction: the analysis is undirected. Most ties are mutual partnerships, and a directed tie
("reports to", "funder") still lets information flow both ways; each tie's `directed` flag is
kept for the map and the exports.

Analysis in the background: the result is stored per workspace in a NetworkSnapshot under a
fingerprint of what it was computed from: for stakeholders and for ties (trash included), the row
count, the live count, the sum of live ids, the latest `updated_at` and the latest `deleted_at`,
plus the workspace's sectors (keys and labels). Saves move `updated_at`; the trash, restore and
purge (bulk `update()`/`delete()`) move the counts, the id sum or `deleted_at`. A page costs two
aggregate queries to learn whether the stored result is current. When it is not, the page shows
the last finished one, marked stale, and queues `tasks.refresh_analysis` once for that
fingerprint (`request_analysis`); a worker (`cityweave worker`) computes the analysis and the map
layout and stores both together. Saving a stakeholder, tie or sector queues it too, so the new
result is often ready before anyone looks. Nothing heavier than reading the snapshot ever runs on
a request.

Past EXACT_LIMIT stakeholders, betweenness and closeness are estimated from a seeded sample of
sources (the engine's `fast` mode, with its standard errors in `network["sampling"]`).

Views (`NetworkView`): the network "as recorded" (the office's own ties, above: the default),
"as surveyed" in one wave (the ties its submitted roster answers report, from
`surveys.surveyed.surveyed_ties`) or "both". Each view has its own snapshot, keyed "recorded",
"surveyed:<wave id>" or "both:<wave id>", analysed in the background like the recorded one.

- Surveyed stakeholders: the wave's roster (live), plus every live stakeholder a submitted roster
  answer names at either end; density and the other measures of "as surveyed" are over these.
  "Both" has every live stakeholder, as "as recorded" does.
- Surveyed tie weight: a pair reported by one end or both becomes one undirected edge, weighing
  the mean of every trust rating (reliability, support of mission, openness to discussion, 1–4)
  given across both directions of the pair, rounded half up to a whole number; a pair with no
  trust rating weighs UNRATED_TIE_WEIGHT. Unanswered ratings are left out, never zero. A pair
  reported by both ends is `reciprocal`; one reported by one end only is drawn from the reporter.
- "Both": every recorded tie, plus an edge for each surveyed pair with no recorded tie. A recorded
  tie of a pair the wave surveyed is marked surveyed too and takes the surveyed weight when the
  wave gave the pair trust ratings (measured trust wins over the office's judgement), else keeps
  its own.
- Fingerprint of a surveyed view: the recorded one's stakeholder and tie parts, plus, for the
  wave: its survey ties' count and highest id, the count, id sum and rating sums of those in
  submitted responses, the "no relationship" count, and the roster's size and id sum.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cityweave.analytics import analyze
from cityweave.engagement.health import COLD, COOLING, HEALTHY, workspace_statuses
from cityweave.network.layout import layout_digest, layout_positions
from cityweave.network.models import RECORDED, NetworkSnapshot
from cityweave.network.reading import ROLE_MEANINGS, reading_points
from cityweave.stakeholders.models import Stakeholder, Tie, sector_choices
from cityweave.surveys.instruments import (
    RATING_ITEMS,
    TRUST_ITEMS,
    VALUE_ITEMS,
    Collaboration,
    QuestionKind,
)
from cityweave.surveys.models import SurveyTie, Wave
from cityweave.surveys.surveyed import surveyed_ties, surveyed_waves
from cityweave.workspaces.derived import ProcessMemo, derived
from cityweave.workspaces.models import Membership, Workspace

# Bump when the stored result's shape changes, so old snapshots are recomputed.
ANALYSIS_VERSION = "4"
UNRATED_TIE_WEIGHT = 2
#: Up to this many stakeholders the analysis is exact; beyond, path measures are sampled.
EXACT_LIMIT = 5_000
#: A queued analysis not finished after this long is queued again (it failed, or its worker
#: died): longer than the analysis of the largest network takes (about a minute at 20,000).
REQUEUE_AFTER = dt.timedelta(minutes=5)
#: A queued analysis not started after this long means no worker is running: the page says so.
WORKER_GRACE = dt.timedelta(seconds=45)
HEALTH_ALL, HEALTH_AT_RISK = "all", "at-risk"


#: The views of the network: which ties it is made of (see the module docstring).
SURVEYED, BOTH = "surveyed", "both"
VIEWS = {RECORDED: "As recorded", SURVEYED: "As surveyed", BOTH: "Both"}
#: Levels of collaboration, lowest first: a pair's edge shows the highest either end reported.
COLLABORATION_ORDER = [level.value for level in Collaboration]


@dataclass(frozen=True)
class NetworkView:
    """Which ties make the network: `kind` "recorded", "surveyed" or "both", and for the last
    two the `wave` whose submitted roster answers are read."""

    kind: str = RECORDED
    wave: Wave | None = None

    @property
    def key(self) -> str:
        """The snapshot's key: "recorded", "surveyed:<wave id>" or "both:<wave id>"."""
        if self.kind == RECORDED or self.wave is None:
            return RECORDED
        return f"{self.kind}:{self.wave.pk}"

    @property
    def recorded(self) -> bool:
        return self.key == RECORDED

    def params(self) -> dict[str, str]:
        """The query parameters that ask for this view (none for the recorded one)."""
        if self.recorded:
            return {}
        assert self.wave is not None
        return {"view": self.kind, "wave": str(self.wave.pk)}


RECORDED_VIEW = NetworkView()
NO_SURVEYED_WAVE = "No survey wave has submitted roster answers yet."


def network_view(
    workspace: Workspace, view: str | None = None, wave: str | int | None = None
) -> NetworkView:
    """The view a page or the API asks for: `view` "recorded" (the default, `wave` ignored),
    "surveyed" or "both", for `wave` (an id of the workspace's live waves; by default the latest
    wave with submitted roster answers, `surveys.surveyed.surveyed_waves`).

    Raises ValidationError naming "view" (not one of VIEWS) or "wave" (code "not_found": not a
    live wave of this workspace; "no_roster": a wave of a survey without a roster question; or
    no wave has submitted roster answers yet)."""
    kind = view or RECORDED
    if kind not in VIEWS:
        raise ValidationError({"view": f"Choose one of {', '.join(VIEWS)}."})
    if kind == RECORDED:
        return RECORDED_VIEW
    if wave in (None, ""):
        chosen = surveyed_waves(workspace).select_related("survey").first()
        if chosen is None:
            raise ValidationError(
                {"wave": ValidationError(NO_SURVEYED_WAVE, code="no_surveyed_wave")}
            )
        return NetworkView(kind, chosen)
    try:
        wave_id = int(wave)
    except (TypeError, ValueError):
        wave_id = 0
    found = (
        Wave.objects.filter(workspace=workspace, pk=wave_id, survey__deleted_at__isnull=True)
        .select_related("survey")
        .first()
        if 0 < wave_id < 2**63
        else None
    )
    if found is None:
        raise ValidationError(
            {"wave": ValidationError("No such survey wave in this workspace.", code="not_found")}
        )
    if not found.survey.questions.filter(kind=QuestionKind.ROSTER).exists():
        raise ValidationError(
            {
                "wave": ValidationError(
                    f"{found.name} is a wave of a survey without a roster question: its answers "
                    "name no partners, so it has no surveyed network.",
                    code="no_roster",
                )
            }
        )
    return NetworkView(kind, found)


def view_from_key(workspace: Workspace, key: str) -> NetworkView | None:
    """The view a snapshot key names; None when its wave is gone (trashed, or its survey)."""
    if key == RECORDED:
        return RECORDED_VIEW
    kind, _, wave_id = key.partition(":")
    if kind not in (SURVEYED, BOTH) or not wave_id.isdigit():
        return None
    wave = Wave.objects.filter(
        workspace=workspace, pk=int(wave_id), survey__deleted_at__isnull=True
    ).first()
    return NetworkView(kind, wave) if wave is not None else None


def rounded(mean: float) -> int:
    """A mean rating rounded half up to a whole number (2.5 -> 3): path lengths stay exact."""
    return int(mean + 0.5)


def surveyed_edges(wave: Wave) -> list[dict[str, Any]]:
    """The wave's surveyed network as undirected edges, one per pair of stakeholders reported by
    either end, ordered by (source, target): {"source", "target" (the reporter first when only
    one end reported), "reciprocal" (both ends reported), "directed" (one end only), "reports"
    (answers naming the pair), "collaboration" (the highest level reported), "survey_trust" and
    "survey_value" (the mean of the 1–4 ratings given across both directions, 2 decimals, None
    without any), "trust_ratings" (how many), "weight" (see the module docstring)}."""
    pairs: dict[tuple[int, int], dict[str, Any]] = {}
    for tie in surveyed_ties(wave):
        pair = (min(tie.source, tie.target), max(tie.source, tie.target))
        edge = pairs.setdefault(
            pair,
            {"reporters": [], "reports": 0, "trust": [], "value": [], "collaboration": ""},
        )
        edge["reports"] += 1
        if tie.source not in edge["reporters"]:
            edge["reporters"].append(tie.source)
        edge["trust"].extend(r for item in TRUST_ITEMS if (r := tie.ratings[item]) is not None)
        edge["value"].extend(r for item in VALUE_ITEMS if (r := tie.ratings[item]) is not None)
        if tie.collaboration and (
            not edge["collaboration"]
            or COLLABORATION_ORDER.index(tie.collaboration)
            > COLLABORATION_ORDER.index(edge["collaboration"])
        ):
            edge["collaboration"] = tie.collaboration
    edges = []
    for (low, high), edge in sorted(pairs.items()):
        reciprocal = len(edge["reporters"]) > 1
        source = low if reciprocal else edge["reporters"][0]
        trust = sum(edge["trust"]) / len(edge["trust"]) if edge["trust"] else None
        value = sum(edge["value"]) / len(edge["value"]) if edge["value"] else None
        edges.append(
            {
                "source": source,
                "target": high if source == low else low,
                "reciprocal": reciprocal,
                "directed": not reciprocal,
                "reports": edge["reports"],
                "collaboration": edge["collaboration"],
                "survey_trust": round(trust, 2) if trust is not None else None,
                "survey_value": round(value, 2) if value is not None else None,
                "trust_ratings": len(edge["trust"]),
                "weight": rounded(trust) if trust is not None else UNRATED_TIE_WEIGHT,
            }
        )
    return edges


def surveyed_stakeholder_ids(wave: Wave, edges: list[dict[str, Any]]) -> set[int]:
    """The stakeholders of the surveyed network: the wave's live roster and every end of an edge."""
    roster = wave.roster.filter(deleted_at__isnull=True).values_list("pk", flat=True)
    return {*roster, *(e["source"] for e in edges), *(e["target"] for e in edges)}


def _surveyed_tie(edge: dict[str, Any]) -> dict[str, Any]:
    """A surveyed pair with no recorded tie, in the shape of `live_ties`' rows."""
    return {
        "id": None,
        "origin": SURVEYED,
        "status": Tie.Status.ACTIVE.value,
        "health": None,
        "kind": "",
        "trust": None,
        "owner_id": None,
        "owner_name": None,
        **edge,
    }


def view_ties(
    workspace: Workspace, view: NetworkView, health: str | None = HEALTH_ALL
) -> list[dict[str, Any]]:
    """The view's ties in the shape of `live_ties`' rows, each with its `origin`: "recorded",
    "surveyed" (a surveyed pair without a recorded tie: `id` None) or "both" (a recorded tie of
    a surveyed pair, with the survey's fields), surveyed ones with the fields of
    `surveyed_edges`. The recorded view's rows are `live_ties`' unchanged."""
    if view.recorded:
        return live_ties(workspace, health)
    assert view.wave is not None
    edges = surveyed_edges(view.wave)
    if view.kind == SURVEYED:
        return [_surveyed_tie(edge) for edge in edges]
    by_pair = {(min(e["source"], e["target"]), max(e["source"], e["target"])): e for e in edges}
    ties = []
    matched = set()
    for tie in live_ties(workspace, health):
        pair = (min(tie["source"], tie["target"]), max(tie["source"], tie["target"]))
        edge = by_pair.get(pair)
        if edge is None:
            ties.append({**tie, "origin": RECORDED})
            continue
        matched.add(pair)
        survey = {key: value for key, value in edge.items() if key not in ("source", "target")}
        survey["directed"] = tie["directed"]
        if not edge["trust_ratings"]:
            survey["weight"] = tie["weight"]
        ties.append({**tie, **survey, "origin": BOTH})
    ties.extend(_surveyed_tie(e) for pair, e in by_pair.items() if pair not in matched)
    return ties


@dataclass(frozen=True)
class NetworkData:
    """A workspace's stakeholders (engine nodes) and ties, with what the map shows of each tie."""

    nodes: list[dict[str, Any]]
    ties: list[dict[str, Any]]
    sectors: dict[str, str]

    def engine_ties(self) -> list[tuple[int, int, int]]:
        """(source, target, weight) per tie, as `analyze` takes them."""
        return [(tie["source"], tie["target"], tie["weight"]) for tie in self.ties]

    def among(self, stakeholder_ids: Collection[int]) -> NetworkData:
        """The part of this network made of `stakeholder_ids` (in this network's node order) and
        the ties among them."""
        wanted = set(stakeholder_ids)
        return NetworkData(
            nodes=[node for node in self.nodes if node["id"] in wanted],
            ties=[t for t in self.ties if t["source"] in wanted and t["target"] in wanted],
            sectors=self.sectors,
        )


def workspace_network(member: Membership, view: NetworkView = RECORDED_VIEW) -> NetworkData:
    """The stakeholders and ties of the member's workspace in `view` (by default its live
    stakeholders and live, non-ended ties)."""
    return _network(member.workspace, dict(sector_choices(member.workspace)), view=view)


def _network(
    workspace: Workspace,
    sectors: dict[str, str],
    health: str | None = HEALTH_ALL,
    view: NetworkView = RECORDED_VIEW,
) -> NetworkData:
    ties = view_ties(workspace, view, health)
    stakeholders = Stakeholder.objects.filter(workspace=workspace)
    if view.kind == SURVEYED:
        assert view.wave is not None
        stakeholders = stakeholders.filter(pk__in=surveyed_stakeholder_ids(view.wave, ties))
    return NetworkData(nodes=_nodes(stakeholders), ties=ties, sectors=sectors)


def _nodes(stakeholders: QuerySet[Stakeholder]) -> list[dict[str, Any]]:
    """The engine's nodes for `stakeholders`, by name: one query."""
    return [
        {
            "id": pk,
            "label": name,
            "sector": sector,
            "kind": kind,
            "is_internal": is_internal,
            "influence": influence,
        }
        for pk, name, sector, kind, is_internal, influence in stakeholders.order_by(
            "name", "pk"
        ).values_list("pk", "name", "sector", "kind", "is_internal", "influence")
    ]


def neighbourhood(
    workspace: Workspace, stakeholder_ids: Collection[int], sectors: dict[str, str] | None = None
) -> NetworkData:
    """The live stakeholders among `stakeholder_ids` and everyone tied to them, with every tie
    that counts (the module docstring's rule, weights as the analysis reads them) with an end
    among `stakeholder_ids`; ties carry no health. Nodes: the given stakeholders first (by
    name), then their neighbours (by name). `NetworkData.among` cuts out the ties among the
    given ones. Two queries (three without `sectors`), whatever the number of stakeholders."""
    if sectors is None:
        sectors = dict(sector_choices(workspace))
    wanted = set(stakeholder_ids)
    ties = live_ties(workspace, health=None, touching=wanted)
    around = {tie["source"] for tie in ties} | {tie["target"] for tie in ties}
    found = _nodes(Stakeholder.objects.filter(workspace=workspace, pk__in=wanted | around))
    inside = [node for node in found if node["id"] in wanted]
    outside = [node for node in found if node["id"] not in wanted]
    return NetworkData(nodes=inside + outside, ties=ties, sectors=sectors)


def live_ties(
    workspace: Workspace,
    health: str | None = HEALTH_ALL,
    touching: Collection[int] | None = None,
) -> list[dict[str, Any]]:
    """The live, non-ended ties with their status, owner and analysis weight, and their health:
    every tie's (HEALTH_ALL), only cooling and cold ones' (HEALTH_AT_RISK, all the map draws), or
    none (None, for the analysis). With `touching` (stakeholder ids), only the ties with an end
    among them."""
    ties = (
        Tie.objects.filter(
            workspace=workspace, source__deleted_at__isnull=True, target__deleted_at__isnull=True
        )
        .exclude(status=Tie.Status.ENDED)
        .order_by("pk")
    )
    if touching is not None:
        ids = list(touching)
        ties = ties.filter(Q(source_id__in=ids) | Q(target_id__in=ids))
    statuses: dict[int, str] = {}
    if health is not None:
        shown = (COOLING, COLD) if health == HEALTH_AT_RISK else (HEALTHY, COOLING, COLD)
        statuses = {
            pk: status
            for pk, (status, _) in workspace_statuses(workspace).items()
            if status in shown
        }
    rows = ties.values_list(
        "pk", "source_id", "target_id", "status", "directed", "kind", "trust",
        "owner_id", "owner__user__name", "owner__user__email",
    )  # fmt: skip
    return [
        {
            "id": pk,
            "source": source,
            "target": target,
            "status": status,
            "health": statuses.get(pk),
            "directed": directed,
            "kind": kind,
            "trust": trust,
            "weight": trust if trust is not None else UNRATED_TIE_WEIGHT,
            "owner_id": owner_id,
            "owner_name": (owner_name or owner_email.split("@")[0]) if owner_id else None,
        }
        for pk, source, target, status, directed, kind, trust, owner_id, owner_name, owner_email in rows
    ]


def network_fingerprint(
    workspace: Workspace, sectors: dict[str, str] | None = None, view: NetworkView = RECORDED_VIEW
) -> str:
    """A digest that changes whenever the workspace's stakeholders, ties or sector list change,
    and for a surveyed view whenever the wave's submitted survey ties or roster change."""
    if sectors is None:
        sectors = dict(sector_choices(workspace))
    # Labels too: the broker sentences stored with the result name sectors by label.
    parts = [ANALYSIS_VERSION, repr(sorted(sectors.items()))]
    live = Q(deleted_at__isnull=True)
    for model in (Stakeholder, Tie):
        row = model.all_objects.filter(workspace=workspace).aggregate(
            rows=Count("pk"),
            live=Count("pk", filter=live),
            live_ids=Sum("pk", filter=live),
            updated=Max("updated_at"),
            deleted=Max("deleted_at"),
        )
        parts.extend(str(row[key]) for key in ("rows", "live", "live_ids", "updated", "deleted"))
    if not view.recorded:
        parts.extend(_wave_parts(view))
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _wave_parts(view: NetworkView) -> list[str]:
    """What the surveyed view's fingerprint reads of its wave: two aggregate queries."""
    submitted = Q(response__submitted_on__isnull=False)
    row = SurveyTie.objects.filter(wave=view.wave).aggregate(
        rows=Count("pk"),
        top=Max("pk"),
        submitted=Count("pk", filter=submitted),
        submitted_ids=Sum("pk", filter=submitted),
        none=Count("pk", filter=submitted & Q(collaboration=Collaboration.NONE)),
        **{item: Sum(F(item), filter=submitted) for item in RATING_ITEMS},
    )
    assert view.wave is not None
    roster = view.wave.roster.aggregate(size=Count("pk"), ids=Sum("pk"))
    return [
        view.key,
        *(str(value) for value in row.values()),
        str(roster["size"]),
        str(roster["ids"]),
    ]


@dataclass(frozen=True)
class AnalysisState:
    """How current the stored analysis is: its time, whether the network has changed since, and
    where the newer one is: "waiting" for a worker (since when), "running" (since when),
    "failed" (when), or None when nothing is known of it."""

    computed_at: dt.datetime | None
    stale: bool
    task: str | None = None
    task_since: dt.datetime | None = None

    @property
    def status(self) -> str:
        """ "pending" before the first analysis, "updating" while a newer one is due, else "current"."""
        if self.computed_at is None:
            return "pending"
        return "updating" if self.stale else "current"

    @property
    def waiting_for_worker(self) -> bool:
        """Queued long enough ago that a running worker would have taken it."""
        return (
            self.stale
            and self.task == "waiting"
            and self.task_since is not None
            and timezone.now() - self.task_since > WORKER_GRACE
        )

    @property
    def retry_at(self) -> dt.datetime | None:
        """When a failed or lost analysis is queued again (on the next page after that)."""
        return self.task_since + REQUEUE_AFTER if self.task_since else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "computed_at": self.computed_at.isoformat() if self.computed_at else None,
            "stale": self.stale,
            "status": self.status,
            "waiting_for_worker": self.waiting_for_worker,
            "task": self.task,
            "retry_at": self.retry_at,
        }


#: Where a queued analysis is, by django-tasks result status.
TASK_STATES = {"READY": "waiting", "RUNNING": "running", "FAILED": "failed"}


def current_snapshot(
    workspace: Workspace, sectors: dict[str, str] | None = None, view: NetworkView = RECORDED_VIEW
) -> tuple[NetworkSnapshot, AnalysisState]:
    """The workspace's last finished analysis of `view` and how current it is; queues a new
    analysis when the network has changed since (once per change, again after REQUEUE_AFTER if
    the one queued has failed or its worker was lost)."""
    if sectors is None:
        sectors = dict(sector_choices(workspace))
    # Two aggregate queries over every stakeholder and tie (two more over a surveyed view's
    # wave), kept until the workspace changes.
    name: tuple[Any, ...] = ("network-fingerprint", tuple(sorted(sectors.items())))
    if not view.recorded:
        name = (*name, view.key)
    version = derived(
        workspace, name, timezone.now(), lambda: network_fingerprint(workspace, sectors, view)
    )
    # The big columns (the result, the layout) stay in the database until asked for.
    snapshots = NetworkSnapshot.objects.filter(workspace=workspace, view=view.key).defer(
        "result", "layout"
    )
    snapshot = snapshots.first()
    if snapshot is None:
        NetworkSnapshot.objects.get_or_create(workspace=workspace, view=view.key)
        snapshot = snapshots.get()
    if snapshot.version != version and request_analysis(workspace, version, view):
        # An immediate task backend (tests, or a deliberate set-up) has finished it already.
        snapshot = snapshots.get()
    stale = snapshot.version != version
    task, since = _task_state(snapshot) if stale else (None, None)
    return snapshot, AnalysisState(snapshot.computed_at, stale, task, since)


def _task_state(snapshot: NetworkSnapshot) -> tuple[str | None, dt.datetime | None]:
    """Where the snapshot's queued analysis is, and since when, from the task queue."""
    if not snapshot.requested_task:
        return None, None
    row = (
        DBTaskResult.objects.filter(id=snapshot.requested_task)
        .values_list("status", "enqueued_at", "started_at", "finished_at")
        .first()
    )
    if row is None:
        return None, None
    status, enqueued_at, started_at, finished_at = row
    state = TASK_STATES.get(status)
    since = {"waiting": enqueued_at, "running": started_at, "failed": finished_at}.get(state or "")
    return state, since


def request_analysis(
    workspace: Workspace, version: str | None = None, view: NetworkView = RECORDED_VIEW
) -> bool:
    """Queue the background analysis of `workspace` in `view` for the network fingerprint
    `version` (the current one when None), unless it is queued already and not older than
    REQUEUE_AFTER; True when this call queued it."""
    from cityweave.network.tasks import refresh_analysis

    if version is None:
        version = network_fingerprint(workspace, view=view)
    now = timezone.now()
    NetworkSnapshot.objects.get_or_create(workspace=workspace, view=view.key)
    # One UPDATE claims the request, so concurrent pages queue it once.
    claimed = (
        NetworkSnapshot.objects.filter(workspace=workspace, view=view.key)
        .exclude(version=version)
        .exclude(requested_version=version, requested_at__gt=now - REQUEUE_AFTER)
        .update(requested_version=version, requested_at=now, requested_task="")
    )
    if claimed:
        # The recorded view's task keeps its one argument, as queued before views existed.
        args = (workspace.pk,) if view.recorded else (workspace.pk, view.key)
        queued = refresh_analysis.enqueue(*args)
        NetworkSnapshot.objects.filter(workspace=workspace, view=view.key, requested_at=now).update(
            requested_task=str(queued.id)[:64]
        )
    return bool(claimed)


def refresh_snapshot(workspace: Workspace, view: NetworkView = RECORDED_VIEW) -> str:
    """Compute and store the analysis and map layout of `view` if its network changed: the
    background task's work. Returns "current" when there was nothing to do, else "computed"."""
    sectors = dict(sector_choices(workspace))
    # The fingerprint first: a change while computing leaves the result stale, to be redone.
    version = network_fingerprint(workspace, sectors, view)
    snapshot, _ = NetworkSnapshot.objects.get_or_create(workspace=workspace, view=view.key)
    if snapshot.version == version and snapshot.computed_at is not None:
        return "current"
    data = _network(workspace, sectors, health=None, view=view)
    result = _analyse(data)
    # By id, not by name: renaming a stakeholder must not move the map around.
    node_ids = sorted(node["id"] for node in data.nodes)
    pairs = [(tie["source"], tie["target"]) for tie in data.ties]
    digest = layout_digest(node_ids, pairs)
    if snapshot.layout_digest == digest and snapshot.layout is not None:
        layout = snapshot.layout
    else:
        layout = {str(key): list(xy) for key, xy in layout_positions(node_ids, pairs).items()}
    NetworkSnapshot.objects.filter(pk=snapshot.pk).update(
        version=version,
        computed_at=timezone.now(),
        result=result,
        layout_digest=digest,
        layout=layout,
    )
    return "computed"


#: About 10 MB a workspace at 2,000 stakeholders: the decoded result and two JSON fragments.
MEMO = ProcessMemo(size=12)


def analysis_key(snapshot: NetworkSnapshot) -> tuple[int, str, dt.datetime | None]:
    """What names one stored analysis: its snapshot, fingerprint and time."""
    return (snapshot.pk, snapshot.version, snapshot.computed_at)


def stored_result(snapshot: NetworkSnapshot) -> dict[str, Any]:
    """The snapshot's result, decoded once per process and version rather than on every page
    (2 MB of JSON at 2,000 stakeholders). Callers must not change it."""
    key = ("result", *analysis_key(snapshot))
    found = MEMO.find(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    rows = NetworkSnapshot.objects.filter(pk=snapshot.pk).values_list("version", "result")
    version, result = rows.get()
    if version != snapshot.version or not result:
        # A newer analysis landed in between: show it, without keeping it under the old key.
        return result or {}
    MEMO.put(key, result)
    return result  # type: ignore[no-any-return]


def network_report(member: Membership, view: NetworkView = RECORDED_VIEW) -> dict[str, Any]:
    """The last finished analysis of the workspace, and how current it is.

    {"network": {...metrics, "group_labels"}, "nodes": [{id (stakeholder id), label, sector,
    sector_label, kind, is_internal, influence, url, contact_sectors, degree, ... brokerage}],
    "structural_holes": {"between_groups": [... "labels"], "between_communities": [...]},
    "brokers": [...], "computed_at": ISO time or None, "stale": bool, "status": "current",
    "updating" or "pending", "waiting_for_worker": bool, "version": fingerprint}

    Before the first analysis has finished, the metrics and lists are empty and status is "pending".
    """
    workspace = member.workspace
    sectors = dict(sector_choices(workspace))
    snapshot, state = current_snapshot(workspace, sectors, view)
    return _decorate(snapshot, state, workspace, sectors)


def _analyse(data: NetworkData) -> dict[str, Any]:
    result = analyze(
        data.nodes,
        data.engine_ties(),
        directed=False,
        weight=True,
        group="sector",
        expected_groups=list(data.sectors),
        group_labels=data.sectors,
        fast=len(data.nodes) > EXACT_LIMIT,
    ).to_dict()
    attributes = {node["id"]: node for node in data.nodes}
    contact_sectors: dict[int, set[str]] = {node["id"]: set() for node in data.nodes}
    for tie in data.ties:
        contact_sectors[tie["source"]].add(attributes[tie["target"]]["sector"])
        contact_sectors[tie["target"]].add(attributes[tie["source"]]["sector"])
    for record in result["nodes"]:
        node = attributes[record["id"]]
        record.update(
            sector=node["sector"],
            kind=node["kind"],
            is_internal=node["is_internal"],
            influence=node["influence"],
            contact_sectors=sorted(contact_sectors[record["id"]]),
        )
    return result


def _decorate(
    snapshot: NetworkSnapshot, state: AnalysisState, workspace: Workspace, sectors: dict[str, str]
) -> dict[str, Any]:
    """Add what may change without changing the network: sector labels, page links, the state."""
    result = stored_result(snapshot)

    def label(key: str | None) -> str | None:
        return sectors.get(key, key) if key is not None else None

    # One reverse() for all nodes: reversing per node costs more than the rest of this function.
    placeholder = 987654321
    prefix, suffix = reverse("stakeholders:detail", args=[workspace.slug, placeholder]).rsplit(
        str(placeholder), 1
    )
    network = dict(result.get("network", {}))
    community_names = network.get("community_names") or []

    def community_name(number: int | None) -> str | None:
        if number is None or not 0 < number <= len(community_names):
            return None
        return community_names[number - 1]

    nodes = [
        {
            **node,
            "sector_label": label(node["sector"]),
            "url": f"{prefix}{node['id']}{suffix}",
            "community_name": community_name(node.get("community")),
        }
        for node in result.get("nodes", [])
    ]
    keys = [*network.get("groups", {}), *network.get("groups_missing", [])]
    network["group_labels"] = {key: label(key) for key in keys}
    holes = result.get("structural_holes", {})
    return {
        "network": network,
        "nodes": nodes,
        "structural_holes": {
            "between_groups": [
                {**hole, "labels": [label(key) for key in hole["groups"]]}
                for hole in holes.get("between_groups", [])
            ],
            "between_communities": [
                {**hole, "labels": [community_name(int(n)) or n for n in hole["groups"]]}
                for hole in holes.get("between_communities", [])
            ],
        },
        "brokers": result.get("brokers", []),
        **state.as_dict(),
        "version": snapshot.version,
    }


def network_payload(member: Membership, view: NetworkView = RECORDED_VIEW) -> dict[str, Any]:
    """What the JSON export gives (and the API, as `network_payload_json`): metrics, nodes, ties
    and insights of the last finished analysis, with its time and whether it is stale; ties are
    the live ones between the stakeholders that analysis saw, with their health now. A surveyed
    view's payload also names the view (`view`, `wave`) and its ties carry the survey's fields."""
    report = network_report(member, view)
    known = {node["id"] for node in report["nodes"]}
    return {
        **_view_fields(view),
        "network": report["network"],
        "nodes": report["nodes"],
        "ties": _payload_ties(member.workspace, known, view),
        "insights": {
            "structural_holes": report["structural_holes"],
            "brokers": report["brokers"],
        },
        "computed_at": (report["computed_at"] or "").replace("+00:00", "Z") or None,
        "stale": report["stale"],
        "status": report["status"],
    }


def network_payload_json(member: Membership, view: NetworkView = RECORDED_VIEW) -> str:
    """`network_payload` as JSON text: the parts that come from the stored analysis are encoded
    once per process and analysis; only the ties (whose health moves with time) each request."""
    workspace = member.workspace
    sectors = dict(sector_choices(workspace))
    snapshot, state = current_snapshot(workspace, sectors, view)

    def encode() -> dict[str, Any]:
        report = _decorate(snapshot, state, workspace, sectors)
        insights = {
            "structural_holes": report["structural_holes"],
            "brokers": report["brokers"],
        }
        return {
            "network": compact_json(report["network"]),
            "nodes": compact_json(report["nodes"]),
            "insights": compact_json(insights),
            "known": frozenset(node["id"] for node in report["nodes"]),
        }

    key = ("payload", *analysis_key(snapshot), tuple(sorted(sectors.items())), workspace.slug)
    parts = MEMO.get(key, encode)
    # The ties, whose health moves, are kept for the minute until the workspace changes.
    ties = derived(
        workspace,
        key,
        timezone.now(),
        lambda: compact_json(_payload_ties(workspace, parts["known"], view)),
    )
    head = "".join(f"{compact_json(k)}:{compact_json(v)}," for k, v in _view_fields(view).items())
    return (
        f'{{{head}"network":{parts["network"]},"nodes":{parts["nodes"]},"ties":{ties},'
        f'"insights":{parts["insights"]},"computed_at":{compact_json(_iso(state.computed_at))},'
        f'"stale":{compact_json(state.stale)},"status":{compact_json(state.status)}}}'
    )


def compact_json(value: Any) -> str:
    """JSON without spaces (and without NaN, which JSON has no word for)."""
    return json.dumps(value, separators=(",", ":"), allow_nan=False)


def _iso(moment: dt.datetime | None) -> str | None:
    """ISO 8601 as the API's schemas write it ("Z" for UTC)."""
    return moment.isoformat().replace("+00:00", "Z") if moment else None


def _view_fields(view: NetworkView) -> dict[str, Any]:
    """What a surveyed view's payload says of itself: its kind and its wave (none for recorded)."""
    if view.recorded:
        return {}
    assert view.wave is not None
    return {
        "view": view.kind,
        "wave": {
            "id": view.wave.pk,
            "name": view.wave.name,
            "survey": view.wave.survey.title,
            "closes_on": view.wave.closes_on.isoformat(),
        },
    }


#: What a surveyed view's ties carry besides a recorded tie's fields.
SURVEY_TIE_FIELDS = (
    "origin",
    "reciprocal",
    "reports",
    "collaboration",
    "survey_trust",
    "survey_value",
    "trust_ratings",
)


def _payload_ties(
    workspace: Workspace, known: Collection[int], view: NetworkView = RECORDED_VIEW
) -> list[dict[str, Any]]:
    """The view's ties between stakeholders in `known`, as the API gives them."""
    if not view.recorded:
        return [
            {
                **_payload_tie(tie),
                **{field: tie.get(field) for field in SURVEY_TIE_FIELDS},
            }
            for tie in view_ties(workspace, view)
            if tie["source"] in known and tie["target"] in known
        ]
    return [
        _payload_tie(tie)
        for tie in live_ties(workspace)
        if tie["source"] in known and tie["target"] in known
    ]


def _payload_tie(tie: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": tie["id"],
        "source": tie["source"],
        "target": tie["target"],
        "kind": tie["kind"],
        "status": tie["status"],
        "health": tie["health"],
        "directed": tie["directed"],
        "trust": tie["trust"],
        "weight": tie["weight"],
        "owner": tie["owner_id"],
        "owner_name": tie["owner_name"],
    }


def map_network(
    member: Membership,
    limit: int | None,
    view: NetworkView = RECORDED_VIEW,
    only: Collection[int] | None = None,
) -> dict[str, Any]:
    """What the map draws: the last finished analysis's stakeholders (those among `only` when
    given, e.g. a partnership's partners; of them the `limit` best connected, by degree, or all
    for None) and the live ties between them, with their health when cooling or cold. {"key" (naming the analysis, the limit and the sectors, for memos of the nodes),
    "nodes" (a function giving the decorated nodes and their positions, id text -> [x, y]),
    "ties" (a function giving them), "ids" (the drawn stakeholders' ids), "analysed" (a function giving the ids of every stakeholder
    in the analysis, drawn or not), "total", "sectors", "computed_at", "stale"}"""
    workspace = member.workspace
    sectors = dict(sector_choices(workspace))
    snapshot, state = current_snapshot(workspace, sectors, view)
    result = stored_result(snapshot)

    wanted_only = frozenset(only) if only is not None else None

    def chosen() -> tuple[int, ...]:
        nodes = result.get("nodes", [])
        if wanted_only is not None:
            nodes = [node for node in nodes if node["id"] in wanted_only]
        if limit is not None and len(nodes) > limit:
            nodes = sorted(nodes, key=lambda node: (-(node.get("degree") or 0), node["id"]))
            nodes = nodes[:limit]
        return tuple(node["id"] for node in nodes)

    key: tuple[Any, ...] = (
        *analysis_key(snapshot),
        limit,
        tuple(sorted(sectors.items())),
        workspace.slug,
    )
    if wanted_only is not None:
        key = (*key, ("only", *sorted(wanted_only)))
    shown = MEMO.get(("map-ids", *key), chosen)

    def nodes() -> tuple[list[dict[str, Any]], dict[str, list[float]]]:
        wanted = set(shown)
        decorated = _decorate(snapshot, state, workspace, sectors)["nodes"]
        layout = (
            NetworkSnapshot.objects.filter(pk=snapshot.pk).values_list("layout", flat=True).get()
        )
        return [node for node in decorated if node["id"] in wanted], layout or {}

    def ties() -> list[dict[str, Any]]:
        wanted = set(shown)
        return [
            tie
            for tie in view_ties(workspace, view, HEALTH_AT_RISK)
            if tie["source"] in wanted and tie["target"] in wanted
        ]

    return {
        "key": key,
        "nodes": nodes,
        "ties": ties,
        "ids": shown,
        "analysed": lambda: {node["id"] for node in result.get("nodes", [])},
        "total": len(result.get("nodes", []))
        if wanted_only is None
        else sum(1 for node in result.get("nodes", []) if node["id"] in wanted_only),
        "sectors": sectors,
        "computed_at": _iso(state.computed_at),
        "stale": state.stale,
    }


class AnalysisPending(Exception):
    """The stakeholder is not in an analysis yet: the workspace's first one is queued
    (`first` is True), or the stakeholder joined the network after the last one."""

    def __init__(self, slug: str, *, first: bool) -> None:
        super().__init__(slug)
        self.first = first


def node_report(member: Membership, stakeholder_id: int | str) -> dict[str, Any] | None:
    """One stakeholder's metrics, brokerage roles and a plain-language reading; None when not in the network."""
    try:
        wanted = int(stakeholder_id)
    except (TypeError, ValueError):
        return None
    report = network_report(member)
    if report["status"] == "pending":
        raise AnalysisPending(member.workspace.slug, first=True)
    node = next((record for record in report["nodes"] if record["id"] == wanted), None)
    if node is None:
        joined = Stakeholder.objects.filter(workspace=member.workspace, pk=wanted).exists()
        if report["stale"] and joined:
            raise AnalysisPending(member.workspace.slug, first=False)
        return None
    broker = next((b for b in report["brokers"] if b["id"] == wanted), None)
    bridges = [
        {
            "between": hole["labels"],
            "ties": hole["ties"],
            "expected_ties": hole["expected_ties"],
        }
        for hole in report["structural_holes"]["between_groups"]
        if any(bridge["id"] == wanted for bridge in hole["bridges"])
    ]
    roles = sorted(
        (
            {"role": role, "count": count, "meaning": meaning}
            for role, meaning in ROLE_MEANINGS.items()
            if (count := (node.get("brokerage") or {}).get(role))
        ),
        key=lambda item: -item["count"],
    )
    points = reading_points(node, report["network"]["group_labels"], broker, roles)
    return {
        **node,
        "roles": roles,
        "broker": (
            {"sentence": broker["sentence"], "sole_bridge_of": broker["sole_bridge_of"]}
            if broker
            else None
        ),
        "bridges": bridges,
        "reading": " ".join(points.values()),
        "reading_points": list(points.values()),
        "reading_by_topic": points,
        "computed_at": report["computed_at"],
        "stale": report["stale"],
        "status": report["status"],
    }
