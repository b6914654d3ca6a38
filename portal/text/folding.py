"""Folding and words: how every part of the portal compares text.

Text is compared folded: case-folded, without accents, so "Energía", "ENERGIA" and "energia" are
one word for search, theme suggestions and repeated-text detection alike.
"""

from __future__ import annotations

import re
import unicodedata

# Letters and digits plus any combining marks among them: text typed in decomposed form keeps
# "i" + U+0301 inside one word. A hyphen followed by digits joins the word, so "G-20" reads "g20".
MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
WORD = re.compile(rf"(?:[^\W_]|[{MARKS}])+(?:(?<=[^\W\d_])-\d+(?![^\W_]))?")


def _fold_slowly(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Folding works on each character alone (case folding has no context; NFKD's reordering only
# moves the combining marks that are dropped), so a text is folded by one str.translate through
# a table of the characters met so far: ASCII capitals to start with.
_TABLE: dict[int, str] = {ord(c): c.lower() for c in map(chr, range(ord("A"), ord("Z") + 1))}


def fold(text: str) -> str:
    """Case-folded, without accents: "Energía" -> "energia"."""
    if text.isascii():
        return text.lower()
    for char in set(text):
        if ord(char) > 127 and ord(char) not in _TABLE:
            _TABLE[ord(char)] = _fold_slowly(char)
    return text.translate(_TABLE)


def _folded_in_place(text: str) -> str | None:
    """The text folded, when every character folds to exactly one (offsets stay put); else
    None (a ligature that unfolds to two letters, a combining mark that folds away)."""
    if text.isascii():
        return text.lower()
    folded = fold(text)
    if len(folded) != len(text):
        return None
    for char in set(text):
        if len(_TABLE.get(ord(char), char)) != 1:
            return None
    return folded


def spans(text: str) -> list[tuple[str, int, int]]:
    """(folded word, start, end) for each word, the offsets pointing into the original text.

    The text is folded once and each word cut from it, which is the same as folding each word
    (folding has no context) whenever the offsets stay put; when they do not, word by word."""
    folded = _folded_in_place(text)
    if folded is None:
        return [(fold(m.group()).replace("-", ""), m.start(), m.end())
                for m in WORD.finditer(text)]
    return [(folded[m.start():m.end()].replace("-", ""), m.start(), m.end())
            for m in WORD.finditer(text)]


def tokens(text: str) -> list[str]:
    """The words of text, folded."""
    return [word for word, _, _ in spans(text)]
