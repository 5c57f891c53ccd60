"""Peer guide pages: each seat reads, only writers write (officials their own city's guides),
another network's guides are 404, the public reads published guides only; forms name every bad
field; the printable page and the PDF."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from cityweave import pdf
from cityweave.peers import guides
from cityweave.peers.models import Guide, GuideSection, GuideStatus
from cityweave.peers.testing import make_city, make_staff
from cityweave.peers.tests.conftest import client_for
from cityweave.peers.tests.guide_factories import make_dora, make_guide, publish_guide


def url(name: str, *args: object) -> str:
    return reverse(f"peers:{name}", args=["midsize", *args])


def public(name: str, *args: object) -> str:
    return reverse(f"guides:{name}", args=["midsize", *args])


@pytest.fixture
def dora(dayton):
    return make_dora(dayton)


@pytest.fixture
def published(nadia, chattanooga, dayton) -> Guide:
    return publish_guide(nadia, [chattanooga, dayton], "Digital navigators")


def test_every_seat_reads_the_guide_pages(nadia, vera, otis, dora, published):
    pages = [
        url("guides"),
        url("guides") + "?challenge=digital-inclusion&status=published&q=navigators",
        url("guide", published.pk),
        url("guide-versions", published.pk),
    ]
    for member in (nadia, vera, otis, dora):
        client = client_for(member)
        for page in pages:
            assert client.get(page).status_code == 200, (member.user, page)
    text = client_for(vera).get(url("guide", published.pk)).content.decode()
    assert "Digital navigators" in text and "<strong>thing 1</strong>" in text
    assert "Case example from" in text and url("city", published.authors.first().city_id) in text


def test_the_list_filters_by_challenge_status_and_text(ed, chattanooga, published):
    make_guide(ed, [chattanooga], "Fixing the budget", challenge="fiscal-health")
    client = client_for(ed)
    text = client.get(url("guides") + "?challenge=fiscal-health").content.decode()
    assert "Fixing the budget" in text and "Digital navigators" not in text
    text = client.get(url("guides") + "?status=published").content.decode()
    assert "Fixing the budget" not in text and "Digital navigators" in text
    text = client.get(url("guides") + "?q=BUDGET&challenge=nonsense").content.decode()
    assert "Fixing the budget" in text and "Digital navigators" not in text


def test_someone_of_another_network_finds_nothing(carol, other_network, ed, published):
    client = Client()
    client.force_login(carol)
    for page in (url("guides"), url("guide", published.pk), url("guide-edit", published.pk)):
        assert client.get(page).status_code == 404, page
    assert client.post(url("guide-edit", published.pk), {"title": "Hijacked"}).status_code == 404
    theirs = make_guide(
        make_staff(other_network, None, "editor"), [make_city(other_network, "Mobile", "AL")]
    )
    for page in (url("guide", theirs.pk), url("guide-versions", theirs.pk)):
        assert client_for(ed).get(page).status_code == 404, page
    assert client_for(ed).post(url("guide-submit", theirs.pk)).status_code == 404
    assert Guide.objects.get(pk=published.pk).title == "Digital navigators"


def test_nobody_signed_in_is_sent_to_log_in_but_reads_the_public_pages(client, published):
    response = client.get(url("guide", published.pk))
    assert response.status_code == 302 and "/login" in response["Location"]
    index = client.get(public("public-index"))
    assert index.status_code == 200 and "Digital navigators" in index.content.decode()
    page = client.get(public("public-guide", published.slug))
    text = page.content.decode()
    assert page.status_code == 200 and "<strong>thing 1</strong>" in text
    assert "guide.css" in text and url("city", published.authors.first().city_id) not in text
    assert client.get(public("public-index") + "?challenge=fiscal-health").status_code == 200


def test_the_public_never_sees_drafts_reviews_or_trash(client, ed, otis, chattanooga, published):
    draft = make_guide(ed, [chattanooga], "A draft")
    review = make_guide(ed, [chattanooga], "In review")
    guides.submit_for_review(ed, review)
    for guide in (draft, review):
        assert client.get(public("public-guide", guide.slug)).status_code == 404
        assert client.get(public("public-pdf", guide.slug)).status_code == 404
    assert "A draft" not in client.get(public("public-index") + "?q=draft").content.decode()
    assert client.get(reverse("guides:public-index", args=["nowhere"])).status_code == 404
    guides.trash_guide(ed, published)
    assert client.get(public("public-guide", published.slug)).status_code == 404
    assert client.get(public("public-index")).status_code == 404


def test_an_official_writes_reviews_and_publishes_with_their_co_author(
    otis, dora, chattanooga, dayton, client
):
    writer = client_for(otis)
    assert writer.get(url("guide-new")).status_code == 200
    response = writer.post(
        url("guide-new"),
        {
            "title": "Digital navigators",
            "challenge": "digital-inclusion",
            "summary": "Trained residents help neighbours get online.",
            "cities": [str(chattanooga.pk), str(dayton.pk)],
            "authors": "Chattanooga: Otis Grant, CIO\nDayton: Dora Beck, Digital Equity Lead",
        },
    )
    assert response.status_code == 302
    guide = Guide.objects.get()
    assert [a.name for a in guide.authors.all()] == [
        "Otis Grant, CIO",
        "Dora Beck, Digital Equity Lead",
    ]
    assert guide.authors.get(city=chattanooga).user == otis.user
    for heading in ("Recruit navigators", "Lend hotspots", "Measure"):
        response = writer.post(
            url("guide-section-add", guide.pk),
            {"heading": heading, "body": f"About *{heading}*.", "case_city": str(dayton.pk)},
        )
        assert response.status_code == 302
    first, second, third = guides.sections(guide)
    writer.post(url("guide-section-move", guide.pk, third.pk), {"direction": "up"})
    assert [s.heading for s in guides.sections(guide)] == [
        "Recruit navigators",
        "Measure",
        "Lend hotspots",
    ]
    writer.post(url("guide-section-delete", guide.pk, second.pk))
    assert second.heading not in [s.heading for s in guides.sections(guide)]
    assert "Removed sections" in writer.get(url("guide-edit", guide.pk)).content.decode()
    writer.post(url("guide-section-restore", guide.pk, second.pk))
    assert len(guides.sections(guide)) == 3
    writer.post(url("guide-submit", guide.pk))
    writer.post(url("guide-approve", guide.pk), {"city": str(chattanooga.pk)})
    assert writer.post(url("guide-approve", guide.pk), {"city": str(dayton.pk)}).status_code == 403
    response = writer.post(url("guide-publish", guide.pk), {"change_note": ""}, follow=True)
    assert "Awaiting the approval of Dayton, OH." in response.content.decode()
    client_for(dora).post(url("guide-approve", guide.pk))
    response = writer.post(url("guide-publish", guide.pk), {"change_note": "First edition."})
    assert response.status_code == 302
    guide.refresh_from_db()
    assert guide.status == GuideStatus.PUBLISHED
    page = client.get(public("public-guide", guide.slug)).content.decode()
    assert "Trained residents help neighbours get online." in page
    assert "Chattanooga, TN (Otis Grant, CIO)" in page


def test_forms_name_every_bad_field_and_save_nothing(otis, chattanooga, nadia):
    writer = client_for(otis)
    response = writer.post(
        url("guide-new"),
        {"title": "", "challenge": "time-travel", "authors": "Atlantis: Someone\nno colon"},
    )
    assert response.status_code == 422
    assert {"title", "challenge", "authors"} <= set(response.context["form"].errors)
    assert response.context["form"].errors["authors"] == [
        "Line 1: no member city “Atlantis”.",
        "Line 2: write the city, a colon, then the name.",
    ]
    assert not Guide.objects.exists()
    guide = publish_guide(nadia, [chattanooga])
    section = guides.sections(guide)[0]
    response = writer.post(
        url("guide-section-edit", guide.pk, section.pk), {"heading": "Changed", "body": "x"}
    )
    assert response.status_code == 422 and "change_note" in response.context["form"].errors
    response = writer.post(url("guide-section-add", guide.pk), {"heading": ""})
    assert response.status_code == 422
    assert {"heading", "change_note"} <= set(response.context["section_form"].errors)
    response = writer.post(
        url("guide-section-edit", guide.pk, section.pk),
        {"heading": "Changed", "body": "x", "change_note": "Shorter step."},
    )
    assert response.status_code == 302
    text = writer.get(url("guide-versions", guide.pk)).content.decode()
    assert "Shorter step." in text and "+## Changed" in text and "-## Step 1" in text


def test_a_staff_viewer_and_other_cities_officials_cannot_write(vera, dora, otis, chattanooga):
    guide = make_guide(otis, [chattanooga])
    section = guides.sections(guide)[0]
    for member in (vera, dora):
        client = client_for(member)
        for page in (url("guide-edit", guide.pk), url("guide-section-edit", guide.pk, section.pk)):
            assert client.get(page).status_code == 403, page
        assert client.get(url("guide-new")).status_code == (403 if member is vera else 200)
        for page, data in (
            (url("guide-edit", guide.pk), {"title": "Hijacked", "challenge": "fiscal-health"}),
            (url("guide-section-add", guide.pk), {"heading": "Mine"}),
            (url("guide-section-edit", guide.pk, section.pk), {"heading": "Mine"}),
            (url("guide-section-move", guide.pk, section.pk), {"direction": "down"}),
            (url("guide-section-delete", guide.pk, section.pk), {}),
            (url("guide-submit", guide.pk), {}),
            (url("guide-publish", guide.pk), {}),
            (url("guide-delete", guide.pk), {}),
            (url("guide-restore", guide.pk), {}),
        ):
            assert client.post(page, data).status_code in (403, 404), (member.user, page)
    guide.refresh_from_db()
    assert guide.title == "Closing the digital divide" and guide.status == GuideStatus.DRAFT
    assert not GuideSection.objects.filter(heading="Mine").exists()


def test_staff_trash_and_restore_a_guide(ed, vera, published):
    client = client_for(ed)
    assert client.get(url("guide-delete", published.pk)).status_code == 200
    assert client.post(url("guide-delete", published.pk)).status_code == 302
    assert client.get(url("guide", published.pk)).status_code == 404
    assert "Guides in the trash" in client_for(vera).get(url("guides")).content.decode()
    assert client.post(url("guide-restore", published.pk)).status_code == 302
    assert client.get(url("guide", published.pk)).status_code == 200


def assert_inert(page: str) -> None:
    """Nothing of the hostile body can run: no script of it, no javascript: address, no event
    handler (what is left of it is text, such as CommonMark's raw "[x](…)" after an HTML block)."""
    assert "<script>alert" not in page and 'href="javascript' not in page
    assert "onerror" not in page and "alert(3)" not in page


def test_scripts_in_a_section_never_reach_the_page(ed, chattanooga, client, nadia):
    guide = make_guide(ed, [chattanooga], sections=0)
    guides.save_section(
        ed,
        guide,
        {
            "heading": "<b>Bold</b>",
            "body": '<script>alert(1)</script>[x](javascript:alert(2)) <img src=x onerror="alert(3)">',
        },
    )
    guides.publish(nadia, guide)
    for page in (url("guide", guide.pk),):
        text = client_for(ed).get(page).content.decode()
        assert_inert(text)
        assert "&lt;b&gt;Bold&lt;/b&gt;" in text
    text = client.get(public("public-guide", guide.slug)).content.decode()
    assert_inert(text)


def test_the_pdf_for_the_network_and_the_public(ed, client, published, monkeypatch):
    response = client.get(public("public-pdf", published.slug))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="digital-navigators.pdf"' in response["Content-Disposition"]
    letter = client_for(ed).get(url("guide-pdf", published.pk) + "?paper=letter")
    assert letter.status_code == 200 and letter.content.startswith(b"%PDF")
    bad = client.get(public("public-pdf", published.slug) + "?paper=a3")
    assert bad.status_code == 400 and "paper: “a3” is not a size" in bad.content.decode()

    def missing():
        raise pdf.PdfUnavailable(pdf.UNAVAILABLE)

    monkeypatch.setattr(pdf, "load_weasyprint", missing)
    response = client.get(public("public-pdf", published.slug))
    assert response.status_code == 503 and "libpango-1.0-0" in response.content.decode()
    assert public("public-guide", published.slug) in response.content.decode()
