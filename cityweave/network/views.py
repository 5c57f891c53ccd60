"""The network page: an interactive map of stakeholders and ties, and the insights beside it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.views.decorators.gzip import gzip_page

from cityweave.network import overlays, services
from cityweave.partnerships import network as partnership_network
from cityweave.partnerships import services as partnership_services
from cityweave.partnerships.models import Partnership
from cityweave.stakeholders.models import Tie, sector_choices
from cityweave.stakeholders.services import get_tie
from cityweave.surveys import tie_fill
from cityweave.surveys.surveyed import surveyed_waves
from cityweave.vocabulary import SectorChoice
from cityweave.web.mixins import WorkspaceView
from cityweave.workspaces.derived import derived

#: One colour per built-in sector: Okabe-Ito first, then Paul Tol's muted set, so neighbouring
#: hues stay apart for the common colour-vision deficiencies; the legend names every colour.
SECTOR_COLOURS: dict[str, str] = {
    SectorChoice.LOCAL_GOVERNMENT: "#0072B2",
    SectorChoice.STATE_GOVERNMENT: "#56B4E9",
    SectorChoice.NATIONAL_GOVERNMENT: "#332288",
    SectorChoice.BUSINESS: "#E69F00",
    SectorChoice.NONPROFIT: "#009E73",
    SectorChoice.COMMUNITY_GROUP: "#CC79A7",
    SectorChoice.FAITH_BASED: "#AA4499",
    SectorChoice.EDUCATION: "#D55E00",
    SectorChoice.ACADEMIA: "#997700",
    SectorChoice.PHILANTHROPY: "#F0E442",
    SectorChoice.ANCHOR_INSTITUTION: "#117733",
    SectorChoice.MEDIA: "#882255",
    SectorChoice.INTERNATIONAL: "#44AA99",
    SectorChoice.RESIDENT: "#999933",
}
#: Workspace-defined sectors take these greys and tints in turn.
EXTRA_COLOURS = ["#6F6F6F", "#BBBBBB", "#88CCEE", "#DDCC77", "#EE8866", "#A5AA99"]
NO_SECTOR_COLOUR = "#FFFFFF"

#: Metrics the map can size its nodes by: (key in the node record, label).
SIZE_METRICS = [
    ("degree", "Degree (ties)"),
    ("betweenness_normalized", "Betweenness"),
    ("influence", "Influence (1–5)"),
    ("eigenvector", "Eigenvector centrality"),
]
TIE_STATUSES = [(s, str(label)) for s, label in Tie.Status.choices if s != Tie.Status.ENDED]


def sector_palette(sectors: Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    """Each sector's key, label and map colour, built-in sectors first."""
    palette = []
    extra = 0
    for key, label in sectors:
        colour = SECTOR_COLOURS.get(key)
        if colour is None:
            colour = EXTRA_COLOURS[extra % len(EXTRA_COLOURS)]
            extra += 1
        palette.append({"key": key, "label": label, "colour": colour})
    return palette


#: How many stakeholders the map draws at most unless asked for more: the best connected first.
MAP_LIMIT = 2_000
MAP_LIMIT_CHOICES = (500, 1_000, 2_000, 5_000)


def map_limit(request: HttpRequest) -> int | None:
    """The `limit` the map was asked for: one of the choices, None for "all", else MAP_LIMIT."""
    value = request.GET.get("limit", "")
    if value == "all":
        return None
    return int(value) if value.isdigit() and int(value) in MAP_LIMIT_CHOICES else MAP_LIMIT


def limit_param(limit: int | None) -> str:
    return "all" if limit is None else str(limit)


