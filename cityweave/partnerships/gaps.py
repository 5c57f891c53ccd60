"""Assets and needs of a partnership, and the asset and gap map with its suggestions.

Assets are what the city or a partner puts on the table (a kind, the value type it offers, its
holder, an estimated value in money or hours); needs are what the partnership lacks, in the same
vocabulary of value types (DESIGN.md, need / offer). Every function takes the acting member;
writes need an editor (PermissionDenied otherwise), records of another workspace or in the trash
answer Http404, and bad input raises one ValidationError naming every bad field, nothing written.

**The asset and gap map** (`gap_map`) sets, for each value type, what is needed against what is
offered by the partnership's live assets:

- *covered*: for every unit (money, hours) in which the type's needs give amounts, the assets of
  that type offer at least as much in that unit; needs without an amount are met by any asset of
  their type;
- *partly covered*: something of the type is offered, but less than needed in some unit: the
  shortfall per unit is needed − offered (an asset without an amount offers 0 in every unit);
- *uncovered*: no asset of the type is offered at all.

Value types with assets but no needs are listed as "offered, not needed".

**Suggestions** (`suggestions_for`): for each uncovered or partly covered value type, the
workspace's live stakeholders who are not partners of the partnership and whose `offers` include
that type, at most SUGGESTIONS_PER_GAP, ranked by (SUGGESTION_RANKING states it for the page):

1. trust, highest first: the stakeholder's latest survey trust score (PARTNER rule, surveys/
   scoring.py: the mean of every trust rating others gave it, 1–4, in the latest of the
   workspace's last SURVEY_WAVES surveyed waves that rated it), else the highest `trust` rating
   (1–4) on a live, not-ended recorded tie between it and one of the city's own (internal)
   stakeholders; a stakeholder with neither comes after every one with a trust;
2. network position, highest first: normalized betweenness, then degree, in the workspace's last
   finished network analysis (read as stored, never recomputed; 0 when it is not in one);
3. current load, lowest first: the live partnerships not closed it is a partner of, then the live
   interactions it took part in over the last LOAD_DAYS days;
4. then by name (sort name) and id, so the order is total.

**Who could introduce them**: a partner of this partnership or one of the city's own stakeholders
with a live, not-ended recorded tie to the suggested stakeholder (a shared tie), with the member
who owns that tie if any; the strongest tie first: trust (1–4, unrated last), then value, then an
active tie before a prospect or dormant one, then by name.

The map with its suggestions is read in a fixed number of queries, however many stakeholders,
ties, assets or needs there are (tests/test_gap_queries.py in this app holds it at 2,000
stakeholders).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from cityweave.engagement.models import Interaction
from cityweave.network.models import RECORDED, NetworkSnapshot
from cityweave.network.services import stored_result
from cityweave.partnerships.models import (
    KIND_VALUE_TYPE,
    AmountUnit,
    Asset,
    Need,
    Partner,
    Partnership,
)
from cityweave.partnerships.services import require_live
from cityweave.stakeholders.models import Stakeholder, Tie
from cityweave.stakeholders.services import resolve_stakeholders
from cityweave.surveys.models import SurveyTie
from cityweave.surveys.scoring import RATING_FIELDS, Rating, partner_scores
from cityweave.surveys.surveyed import surveyed_waves
from cityweave.vocabulary import ValueType
from cityweave.workspaces.models import Membership, TrashEntry
from cityweave.workspaces.services import collect_errors, move_to_trash, require_editor

ASSET_FIELDS = ("kind", "value_type", "description", "amount", "amount_unit")
NEED_FIELDS = ("value_type", "description", "amount", "amount_unit")
#: Suggested stakeholders shown for each gap.
SUGGESTIONS_PER_GAP = 5
#: Introducers shown for each suggested stakeholder.
INTRODUCERS_PER_SUGGESTION = 3
#: The latest surveyed waves searched for a stakeholder's survey trust.
SURVEY_WAVES = 10
#: Interactions over this many days count toward a stakeholder's current load.
LOAD_DAYS = 90

#: The ranking, as the page and the API state it.
SUGGESTION_RANKING = (
    "Ranked by trust first (the latest survey trust score, 1–4: the mean of all trust ratings "
    "others gave it; else the highest trust rating, 1–4, on the city's own ties to it; none "
    "last), then network position (normalized betweenness, then degree, in the last finished "
    "network analysis), then current load (fewest active partnerships, then fewest interactions "
    f"in the last {LOAD_DAYS} days), then name."
)

COVERED, PARTLY, UNCOVERED = "covered", "partly", "uncovered"
COVERAGE_LABELS = {COVERED: "Covered", PARTLY: "Partly covered", UNCOVERED: "Uncovered"}


# == Assets =======================================================================================


def assets(partnership: Partnership) -> QuerySet[Asset]:
    """The partnership's live assets whose holder is live, holders loaded, by value type."""
    return Asset.objects.filter(
        partnership=partnership, holder__deleted_at__isnull=True
    ).select_related("holder")


