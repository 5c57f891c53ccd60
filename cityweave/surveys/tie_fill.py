"""Fill the trust and value of the office's own ties from a survey wave.

For one of the office's ties (source–target), the wave is the latest (by closing day, then id)
live wave of a live survey in which a submitted roster answer of either end names the other and
gives at least one rating; a tie can also be filled from a wave chosen by hand, and every tie a
wave rated at once (`fill_ties_from_wave`). Across the pair, both directions:

    trust = round(mean of the reliability, support-of-mission and openness ratings given)
    value = round(mean of the power-and-influence, involvement and resource ratings given)

on PARTNER's 1–4 scale, rounded half up (2.5 -> 3), as DESIGN.md's PARTNER section averages
(missing answers left out, never zero). A side without any rating keeps the tie's own value.
Answers "no relationship" still count their ratings, as in the partner's scores (scoring.py).
The fill is written to the tie's notes as one line naming the wave (replaced by the next fill),
e.g. "Trust and value filled from the survey wave “Spring 2027” (Partner network survey) on
2027-05-02: trust 3 from 5 ratings, value 2 from 3 ratings."
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from cityweave.engagement.services import workspace_today
from cityweave.stakeholders.models import Tie
from cityweave.stakeholders.services import save_tie
from cityweave.surveys.instruments import TRUST_ITEMS, VALUE_ITEMS
from cityweave.surveys.models import SurveyTie, Wave
from cityweave.surveys.surveyed import submitted_ties
from cityweave.workspaces.models import Membership
from cityweave.workspaces.services import require_editor

#: How a filled tie's notes line starts: the next fill replaces the line.
NOTE_PREFIX = "Trust and value filled from the survey wave"
RATING_COLUMNS = (*TRUST_ITEMS, *VALUE_ITEMS)


@dataclass(frozen=True)
class TieFill:
    """What a wave says of one office tie: `trust` and `value` (1–4, None without ratings of
    that kind) from `trust_ratings` and `value_ratings` ratings given across the pair."""

    tie: Tie
    wave: Wave
    trust: int | None
    value: int | None
    trust_ratings: int
    value_ratings: int

    @property
    def ratings(self) -> int:
        """All the ratings the fill is made from."""
        return self.trust_ratings + self.value_ratings

    @property
    def changes(self) -> bool:
        """Whether saving it would change the tie's trust or value."""
        return (self.trust is not None and self.trust != self.tie.trust) or (
            self.value is not None and self.value != self.tie.value
        )

    def note(self, day: str) -> str:
        """The notes line recording this fill on `day` (ISO date)."""
        parts = []
        if self.trust is not None:
            parts.append(f"trust {self.trust} from {_count(self.trust_ratings)}")
        if self.value is not None:
            parts.append(f"value {self.value} from {_count(self.value_ratings)}")
        return (
            f"{NOTE_PREFIX} “{self.wave.name}” ({self.wave.survey.title}) on {day}: "
            f"{', '.join(parts)}."
        )


def _count(ratings: int) -> str:
    return f"{ratings} rating{'s' if ratings != 1 else ''}"


def rounded_mean(ratings: list[int]) -> int | None:
    """The mean of 1–4 ratings rounded half up to a whole number; None for no ratings."""
    return int(sum(ratings) / len(ratings) + 0.5) if ratings else None


def _rated() -> Q:
    """Survey ties with at least one rating."""
    return Q(*(Q(**{f"{item}__isnull": False}) for item in RATING_COLUMNS), _connector=Q.OR)


def _pair(tie: Tie) -> Q:
    return Q(source=tie.source_id, target=tie.target_id) | Q(
        source=tie.target_id, target=tie.source_id
    )


def _fill(tie: Tie, wave: Wave, rows: list[tuple[int | None, ...]]) -> TieFill | None:
    trust = [r for row in rows for r in row[: len(TRUST_ITEMS)] if r is not None]
    value = [r for row in rows for r in row[len(TRUST_ITEMS) :] if r is not None]
    if not trust and not value:
        return None
    return TieFill(tie, wave, rounded_mean(trust), rounded_mean(value), len(trust), len(value))


def _live_waves(member: Membership) -> Q:
    return Q(
        wave__workspace=member.workspace,
        wave__deleted_at__isnull=True,
        wave__survey__deleted_at__isnull=True,
    )


