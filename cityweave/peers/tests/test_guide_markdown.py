"""A guide section's Markdown renders to safe HTML: formatting kept, scripts, event handlers,
javascript: links and images never through, whatever the text."""

from __future__ import annotations

import re
import time
from html.parser import HTMLParser

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from cityweave.peers.markdown import MAX_NESTING, render_markdown

#: Pieces of attacks mixed into arbitrary text by the property tests.
ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//x.example/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    '<svg onload="alert(1)"></svg>',
    '<div onmouseover="alert(1)">x</div>',
    "<style>body{display:none}</style>",
    '<iframe src="https://x.example"></iframe>',
    "![pic](https://x.example/pixel.png)",
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<",
    ">",
    '"',
    "`",
    "\n\n",
    "    ",
]

#: Tags that must never come out, whatever the input.
FORBIDDEN_TAGS = {"script", "style", "iframe", "img", "svg", "object", "embed", "form", "input"}
#: URL schemes that run code or carry a document.
FORBIDDEN_SCHEMES = ("javascript:", "data:", "vbscript:")


class TagCollector(HTMLParser):
    """Every start tag of the output with its attributes, as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def assert_safe(html: str) -> None:
    """No forbidden tag, no event handler or style attribute, no link or source to a
    code-running URL (the parser decodes entities, so "jav&#x09;ascript:" is seen as such)."""
    collector = TagCollector()
    collector.feed(html)
    collector.close()
    for tag, attrs in collector.tags:
        assert tag not in FORBIDDEN_TAGS, html
        for name, value in attrs:
            assert not name.startswith("on") and name != "style", html
            if name in ("href", "src") and value is not None:
                squeezed = re.sub(r"[\x00-\x20]", "", value).lower()
                assert not squeezed.startswith(FORBIDDEN_SCHEMES), html
    assert "<script" not in html.lower(), html


@given(st.text())
@example("<script>alert(1)</script>")
@example("[x](javascript:alert(1))")
def test_arbitrary_text_never_yields_scripts_handlers_or_javascript_links(text):
    assert_safe(render_markdown(text))


@given(st.lists(st.one_of(st.text(max_size=20), st.sampled_from(ATTACKS)), max_size=12))
def test_attacks_mixed_into_text_never_get_through(pieces):
    assert_safe(render_markdown("".join(pieces)))


def test_markdown_formatting_is_kept_and_headings_sit_below_the_sections():
    html = render_markdown(
        "# Start\n\nWe **partnered** with the *library*.\n\n- one\n- two\n\n"
        "| Year | Homes |\n|---|---|\n| 2023 | 1,200 |\n\n> a quote\n\n`code`"
    )
    assert "<h3>Start</h3>" in html
    assert "<strong>partnered</strong>" in html and "<em>library</em>" in html
    assert "<li>one</li>" in html and "<td>1,200</td>" in html
    assert "<blockquote>" in html and "<code>code</code>" in html


def test_links_keep_safe_addresses_and_get_noopener():
    html = render_markdown("[report](https://example.org/r.pdf) and [mail](mailto:a@b.example)")
    assert '<a href="https://example.org/r.pdf" rel="noopener noreferrer">report</a>' in html
    assert 'href="mailto:a@b.example"' in html
    for hostile in ("[bad](javascript:alert(1))", '<a href="javascript:alert(1)">bad</a>'):
        html = render_markdown(hostile)
        assert "javascript" not in html and ">bad</a>" in html and "href" not in html


@pytest.mark.parametrize(
    "body",
    [
        "[" * 19_990,
        "[a](" * 4_995,
        "[" * 5_000 + "a" + "]" * 5_000,
        ">" * 9_000 + " deep\n\n" + "*" * 5_000 + "\n\n" + "[" * 5_000,
        "**a" * 6_000,
        "_*" * 9_995,
    ],
    ids=["brackets", "open-links", "nested-brackets", "quotes", "strong", "emphasis"],
)
def test_hostile_bodies_render_in_bounded_time_and_nesting(body):
    render_markdown.cache_clear()
    started = time.process_time()
    html = render_markdown(body)
    # Python-Markdown took 40 s on the first; markdown-it stays linear (about a second at most
    # on a slow machine). A generous bound, so that the test says "not quadratic", not "fast".
    assert time.process_time() - started < 10
    assert html.count("<blockquote>") <= MAX_NESTING


def test_a_body_is_rendered_once_per_worker():
    render_markdown.cache_clear()
    render_markdown("Once *only*")
    render_markdown("Once *only*")
    assert render_markdown.cache_info().hits == 1


def test_an_image_becomes_its_alt_text():
    html = render_markdown("![Hotspot map & legend](https://example.org/map.png)")
    assert "<img" not in html and "Hotspot map &amp; legend" in html


def test_raw_html_is_cleaned_and_its_text_kept():
    html = render_markdown('<div onclick="x()">Hello <b>there</b></div><script>evil()</script>')
    assert "Hello" in html and "<b>there</b>" in html
    assert "onclick" not in html and "evil" not in html


def test_empty_text_renders_nothing():
    assert render_markdown("") == "" and render_markdown("  \n ") == ""
