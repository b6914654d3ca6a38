"""The command line: migrations, seeding (idempotent) and demo data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.script import ScriptDirectory
from flask import Flask
from sqlalchemy import func, select

from portal.cli import alembic_config
from portal.models import CommentPeriod, Pillar, Submission
from tests.conftest import db_session

ROOT = Path(__file__).resolve().parent.parent


def _count(app: Flask, model: type) -> int:
    with db_session(app) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_seed_is_idempotent_and_opens_one_period_per_pillar(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    first = runner.invoke(args=["seed"])
    assert first.exit_code == 0, first.output
    assert "pillars added: 3, periods added: 3, themes added: 10" in first.output
    second = runner.invoke(args=["seed"])
    assert "pillars added: 0, periods added: 0, themes added: 0" in second.output
    assert _count(app, Pillar) == 3
    assert _count(app, CommentPeriod) == 3
    with db_session(app) as session:
        periods = session.scalars(select(CommentPeriod).order_by(CommentPeriod.docket_id)).all()
        assert all(p.state().value == "open" for p in periods)
        assert [p.docket_id[-4:] for p in periods] == ["0001", "0002", "0003"]
        assert all(p.opens_at.tzinfo is not None for p in periods)


def test_seed_demo_adds_comments_in_both_languages(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["seed", "--demo", "40"])
    assert result.exit_code == 0, result.output
    assert _count(app, Submission) == 40
    with db_session(app) as session:
        languages = set(session.scalars(select(Submission.language)))
    assert languages == {"en", "es"}


def test_seed_demo_rejects_a_negative_count(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(args=["seed", "--demo", "-3"])
    assert result.exit_code == 2 and "Invalid value for '--demo'" in result.output
    assert _count(app, Pillar) == 0 and _count(app, Submission) == 0


def _flask_db_current(url: str) -> str:
    """What `flask --app portal db current` prints, run as a person runs it.

    Alembic writes through its own stdout and logger rather than click's, so only a real process
    shows what a person sees.
    """
    env = {**os.environ, "PORTAL_DATABASE_URL": url, "PORTAL_ENV": "development"}
    run = subprocess.run(  # noqa: S603 - our own command, no shell
        [sys.executable, "-m", "flask", "--app", "portal", "db", "current"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_db_current_reports_the_revision_of_the_database(scratch_url: str) -> None:
    config = alembic_config(scratch_url)
    script = ScriptDirectory.from_config(config)
    head = script.get_revision(script.get_current_head())
    assert head is not None and isinstance(head.down_revision, str)
    command.upgrade(config, "head")
    assert _flask_db_current(scratch_url) == f"{head.revision} (head)"
    # One step down, it reports that revision: it reads the database, not the scripts.
    command.downgrade(config, "-1")
    assert _flask_db_current(scratch_url) == head.down_revision
