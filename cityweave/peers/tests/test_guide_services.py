"""Peer guides' services: who writes, reviews and publishes; sections with case examples;
versions with what changed; the trash; the public sees published guides only."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from cityweave.peers import guides
from cityweave.peers.models import Guide, GuideAuthor, GuideSection, GuideStatus, GuideVersion
from cityweave.peers.testing import make_city, make_network, make_staff
from cityweave.peers.tests.guide_factories import make_dora, make_guide, publish_guide


@pytest.fixture
def dora(dayton):
    return make_dora(dayton)


def test_an_official_starts_a_guide_with_their_own_city_as_author(otis, chattanooga):
    guide = guides.save_guide(
        otis, {"title": "Broadband for all", "challenge": "digital-inclusion"}
    )
    assert guide.status == GuideStatus.DRAFT and guide.slug == "broadband-for-all"
    assert guides.author_cities(guide) == [chattanooga]
    assert guides.can_edit_guide(otis, guide)


def test_an_official_keeps_their_city_among_the_authors(otis, dayton):
    with pytest.raises(ValidationError) as error:
        guides.save_guide(
            otis, {"title": "X", "challenge": "digital-inclusion", "cities": [dayton.pk]}
        )
    assert "cities" in error.value.message_dict
    assert not Guide.objects.exists()


def test_a_staff_viewer_and_other_officials_read_but_do_not_write(vera, ed, otis, dora, dayton):
    with pytest.raises(PermissionDenied):
        guides.save_guide(vera, {"title": "X", "challenge": "digital-inclusion"})
    guide = make_guide(ed, [dayton])
    assert not guides.can_edit_guide(otis, guide) and guides.can_edit_guide(dora, guide)
    for write in (
        lambda: guides.save_guide(otis, {"title": "Hijacked"}, guide),
        lambda: guides.save_section(otis, guide, {"heading": "Mine"}),
        lambda: guides.submit_for_review(vera, guide),
        lambda: guides.trash_guide(otis, guide),
    ):
        with pytest.raises(PermissionDenied):
            write()
    assert guides.get_guide(vera, guide.pk).title == "Closing the digital divide"
    assert GuideSection.objects.filter(heading="Mine").count() == 0


def test_another_networks_guide_is_not_found(nadia, carol, other_network):
    coastal = make_city(other_network, "Mobile", "AL")
    theirs = make_guide(make_staff(other_network, None, "owner"), [coastal])
    with pytest.raises(Http404):
        guides.get_guide(nadia, theirs.pk)
    with pytest.raises(Http404):
        guides.save_guide(nadia, {"title": "Mine now"}, theirs)
    with pytest.raises(ValidationError) as error:
        guides.save_section(
            nadia,
            make_guide(nadia, [make_city(nadia.network, "Knoxville")]),
            {"heading": "Case", "case_city": coastal.pk},
        )
    assert "case_city" in error.value.message_dict


def test_every_bad_field_is_named_and_nothing_is_written(ed):
    with pytest.raises(ValidationError) as error:
        guides.save_guide(
            ed, {"title": "", "challenge": "time-travel", "cities": [99999], "summary": "x"}
        )
    assert {"title", "challenge", "cities"} <= set(error.value.message_dict)
    with pytest.raises(ValidationError) as error:
        guides.save_guide(
            ed,
            {"title": "T", "challenge": "fiscal-health", "authors": [{"city": 1}, "Bob"]},
        )
    assert error.value.message_dict["authors"] == [
        "Author 1: give their name.",
        "Author 2: give the id of their city.",
    ]
    assert not Guide.objects.exists() and not GuideAuthor.objects.exists()


def test_authors_are_named_by_city(ed, chattanooga, dayton):
    guide = guides.save_guide(
        ed,
        {
            "title": "Digital navigators",
            "challenge": "digital-inclusion",
            "cities": [chattanooga.pk],
            "authors": [{"city": dayton.pk, "name": "Dora Beck, Digital Equity Lead"}],
        },
    )
    assert guides.authors_by_city(guide) == [
        (chattanooga, []),
        (dayton, ["Dora Beck, Digital Equity Lead"]),
    ]


def test_sections_are_added_reordered_moved_trashed_and_restored(otis, chattanooga):
    guide = make_guide(otis, [chattanooga], sections=3)
    first, second, third = guides.sections(guide)
    assert first.case_city == chattanooga and second.case_city is None
    guides.reorder_sections(otis, guide, [third.pk, first.pk, second.pk])
    assert [s.heading for s in guides.sections(guide)] == ["Step 3", "Step 1", "Step 2"]
    guides.move_section(otis, guide, second, -1)
    assert [s.heading for s in guides.sections(guide)] == ["Step 3", "Step 2", "Step 1"]
    with pytest.raises(ValidationError) as error:
        guides.reorder_sections(otis, guide, [third.pk, first.pk])
    assert "ids" in error.value.message_dict
    guides.trash_section(otis, guide, first)
    assert [s.heading for s in guides.sections(guide)] == ["Step 3", "Step 2"]
    guides.restore_section(otis, guide, first.pk)
    assert [s.heading for s in guides.sections(guide)] == ["Step 3", "Step 2", "Step 1"]
    rendered = guides.rendered_sections(guide)
    assert rendered[2].html == "<p>Do <strong>thing 1</strong>.</p>"


def test_review_needs_each_author_city_then_its_writers_publish(otis, dora, chattanooga, dayton):
    guide = make_guide(otis, [chattanooga, dayton], sections=0)
    with pytest.raises(ValidationError, match="at least one section"):
        guides.submit_for_review(otis, guide)
    guides.save_section(otis, guide, {"heading": "Hotspot lending", "body": "Libraries lend."})
    with pytest.raises(ValidationError, match="review first"):
        guides.publish(otis, guide)
    guides.submit_for_review(otis, guide)
    assert guides.approve(otis, guide) == [chattanooga]
    with pytest.raises(PermissionDenied):
        guides.approve(otis, guide, dayton.pk)
    with pytest.raises(ValidationError) as error:
        guides.publish(otis, guide)
    assert error.value.message_dict["status"] == ["Awaiting the approval of Dayton, OH."]
    assert guides.approve(dora, guide) == [dayton]
    version = guides.publish(dora, guide, "")
    guide.refresh_from_db()
    assert guide.status == GuideStatus.PUBLISHED and guide.published_at is not None
    assert version.number == 1 and version.change_note == "Published."
    assert version.snapshot["sections"][0]["heading"] == "Hotspot lending"


def test_a_change_during_review_asks_for_the_approvals_again(otis, dora, chattanooga, dayton):
    guide = make_guide(otis, [chattanooga, dayton])
    guides.submit_for_review(otis, guide)
    guides.approve(dora, guide)
    guides.save_section(otis, guide, {"heading": "A late addition"})
    assert guides.pending_cities(guide) == [chattanooga, dayton]
    guides.return_to_draft(otis, guide)
    guide.refresh_from_db()
    assert guide.status == GuideStatus.DRAFT


def test_a_staff_owner_publishes_without_waiting(nadia, ed, chattanooga):
    guide = make_guide(ed, [chattanooga])
    with pytest.raises(ValidationError):
        guides.publish(ed, guide)
    guides.publish(nadia, guide, "Launched at the spring convening.")
    assert GuideVersion.objects.get(guide=guide).change_note == "Launched at the spring convening."


def test_every_save_of_a_published_guide_keeps_a_version_with_what_changed(nadia, chattanooga):
    guide = publish_guide(nadia, [chattanooga])
    section = guides.sections(guide)[0]
    with pytest.raises(ValidationError) as error:
        guides.save_section(nadia, guide, {"body": "New text."}, section)
    assert "change_note" in error.value.message_dict
    guides.save_section(nadia, guide, {"body": "Do **thing one**."}, section, "Clearer step 1.")
    guides.save_guide(nadia, {"title": "Closing the digital gap"}, guide, "New title.")
    history = guides.version_history(guide)
    assert [(c.version.number, c.version.change_note) for c in history] == [
        (3, "New title."),
        (2, "Clearer step 1."),
        (1, "First edition."),
    ]
    assert "-# Closing the digital divide" in history[0].diff
    assert "+# Closing the digital gap" in history[0].diff
    assert "-Do **thing 1**." in history[1].diff and "+Do **thing one**." in history[1].diff
    assert history[2].diff[1] == "+# Closing the digital divide"


def test_the_public_reads_published_guides_only(nadia, ed, chattanooga):
    draft = make_guide(ed, [chattanooga], "A draft")
    with pytest.raises(Http404):
        guides.public_network(nadia.network.slug)
    published = publish_guide(nadia, [chattanooga], "Digital navigators")
    network = guides.public_network("midsize")
    assert list(guides.public_guides(network)) == [published]
    assert guides.public_guide(network, "digital-navigators") == published
    with pytest.raises(Http404):
        guides.public_guide(network, draft.slug)
    assert list(guides.public_guides(network, challenge="fiscal-health")) == []
    assert list(guides.public_guides(network, q="THING 2")) == [published]


def test_a_trashed_guide_leaves_the_public_and_comes_back(nadia, ed, otis, chattanooga):
    guide = publish_guide(nadia, [chattanooga], "Digital navigators")
    with pytest.raises(PermissionDenied):
        guides.trash_guide(otis, guide)
    guides.trash_guide(ed, guide)
    assert not GuideSection.objects.filter(guide=guide).exists()
    with pytest.raises(Http404):
        guides.public_network("midsize")
    assert list(guides.trashed_guides(ed)) == [guide]
    with pytest.raises(PermissionDenied):
        guides.restore_guide(otis, guide.pk)
    restored = guides.restore_guide(ed, guide.pk)
    assert len(guides.sections(restored)) == 2
    assert guides.public_guide(network=nadia.network, slug="digital-navigators") == guide


def test_an_official_trashes_their_draft(otis, chattanooga):
    guide = make_guide(otis, [chattanooga])
    guides.trash_guide(otis, guide)
    assert not guides.guides(otis).exists()


def test_slugs_stay_unique_and_search_finds_sections(ed, chattanooga):
    one = make_guide(ed, [chattanooga], "Same title")
    two = make_guide(ed, [chattanooga], "Same title", challenge="fiscal-health")
    assert (one.slug, two.slug) == ("same-title", "same-title-2")
    # Markup in a title is not part of its address.
    assert make_guide(ed, [chattanooga], "Hostile <b>guide</b>").slug == "hostile-guide"
    assert list(guides.guides(ed, challenge="fiscal-health")) == [two]
    assert list(guides.guides(ed, status="published")) == []
    guides.save_section(ed, one, {"heading": "Broadband", "body": "Municipal fiber."})
    assert list(guides.guides(ed, q="fiber")) == [one]


def test_a_new_network_has_no_guides(db):
    network = make_network("Empty", "empty")
    assert not Guide.objects.filter(network=network).exists()
