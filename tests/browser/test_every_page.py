"""Every page of the demo city, in Chromium at a desktop and a phone width: axe-core finds no
serious or critical accessibility violation, and nothing scrolls sideways.

The pages come from the URL conf, so a new page is checked without being listed here; a route
that is not a page (JSON, POST-only actions, the API and Django's admin) must be named in
NOT_PAGES with its reason, or the test fails.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from playwright.sync_api import Error as PlaywrightError

from cityweave.accounts.services import issue_token
from cityweave.contacts.services import new_job
from cityweave.demo import DEMO_PASSWORD, DEMO_SLUG, DEMO_USERS, build_demo
from cityweave.engagement.models import Commitment, Interaction
from cityweave.goals.models import Goal, GoalProgress
from cityweave.partnerships import activities, channels, gaps, meetings, risks
from cityweave.partnerships import benchmarks as partnership_benchmarks
from cityweave.partnerships.testing import make_partner, make_partnership
from cityweave.peers import access as peer_access
from cityweave.peers import cohorts as peer_cohorts
from cityweave.peers import exchanges as peer_exchanges
from cityweave.peers import invitations as peer_invitations
from cityweave.peers.demo_convenings import add_demo_convenings
from cityweave.peers.demo_guides import add_demo_guide
from cityweave.peers.models import CityNetwork, GuideSection, NetworkStaff
from cityweave.peers.testing import make_city, make_strength
from cityweave.reminders.services import unsubscribe_token
from cityweave.stakeholders.models import Stakeholder, Tie
from cityweave.stakeholders.services import add_sector
from cityweave.strategy.budget import save_budget
from cityweave.strategy.demo import add_demo_budgets
from cityweave.strategy.plans import propose
from cityweave.surveys import answering
from cityweave.surveys.models import Wave, new_token
from cityweave.surveys.profile import profile_token
from cityweave.surveys.public_views import THANKS_SALT
from cityweave.surveys.testing import make_respondent, make_response, make_survey, make_wave
from cityweave.workspaces.models import Membership
from cityweave.workspaces.services import move_to_trash
from tests.browser.helpers import log_in as log_in_as

pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
LINKEDIN = (
    Path(__file__).resolve().parents[2] / "cityweave/contacts/tests/samples/Connections_LF.csv"
)
#: A desktop and a phone, in CSS pixels.
WIDTHS = (1360, 390)

#: Named routes that are not pages, with why; everything else under the URL conf is visited.
NOT_PAGES = {
    "settings:workspace": "POST-only: saves the workspace's name and time zone",
    "settings:member_add": "POST-only: adds a member",
    "settings:member_lookup": "JSON for the member picker",
    "settings:member_role": "POST-only: changes a member's role",
    "settings:sector_add": "POST-only: adds a sector",
    "settings:sector_remove": "POST-only: removes a sector (its button is on the settings page)",
    "stakeholders:lookup": "JSON for the stakeholder picker",
    "trash:restore": "POST-only: restores a trash entry",
    "commitments:close": "POST-only: marks a commitment kept or missed",
    "goals:progress": "POST-only: records a goal's progress",
    "goals:progress-delete": "POST-only: deletes a progress entry",
    "partnerships:benchmark-progress": "POST-only: records a benchmark's progress",
    "partnerships:benchmark-progress-delete": "POST-only: deletes a benchmark's progress entry",
    "network:map-data": "JSON the map draws",
    "network:status": "an htmx fragment polled by the network page",
    "notifications:bell": "an htmx fragment loaded into the top bar",
    "account:profile": "POST-only: changes the user's name",
    "account:token_create": "POST-only: issues an API token",
    "stakeholders:export": "a CSV download of the list",
    "stakeholders:export-xlsx": "an Excel (XLSX) download of the list",
    "stakeholders:export-vcf": "a vCard download of the list",
    "ties:export": "a CSV download of the list",
    "ties:export-xlsx": "an Excel (XLSX) download of the list",
    "interactions:export": "a CSV download of the list",
    "interactions:export-xlsx": "an Excel (XLSX) download of the list",
    "commitments:export": "a CSV download of the list",
    "commitments:export-xlsx": "an Excel (XLSX) download of the list",
    "goals:export": "a CSV download of the list",
    "goals:export-xlsx": "an Excel (XLSX) download of the list",
    "imports:progress": "an htmx fragment polled while an import runs",
    "imports:report": "a CSV download of an import's rows",
    "interaction-invitation": "an iCalendar (.ics) download",
    "partnerships:channel-used": "POST-only: marks a channel used today",
    "partnerships:plan-follow-up": "POST-only: adds a follow-up to a confirmed meeting plan",
    "partnerships:brief-pdf": "a PDF download of the partnership's brief",
    "calendar-feed": "an iCalendar feed read by calendar apps",
    # A network of cities
    "peers:import": "POST-only: adds cities from GeoNames (the form is on the city list)",
    "peers:challenge-add": "POST-only: adds a network's own challenge",
    "peers:restore": "POST-only: restores a city from the network's trash",
    "peers:strength-add": "POST-only: adds a strength (the form is on the city's page)",
    "peers:strength-delete": "POST-only: moves a strength to the trash",
    "peers:official-add": "POST-only: adds a city official",
    "peers:official-remove": "POST-only: removes a city official",
    "peers:staff-add": "POST-only: puts someone on the network's staff",
    "peers:staff-remove": "POST-only: takes someone off the network's staff",
    "peers:exchange-add": "POST-only: logs a peer exchange (the form is on the exchanges page)",
    "peers:exchange-delete": "POST-only: moves a peer exchange to the trash",
    "peers:exchange-restore": "POST-only: restores a peer exchange from the trash",
    "peers:cohort-save": "POST-only: saves a plan's cohorts (the button is on the cohorts page)",
    "peers:cohort-delete": "POST-only: moves a saved cohort to the trash",
    "peers:cohort-restore": "POST-only: restores a saved cohort from the trash",
    "peers:invite": "POST-only: invites a city official (the form is on the officials page)",
    "peers:invitation-withdraw": "POST-only: withdraws an invitation",
    # Peer guides
    **{
        f"peers:guide-{action}": f"POST-only: {what}"
        for action, what in (
            ("restore", "restores a guide from the network's trash"),
            ("submit", "sends a draft guide for review"),
            ("return", "takes a guide in review back to draft"),
            ("approve", "approves a guide for an author city"),
            ("publish", "publishes a guide (the form is on its page)"),
            ("section-add", "adds a section (the form is on the edit page)"),
            ("section-move", "moves a section up or down"),
            ("section-delete", "moves a section to the trash"),
            ("section-restore", "restores a removed section"),
        )
    },
    "peers:guide-pdf": "a PDF download of a guide",
    "guides:public-pdf": "a PDF download of a published guide",
    # A network's convenings
    "peers:convening-invite": "POST-only: invites cities (the form is on the convening's page)",
    "peers:convening-restore": "POST-only: restores a convening record from the trash",
    "peers:convening-agenda-ics": "an iCalendar (.ics) download of the agenda",
    "peers:delegation-delete": "POST-only: withdraws a city's invitation",
    "peers:delegate-add": "POST-only: adds a delegate (the form is on the delegation's page)",
    "peers:delegate-delete": "POST-only: moves a delegate to the trash",
    "peers:follow-up-add": "POST-only: adds an idea (the form is on the delegation's page)",
    "peers:follow-up-review": "POST-only: records a follow-up's review",
    "peers:follow-up-delete": "POST-only: moves an idea to the trash",
    "peers:session-review": "POST-only: accepts or declines a session (form on its page)",
    "peers:session-schedule": "POST-only: schedules a session (form on its page)",
    "peers:session-delete": "POST-only: moves a session to the trash",
    # Relationship budgets
    "budget:tiers": "POST-only: saves the workspace's tier defaults (the form is on the budget page)",
    "budget:tie-tier": "POST-only: puts a tie in a tier (the form is on the budget page)",
    "budget:plan-accept": "POST-only: accepts a plan's changes (the form is on the plan page)",
    "budget:plan-revert": "POST-only: reverts an accepted line (the form is on the plan page)",
    # Surveys, the office's side
    "surveys:question-move": "POST-only: moves a question up or down",
    "surveys:wave-close": "POST-only: closes or reopens a wave",
    "surveys:wave-rate": "an htmx fragment polled by the wave page",
    "surveys:wave-emails": "POST-only: queues a wave's invitations or reminders",
    "surveys:open-link": "POST-only: creates or revokes a wave's open link",
    "surveys:links-csv": "a CSV download of a wave's personal links",
    # Survey results: the downloads of a wave.
    **{
        f"surveys:results-{what}-{fmt}": f"a {fmt.upper()} download of a wave's {what}"
        for what in ("answers", "partner-answers", "scores")
        for fmt in ("csv", "xlsx")
    },
}
#: URL prefixes that are not the product's pages: the JSON API and Django's own admin.
NOT_PAGE_PREFIXES = ("/api/", "/admin/")


def named_routes(
    patterns: list[URLPattern | URLResolver] | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str, str]]:
    """Yield (route name with its namespace, route pattern text) for every named route."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from named_routes(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif pattern.name:
            name = f"{namespace}:{pattern.name}" if namespace else pattern.name
            yield name, "/" + prefix + str(pattern.pattern)