def get_asset(member: Membership, partnership: Partnership, pk: int) -> Asset:
    """One live asset of the partnership; Http404 otherwise."""
    require_live(member, partnership)
    found = assets(partnership).filter(pk=pk).first()
    if found is None:
        raise Http404("No such asset")
    return found


def _amount(value: Any, errors: dict[str, list[str]]) -> Decimal | None:
    """`value` as a Decimal (None or "" for none); notes a bad number under "amount"."""
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except ArithmeticError:
        errors.setdefault("amount", []).append("Enter a number.")
        return None


@transaction.atomic
def save_asset(
    member: Membership,
    partnership: Partnership,
    data: dict[str, Any],
    instance: Asset | None = None,
) -> Asset:
    """Add an asset to the partnership or update one: `kind` (AssetKind key), `value_type`
    (ValueType key; when left out or empty on a new asset, or when the kind changes without
    one, the kind's default from KIND_VALUE_TYPE), `holder` (a stakeholder id or object of the
    workspace: the city's own or a partner), `description`, `amount` (estimated value, ≥ 0,
    None for unknown) and `amount_unit` ("money" or "hours"). Fields left out keep their value.
    Every bad field is reported at once; nothing is written then."""
    require_editor(member)
    require_live(member, partnership)
    if instance is not None and (instance.partnership_id != partnership.pk or instance.in_trash):
        raise Http404("No such asset")
    asset = instance or Asset(workspace=member.workspace, partnership=partnership)
    errors: dict[str, list[str]] = {}
    if "holder" in data or instance is None:
        try:
            asset.holder = resolve_stakeholders(
                member.workspace, [data.get("holder") or 0], "holder"
            )[0]
        except ValidationError as error:
            collect_errors(errors, error)
    kind_changed = "kind" in data and data["kind"] != asset.kind
    for name in ASSET_FIELDS:
        if name in data:
            value = data[name]
            if name == "amount":
                value = _amount(value, errors)
            elif name == "description" and value is None:
                value = ""
            setattr(asset, name, value)
    if not data.get("value_type") and (instance is None or kind_changed):
        default = KIND_VALUE_TYPE.get(asset.kind)  # type: ignore[call-overload]
        asset.value_type = default.value if default is not None else ""
    try:
        asset.full_clean(exclude=["holder"] if "holder" in errors else None)
    except ValidationError as error:
        collect_errors(errors, error)
    if errors:
        raise ValidationError(errors)
    asset.save()
    return asset


def trash_asset(member: Membership, asset: Asset) -> TrashEntry:
    """Move an asset to the trash (restorable)."""
    return move_to_trash(member, asset)


# == Needs ========================================================================================


def needs(partnership: Partnership) -> QuerySet[Need]:
    """The partnership's live needs, by value type."""
    return Need.objects.filter(partnership=partnership)


def get_need(member: Membership, partnership: Partnership, pk: int) -> Need:
    """One live need of the partnership; Http404 otherwise."""
    require_live(member, partnership)
    found = needs(partnership).filter(pk=pk).first()
    if found is None:
        raise Http404("No such need")
    return found