def proposed_fill(member: Membership, tie: Tie, wave: Wave | None = None) -> TieFill | None:
    """What the latest wave that rated the tie's pair (or `wave`) would set: None when none did.
    One query (two with a `wave` named by the caller: none more)."""
    rows = (
        submitted_ties(wave)
        if wave is not None
        else SurveyTie.objects.filter(
            _live_waves(member),
            workspace=member.workspace,
            response__submitted_on__isnull=False,
            source__deleted_at__isnull=True,
            target__deleted_at__isnull=True,
        )
    )
    found = list(
        rows.filter(_pair(tie), _rated())
        .select_related("wave__survey")
        .order_by("-wave__closes_on", "-wave_id", "pk")
    )
    if not found:
        return None
    latest = found[0].wave
    return _fill(
        tie,
        latest,
        [
            tuple(getattr(row, item) for item in RATING_COLUMNS)
            for row in found
            if row.wave_id == latest.pk
        ],
    )


def get_wave(member: Membership, wave_id: int | str | None) -> Wave:
    """A live wave of a live survey of the member's workspace; ValidationError naming "wave"."""
    try:
        pk = int(wave_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        pk = 0
    wave = (
        Wave.objects.filter(workspace=member.workspace, pk=pk, survey__deleted_at__isnull=True)
        .select_related("survey")
        .first()
        if 0 < pk < 2**63
        else None
    )
    if wave is None:
        raise ValidationError({"wave": "No such survey wave in this workspace."})
    return wave


@transaction.atomic
def fill_tie(member: Membership, tie: Tie, wave: Wave | None = None) -> TieFill:
    """Set the tie's trust and value from the latest wave that rated its pair (or `wave`), and
    record the wave in its notes. PermissionDenied for a viewer; ValidationError naming "wave"
    when no wave rated the pair."""
    require_editor(member)
    fill = proposed_fill(member, tie, wave)
    if fill is None:
        raise ValidationError(
            {"wave": "No submitted survey answer rates this pair of partners yet."}
        )
    _save(member, fill)
    return fill


def _save(member: Membership, fill: TieFill) -> None:
    tie = fill.tie
    kept = [line for line in tie.notes.splitlines() if not line.startswith(NOTE_PREFIX)]
    note = fill.note(workspace_today(member.workspace).isoformat())
    data: dict[str, object] = {"notes": "\n".join([*kept, note]).strip()}
    if fill.trust is not None:
        data["trust"] = fill.trust
    if fill.value is not None:
        data["value"] = fill.value
    save_tie(member, data, tie)


def wave_fills(member: Membership, wave: Wave) -> list[TieFill]:
    """What `wave` would set on each of the office's live, non-ended ties whose pair it rated,
    ordered by tie. Two queries, whatever the number of ties."""
    ratings: dict[frozenset[int], list[tuple[int | None, ...]]] = defaultdict(list)
    rows = submitted_ties(wave)
    for source, target, *values in rows.filter(_rated()).values_list(
        "source_id", "target_id", *RATING_COLUMNS
    ):
        ratings[frozenset((source, target))].append(tuple(values))
    if not ratings:
        return []
    ends = {end for pair in ratings for end in pair}
    ties = (
        Tie.objects.filter(
            workspace=member.workspace,
            source__in=ends,
            target__in=ends,
            source__deleted_at__isnull=True,
            target__deleted_at__isnull=True,
        )
        .exclude(status=Tie.Status.ENDED)
        .select_related("source", "target")
        .order_by("pk")
    )
    fills = []
    for tie in ties:
        pair = frozenset((tie.source_id, tie.target_id))
        if pair in ratings:
            fill = _fill(tie, wave, ratings[pair])
            if fill is not None:
                fills.append(fill)
    return fills


@transaction.atomic
def fill_ties_from_wave(member: Membership, wave: Wave) -> list[TieFill]:
    """Fill every office tie `wave` rated (see `wave_fills`), recording the wave in each tie's
    notes; the fills made. PermissionDenied for a viewer."""
    require_editor(member)
    fills = wave_fills(member, wave)
    for fill in fills:
        _save(member, fill)
    return fills
