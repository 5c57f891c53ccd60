"""Surveys in the lossless workspace file: questions, waves, respondents, responses, answers and
survey ties survive the round trip; a copy beside its original gets links of its own."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from cityweave.surveys.models import Answer, Respondent, Response, SurveyTie, Wave
from cityweave.surveys.testing import (
    make_respondent,
    make_response,
    make_survey,
    make_wave,
    question,
)
from cityweave.testing import make_stakeholder
from cityweave.workspaces.models import Workspace
from cityweave.workspaces.services import move_to_trash
from cityweave.workspaces.transfer import (
    TransferError,
    export_workspace,
    import_workspace,
    to_json,
)


@pytest.fixture
def surveyed_riverton(riverton, alice_member) -> Workspace:
    """A partner survey with a wave (roster, two respondents, a submitted response with answers,
    survey ties and another per-partner answer, a draft) and an anonymous community survey with
    an open link and a question in the trash."""
    bank = make_stakeholder(riverton, "Food Bank", email="info@bank.example")
    clinic = make_stakeholder(riverton, "Clinic")
    school = make_stakeholder(riverton, "School")
    partner = make_survey(alice_member, "partner")
    extra = partner.questions.create(
        workspace=riverton, kind="long-text", text="Anything else?", per_partner=True, position=99
    )
    wave = make_wave(partner, roster=[bank, clinic, school])
    answering = make_respondent(wave, bank)
    make_respondent(wave, clinic)
    make_response(
        wave,
        answering,
        answers={"role": "Director", "contributions": ["funding", "data"]},
        ties={
            clinic: {"reliability": 4, "power": 2, "collaboration": "integration"},
            school: {"frequency": "monthly"},
        },
    )
    SurveyTie.objects.filter(target=school).update(answers={str(extra.pk): "Good partner"})
    community = make_survey(alice_member, "community")
    open_wave = make_wave(community, open_link_token="open-token-123")
    make_response(open_wave, answers={"satisfaction": 4}, submitted=False)
    move_to_trash(alice_member, question(community, "communication"))
    return riverton


def exported(workspace: Workspace) -> dict[str, Any]:
    return json.loads(to_json(export_workspace(workspace)))


def test_a_wave_carries_its_responses_linked_by_uid(surveyed_riverton) -> None:
    data = exported(surveyed_riverton)
    wave = next(w for w in data["waves"] if w["responses"] and w["responses"][0]["ties"])
    response = wave["responses"][0]
    assert response["submitted_on"] is not None
    assert {
        a["value"] if isinstance(a["value"], str) else tuple(a["value"])
        for a in response["answers"]
    } == {
        "Director",
        ("funding", "data"),
    }
    stakeholders = {s["uid"]: s["name"] for s in data["stakeholders"]}
    assert sorted(stakeholders[t["target"]] for t in response["ties"]) == ["Clinic", "School"]
    extra = next(q for q in data["questions"] if q["text"] == "Anything else?")
    assert {extra["uid"]: "Good partner"} in [t["answers"] for t in response["ties"]]
    assert any(entry["kind"] == "question" for entry in data["trash"])


def test_surveys_survive_the_round_trip_byte_for_byte(surveyed_riverton) -> None:
    original = to_json(export_workspace(surveyed_riverton))
    surveyed_riverton.delete()
    imported = import_workspace(json.loads(original))
    assert to_json(export_workspace(imported)) == original
    tie = SurveyTie.objects.get(workspace=imported, target__name="School")
    assert tie.answers == {
        str(imported_question.pk): "Good partner"
        for imported_question in [tie.wave.survey.questions.get(text="Anything else?")]
    }


def test_a_copy_beside_its_original_gets_its_own_links(surveyed_riverton) -> None:
    original = exported(surveyed_riverton)
    copied = import_workspace(copy.deepcopy(original), slug="riverton-copy")
    old_tokens = set(
        Respondent.objects.filter(workspace=surveyed_riverton).values_list("token", flat=True)
    )
    new_tokens = set(Respondent.objects.filter(workspace=copied).values_list("token", flat=True))
    assert len(new_tokens) == 2 and not old_tokens & new_tokens
    assert Wave.objects.get(workspace=copied, survey__kind="community").open_link_token not in (
        "",
        "open-token-123",
    )
    assert Response.objects.filter(workspace=copied).count() == 2
    assert Answer.objects.filter(response__workspace=copied).count() == 3
    assert SurveyTie.objects.filter(workspace=copied).count() == 2


def test_a_survey_tie_to_an_unknown_partner_is_refused_and_nothing_written(
    surveyed_riverton,
) -> None:
    data = exported(surveyed_riverton)
    wave = next(
        i for i, w in enumerate(data["waves"]) if w["responses"] and w["responses"][0]["ties"]
    )
    data["waves"][wave]["responses"][0]["ties"][0]["target"] = (
        "00000000-0000-4000-8000-000000000000"
    )
    with pytest.raises(TransferError, match=rf"waves\[{wave}\]\.responses\[0\]\.ties\[0\]\.target"):
        import_workspace(data, slug="riverton-bad")
    assert not Workspace.objects.filter(slug="riverton-bad").exists()


def test_a_rating_out_of_the_scale_is_refused(surveyed_riverton) -> None:
    data = exported(surveyed_riverton)
    wave = next(
        i for i, w in enumerate(data["waves"]) if w["responses"] and w["responses"][0]["ties"]
    )
    data["waves"][wave]["responses"][0]["ties"][0]["reliability"] = 7
    with pytest.raises(TransferError, match="reliability"):
        import_workspace(data, slug="riverton-bad")


def test_a_file_from_before_surveys_still_imports(surveyed_riverton) -> None:
    data = exported(surveyed_riverton)
    for section in ("surveys", "questions", "waves", "respondents"):
        del data[section]
    data["trash"] = [e for e in data["trash"] if e["kind"] != "question"]
    imported = import_workspace(data, slug="riverton-old")
    assert Wave.objects.filter(workspace=imported).count() == 0
    assert imported.slug == "riverton-old"
