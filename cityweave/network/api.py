"""JSON API for the workspace network under /api/v1/workspaces/{slug}/network: metrics, one node, exports.

No `from __future__ import annotations` here: django-ninja reads the annotations at import time.
"""

import datetime as dt
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.gzip import gzip_page
from ninja import Router, Schema

from cityweave.network import exports, services
from cityweave.stakeholders.services import get_tie
from cityweave.surveys import tie_fill
from cityweave.surveys.models import Wave
from cityweave.surveys.surveyed import surveyed_waves
from cityweave.workspaces.api import api_member

router = Router()

ExportFormat = Literal["graphml", "gexf", "nodes.csv", "ties.csv", "json"]
NetworkViewKind = Literal["recorded", "surveyed", "both"]


#: What a 503 for a network still being analysed for the first time asks clients to wait.
PENDING_RETRY_SECONDS = 10


class NetworkTieOut(Schema):
    """A tie on the map: its ends (stakeholder ids), status, health and analysis weight."""

    id: int
    source: int
    target: int
    kind: str
    status: str
    health: str | None
    directed: bool
    trust: int | None
    weight: float
    owner: int | None
    owner_name: str | None


class SurveyedTieOut(NetworkTieOut):
    """A tie of a surveyed view: where it comes from (`origin`: "recorded", "surveyed" or
    "both"; a surveyed pair with no recorded tie has no `id`), whether both ends reported it
    (`reciprocal`), how many answers did (`reports`), the highest level of collaboration
    reported, and the mean trust and value ratings given across both directions
    (`survey_trust`, `survey_value`, 1–4) from `trust_ratings` trust ratings; a recorded tie the
    wave did not survey has these empty."""

    id: int | None  # type: ignore[assignment]
    origin: str
    reciprocal: bool | None
    reports: int | None
    collaboration: str | None
    survey_trust: float | None
    survey_value: float | None
    trust_ratings: int | None


class NetworkWaveOut(Schema):
    """The survey wave a surveyed view reads."""

    id: int
    name: str
    survey: str
    closes_on: dt.date


class InsightsOut(Schema):
    """Structural holes between sectors and between communities, and the network's brokers."""

    structural_holes: dict[str, list[dict[str, Any]]]
    brokers: list[dict[str, Any]]


class NetworkOut(Schema):
    """The workspace's network as of its last finished analysis: network-level metrics,
    stakeholders with their metrics, the live ties between them, insights.

    `computed_at` is when that analysis ran (null before the first one); `stale` is true when the
    network has changed since and a new analysis is on its way; `status` is "current",
    "updating" or "pending" (the first analysis is queued: metrics and lists are empty).
    """

    network: dict[str, Any]
    nodes: list[dict[str, Any]]
    ties: list[NetworkTieOut]
    insights: InsightsOut
    computed_at: dt.datetime | None
    stale: bool
    status: str


class SurveyedNetworkOut(NetworkOut):
    """The network as surveyed in a wave (`view` "surveyed") or as recorded and surveyed together
    (`view` "both"), with the `wave` read; see network/services.py for the tie weights."""

    view: str
    wave: NetworkWaveOut
    ties: list[SurveyedTieOut]  # type: ignore[assignment]


class PendingOut(Schema):
    """The network has not been analysed yet; retry after the Retry-After header's seconds."""

    detail: str


class RoleOut(Schema):
    """A Gould-Fernandez brokerage role the stakeholder plays, how often, and what it means."""

    role: str
    count: int
    meaning: str


