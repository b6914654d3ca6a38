"""Where the site may send a browser after a form: one check for every target a request names.

A target from a request (`next` after sign-in, `back` after a bulk decision) must be a path on
this site. Browsers drop tabs and line breaks from a URL and read a backslash as a slash, so
`/\t/evil.example` or `/\\evil.example` would become `//evil.example`, another site; such
characters are refused outright, not cleaned.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_UNSAFE = re.compile(r"[\x00-\x20\x7f\\]")


def safe_target(target: str | None, fallback: str) -> str:
    """target when it is a path on this site, else fallback."""
    if not target or _UNSAFE.search(target) or not target.startswith("/"):
        return fallback
    if target.startswith("//"):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