class ViewProblem(Exception):
    """The view asked for cannot be shown: `response` says why (400 naming the field)."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__(response.status_code)
        self.response = response


def chosen_view(
    request: HttpRequest, view: WorkspaceView, *, json: bool = False
) -> services.NetworkView:
    """The view of the network `?view=` and `?wave=` ask for (services.network_view): 404 for a
    wave not of this workspace; ViewProblem (400 naming the field) for an unknown view, a wave
    without a roster question, or a surveyed view before any wave has submitted roster answers."""
    try:
        return services.network_view(
            view.workspace, request.GET.get("view"), request.GET.get("wave")
        )
    except ValidationError as error:
        if "not_found" in [e.code for e in error.error_dict.get("wave", [])]:
            raise Http404("No such survey wave in this workspace.") from error
        raise _problem(request, view, error, json=json) from error


def _problem(
    request: HttpRequest,
    view: WorkspaceView,
    error: ValidationError,
    *,
    json: bool,
    chosen: services.NetworkView | None = None,
    status: int = 400,
) -> ViewProblem:
    """A 400 (or `status`) naming the fields `error` names: JSON {"detail": [{"field", "msg"}]}
    or the page."""
    problems = error.message_dict
    if json:
        detail = [{"field": f, "msg": m} for f, msgs in problems.items() for m in msgs]
        return ViewProblem(JsonResponse({"detail": detail}, status=status))
    return ViewProblem(
        render(
            request,
            "network/map.html",
            {
                "view_problem": problems,
                "switch": _switch_context(view.workspace, chosen, request.GET.get("view")),
                "view": chosen,
                "reset_url": _with_params(
                    reverse("network:map", args=[view.workspace.slug]), chosen
                )
                if chosen is not None and not chosen.recorded
                else "",
            },
            status=status,
        )
    )


#: The query parameter that filters the map to one partnership's partners.
PARTNERSHIP_FIELD = "partnership"


def chosen_partnership(
    request: HttpRequest, view: WorkspaceView, *, json: bool = False
) -> Partnership | None:
    """The partnership `?partnership=<id>` filters the map to (its live partners and the ties
    among them), None without one. ViewProblem naming `partnership`: 400 for an id that is not
    a whole number, 404 for one that is no live partnership of this workspace."""
    value = request.GET.get(PARTNERSHIP_FIELD, "").strip()
    if not value:
        return None
    if not value.isdigit() or not 0 < int(value) < 2**63:
        error = ValidationError(
            {PARTNERSHIP_FIELD: "Give a partnership's id, a whole number (?partnership=12)."}
        )
        raise _problem(request, view, error, json=json)
    try:
        return partnership_services.get_partnership(view.member, int(value))
    except Http404:
        error = ValidationError({PARTNERSHIP_FIELD: "No such partnership in this workspace."})
        raise _problem(request, view, error, json=json, status=404) from None


def chosen_overlays(
    request: HttpRequest, view: WorkspaceView, chosen: services.NetworkView, *, json: bool = False
) -> overlays.Overlays:
    """The overlays `?compare=` and `?colour=` ask for (overlays.chosen_overlays): 404 for a
    compared wave not of this workspace; ViewProblem (400 naming the field) otherwise."""
    try:
        return overlays.chosen_overlays(request, view.workspace, chosen, page=not json)
    except ValidationError as error:
        if overlays.not_found(error):
            raise Http404("No such survey wave in this workspace.") from error
        raise _problem(request, view, error, json=json, chosen=chosen) from error


def _switch_context(
    workspace: Any, chosen: services.NetworkView | None, asked: str | None = None
) -> dict[str, Any]:
    """The view switch: the views, the chosen one, and (surveyed views only, so the recorded
    page costs no query more) the waves to pick from."""
    kind = chosen.kind if chosen is not None else (asked if asked in services.VIEWS else "")
    waves: list[dict[str, Any]] = []
    if chosen is not None and not chosen.recorded:
        assert chosen.wave is not None
        found = list(surveyed_waves(workspace).select_related("survey"))
        if chosen.wave.pk not in {wave.pk for wave in found}:
            found.insert(0, chosen.wave)
        waves = [
            {
                "id": wave.pk,
                "label": f"{wave.name} ({wave.survey.title})",
                "selected": wave.pk == chosen.wave.pk,
            }
            for wave in found
        ]
    return {
        "views": list(services.VIEWS.items()),
        "kind": kind,
        "waves": waves,
        "wave": chosen.wave if chosen is not None else None,
        "params": urlencode(chosen.params()) if chosen is not None else "",
    }


def _with_params(url: str, view: services.NetworkView, joiner: str = "?") -> str:
    """`url` asking for `view` (unchanged for the recorded view)."""
    return f"{url}{joiner}{urlencode(view.params())}" if not view.recorded else url


class NetworkMapView(WorkspaceView):
    """The map (drawn by network.js from map-data) and the network's insights, in the view the
    switch chose: as recorded (the default), as surveyed in a wave, or both."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            view = chosen_view(request, self)
            laid = chosen_overlays(request, self, view)
            partnership = chosen_partnership(request, self)
        except ViewProblem as problem:
            return problem.response
        report = services.network_report(self.member, view)
        network = report["network"]
        labels = network.get("group_labels") or {}
        limit = map_limit(request)
        total = network.get("nodes") or 0
        context = {
            "network": network,
            "has_nodes": bool(network.get("nodes")),
            "analysis": _analysis_context(self.workspace.slug, report, view),
            "switch": _switch_context(self.workspace, view),
            "view": view,
            "palette": sector_palette(sector_choices(self.workspace)),
            "size_metrics": SIZE_METRICS,
            "tie_statuses": TIE_STATUSES,
            "owners": self.workspace.memberships.select_related("user").order_by("user__name"),
            "communities": _community_choices(network),
            "sectors_present": _sector_shares(network.get("groups") or {}, labels),
            "sectors_missing": [
                labels.get(key) or key for key in network.get("groups_missing") or []
            ],
            "sector_holes": report["structural_holes"].get("between_groups", []),
            "community_holes": report["structural_holes"].get("between_communities", []),
            "brokers": _with_urls(self.workspace.slug, report.get("brokers") or []),
            "export_formats": EXPORT_FORMATS,
            "api_url": _with_params(reverse("api:network", args=[self.workspace.slug]), view),
            "export_url": reverse("api:network_export", args=[self.workspace.slug]),
            "export_params": "".join(f"&{k}={v}" for k, v in view.params().items()),
            "map_src": _with_params(
                f"{reverse('network:map-data', args=[self.workspace.slug])}"
                f"?limit={limit_param(limit)}",
                view,
                "&",
            )
            + "".join(f"&{k}={v}" for k, v in laid.params().items())
            + (f"&{PARTNERSHIP_FIELD}={partnership.pk}" if partnership else ""),
            "map_total": total,
            "map_shown": total if limit is None else min(limit, total),
            # Asking for as many as there are, or more, is asking for them all.
            "map_limit": "all" if limit is None or limit >= total else str(limit),
            "map_limit_choices": [(str(n), f"{n:,}") for n in MAP_LIMIT_CHOICES if n < total]
            + [("all", f"All {total:,}")],
            "sampling": network.get("sampling"),
            **overlays.page_context(self.workspace.slug, laid, report["nodes"]),
            **_partnership_context(self, partnership, view, laid),
        }
        return render(request, "network/map.html", context)


