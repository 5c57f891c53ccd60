"""How long the partnership pages take in a large workspace: the 2,000-stakeholder bench
workspace (bench/workspace.py, about 20,000 interactions) plus 40 partnerships, each with 15
partners, 4 benchmarks of 6 readings, 8 assets, 6 needs, 6 risks, 3 joint activities (logged as
interactions), 2 channels and a confirmed meeting plan with 3 agenda items. Each page is read
through Django's test client as an editor, timed, best of `--repeats`.

    .venv/bin/python bench/partnerships.py [--size 2000] [--db sqlite|postgres|both] [--repeats 3]

Results go to bench/results/partnerships-<rev>.json. The records are written through the
partnerships' services, as the pages and the API write them.
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

PG = "postgresql://root@127.0.0.1/cityweave_bench_partnerships"
PARTNERSHIPS, PARTNERS, BENCHMARKS, READINGS = 40, 15, 4, 6
ASSETS, NEEDS, RISKS, ACTIVITIES = 8, 6, 6, 3
ROLES = ["champion", "funder", "implementer", "convener", "broker", "advisor", "data-partner"]
KINDS = ["infrastructure", "land", "financial", "staff", "expertise", "data", "programme"]
VALUE_TYPES = ["funding", "volunteers", "data", "expertise", "facilities", "land", "advocacy"]
STATUSES = ["exploring", "forming", "active", "sustaining"]


def build_partnerships(workspace: Any, seed: int = 12) -> list[Any]:
    """Add PARTNERSHIPS partnerships with every part to the bench workspace; returns them."""
    from cityweave.engagement.services import workspace_today
    from cityweave.partnerships import (
        activities,
        benchmarks,
        channels,
        gaps,
        meetings,
        risks,
        services,
    )
    from cityweave.stakeholders.models import Stakeholder
    from cityweave.workspaces.models import Membership

    rng = random.Random(seed)
    owner = Membership.objects.filter(workspace=workspace, role="owner").first()
    today = workspace_today(workspace)
    organisations = list(
        Stakeholder.objects.filter(workspace=workspace, kind="organisation").order_by("pk")
    )
    built = []
    for n in range(PARTNERSHIPS):
        partnership = services.save_partnership(
            owner,
            {
                "name": f"Partnership {n:02d}",
                "problem": "A problem written with the people it affects. " * 4,
                "status": STATUSES[n % len(STATUSES)],
                "started_on": today - dt.timedelta(days=365),
                "officer": owner,
            },
        )
        partners = [
            services.save_partner(
                owner,
                partnership,
                {"stakeholder": org, "roles": rng.sample(ROLES, rng.randint(1, 2))},
            )
            for org in rng.sample(organisations, PARTNERS)
        ]
        for b in range(BENCHMARKS):
            benchmark = benchmarks.save_benchmark(
                owner,
                partnership,
                {
                    "statement": f"Benchmark {b}",
                    "metric": "homes",
                    "target": 100,
                    "starts_on": today - dt.timedelta(days=300),
                    "due_on": today + dt.timedelta(days=60 * (b - 1)),
                },
            )
            for r in range(READINGS):
                day = today - dt.timedelta(days=290 - 45 * r)
                benchmarks.record_progress(owner, benchmark, rng.randint(0, 100), day)
        for a in range(ASSETS):
            gaps.save_asset(
                owner,
                partnership,
                {
                    "kind": KINDS[a % len(KINDS)],
                    "holder": rng.choice(partners).stakeholder,
                    "description": f"Asset {a}",
                    "amount": rng.randint(1, 50) * 1000,
                },
            )
        for m in range(NEEDS):
            gaps.save_need(
                owner,
                partnership,
                {
                    "value_type": VALUE_TYPES[m % len(VALUE_TYPES)],
                    "description": f"Need {m}",
                    "amount": rng.randint(1, 80) * 1000,
                },
            )
        for r in range(RISKS):
            risks.save_risk(
                owner,
                partnership,
                {
                    "title": f"Risk {r}",
                    "likelihood": rng.randint(1, 5),
                    "impact": rng.randint(1, 5),
                },
            )
        for a in range(ACTIVITIES):
            activities.save_activity(
                owner,
                partnership,
                {
                    "name": f"Event {a}",
                    "held_on": today - dt.timedelta(days=20 + 30 * a),
                    "attendance": 40,
                    "partners": rng.sample(partners, 5),
                },
            )
        for c, kind in enumerate(("email-list", "chat-group")):
            channels.save_channel(
                owner,
                partnership,
                {"kind": kind, "name": f"Channel {c}", "every_days": 14, "last_used_on": today},
            )
        plan = meetings.save_plan(
            owner,
            partnership,
            {
                "title": "Steering group",
                "starts_at": dt.datetime.now(dt.UTC) + dt.timedelta(days=10),
                "agenda": [
                    {"text": "Budget", "roles": ["funder"]},
                    {"text": "Sites", "value_types": ["land"]},
                    {"text": "Outreach", "roles": ["champion", "convener"]},
                ],
            },
        )
        meetings.confirm_plan(owner, plan)
        built.append(partnership)
    return built


def pages(partnership: Any) -> dict[str, str]:
    """The pages and API reads to time, for one partnership of the bench."""
    from django.urls import reverse

    plan = partnership.meeting_plans.get()
    one = ["bench", partnership.pk]
    api = f"/api/v1/workspaces/bench/partnerships/{partnership.pk}"
    return {
        "partnership list": reverse("partnerships:list", args=["bench"]),
        "partnership page": reverse("partnerships:detail", args=one),
        "meeting planner": reverse("partnerships:plan", args=[*one, plan.pk]),
        "brief": reverse("partnerships:brief", args=one),
        "brief PDF": reverse("partnerships:brief-pdf", args=one),
        "network, filtered": reverse("network:map", args=["bench"])
        + f"?partnership={partnership.pk}",
        "api partnerships": "/api/v1/workspaces/bench/partnerships",
        "api partners": f"{api}/partners",
        "api benchmarks": f"{api}/benchmarks",
        "api gap map": f"{api}/gaps",
        "api risks": f"{api}/risks",
        "api invitees": f"{api}/meeting-plans/{plan.pk}/invitees",
        "api network": f"{api}/network",
    }


def run(size: int, repeats: int) -> dict[str, object]:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.test import Client
    from workspace import workspace_file

    from cityweave.engagement.models import Interaction
    from cityweave.partnerships.models import Partner
    from cityweave.testing import make_user
    from cityweave.workspaces.models import Workspace
    from cityweave.workspaces.services import add_member
    from cityweave.workspaces.transfer import import_workspace

    Workspace.objects.filter(slug="bench").delete()
    tree = workspace_file(size)
    tree.pop("meta")
    workspace = import_workspace(tree, slug="bench")
    start = time.perf_counter()
    built = build_partnerships(workspace)
    results: dict[str, object] = {
        "build s": round(time.perf_counter() - start, 1),
        "partnerships": len(built),
        "partners": Partner.objects.filter(workspace=workspace).count(),
        "interactions": Interaction.objects.filter(workspace=workspace).count(),
    }
    user = make_user("bench-partnerships@example.org")
    add_member(workspace, user, "editor")
    client = Client()
    client.force_login(user)
    for name, url in pages(built[len(built) // 2]).items():
        results[name] = databases.time_get(client, url, repeats)
    return results


def show(page: str, figures: Any) -> str:
    return databases.show_page(page, figures)


if __name__ == "__main__":
    databases.main(__file__, "partnerships", PG, __doc__.splitlines()[0], run, show)
