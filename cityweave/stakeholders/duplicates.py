"""Probable duplicates: the stakeholders a new or renamed one may be the same as.

A candidate is another live stakeholder of the same workspace and kind with the same email (case
ignored), the same name key (`names.name_key`: "Dr. Alan Brooks" and "alan brooks, PhD"), or a
name key within FUZZY_THRESHOLD of it by rapidfuzz's token-sort ratio ("Riverton Comunity
Foundation", "Brooks, Alan") and with the same numbers ("School District 1" is not "… 2"). One query reads the workspace's keys and emails; rapidfuzz scores
them in C, a few milliseconds for thousands of stakeholders (bench/duplicates.py measures it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import reverse
from rapidfuzz import fuzz, process

from cityweave.stakeholders.models import Stakeholder
from cityweave.stakeholders.names import name_key

#: The lowest token-sort ratio (0-100) of two name keys that counts as a probable duplicate: 90
#: catches one or two typos in a name of three words ("Comunity") and a reordered name, but not
#: two names that differ by a word ("Riverton Arts Council" and "Riverton Parks Council", 88).
FUZZY_THRESHOLD = 90
_DIGITS = re.compile(r"\d+")
#: The most candidates returned, closest first.
MAX_CANDIDATES = 10


@dataclass(frozen=True)
class Candidate:
    """A stakeholder that may be the same as the one being saved, and why (`reason`: "email",
    "name" for equal name keys, "similar name"); `score` is the name keys' ratio, 0-100."""

    id: int
    name: str
    email: str
    reason: str
    score: int
    url: str


def probable_duplicates(
    workspace_id: int,
    slug: str,
    *,
    name: str,
    kind: str,
    email: str = "",
    exclude: int | None = None,
) -> list[Candidate]:
    """The live stakeholders of workspace `workspace_id` (whose slug is `slug`, for the links) and
    of `kind` that may be the same as a stakeholder called `name` with `email`, other than the
    stakeholder `exclude`: same email first, then equal name keys, then the most similar names;
    at most MAX_CANDIDATES. One query."""
    key = name_key(name)
    address = email.strip().casefold()
    rows = Stakeholder.objects.filter(workspace_id=workspace_id, kind=kind)
    if exclude is not None:
        rows = rows.exclude(pk=exclude)
    found = list(rows.order_by("pk").values_list("pk", "name", "email", "name_key"))
    if not found or not (key or address):
        return []
    reasons: dict[int, tuple[int, str, int]] = {}  # row index → (rank, reason, score)
    if address:
        for index, (_, _, other_email, _) in enumerate(found):
            if other_email and other_email.casefold() == address:
                reasons[index] = (0, "email", round(fuzz.token_sort_ratio(key, found[index][3])))
    if key:
        keys = [row[3] for row in found]
        numbers = _numbers(key)
        for _, score, index in process.extract(
            key,
            keys,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=FUZZY_THRESHOLD,
            limit=MAX_CANDIDATES * 2,
        ):
            if index in reasons or _numbers(keys[index]) != numbers:
                continue
            same = keys[index] == key
            reasons[index] = (1 if same else 2, "name" if same else "similar name", round(score))
    ranked = sorted(reasons.items(), key=lambda item: (item[1][0], -item[1][2], found[item[0]][1]))
    return [
        Candidate(
            id=found[index][0],
            name=found[index][1],
            email=found[index][2],
            reason=reason,
            score=score,
            url=reverse("stakeholders:detail", args=[slug, found[index][0]]),
        )
        for index, (_, reason, score) in ranked[:MAX_CANDIDATES]
    ]


def _numbers(key: str) -> list[str]:
    """The numbers in a name key: two names that differ in them ("District 1", "District 2")
    are two stakeholders however alike the rest."""
    return _DIGITS.findall(key)


def describe(candidates: list[Candidate]) -> str:
    """One sentence naming the candidates and why, for an error message or a warning."""
    why = {"email": "same email", "name": "same name", "similar name": "similar name"}
    named = "; ".join(f"“{c.name}” ({why[c.reason]}, id {c.id})" for c in candidates)
    return f"This may be a stakeholder you already have: {named}."
