"""Interaction pages: list, detail, create, edit, trash, quick capture; privacy, scoping and roles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cityweave.engagement.models import Commitment, Interaction
from cityweave.testing import make_goal, make_interaction, make_member, make_stakeholder, make_user

pytestmark = pytest.mark.django_db


def url(name: str, *args: object) -> str:
    return reverse(name, args=["riverton", *args])


@pytest.fixture
def foundation(riverton):
    return make_stakeholder(riverton, "Riverton Community Foundation", sector="philanthropy")


@pytest.fixture
def secret(riverton, alice_member, foundation):
    """Alice's private note of a talk with the foundation."""
    return make_interaction(
        riverton, [foundation], summary="Secret budget talk", private=True, author=alice_member
    )


def capture_post(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "occurred_at": "2025-03-14T09:30",
        "kind": "call",
        "summary": "Call about the youth jobs fund",
        "notes": "They want a joint proposal.",
        "follow_up_owed_by": "us",
    }
    data.update(overrides)
    return data


def test_it_lists_and_searches_interactions_by_summary_notes_and_participant(
    alice_client, riverton, foundation
):
    bank = make_stakeholder(riverton, "Riverton Savings Bank", sector="business")
    make_interaction(riverton, [foundation], summary="Coffee with the director")
    make_interaction(riverton, [bank], summary="Branch opening", notes="Ribbon cutting")
    assert b"Coffee with the director" in alice_client.get(url("interactions:list")).content
    by_name = alice_client.get(url("interactions:list"), {"q": "savings"})
    assert (
        b"Branch opening" in by_name.content and b"Coffee with the director" not in by_name.content
    )
    by_notes = alice_client.get(url("interactions:list"), {"q": "ribbon"})
    assert (
        b"Branch opening" in by_notes.content
        and b"Coffee with the director" not in by_notes.content
    )


def test_it_filters_by_kind_sector_member_goal_and_dates(
    alice_client, riverton, alice_member, foundation
):
    bank = make_stakeholder(riverton, "Riverton Savings Bank", sector="business")
    goal = make_goal(riverton)
    match = make_interaction(
        riverton,
        [foundation],
        summary="Matching call",
        kind="call",
        goal=goal,
        when=dt.datetime(2025, 3, 14, 15, 0, tzinfo=dt.UTC),
    )
    match.members_present.add(alice_member)
    make_interaction(riverton, [foundation], summary="Meeting, wrong kind", when=match.occurred_at)
    make_interaction(
        riverton, [bank], summary="Call, wrong sector", kind="call", when=match.occurred_at
    )
    make_interaction(
        riverton,
        [foundation],
        summary="Call, wrong day",
        kind="call",
        goal=goal,
        when=dt.datetime(2025, 3, 20, 15, 0, tzinfo=dt.UTC),
    )
    response = alice_client.get(
        url("interactions:list"),
        {
            "kind": "call",
            "sector": "philanthropy",
            "member": alice_member.pk,
            "goal": goal.pk,
            "occurred_from": "2025-03-14",
            "occurred_to": "2025-03-14",
        },
    )
    assert response.status_code == 200
    assert list(response.context["object_list"]) == [match]


def test_it_sorts_by_date_and_paginates(alice_client, riverton, foundation):
    start = dt.datetime(2025, 1, 1, 12, 0, tzinfo=dt.UTC)
    for i in range(30):
        make_interaction(
            riverton, [foundation], summary=f"Contact {i:02d}", when=start + dt.timedelta(days=i)
        )
    newest_first = alice_client.get(url("interactions:list"))
    assert newest_first.content.index(b"Contact 29") < newest_first.content.index(b"Contact 28")
    assert b"Contact 00" not in newest_first.content
    assert b"Contact 00" in alice_client.get(url("interactions:list"), {"page": 2}).content
    oldest_first = alice_client.get(url("interactions:list"), {"sort": "when"})
    assert b"Contact 00" in oldest_first.content and b"Contact 29" not in oldest_first.content


def test_the_list_answers_htmx_with_just_the_table(alice_client, riverton, foundation):
    make_interaction(riverton, [foundation], summary="Coffee with the director")
    response = alice_client.get(url("interactions:list"), headers={"HX-Request": "true"})
    assert b"Coffee with the director" in response.content
    assert b"<html" not in response.content


def test_the_detail_page_shows_participants_notes_and_follow_ups(
    alice_client, riverton, alice_member, foundation
):
    interaction = make_interaction(
        riverton, [foundation], summary="Site visit", notes="Roof needs repair"
    )
    interaction.members_present.add(alice_member)
    Commitment.objects.create(
        workspace=riverton,
        stakeholder=foundation,
        interaction=interaction,
        description="Send the repair estimate",
        due_on=dt.date(2025, 4, 1),
    )
    response = alice_client.get(url("interactions:detail", interaction.pk))
    assert response.status_code == 200
    for text in (
        b"Riverton Community Foundation",
        b"Roof needs repair",
        b"Send the repair estimate",
        b"Alice Reyes",
    ):
        assert text in response.content