def page_routes() -> list[str]:
    """The names of every route that should be a page."""
    return sorted(
        {
            name
            for name, route in named_routes()
            if name not in NOT_PAGES and not route.startswith(NOT_PAGE_PREFIXES)
        }
    )


@pytest.fixture
def city() -> dict[str, Any]:
    """The demo city, with one of each thing a page's address can name."""
    workspace = build_demo(dt.date.today())
    owner = Membership.objects.get(workspace=workspace, user__email=DEMO_USERS[0].email)
    viewer = Membership.objects.filter(workspace=workspace).exclude(pk=owner.pk).first()
    assert viewer is not None
    records = {
        namespace: model.objects.filter(workspace=workspace, deleted_at=None).order_by("pk").first()
        for namespace, model in (
            ("stakeholders", Stakeholder),
            ("ties", Tie),
            ("interactions", Interaction),
            ("commitments", Commitment),
            ("goals", Goal),
        )
    }
    entry = GoalProgress.objects.filter(goal__workspace=workspace).order_by("pk").first()
    assert entry is not None
    sector = add_sector(owner, "arts-council", "Arts council")
    trashed = Stakeholder.objects.filter(workspace=workspace, deleted_at=None).order_by("-pk")[0]
    trash_entry = move_to_trash(owner, trashed)
    # Network (surveyed ties): a partner survey wave whose submitted answer rates the first tie's
    # pair, so the fill pages (network:tie-fill takes a tie, network:wave-fill the latest wave)
    # and the surveyed network show something.
    tie = records["ties"]
    wave = make_wave(make_survey(owner), "Spring", roster=[tie.source, tie.target])
    make_response(
        wave,
        make_respondent(wave, tie.source),
        ties={tie.target: {"reliability": 3, "mission": 4, "power": 2}},
    )
    records["network"] = tie
    # Partnerships: the demo city has none yet; one with a partner and a benchmark with progress.
    partnership = make_partnership(owner, "Safe Routes to School")
    records["partnerships"] = partnership
    partner = make_partner(owner, partnership, tie.source, "champion")
    # Its Network section and the network page filtered to it: a tied pair, and partners of
    # other sectors tied to neither, so it has holes with bridges to name.
    make_partner(owner, partnership, tie.target, "funder")
    for other in (
        Stakeholder.objects.filter(workspace=workspace, deleted_at=None)
        .exclude(sector__in=[tie.source.sector, tie.target.sector])
        .order_by("pk")[:3]
    ):
        make_partner(owner, partnership, other, "implementer")
    benchmark = partnership_benchmarks.save_benchmark(
        owner,
        partnership,
        {
            "statement": "Double the children walking to school",
            "metric": "children walking",
            "target": 80,
            "starts_on": dt.date.today() - dt.timedelta(days=30),
            "due_on": dt.date.today() + dt.timedelta(days=60),
        },
    )
    partnership_benchmarks.record_progress(owner, benchmark, 20)
    of_partner = {"pk": partnership.pk, "partner_id": partner.pk}
    of_benchmark = {"pk": partnership.pk, "benchmark_id": benchmark.pk}
    # Its assets, needs and risks (gap_urls.py): one of each to edit and delete.
    of_partnership = {"pk": records["partnerships"].pk}
    parts = {
        "asset": gaps.save_asset(
            owner,
            records["partnerships"],
            {"kind": "land", "holder": tie.source.pk, "description": "Vacant lot", "amount": 9},
        ),
        "need": gaps.save_need(
            owner, records["partnerships"], {"value_type": "funding", "description": "Seed money"}
        ),
        "risk": risks.save_risk(
            owner, records["partnerships"], {"title": "Turnover", "likelihood": 3, "impact": 4}
        ),
    }
    # Its joint activity, channel and meeting plan (confirmed, with a follow-up).
    activity = activities.save_activity(
        owner,
        records["partnerships"],
        {"name": "Service day", "held_on": dt.date.today(), "partners": [partner]},
    )
    channel = channels.save_channel(
        owner, records["partnerships"], {"kind": "chat-group", "name": "Chat", "every_days": 7}
    )
    plan = meetings.save_plan(
        owner,
        records["partnerships"],
        {
            "title": "Steering group",
            "starts_at": dt.datetime.now(dt.UTC) + dt.timedelta(days=7),
            "agenda": [{"text": "Budget", "roles": ["champion"]}],
        },
    )
    meetings.confirm_plan(owner, plan)
    meeting_parts = {
        "activity-edit": activity, "activity-delete": activity,
        "channel-edit": channel, "channel-delete": channel,
        "plan": plan, "plan-edit": plan, "plan-delete": plan,
    }  # fmt: skip
    # A network of cities the demo owner is on the staff of: cities with challenges and
    # strengths, and one in the network's trash.
    network = CityNetwork.objects.create(name="Mid-Size Cities Network", slug="midsize")
    NetworkStaff.objects.create(network=network, user=owner.user, role="owner")
    chattanooga = make_city(
        network, "Chattanooga", "TN", 181_099, ["digital-inclusion", "workforce-development"]
    )
    make_strength(chattanooga, "digital-inclusion", "Citywide gigabit and home internet")
    dayton = make_city(network, "Dayton", "OH", 137_644, ["workforce-development"])
    make_strength(dayton, "workforce-development", "Apprenticeships with local manufacturers")
    make_city(
        network, "Tacoma", "WA", 219_346, ["affordable-housing"], deleted_at=dt.datetime.now(dt.UTC)
    )
    records["peers"] = chattanooga
    # The network as a network: an exchange between the two cities, an official's invitation.
    network_member = peer_access.network_member(owner.user, network.slug)
    peer_exchanges.save_exchange(
        network_member,
        {"city_a": chattanooga.pk, "city_b": dayton.pk, "kind": "visit", "date": dt.date.today()},
    )
    invitation = peer_invitations.invite_official(network_member, dayton, "mae@dayton.example")
    peer_cohorts.save_cohorts(network_member, 3)
    # Its published peer guide, shown to the public too.
    guide = add_demo_guide(network, dt.date.today())
    of_guide = {"pk": guide.pk}
    first_section = GuideSection.objects.filter(guide=guide).order_by("order")[0]
    # Its convenings: the demo's two past ones, on these cities.
    convening = add_demo_convenings(network, dt.date.today())[0]
    delegation = convening.delegations.order_by("pk")[0]
    of_convening = {"pk": convening.pk}
    of_delegation = {**of_convening, "delegation": delegation.pk}
    session = convening.sessions.exclude(starts_at=None).order_by("pk")[0]
    convening_kwargs = {
        **dict.fromkeys(
            ("convening", "convening-edit", "convening-delete", "convening-badges",
             "convening-attendance", "convening-agenda", "session-new"),
            of_convening,
        ),
        "delegation": of_delegation,
        "delegate-edit": {**of_delegation, "delegate": delegation.delegates.order_by("pk")[0].pk},
        "follow-up-edit": {**of_delegation, "follow_up": delegation.follow_ups.order_by("pk")[0].pk},
        "session": {**of_convening, "session": session.pk},
        "session-edit": {**of_convening, "session": session.pk},
        "convening-registration": {"token": delegation.delegates.order_by("pk")[0].token},
    }  # fmt: skip
    # Relationship budgets: Alice's (the demo's), and the viewer's, shared with her.
    add_demo_budgets(workspace)
    save_budget(viewer, {"hours_per_month": 6, "shared": True})
    # Their relationship plans, as the optimiser proposes them.
    propose(owner, time_limit=5)
    propose(viewer, time_limit=5)
    token, _ = issue_token(owner.user.email, "Laptop")
    records["imports"] = new_job(
        workspace, owner, "Connections.csv", LINKEDIN.read_bytes(), sector="business"
    )
    # Surveys, the office's side: a partner survey with a wave and a respondent.
    survey = make_survey(owner, "partner")
    survey_wave = make_wave(survey, roster=[records["stakeholders"]])
    person = Stakeholder.objects.filter(workspace=workspace, deleted_at=None).exclude(email="")[0]
    respondent = make_respondent(survey_wave, person)
    question = survey.questions.order_by("position")[0]
    records["surveys"] = survey
    in_survey = {"survey_id": survey.pk}
    in_wave = {"survey_id": survey.pk, "pk": survey_wave.pk}
    of_respondent = {"survey_id": survey.pk, "wave_id": survey_wave.pk, "pk": respondent.pk}
    user = owner.user
    # Surveys, the respondent's side: a partner's personal link, a wave's open link, an
    # anonymous draft's resume link, and the thank-you page after submitting.
    organisations = list(
        Stakeholder.objects.filter(workspace=workspace, deleted_at=None, kind="organisation")[:8]
    )
    partner_wave = make_wave(make_survey(owner, "partner"), roster=organisations)
    partner_link = make_respondent(partner_wave, organisations[0])
    answering.save(
        answering.response_for_token(partner_link.token), {"partners": [organisations[1].pk]}
    )
    community_wave = make_wave(make_survey(owner, "community"), open_link_token=new_token())
    draft = answering.response_for_open_link(community_wave.open_link_token, "192.0.2.10")
    answering.save(draft, {})
    # Survey results: the demo partner survey's second wave (compared with the first).
    scored_wave = Wave.objects.filter(workspace=workspace, survey__kind="partner").order_by(
        "opens_on"
    )[1]
    wave_kwargs = {"survey_id": scored_wave.survey_id, "pk": scored_wave.pk}
    results_kwargs: dict[str, dict[str, int]] = dict.fromkeys(
        (
            "results",
            "results-scores",
            "results-questions",
            "results-open-answers",
            "results-changes",
        ),
        wave_kwargs,
    )
    results_kwargs["results-trends"] = {"survey_id": scored_wave.survey_id}
    # A rated partner's private profile in that wave.
    rated = scored_wave.survey_ties.order_by("target_id").values_list("target_id", flat=True)[0]
    results_kwargs["partner-profile"] = {"token": profile_token(scored_wave, rated)}
    return {
        "workspace": workspace,
        "network": network,
        "records": records,
        "kwargs": {
            "progress-delete": {"pk": entry.goal_id, "entry_id": entry.pk},
            "member_remove": {"pk": viewer.pk},
            "sector_remove": {"pk": sector.pk},
            "purge": {"pk": trash_entry.pk},
            "token_revoke": {"pk": token.pk},
            "password_reset_confirm": {
                "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
                "token": default_token_generator.make_token(user),
            },
            "unsubscribe": {"token": unsubscribe_token(owner)},
            "invitation-accept": {"token": peer_invitations.token_for(invitation)},
            "capture": {"pk": records["stakeholders"].pk},
            # Surveys, the office's side
            "question-new": in_survey,
            "question-edit": {**in_survey, "pk": question.pk},
            "question-delete": {**in_survey, "pk": question.pk},
            "wave-new": in_survey,
            "wave": in_wave,
            "wave-edit": in_wave,
            "wave-delete": in_wave,
            "links": in_wave,
            "respondents-add": {"survey_id": survey.pk, "wave_id": survey_wave.pk},
            "respondent-edit": of_respondent,
            "respondent-delete": of_respondent,
            # Surveys, the respondent's side
            "answer-personal": {"token": partner_link.token},
            "answer-open": {"token": community_wave.open_link_token},
            "answer-resume": {"secret": draft.resume_secret},
            "answer-thanks": {"signed": signing.dumps(partner_wave.pk, salt=THANKS_SALT)},
            **results_kwargs,
            # Peer guides
            **dict.fromkeys(("guide", "guide-edit", "guide-delete", "guide-versions"), of_guide),
            "guide-section-edit": {**of_guide, "section_id": first_section.pk},
            "public-guide": {"guide": guide.slug},
            # Relationship budgets: the viewer's, which they share
            "member": {"member_id": viewer.pk},
            "member-plan": {"member_id": viewer.pk},
            # Partnerships
            "partner-edit": of_partner,
            "partner-delete": of_partner,
            "benchmark-edit": of_benchmark,
            "benchmark-delete": of_benchmark,
            # Partnerships: assets, needs and risks
            **{
                f"{kind}-{action}": {**of_partnership, "record_id": record.pk}
                for kind, record in parts.items()
                for action in ("edit", "delete")
            },
            # Partnerships: activities, channels and meeting plans
            **{name: {"record": record.pk} for name, record in meeting_parts.items()},
            # A network's convenings
            **convening_kwargs,
        },
    }


