"""How long the survey pages take on a large surveyed network: the 2,000-stakeholder bench
workspace (bench/workspace.py, about 20,000 interactions) plus a partner network survey with three
waves a year apart (a roster of 200 organisations; 150 respondents per wave, each picking about 25
partners and rating each on the six PARTNER items, 5% of ratings left blank: about 11,000 survey
ties) and a community feedback survey with one wave of 2,000 anonymous responses. Each page is
read through Django's test client as an editor, timed, best of `--repeats`.

    .venv/bin/python bench/surveys.py [--size 2000] [--db sqlite|postgres|both] [--repeats 3]

Results go to bench/results/surveys-<rev>.json. The survey data is written with the app's models
(bulk inserts), so this runs only on revisions that have surveys.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
import databases  # noqa: E402  (bench/ is not a package)

PG = "postgresql://root@127.0.0.1/cityweave_bench_surveys"
ROSTER, RESPONDENTS, PICKS, COMMUNITY = 200, 150, 25, 2_000
#: Pages read as the first request after a change to the workspace finds them: what they keep
#: between requests (workspaces.derived) built anew.
BUILT_ANEW = {"dashboard, changed"}
FREQUENCIES = ["yearly", "quarterly", "monthly", "weekly", "daily"]
LEVELS = ["awareness", "cooperation", "coordination", "integration"]


def build_surveys(workspace: Any, seed: int = 11) -> dict[str, Any]:
    """Add the partner and community surveys to the bench workspace; returns what the pages
    need: {"partner": survey, "community": survey, "waves": [...], "open": community wave}."""
    from cityweave.engagement.services import workspace_today
    from cityweave.stakeholders.models import Stakeholder
    from cityweave.surveys.instruments import RATING_ITEMS
    from cityweave.surveys.models import Answer, Respondent, Response, SurveyTie, Wave
    from cityweave.surveys.services import create_from_template
    from cityweave.workspaces.models import Membership

    rng = random.Random(seed)
    owner = Membership.objects.filter(workspace=workspace, role="owner").first()
    today = workspace_today(workspace)
    organisations = list(
        Stakeholder.objects.filter(workspace=workspace, kind="organisation").order_by("pk")[:ROSTER]
    )
    partner = create_from_template(owner, "partner")
    questions = {q.measure: q for q in partner.questions.all()}
    waves = []
    for index in range(3):
        closes = today - dt.timedelta(days=365 * (2 - index) - 20)
        wave = Wave.objects.create(
            workspace=workspace,
            survey=partner,
            name=f"Spring {closes.year}",
            opens_on=closes - dt.timedelta(days=30),
            closes_on=closes,
        )
        wave.roster.set(organisations)
        answering = rng.sample(organisations, RESPONDENTS)
        respondents = Respondent.objects.bulk_create(
            [
                Respondent(
                    workspace=workspace, wave=wave, stakeholder=org, represents=org,
                    email=f"survey{org.pk}@bench.example", responded=True,
                )
                for org in answering
            ]
        )  # fmt: skip
        responses = Response.objects.bulk_create(
            [
                Response(
                    workspace=workspace, wave=wave, respondent=r, represents=r.represents,
                    saved_on=closes, submitted_on=closes,
                )
                for r in respondents
            ]
        )  # fmt: skip
        answers, ties = [], []
        for response in responses:
            answers.append(Answer(response=response, question=questions["role"], value="Director"))
            answers.append(
                Answer(
                    response=response,
                    question=questions["contributions"],
                    value=rng.sample(["funding", "data", "expertise", "volunteers"], 2),
                )
            )
            others = [o for o in organisations if o.pk != response.represents_id]
            for target in rng.sample(others, PICKS):
                ratings = {
                    item: (None if rng.random() < 0.05 else rng.randint(1, 4))
                    for item in RATING_ITEMS
                }
                ties.append(
                    SurveyTie(
                        workspace=workspace, wave=wave, response=response,
                        source_id=response.represents_id, target=target,
                        frequency=rng.choice(FREQUENCIES), collaboration=rng.choice(LEVELS),
                        **ratings,
                    )
                )  # fmt: skip
        Answer.objects.bulk_create(answers, batch_size=1_000)
        SurveyTie.objects.bulk_create(ties, batch_size=1_000)
        waves.append(wave)

    community = create_from_template(owner, "community", about="Riverside renewal")
    cq = {q.position: q for q in community.questions.all()}
    open_wave = Wave.objects.create(
        workspace=workspace,
        survey=community,
        name="Autumn",
        opens_on=today - dt.timedelta(days=20),
        closes_on=today + dt.timedelta(days=10),
        open_link_token="bench-open-link",
    )
    responses = Response.objects.bulk_create(
        [
            Response(workspace=workspace, wave=open_wave, saved_on=today, submitted_on=today)
            for _ in range(COMMUNITY)
        ]
    )
    answers = []
    words = ["parks", "buses", "housing", "library", "jobs", "safety", "noise", "trees"]
    for response in responses:
        answers.append(Answer(response=response, question=cq[1], value=rng.randint(1, 5)))
        answers.append(Answer(response=response, question=cq[2], value=rng.randint(1, 5)))
        if rng.random() < 0.6:
            text = f"More {rng.choice(words)} and {rng.choice(words)}, please."
            answers.append(Answer(response=response, question=cq[4], value=text))
    Answer.objects.bulk_create(answers, batch_size=1_000)
    return {"partner": partner, "community": community, "waves": waves, "open": open_wave}


def pages(built: dict[str, Any]) -> dict[str, str]:
    """The survey pages timed: name → URL on the bench workspace."""
    from django.urls import reverse

    partner, community = built["partner"], built["community"]
    last, first = built["waves"][-1], built["waves"][0]
    wave = ["bench", partner.pk, last.pk]
    open_wave = ["bench", community.pk, built["open"].pk]
    return {
        "survey list": reverse("surveys:list", args=["bench"]),
        "partner survey": reverse("surveys:detail", args=["bench", partner.pk]),
        "wave": reverse("surveys:wave", args=wave),
        "personal links": reverse("surveys:links", args=wave),
        "results overview": reverse("surveys:results", args=wave),
        "trust and value": reverse("surveys:results-scores", args=wave),
        "questions": reverse("surveys:results-questions", args=wave),
        "wave over wave": reverse("surveys:results-changes", args=wave) + f"?since={first.pk}",
        "trends": reverse("surveys:results-trends", args=["bench", partner.pk]),
        "community results": reverse("surveys:results", args=open_wave),
        "community open answers": reverse("surveys:results-open-answers", args=open_wave)
        + "?q=parks",
        "answers csv": reverse("surveys:results-answers-csv", args=open_wave),
        "scores xlsx": reverse("surveys:results-scores-xlsx", args=wave),
        "dashboard": reverse("dashboard", args=["bench"]),
        "dashboard, changed": reverse("dashboard", args=["bench"]),
        "api scores": reverse("api:survey_scores", args=wave),
        "api results": reverse("api:wave_results", args=wave),
    }


def run(size: int, repeats: int) -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.test import Client
    from django.urls import NoReverseMatch
    from workspace import workspace_file

    from cityweave.testing import make_user
    from cityweave.workspaces.models import Workspace
    from cityweave.workspaces.services import add_member
    from cityweave.workspaces.transfer import import_workspace

    Workspace.objects.filter(slug="bench").delete()
    tree = workspace_file(size)
    tree.pop("meta")
    workspace = import_workspace(tree, slug="bench")
    start = time.perf_counter()
    built = build_surveys(workspace)
    from cityweave.surveys.models import Response, SurveyTie

    results: dict[str, object] = {
        "build s": round(time.perf_counter() - start, 1),
        "roster": built["waves"][-1].roster.count(),
        "survey ties": SurveyTie.objects.filter(workspace=workspace).count(),
        "responses": Response.objects.filter(workspace=workspace).count(),
    }
    user = make_user("bench-surveys@example.org")
    add_member(workspace, user, "editor")  # the personal links are for editors
    client = Client()
    client.force_login(user)
    try:
        urls = pages(built)
    except NoReverseMatch as error:
        raise SystemExit(f"a survey page is missing: {error}") from None
    from cityweave.workspaces import derived

    for name, url in urls.items():
        before = derived.MEMO.clear if name in BUILT_ANEW else None
        results[name] = databases.time_get(client, url, repeats, before)
    return results


def show(page: str, figures: Any) -> str:
    return databases.show_page(page, figures, 24)


if __name__ == "__main__":
    databases.main(__file__, "surveys", PG, __doc__.splitlines()[0], run, show)
