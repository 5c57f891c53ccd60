"""`cityweave guides`: the network's guides as a seat sees them; a published guide's PDF and
HTML written whole; bad arguments named."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cityweave.peers.tests.guide_factories import make_guide, publish_guide


def run(*args: str) -> str:
    out = StringIO()
    call_command("guides", *args, stdout=out)
    return out.getvalue()


def test_it_lists_the_guides_a_seat_reads(otis, nadia, chattanooga):
    publish_guide(nadia, [chattanooga], "Digital navigators")
    make_guide(nadia, [chattanooga], "Budget basics", challenge="fiscal-health")
    text = run("list", "midsize", "--as", otis.user.email)
    assert "Digital navigators [Digital inclusion, published] by Chattanooga, TN" in text
    rows = json.loads(
        run(
            "list",
            "midsize",
            "--as",
            "OTIS@chattanooga.example",
            "--format",
            "json",
            "--status",
            "draft",
        )
    )
    assert [r["title"] for r in rows] == ["Budget basics"] and rows[0]["public_url"] is None
    with pytest.raises(CommandError, match="--as: nobody@example.org is not on the staff"):
        run("list", "midsize", "--as", "nobody@example.org")
    with pytest.raises(CommandError, match="NETWORK_SLUG: no network"):
        run("list", "nowhere", "--as", otis.user.email)
    with pytest.raises(CommandError, match="--challenge: unknown"):
        run("list", "midsize", "--as", otis.user.email, "--challenge", "nope")


def test_it_writes_a_published_guides_pdf_and_html(nadia, chattanooga, tmp_path):
    guide = publish_guide(nadia, [chattanooga], "Digital navigators")
    target = tmp_path / "guide.pdf"
    assert "Wrote" in run("pdf", "midsize", guide.slug, "-o", str(target), "--paper", "letter")
    assert target.read_bytes().startswith(b"%PDF")
    page = tmp_path / "guide.html"
    run("pdf", "midsize", guide.slug, "-o", str(page), "--html")
    html = page.read_text()
    assert "Digital navigators" in html and "data:text/css;base64," in html


def test_a_draft_has_no_pdf_from_the_command_line(ed, chattanooga, tmp_path):
    draft = make_guide(ed, [chattanooga])
    with pytest.raises(CommandError, match="GUIDE_SLUG: no published guide"):
        run("pdf", "midsize", draft.slug, "-o", str(tmp_path / "x.pdf"))
    assert not (tmp_path / "x.pdf").exists()
