"""Near-duplicate letters: what two texts share once names, greetings and punctuation are set
aside, and the MinHash band keys that find such texts among millions without comparing them all.

A form letter arrives in thousands of copies that differ by a name, a greeting, a signature, the
accents, or a sentence added, removed or reworded. Each text becomes a set of word shingles (runs
of SHINGLE_WORDS folded words) taken from its body, the short opening and closing lines (greeting,
signature, name, city) left out. Two copies of one letter share most of their shingles; two
letters on the same topic share almost none.

A MinHash signature (datasketch) of the shingles is cut into BANDS bands of ROWS values; each band
is hashed into one integer key. Texts whose Jaccard similarity is s share at least one key with
probability 1 - (1 - s**ROWS)**BANDS: about 0.99 at s = 0.6 and 0.001 at s = 0.1. The keys live
in an indexed table, so candidates come from a lookup of BANDS keys whatever the number of stored
texts; each candidate is then verified with the exact Jaccard similarity of the shingles.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Sequence, Set
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from portal.text.folding import MARKS

if TYPE_CHECKING:  # datasketch loads scipy too: only the processes that check pay for it
    from datasketch import MinHash

SHINGLE_WORDS = 3
BANDS = 32
ROWS = 4
PERMUTATIONS = BANDS * ROWS
SEED = 20261129
# Changing any of the above changes every key: `flask campaigns rebuild --reset` then.
SCHEME = f"minhash-crc32-affine32-{PERMUTATIONS}x{SEED}-b{BANDS}r{ROWS}-w{SHINGLE_WORDS}"

# Fewer shingles than this (about 15 words of body) is too little text to call anything a copy:
# a short remark repeated is already flagged "repeated" by its exact fingerprint.
MIN_SHINGLES = 12
# A member at least this similar to a campaign's exemplar joins the campaign (measured on the
# letters of tests/campaign_letters.py: copies with a paragraph rewritten stay above 0.45,
# different letters on one topic below 0.1).
JOIN_SIMILARITY = 0.35
# Opening and closing lines this short are greetings, signatures, names, titles and places.
SHORT_LINE_WORDS = 8
MAX_OPENING_LINES = 2
MAX_CLOSING_LINES = 5

_MARKS = re.compile(f"[{MARKS}]")
_WORDS = re.compile(r"[^\W_]+")
_LINK = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\S+", re.IGNORECASE)


def _folded_words(line: str) -> list[str]:
    return _WORDS.findall(_MARKS.sub("", unicodedata.normalize("NFKD", line.casefold())))


def body_words(text: str) -> list[str]:
    """The folded words of a letter's body: links and addresses removed, and the short lines
    that open it (greeting) and close it (sign-off, name, title, place) set aside.

    Folded as portal.text.folding.fold does (case, accents), with one regular expression over
    each line rather than word by word: a rebuild folds a million letters."""
    if "@" in text or "http" in text.casefold() or "www." in text.casefold():
        text = _LINK.sub(" ", text)
    lines = [words for line in text.splitlines() if (words := _folded_words(line))]
    start, end = 0, len(lines)
    while start < min(MAX_OPENING_LINES, end - 1) and len(lines[start]) <= SHORT_LINE_WORDS:
        start += 1
    while (end - 1 > start and len(lines) - end < MAX_CLOSING_LINES
           and len(lines[end - 1]) <= SHORT_LINE_WORDS):
        end -= 1
    return [word for words in lines[start:end] for word in words]


def shingles(text: str) -> set[str]:
    """The set of SHINGLE_WORDS-word runs of the letter's body."""
    return _runs(body_words(text))


def _runs(words: Sequence[str]) -> set[str]:
    if len(words) < SHINGLE_WORDS:
        return set()
    return {" ".join(words[i:i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


def jaccard(a: Set[str], b: Set[str]) -> float:
    """The exact Jaccard similarity of two shingle sets (0 when either is empty)."""
    if not a or not b:
        return 0.0
    shared = len(a & b)
    return shared / (len(a) + len(b) - shared)


@dataclass(frozen=True)
class Fingerprint:
    """What a text contributes to the index: its shingles and its band keys."""

    words: tuple[str, ...]  # of the body, folded
    shingles: frozenset[str]
    keys: tuple[int, ...]  # one per band, in band order; empty for too little text

    @property
    def joinable(self) -> bool:
        return bool(self.keys)


# Odd 64-bit constants (from SplitMix64) for the band hash; fixed, so every process agrees.
_MULTIPLIERS = np.array([0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB,
                         0xD6E8FEB86659FD93, 0xA0761D6478BD642F], dtype=np.uint64)


@lru_cache(maxsize=1)
def _permutations() -> tuple[object, object]:
    from datasketch import MinHash

    return MinHash(num_perm=PERMUTATIONS, seed=SEED, scheme="affine32").permutations


def _minhash(items: Sequence[bytes]) -> MinHash:
    from datasketch import MinHash

    # CRC-32 hashes a shingle ten times faster than datasketch's default SHA-1; the affine32
    # scheme mixes each value with MurmurHash3's finalizer before permuting, which datasketch
    # documents as making weak input hashes safe.
    sketch = MinHash(num_perm=PERMUTATIONS, seed=SEED, scheme="affine32",
                     permutations=_permutations(), hashfunc=zlib.crc32)
    sketch.update_batch(items)
    return sketch


def band_keys(found: Set[str]) -> tuple[int, ...]:
    """One signed 32-bit key per band of the MinHash signature of the shingles.

    Each band's ROWS values are combined by a multilinear hash (fixed odd 64-bit multipliers,
    arithmetic modulo 2**64, the band number mixed in) and the high 32 bits kept: distinct bands
    collide with probability about 2**-32, a false candidate that verification turns away.
    """
    values = _minhash([s.encode("utf-8") for s in found]).hashvalues.astype(np.uint64)
    rows = values.reshape(BANDS, ROWS)
    with np.errstate(over="ignore"):  # wrapping around 2**64 is the intended arithmetic
        mixed = (rows * _MULTIPLIERS[:ROWS]).sum(axis=1, dtype=np.uint64)
        mixed += np.arange(BANDS, dtype=np.uint64) * _MULTIPLIERS[ROWS]
    return tuple(int(k) for k in (mixed >> np.uint64(32)).astype(np.uint32).view(np.int32))


def fingerprint(text: str) -> Fingerprint:
    words = tuple(body_words(text))
    found = frozenset(_runs(words))
    if len(found) < MIN_SHINGLES:
        return Fingerprint(words, found, ())
    return Fingerprint(words, found, band_keys(found))
