"""Tracking numbers cannot be guessed: 12 independent, uniform symbols of 32 (60 bits).

A receipt, and the private record behind it, is reached by its number alone, so a number that
can be guessed from another one exposes someone's comment. Each test here is one that a
plausible weak generator fails: a counter or a clock (the high symbols barely change, and
consecutive numbers share them), digits only (most symbols never appear), a few random symbols
stretched to twelve (positions depend on each other), a skewed mapping from random bytes
(symbols not equally likely), or Python's seeded `random` (numbers replay).

Statistical bounds are set so that a sound generator fails any of them with a probability below
1e-12 (union bound over every position and pair), so these tests are not flaky; the weak
generators above exceed them by orders of magnitude.
"""

from __future__ import annotations

import math
import random
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.db import write_session
from portal.models import CommentPeriod, Submission
from portal.models.outbox import MessageKind, OutboxMessage
from portal.services import submissions
from tests.conftest import add_submission, post_comment

ROOT = Path(__file__).resolve().parent.parent
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base32: no I, L, O or U
TRACKING_RE = re.compile(rf"HLED-([{ALPHABET}]{{4}})-([{ALPHABET}]{{4}})-([{ALPHABET}]{{4}})")
SYMBOLS = 12
SAMPLES = 20_000
FALSE_FAILURE = 1e-12


def chi_square_limit(df: int, probability: float) -> float:
    """A value a chi-square variable with `df` degrees of freedom exceeds with less than
    `probability` (Laurent and Massart 2000, lemma 1: P(X - df >= 2 sqrt(df x) + 2x) <= e^-x)."""
    x = math.log(1 / probability)
    return df + 2 * math.sqrt(df * x) + 2 * x


def binomial_margin(trials: int, p: float, probability: float) -> float:
    """How far a Binomial(trials, p) count strays from its mean with less than `probability`
    (Bernstein: P(|X - mean| >= t) <= 2 exp(-t^2 / (2 (variance + t/3))))."""
    x = math.log(2 / probability)
    variance = trials * p * (1 - p)
    return x / 3 + math.sqrt(x * x / 9 + 2 * variance * x)


def pearson(counts: Counter[object], cells: int) -> float:
    """Pearson's statistic of observed counts against equal chances over `cells` cells."""
    total = sum(counts.values())
    expected = total / cells
    seen = sum((n - expected) ** 2 for n in counts.values()) / expected
    return seen + (cells - len(counts)) * expected  # each unseen cell adds (0 - E)^2 / E


def symbols(numbers: Iterable[str]) -> list[str]:
    found = []
    for number in numbers:
        match = TRACKING_RE.fullmatch(number)
        assert match, number
        found.append("".join(match.groups()))
    return found


@pytest.fixture(scope="module")
def sample() -> list[str]:
    """The 12 symbols of many numbers, in the order they were made."""
    return symbols(submissions.new_tracking_number() for _ in range(SAMPLES))


def test_numbers_have_the_documented_form_and_never_repeat(sample: list[str]) -> None:
    # Two of 20,000 sound numbers collide with a probability of about 2e-10.
    assert len(set(sample)) == SAMPLES


def test_every_position_uses_the_whole_alphabet_evenly(sample: list[str]) -> None:
    limit = chi_square_limit(len(ALPHABET) - 1, FALSE_FAILURE / SYMBOLS)
    for position in range(SYMBOLS):
        counts = Counter(number[position] for number in sample)
        unused = sorted(set(ALPHABET) - set(counts))
        statistic = pearson(counts, len(ALPHABET))
        assert statistic < limit, (position, round(statistic), round(limit), unused)


def test_positions_are_independent_of_each_other(sample: list[str]) -> None:
    pairs = list(combinations(range(SYMBOLS), 2))
    cells = len(ALPHABET) ** 2
    limit = chi_square_limit(cells - 1, FALSE_FAILURE / len(pairs))
    for i, j in pairs:
        statistic = pearson(Counter((number[i], number[j]) for number in sample), cells)
        assert statistic < limit, ((i, j), round(statistic), round(limit))


def test_a_number_says_nothing_about_the_next(sample: list[str]) -> None:
    # Numbers made one after the other share a symbol at a position as often as two unrelated
    # ones do (1 in 32); a counter or a clock shares most of them. Disjoint pairs keep the
    # count binomial.
    pairs = list(zip(sample[0::2], sample[1::2], strict=True))
    shared = sum(a[k] == b[k] for a, b in pairs for k in range(SYMBOLS))
    trials = len(pairs) * SYMBOLS
    margin = binomial_margin(trials, 1 / len(ALPHABET), FALSE_FAILURE)
    assert abs(shared - trials / len(ALPHABET)) < margin, (shared, trials / len(ALPHABET))


def test_numbers_do_not_replay_when_pythons_random_is_seeded() -> None:
    state = random.getstate()
    try:
        runs = []
        for _ in range(2):
            random.seed(2026)
            runs.append({submissions.new_tracking_number() for _ in range(5)})
    finally:
        random.setstate(state)
    assert not runs[0] & runs[1]


def test_each_process_starts_from_fresh_randomness() -> None:
    # A counter, a hash of one, or a generator seeded with a constant starts over in every
    # worker process and hands out the same numbers again.
    code = (
        "from portal.services.submissions import new_tracking_number as n\n"
        "print(' '.join(n() for _ in range(5)))"
    )
    runs = [
        set(
            subprocess.run(  # noqa: S603 - our own interpreter, no shell
                [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                timeout=120, check=True,
            ).stdout.split()
        )
        for _ in range(2)
    ]
    assert all(len(run) == 5 for run in runs), runs
    assert not runs[0] & runs[1]


def test_a_number_already_given_is_drawn_again_through_the_form_and_the_service(
        app: Flask, client: FlaskClient, open_period: CommentPeriod,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The form stores a comment without looking its number up first (the unique index refuses
    a repeat, next to impossible with 60 bits); forced here, the comment is stored under a new
    number, receipted once, and the first comment is untouched."""
    _, taken = add_submission(app, open_period, enrich=False)
    fresh = submissions.new_tracking_number
    drawn = iter([taken, taken])
    monkeypatch.setattr(submissions, "new_tracking_number", lambda: next(drawn, None) or fresh())

    answer = post_comment(client, "en", open_period.slug, subject="Second comment")
    assert answer.status_code == 303
    second = answer.headers["Location"].split("/receipts/")[1].split("?")[0]
    assert second != taken and TRACKING_RE.fullmatch(second)
    # The service looks first: the second repeat is drawn again before the insert.
    _, third = add_submission(app, open_period, enrich=False, subject="Third comment")
    assert third not in (taken, second)

    with app.app_context(), write_session() as session:
        rows = dict(session.execute(
            select(Submission.tracking_number, Submission.subject)).all())
        receipts = session.scalars(select(OutboxMessage.submission_id).where(
            OutboxMessage.kind == MessageKind.RECEIPT)).all()
    assert rows[second] == "Second comment" and rows[third] == "Third comment"
    assert rows[taken] != "Second comment"
    assert len(rows) == 3 and sorted(receipts) == sorted(set(receipts)) and len(receipts) == 3
