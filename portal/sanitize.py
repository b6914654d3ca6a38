"""The one place that turns untrusted text into safe HTML; bleach stays behind this module.

Comments are plain text: markup is shown as typed, never executed. Links become clickable with
rel="nofollow ugc". Staff texts (period descriptions, outcome pages) are Markdown, rendered by
markdown-it-py, then cleaned with an allowlist. bleach is slow, so callers store the result
once (the worker does it for comments, portal/services/enrichment.py); until then
`render_plain` shows the text escaped, which costs next to nothing.
"""

from __future__ import annotations

import re

import bleach
from bleach.linkifier import Linker
from markdown_it import MarkdownIt
from markupsafe import escape

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def _nofollow_ugc(
    attrs: dict[tuple[str | None, str], str], new: bool = False
) -> dict[tuple[str | None, str], str] | None:
    href = attrs.get((None, "href"), "")
    if not href.startswith(("http:", "https:", "mailto:")):
        return None  # bleach drops the link, keeps the text
    attrs[(None, "rel")] = "nofollow ugc"
    return attrs


# The stubs say a callback returns the attributes; bleach documents None as "drop the link".
_linker = Linker(callbacks=[_nofollow_ugc], parse_email=False)  # type: ignore[list-item]


def render_text(text: str) -> str:
    """Plain text -> safe HTML paragraphs with links; nothing in the text can execute."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    paragraphs = []
    for block in _PARAGRAPH_BREAK.split(text):
        escaped = bleach.clean(block, tags=set(), attributes={}, strip=False)
        linked = _linker.linkify(escaped)
        paragraphs.append("<p>" + linked.replace("\n", "<br>\n") + "</p>")
    return "\n".join(paragraphs)


def render_plain(text: str) -> str:
    """Plain text -> escaped HTML paragraphs, without links: what a comment shows until its
    `render_text` rendering is stored. Nothing in the text can execute."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    return "\n".join("<p>" + str(escape(block)).replace("\n", "<br>\n") + "</p>"
                     for block in _PARAGRAPH_BREAK.split(text))


# Markdown written by staff (period descriptions, outcome pages): CommonMark without raw HTML,
# then an allowlist, so a pasted <script> or an onclick cannot survive whoever typed it.
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
MARKDOWN_TAGS = frozenset({
    "p", "br", "strong", "em", "a", "ul", "ol", "li", "blockquote", "code", "pre", "hr",
    "h2", "h3", "h4",
})
_HEADING = re.compile(r"<(/?)h1>")


def _safe_attribute(tag: str, name: str, value: str) -> bool:
    if tag != "a":
        return False
    if name == "href":
        return value.startswith(("http:", "https:", "mailto:", "/", "#"))
    return name == "title"


def render_markdown(text: str) -> str:
    """Markdown -> safe HTML: only the tags above, links to the web or mail only.

    A page already has its own h1, so a "# heading" in the text becomes an h2.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    html = _HEADING.sub(r"<\1h2>", _markdown.render(text))
    return bleach.clean(
        html, tags=MARKDOWN_TAGS, attributes=_safe_attribute,
        protocols={"http", "https", "mailto"}, strip=True,
    ).strip()
