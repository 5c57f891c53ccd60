"""Markdown of a peer guide's sections rendered to safe HTML: markdown-it-py writes the HTML
(CommonMark with tables and strikethrough), then nh3 (the Ammonia sanitiser) keeps only an
allow-list of tags and attributes.

Rendering is bounded: markdown-it's parser is linear-time on the inputs that make other
parsers backtrack (thousands of unclosed brackets, emphasis markers or quote markers: under a
second for a 20,000-character body of them, where Python-Markdown took 40 s), nesting of quotes
and lists stops at MAX_NESTING levels (deeper markers stay as text, so no page or PDF grows
without bound), and each worker keeps the last RENDERED_KEPT renderings, so a public guide is
rendered once, not on every visit.

What survives: paragraphs, emphasis, lists, quotes, code, tables, rules and headings (shifted
two levels down, so a section's `# Heading` becomes an h3 under the section's own h2); links to
http, https and mailto addresses (or relative ones), each given rel="noopener noreferrer".
What never does: scripts, styles, event handlers (on* attributes), iframes, forms, javascript:
or data: URLs, and images. Images are left out on purpose: a guide is public and printed, and a
picture from another server would tell that server who reads the guide (and the PDF renderer
fetches nothing from the network anyway); an image's alt text stays as text.
"""

from __future__ import annotations

import functools
import re

import nh3
from markdown_it import MarkdownIt

#: The tags a rendered section may hold.
ALLOWED_TAGS = frozenset(
    {
        "p", "br", "hr", "em", "strong", "b", "i", "code", "pre", "blockquote",
        "ul", "ol", "li", "h3", "h4", "h5", "h6", "a", "abbr", "del", "ins", "sub", "sup",
        "table", "thead", "tbody", "tr", "th", "td", "dl", "dt", "dd",
    }
)  # fmt: skip
#: The attributes each tag may keep (`rel` on links is set by the sanitiser itself).
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "ol": {"start"}}
#: The URL schemes a link may use; relative links are kept too.
ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"
#: How deep quotes and lists may nest; deeper markers stay as text.
MAX_NESTING = 20
#: Renderings each worker keeps (by the body's text).
RENDERED_KEPT = 1024
#: The parser: CommonMark, tables and strikethrough; raw HTML passes to the sanitiser.
_PARSER = (
    MarkdownIt("commonmark", {"maxNesting": MAX_NESTING, "html": True})
    .enable("table")
    .enable("strikethrough")
)
# Every link is made a link here and judged by the sanitiser alone (one allow-list of schemes):
# a javascript: link becomes an <a> without its address rather than text showing the address.
_PARSER.validateLink = lambda url: True  # type: ignore[method-assign]

_HEADING = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)
_IMAGE = re.compile(r"<img\b[^>]*?\balt=\"([^\"]*)\"[^>]*>", re.IGNORECASE)


def _shift_headings(html: str) -> str:
    """h1 → h3, h2 → h4, … (h5 and h6 stay h6)."""
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 2, 6)}", html)


def sanitise(html: str) -> str:
    """`html` with only ALLOWED_TAGS and ALLOWED_ATTRIBUTES left, links limited to
    ALLOWED_SCHEMES and given rel="noopener noreferrer"; the text of a removed tag stays
    (escaped), the contents of script and style go."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(ALLOWED_SCHEMES),
        link_rel=LINK_REL,
        strip_comments=True,
    )


@functools.lru_cache(maxsize=RENDERED_KEPT)
def render_markdown(text: str) -> str:
    """Markdown `text` (a guide section's body) as sanitised HTML (a str safe to mark safe in a
    template); "" for empty text. Headings shift two levels down; an image becomes its alt text
    (module docstring says why)."""
    if not text or not text.strip():
        return ""
    html = _PARSER.render(text).strip()
    html = _IMAGE.sub(lambda m: m.group(1), html)
    return sanitise(_shift_headings(html))