def _partnership_context(
    page: WorkspaceView,
    partnership: Partnership | None,
    view: services.NetworkView,
    laid: overlays.Overlays,
) -> dict[str, Any]:
    """What the page shows of the partnership it is filtered to: the partnership, its own
    network's numbers (partnerships.network: four queries) and the page without the filter;
    nothing (and no query) without one."""
    if partnership is None:
        return {}
    params = {**view.params(), **laid.params()}
    base = reverse("network:map", args=[page.workspace.slug])
    found = partnership_network.partnership_network(page.member, partnership)
    return {
        "partnership": partnership,
        "own_network": found,
        "unfiltered_url": f"{base}?{urlencode(params)}" if params else base,
        # The map draws every partner the analysis has seen: no limit to choose.
        "map_total": len(found.positions),
        "map_shown": len(found.positions),
    }


def _analysis_context(
    slug: str, report: dict[str, Any], view: services.NetworkView = services.RECORDED_VIEW
) -> dict[str, Any]:
    """What the page says about the analysis: its time, whether a newer one is coming, and the
    URL the page polls until it lands."""
    return {
        "status": report["status"],
        "computed_at": _moment(report.get("computed_at")),
        "waiting_for_worker": report["waiting_for_worker"],
        "task": report.get("task"),
        "retry_at": report.get("retry_at"),
        "subject": _subject(view),
        "poll_url": f"{reverse('network:status', args=[slug])}?"
        + urlencode({"since": report.get("computed_at") or "", **view.params()}),
    }


