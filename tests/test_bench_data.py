"""The benchmark database builder writes what the services would have written (run on SQLite and
PostgreSQL like every test; the benchmarks themselves never run in the suite)."""

from __future__ import annotations

from collections import Counter

from flask import Flask
from sqlalchemy import func, select

from bench import data
from portal import sanitize
from portal.models import CommentPeriod, Status, Submission, SubmissionTheme
from portal.services import language, moderation, reading_room, submissions
from portal.text.folding import fold
from tests.conftest import db_session


def test_builder_fills_comments_counts_themes_and_the_index(app: Flask, db_url: str) -> None:
    built = data.build(db_url, 500, migrate=False)
    assert built.rows == 550  # 500 in the main period, 25 in each other one
    with db_session(app) as session:
        actual = Counter(dict(session.execute(
            select(Submission.status, func.count()).group_by(Submission.status)).all()))
        assert sum(actual.values()) == 550
        # The status counts the triggers kept agree with the table.
        assert moderation.status_counts(session) == {s: actual.get(s, 0) for s in Status}
        assert {Status(k): v for k, v in built.counts.items()} == dict(actual)
        assert 0.3 < actual[Status.PUBLISHED] / 550 < 0.5

        confirmed = Counter(session.scalars(select(SubmissionTheme.submission_id).where(
            SubmissionTheme.confirmed.is_(True))))
        published = set(session.scalars(select(Submission.id).where(
            Submission.status == Status.PUBLISHED)))
        assert set(confirmed) == published
        assert set(confirmed.values()) <= {1, 2}

        for s in session.scalars(select(Submission).order_by(Submission.id).limit(60)):
            assert s.body_html == sanitize.render_text(s.body)
            assert s.text_fingerprint == submissions.fingerprint(s.body)
            assert s.digest == submissions.digest_of(submissions.canonical_for(s))
            assert language.detect(s.body) == s.language
        assert session.scalar(select(func.count()).select_from(Submission).where(
            Submission.flags == "repeated")), "no exact copy of a form letter was flagged"

        period = session.scalars(select(CommentPeriod).where(
            CommentPeriod.slug == built.period_slug)).one()
        for word in ("border", "frontera"):
            found = reading_room.published(session, period,
                                           reading_room.ReadingFilters(query=word)).items
            assert found, word
            assert all(s.status is Status.PUBLISHED and word in fold(s.subject + " " + s.body)
                       for s in found)
        # The rare word: the same number of published matches whatever the size.
        rare = reading_room.published(session, period,
                                      reading_room.ReadingFilters(query=data.RARE_WORD))
        assert (rare.total, rare.total_capped) == (data.RARE_MATCHES, False)


def test_builder_is_the_same_for_the_same_seed() -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 30, tzinfo=UTC)
    periods = [data._Period(1, "HLED-2026-0001", 1, datetime(2026, 10, 1, tzinfo=UTC), 50)]
    from portal.seed import taxonomy

    ids = {code: i for i, (_, code, *_rest) in enumerate(taxonomy.THEMES)}
    first = list(data.generate(periods, ids, 4, now))
    again = list(data.generate(periods, ids, 4, now))
    assert first == again
    assert len({row[1] for row, _, _ in first}) == 50  # tracking numbers unique
