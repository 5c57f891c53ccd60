"""Goal pages: list, detail with chart, create, edit, record progress, trash; scoping and roles."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from cityweave.engagement.services import workspace_today
from cityweave.goals.models import Goal, GoalProgress
from cityweave.testing import make_goal, make_interaction, make_member, make_stakeholder
from cityweave.workspaces.models import TrashEntry

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name: str, *args: object) -> str:
    return reverse(name, args=["riverton", *args])


def goal_form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "statement": "Grow active philanthropy ties from 3 to 8",
        "metric": "active philanthropy ties",
        "unit": "ties",
        "baseline": "3",
        "target": "8",
        "deadline": (timezone.localdate() + dt.timedelta(days=200)).isoformat(),
        "status": "active",
    }
    data.update(overrides)
    return data


def test_the_list_shows_progress_deadline_and_owner(alice_client, riverton, alice_member):
    goal = make_goal(
        riverton,
        statement="Grow philanthropy ties",
        baseline=Decimal(2),
        target=Decimal(10),
        unit="ties",
        owner=alice_member,
        deadline=timezone.localdate() + dt.timedelta(days=40),
    )
    GoalProgress.objects.create(goal=goal, value=Decimal(6), recorded_on=dt.date(2025, 1, 1))
    make_goal(riverton, statement="Late goal", deadline=timezone.localdate() - dt.timedelta(days=9))
    response = alice_client.get(url("goals:list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Grow philanthropy ties" in content
    assert "2 → <strong>6</strong> → 10 ties" in content
    assert '<rect width="50" height="1"/>' in content  # the progress bar, half full
    assert "days left" in content
    assert "overdue by" in content
    assert "Alice Reyes" in content


def test_it_searches_and_filters_by_status_and_owner(alice_client, riverton, alice_member):
    make_goal(riverton, statement="Recruit cooling centres", status="achieved")
    make_goal(riverton, statement="Recruit youth employers", owner=alice_member)
    make_goal(riverton, statement="Meet anchor institutions", metric="quarterly meetings")
    searched = alice_client.get(url("goals:list"), {"q": "recruit"}).content
    assert b"Recruit cooling centres" in searched and b"Meet anchor" not in searched
    by_metric = alice_client.get(url("goals:list"), {"q": "quarterly"}).content
    assert b"Meet anchor institutions" in by_metric and b"Recruit" not in by_metric
    achieved = alice_client.get(url("goals:list"), {"status": "achieved"}).content
    assert b"Recruit cooling centres" in achieved and b"Recruit youth" not in achieved
    mine = alice_client.get(url("goals:list"), {"owner": alice_member.pk}).content
    assert b"Recruit youth employers" in mine and b"Recruit cooling" not in mine
    unowned = alice_client.get(url("goals:list"), {"owner": "none"}).content
    assert b"Recruit youth employers" not in unowned and b"Meet anchor" in unowned


def test_it_sorts_by_deadline_and_by_progress(alice_client, riverton):
    soon = make_goal(riverton, statement="Goal soon", deadline=timezone.localdate())
    later = make_goal(
        riverton, statement="Goal later", deadline=timezone.localdate() + dt.timedelta(days=90)
    )
    GoalProgress.objects.create(goal=later, value=Decimal(9), recorded_on=dt.date(2025, 1, 1))
    GoalProgress.objects.create(goal=soon, value=Decimal(3), recorded_on=dt.date(2025, 1, 1))
    by_deadline = alice_client.get(url("goals:list"), {"sort": "-deadline"}).content
    assert by_deadline.index(b"Goal later") < by_deadline.index(b"Goal soon")
    by_progress = alice_client.get(url("goals:list"), {"sort": "-progress"}).content
    assert by_progress.index(b"Goal later") < by_progress.index(b"Goal soon")
    least_first = alice_client.get(url("goals:list"), {"sort": "progress"}).content
    assert least_first.index(b"Goal soon") < least_first.index(b"Goal later")


def test_it_paginates_and_answers_htmx_with_the_table_alone(alice_client, riverton):
    for i in range(30):
        make_goal(
            riverton, statement=f"Goal {i:02d}", deadline=dt.date(2030, 1, 1) + dt.timedelta(i)
        )
    first = alice_client.get(url("goals:list"), **HTMX)
    assert b"<html" not in first.content
    assert b"Goal 00" in first.content and b"Goal 29" not in first.content
    second = alice_client.get(url("goals:list"), {"page": 2})
    assert b"Goal 29" in second.content


def test_the_detail_page_shows_the_goal_its_history_and_a_chart(alice_client, riverton):
    foundation = make_stakeholder(riverton, "Riverton Community Foundation", sector="philanthropy")
    goal = make_goal(
        riverton,
        statement="Cut response time to partners",
        metric="median days to answer a partner",
        baseline=Decimal(10),
        target=Decimal(4),
        unit="days",
    )
    goal.stakeholders.add(foundation)
    GoalProgress.objects.create(goal=goal, value=Decimal(8), recorded_on=dt.date(2025, 1, 1))
    GoalProgress.objects.create(
        goal=goal, value=Decimal(7), recorded_on=dt.date(2025, 2, 1), note="From the CRM"
    )
    make_interaction(riverton, [foundation], summary="Response-time review", goal=goal)
    response = alice_client.get(url("goals:detail", goal.pk))
    assert response.status_code == 200
    content = response.content.decode()
    assert "median days to answer a partner" in content
    assert "from 10 down to 4 days" in content
    assert "From the CRM" in content
    assert "<svg" in content and "<polyline" in content
    assert "Riverton Community Foundation" in content
    assert "Response-time review" in content
    assert "50% of the way" in content


def test_a_goal_without_progress_has_no_chart_yet(alice_client, riverton):
    goal = make_goal(riverton)
    content = alice_client.get(url("goals:detail", goal.pk)).content
    assert b"No progress recorded yet" in content
    assert b'class="goal-chart"' not in content


def test_it_hides_other_peoples_private_interactions(bob_client, riverton, alice_member):
    goal = make_goal(riverton)
    make_interaction(
        riverton, summary="Secret budget talk", private=True, author=alice_member, goal=goal
    )
    make_interaction(riverton, summary="Open planning call", goal=goal)
    content = bob_client.get(url("goals:detail", goal.pk)).content
    assert b"Secret budget talk" not in content
    assert b"Open planning call" in content


def test_it_creates_a_goal_with_owner_and_stakeholders(alice_client, riverton, alice_member):
    bank = make_stakeholder(riverton, "Riverton Bank", sector="business")
    response = alice_client.post(
        url("goals:new"), goal_form(owner=alice_member.pk, stakeholders=[bank.pk])
    )
    assert response.status_code == 302
    goal = Goal.objects.get(statement="Grow active philanthropy ties from 3 to 8")
    assert response["Location"] == goal.get_absolute_url()
    assert (goal.workspace, goal.owner, goal.target) == (riverton, alice_member, Decimal(8))
    assert list(goal.stakeholders.all()) == [bank]


def test_the_new_goal_form_offers_the_member_as_owner(alice_client, riverton, alice_member):
    response = alice_client.get(url("goals:new"))
    assert response.status_code == 200
    assert response.context["form"].initial["owner"] == alice_member.pk


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"target": "3"}, "target"),
        ({"deadline": "31/02/2025"}, "deadline"),
        ({"deadline": ""}, "deadline"),
        ({"baseline": "three"}, "baseline"),
        ({"target": "8.123"}, "target"),
        ({"statement": ""}, "statement"),
        ({"status": "forgotten"}, "status"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(alice_client, riverton, overrides, field):
    response = alice_client.post(url("goals:new"), goal_form(**overrides))
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert f'id="id_{field}_error"'.encode() in response.content
    assert not Goal.objects.exists()


def test_another_workspaces_stakeholder_or_member_is_refused(alice_client, riverton, lakeside):
    foreign = make_stakeholder(lakeside, "Lakeside Corp")
    stranger = make_member(lakeside)
    response = alice_client.post(
        url("goals:new"), goal_form(stakeholders=[foreign.pk], owner=stranger.pk)
    )
    assert response.status_code == 422
    assert {"stakeholders", "owner"} <= set(response.context["form"].errors)
    assert not Goal.objects.exists()


def test_it_edits_a_goal(alice_client, riverton):
    goal = make_goal(riverton, statement="Old wording")
    response = alice_client.post(
        url("goals:edit", goal.pk), goal_form(statement="New wording", status="paused")
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert (goal.statement, goal.status, goal.unit) == ("New wording", "paused", "ties")


def test_a_failed_edit_keeps_the_saved_goal(alice_client, riverton):
    goal = make_goal(riverton, statement="Old wording", baseline=Decimal(2), target=Decimal(10))
    response = alice_client.post(
        url("goals:edit", goal.pk), goal_form(statement="New wording", baseline="5", target="5")
    )
    assert response.status_code == 422
    assert "target" in response.context["form"].errors
    goal.refresh_from_db()
    assert (goal.statement, goal.baseline) == ("Old wording", Decimal(2))


def test_recording_progress_without_javascript_reloads_the_page(alice_client, riverton):
    goal = make_goal(riverton, baseline=Decimal(0), target=Decimal(10))
    response = alice_client.post(
        url("goals:progress", goal.pk),
        {
            "value": "4",
            "recorded_on": workspace_today(riverton).isoformat(),
            "note": "Count from the CRM",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#progress")
    entry = GoalProgress.objects.get(goal=goal)
    assert (entry.value, entry.note) == (Decimal(4), "Count from the CRM")


def test_recording_progress_with_htmx_returns_the_progress_section(alice_client, riverton):
    goal = make_goal(riverton, baseline=Decimal(0), target=Decimal(10))
    response = alice_client.post(
        url("goals:progress", goal.pk),
        {"value": "7", "recorded_on": workspace_today(riverton).isoformat()},
        **HTMX,
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "<html" not in content
    assert 'id="progress"' in content
    assert "70% of the way" in content
    assert GoalProgress.objects.filter(goal=goal, value=7).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"value": "lots"}, "value"),
        ({"value": ""}, "value"),
        ({"value": "3", "recorded_on": "yesterday"}, "recorded_on"),
        ({"value": "3", "recorded_on": "2999-01-01"}, "recorded_on"),
    ],
)
def test_bad_progress_names_the_field_and_writes_nothing(alice_client, riverton, data, field):
    goal = make_goal(riverton)
    data = {"recorded_on": workspace_today(riverton).isoformat(), **data}
    page = alice_client.post(url("goals:progress", goal.pk), data)
    assert page.status_code == 422
    assert field in page.context["progress_form"].errors
    assert b"<html" in page.content
    section = alice_client.post(url("goals:progress", goal.pk), data, **HTMX)
    assert section.status_code == 200
    assert f'id="id_{field}_error"'.encode() in section.content
    assert not GoalProgress.objects.exists()


def test_it_removes_a_progress_entry(alice_client, riverton):
    goal = make_goal(riverton)
    first = GoalProgress.objects.create(
        goal=goal, value=Decimal(3), recorded_on=dt.date(2025, 1, 1)
    )
    second = GoalProgress.objects.create(
        goal=goal, value=Decimal(4), recorded_on=dt.date(2025, 2, 1)
    )
    response = alice_client.post(url("goals:progress-delete", goal.pk, first.pk))
    assert response.status_code == 302
    section = alice_client.post(url("goals:progress-delete", goal.pk, second.pk), **HTMX)
    assert section.status_code == 200 and b"No progress recorded yet" in section.content
    assert not GoalProgress.objects.exists()


def test_an_entry_of_another_goal_is_404(alice_client, riverton):
    goal, other = make_goal(riverton), make_goal(riverton)
    entry = GoalProgress.objects.create(goal=other, value=Decimal(3))
    response = alice_client.post(url("goals:progress-delete", goal.pk, entry.pk))
    assert response.status_code == 404
    assert GoalProgress.objects.filter(pk=entry.pk).exists()


def test_deleting_moves_the_goal_to_the_trash(alice_client, riverton):
    goal = make_goal(riverton, statement="Short-lived goal")
    interaction = make_interaction(riverton, summary="Kick-off", goal=goal)
    assert alice_client.get(url("goals:delete", goal.pk)).status_code == 200
    response = alice_client.post(url("goals:delete", goal.pk))
    assert response.status_code == 302
    assert response["Location"] == url("goals:list")
    assert Goal.all_objects.get(pk=goal.pk).in_trash
    assert TrashEntry.objects.get(workspace=riverton).label == "Short-lived goal"
    assert alice_client.get(url("goals:detail", goal.pk)).status_code == 404
    interaction.refresh_from_db()
    assert not interaction.in_trash


def test_a_viewer_can_read_but_not_write(bob_client, riverton):
    goal = make_goal(riverton, statement="Grow ties")
    entry = GoalProgress.objects.create(goal=goal, value=Decimal(3))
    detail = bob_client.get(url("goals:detail", goal.pk))
    assert detail.status_code == 200
    assert b'id="record"' not in detail.content
    assert bob_client.get(url("goals:list")).status_code == 200
    assert bob_client.get(url("goals:new")).status_code == 403
    assert bob_client.post(url("goals:new"), goal_form()).status_code == 403
    assert bob_client.get(url("goals:edit", goal.pk)).status_code == 403
    assert bob_client.post(url("goals:edit", goal.pk), goal_form()).status_code == 403
    assert bob_client.post(url("goals:delete", goal.pk)).status_code == 403
    assert bob_client.post(url("goals:progress", goal.pk), {"value": "5"}).status_code == 403
    assert bob_client.post(url("goals:progress-delete", goal.pk, entry.pk)).status_code == 403
    goal.refresh_from_db()
    assert goal.statement == "Grow ties" and not goal.in_trash
    assert list(goal.progress.all()) == [entry]


def test_another_workspace_gets_404(carol_client, riverton):
    goal = make_goal(riverton)
    entry = GoalProgress.objects.create(goal=goal, value=Decimal(3))
    for name, args in [
        ("goals:list", ()),
        ("goals:new", ()),
        ("goals:detail", (goal.pk,)),
        ("goals:edit", (goal.pk,)),
        ("goals:delete", (goal.pk,)),
    ]:
        assert carol_client.get(url(name, *args)).status_code == 404
    assert carol_client.post(url("goals:delete", goal.pk)).status_code == 404
    assert carol_client.post(url("goals:progress", goal.pk), {"value": "5"}).status_code == 404
    assert carol_client.post(url("goals:progress-delete", goal.pk, entry.pk)).status_code == 404
    assert GoalProgress.objects.count() == 1


def test_a_goal_in_another_workspace_is_404_even_for_a_member(alice_client, lakeside):
    elsewhere = make_goal(lakeside)
    assert alice_client.get(url("goals:detail", elsewhere.pk)).status_code == 404
    assert alice_client.post(url("goals:progress", elsewhere.pk), {"value": "1"}).status_code == 404


def test_logged_out_visitors_are_sent_to_login(client, riverton):
    response = client.get(url("goals:list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_edit_form_lists_no_stakeholders_but_the_goals_own(
    alice_client, riverton, alice_member
):
    bank = make_stakeholder(riverton, "Riverton Bank", sector="business")
    for i in range(300):
        make_stakeholder(riverton, f"Org {i:03d}")
    goal = make_goal(riverton, owner=alice_member)
    goal.stakeholders.set([bank])
    html = alice_client.get(url("goals:edit", goal.pk)).content.decode()
    assert "Org 0" not in html
    picker = html[html.index('<select name="stakeholders"') :]
    picker = picker[: picker.index("</select>")]
    assert picker.count("<option") == 1
    assert f'<option value="{bank.pk}" selected>Riverton Bank</option>' in picker
    assert f'<option value="{alice_member.pk}" selected>Alice Reyes</option>' in html


def test_a_goal_that_failed_keeps_its_chosen_stakeholders(alice_client, riverton, alice_member):
    bank = make_stakeholder(riverton, "Riverton Bank", sector="business")
    response = alice_client.post(
        url("goals:new"), goal_form(statement="", owner=alice_member.pk, stakeholders=[bank.pk])
    )
    assert response.status_code == 422
    assert f'<option value="{bank.pk}" selected>Riverton Bank</option>'.encode() in (
        response.content
    )
    assert b'id="id_stakeholders_error"' not in response.content
