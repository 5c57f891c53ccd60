"""The one-page partnership brief: what it gathers (brief.py), the printable page, the PDF
(WeasyPrint, static files from disk only) and its 503 without WeasyPrint, scoping and viewers,
and the `cityweave partnership brief` command."""

from __future__ import annotations

import base64
import datetime as dt
import logging
import re
import zlib
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from cityweave.engagement.services import workspace_today
from cityweave.partnerships import benchmarks, brief_pdf, gaps, risks
from cityweave.partnerships.brief import BRIEF_RISKS, partnership_brief
from cityweave.partnerships.models import Partnership
from cityweave.partnerships.testing import make_partner, make_partnership
from cityweave.testing import make_goal, make_stakeholder
from cityweave.workspaces.models import Membership, Role

pytestmark = pytest.mark.django_db


def url(name: str, *args: object, slug: str = "riverton") -> str:
    return reverse(name, args=[slug, *args])


def make_typical_partnership(member: Membership) -> Partnership:
    """A typical partnership: a problem, goals, eight partners, three benchmarks with progress,
    needs and assets, and seven risks (one closed)."""
    riverton = member.workspace
    goal = make_goal(riverton, statement="Fewer injuries near schools")
    partnership = make_partnership(
        member,
        "Safe Routes to School",
        problem="Children walking to Riverton's schools cross four arterial roads without "
        "signals; injuries near schools doubled in five years. " * 3,
        area="North Riverton",
        population_groups=["Pupils", "Parents"],
        officer=member.pk,
        goals=[goal],
        review_on=dt.date(2026, 9, 1),
    )
    city = make_stakeholder(riverton, "Riverton Public Works", is_internal=True)
    make_partner(member, partnership, city, "champion", "implementer", responsibility="Signals")
    make_partner(member, partnership, make_stakeholder(riverton, "Parents Circle"), "champion")
    make_partner(member, partnership, make_stakeholder(riverton, "No Role Yet Ltd"))
    for i in range(5):
        make_partner(member, partnership, make_stakeholder(riverton, f"Partner {i}"), "funder")
    today = workspace_today(riverton)
    for i in range(3):
        benchmark = benchmarks.save_benchmark(
            member,
            partnership,
            {
                "statement": f"Crossings with signals {i}",
                "metric": "Signalled crossings",
                "baseline": 0,
                "target": 10 + i,
                "starts_on": today - dt.timedelta(days=100),
                "due_on": today + dt.timedelta(days=100 + i),
            },
        )
        benchmarks.record_progress(member, benchmark, 2, today - dt.timedelta(days=50))
        benchmarks.record_progress(member, benchmark, 6 - i * 2, today)
    gaps.save_need(
        member, partnership, {"value_type": "funding", "description": "Signals", "amount": 90000}
    )
    gaps.save_need(member, partnership, {"value_type": "volunteers", "description": "Walkers"})
    gaps.save_asset(
        member,
        partnership,
        {"kind": "financial", "holder": city.pk, "description": "Capital budget", "amount": 50000},
    )
    for i in range(7):
        risks.save_risk(
            member,
            partnership,
            {"title": f"Risk {i}", "likelihood": 1 + i % 5, "impact": 5 - i % 3,
             "status": "closed" if i == 6 else "open"},
        )  # fmt: skip
    return partnership


def pdf_objects(pdf: bytes) -> bytes:
    """A PDF's objects as one text: the file and its compressed streams (WeasyPrint keeps its
    objects in those), decompressed."""
    parts = [pdf]
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(stream))
        except zlib.error:
            continue
    return b"\n".join(parts)


