"""What a copy of a letter changes: the words it adds and removes, for a person to read.

Words are compared folded (case and accents), so a copy typed without accents or in capitals
shows only the words that really differ. Each part keeps the words as written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from portal.text.folding import fold

_WORD = re.compile(r"\S+")
_EDGES = re.compile(r"^\W+|\W+$")


@dataclass(frozen=True)
class Part:
    kind: str  # "same", "added" or "removed"
    text: str


def _key(word: str) -> str:
    return _EDGES.sub("", fold(word)) or word


def word_differences(original: str, copy: str) -> list[Part]:
    """The copy as a run of parts: unchanged words, words it added, words of the original it
    left out (in the order a reader meets them)."""
    before, after = _WORD.findall(original), _WORD.findall(copy)
    matcher = SequenceMatcher(None, [_key(w) for w in before], [_key(w) for w in after],
                              autojunk=False)
    parts: list[Part] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(Part("same", " ".join(after[j1:j2])))
            continue
        if i2 > i1:
            parts.append(Part("removed", " ".join(before[i1:i2])))
        if j2 > j1:
            parts.append(Part("added", " ".join(after[j1:j2])))
    return parts


def added_text(parts: list[Part]) -> str:
    """The words a copy adds, passage after passage."""
    return " … ".join(p.text for p in parts if p.kind == "added")