def test_times_are_shown_in_the_workspace_time_zone(alice_client, riverton, foundation):
    interaction = make_interaction(
        riverton, [foundation], when=dt.datetime(2025, 3, 14, 14, 30, tzinfo=dt.UTC)
    )
    response = alice_client.get(url("interactions:detail", interaction.pk))
    assert b"14 March 2025, 09:30" in response.content


def test_private_interactions_are_invisible_to_others(bob_client, alice_client, secret):
    assert b"Secret budget talk" in alice_client.get(url("interactions:list")).content
    assert alice_client.get(url("interactions:detail", secret.pk)).status_code == 200
    assert b"Secret budget talk" not in bob_client.get(url("interactions:list")).content
    assert bob_client.get(url("interactions:detail", secret.pk)).status_code == 404


def test_another_editor_cannot_edit_or_delete_a_private_interaction(riverton, client, secret):
    dave = make_user("dave@riverton.example", "Dave Mensah")
    make_member(riverton, dave, "editor")
    client.force_login(dave)
    assert client.get(url("interactions:edit", secret.pk)).status_code == 404
    assert client.post(url("interactions:edit", secret.pk), {"summary": "Peek"}).status_code == 404
    assert client.post(url("interactions:delete", secret.pk)).status_code == 404
    secret.refresh_from_db()
    assert secret.summary == "Secret budget talk" and not secret.in_trash


def test_it_creates_an_interaction_with_the_author_set(
    alice_client, riverton, alice_member, foundation
):
    form = alice_client.get(url("interactions:new"), {"stakeholder": foundation.pk})
    assert form.context["form"].initial["participants"] == [foundation.pk]
    response = alice_client.post(
        url("interactions:new"),
        {
            "occurred_at": "2025-03-14T09:30",
            "kind": "meeting",
            "summary": "Lunch with the board",
            "participants": [foundation.pk],
            "members_present": [alice_member.pk],
        },
    )
    assert response.status_code == 302
    interaction = Interaction.objects.get(summary="Lunch with the board")
    assert response["Location"] == interaction.get_absolute_url()
    assert interaction.author == alice_member
    assert interaction.occurred_at == dt.datetime(2025, 3, 14, 14, 30, tzinfo=dt.UTC)


def test_it_names_the_field_when_input_is_bad(alice_client, riverton, lakeside):
    foreign = make_stakeholder(lakeside, "Lakeside Corp")
    response = alice_client.post(
        url("interactions:new"),
        {
            "occurred_at": "yesterday-ish",
            "kind": "pigeon",
            "summary": "",
            "participants": [foreign.pk],
        },
    )
    assert response.status_code == 422
    assert {"occurred_at", "kind", "summary", "participants"} <= set(
        response.context["form"].errors
    )
    assert not Interaction.objects.exists()


def test_it_needs_at_least_one_participant(alice_client):
    response = alice_client.post(
        url("interactions:new"),
        {"occurred_at": "2025-03-14T09:30", "kind": "call", "summary": "Call"},
    )
    assert response.status_code == 422
    assert "participants" in response.context["form"].errors


def test_it_edits_an_interaction(alice_client, riverton, foundation):
    interaction = make_interaction(riverton, [foundation], summary="Call")
    response = alice_client.post(
        url("interactions:edit", interaction.pk),
        {
            "occurred_at": "2025-03-14T09:30",
            "kind": "email",
            "summary": "Email about the grant",
            "participants": [foundation.pk],
        },
    )
    assert response.status_code == 302
    interaction.refresh_from_db()
    assert (interaction.kind, interaction.summary) == ("email", "Email about the grant")


def test_deleting_moves_the_interaction_to_the_trash(alice_client, riverton, foundation):
    interaction = make_interaction(riverton, [foundation])
    assert alice_client.get(url("interactions:delete", interaction.pk)).status_code == 200
    response = alice_client.post(url("interactions:delete", interaction.pk))
    assert response.status_code == 302
    assert response["Location"] == url("interactions:list")
    assert Interaction.all_objects.get(pk=interaction.pk).in_trash


