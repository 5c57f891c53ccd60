"""What a stakeholder merge does to survey records, and how restoring the merged one undoes it.

Called by `cityweave.stakeholders.merging` (which owns the journal). Rosters, respondents,
responses and survey ties of the merged stakeholder move to the kept one, except where that
would make two of a kind the database allows once (a second respondent of the same wave, a
response's second tie to the same partner) or a tie from a partner to itself: those stay with
the merged stakeholder, in the trash with it, so they drop out of the surveyed network and
come back when it is restored.
"""

from __future__ import annotations

from typing import Any

from cityweave.stakeholders.models import Stakeholder
from cityweave.surveys.models import Respondent, Response, SurveyTie, Wave


def move_survey_records(keep: Stakeholder, merge: Stakeholder) -> dict[str, Any]:
    """Re-point `merge`'s survey records to `keep`; returns the journal `return_survey_records`
    reads: {"rosters": [[wave pk, kept was on it]], "respondents": [[pk, field]],
    "responses": [pk], "survey_ties": [[pk, end]]}."""
    journal: dict[str, Any] = {}
    rosters = Wave.roster.through
    had = set(rosters.objects.filter(stakeholder_id=keep.pk).values_list("wave_id", flat=True))
    waves = list(rosters.objects.filter(stakeholder_id=merge.pk).values_list("wave_id", flat=True))
    journal["rosters"] = [[pk, pk in had] for pk in waves]
    rosters.objects.bulk_create(
        [rosters(wave_id=pk, stakeholder_id=keep.pk) for pk in waves if pk not in had]
    )
    rosters.objects.filter(stakeholder_id=merge.pk).delete()

    moved: list[list[Any]] = []
    taken = set(Respondent.all_objects.filter(stakeholder=keep).values_list("wave_id", flat=True))
    for pk, wave in Respondent.all_objects.filter(stakeholder=merge).values_list("pk", "wave_id"):
        if wave not in taken:
            moved.append([pk, "stakeholder"])
    for pk in Respondent.all_objects.filter(represents=merge).values_list("pk", flat=True):
        moved.append([pk, "represents"])
    for pk, name in moved:
        Respondent.all_objects.filter(pk=pk).update(**{name: keep})
    journal["respondents"] = moved

    responses = list(Response.objects.filter(represents=merge).values_list("pk", flat=True))
    Response.objects.filter(pk__in=responses).update(represents=keep)
    journal["responses"] = responses

    ties: list[list[Any]] = []
    as_source = SurveyTie.objects.filter(source=merge).exclude(target=keep)
    ties += [[pk, "source"] for pk in as_source.values_list("pk", flat=True)]
    targets = SurveyTie.objects.filter(target=merge).exclude(source=keep)
    doubled = SurveyTie.objects.filter(target=keep).values("response_id")
    as_target = targets.exclude(response_id__in=doubled)
    ties += [[pk, "target"] for pk in as_target.values_list("pk", flat=True)]
    for end in ("source", "target"):
        pks = [pk for pk, moved_end in ties if moved_end == end]
        SurveyTie.objects.filter(pk__in=pks).update(**{end: keep})
    journal["survey_ties"] = ties
    return journal


def return_survey_records(keep: Stakeholder, merge: Stakeholder, journal: dict[str, Any]) -> None:
    """Undo `move_survey_records` from its journal, for the records still as it left them."""
    rosters = Wave.roster.through
    for pk, kept_had in journal.get("rosters", []):
        rosters.objects.get_or_create(wave_id=pk, stakeholder_id=merge.pk)
        if not kept_had:
            rosters.objects.filter(wave_id=pk, stakeholder_id=keep.pk).delete()
    for pk, name in journal.get("respondents", []):
        Respondent.all_objects.filter(pk=pk, **{name: keep}).update(**{name: merge})
    Response.objects.filter(pk__in=journal.get("responses", []), represents=keep).update(
        represents=merge
    )
    for pk, end in journal.get("survey_ties", []):
        SurveyTie.objects.filter(pk=pk, **{end: keep}).update(**{end: merge})