@transaction.atomic
def save_need(
    member: Membership,
    partnership: Partnership,
    data: dict[str, Any],
    instance: Need | None = None,
) -> Need:
    """Add a need to the partnership or update one: `value_type` (ValueType key),
    `description`, `amount` (how much is needed, > 0, or None when not counted) and
    `amount_unit` ("money" or "hours"). Fields left out keep their value. Every bad field is
    reported at once; nothing is written then."""
    require_editor(member)
    require_live(member, partnership)
    if instance is not None and (instance.partnership_id != partnership.pk or instance.in_trash):
        raise Http404("No such need")
    need = instance or Need(workspace=member.workspace, partnership=partnership)
    errors: dict[str, list[str]] = {}
    for name in NEED_FIELDS:
        if name in data:
            value = data[name]
            if name == "amount":
                value = _amount(value, errors)
            elif value is None:
                value = ""
            setattr(need, name, value)
    try:
        need.full_clean()
    except ValidationError as error:
        collect_errors(errors, error)
    if errors:
        raise ValidationError(errors)
    need.save()
    return need


def trash_need(member: Membership, need: Need) -> TrashEntry:
    """Move a need to the trash (restorable)."""
    return move_to_trash(member, need)


# == The asset and gap map ========================================================================


@dataclass
class Introducer:
    """Who could introduce a suggested stakeholder: `stakeholder` (a partner of the partnership,
    `via` "partner", or one of the city's own, `via` "city") tied to it by `tie` (its trust and
    value 1–4 or None, its status), owned by the member `owner` if any."""

    stakeholder: Stakeholder
    via: str
    tie: Tie
    owner: Membership | None


@dataclass
class Suggestion:
    """A stakeholder who offers a gap's value type, with what ranked it (SUGGESTION_RANKING):
    `trust` 1–4 or None and `trust_source` ("survey", "tie" or ""), `betweenness` (normalized,
    0–1) and `degree` from the last finished analysis, `partnerships` (active ones it is in)
    and `interactions` (in the last LOAD_DAYS days), and its `introducers`, strongest first."""

    stakeholder: Stakeholder
    trust: float | None
    trust_source: str
    betweenness: float
    degree: int
    partnerships: int
    interactions: int
    introducers: list[Introducer] = field(default_factory=list)

    @property
    def trust_label(self) -> str:
        """The trust and where it came from, in words."""
        if self.trust is None:
            return "no trust rating"
        source = "survey" if self.trust_source == "survey" else "tie rating"
        return f"{self.trust:.1f} of 4 ({source})"


@dataclass
class Coverage:
    """One value type of the map: its `needs` and `assets`, `status` (COVERED, PARTLY,
    UNCOVERED, or "" for offered, not needed), the totals `needed` and `offered` by unit
    (AmountUnit key → Decimal; only units the needs count in), the `shortfall` by unit where
    offered < needed, and the `suggestions` for a gap."""

    value_type: str
    needs: list[Need]
    assets: list[Asset]
    status: str
    needed: dict[str, Decimal]
    offered: dict[str, Decimal]
    shortfall: dict[str, Decimal]
    suggestions: list[Suggestion] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(ValueType(self.value_type).label)

    @property
    def status_label(self) -> str:
        return COVERAGE_LABELS.get(self.status, "Offered, not needed")

    @property
    def is_gap(self) -> bool:
        return self.status in (PARTLY, UNCOVERED)


@dataclass
class GapMap:
    """The asset and gap map: `rows` the value types needed (uncovered first, then partly
    covered, then covered; by value type within), `unneeded` the value types offered but not
    needed, and the analysis time the network positions come from (None without one)."""

    rows: list[Coverage]
    unneeded: list[Coverage]
    analysis_at: dt.datetime | None
    ranking: str = SUGGESTION_RANKING

    @property
    def counts(self) -> dict[str, int]:
        """How many value types are covered, partly covered and uncovered."""
        found = {COVERED: 0, PARTLY: 0, UNCOVERED: 0}
        for row in self.rows:
            found[row.status] += 1
        return found