class NodeOut(Schema):
    """One stakeholder's network position and what it means."""

    id: int
    label: str
    sector: str
    sector_label: str | None
    kind: str
    is_internal: bool
    influence: int | None
    url: str
    degree: int
    strength: float | None
    betweenness: float | None
    betweenness_normalized: float | None
    closeness: float | None
    eigenvector: float | None
    pagerank: float | None
    constraint: float | None
    effective_size: float | None
    efficiency: float | None
    coreness: int | None
    community: int | None
    community_name: str | None = None
    brokerage: dict[str, int | None]
    contact_sectors: list[str]
    roles: list[RoleOut]
    broker: dict[str, Any] | None
    bridges: list[dict[str, Any]]
    reading: str
    reading_points: list[str]
    computed_at: dt.datetime
    stale: bool
    status: str


@router.get(
    "/{slug}/network",
    response=NetworkOut | SurveyedNetworkOut,
    tags=["network"],
    url_name="network",
)
@gzip_page  # 3 MB of JSON at 2,000 stakeholders, a tenth of that compressed
def get_network(
    request: HttpRequest, slug: str, view: NetworkViewKind = "recorded", wave: int | None = None
) -> Any:
    """The network's metrics, its stakeholders with theirs, its ties, structural holes and
    brokers: as recorded (the default), as surveyed in a `wave` (by default the latest with
    submitted roster answers), or both. 422 naming `wave` for a wave not of this workspace."""
    member = api_member(request, slug)
    chosen = services.network_view(member.workspace, view, wave)
    # Built by the service in NetworkOut's shape (a test holds it to the schema): validating
    # thousands of ties through the schema again would cost more than the rest of the request.
    payload = services.network_payload_json(member, chosen)
    return HttpResponse(payload, content_type="application/json")


@router.get(
    "/{slug}/network/nodes/{int:stakeholder_id}",
    response={200: NodeOut, 503: PendingOut},
    tags=["network"],
    url_name="network_node",
)
def get_network_node(request: HttpRequest, slug: str, stakeholder_id: int) -> Any:
    """One stakeholder's metrics, brokerage roles and a plain-language reading of its position."""
    try:
        report = services.node_report(api_member(request, slug), stakeholder_id)
    except services.AnalysisPending as waiting:
        detail = (
            "The network is being analysed for the first time; try again shortly."
            if waiting.first
            else "This stakeholder joined the network after its last analysis; the next one is "
            "on its way, try again shortly."
        )
        pending = JsonResponse({"detail": detail}, status=503)
        pending["Retry-After"] = str(PENDING_RETRY_SECONDS)
        return pending
    if report is None:
        raise Http404("No such stakeholder")
    return report


@router.get(
    "/{slug}/network/export",
    tags=["network"],
    url_name="network_export",
)
def export_network(
    request: HttpRequest,
    slug: str,
    format: ExportFormat,
    view: NetworkViewKind = "recorded",
    wave: int | None = None,
) -> HttpResponse:
    """The network as a file: graphml, gexf (1.3), nodes.csv, ties.csv or json; as recorded (the
    default), as surveyed in a `wave`, or both (see the network endpoint)."""
    member = api_member(request, slug)
    chosen = services.network_view(member.workspace, view, wave)
    payload = services.network_payload(member, chosen)
    content = exports.export(payload, format, member.workspace.name)
    response = HttpResponse(content, content_type=exports.EXPORT_FORMATS[format][0])
    name = exports.filename(member.workspace.slug, format, chosen.key)
    response["Content-Disposition"] = f"attachment; filename={name}"
    return response


class TieFillOut(Schema):
    """What a survey wave sets (or would set) on one of the office's ties: `trust` and `value`
    (1–4; null where the wave gave no rating of that kind, and the tie keeps its own), each the
    mean of the ratings the tie's two ends gave each other in the wave, both directions,
    rounded half up; how many ratings; and the tie's values before."""

    tie: int
    source: int
    target: int
    wave: NetworkWaveOut
    trust: int | None
    value: int | None
    trust_ratings: int
    value_ratings: int
    trust_before: int | None
    value_before: int | None


