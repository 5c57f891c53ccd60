"""Markdown of a peer guide's sections rendered to safe HTML: Python-Markdown writes the HTML,
then nh3 (the Ammonia sanitiser) keeps only an allow-list of tags and attributes.

What survives: paragraphs, emphasis, lists, quotes, code, tables, rules and headings (shifted
two levels down, so a section's `# Heading` becomes an h3 under the section's own h2); links to
http, https and mailto addresses (or relative ones), each given rel="noopener noreferrer".
What never does: scripts, styles, event handlers (on* attributes), iframes, forms, javascript:
or data: URLs, and images. Images are left out on purpose: a guide is public and printed, and a
picture from another server would tell that server who reads the guide (and the PDF renderer
fetches nothing from the network anyway); an image's alt text stays as text.
"""

from __future__ import annotations

import re

import markdown as python_markdown
import nh3

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
#: Python-Markdown extensions: tables, fenced code, lists that start where they say.
EXTENSIONS = ["tables", "fenced_code", "sane_lists"]

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


def render_markdown(text: str) -> str:
    """Markdown `text` (a guide section's body) as sanitised HTML (a str safe to mark safe in a
    template); "" for empty text. Headings shift two levels down; an image becomes its alt text
    (module docstring says why)."""
    if not text or not text.strip():
        return ""
    html = python_markdown.markdown(text, extensions=EXTENSIONS, output_format="html")
    html = _IMAGE.sub(lambda m: m.group(1), html)
    return sanitise(_shift_headings(html))