def _subject(view: services.NetworkView) -> str:
    """What the analysis is of, in words: "the network as surveyed in Spring 2027"…"""
    if view.wave is None or view.recorded:
        return "the network"
    if view.kind == services.SURVEYED:
        return f"the network as surveyed in {view.wave.name}"
    return f"the network as recorded and as surveyed in {view.wave.name}"


class NetworkStatusView(WorkspaceView):
    """The analysis banner the network page polls while a new analysis is due; when one newer
    than `since` has landed, it asks htmx to reload the page (HX-Refresh)."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            view = chosen_view(request, self, json=True)
        except ViewProblem as problem:
            return problem.response
        _, state = services.current_snapshot(self.workspace, view=view)
        since = request.GET.get("since", "")
        landed = state.computed_at is not None and state.computed_at.isoformat() != since
        if landed:
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        report = {**state.as_dict(), "computed_at": since or None}
        return render(
            request,
            "network/_analysis_state.html",
            {"analysis": _analysis_context(self.workspace.slug, report, view)},
        )


#: Downloads offered on the page: (format parameter, what the link says).
EXPORT_FORMATS = [
    ("graphml", "GraphML"),
    ("gexf", "GEXF 1.3"),
    ("ties.csv", "Ties (CSV)"),
    ("nodes.csv", "Stakeholders (CSV)"),
    ("json", "JSON"),
]


def _moment(iso: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(iso) if iso else None


def _community_choices(network: dict[str, Any]) -> list[tuple[int, str]]:
    """(number, name) of each community for the map's filter, largest first; "Community N" for
    an analysis stored before communities had names."""
    names = network.get("community_names") or []
    count = network.get("communities") or 0
    return [(n, names[n - 1] if n <= len(names) else f"Community {n}") for n in range(1, count + 1)]


def _sector_shares(shares: dict[str, float], labels: dict[str, str]) -> list[dict[str, Any]]:
    """Each present sector's share as a percentage, and its bar relative to the largest."""
    top = max(shares.values(), default=0.0) or 1.0
    return [
        {
            "key": key,
            "label": labels.get(key) or key,
            "percent": round(100 * share),
            "bar": round(100 * share / top),
        }
        for key, share in shares.items()
    ]


def _stakeholder_url(slug: str, stakeholder_id: Any) -> str:
    return reverse("stakeholders:detail", args=[slug, stakeholder_id])


def _with_urls(slug: str, entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{**entry, "url": _stakeholder_url(slug, entry["id"])} for entry in entries]


def _short(value: Any) -> Any:
    """A measure to four significant digits, all the map shows: a third off the download."""
    return float(f"{value:.4g}") if isinstance(value, float) else value


@method_decorator(gzip_page, name="dispatch")
class NetworkMapDataView(WorkspaceView):
    """Everything the map draws, as JSON: stakeholders with metrics and positions, and ties.

    Gzipped: at 2,000 stakeholders it is about 2 MB of JSON and a tenth of that compressed.
    """

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            view = chosen_view(request, self, json=True)
            laid = chosen_overlays(request, self, view, json=True)
            partnership = chosen_partnership(request, self, json=True)
        except ViewProblem as problem:
            return problem.response
        only = (
            partnership_network.partner_stakeholder_ids(partnership)
            if partnership is not None
            else None
        )
        shown = services.map_network(self.member, map_limit(request), view, only)
        nodes = services.MEMO.get(("map-nodes", *shown["key"]), lambda: _map_nodes(shown))
        # The nodes are encoded once per analysis; the ties, whose health moves, are kept for
        # the minute until the workspace changes.
        ties = derived(
            self.workspace, ("map-ties", *shown["key"]), timezone.now(), lambda: _map_ties(shown)
        )
        rest = {
            "total": shown["total"],
            "computed_at": shown["computed_at"],
            "stale": shown["stale"],
            **overlays.map_data(self.workspace.slug, laid, shown, set(shown["ids"])),
        }
        body = f'{{"nodes":{nodes},"ties":{ties},{services.compact_json(rest)[1:]}'
        return HttpResponse(body, content_type="application/json")


def _map_ties(shown: dict[str, Any]) -> str:
    """The map's ties as JSON text."""
    return services.compact_json(
        [
            {
                **{field: tie.get(field) for field in TIE_FIELDS},
                "owner_id": tie.get("owner_id"),
                **{field: tie[field] for field in MAP_SURVEY_FIELDS if field in tie},
            }
            for tie in shown["ties"]()
        ]
    )


