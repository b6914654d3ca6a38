"""Theme suggestions, distinctive terms and quotable excerpts for comments in English or Spanish.

Words are compared folded (lowercase, no accents) and reduced to Snowball stems, so "Energía",
"energia" and "energías" are one word, and so are "inversión" and "inversiones". Nothing here
touches the database: callers feed text in and store what comes out.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer

from portal.services import stopwords

_SNOWBALL = {"en": "english", "es": "spanish"}

# Letters and digits plus any combining marks among them: text typed in decomposed form keeps
# "i" + U+0301 inside one word. A hyphen followed by digits joins the word, so "G-20" reads "g20".
_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_WORD = re.compile(rf"(?:[^\W_]|[{_MARKS}])+(?:(?<=[^\W\d_])-\d+(?![^\W_]))?")


def fold(text: str) -> str:
    """Lowercase without accents: "Energía" -> "energia"."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _spans(text: str) -> list[tuple[str, int, int]]:
    """(folded word, start, end) for each word, the offsets pointing into the original text."""
    return [(fold(m.group()).replace("-", ""), m.start(), m.end()) for m in _WORD.finditer(text)]


def tokens(text: str) -> list[str]:
    """The words of text, folded."""
    return [word for word, _, _ in _spans(text)]


_local = threading.local()
# Words Snowball would merge with words that mean something else here: Porter2 reduces
# "customers" to "custom", like "customs", but customs (the border agency, the duties) is a topic
# of its own in a trade dialogue.
_OWN_STEM = {"en": {"customs": "customs"}, "es": {}}


@lru_cache(maxsize=50_000)
def _stem_folded(word: str, lang: str) -> str:
    if word in _OWN_STEM[lang]:
        return _OWN_STEM[lang][word]
    # Snowball stemmers keep state between calls, so every thread gets its own.
    stemmers = _local.__dict__.setdefault("stemmers", {})
    if lang not in stemmers:
        stemmers[lang] = snowballstemmer.stemmer(_SNOWBALL[lang])
    stemmed: str = stemmers[lang].stemWord(word)
    # Words are folded before stemming so that text typed without accents stems like text typed
    # with them; but Spanish rules look for "-ía", so folded "economia" keeps an "i" that
    # "económico" loses. Dropping it makes the noun and its adjective one word again.
    if lang == "es" and len(stemmed) > 4 and stemmed.endswith("i"):
        stemmed = stemmed[:-1]
    return stemmed


def stem(word: str, lang: str) -> str:
    """The Snowball stem of the folded word in "en" or "es".

    For any other language ("und") both stemmers run and the shorter stem wins: the stemmer
    that recognises a suffix of its own language strips more.
    """
    folded = fold(word)
    if lang in _SNOWBALL:
        return _stem_folded(folded, lang)
    english, spanish = _stem_folded(folded, "en"), _stem_folded(folded, "es")
    return min(english, spanish, key=lambda s: (len(s), s))


# --- theme suggestions -------------------------------------------------------------------------


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


class _Hit(NamedTuple):
    start: int  # word positions, end exclusive
    end: int
    keyword: _Keyword


_Index = dict[str, dict[str, list[_Keyword]]]  # lang -> first stem -> keywords


def _index(entries: Iterable[tuple[str, str, str]]) -> _Index:
    """Index (code, label, lang) keywords by the stem of their first word, in their language."""
    index: _Index = {"en": defaultdict(list), "es": defaultdict(list)}
    for order, (code, label, lang) in enumerate(entries):
        stems = tuple(_stem_folded(word, lang) for word in tokens(label))
        if stems:
            index[lang][stems[0]].append(_Keyword(code, label, lang, order, stems))
    return index


@lru_cache(maxsize=16)
def _theme_index(themes: tuple[ThemeKeywords, ...]) -> _Index:
    return _index(
        (theme.code, label, lang)
        for theme in themes
        for lang, labels in (("en", theme.keywords_en), ("es", theme.keywords_es))
        for label in labels
    )


def _find(words: Sequence[str], index: _Index, lang: str, stop: frozenset[str]) -> list[_Hit]:
    """Keyword hits: each keyword is matched with its own language's stemmer, whatever the
    comment's language, so a Spanish comment that says "energy" matches an English keyword."""
    hits: list[_Hit] = []
    for kw_lang, table in index.items():
        stems = [_stem_folded(word, kw_lang) for word in words]
        for i, first in enumerate(stems):
            for kw in table.get(first, ()):
                end = i + len(kw.stems)
                if tuple(stems[i:end]) != kw.stems:
                    continue
                # "us" in "help us" is not the United States: a lone function word of the
                # comment's language never counts as a hit.
                if end - i == 1 and words[i] in stop:
                    continue
                hits.append(_Hit(i, end, kw))
    # A phrase owns its words: "capital humano" is not also a hit for the keyword "capital".
    # Within one theme one stretch of text counts once, preferring the comment's own language.
    hits.sort(key=lambda h: (h.start - h.end, h.start, h.keyword.lang != lang, h.keyword.order))
    owner: dict[int, tuple[int, int]] = {}
    taken: set[tuple[str, int, int]] = set()
    kept: list[_Hit] = []
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
    hits = _find(words, _theme_index(tuple(themes)), lang, stopwords.for_language(lang))
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