def coverage(value_type: str, type_needs: list[Need], type_assets: list[Asset]) -> Coverage:
    """The coverage of one value type (the module docstring's rules): amounts are summed per
    unit; an asset without an amount offers 0 in every unit."""
    needed: dict[str, Decimal] = defaultdict(Decimal)
    for need in type_needs:
        if need.amount is not None:
            needed[need.amount_unit] += need.amount
    offered = {unit: Decimal(0) for unit in needed}
    for asset in type_assets:
        if asset.amount is not None and asset.amount_unit in offered:
            offered[asset.amount_unit] += asset.amount
    shortfall = {u: needed[u] - offered[u] for u in needed if offered[u] < needed[u]}
    if not type_needs:
        status = ""
    elif not type_assets:
        status = UNCOVERED
    else:
        status = PARTLY if shortfall else COVERED
    return Coverage(value_type, type_needs, type_assets, status, dict(needed), offered, shortfall)


STATUS_ORDER = {UNCOVERED: 0, PARTLY: 1, COVERED: 2}


def gap_map(member: Membership, partnership: Partnership, *, suggest: bool = True) -> GapMap:
    """The partnership's asset and gap map, with suggestions for each gap when `suggest` (the
    module docstring gives the rules; a fixed number of queries)."""
    require_live(member, partnership)
    by_type_assets: dict[str, list[Asset]] = defaultdict(list)
    for asset in assets(partnership):
        by_type_assets[asset.value_type].append(asset)
    by_type_needs: dict[str, list[Need]] = defaultdict(list)
    for need in needs(partnership):
        by_type_needs[need.value_type].append(need)
    order = {key: i for i, key in enumerate(ValueType.values)}
    rows = [
        coverage(vt, by_type_needs[vt], by_type_assets.get(vt, []))
        for vt in sorted(by_type_needs, key=lambda vt: order.get(vt, len(order)))
    ]
    rows.sort(key=lambda row: STATUS_ORDER[row.status])
    unneeded = [
        coverage(vt, [], by_type_assets[vt])
        for vt in sorted(by_type_assets, key=lambda vt: order.get(vt, len(order)))
        if vt not in by_type_needs
    ]
    analysis_at = None
    gaps = [row for row in rows if row.is_gap]
    if suggest and gaps:
        found, analysis_at = suggestions_for(member, partnership, [row.value_type for row in gaps])
        for row in gaps:
            row.suggestions = found.get(row.value_type, [])
    return GapMap(rows, unneeded, analysis_at)


def suggestions_for(
    member: Membership, partnership: Partnership, value_types: Iterable[str]
) -> tuple[dict[str, list[Suggestion]], dt.datetime | None]:
    """For each of `value_types`, up to SUGGESTIONS_PER_GAP suggested stakeholders ranked as
    the module docstring says, each with its introducers; and the time of the network analysis
    the positions come from (None before the first). Ten queries at most, whatever the size."""
    wanted = list(dict.fromkeys(value_types))
    workspace = member.workspace
    partner_ids = set(
        Partner.objects.filter(partnership=partnership).values_list("stakeholder_id", flat=True)
    )
    offering: dict[str, list[Stakeholder]] = {vt: [] for vt in wanted}
    candidates: dict[int, Stakeholder] = {}
    rows = (
        Stakeholder.objects.filter(workspace=workspace)
        .exclude(offers=[])
        .only("pk", "name", "sort_name", "kind", "sector", "is_internal", "offers", "workspace")
    )
    for stakeholder in rows:
        if stakeholder.pk in partner_ids or not isinstance(stakeholder.offers, list):
            continue
        for vt in wanted:
            if vt in stakeholder.offers:
                offering[vt].append(stakeholder)
                candidates[stakeholder.pk] = stakeholder
    if not candidates:
        return {vt: [] for vt in wanted}, None
    trust = _trust(workspace, candidates)
    positions, analysis_at = _positions(workspace)
    load = _load(workspace, candidates)
    found: dict[str, list[Suggestion]] = {}
    for vt in wanted:
        ranked = []
        for stakeholder in offering[vt]:
            score, source = trust.get(stakeholder.pk, (None, ""))
            betweenness, degree = positions.get(stakeholder.pk, (0.0, 0))
            partnerships_in, interactions = load.get(stakeholder.pk, (0, 0))
            ranked.append(
                Suggestion(
                    stakeholder, score, source, betweenness, degree, partnerships_in, interactions
                )
            )
        ranked.sort(key=suggestion_key)
        found[vt] = ranked[:SUGGESTIONS_PER_GAP]
    _add_introducers(workspace, partner_ids, found)
    return found, analysis_at


