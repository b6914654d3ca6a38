"""Snowball stems of folded words, in English and Spanish."""

from __future__ import annotations

import threading
from functools import lru_cache

import snowballstemmer

from portal.text.folding import fold

SNOWBALL = {"en": "english", "es": "spanish"}

_local = threading.local()
# Words Snowball would merge with words that mean something else here: Porter2 reduces
# "customers" to "custom", like "customs", but customs (the border agency, the duties) is a topic
# of its own in a trade dialogue.
_OWN_STEM = {"en": {"customs": "customs"}, "es": {}}


@lru_cache(maxsize=50_000)
def stem_folded(word: str, lang: str) -> str:
    if word in _OWN_STEM[lang]:
        return _OWN_STEM[lang][word]
    # Snowball stemmers keep state between calls, so every thread gets its own.
    stemmers = _local.__dict__.setdefault("stemmers", {})
    if lang not in stemmers:
        stemmers[lang] = snowballstemmer.stemmer(SNOWBALL[lang])
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
    if lang in SNOWBALL:
        return stem_folded(folded, lang)
    english, spanish = stem_folded(folded, "en"), stem_folded(folded, "es")
    return min(english, spanish, key=lambda s: (len(s), s))