def test_quick_capture_answers_htmx_with_the_form_alone(alice_client, foundation):
    response = alice_client.get(
        url("interactions:capture", foundation.pk), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert b"<html" not in response.content
    assert b'hx-post="' + url("interactions:capture", foundation.pk).encode() in response.content


def test_quick_capture_without_htmx_is_a_full_page(alice_client, foundation):
    response = alice_client.get(url("interactions:capture", foundation.pk))
    assert response.status_code == 200
    assert (
        b"<html" in response.content
        and b"Log an interaction with Riverton Community Foundation" in response.content
    )


def test_quick_capture_defaults_to_a_meeting_now_in_the_workspace_time_zone(
    alice_client, foundation, monkeypatch
):
    monkeypatch.setattr(
        timezone, "now", lambda: dt.datetime(2025, 3, 14, 14, 30, 45, tzinfo=dt.UTC)
    )
    form = alice_client.get(url("interactions:capture", foundation.pk)).context["form"]
    assert form["occurred_at"].value() == "2025-03-14T09:30"
    assert form["kind"].value() == "meeting"


def test_quick_capture_creates_the_interaction_and_its_follow_up_in_one_go(
    alice_client, riverton, alice_member, foundation
):
    bank = make_stakeholder(riverton, "Riverton Savings Bank")
    response = alice_client.post(
        url("interactions:capture", foundation.pk),
        capture_post(
            participants=[bank.pk],
            members_present=[alice_member.pk],
            follow_up_description="Send the draft proposal",
            follow_up_due_on="2025-03-21",
        ),
    )
    assert response.status_code == 302
    assert response["Location"] == foundation.get_absolute_url()
    interaction = Interaction.objects.get()
    assert set(interaction.participants.all()) == {foundation, bank}
    assert interaction.author == alice_member
    follow_up = Commitment.objects.get()
    assert (follow_up.interaction, follow_up.stakeholder, follow_up.owner, follow_up.due_on) == (
        interaction,
        foundation,
        alice_member,
        dt.date(2025, 3, 21),
    )


def test_quick_capture_over_htmx_redirects_with_a_header(alice_client, foundation):
    response = alice_client.post(
        url("interactions:capture", foundation.pk), capture_post(), headers={"HX-Request": "true"}
    )
    assert response["HX-Redirect"] == foundation.get_absolute_url()
    assert Interaction.objects.count() == 1 and not Commitment.objects.exists()


def test_quick_capture_writes_neither_record_when_the_follow_up_is_invalid(
    alice_client, foundation
):
    response = alice_client.post(
        url("interactions:capture", foundation.pk),
        capture_post(
            follow_up_description="Send the draft proposal", follow_up_due_on="2025-02-30"
        ),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "follow_up_due_on" in response.context["form"].errors
    assert b"<html" not in response.content
    assert not Interaction.objects.exists() and not Commitment.objects.exists()


@pytest.mark.parametrize(
    ("follow_up", "field"),
    [
        ({"follow_up_description": "Send the draft proposal"}, "follow_up_due_on"),
        ({"follow_up_due_on": "2025-03-21"}, "follow_up_description"),
    ],
)
def test_quick_capture_asks_for_both_the_promise_and_its_due_date(
    alice_client, foundation, follow_up, field
):
    response = alice_client.post(
        url("interactions:capture", foundation.pk), capture_post(**follow_up)
    )
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert not Interaction.objects.exists()


def test_a_viewer_cannot_capture(bob_client, foundation):
    assert bob_client.get(url("interactions:capture", foundation.pk)).status_code == 403
    assert (
        bob_client.post(url("interactions:capture", foundation.pk), capture_post()).status_code
        == 403
    )
    assert not Interaction.objects.exists()


def test_a_viewer_can_read_but_not_write(bob_client, riverton, foundation):
    interaction = make_interaction(riverton, [foundation], summary="Call")
    assert bob_client.get(url("interactions:list")).status_code == 200
    assert bob_client.get(url("interactions:detail", interaction.pk)).status_code == 200
    assert bob_client.get(url("interactions:new")).status_code == 403
    assert bob_client.post(url("interactions:new"), {"summary": "X"}).status_code == 403
    assert bob_client.get(url("interactions:edit", interaction.pk)).status_code == 403
    assert (
        bob_client.post(url("interactions:edit", interaction.pk), {"summary": "Y"}).status_code
        == 403
    )
    assert bob_client.post(url("interactions:delete", interaction.pk)).status_code == 403
    interaction.refresh_from_db()
    assert interaction.summary == "Call" and not interaction.in_trash


def test_another_workspace_gets_404_everywhere(carol_client, riverton, foundation):
    interaction = make_interaction(riverton, [foundation])
    for name, args in [
        ("interactions:list", ()),
        ("interactions:new", ()),
        ("interactions:detail", (interaction.pk,)),
        ("interactions:edit", (interaction.pk,)),
        ("interactions:delete", (interaction.pk,)),
        ("interactions:capture", (foundation.pk,)),
    ]:
        assert carol_client.get(url(name, *args)).status_code == 404
    assert carol_client.post(url("interactions:delete", interaction.pk)).status_code == 404
    assert (
        carol_client.post(url("interactions:capture", foundation.pk), capture_post()).status_code
        == 404
    )
    assert Interaction.objects.count() == 1


def test_a_record_in_another_workspace_is_404_even_for_a_member(alice_client, lakeside):
    foreign = make_stakeholder(lakeside, "Lakeside Corp")
    elsewhere = make_interaction(lakeside, [foreign])
    assert alice_client.get(url("interactions:detail", elsewhere.pk)).status_code == 404
    assert alice_client.get(url("interactions:capture", foreign.pk)).status_code == 404


def test_logged_out_visitors_are_sent_to_login(client, riverton):
    response = client.get(url("interactions:list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_list_narrows_to_one_stakeholder_from_its_page(alice_client, riverton):
    from cityweave.testing import make_interaction, make_stakeholder

    bank = make_stakeholder(riverton, "Riverton Bank")
    school = make_stakeholder(riverton, "Riverton School")
    make_interaction(riverton, [bank], summary="Lunch at the bank")
    make_interaction(riverton, [school], summary="Visit to the school")
    page = alice_client.get(f"/w/riverton/interactions/?stakeholder={bank.pk}").content.decode()
    assert "Lunch at the bank" in page
    assert "Visit to the school" not in page


def select_of(html: str, name: str) -> str:
    """The <select> of field `name` in a page."""
    start = html.index(f'<select name="{name}"')
    return html[start : html.index("</select>", start)]


def test_the_forms_list_no_stakeholders_but_the_chosen_ones(
    alice_client, riverton, alice_member, foundation
):
    for i in range(300):
        make_stakeholder(riverton, f"Org {i:03d}")
    new = alice_client.get(url("interactions:new"), {"stakeholder": foundation.pk})
    capture = alice_client.get(
        url("interactions:capture", foundation.pk), headers={"HX-Request": "true"}
    )
    for response in (new, capture):
        html = response.content.decode()
        assert "Org 0" not in html
        assert 'data-lookup="/w/riverton/settings/members/lookup/"' in html
        members = select_of(html, "members_present")
        assert members.count("<option") == 1
        assert f'<option value="{alice_member.pk}" selected>Alice Reyes</option>' in members
    participants = select_of(new.content.decode(), "participants")
    assert participants.count("<option") == 1
    assert f'value="{foundation.pk}" selected>Riverton Community Foundation<' in participants
    # The page's own stakeholder takes part anyway: the capture form's lookup leaves it out.
    others = select_of(capture.content.decode(), "participants")
    assert "<option" not in others
    assert f'data-lookup="/w/riverton/stakeholders/lookup/?exclude={foundation.pk}"' in others


def test_a_capture_that_failed_keeps_its_chosen_participants_and_members(
    alice_client, riverton, alice_member, foundation
):
    bank = make_stakeholder(riverton, "Riverton Savings Bank")
    editor = make_member(riverton, make_user(name="Dana Reyes"), "editor")
    response = alice_client.post(
        url("interactions:capture", foundation.pk),
        capture_post(summary="", participants=[bank.pk], members_present=[editor.pk]),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert f'<option value="{bank.pk}" selected>Riverton Savings Bank</option>' in html
    assert f'<option value="{editor.pk}" selected>Dana Reyes</option>' in html
    assert 'id="id_summary_error"' in html


@pytest.mark.parametrize("field", ["participants", "members_present", "follow_up_owner"])
def test_quick_capture_refuses_another_workspaces_people_on_their_field(
    alice_client, lakeside, foundation, field
):
    stranger = {
        "participants": lambda: make_stakeholder(lakeside, "Lakeside Corp").pk,
        "members_present": lambda: make_member(lakeside, make_user()).pk,
        "follow_up_owner": lambda: make_member(lakeside, make_user()).pk,
    }[field]()
    response = alice_client.post(
        url("interactions:capture", foundation.pk),
        capture_post(
            follow_up_description="Send the draft",
            follow_up_due_on="2025-03-21",
            **{field: stranger},
        ),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert list(response.context["form"].errors) == [field]
    assert f'id="id_{field}_error"'.encode() in response.content
    assert not Interaction.objects.exists() and not Commitment.objects.exists()


def test_a_participant_id_that_is_not_a_number_is_a_field_error(alice_client, foundation):
    response = alice_client.post(
        url("interactions:new"),
        {"occurred_at": "2025-03-14T09:30", "kind": "call", "summary": "Call",
         "participants": [foundation.pk, "drop table"]},
    )  # fmt: skip
    assert response.status_code == 422
    assert "participants" in response.context["form"].errors
    assert f'value="{foundation.pk}" selected'.encode() in response.content
