"""Commitment pages: list with kept rates, detail, create, edit, close, trash; scoping and roles."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cityweave.engagement.models import Commitment
from cityweave.engagement.services import workspace_today
from cityweave.testing import (
    make_commitment,
    make_interaction,
    make_member,
    make_stakeholder,
    make_user,
)

pytestmark = pytest.mark.django_db


def url(name: str, *args: object) -> str:
    return reverse(name, args=["riverton", *args])


@pytest.fixture
def foundation(riverton):
    return make_stakeholder(riverton, "Riverton Community Foundation", sector="philanthropy")


@pytest.fixture
def today(riverton):
    return workspace_today(riverton)


def test_it_lists_and_searches_commitments(alice_client, riverton, foundation):
    bank = make_stakeholder(riverton, "Riverton Savings Bank")
    make_commitment(foundation, description="Send the grant report")
    make_commitment(bank, description="Introduce the branch manager")
    assert b"Send the grant report" in alice_client.get(url("commitments:list")).content
    response = alice_client.get(url("commitments:list"), {"q": "savings"})
    assert b"Introduce the branch manager" in response.content
    assert b"Send the grant report" not in response.content


def test_it_filters_by_status_owed_by_and_owner(alice_client, riverton, alice_member, foundation):
    match = make_commitment(foundation, description="Ours, Alice's, open", owner=alice_member)
    make_commitment(foundation, description="Theirs", owed_by="them", owner=alice_member)
    make_commitment(foundation, description="Done already", status="done", owner=alice_member)
    make_commitment(foundation, description="Nobody's")
    response = alice_client.get(
        url("commitments:list"), {"status": "open", "owed_by": "us", "owner": alice_member.pk}
    )
    assert list(response.context["object_list"]) == [match]


@pytest.mark.parametrize(("window", "offset"), [("overdue", -1), ("this-week", 3), ("later", 30)])
def test_it_filters_by_when_things_fall_due(alice_client, foundation, today, window, offset):
    for days in (-1, 3, 30):
        make_commitment(
            foundation, today + dt.timedelta(days=days), description=f"Due in {days} days"
        )
    response = alice_client.get(url("commitments:list"), {"due": window})
    assert [c.description for c in response.context["object_list"]] == [f"Due in {offset} days"]


def test_it_sorts_by_due_date_and_paginates(alice_client, foundation, today):
    for i in range(30):
        make_commitment(foundation, today + dt.timedelta(days=i), description=f"Promise {i:02d}")
    soonest_first = alice_client.get(url("commitments:list"))
    assert soonest_first.content.index(b"Promise 00") < soonest_first.content.index(b"Promise 01")
    assert b"Promise 29" not in soonest_first.content
    assert b"Promise 29" in alice_client.get(url("commitments:list"), {"page": 2}).content
    latest_first = alice_client.get(url("commitments:list"), {"sort": "-due"})
    assert b"Promise 29" in latest_first.content and b"Promise 00" not in latest_first.content


def test_the_list_answers_htmx_with_just_the_table(alice_client, foundation):
    make_commitment(foundation, description="Send the grant report")
    response = alice_client.get(url("commitments:list"), headers={"HX-Request": "true"})
    assert b"Send the grant report" in response.content and b"<html" not in response.content


def test_the_list_shows_the_promises_kept_rate_with_its_formula(
    alice_client, riverton, alice_member, foundation
):
    dave = make_member(riverton, make_user("dave@riverton.example", "Dave Mensah"), "editor")
    for status in ("done", "done", "done", "missed"):
        make_commitment(foundation, status=status, owner=alice_member)
    make_commitment(foundation, status="missed", owner=dave)
    make_commitment(foundation, status="missed", owed_by="them")
    response = alice_client.get(url("commitments:list"))
    assert (response.context["kept"].kept, response.context["kept"].missed) == (3, 2)
    content = response.content.decode()
    assert "60%" in content
    assert "kept ÷ (kept + missed)" in content and "owed by us" in content
    rates = {m.user.display_name: rate.percent for m, rate in response.context["kept_by_member"]}
    assert rates["Alice Reyes"] == 75 and rates["Dave Mensah"] == 0


def test_overdue_commitments_are_marked(alice_client, foundation, today):
    make_commitment(foundation, today - dt.timedelta(days=2), description="Late report")
    assert b"Overdue" in alice_client.get(url("commitments:list")).content


def test_mark_done_closes_a_commitment_from_the_list(alice_client, foundation):
    commitment = make_commitment(foundation)
    assert b"Mark done" in alice_client.get(url("commitments:list")).content
    back = url("commitments:list") + "?status=open"
    response = alice_client.post(
        url("commitments:close", commitment.pk), {"status": "done", "next": back}
    )
    assert response.status_code == 302 and response["Location"] == back
    commitment.refresh_from_db()
    assert commitment.status == "done" and commitment.closed_at is not None


def test_missed_closes_a_commitment_from_the_detail_page(alice_client, foundation):
    commitment = make_commitment(foundation)
    detail = alice_client.get(url("commitments:detail", commitment.pk))
    assert b"Missed" in detail.content
    response = alice_client.post(url("commitments:close", commitment.pk), {"status": "missed"})
    assert response["Location"] == commitment.get_absolute_url()
    commitment.refresh_from_db()
    assert commitment.status == "missed" and commitment.closed_at is not None


def test_closing_ignores_a_next_address_on_another_site(alice_client, foundation):
    commitment = make_commitment(foundation)
    response = alice_client.post(
        url("commitments:close", commitment.pk), {"status": "done", "next": "https://evil.example/"}
    )
    assert response["Location"] == commitment.get_absolute_url()


def test_closing_needs_a_closing_status_and_a_post(alice_client, foundation):
    commitment = make_commitment(foundation)
    assert (
        alice_client.post(url("commitments:close", commitment.pk), {"status": "open"}).status_code
        == 422
    )
    assert alice_client.get(url("commitments:close", commitment.pk)).status_code == 405
    commitment.refresh_from_db()
    assert commitment.status == "open"


def test_the_detail_page_shows_where_the_promise_was_made(
    alice_client, riverton, alice_member, foundation
):
    interaction = make_interaction(riverton, [foundation], summary="Board lunch")
    commitment = make_commitment(
        foundation,
        description="Share the housing data",
        interaction=interaction,
        owner=alice_member,
    )
    response = alice_client.get(url("commitments:detail", commitment.pk))
    assert response.status_code == 200
    for text in (
        b"Share the housing data",
        b"Riverton Community Foundation",
        b"Board lunch",
        b"Alice Reyes",
    ):
        assert text in response.content


def test_the_detail_page_hides_a_private_source_interaction(
    bob_client, riverton, alice_member, foundation
):
    secret = make_interaction(
        riverton, [foundation], summary="Secret budget talk", private=True, author=alice_member
    )
    commitment = make_commitment(foundation, interaction=secret)
    response = bob_client.get(url("commitments:detail", commitment.pk))
    assert response.status_code == 200 and b"Secret budget talk" not in response.content


def test_it_creates_a_commitment_owned_by_the_member_by_default(
    alice_client, alice_member, foundation
):
    form = alice_client.get(url("commitments:new"), {"stakeholder": foundation.pk}).context["form"]
    assert form.initial["owner"] == alice_member.pk and form.initial["stakeholder"] == foundation.pk
    response = alice_client.post(
        url("commitments:new"),
        {
            "description": "Send the MOU draft",
            "stakeholder": foundation.pk,
            "owed_by": "us",
            "owner": alice_member.pk,
            "due_on": "2025-04-01",
            "status": "open",
        },
    )
    assert response.status_code == 302
    commitment = Commitment.objects.get()
    assert response["Location"] == commitment.get_absolute_url()
    assert (commitment.owner, commitment.due_on, commitment.closed_at) == (
        alice_member,
        dt.date(2025, 4, 1),
        None,
    )


def test_it_names_the_field_when_input_is_bad(alice_client, lakeside):
    foreign = make_stakeholder(lakeside, "Lakeside Corp")
    response = alice_client.post(
        url("commitments:new"),
        {
            "description": "",
            "stakeholder": foreign.pk,
            "owed_by": "nobody",
            "due_on": "2025-13-01",
            "status": "open",
        },
    )
    assert response.status_code == 422
    assert {"description", "stakeholder", "owed_by", "due_on"} <= set(
        response.context["form"].errors
    )
    assert not Commitment.objects.exists()


def test_editing_to_done_stamps_closed_at_and_reopening_clears_it(alice_client, foundation):
    commitment = make_commitment(foundation, description="Send the report")
    fields = {
        "description": "Send the report",
        "stakeholder": foundation.pk,
        "owed_by": "us",
        "due_on": commitment.due_on.isoformat(),
    }
    alice_client.post(url("commitments:edit", commitment.pk), {**fields, "status": "done"})
    commitment.refresh_from_db()
    assert commitment.closed_at is not None
    alice_client.post(url("commitments:edit", commitment.pk), {**fields, "status": "open"})
    commitment.refresh_from_db()
    assert commitment.status == "open" and commitment.closed_at is None


def test_deleting_moves_the_commitment_to_the_trash(alice_client, foundation):
    commitment = make_commitment(foundation)
    assert alice_client.get(url("commitments:delete", commitment.pk)).status_code == 200
    response = alice_client.post(url("commitments:delete", commitment.pk))
    assert response["Location"] == url("commitments:list")
    assert Commitment.all_objects.get(pk=commitment.pk).in_trash


def test_a_viewer_can_read_but_not_write(bob_client, foundation):
    commitment = make_commitment(foundation, description="Send the report")
    assert bob_client.get(url("commitments:list")).status_code == 200
    detail = bob_client.get(url("commitments:detail", commitment.pk))
    assert detail.status_code == 200 and b"Mark done" not in detail.content
    assert bob_client.get(url("commitments:new")).status_code == 403
    assert bob_client.post(url("commitments:new"), {"description": "X"}).status_code == 403
    assert (
        bob_client.post(url("commitments:edit", commitment.pk), {"description": "Y"}).status_code
        == 403
    )
    assert (
        bob_client.post(url("commitments:close", commitment.pk), {"status": "done"}).status_code
        == 403
    )
    assert bob_client.post(url("commitments:delete", commitment.pk)).status_code == 403
    commitment.refresh_from_db()
    assert (commitment.description, commitment.status, commitment.in_trash) == (
        "Send the report",
        "open",
        False,
    )


def test_another_workspace_gets_404_everywhere(carol_client, foundation):
    commitment = make_commitment(foundation)
    for name, args in [
        ("commitments:list", ()),
        ("commitments:new", ()),
        ("commitments:detail", (commitment.pk,)),
        ("commitments:edit", (commitment.pk,)),
        ("commitments:delete", (commitment.pk,)),
    ]:
        assert carol_client.get(url(name, *args)).status_code == 404
    assert (
        carol_client.post(url("commitments:close", commitment.pk), {"status": "done"}).status_code
        == 404
    )
    assert carol_client.post(url("commitments:delete", commitment.pk)).status_code == 404
    commitment.refresh_from_db()
    assert commitment.status == "open" and not commitment.in_trash


def test_a_commitment_in_another_workspace_is_404_even_for_a_member(alice_client, lakeside):
    elsewhere = make_commitment(make_stakeholder(lakeside, "Lakeside Corp"))
    assert alice_client.get(url("commitments:detail", elsewhere.pk)).status_code == 404
    assert (
        alice_client.post(url("commitments:close", elsewhere.pk), {"status": "done"}).status_code
        == 404
    )


def test_logged_out_visitors_are_sent_to_login(client, riverton):
    response = client.get(url("commitments:list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_open_promises_come_before_closed_ones(alice_client, riverton):
    import datetime as dt

    from cityweave.testing import make_commitment, make_stakeholder

    bank = make_stakeholder(riverton, "Riverton Bank")
    make_commitment(bank, dt.date(2020, 1, 1), description="An old promise kept", status="done")
    make_commitment(bank, dt.date(2030, 1, 1), description="A promise still open")
    page = alice_client.get("/w/riverton/commitments/").content.decode()
    assert page.index("A promise still open") < page.index("An old promise kept")


def test_the_form_lists_no_stakeholders_but_the_chosen_one(alice_client, riverton, foundation):
    for i in range(300):
        make_stakeholder(riverton, f"Org {i:03d}")
    html = alice_client.get(url("commitments:new"), {"stakeholder": foundation.pk}).content.decode()
    assert "Org 0" not in html
    picker = html[html.index('<select name="stakeholder"') :]
    picker = picker[: picker.index("</select>")]
    assert picker.count("<option") == 2  # the blank and the chosen one
    assert f'<option value="{foundation.pk}" selected>Riverton Community Foundation</option>' in (
        picker
    )


def test_an_owner_from_another_workspace_is_a_field_error(alice_client, lakeside, foundation):
    stranger = make_member(lakeside, make_user())
    response = alice_client.post(
        url("commitments:new"),
        {"description": "Send the MOU draft", "stakeholder": foundation.pk, "owed_by": "us",
         "owner": stranger.pk, "due_on": "2025-04-01", "status": "open"},
    )  # fmt: skip
    assert response.status_code == 422
    assert response.context["form"].errors["owner"] == ["No such member of this workspace."]
    assert (
        f'<option value="{foundation.pk}" selected>Riverton Community Foundation</option>'.encode()
        in response.content
    )
    assert not Commitment.objects.exists()
