"""Believable comments in English and Spanish, made fast and the same for the same seed.

Used by the demo (`flask --app portal seed --demo N`, through the real services) and by the
benchmarks (`bench/`, straight into the tables, a million rows in minutes). The sentence banks
(bank_en, bank_es) are expanded once into pools of finished sentences with their word counts, so
making a comment is only sampling and joining: an opening in the writer's voice, a paragraph per
theme with a position, evidence and a request, and a closing.

Later capabilities hook in here: `Generator(answers=...)` fills `Comment.answers`, the answers to
a period's questions, and `Comment.campaign` names the form letter a comment was sent from (what
campaign detection should find).
"""

from __future__ import annotations

import dataclasses
import itertools
import random
import string
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TypeVar

from portal.seed import bank_en, bank_es, campaigns, taxonomy
from portal.seed.people import People, Writer

KINDS = ("subjects", "positions", "evidence", "requests")
MAX_VARIANTS = 6
THEMES_OF_PILLAR: dict[int, tuple[str, ...]] = {}
for _number, _code, *_rest in taxonomy.THEMES:
    THEMES_OF_PILLAR[_number] = (*THEMES_OF_PILLAR.get(_number, ()), _code)

T = TypeVar("T")
# Given a comment and the generator's random source, its answers to the period's questions.
AnswerHook = Callable[["Comment", random.Random], tuple[str, ...]]
Sentence = tuple[str, int, int]  # text, words, the template it came from


@dataclass(frozen=True)
class Comment:
    writer: Writer
    pillar: int
    themes: tuple[str, ...]
    language: str
    subject: str
    body: str
    campaign: str | None = None
    answers: tuple[str, ...] = ()


def _expand(template: str, slots: dict[str, list[str]], rng: random.Random) -> list[str]:
    names = [name for _, name, _, _ in string.Formatter().parse(template) if name]
    if not names:
        return [template]
    combos = list(itertools.product(*(slots[n] for n in names)))
    if len(combos) > MAX_VARIANTS:
        combos = rng.sample(combos, MAX_VARIANTS)
    return [template.format(**dict(zip(names, combo, strict=True))) for combo in combos]


@dataclass(frozen=True)
class Bank:
    """One language's sentences, finished: theme -> kind -> per template, its variants."""

    themes: dict[str, dict[str, list[list[Sentence]]]]
    openings: dict[str, list[str]]
    transitions: list[Sentence]
    closings: list[Sentence]
    jobs: list[str]


@lru_cache(maxsize=2)
def bank(language: str) -> Bank:
    source = bank_es if language == "es" else bank_en
    rng = random.Random(2013)  # noqa: S311 - a fixed choice of slot fillings, not security
    templates = itertools.count()
    themes = {
        code: {kind: [[(s, len(s.split()), tid) for s in _expand(t, source.SLOTS, rng)]
                      for t, tid in zip(kinds[kind], templates, strict=False)]
               for kind in KINDS}
        for code, kinds in source.THEMES.items()
    }
    return Bank(themes=themes, openings=source.OPENINGS,
                transitions=[(s, len(s.split()), -1) for s in source.TRANSITIONS],
                closings=[(s, len(s.split()), -1) for s in source.CLOSINGS], jobs=source.JOBS)


class Generator:
    """Comments for the three pillars. words: (least, most) words of a body, closings included.

    campaign_share: the share of comments that are form letters of a campaign of the same pillar.
    """

    def __init__(self, seed: int = 2013, *, words: tuple[int, int] = (100, 400),
                 campaign_share: float = 0.0, answers: AnswerHook | None = None) -> None:
        if words[1] - words[0] < 60 or words[0] < 20:
            raise ValueError("words: give a range of at least 60 words, from 20 up")
        self.rng = random.Random(seed)  # noqa: S311 - synthetic text, not security
        self._random = self.rng.random
        self.people = People(self.rng)
        self.words = words
        self.campaign_share = campaign_share
        self.answers = answers

    def comment(self, pillar: int) -> Comment:
        made = self._comment(pillar)
        if self.answers is None:
            return made
        return dataclasses.replace(made, answers=self.answers(made, self.rng))

    def comments(self, count: int, pillars: tuple[int, ...] = (1, 2, 3)) -> Iterator[Comment]:
        for i in range(count):
            yield self.comment(pillars[i % len(pillars)])

    def _comment(self, pillar: int) -> Comment:
        rng = self.rng
        if self.campaign_share and rng.random() < self.campaign_share:
            options = campaigns.by_pillar(pillar)
            if options:
                campaign = rng.choice(options)
                writer, subject, body = campaigns.letter(rng, campaign, self.people)
                return Comment(writer=writer, pillar=pillar, themes=campaign.themes,
                               language=campaign.language, subject=subject, body=body,
                               campaign=campaign.key)
        writer = self.people.writer()
        codes = THEMES_OF_PILLAR[pillar]
        themes = tuple(rng.sample(codes, 2 if rng.random() < 0.35 else 1))
        lang = writer.language
        words = bank(lang)
        subject = rng.choice(rng.choice(words.themes[themes[0]]["subjects"]))[0]
        return Comment(writer=writer, pillar=pillar, themes=themes, language=lang,
                       subject=subject, body=self._body(writer, pillar, themes, words))

    def _pick(self, items: Sequence[T]) -> T:
        """random.choice without its rejection sampling: a tenth of the cost, same seed, same
        pick (the bias over a few dozen items is far below anything a reader could notice)."""
        return items[int(self._random() * len(items))]

    def _body(self, writer: Writer, pillar: int, themes: tuple[str, ...], words: Bank) -> str:
        """Paragraphs of position, evidence and request, theme after theme, each template used
        once, until the target length; then the closing."""
        rng, pick = self.rng, self._pick
        least, most = self.words
        closing, closing_words, _ = rng.choice(words.closings)
        # Stop at the target: the longest sentence and the closing still fit under `most`.
        target = rng.randint(least, most - 50 - closing_words)
        voice = "individual" if writer.organization is None else "organization"
        opening = rng.choice(words.openings[voice]).format(
            org=writer.organization, city=writer.city, state=writer.region,
            job=rng.choice(words.jobs))
        count = len(opening.split())
        paragraphs: list[list[str]] = [[opening]]
        used: set[int] = set()
        said: set[str] = set()
        active = list(themes)
        neighbours = [t for t in THEMES_OF_PILLAR[pillar] if t not in themes]
        rng.shuffle(neighbours)
        turn, previous = 0, themes[0]
        while count < target:
            if not active:  # every theme said all it had: touch on a neighbouring one
                if not neighbours:
                    break
                active.append(neighbours.pop())
            theme = active[turn % len(active)]
            pool = words.themes[theme]
            paragraph = paragraphs[0] if turn == 0 else []
            added = 0
            for kind in ("positions", *["evidence"] * rng.randint(1, 3), "requests"):
                fresh = [g for g in pool[kind] if g[0][2] not in used]
                if not fresh:
                    continue
                text, n, tid = pick(pick(fresh))
                used.add(tid)
                if added == 0 and theme != previous:
                    unsaid = [t for t in words.transitions if t[0] not in said]
                    if unsaid:
                        transition, t_words, _ = pick(unsaid)
                        said.add(transition)
                        paragraph.append(transition)
                        count += t_words
                paragraph.append(text)
                count += n
                added += 1
                if count >= target:
                    break
            if not added:
                active.remove(theme)
                continue
            if turn:
                paragraphs.append(paragraph)
            previous = theme
            turn += 1
        paragraphs[-1].append(closing)
        return "\n\n".join(" ".join(p) for p in paragraphs)