def page_count(pdf: bytes) -> int:
    """The pages of a PDF: its page objects (`/Type /Page`, not `/Pages`)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf_objects(pdf)))


# == What it gathers ==============================================================================


def test_the_brief_gathers_the_partnership_from_its_domain_functions(alice_member):
    partnership = make_typical_partnership(alice_member)
    brief = partnership_brief(alice_member, partnership)
    assert [g.statement for g in brief.goals] == ["Fewer injuries near schools"]
    assert brief.benchmarks_total == 3 and len(brief.benchmarks) == 3
    today = workspace_today(alice_member.workspace)
    expected = benchmarks.states(benchmarks.benchmarks(partnership), today)
    assert [line.state for line in brief.benchmarks] == [state for _, state in expected]
    assert brief.benchmarks_going_well == sum(1 for _, s in expected if s.going_well)
    assert all(line.chart.width == 300 and line.measurements == 2 for line in brief.benchmarks)
    assert len(brief.partners) == 8
    assert (brief.roster.champions_inside, brief.roster.champions_outside) == (1, 1)
    assert [row.label for row in brief.gap_map.rows] == ["Volunteers", "Funding"]
    assert all(not row.suggestions for row in brief.gap_map.rows)
    # The top risks: not closed, in the register's order (score, highest first), five at most.
    register = [r for r in risks.risks(partnership) if r.status != "closed"]
    assert brief.open_risks == 6 and brief.more_risks == 6 - BRIEF_RISKS
    assert [r.pk for r in brief.risks] == [r.pk for r in register[:BRIEF_RISKS]]
    assert [r.score for r in brief.risks] == sorted((r.score for r in brief.risks), reverse=True)


def test_the_brief_costs_the_same_queries_whatever_it_holds(
    alice_member, django_assert_num_queries
):
    small = make_partnership(alice_member, "Small")
    benchmarks.save_benchmark(
        alice_member,
        small,
        {"statement": "One", "metric": "m", "target": 1, "due_on": dt.date(2030, 1, 1)},
    )
    with django_assert_num_queries(7):
        partnership_brief(alice_member, small)
    large = make_typical_partnership(alice_member)
    with django_assert_num_queries(7):
        partnership_brief(alice_member, large)


# == The page =====================================================================================


def test_the_brief_page_shows_every_part_and_links_the_pdf(alice_client, alice_member):
    partnership = make_typical_partnership(alice_member)
    detail = alice_client.get(url("partnerships:detail", partnership.pk)).content.decode()
    assert url("partnerships:brief", partnership.pk) in detail
    response = alice_client.get(url("partnerships:brief", partnership.pk))
    assert response.status_code == 200
    page = response.content.decode()
    for text in (
        "Safe Routes to School",
        "Children walking to Riverton",
        "Fewer injuries near schools",
        "Crossings with signals 0",
        "Champion inside government",
        "Champion outside government",
        "Parents Circle",
        "Partly covered",
        "Uncovered",
        "Top risks",
        "cityweave/brief.css",
        "data-print",
    ):
        assert text in page, text
    assert page.count('class="brief-chart"') == 3
    assert url("partnerships:brief-pdf", partnership.pk) in page
    assert "Risk 6" not in page  # closed


def test_a_viewer_reads_the_brief_and_its_pdf(bob_client, alice_member):
    partnership = make_partnership(alice_member, "Warm Homes")
    assert bob_client.get(url("partnerships:brief", partnership.pk)).status_code == 200
    assert bob_client.get(url("partnerships:brief-pdf", partnership.pk)).status_code == 200


def test_another_workspaces_partnership_has_no_brief(carol_client, alice_member):
    partnership = make_partnership(alice_member, "Warm Homes")
    for name in ("partnerships:brief", "partnerships:brief-pdf"):
        own = carol_client.get(url(name, partnership.pk, slug="lakeside"))
        assert own.status_code == 404
        assert carol_client.get(url(name, partnership.pk)).status_code == 404


def test_a_partnership_in_the_trash_has_no_brief(alice_client, alice_member):
    from cityweave.partnerships.services import trash_partnership

    partnership = make_partnership(alice_member, "Warm Homes")
    trash_partnership(alice_member, partnership)
    assert alice_client.get(url("partnerships:brief", partnership.pk)).status_code == 404


# == The PDF ======================================================================================


def test_the_pdf_is_one_page_named_after_the_partnership(alice_client, alice_member, caplog):
    partnership = make_typical_partnership(alice_member)
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        response = alice_client.get(url("partnerships:brief-pdf", partnership.pk))
    # The stylesheet was read (from disk) and WeasyPrint understood all of it.
    assert [r.getMessage() for r in caplog.records if r.name.startswith("weasyprint")] == []
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert (
        response["Content-Disposition"] == 'attachment; filename="safe-routes-to-school-brief.pdf"'
    )
    pdf = response.content
    assert pdf.startswith(b"%PDF-") and len(pdf) > 5_000
    assert page_count(pdf) == 1
    objects = pdf_objects(pdf)
    # Its outline names the partnership (the text itself is in glyph codes) ...
    assert b"/Title (Safe Routes to School)" in objects
    # ... and the SVG charts are drawn: the measurements' line, in the accent colour (#0f6b8f).
    assert b"0.058824 0.419608 0.560784 RG" in objects
    # A4: 595 × 842 points.
    assert re.search(rb"/MediaBox \[0 0 595\.\d+ 841\.\d+\]", objects)


def test_the_pdf_takes_letter_paper_and_refuses_other_sizes(alice_client, alice_member):
    partnership = make_typical_partnership(alice_member)
    letter = alice_client.get(url("partnerships:brief-pdf", partnership.pk) + "?paper=letter")
    assert re.search(rb"/MediaBox \[0 0 612 792\]", pdf_objects(letter.content))
    assert page_count(letter.content) == 1
    bad = alice_client.get(url("partnerships:brief-pdf", partnership.pk) + "?paper=a3")
    assert bad.status_code == 400
    assert "paper: “a3” is not a size; use a4 or letter." in bad.content.decode()


def test_the_pdf_reads_static_files_from_disk_and_nothing_else():
    import weasyprint

    fetcher = brief_pdf.static_fetcher(weasyprint)
    css = fetcher(brief_pdf.BASE_URL + "static/cityweave/brief.css")
    assert b".brief-chart" in css.read()
    css.close()
    for address in (
        "https://example.com/tracker.png",
        "http://cityweave.invalid/static/cityweave/brief.css",
        brief_pdf.BASE_URL + "static/../settings.py",
        brief_pdf.BASE_URL + "static/cityweave/nothing.css",
        "file:///etc/passwd",
    ):
        with pytest.raises(ValueError):
            fetcher(address)


def test_without_weasyprint_the_pdf_answers_503_and_the_page_still_works(
    alice_client, alice_member, monkeypatch
):
    def missing() -> None:
        raise brief_pdf.PdfUnavailable(brief_pdf.UNAVAILABLE)

    monkeypatch.setattr(brief_pdf, "load_weasyprint", missing)
    partnership = make_partnership(alice_member, "Warm Homes")
    response = alice_client.get(url("partnerships:brief-pdf", partnership.pk))
    assert response.status_code == 503
    page = response.content.decode()
    assert "libpango-1.0-0" in page
    assert url("partnerships:brief", partnership.pk) in page
    assert alice_client.get(url("partnerships:brief", partnership.pk)).status_code == 200


def test_an_os_error_on_import_is_told_as_unavailable(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def failing(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0'")
        return real_import(name, *args, **kwargs)

    brief_pdf._weasyprint.cache_clear()
    monkeypatch.setattr(builtins, "__import__", failing)
    try:
        with pytest.raises(brief_pdf.PdfUnavailable, match="libpango"):
            brief_pdf.load_weasyprint()
    finally:
        monkeypatch.undo()
        brief_pdf._weasyprint.cache_clear()


# == The command ==================================================================================


def test_the_command_writes_the_pdf_and_the_html(alice_member, tmp_path):
    partnership = make_typical_partnership(alice_member)
    out = StringIO()
    target = tmp_path / "brief.pdf"
    call_command(
        "partnership", "brief", str(partnership.pk), "--workspace", "riverton",
        "-o", str(target), stdout=out,
    )  # fmt: skip
    pdf = target.read_bytes()
    assert pdf.startswith(b"%PDF-") and page_count(pdf) == 1
    assert "Wrote the brief of “Safe Routes to School”" in out.getvalue()
    html = tmp_path / "brief.html"
    call_command(
        "partnership", "brief", str(partnership.pk), "--workspace", "riverton", "--html",
        "-o", str(html), stdout=StringIO(),
    )  # fmt: skip
    text = html.read_text()
    assert "Safe Routes to School" in text and "Crossings with signals 0" in text
    # Its stylesheet travels inside it, so the file opens anywhere.
    encoded = re.search(r'<link rel="stylesheet" href="data:text/css;base64,([^"]+)">', text)
    assert encoded and ".brief-chart" in base64.b64decode(encoded[1]).decode()
    assert {p.name for p in tmp_path.iterdir()} == {"brief.pdf", "brief.html"}  # no temporary


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["999999", "--workspace", "riverton", "-o", "x.pdf"], "PARTNERSHIP_ID: no partnership"),
        (["{pk}", "--workspace", "nowhere", "-o", "x.pdf"], "--workspace: no workspace"),
        (["{pk}", "--workspace", "riverton"], "-o: name the PDF file"),
        (["{pk}", "--workspace", "riverton", "-o", "{tmp}/no/such/x.pdf"], "-o: no folder"),
        (["{pk}", "--workspace", "riverton", "-o", "{tmp}"], "-o: "),
    ],
)
def test_the_command_names_the_bad_option(alice_member, tmp_path, args, message):
    partnership = make_partnership(alice_member, "Warm Homes")
    argv = [a.format(pk=partnership.pk, tmp=tmp_path) for a in args]
    with pytest.raises(CommandError, match=re.escape(message)) as raised:
        call_command("partnership", "brief", *argv, stdout=StringIO())
    assert raised.value.returncode == 2
    assert sorted(Path(tmp_path).iterdir()) == []


def test_the_command_leaves_another_workspaces_partnership_alone(alice_member, carol, tmp_path):
    partnership = make_partnership(alice_member, "Warm Homes")
    with pytest.raises(CommandError, match="PARTNERSHIP_ID: no partnership"):
        call_command(
            "partnership", "brief", str(partnership.pk), "--workspace", "lakeside",
            "-o", str(tmp_path / "x.pdf"), stdout=StringIO(),
        )  # fmt: skip


@pytest.mark.slow
def test_each_demo_partnership_fits_one_page_on_a4_and_letter(db):
    from cityweave.demo import build_demo

    workspace = build_demo(dt.date.today())
    reader = Membership(workspace=workspace, role=Role.VIEWER)
    for partnership in Partnership.objects.filter(workspace=workspace):
        brief = partnership_brief(reader, partnership)
        pages = [page_count(brief_pdf.render_pdf(brief, paper)) for paper in ("a4", "letter")]
        assert pages == [1, 1], partnership.name