def _map_nodes(shown: dict[str, Any]) -> str:
    """The map's stakeholders as JSON text: measures to four digits, colour and position."""
    colours = {
        entry["key"]: entry["colour"] for entry in sector_palette(list(shown["sectors"].items()))
    }
    decorated, positions = shown["nodes"]()
    return services.compact_json(
        [
            {
                **{field: _short(node.get(field)) for field in NODE_FIELDS},
                "internal": bool(node.get("is_internal")),
                "colour": colours.get(node.get("sector") or "", NO_SECTOR_COLOUR),
                "x": positions.get(str(node["id"]), (0.0, 0.0))[0],
                "y": positions.get(str(node["id"]), (0.0, 0.0))[1],
            }
            for node in decorated
        ]
    )


NODE_FIELDS = (
    "id",
    "label",
    "sector",
    "sector_label",
    "url",
    "influence",
    "degree",
    "betweenness_normalized",
    "eigenvector",
    "constraint",
    "effective_size",
    "community",
    "community_name",
    "brokerage",
)
TIE_FIELDS = ("id", "source", "target", "weight", "status", "health", "directed")
#: What the map draws of a surveyed view's ties (recorded ties have none of these).
MAP_SURVEY_FIELDS = ("origin", "reciprocal", "survey_trust", "survey_value", "collaboration")


class TieFillView(WorkspaceView):
    """Fill one of the office's ties' trust and value from the latest survey wave that rated
    its pair (or `?wave=`): the page shows what it would set and the wave; posting saves it."""

    writes = True

    def fill(self, request: HttpRequest, pk: int) -> tie_fill.TieFill | None:
        tie = get_tie(self.member, pk)
        asked = request.POST.get("wave") or request.GET.get("wave")
        wave = None
        if asked:
            try:
                wave = tie_fill.get_wave(self.member, asked)
            except ValidationError as error:
                raise Http404("No such survey wave in this workspace.") from error
        self.tie = tie
        return tie_fill.proposed_fill(self.member, tie, wave)

    def get(self, request: HttpRequest, pk: int) -> HttpResponse:
        fill = self.fill(request, pk)
        return render(request, "network/tie_fill.html", {"tie": self.tie, "fill": fill})

    def post(self, request: HttpRequest, pk: int) -> HttpResponse:
        fill = self.fill(request, pk)
        if fill is None:
            return render(
                request, "network/tie_fill.html", {"tie": self.tie, "fill": None}, status=422
            )
        tie_fill.fill_tie(self.member, self.tie, fill.wave)
        messages.success(
            request, f"Filled the tie’s trust and value from the survey wave “{fill.wave.name}”."
        )
        return redirect(self.tie.get_absolute_url())


class WaveFillView(WorkspaceView):
    """Fill the trust and value of every office tie a wave rated (`?wave=`, by default the
    latest wave with submitted roster answers): the page lists what it would set; posting
    saves them all."""

    writes = True

    def wave(self, request: HttpRequest) -> Any:
        asked = request.POST.get("wave") or request.GET.get("wave")
        if not asked:
            return surveyed_waves(self.workspace).select_related("survey").first()
        try:
            return tie_fill.get_wave(self.member, asked)
        except ValidationError as error:
            raise Http404("No such survey wave in this workspace.") from error

    def get(self, request: HttpRequest) -> HttpResponse:
        wave = self.wave(request)
        fills = tie_fill.wave_fills(self.member, wave) if wave is not None else []
        return render(request, "network/wave_fill.html", {"wave": wave, "fills": fills})

    def post(self, request: HttpRequest) -> HttpResponse:
        wave = self.wave(request)
        if wave is None:
            return render(
                request, "network/wave_fill.html", {"wave": None, "fills": []}, status=422
            )
        fills = tie_fill.fill_ties_from_wave(self.member, wave)
        count = len(fills)
        messages.success(
            request,
            f"Filled the trust and value of {count} tie{'s' if count != 1 else ''} from the "
            f"survey wave “{wave.name}”.",
        )
        return redirect(reverse("ties:list", args=[self.workspace.slug]))