# --- distinctive terms -------------------------------------------------------------------------


class DistinctiveTerm(NamedTuple):
    term: str  # the word as most often written ("TPP", "energía"), not its stem
    score: float  # z-score of the log-odds ratio, group vs. the other comments
    docs: int  # comments of the group that use the word


class TermCounter:
    """Counts in how many comments each word appears, overall and per group.

    Feed comments one at a time with add(); memory grows with the vocabulary, not with the
    number of comments, so a whole comment period can stream through it.
    """

    def __init__(self) -> None:
        self.documents = 0
        self._df: Counter[str] = Counter()
        self._group_docs: Counter[Hashable] = Counter()
        self._group_df: defaultdict[Hashable, Counter[str]] = defaultdict(Counter)
        self._forms: defaultdict[str, Counter[str]] = defaultdict(Counter)

    def add(self, text: str, lang: str, groups: Iterable[Hashable] = ()) -> None:
        """Count one comment, in its language ("en", "es" or "und"), for each of its groups."""
        forms = [_written_form(text, m) for m in _WORD.finditer(text)]
        words = [fold(form).replace("-", "") for form in forms]
        if lang not in _SNOWBALL:
            lang = _guess_language(words)
        stop = stopwords.for_language(lang)
        seen: set[str] = set()
        for form, word in zip(forms, words, strict=True):
            if len(word) < 2 or word.isdigit() or word in stop:
                continue
            term = stem(word, lang)
            self._forms[term][form] += 1
            seen.add(term)
        # Presence per comment, not occurrences: one comment repeating a word fifty times
        # (or a campaign pasting the same text) cannot make it distinctive on its own.
        self.documents += 1
        self._df.update(seen)
        for group in set(groups):
            self._group_docs[group] += 1
            self._group_df[group].update(seen)

    def group_size(self, group: Hashable) -> int:
        return self._group_docs[group]

    def distinctive(
        self, group: Hashable, top: int = 15, min_docs: int = 2
    ) -> list[DistinctiveTerm]:
        """Words used more in the group's comments than in the rest, most distinctive first.

        The score is the log-odds ratio of a comment using the word, in the group vs. outside
        it, divided by its standard error (Monroe, Colaresi & Quinn 2008, with 0.5 added to each
        count): a word must be both frequent and concentrated in the group to rank high. Words
        in fewer than min_docs of the group's comments are left out.
        """
        inside = self._group_docs[group]
        outside = self.documents - inside
        if inside == 0 or outside == 0:
            return []  # against nothing, nothing is distinctive
        scored = []
        for term, a in self._group_df[group].items():
            if a < min_docs:
                continue
            z = _log_odds_z(a, inside, self._df[term] - a, outside)
            if z > 0:
                scored.append((z, term, a))
        scored.sort(key=lambda t: (-t[0], t[1]))
        return [DistinctiveTerm(self._form(t), round(z, 3), a) for z, t, a in scored[:top]]

    def _form(self, term: str) -> str:
        forms = self._forms[term]
        return min(forms, key=lambda form: (-forms[form], form))


_OPENERS = frozenset(".!?¿¡…:;\"'«“(")


def _written_form(text: str, match: re.Match[str]) -> str:
    """The word as written, but lowercase where only its place at a sentence start capitalised
    it, so "Energy prices rose." counts as "energy" and "TPP" stays "TPP"."""
    form = unicodedata.normalize("NFC", match.group())
    before = match.start() - 1
    while before >= 0 and text[before].isspace():
        before -= 1
    if (before < 0 or text[before] in _OPENERS) and form[1:].islower():
        return form.lower()
    return form


def _guess_language(words: Sequence[str]) -> str:
    """For a comment of undetermined language: the one whose function words it uses more, so
    all its words are stemmed alike; "und" on a tie."""
    english = sum(word in stopwords.ENGLISH for word in words)
    spanish = sum(word in stopwords.SPANISH for word in words)
    return "en" if english > spanish else "es" if spanish > english else "und"


def _log_odds_z(a: int, n_a: int, b: int, n_b: int, prior: float = 0.5) -> float:
    ratio = math.log((a + prior) / (n_a - a + prior)) - math.log((b + prior) / (n_b - b + prior))
    variance = 1 / (a + prior) + 1 / (n_a - a + prior) + 1 / (b + prior) + 1 / (n_b - b + prior)
    return ratio / math.sqrt(variance)


# --- excerpts ------------------------------------------------------------------------------------

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
    spans = _spans(text)
    index = _index((term, term, lang) for term in terms for lang in ("en", "es"))
    hits = _find([word for word, _, _ in spans], index, "und", frozenset())
    if not hits:
        return None
    return spans[hits[0].start][1], spans[hits[0].end - 1][2]


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
