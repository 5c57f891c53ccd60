"""The network page's survey overlays on a surveyed view: wave over wave (`?compare=<wave id>`)
and colours by an answer (`?colour=trust|value|q<question id>`), read from the request and
shaped for the page and its map data (the work is in cityweave.surveys.map_overlays)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse

from cityweave.network import services
from cityweave.surveys import map_overlays
from cityweave.surveys.instruments import QuestionKind
from cityweave.surveys.map_overlays import COLOUR_FIELD, COMPARE_FIELD
from cityweave.surveys.models import Wave
from cityweave.workspaces.models import Workspace

#: What `?colour=` takes for the map's own colours.
SECTOR = "sector"
NEEDS_SURVEYED = "{} needs a surveyed view (view=surveyed or view=both, with its wave)."


@dataclass
class Overlays:
    """What a request asked the map to lay over its view: the comparison with an earlier wave,
    the colouring, and (pages only) what the controls offer."""

    comparison: map_overlays.Comparison | None = None
    colouring: map_overlays.Colouring | None = None
    earlier: list[Wave] = field(default_factory=list)
    options: list[map_overlays.ColourOption] = field(default_factory=list)
    note: str = ""
    surveyed: bool = False

    def params(self) -> dict[str, str]:
        """The query parameters that ask for these overlays."""
        params = {}
        if self.comparison is not None:
            params[COMPARE_FIELD] = str(self.comparison.before.pk)
        if self.colouring is not None:
            params[COLOUR_FIELD] = self.colouring.option.key
        return params


def chosen_overlays(
    request: HttpRequest, workspace: Workspace, view: services.NetworkView, *, page: bool
) -> Overlays:
    """The overlays `?compare=` and `?colour=` ask for on `view`. A page also learns what its
    controls offer (the earlier waves, the colour options: two queries more on a surveyed view,
    none on the recorded one).

    Raises ValidationError naming "compare" (code "not_found" for a wave not of this workspace,
    which pages answer with 404) or "colour" (not an option of the wave's survey), or either on
    the recorded view."""
    compare = request.GET.get(COMPARE_FIELD, "").strip()
    colour = request.GET.get(COLOUR_FIELD, "").strip()
    if colour == SECTOR:
        colour = ""
    if view.recorded:
        if compare:
            raise ValidationError({COMPARE_FIELD: NEEDS_SURVEYED.format("Wave over wave")})
        if colour:
            raise ValidationError({COLOUR_FIELD: NEEDS_SURVEYED.format("Colouring by an answer")})
        return Overlays()
    wave = view.wave
    assert wave is not None
    overlays = Overlays(surveyed=True)
    if page:
        overlays.earlier = map_overlays.earlier_waves(workspace, wave)
    if compare:
        before = map_overlays.compare_wave(workspace, wave, compare)
        overlays.comparison = map_overlays.compare(before, wave)
    if page or colour:
        overlays.options = map_overlays.colour_options(wave)
        overlays.note = map_overlays.colour_note(wave, overlays.options)
    if colour:
        option = map_overlays.colour_option(overlays.options, colour)
        overlays.colouring = map_overlays.colouring(wave, option)
    return overlays


def not_found(error: ValidationError) -> bool:
    """Whether the problem is a compared wave not of this workspace (answered with 404)."""
    return (
        any(e.code == "not_found" for e in error.error_dict.get(COMPARE_FIELD, []))
        if hasattr(error, "error_dict")
        else False
    )


def _stakeholder_url(slug: str, pk: int) -> str:
    return reverse("stakeholders:detail", args=[slug, pk])


def page_context(slug: str, overlays: Overlays, nodes: list[dict[str, Any]]) -> dict[str, Any]:
    """What the page shows of the overlays: the comparison's counts and its table twin (new and
    lost ties, names linked), the colouring's legend with counts over the view's `nodes` (the
    analysis's stakeholders) and its table twin (each stakeholder's answer as text)."""
    context: dict[str, Any] = {"overlays": overlays}
    comparison = overlays.comparison
    if comparison is not None:
        names = comparison.names

        def rows(pairs: list[tuple[int, int]]) -> list[dict[str, Any]]:
            return sorted(
                (
                    {
                        "source": names.get(source, "?"),
                        "source_url": _stakeholder_url(slug, source),
                        "target": names.get(target, "?"),
                        "target_url": _stakeholder_url(slug, target),
                    }
                    for source, target in pairs
                ),
                key=lambda row: (row["source"].casefold(), row["target"].casefold()),
            )

        context["compare_new"] = rows(comparison.new)
        context["compare_lost"] = rows(comparison.lost)
    colouring = overlays.colouring
    if colouring is not None:
        ids = [node["id"] for node in nodes]
        legend = colouring.legend(ids)
        if colouring.option.kind in (QuestionKind.SINGLE, QuestionKind.MULTIPLE):
            # A choice's options that nobody chose are left out (fifteen swatches of 0 say
            # nothing); "no answer" always stays.
            shown = [(b, n) for b, n in legend if n or b.key == map_overlays.NO_ANSWER]
            context["colour_unchosen"] = len(legend) - len(shown)
            legend = shown
        context["colour_legend"] = legend
        colours = {colour.key: colour.colour for colour in colouring.bins}
        context["colour_rows"] = sorted(
            (
                {
                    "name": node.get("label") or "?",
                    "url": node.get("url") or _stakeholder_url(slug, node["id"]),
                    "text": colouring.text(node["id"]),
                    "colour": colours[colouring.values.get(node["id"], ("none", ""))[0]],
                }
                for node in nodes
            ),
            key=lambda row: row["name"].casefold(),
        )
    if overlays.surveyed and overlays.comparison is None and overlays.earlier:
        context["compare_offer"] = overlays.earlier[0]
    return context


def map_data(
    slug: str, overlays: Overlays, shown: dict[str, Any], drawn: set[int]
) -> dict[str, Any]:
    """What the map data adds for the overlays: "colouring" {"key", "label", "rule", "bins"
    [{"key", "label", "colour"}] ("none" last: no answer), "nodes" {stakeholder id: [bin key,
    answer as text]}} and "comparison" {"before", "after" ({"id", "name"}), "counts" {"new",
    "lost", "kept"}, "definition", "pairs" [{"source", "target", "change"}] (the ties between
    stakeholders the map draws, and lost ties to stakeholders not in this view's network),
    "ghosts" [{"id", "label", "url"}] (those stakeholders, to be drawn apart)}."""
    extra: dict[str, Any] = {}
    colouring = overlays.colouring
    if colouring is not None:
        extra["colouring"] = {
            "key": colouring.option.key,
            "label": colouring.option.label,
            "rule": colouring.rule,
            "bins": [{"key": b.key, "label": b.label, "colour": b.colour} for b in colouring.bins],
            "nodes": {str(pk): list(value) for pk, value in colouring.values.items()},
        }
    comparison = overlays.comparison
    if comparison is not None:
        analysed = shown["analysed"]()
        pairs: list[dict[str, Any]] = []
        ghosts: set[int] = set()
        for source, target, change in comparison.pairs():
            ends = (source, target)
            if all(end in drawn for end in ends):
                pairs.append({"source": source, "target": target, "change": change})
            elif change == "lost" and all(end in drawn or end not in analysed for end in ends):
                pairs.append({"source": source, "target": target, "change": change})
                ghosts.update(end for end in ends if end not in drawn)
        extra["comparison"] = {
            "before": {"id": comparison.before.pk, "name": comparison.before.name},
            "after": {"id": comparison.after.pk, "name": comparison.after.name},
            "counts": comparison.counts,
            "definition": comparison.definition,
            "pairs": pairs,
            "ghosts": [
                {
                    "id": pk,
                    "label": comparison.names.get(pk, "?"),
                    "url": _stakeholder_url(slug, pk),
                }
                for pk in sorted(ghosts)
            ],
        }
    return extra
