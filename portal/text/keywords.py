"""Theme suggestions: which of a pillar's theme keywords occur in a comment.

Keywords and text are folded and stemmed, so "inversión" matches "inversiones"; keywords of both
languages are tried whatever the comment's language.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from portal.text import stopwords
from portal.text.folding import fold, tokens
from portal.text.stemming import stem_folded


@dataclass(frozen=True)
class ThemeKeywords:
    code: str
    keywords_en: tuple[str, ...] = ()
    keywords_es: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Lists are accepted but stored as tuples, so a theme set can key a cache.
        object.__setattr__(self, "keywords_en", tuple(self.keywords_en))
        object.__setattr__(self, "keywords_es", tuple(self.keywords_es))


@dataclass(frozen=True)
class ThemeSuggestion:
    code: str
    score: float
    matched: tuple[str, ...]  # the theme's keywords found, as the theme lists them, in text order


@dataclass(frozen=True)
class _Keyword:
    code: str
    label: str
    lang: str
    order: int
    stems: tuple[str, ...]


class KeywordHit(NamedTuple):
    start: int  # word positions, end exclusive
    end: int
    keyword: _Keyword


KeywordIndex = dict[str, dict[str, list[_Keyword]]]  # lang -> first stem -> keywords


def index_keywords(entries: Iterable[tuple[str, str, str]]) -> KeywordIndex:
    """Index (code, label, lang) keywords by the stem of their first word, in their language."""
    index: KeywordIndex = {"en": defaultdict(list), "es": defaultdict(list)}
    for order, (code, label, lang) in enumerate(entries):
        stems = tuple(stem_folded(word, lang) for word in tokens(label))
        if stems:
            index[lang][stems[0]].append(_Keyword(code, label, lang, order, stems))
    return index


@lru_cache(maxsize=16)
def _theme_index(themes: tuple[ThemeKeywords, ...]) -> KeywordIndex:
    return index_keywords(
        (theme.code, label, lang)
        for theme in themes
        for lang, labels in (("en", theme.keywords_en), ("es", theme.keywords_es))
        for label in labels
    )


def find_keywords(
    words: Sequence[str], index: KeywordIndex, lang: str, stop: frozenset[str]
) -> list[KeywordHit]:
    """Keyword hits: each keyword is matched with its own language's stemmer, whatever the
    comment's language, so a Spanish comment that says "energy" matches an English keyword."""
    hits: list[KeywordHit] = []
    for kw_lang, table in index.items():
        stems = [stem_folded(word, kw_lang) for word in words]
        for i, first in enumerate(stems):
            for kw in table.get(first, ()):
                end = i + len(kw.stems)
                if tuple(stems[i:end]) != kw.stems:
                    continue
                # "us" in "help us" is not the United States: a lone function word of the
                # comment's language never counts as a hit.
                if end - i == 1 and words[i] in stop:
                    continue
                hits.append(KeywordHit(i, end, kw))
    # A phrase owns its words: "capital humano" is not also a hit for the keyword "capital".
    # Within one theme one stretch of text counts once, preferring the comment's own language.
    hits.sort(key=lambda h: (h.start - h.end, h.start, h.keyword.lang != lang, h.keyword.order))
    owner: dict[int, tuple[int, int]] = {}
    taken: set[tuple[str, int, int]] = set()
    kept: list[KeywordHit] = []
    for hit in hits:
        span = (hit.start, hit.end)
        if any(owner.get(i, span) != span for i in range(hit.start, hit.end)):
            continue
        if (hit.keyword.code, *span) in taken:
            continue
        owner.update(dict.fromkeys(range(hit.start, hit.end), span))
        taken.add((hit.keyword.code, *span))
        kept.append(hit)
    kept.sort(key=lambda h: h.start)
    return kept


def suggest_themes(
    text: str, lang: str, themes: Sequence[ThemeKeywords], min_score: float = 1.0
) -> list[ThemeSuggestion]:
    """Themes whose keywords occur in text, best first.

    A theme scores 1 + 0.5*log2(n) for each distinct keyword found n times, summed: every
    different keyword adds a full point, repeating one keyword adds less and less (2 mentions
    1.5, 4 mentions 2.0). Keywords of both languages are tried; lang ("en", "es" or "und")
    decides which function words can never count alone and which keyword names a stretch of
    text that both languages match. With the default min_score one keyword is enough.
    """
    words = tokens(text)
    hits = find_keywords(words, _theme_index(tuple(themes)), lang, stopwords.for_language(lang))
    found: dict[str, Counter[str]] = defaultdict(Counter)
    labels: dict[tuple[str, str], str] = {}
    for hit in hits:
        # The same keyword listed in both languages ("APEC") is one keyword.
        key = fold(hit.keyword.label)
        found[hit.keyword.code][key] += 1
        labels.setdefault((hit.keyword.code, key), hit.keyword.label)
    suggestions = []
    for code, counts in found.items():
        score = round(sum(1 + 0.5 * math.log2(n) for n in counts.values()), 3)
        if score >= min_score:
            matched = tuple(labels[(code, key)] for key in counts)
            suggestions.append(ThemeSuggestion(code, score, matched))
    suggestions.sort(key=lambda s: (-s.score, s.code))
    return suggestions