def _fill_out(fill: tie_fill.TieFill, before: tuple[int | None, int | None]) -> dict[str, Any]:
    wave = fill.wave
    return {
        "tie": fill.tie.pk,
        "source": fill.tie.source_id,
        "target": fill.tie.target_id,
        "wave": {
            "id": wave.pk,
            "name": wave.name,
            "survey": wave.survey.title,
            "closes_on": wave.closes_on,
        },
        "trust": fill.trust,
        "value": fill.value,
        "trust_ratings": fill.trust_ratings,
        "value_ratings": fill.value_ratings,
        "trust_before": before[0],
        "value_before": before[1],
    }


def _wave_or_latest(member: Any, wave: int | None) -> Wave:
    if wave is not None:
        return tie_fill.get_wave(member, wave)
    latest = surveyed_waves(member.workspace).select_related("survey").first()
    if latest is None:
        raise ValidationError({"wave": services.NO_SURVEYED_WAVE})
    return latest


@router.get(
    "/{slug}/network/tie-fills",
    response=list[TieFillOut],
    tags=["network"],
    url_name="network_tie_fills",
)
def list_tie_fills(request: HttpRequest, slug: str, wave: int | None = None) -> Any:
    """What a survey `wave` (by default the latest with submitted roster answers) would set on
    each of the office's live, non-ended ties whose pair it rated. 422 naming `wave` for a wave
    not of this workspace."""
    member = api_member(request, slug)
    return [
        _fill_out(fill, (fill.tie.trust, fill.tie.value))
        for fill in tie_fill.wave_fills(member, _wave_or_latest(member, wave))
    ]


@router.post(
    "/{slug}/network/tie-fills",
    response=list[TieFillOut],
    tags=["network"],
    url_name="network_tie_fills_apply",
)
def apply_tie_fills(request: HttpRequest, slug: str, wave: int | None = None) -> Any:
    """Fill every office tie a survey `wave` (by default the latest with submitted roster
    answers) rated (see the GET), recording the wave in each tie's notes; the fills made.
    Editors only (403 for viewers); an action without a body, like closing a commitment."""
    member = api_member(request, slug, write=True)
    chosen = _wave_or_latest(member, wave)
    before = {
        fill.tie.pk: (fill.tie.trust, fill.tie.value)
        for fill in tie_fill.wave_fills(member, chosen)
    }
    return [
        _fill_out(fill, before.get(fill.tie.pk, (None, None)))
        for fill in tie_fill.fill_ties_from_wave(member, chosen)
    ]


@router.get(
    "/{slug}/network/tie-fills/{int:tie_id}",
    response=TieFillOut,
    tags=["network"],
    url_name="network_tie_fill",
)
def get_tie_fill(request: HttpRequest, slug: str, tie_id: int, wave: int | None = None) -> Any:
    """What the latest survey wave that rated the tie's pair (or `wave`) would set on it; 404
    when none did."""
    member = api_member(request, slug)
    tie = get_tie(member, tie_id)
    chosen = tie_fill.get_wave(member, wave) if wave is not None else None
    fill = tie_fill.proposed_fill(member, tie, chosen)
    if fill is None:
        raise Http404("No submitted survey answer rates this pair of partners yet.")
    return _fill_out(fill, (tie.trust, tie.value))


@router.post(
    "/{slug}/network/tie-fills/{int:tie_id}",
    response=TieFillOut,
    tags=["network"],
    url_name="network_tie_fill_apply",
)
def apply_tie_fill(request: HttpRequest, slug: str, tie_id: int, wave: int | None = None) -> Any:
    """Fill the tie's trust and value from the latest survey wave that rated its pair (or
    `wave`), recording the wave in its notes. Editors only; 422 naming `wave` when no wave rated
    the pair, or for a wave not of this workspace."""
    member = api_member(request, slug, write=True)
    tie = get_tie(member, tie_id)
    before = (tie.trust, tie.value)
    chosen = tie_fill.get_wave(member, wave) if wave is not None else None
    return _fill_out(tie_fill.fill_tie(member, tie, chosen), before)