def suggestion_key(s: Suggestion) -> tuple[Any, ...]:
    """The sort key of SUGGESTION_RANKING: trust (none last), betweenness, degree, partnerships,
    interactions, name, id."""
    return (
        s.trust is None,
        -(s.trust or 0.0),
        -s.betweenness,
        -s.degree,
        s.partnerships,
        s.interactions,
        s.stakeholder.sort_name,
        s.stakeholder.pk,
    )


def _trust(workspace: Any, candidates: dict[int, Stakeholder]) -> dict[int, tuple[float, str]]:
    """Each candidate's trust and its source: the survey score in the latest of the last
    SURVEY_WAVES surveyed waves that rated it, else the highest trust on a live, not-ended tie
    with one of the city's own stakeholders (three queries)."""
    found: dict[int, tuple[float, str]] = {}
    waves = list(surveyed_waves(workspace).values_list("pk", flat=True)[:SURVEY_WAVES])
    if waves:
        by_wave: dict[int, list[Rating]] = defaultdict(list)
        rows = SurveyTie.objects.filter(
            wave_id__in=waves,
            response__submitted_on__isnull=False,
            source__deleted_at__isnull=True,
            target__deleted_at__isnull=True,
        ).values_list("wave_id", "response_id", "source_id", "target_id", *RATING_FIELDS)
        for wave, response, source, target, *values in rows:
            if target in candidates:
                by_wave[wave].append(
                    Rating(response, source, target, dict(zip(RATING_FIELDS, values, strict=True)))
                )
        for wave in reversed(waves):  # the latest wave last, so it wins
            for target, score in partner_scores(by_wave.get(wave, []), 1).items():
                if score.trust.score is not None:
                    found[target] = (score.trust.score, "survey")
    ties = (
        Tie.objects.filter(workspace=workspace, trust__isnull=False)
        .exclude(status=Tie.Status.ENDED)
        .filter(
            Q(source__is_internal=True, source__deleted_at__isnull=True)
            | Q(target__is_internal=True, target__deleted_at__isnull=True)
        )
        .values_list(
            "source_id", "target_id", "trust", "source__is_internal", "target__is_internal"
        )
    )
    rated: dict[int, int] = {}
    for source, target, rating, source_internal, target_internal in ties:
        for end, other_internal in ((target, source_internal), (source, target_internal)):
            if end in candidates and other_internal and rating > rated.get(end, 0):
                rated[end] = rating
    for pk, rating in rated.items():
        found.setdefault(pk, (float(rating), "tie"))
    return found


def _positions(workspace: Any) -> tuple[dict[int, tuple[float, int]], dt.datetime | None]:
    """Normalized betweenness and degree by stakeholder id in the last finished analysis of the
    recorded network, as stored (one or two queries; nothing is recomputed or queued)."""
    snapshot = (
        NetworkSnapshot.objects.filter(
            workspace=workspace, view=RECORDED, computed_at__isnull=False
        )
        .defer("result", "layout")
        .first()
    )
    if snapshot is None:
        return {}, None
    positions = {}
    for node in stored_result(snapshot).get("nodes") or []:
        if isinstance(node.get("id"), int):
            positions[node["id"]] = (
                float(node.get("betweenness_normalized") or 0.0),
                int(node.get("degree") or 0),
            )
    return positions, snapshot.computed_at


