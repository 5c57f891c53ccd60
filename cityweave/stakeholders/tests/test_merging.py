"""Merging two stakeholders: everything of both is kept, and restoring the merged one from the
trash undoes it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cityweave.engagement.models import Commitment
from cityweave.stakeholders.merging import merge_stakeholders, plan_merge
from cityweave.stakeholders.models import Stakeholder, StakeholderMerge, Tag, Tie
from cityweave.testing import (
    make_commitment,
    make_goal,
    make_interaction,
    make_stakeholder,
    make_tie,
)
from cityweave.workspaces.models import TrashEntry
from cityweave.workspaces.services import restore

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(riverton):
    """Two records of the Riverton Community Foundation, each with ties and history, and their
    common partner X."""
    keep = make_stakeholder(riverton, "Riverton Community Foundation", notes="Met in 2024.")
    merge = make_stakeholder(
        riverton, "Riverton Comunity Foundation", email="info@rcf.example", notes="Grants in May."
    )
    x = make_stakeholder(riverton, "Chamber of Commerce")
    y = make_stakeholder(riverton, "Riverton Library")
    city = make_stakeholder(riverton, "City of Riverton", is_internal=True)
    housing, youth = (Tag.objects.create(workspace=riverton, name=n) for n in ("housing", "youth"))
    keep.tags.add(housing)
    merge.tags.add(housing, youth)
    return {
        "keep": keep,
        "merge": merge,
        "x": x,
        "y": y,
        "city": city,
        "tags": (housing, youth),
        "kx": make_tie(keep, x, cadence_days=60, trust=2, notes="Via the board."),
        "mx": make_tie(merge, x, cadence_days=30, trust=3, roles=["funder"], notes="Annual gala."),
        "my": make_tie(y, merge, kind="funder", directed=True),
        "km": make_tie(keep, merge, kind="peer"),
        "meeting": make_interaction(riverton, [merge, city], summary="Grant talk"),
        "both": make_interaction(riverton, [merge, keep], summary="Both at once"),
        "promise": make_commitment(merge, description="Send the grant form"),
        "goal": make_goal(riverton),
    }


def test_it_keeps_every_tie_interaction_commitment_goal_tag_and_note(alice_member, pair):
    keep, merge, x, y = pair["keep"], pair["merge"], pair["x"], pair["y"]
    pair["goal"].stakeholders.add(merge)
    record, plan = merge_stakeholders(alice_member, keep, merge)
    assert plan.summary()["ties_moved"] == 1 and plan.summary()["ties_combined"] == 1
    # Ties: Y→merged now runs Y→kept; the two ties with X are one; the tie between them is gone.
    live = Tie.objects.filter(workspace=keep.workspace)
    assert {(t.source_id, t.target_id, t.kind) for t in live} == {
        (keep.pk, x.pk, "partner"),
        (y.pk, keep.pk, "funder"),
    }
    combined = Tie.objects.get(pk=pair["kx"].pk)
    assert (combined.cadence_days, combined.trust, combined.roles) == (30, 3, ["funder"])
    assert "Via the board." in combined.notes and "Annual gala." in combined.notes
    # History, promises, goals and tags follow.
    assert set(keep.interactions.values_list("summary", flat=True)) == {
        "Grant talk",
        "Both at once",
    }
    assert Commitment.objects.get(pk=pair["promise"].pk).stakeholder_id == keep.pk
    assert list(pair["goal"].stakeholders.all()) == [keep]
    assert set(keep.tags.values_list("name", flat=True)) == {"housing", "youth"}
    keep.refresh_from_db()
    assert keep.email == "info@rcf.example"
    assert "Met in 2024." in keep.notes and "Grants in May." in keep.notes
    # The merged record is in the trash, named as merged.
    assert Stakeholder.all_objects.get(pk=merge.pk).in_trash
    entry = TrashEntry.objects.get(object_id=merge.pk)
    assert entry.label == "Riverton Comunity Foundation (merged into Riverton Community Foundation)"
    assert record.batch == entry.batch


def test_restoring_the_merged_one_undoes_the_merge(alice_member, pair):
    keep, merge = pair["keep"], pair["merge"]
    pair["goal"].stakeholders.add(merge)
    before_kx = Tie.objects.filter(pk=pair["kx"].pk).values().get()
    merge_stakeholders(alice_member, keep, merge)
    entry = TrashEntry.objects.get(object_id=merge.pk)
    restore(alice_member, entry.pk)
    merge.refresh_from_db()
    keep.refresh_from_db()
    assert not merge.in_trash
    ends = lambda t: (t.source_id, t.target_id, t.kind)  # noqa: E731
    assert {ends(t) for t in Tie.objects.filter(workspace=keep.workspace)} == {
        ends(pair[name]) for name in ("kx", "mx", "my", "km")
    }
    after_kx = Tie.objects.filter(pk=pair["kx"].pk).values().get()
    assert {k: v for k, v in after_kx.items() if k != "updated_at"} == {
        k: v for k, v in before_kx.items() if k != "updated_at"
    }
    assert set(merge.interactions.values_list("summary", flat=True)) == {
        "Grant talk",
        "Both at once",
    }
    assert set(keep.interactions.values_list("summary", flat=True)) == {"Both at once"}
    assert Commitment.objects.get(pk=pair["promise"].pk).stakeholder_id == merge.pk
    assert list(pair["goal"].stakeholders.all()) == [merge]
    assert set(keep.tags.values_list("name", flat=True)) == {"housing"}
    assert set(merge.tags.values_list("name", flat=True)) == {"housing", "youth"}
    assert (keep.email, keep.notes) == ("", "Met in 2024.")
    assert not StakeholderMerge.objects.exists()


@pytest.mark.parametrize(
    ("kept", "merged", "combined"),
    [
        ((60, None), (30, 40), (30, 40)),  # the closer maximum, the merged tie's own
        ((60, 70), (30, None), (30, None)),  # twice 30 is closer than 70: the default stays
        ((20, None), (30, 35), (20, 35)),  # 35 is closer than twice 20
        ((10, None), (8, 30), (8, 20)),  # twice 10 is closer than 30, and not twice 8
        ((20, 25), (None, None), (20, 25)),
    ],
)
def test_combined_ties_keep_the_closer_ideal_and_the_closer_maximum(
    alice_member, pair, kept, merged, combined
):
    for name, (cadence, maximum) in (("kx", kept), ("mx", merged)):
        Tie.objects.filter(pk=pair[name].pk).update(cadence_days=cadence, max_cadence_days=maximum)
    merge_stakeholders(alice_member, pair["keep"], pair["merge"])
    tie = Tie.objects.get(pk=pair["kx"].pk)
    assert (tie.cadence_days, tie.max_cadence_days) == combined
    restore(alice_member, TrashEntry.objects.get(object_id=pair["merge"].pk).pk)
    tie.refresh_from_db()
    assert (tie.cadence_days, tie.max_cadence_days) == kept


def test_a_cadence_changed_after_the_merge_stays_whole_when_it_is_undone(alice_member, pair):
    from cityweave.stakeholders.services import save_tie

    Tie.objects.filter(pk=pair["mx"].pk).update(cadence_days=30, max_cadence_days=40)
    merge_stakeholders(alice_member, pair["keep"], pair["merge"])
    tie = Tie.objects.get(pk=pair["kx"].pk)
    save_tie(alice_member, {"max_cadence_days": 50}, tie)
    restore(alice_member, TrashEntry.objects.get(object_id=pair["merge"].pk).pk)
    tie.refresh_from_db()
    # Going back to 60 days would put the ideal past the maximum set since: both stay.
    assert (tie.cadence_days, tie.max_cadence_days) == (30, 50)


def test_a_value_changed_after_the_merge_stays_when_it_is_undone(alice_member, pair):
    from cityweave.stakeholders.services import save_stakeholder

    keep, merge = pair["keep"], pair["merge"]
    merge_stakeholders(alice_member, keep, merge)
    save_stakeholder(alice_member, {"email": "new@rcf.example"}, keep)
    restore(alice_member, TrashEntry.objects.get(object_id=merge.pk).pk)
    keep.refresh_from_db()
    assert keep.email == "new@rcf.example"


def test_it_refuses_itself_other_kinds_other_workspaces_and_viewers(
    alice_member, bob_member, pair, lakeside
):
    keep = pair["keep"]
    with pytest.raises(ValidationError, match="cannot merge into itself"):
        plan_merge(alice_member, keep, keep)
    person = make_stakeholder(keep.workspace, "Alan Brooks", kind="person")
    with pytest.raises(ValidationError, match="only two stakeholders of one kind"):
        merge_stakeholders(alice_member, keep, person)
    with pytest.raises(Http404):
        merge_stakeholders(alice_member, keep, make_stakeholder(lakeside, "Elsewhere"))
    with pytest.raises(PermissionDenied):
        merge_stakeholders(bob_member, keep, pair["merge"])
    assert not StakeholderMerge.objects.exists()
    assert not Stakeholder.all_objects.get(pk=pair["merge"].pk).in_trash


# The page, the API and the command line


def merge_url(keep, slug="riverton"):
    return f"/w/{slug}/stakeholders/{keep.pk}/merge/"


def test_the_page_previews_then_merges(alice_client, pair):
    keep, merge = pair["keep"], pair["merge"]
    detail = alice_client.get(keep.get_absolute_url()).content.decode()
    assert f'href="{merge_url(keep)}"' in detail
    chooser = alice_client.get(merge_url(keep))
    assert chooser.status_code == 200 and b'name="stakeholder"' in chooser.content
    preview = alice_client.get(merge_url(keep), {"stakeholder": merge.pk})
    html = preview.content.decode()
    assert preview.status_code == 200
    assert "Merge “Riverton Comunity Foundation” into “Riverton Community Foundation”?" in html
    assert "1 tie move" in html and "1 interaction" not in html and "2 interactions" in html
    assert "1 tag (youth)" in html
    assert not Stakeholder.all_objects.get(pk=merge.pk).in_trash  # a preview writes nothing
    done = alice_client.post(merge_url(keep), {"stakeholder": merge.pk})
    assert done.status_code == 302 and done["Location"] == keep.get_absolute_url()
    assert Stakeholder.all_objects.get(pk=merge.pk).in_trash


def test_the_page_names_a_bad_choice(alice_client, pair, lakeside):
    keep = pair["keep"]
    person = make_stakeholder(keep.workspace, "Alan Brooks", kind="person")
    elsewhere = make_stakeholder(lakeside, "Riverton Community Foundation")
    for other in (keep, person, elsewhere):
        response = alice_client.post(merge_url(keep), {"stakeholder": other.pk})
        assert response.status_code == 422
        assert b"only two stakeholders of one kind can be merged" in response.content
    assert not StakeholderMerge.objects.exists()


def test_viewers_get_403_and_another_workspace_404(bob_client, carol_client, pair):
    keep, merge = pair["keep"], pair["merge"]
    assert bob_client.get(merge_url(keep)).status_code == 403
    assert bob_client.post(merge_url(keep), {"stakeholder": merge.pk}).status_code == 403
    assert carol_client.get(merge_url(keep)).status_code == 404
    assert carol_client.get(merge_url(keep, "lakeside")).status_code == 404
    assert not Stakeholder.all_objects.get(pk=merge.pk).in_trash


API = "/api/v1/workspaces/riverton/stakeholders"


def test_the_api_merges(alice_api, pair):
    keep, merge = pair["keep"], pair["merge"]
    response = alice_api.post(
        f"{API}/{keep.pk}/merge", {"stakeholder": merge.pk}, content_type="application/json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["id"] == keep.pk and body["email"] == "info@rcf.example"
    assert sorted(body["tags"]) == ["housing", "youth"]
    assert alice_api.get(f"{API}/{merge.pk}").status_code == 404


def test_the_api_refuses_bad_merges_naming_the_field(alice_api, bob_api, carol_api, pair, lakeside):
    keep, merge = pair["keep"], pair["merge"]
    url = f"{API}/{keep.pk}/merge"
    itself = alice_api.post(url, {"stakeholder": keep.pk}, content_type="application/json")
    assert itself.status_code == 422 and "stakeholder" in itself.content.decode()
    elsewhere = make_stakeholder(lakeside, "Lakeside Trust")
    other = alice_api.post(url, {"stakeholder": elsewhere.pk}, content_type="application/json")
    assert other.status_code == 422 and "No such stakeholder" in other.content.decode()
    assert (
        alice_api.post(
            f"{API}/{elsewhere.pk}/merge",
            {"stakeholder": merge.pk},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (
        bob_api.post(url, {"stakeholder": merge.pk}, content_type="application/json").status_code
        == 403
    )
    assert (
        carol_api.post(url, {"stakeholder": merge.pk}, content_type="application/json").status_code
        == 404
    )
    assert not StakeholderMerge.objects.exists()


def test_the_command_line_previews_and_merges(alice, pair):
    from io import StringIO

    from django.core.management import call_command
    from django.core.management.base import CommandError

    keep, merge = pair["keep"], pair["merge"]
    args = ["merge-stakeholders", "riverton", str(keep.pk), str(merge.pk), "--as", alice.email]
    out = StringIO()
    call_command(*args, "--dry-run", stdout=out)
    assert out.getvalue().startswith("Would merge “Riverton Comunity Foundation”")
    assert "1 ties moved" in out.getvalue() and "2 interactions" in out.getvalue()
    assert not Stakeholder.all_objects.get(pk=merge.pk).in_trash
    out = StringIO()
    call_command(*args, stdout=out)
    assert "is in the trash; restoring it undoes the merge" in out.getvalue()
    assert Stakeholder.all_objects.get(pk=merge.pk).in_trash
    with pytest.raises(CommandError, match=r"^merge: no stakeholder"):
        call_command(*args)
    with pytest.raises(CommandError, match=r"^--as: .* is not a member"):
        call_command("merge-stakeholders", "riverton", str(keep.pk), "1", "--as", "x@y.example")


def test_the_command_line_refuses_a_viewer(bob, pair):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    keep, merge = pair["keep"], pair["merge"]
    with pytest.raises(CommandError, match="^--as: Viewers can read"):
        call_command(
            "merge-stakeholders", "riverton", str(keep.pk), str(merge.pk), "--as", bob.email
        )
