"""The command line: migrations, seeding (idempotent) and demo data."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import func, select

from portal.db import new_session
from portal.models import CommentPeriod, Pillar, Submission


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        session = new_session()
        try:
            return session.scalar(select(func.count()).select_from(model)) or 0
        finally:
            session.close()


def test_seed_is_idempotent_and_opens_one_period_per_pillar(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "pillars added: 3, periods added: 3, themes added: 10" in first.output
    second = runner.invoke(args=["seed"])
    assert "pillars added: 0, periods added: 0, themes added: 0" in second.output
    assert _count(app, Pillar) == 3
    assert _count(app, CommentPeriod) == 3
    with app.app_context():
        session = new_session()
        periods = session.scalars(select(CommentPeriod).order_by(CommentPeriod.docket_id)).all()
        assert all(p.state().value == "open" for p in periods)
        assert [p.docket_id[-4:] for p in periods] == ["0001", "0002", "0003"]
        assert all(p.opens_at.tzinfo is not None for p in periods)
        session.close()


def test_seed_demo_adds_comments_in_both_languages(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["seed", "--demo", "40"])
    assert result.exit_code == 0, result.output
    assert _count(app, Submission) == 40
    with app.app_context():
        session = new_session()
        languages = set(session.scalars(select(Submission.language)))
        session.close()
    assert languages == {"en", "es"}


def test_seed_demo_rejects_a_negative_count(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["seed", "--demo", "-3"])
    assert result.exit_code == 2


def test_db_current_reports_head(runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["db", "current"])
    assert result.exit_code == 0
