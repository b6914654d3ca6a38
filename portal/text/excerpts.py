"""Excerpts: a verbatim piece of a comment to quote it by, around the words that matter."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from portal.text.folding import spans as word_spans
from portal.text.keywords import find_keywords, index_keywords

# A sentence ends at . ! ? or … (with any closing quote or bracket) before a space, or at a line
# break. "U.S. and Mexico" is not two sentences: a lowercase word after the stop continues it.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’»)\]]*(?=\s|$)|\n")


def _sentences(text: str) -> list[tuple[int, int]]:
    cuts = [0]
    for match in _SENTENCE_END.finditer(text):
        after = match.end()
        while after < len(text) and text[after] in " \t":
            after += 1
        if match.group() != "\n" and text[after : after + 1].islower():
            continue
        cuts.append(match.end())
    cuts.append(len(text))
    spans = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            spans.append((start, end))
    return spans


def _first_hit(text: str, terms: Sequence[str]) -> tuple[int, int] | None:
    """Character span of the first place any term occurs (stems, both languages)."""
    spans = word_spans(text)
    index = index_keywords((term, term, lang) for term in terms for lang in ("en", "es"))
    hits = find_keywords([word for word, _, _ in spans], index, "und", frozenset())
    if not hits:
        return None
    return spans[hits[0].start][1], spans[hits[0].end - 1][2]


def has_term(text: str, terms: Sequence[str]) -> bool:
    """Whether any of the terms occurs in the text (stems, both languages)."""
    return _first_hit(text, terms) is not None


def excerpt(text: str, matched_terms: Sequence[str], max_chars: int = 300) -> str:
    """A verbatim substring of text, at most max_chars long, to quote a comment by.

    It starts at the first sentence that contains one of matched_terms (the first sentence when
    none does), takes the following sentences while they fit, then the preceding ones. A
    sentence longer than max_chars is cut at spaces around the term. Nothing is added or
    changed: callers mark an excerpt that is not the whole text.
    """
    if max_chars < 1:
        raise ValueError("max_chars must be positive")
    sentences = _sentences(text)
    if not sentences:
        return ""
    hit = _first_hit(text, matched_terms)
    first = 0 if hit is None else next(i for i, (_, e) in enumerate(sentences) if hit[0] < e)
    start, end = sentences[first]
    if end - start > max_chars:
        return _window(text, start, end, hit or (start, start), max_chars)
    last = first
    while last + 1 < len(sentences) and sentences[last + 1][1] - start <= max_chars:
        last += 1
    end = sentences[last][1]
    while first > 0 and end - sentences[first - 1][0] <= max_chars:
        first -= 1
    return text[sentences[first][0] : end]


def _window(text: str, start: int, end: int, hit: tuple[int, int], max_chars: int) -> str:
    """At most max_chars of text[start:end] that include hit, cut at whitespace where possible."""
    hit_start, hit_end = hit
    if hit_end - start > max_chars:
        # The term lies past the first max_chars: begin about a third of a window before it,
        # at the start of a word.
        lo = max(start, hit_start - max_chars // 3)
        if lo > start and not text[lo - 1].isspace():
            lo = next((i + 1 for i in range(lo, hit_start) if text[i].isspace()), hit_start)
        start = lo
    stop = min(end, start + max_chars)
    if stop < end and not text[stop].isspace():
        # Back up to the last space that still keeps the term whole.
        floor = max(hit_end, start + 1)
        stop = next((i for i in range(stop - 1, floor - 1, -1) if text[i].isspace()), stop)
    # A hard cut inside a long word must not separate a letter from its accent.
    while stop - start > 1 and stop < len(text) and unicodedata.combining(text[stop]):
        stop -= 1
    return text[start:stop].strip()