def address(name: str, city: dict[str, Any]) -> str:
    """The address of route `name` in the demo city."""
    namespace, _, short = name.rpartition(":")
    kwargs = dict(city["kwargs"].get(short, {}))
    route = dict(named_routes())[name]
    if "<slug:slug>" in route:
        kwargs["slug"] = city["workspace"].slug
    if "<slug:network>" in route:
        kwargs["network"] = city["network"].slug
    if "<int:pk>" in route and "pk" not in kwargs:
        kwargs["pk"] = city["records"][namespace].pk
    return reverse(name, kwargs=kwargs)


def serious_violations(page) -> list[str]:
    """(axe-core is in every page of the context: see `open_context`.) axe-core's serious and critical WCAG 2.x A/AA findings on the page, one line each."""
    results = page.evaluate(
        """() => axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa',
                                            'best-practice']},
            resultTypes: ['violations'],
        })"""
    )
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']} {node['failureSummary']}"
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"]
    ]


def overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0 when nothing scrolls sideways)."""
    return page.evaluate(
        "Math.max(0, document.documentElement.scrollWidth - document.documentElement.clientWidth)"
    )


def open_context(browser, live_server, width: int):
    """A browser context `width` CSS pixels wide whose pages all carry axe-core: an init script
    runs before the page's own and is not refused by its Content-Security-Policy."""
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": width, "height": 900}
    )
    context.add_init_script(path=str(AXE))
    return context


