"""Every change of what the public sees of a comment is dated (`updated_at`), whoever makes it;
changes the public never saw leave no date."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from sqlalchemy import select

from portal.db import write_session
from portal.models import CommentPeriod, Status, Submission, SubmissionTheme, Theme
from portal.seed import seed_themes
from portal.services import audit, moderation, themes
from tests.conftest import add_submission


def _stamp(app: Flask, submission_id: int) -> datetime | None:
    with app.app_context(), write_session() as session:
        return session.get(Submission, submission_id).updated_at  # type: ignore[union-attr]


def _published(app: Flask, period: CommentPeriod) -> int:
    submission_id, _ = add_submission(app, period)
    with app.app_context(), write_session() as session:
        moderation.publish(session, session.get(Submission, submission_id), audit.CLI)
    return submission_id


def test_a_comment_never_public_has_no_date(app: Flask, open_period: CommentPeriod) -> None:
    pending, _ = add_submission(app, open_period)
    rejected, _ = add_submission(app, open_period)
    with app.app_context(), write_session() as session:
        moderation.edit_public_version(session, session.get(Submission, pending), audit.CLI,
                                       "Redacted before publication.")
        moderation.reject(session, session.get(Submission, rejected), audit.CLI, "spam")
    assert _stamp(app, pending) is None
    assert _stamp(app, rejected) is None


def test_publishing_redacting_and_withdrawing_each_date_the_comment(
    app: Flask, open_period: CommentPeriod
) -> None:
    submission_id = _published(app, open_period)
    published = _stamp(app, submission_id)
    assert published is not None

    with app.app_context(), write_session() as session:
        moderation.edit_public_version(session, session.get(Submission, submission_id),
                                       audit.CLI, "A shorter public version.")
    redacted = _stamp(app, submission_id)
    assert redacted is not None and redacted > published

    # Sending a comment back to the queue is a change of status, whatever code makes it.
    with app.app_context(), write_session() as session:
        session.get(Submission, submission_id).status = Status.PENDING  # type: ignore[union-attr]
    withdrawn = _stamp(app, submission_id)
    assert withdrawn is not None and withdrawn > redacted

    # While withdrawn, edits are not public changes.
    with app.app_context(), write_session() as session:
        moderation.edit_public_version(session, session.get(Submission, submission_id),
                                       audit.CLI, "Edited while back in the queue.")
    assert _stamp(app, submission_id) == withdrawn


def test_changing_confirmed_themes_of_a_published_comment_dates_it(
    app: Flask, open_period: CommentPeriod
) -> None:
    with app.app_context(), write_session() as session:
        seed_themes(session)
    submission_id = _published(app, open_period)
    before = _stamp(app, submission_id)
    with app.app_context(), write_session() as session:
        submission = session.get(Submission, submission_id)
        assert submission is not None
        theme = session.scalars(select(Theme).where(
            Theme.pillar_id == submission.period.pillar_id)).first()
        assert theme is not None
        themes.confirm(session, submission, [theme.id], audit.CLI)
    after_confirm = _stamp(app, submission_id)
    assert after_confirm is not None and before is not None and after_confirm > before

    # Saving the same themes again changes nothing public.
    with app.app_context(), write_session() as session:
        submission = session.get(Submission, submission_id)
        rows = session.scalars(select(SubmissionTheme).where(
            SubmissionTheme.submission_id == submission_id, SubmissionTheme.confirmed)).all()
        themes.confirm(session, submission, [r.theme_id for r in rows], audit.CLI)  # type: ignore[arg-type]
    assert _stamp(app, submission_id) == after_confirm


def test_editing_a_theme_label_dates_the_theme(app: Flask, open_period: CommentPeriod) -> None:
    with app.app_context(), write_session() as session:
        seed_themes(session)
        theme = session.scalars(select(Theme)).first()
        assert theme is not None
        theme_id, first = theme.id, theme.updated_at
    with app.app_context(), write_session() as session:
        theme = session.get(Theme, theme_id)
        themes.update(session, theme, audit.CLI, label_en="Border crossings",  # type: ignore[arg-type]
                      label_es="Cruces fronterizos", keywords_en="", keywords_es="", active=True)
    with app.app_context(), write_session() as session:
        later = session.get(Theme, theme_id).updated_at  # type: ignore[union-attr]
    assert first is not None and later is not None and later > first
