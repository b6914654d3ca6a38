"""Distinctive terms: the words a group of comments (a theme) uses more than the rest."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple

from portal.text import stopwords
from portal.text.folding import WORD, fold
from portal.text.stemming import SNOWBALL, stem


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
        found = document_terms(text, lang)
        for term, forms in found.items():
            self._forms[term].update(forms)
        # Presence per comment, not occurrences: one comment repeating a word fifty times
        # (or a campaign pasting the same text) cannot make it distinctive on its own.
        seen = found.keys()
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
            z = log_odds_z(a, inside, self._df[term] - a, outside)
            if z > 0:
                scored.append((z, term, a))
        scored.sort(key=lambda t: (-t[0], t[1]))
        return [DistinctiveTerm(self._form(t), round(z, 3), a) for z, t, a in scored[:top]]

    def _form(self, term: str) -> str:
        forms = self._forms[term]
        return min(forms, key=lambda form: (-forms[form], form))


# Longer "words" are pasted strings (links, hashes, keyboard runs), not vocabulary; leaving them out
# also keeps every stored term short enough for an index key.
MAX_WORD = 40


def document_terms(text: str, lang: str) -> dict[str, dict[str, int]]:
    """The terms (stems) one comment uses, each with its written forms and how often each
    occurs: what TermCounter.add counts, and what the stored term statistics hold per comment."""
    if lang not in SNOWBALL:
        lang = _guess_language([fold(m.group()).replace("-", "") for m in WORD.finditer(text)])
    found: dict[str, dict[str, int]] = {}
    for match in WORD.finditer(text):
        word = match.group()
        term = _term_of(word, lang)  # folding makes the term the same for every written form
        if term is None:
            continue
        # Most words are plain lower-case ASCII: their written form is the word itself.
        form = word if word.isascii() and word.islower() else _written_form(text, match)
        forms = found.get(term)
        if forms is None:
            found[term] = {form: 1}
        else:
            forms[form] = forms.get(form, 0) + 1
    return found


@lru_cache(maxsize=200_000)
def _term_of(form: str, lang: str) -> str | None:
    """The stem a written form counts under, or None for stop words, numbers and fragments.
    Cached: a consultation's vocabulary is small next to its number of words."""
    word = fold(form).replace("-", "")
    if not 2 <= len(word) <= MAX_WORD or word.isdigit() or word in stopwords.for_language(lang):
        return None
    return stem(word, lang)


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


def log_odds_z(a: int, n_a: int, b: int, n_b: int, prior: float = 0.5) -> float:
    ratio = math.log((a + prior) / (n_a - a + prior)) - math.log((b + prior) / (n_b - b + prior))
    variance = 1 / (a + prior) + 1 / (n_a - a + prior) + 1 / (b + prior) + 1 / (n_b - b + prior)
    return ratio / math.sqrt(variance)