def check(page, path: str, problems: list[str], status: int = 200) -> None:
    try:
        response = page.goto(path)
    except PlaywrightError as error:  # e.g. an error answered with an empty body
        problems.append(f"{path}: {error.message.splitlines()[0]}")
        page.goto("about:blank")
        return
    assert response is not None
    if response.status != status:
        problems.append(f"{path}: answered {response.status}, not {status}")
        return
    page.wait_for_load_state("networkidle")
    for finding in serious_violations(page):
        problems.append(f"{path} at {page.viewport_size['width']} px: {finding}")
    missing = page.evaluate(
        "() => [...document.querySelectorAll('[aria-describedby]')].flatMap(el =>"
        " el.getAttribute('aria-describedby').split(/\\s+/).filter(Boolean)"
        " .filter(id => !document.getElementById(id)))"
    )
    if missing:
        problems.append(f"{path}: aria-describedby names missing ids {missing}")
    wider = overflow(page)
    if wider:
        problems.append(f"{path} at {page.viewport_size['width']} px: {wider} px sideways scroll")


def test_every_route_is_a_page_or_named_as_not_one():
    names = {name for name, _ in named_routes()}
    assert set(NOT_PAGES) <= names, "NOT_PAGES names a route that no longer exists"
    assert {"dashboard", "stakeholders:list", "network:map", "trash:list"} <= set(page_routes())


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_is_accessible_and_fits_the_window(browser, live_server, city, width):
    assert AXE.exists(), "axe-core is missing: run `make install` (npm ci)"
    context = open_context(browser, live_server, width)
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    try:
        log_in_as(page, DEMO_USERS[0].email, DEMO_PASSWORD, DEMO_SLUG)
        # Logging out is last: every other page needs the session.
        names = sorted(page_routes(), key=lambda name: name == "logout")
        for name in names:
            check(page, address(name, city), problems)
        # The error pages, in the app's layout too.
        check(page, f"/w/{DEMO_SLUG}/stakeholders/999999999/", problems, status=404)
        check(page, f"/w/{DEMO_SLUG}/goals/{city['records']['goals'].pk}/progress/", problems, 405)
        check(page, "/w/someone-elses-city/", problems, status=404)
        # The network page filtered to a partnership, and its refusals naming `partnership`.
        network = address("network:map", city)
        check(page, f"{network}?partnership={city['records']['partnerships'].pk}", problems)
        check(page, f"{network}?partnership=abc", problems, status=400)
        check(page, f"{network}?partnership=999999999", problems, status=404)
        # Introductions asked for, with their paths, not only the form.
        check(page, address("budget:introductions", city) + "?sector=philanthropy", problems)
        # A search by sector with none chosen: the summary names the field.
        check(page, address("budget:introductions", city) + "?kind=sector", problems, status=422)
        # Cohorts planned (their groups and reasons), not only the form.
        check(page, address("peers:cohorts", city) + "?size=3", problems)
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


def test_pages_outside_a_session_and_a_viewers_403_are_accessible(browser, live_server, city):
    viewer = next(user.email for user in DEMO_USERS if user.role == "viewer")
    problems: list[str] = []
    for width in WIDTHS:
        context = open_context(browser, live_server, width)
        page = context.new_page()
        page.set_default_timeout(20_000)
        try:
            for path in ("/accounts/login/", "/accounts/password-reset/"):
                check(page, path, problems)
            check(page, "/nowhere/", problems, status=404)
            # An official's invitation, opened by someone new: the form to choose a password.
            check(page, address("peers:invitation-accept", city), problems)
            log_in_as(page, viewer, DEMO_PASSWORD, DEMO_SLUG)
            check(page, f"/w/{DEMO_SLUG}/stakeholders/new/", problems, status=403)
        finally:
            context.close()
    assert problems == [], "\n".join(problems)
