"""A fast generator of comments for benchmarks: form-letter campaigns and comments of people's own.

Words come from the test letters (English and Spanish) plus made-up words of the same shape,
drawn with Zipf weights, so common words recur as in real text and two comments of people's own
share some phrases but not sentences. A share of the comments are copies of campaign letters
with signers' edits (greeting, signature, a sentence replaced, added or removed, a few words
changed); campaign sizes follow a Zipf law too, so a million comments hold campaigns of tens of
thousands down to a handful. About a million comments a minute.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Iterator

from tests import campaign_letters as samples

GREETINGS = {"es": ["Estimados señores:", "A quien corresponda:", "Hola,", ""],
             "en": ["Dear Sir or Madam,", "To whom it may concern:", "Hello,", ""]}
CLOSINGS = {"es": ["Atentamente,", "Saludos,", ""], "en": ["Sincerely,", "Regards,", ""]}
SYLLABLES = ["ta", "ri", "mo", "len", "co", "sa", "ber", "nu", "pi", "dor", "es", "ca", "tion",
             "al", "gre", "vo", "un", "ter", "mi", "so"]


def _vocabulary(lang: str, rng: random.Random, size: int = 8000) -> list[str]:
    texts = [s for t in (samples.ES_BORDER if lang == "es" else samples.EN_BORDER
                         + samples.EN_ENERGY) for p in t for s in p for s in s]
    texts += [text for code, text in samples.UNRELATED if code == lang]
    words = list(dict.fromkeys(w.lower() for t in texts for w in re.findall(r"[^\W\d_]+", t)))
    rng.shuffle(words)
    made = set(words)
    while len(words) < size:
        word = "".join(rng.choices(SYLLABLES, k=rng.randint(2, 4)))
        if word not in made:
            made.add(word)
            words.append(word)
    return words


class LetterGenerator:
    def __init__(self, rows: int, seed: int = 3, campaign_share: float = 0.6) -> None:
        self.rng = random.Random(seed)  # noqa: S311 - synthetic data
        self.vocab = {lang: _vocabulary(lang, self.rng) for lang in ("es", "en")}
        self.cum = {lang: list(itertools.accumulate(1 / (r + 1) for r in range(len(words))))
                    for lang, words in self.vocab.items()}
        self.campaign_share = campaign_share
        count = max(20, rows // 500)
        self.templates = [(lang, self._template(lang)) for lang in
                          (self.rng.choice(("es", "en")) for _ in range(count))]
        self.sizes = list(itertools.accumulate(1 / (i + 1) for i in range(count)))
        self.names = samples.ES_NAMES + samples.EN_NAMES
        self.places = samples.ES_PLACES + samples.EN_PLACES

    def _sentence(self, lang: str) -> str:
        words = self.rng.choices(self.vocab[lang], cum_weights=self.cum[lang],
                                 k=self.rng.randint(10, 24))
        return " ".join(words).capitalize() + "."

    def _template(self, lang: str) -> list[list[str]]:
        return [[self._sentence(lang) for _ in range(self.rng.randint(2, 4))]
                for _ in range(3)]

    def _copy(self, lang: str, template: list[list[str]]) -> str:
        rng = self.rng
        paragraphs = [list(p) for p in template]
        roll = rng.random()
        p = rng.randrange(len(paragraphs))
        if roll < 0.25:
            paragraphs[p][rng.randrange(len(paragraphs[p]))] = self._sentence(lang)
        elif roll < 0.45:
            paragraphs[p].insert(rng.randrange(len(paragraphs[p]) + 1), self._sentence(lang))
        elif roll < 0.6 and len(paragraphs[p]) > 1:
            paragraphs[p].pop(rng.randrange(len(paragraphs[p])))
        body = "\n\n".join(" ".join(paragraph) for paragraph in paragraphs)
        if rng.random() < 0.3:
            words = body.split(" ")
            for _ in range(rng.randint(1, 3)):
                words[rng.randrange(len(words))] = rng.choice(self.vocab[lang][:500])
            body = " ".join(words)
        parts = [rng.choice(GREETINGS[lang]), body, rng.choice(CLOSINGS[lang]),
                 f"{rng.choice(self.names)}\n{rng.choice(self.places)}"]
        return "\n\n".join(part for part in parts if part)

    def _own(self) -> tuple[str, str]:
        lang = self.rng.choice(("es", "en"))
        sentences = [self._sentence(lang) for _ in range(self.rng.randint(2, 8))]
        return lang, " ".join(sentences)

    def one(self) -> tuple[str, str]:
        if self.rng.random() < self.campaign_share:
            (lang, template), = self.rng.choices(self.templates, cum_weights=self.sizes)
            return lang, self._copy(lang, template)
        return self._own()

    def stream(self, rows: int) -> Iterator[tuple[str, str]]:
        for _ in range(rows):
            yield self.one()

    def probes(self, count: int) -> Iterator[tuple[str, str]]:
        """New comments: copies of stored campaigns and comments of people's own, alternately."""
        for n in range(count):
            if n % 2:
                yield self._own()
            else:
                lang, template = self.rng.choice(self.templates)
                yield lang, self._copy(lang, template)
