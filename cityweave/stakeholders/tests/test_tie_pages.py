"""Tie pages: list, detail, create, edit, trash; scoping and roles."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from cityweave.stakeholders.models import MAX_CADENCE_DAYS, Tie
from cityweave.testing import make_interaction, make_member, make_stakeholder, make_tie, make_user
from cityweave.workspaces.models import TrashEntry
from cityweave.workspaces.services import restore

pytestmark = pytest.mark.django_db


def url(name: str, *args: object) -> str:
    return reverse(name, args=["riverton", *args])


@pytest.fixture
def city(riverton):
    return make_stakeholder(
        riverton, "City of Riverton", sector="local-government", is_internal=True
    )


@pytest.fixture
def foundation(riverton):
    return make_stakeholder(riverton, "Riverton Community Foundation", sector="philanthropy")


@pytest.fixture
def bank(riverton):
    return make_stakeholder(riverton, "Riverton Bank", sector="business")


def form_data(**fields: object) -> dict[str, object]:
    return {"kind": "partner", "status": "active", **fields}


def test_it_lists_and_searches_by_either_name_and_the_notes(alice_client, city, foundation, bank):
    make_tie(city, foundation, notes="Annual youth grant")
    make_tie(city, bank)
    by_name = alice_client.get(url("ties:list"), {"q": "bank"})
    assert by_name.status_code == 200
    assert b"Riverton Bank" in by_name.content
    assert b"Riverton Community Foundation" not in by_name.content
    by_notes = alice_client.get(url("ties:list"), {"q": "youth"})
    assert b"Riverton Community Foundation" in by_notes.content
    assert b"Riverton Bank" not in by_notes.content


def test_it_filters_by_status_kind_sector_and_owner(
    alice_client, alice_member, city, foundation, bank
):
    make_tie(city, foundation, kind="funder", status="active", owner=alice_member)
    make_tie(city, bank, kind="partner", status="dormant")
    cases = [
        ({"status": "active"}, b"Riverton Community Foundation", b"Riverton Bank"),
        ({"kind": "partner"}, b"Riverton Bank", b"Riverton Community Foundation"),
        ({"sector": "business"}, b"Riverton Bank", b"Riverton Community Foundation"),
        ({"owner": alice_member.pk}, b"Riverton Community Foundation", b"Riverton Bank"),
    ]
    for params, shown, hidden in cases:
        response = alice_client.get(url("ties:list"), params)
        assert shown in response.content, params
        assert hidden not in response.content, params


def test_it_filters_by_health(alice_client, riverton, city, foundation, bank):
    make_tie(city, foundation, cadence_days=30)
    make_tie(city, bank, cadence_days=30)
    make_interaction(riverton, [foundation], when=timezone.now() - dt.timedelta(days=2))
    make_interaction(riverton, [bank], when=timezone.now() - dt.timedelta(days=100))
    cold = alice_client.get(url("ties:list"), {"health": "cold"})
    assert b"Riverton Bank" in cold.content
    assert b"Riverton Community Foundation" not in cold.content
    healthy = alice_client.get(url("ties:list"), {"health": "healthy"})
    assert b"Riverton Community Foundation" in healthy.content
    assert b"Riverton Bank" not in healthy.content


def test_it_sorts_and_paginates(alice_client, riverton, city):
    for i in range(30):
        make_tie(city, make_stakeholder(riverton, f"Org {i:02d}"), trust=1 + i % 4)
    first = alice_client.get(url("ties:list"), {"sort": "-target"})
    assert first.content.index(b"Org 29") < first.content.index(b"Org 28")
    assert b"Org 00" not in first.content
    second = alice_client.get(url("ties:list"), {"sort": "-target", "page": 2})
    assert b"Org 00" in second.content
    by_trust = alice_client.get(url("ties:list"), {"sort": "trust"})
    assert [row["tie"].trust for row in by_trust.context["rows"]][:8] == [1] * 8


def test_the_list_takes_the_same_few_queries_however_many_ties_it_shows(
    alice_client, riverton, city, django_assert_max_num_queries
):
    for i in range(25):
        make_tie(city, make_stakeholder(riverton, f"Org {i:02d}"), cadence_days=30)
    with django_assert_max_num_queries(12):
        alice_client.get(url("ties:list"))


@pytest.mark.parametrize("sort", ["source", "-source", "status", "started", "-trust", "bogus"])
def test_every_sort_renders(alice_client, city, foundation, sort):
    make_tie(city, foundation, started_on=dt.date(2023, 1, 5))
    response = alice_client.get(url("ties:list"), {"sort": sort})
    assert response.status_code == 200
    assert b"Riverton Community Foundation" in response.content


def test_htmx_gets_only_the_table(alice_client, city, foundation):
    make_tie(city, foundation)
    response = alice_client.get(url("ties:list"), headers={"HX-Request": "true"})
    assert b"Riverton Community Foundation" in response.content
    assert b"<html" not in response.content


def test_the_list_says_when_nothing_matches(alice_client, riverton):
    assert b"No ties yet." in alice_client.get(url("ties:list")).content
    assert (
        b"No ties match these filters." in alice_client.get(url("ties:list"), {"q": "zzz"}).content
    )


def test_the_detail_page_shows_the_tie_and_its_health(
    alice_client, riverton, alice_member, city, foundation
):
    tie = make_tie(
        city, foundation, kind="funder", directed=True, cadence_days=30, roles=["funder", "champion"],
        trust=3, value=4, owner=alice_member, started_on=dt.date(2022, 3, 1), notes="Ask about the youth fund",
    )  # fmt: skip
    make_interaction(
        riverton, [foundation], when=timezone.now() - dt.timedelta(days=12), summary="Coffee"
    )
    response = alice_client.get(url("ties:detail", tie.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert city.get_absolute_url() in html and foundation.get_absolute_url() in html
    for text in ["Funder", "One-way", "Active", "Healthy", "12 days since the last contact",
                 "every 30 days", "Funder, Champion", "3 of 4", "4 of 4", "Alice Reyes",
                 "Ask about the youth fund", "Coffee", "1 Mar 2022"]:  # fmt: skip
        assert text in html, text


def test_the_detail_page_explains_a_tie_without_health(alice_client, city, foundation):
    tie = make_tie(city, foundation)
    response = alice_client.get(url("ties:detail", tie.pk))
    assert b"No contact cadence is set." in response.content
    assert b"No interactions logged with Riverton Community Foundation yet." in response.content


def test_the_detail_page_hides_other_peoples_private_interactions(
    bob_client, riverton, alice_member, city, foundation
):
    tie = make_tie(city, foundation)
    make_interaction(
        riverton, [foundation], summary="Secret budget talk", private=True, author=alice_member
    )
    make_interaction(riverton, [foundation], summary="Open house")
    response = bob_client.get(url("ties:detail", tie.pk))
    assert b"Open house" in response.content
    assert b"Secret budget talk" not in response.content


def test_the_new_form_preselects_the_source_and_the_member_as_owner(
    alice_client, alice_member, foundation
):
    response = alice_client.get(url("ties:new"), {"source": foundation.pk})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["source"] == foundation.pk
    assert form.initial["owner"] == alice_member.pk
    html = response.content.decode()
    assert (
        f'<option value="{foundation.pk}" selected>Riverton Community Foundation</option>' in html
    )
    assert f'<option value="{alice_member.pk}" selected>Alice Reyes</option>' in html


def test_the_form_lists_no_stakeholders_but_the_chosen_ones(
    alice_client, riverton, city, foundation, django_assert_max_num_queries
):
    for i in range(300):
        make_stakeholder(riverton, f"Org {i:03d}")
    with django_assert_max_num_queries(12):
        response = alice_client.get(url("ties:new"), {"source": foundation.pk})
    html = response.content.decode()
    assert "Org 0" not in html and "City of Riverton" not in html
    source = html[html.index('<select name="source"') : html.index('<select name="target"')]
    assert source.count("<option") == 2  # the blank and the chosen one
    assert 'data-lookup="/w/riverton/stakeholders/lookup/"' in source
    target = html[html.index('<select name="target"') :]
    assert target[: target.index("</select>")].count("<option") == 1


def test_a_form_that_failed_keeps_its_chosen_stakeholders_and_owner(
    alice_client, alice_member, city, foundation
):
    response = alice_client.post(
        url("ties:new"),
        form_data(source=city.pk, target=foundation.pk, owner=alice_member.pk, trust="9"),
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert f'<option value="{city.pk}" selected>City of Riverton</option>' in html
    assert (
        f'<option value="{foundation.pk}" selected>Riverton Community Foundation</option>' in html
    )
    assert f'<option value="{alice_member.pk}" selected>Alice Reyes</option>' in html


@pytest.mark.parametrize("bad", ["ELSEWHERE", "TRASHED", "not-a-number", "99999"])
def test_a_stakeholder_that_is_not_the_workspaces_is_a_field_error(
    alice_client, riverton, lakeside, city, bad
):
    trashed = make_stakeholder(riverton, "Gone Inc.")
    trashed.deleted_at = timezone.now()
    trashed.save()
    named = {"ELSEWHERE": make_stakeholder(lakeside, "Lakeside Bank").pk, "TRASHED": trashed.pk}
    response = alice_client.post(
        url("ties:new"), form_data(source=city.pk, target=named.get(bad, bad))
    )
    assert response.status_code == 422
    assert response.context["form"].errors["target"] == ["No such stakeholder in this workspace."]
    assert b'id="id_target_error"' in response.content
    assert b"Lakeside Bank" not in response.content and b"Gone Inc." not in response.content
    assert not Tie.all_objects.exists()


def test_the_new_form_ignores_a_source_from_another_workspace(alice_client, riverton, lakeside):
    elsewhere = make_stakeholder(lakeside, "Lakeside Bank")
    for source in (elsewhere.pk, "not-a-number"):
        response = alice_client.get(url("ties:new"), {"source": source})
        assert response.status_code == 200
        assert "source" not in response.context["form"].initial
        assert b"Lakeside Bank" not in response.content


def test_it_creates_a_tie(alice_client, alice_member, city, foundation):
    response = alice_client.post(
        url("ties:new"),
        form_data(source=city.pk, target=foundation.pk, kind="funder", directed="on", cadence_days="30",
                  roles=["funder", "convener"], trust="4", value="3", owner=alice_member.pk,
                  started_on="2023-02-01", notes="Youth fund"),
    )  # fmt: skip
    assert response.status_code == 302
    tie = Tie.objects.get()
    assert response["Location"] == tie.get_absolute_url()
    assert (tie.source, tie.target, tie.kind, tie.directed) == (city, foundation, "funder", True)
    assert (tie.roles, tie.trust, tie.value, tie.owner) == (
        ["funder", "convener"],
        4,
        3,
        alice_member,
    )
    assert (tie.cadence_days, tie.started_on) == (30, dt.date(2023, 2, 1))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"target": "FOUNDATION"}, "source"),
        ({"source": "CITY", "target": "FOUNDATION", "started_on": "2024-05-01", "ended_on": "2024-04-01"},
         "ended_on"),
        ({"source": "CITY", "target": "FOUNDATION", "started_on": "2024-02-31"}, "started_on"),
        ({"source": "CITY", "target": "FOUNDATION", "status": "married"}, "status"),
        ({"source": "CITY", "target": "CITY"}, "target"),
        ({"source": "CITY", "target": "FOUNDATION", "trust": "5"}, "trust"),
        ({"source": "CITY", "target": "FOUNDATION", "cadence_days": "0"}, "cadence_days"),
        ({"source": "CITY", "target": "FOUNDATION", "max_cadence_days": "60"}, "max_cadence_days"),
        ({"source": "CITY", "target": "FOUNDATION", "cadence_days": "30", "max_cadence_days": "20"},
         "max_cadence_days"),
        ({"source": "CITY", "target": "FOUNDATION", "cadence_days": "30", "max_cadence_days": "3651"},
         "max_cadence_days"),
        ({"source": "CITY", "target": "FOUNDATION", "roles": ["villain"]}, "roles"),
        ({"source": "CITY", "target": "ELSEWHERE"}, "target"),
    ],
)  # fmt: skip
def test_bad_input_is_shown_inline_and_writes_nothing(
    alice_client, lakeside, city, foundation, fields, field
):
    named = {
        "CITY": city.pk,
        "FOUNDATION": foundation.pk,
        "ELSEWHERE": make_stakeholder(lakeside).pk,
    }
    data = form_data(**{k: named.get(v, v) if isinstance(v, str) else v for k, v in fields.items()})
    response = alice_client.post(url("ties:new"), data)
    assert response.status_code == 422
    assert field in response.context["form"].errors
    assert b'class="error"' in response.content
    assert not Tie.all_objects.exists()


def test_a_duplicate_tie_is_shown_on_the_target_field(alice_client, city, foundation):
    make_tie(city, foundation, kind="funder")
    response = alice_client.post(
        url("ties:new"), form_data(source=foundation.pk, target=city.pk, kind="funder")
    )
    assert response.status_code == 422
    assert "already a funder tie" in response.context["form"].errors["target"][0]
    assert Tie.objects.count() == 1


def test_an_owner_from_another_workspace_is_rejected(alice_client, lakeside, city, foundation):
    outsider = make_member(lakeside, make_user())
    response = alice_client.post(
        url("ties:new"), form_data(source=city.pk, target=foundation.pk, owner=outsider.pk)
    )
    assert response.status_code == 422
    assert "owner" in response.context["form"].errors


def test_it_edits_a_tie(alice_client, city, foundation, bank):
    tie = make_tie(city, foundation, kind="partner", trust=2)
    form = alice_client.get(url("ties:edit", tie.pk)).context["form"]
    assert (form.initial["source"], form.initial["target"]) == (city.pk, foundation.pk)
    response = alice_client.post(
        url("ties:edit", tie.pk),
        form_data(
            source=city.pk, target=bank.pk, status="dormant", trust="3", ended_on="2024-06-30"
        ),
    )
    assert response.status_code == 302
    tie.refresh_from_db()
    assert (tie.target, tie.status, tie.trust, tie.ended_on) == (
        bank,
        "dormant",
        3,
        dt.date(2024, 6, 30),
    )


def test_a_failed_edit_names_the_tie_as_saved(alice_client, city, foundation, bank):
    tie = make_tie(city, foundation, kind="funder")
    make_tie(city, bank, kind="funder")
    response = alice_client.post(
        url("ties:edit", tie.pk), form_data(source=city.pk, target=bank.pk, kind="funder")
    )
    assert response.status_code == 422
    assert "target" in response.context["form"].errors
    assert response.context["tie"].target == foundation
    tie.refresh_from_db()
    assert tie.target == foundation


def test_editing_with_bad_dates_keeps_the_old_values(alice_client, city, foundation):
    tie = make_tie(city, foundation, started_on=dt.date(2020, 1, 1))
    response = alice_client.post(
        url("ties:edit", tie.pk),
        form_data(
            source=city.pk, target=foundation.pk, started_on="2020-01-01", ended_on="2019-12-31"
        ),
    )
    assert response.status_code == 422
    assert "ended_on" in response.context["form"].errors
    tie.refresh_from_db()
    assert tie.ended_on is None


def test_deleting_moves_the_tie_to_the_trash_and_an_owner_can_restore_it(
    alice_client, alice_member, city, foundation
):
    tie = make_tie(city, foundation)
    confirm = alice_client.get(url("ties:delete", tie.pk))
    assert confirm.status_code == 200
    assert b"City of Riverton" in confirm.content
    response = alice_client.post(url("ties:delete", tie.pk))
    assert response.status_code == 302
    assert response["Location"] == url("ties:list")
    assert Tie.all_objects.get(pk=tie.pk).in_trash
    assert alice_client.get(url("ties:detail", tie.pk)).status_code == 404
    restore(alice_member, TrashEntry.objects.get(workspace=city.workspace).pk)
    assert alice_client.get(url("ties:detail", tie.pk)).status_code == 200


def test_a_viewer_can_read_but_not_write(bob_client, city, foundation):
    tie = make_tie(city, foundation, notes="Original")
    assert bob_client.get(url("ties:list")).status_code == 200
    assert bob_client.get(url("ties:detail", tie.pk)).status_code == 200
    assert bob_client.get(url("ties:new")).status_code == 403
    assert bob_client.get(url("ties:edit", tie.pk)).status_code == 403
    assert bob_client.get(url("ties:delete", tie.pk)).status_code == 403
    assert (
        bob_client.post(
            url("ties:new"), form_data(source=city.pk, target=foundation.pk, kind="peer")
        ).status_code
        == 403
    )
    assert (
        bob_client.post(
            url("ties:edit", tie.pk), form_data(source=city.pk, target=foundation.pk)
        ).status_code
        == 403
    )
    assert bob_client.post(url("ties:delete", tie.pk)).status_code == 403
    tie.refresh_from_db()
    assert tie.notes == "Original" and not tie.in_trash and Tie.objects.count() == 1


def test_another_workspace_gets_404(carol_client, city, foundation):
    tie = make_tie(city, foundation)
    for name, args in [("ties:list", ()), ("ties:new", ()), ("ties:detail", (tie.pk,)),
                       ("ties:edit", (tie.pk,)), ("ties:delete", (tie.pk,))]:  # fmt: skip
        assert carol_client.get(url(name, *args)).status_code == 404, name
    assert carol_client.post(url("ties:delete", tie.pk)).status_code == 404
    assert not Tie.all_objects.get(pk=tie.pk).in_trash


def test_a_tie_in_another_workspace_is_404_even_for_a_member(alice_client, lakeside):
    tie = make_tie(make_stakeholder(lakeside, "A"), make_stakeholder(lakeside, "B"))
    assert alice_client.get(url("ties:detail", tie.pk)).status_code == 404
    assert alice_client.get(url("ties:edit", tie.pk)).status_code == 404


def test_logged_out_visitors_are_sent_to_login(client, riverton):
    response = client.get(url("ties:list"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_the_edit_form_gives_dates_as_a_date_input_reads_them(alice_client, city, foundation):
    tie = make_tie(city, foundation, started_on=dt.date(2019, 3, 20), ended_on=dt.date(2024, 1, 2))
    page = alice_client.get(url("ties:edit", tie.pk)).content.decode()
    assert 'value="2019-03-20"' in page and 'value="2024-01-02"' in page
    assert 'min="1"' in page and f'max="{MAX_CADENCE_DAYS}"' in page


def test_a_cadence_past_ten_years_is_refused_on_its_field(alice_client, city, foundation):
    response = alice_client.post(
        url("ties:new"), form_data(source=city.pk, target=foundation.pk, cadence_days="99999999")
    )
    assert response.status_code == 422
    assert "3650" in response.context["form"].errors["cadence_days"][0]
    assert not Tie.objects.exists()


def test_it_saves_a_maximum_gap_and_says_what_each_gap_means(
    alice_client, riverton, city, foundation
):
    response = alice_client.post(
        url("ties:new"),
        form_data(source=city.pk, target=foundation.pk, cadence_days="30", max_cadence_days="45"),
    )
    assert response.status_code == 302
    tie = Tie.objects.get()
    assert (tie.cadence_days, tie.max_cadence_days, tie.max_gap_days) == (30, 45, 45)
    make_interaction(riverton, [foundation], when=timezone.now() - dt.timedelta(days=40))
    html = alice_client.get(url("ties:detail", tie.pk)).content.decode()
    assert "Cooling" in html
    assert "the aim is contact every 30 days, at most every 45: cooling past" in html
    assert "ideal: every 30 days; at most every 45 days</dd>" in html
    listed = alice_client.get(url("ties:list")).content.decode()
    assert "/ every 30 d, at most 45 d" in listed
    page = alice_client.get(url("stakeholders:detail", foundation.pk)).content.decode()
    assert "every 30 days, at most 45" in page and "/ every 30 d, at most 45 d" in page


def test_without_a_maximum_the_pages_give_twice_the_ideal_as_the_default(
    alice_client, city, foundation
):
    tie = make_tie(city, foundation, cadence_days=30)
    html = alice_client.get(url("ties:detail", tie.pk)).content.decode()
    assert "at most every 60 (twice the ideal)" in html
    assert 'at most every 60 days <small class="muted">(twice the ideal, the default)' in html
    form = alice_client.get(url("ties:edit", tie.pk)).content.decode()
    assert 'name="max_cadence_days"' in form and "At most every (days)" in form


def test_a_maximum_shorter_than_the_ideal_is_refused_on_its_field(alice_client, city, foundation):
    tie = make_tie(city, foundation, cadence_days=30, max_cadence_days=40)
    response = alice_client.post(
        url("ties:edit", tie.pk),
        form_data(source=city.pk, target=foundation.pk, cadence_days="50", max_cadence_days="40"),
    )
    assert response.status_code == 422
    (message,) = response.context["form"].errors["max_cadence_days"]
    assert "(40 days) is shorter than the ideal cadence (50 days)" in message
    tie.refresh_from_db()
    assert (tie.cadence_days, tie.max_cadence_days) == (30, 40)


def test_a_refused_ideal_is_not_compared_with_the_stored_one(alice_client, city, foundation):
    tie = make_tie(city, foundation, cadence_days=90)
    edit = url("ties:edit", tie.pk)
    response = alice_client.post(
        edit,
        form_data(source=city.pk, target=foundation.pk, cadence_days="30.5", max_cadence_days="40"),
    )
    assert response.status_code == 422
    errors = response.context["form"].errors
    assert "cadence_days" in errors and "max_cadence_days" not in errors
    for given in ("-5", "0"):  # one lower bound, said the same way
        response = alice_client.post(
            edit, form_data(source=city.pk, target=foundation.pk, cadence_days=given)
        )
        assert response.context["form"].errors["cadence_days"] == [
            "Ensure this value is greater than or equal to 1."
        ]
    assert Tie.objects.get(pk=tie.pk).cadence_days == 90


def test_a_viewer_cannot_set_a_maximum(bob_client, city, foundation):
    tie = make_tie(city, foundation, cadence_days=30)
    response = bob_client.post(
        url("ties:edit", tie.pk),
        form_data(source=city.pk, target=foundation.pk, cadence_days="30", max_cadence_days="35"),
    )
    assert response.status_code == 403
    tie.refresh_from_db()
    assert tie.max_cadence_days is None


def test_the_csv_export_gives_the_maximum_after_the_cadence(alice_client, city, foundation, bank):
    make_tie(city, foundation, cadence_days=30, max_cadence_days=45)
    make_tie(city, bank, cadence_days=14)
    response = alice_client.get(url("ties:export"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    header = rows[0]
    assert header[header.index("cadence_days") + 1] == "max_cadence_days"
    found = {row[header.index("target")]: row[header.index("max_cadence_days")] for row in rows[1:]}
    assert found == {"Riverton Community Foundation": "45", "Riverton Bank": ""}