def _load(workspace: Any, candidates: dict[int, Stakeholder]) -> dict[int, tuple[int, int]]:
    """Each stakeholder's current load: live partnerships not closed it is a partner of, and
    live interactions it took part in over the last LOAD_DAYS days (two queries)."""
    partnerships_in: dict[int, int] = dict(
        Partner.objects.filter(
            workspace=workspace,
            partnership__deleted_at__isnull=True,
        )
        .exclude(partnership__status=Partnership.Status.CLOSED)
        .values("stakeholder_id")
        .annotate(n=Count("partnership_id", distinct=True))
        .values_list("stakeholder_id", "n")
    )
    since = timezone.now() - dt.timedelta(days=LOAD_DAYS)
    through = Interaction.participants.through
    rows = (
        through.objects.filter(
            interaction__workspace=workspace,
            interaction__deleted_at__isnull=True,
            interaction__occurred_at__gte=since,
            interaction__occurred_at__lte=timezone.now(),
        )
        .values("stakeholder_id")
        .annotate(n=Count("interaction_id", distinct=True))
    )
    interactions: dict[int, int] = {row["stakeholder_id"]: row["n"] for row in rows}
    return {
        pk: (partnerships_in.get(pk, 0), interactions.get(pk, 0))
        for pk in candidates
        if pk in partnerships_in or pk in interactions
    }


STATUS_STRENGTH: dict[str, int] = {
    Tie.Status.ACTIVE: 0,
    Tie.Status.PROSPECT: 1,
    Tie.Status.DORMANT: 1,
}


def introducer_key(item: Introducer) -> tuple[Any, ...]:
    """Strongest tie first: trust (unrated last), value (unrated last), active before prospect
    or dormant, then the introducer's name and id."""
    return (
        -(item.tie.trust or 0),
        -(item.tie.value or 0),
        STATUS_STRENGTH.get(item.tie.status, 2),
        item.stakeholder.sort_name,
        item.stakeholder.pk,
    )


def _add_introducers(
    workspace: Any, partner_ids: set[int], found: dict[str, list[Suggestion]]
) -> None:
    """Give each suggestion its introducers (one query): partners of the partnership and the
    city's own stakeholders with a live, not-ended tie to it, strongest first."""
    suggested = {s.stakeholder.pk for ranked in found.values() for s in ranked}
    if not suggested:
        return
    ties = (
        Tie.objects.filter(workspace=workspace)
        .exclude(status=Tie.Status.ENDED)
        .filter(source__deleted_at__isnull=True, target__deleted_at__isnull=True)
        .filter(Q(source_id__in=suggested) | Q(target_id__in=suggested))
        .filter(
            Q(source_id__in=partner_ids)
            | Q(target_id__in=partner_ids)
            | Q(source__is_internal=True)
            | Q(target__is_internal=True)
        )
        .select_related("source", "target", "owner__user")
    )
    by_stakeholder: dict[int, dict[int, Introducer]] = defaultdict(dict)
    for tie in ties:
        for end, other in ((tie.source, tie.target), (tie.target, tie.source)):
            if end.pk not in suggested:
                continue
            if other.pk in partner_ids:
                via = "partner"
            elif other.is_internal:
                via = "city"
            else:
                continue
            item = Introducer(other, via, tie, tie.owner)
            known = by_stakeholder[end.pk].get(other.pk)
            if known is None or introducer_key(item) < introducer_key(known):
                by_stakeholder[end.pk][other.pk] = item
    for ranked in found.values():
        for suggestion in ranked:
            items = sorted(by_stakeholder[suggestion.stakeholder.pk].values(), key=introducer_key)
            suggestion.introducers = items[:INTRODUCERS_PER_SUGGESTION]


def unit_label(unit: str) -> str:
    """ "money" or "hours" in words."""
    return str(AmountUnit(unit).label) if unit in AmountUnit.values else unit
