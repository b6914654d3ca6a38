"""The one place that turns untrusted text into safe HTML; bleach stays behind this module.

Comments are plain text: markup is shown as typed, never executed. Links become clickable with
rel="nofollow ugc". bleach is slow, so callers store the result once, when text is saved.
"""

from __future__ import annotations

import re

import bleach
from bleach.linkifier import Linker

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
