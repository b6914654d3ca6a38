"""Whether a text shows anything: a comment made only of invisible characters is empty.

`str.strip()` removes spaces, including the no-break space, but not the characters that occupy
no room at all: zero-width spaces and joiners, the byte-order mark, direction marks, soft
hyphens, and the "filler" letters (Hangul fillers, the blank Braille pattern) that some
keyboards and spam tools use to get past "required". A text with nothing but these reads as
blank to a person, so it counts as empty.
"""

from __future__ import annotations

import unicodedata

# Letters and symbols that render as nothing, though their category says otherwise.
_BLANK_GLYPHS = frozenset("\u115f\u1160\u3164\uffa0\u2800\u034f\u17b4\u17b5")
# Format characters (Cf: zero-width spaces and joiners, direction marks, BOM, soft hyphen),
# controls and every kind of space or separator.
_INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp"})


def is_blank(text: str | None) -> bool:
    """True when nothing in the text would show on a page."""
    if not text:
        return True
    return all(
        c in _BLANK_GLYPHS
        or unicodedata.category(c) in _INVISIBLE_CATEGORIES
        or c.isspace()
        for c in text
    )
