"""Dating every change of the public record, whatever code makes it.

Harvesters of the open-data API ask for "what changed since" (`Submission.updated_at`). A comment
changes publicly when it is published, redacted, its confirmed themes or the public version of
an answer change, or it is withdrawn (sent back to the queue or otherwise unpublished). Rather
than trusting every service that does one of those (moderation, themes, sending back, campaigns,
withholding a file) to remember a timestamp, one flush hook stamps `updated_at` whenever
a flush changes a public column of a comment that is public before or after the change, its
confirmed themes or its answers.

A comment that was never public keeps `updated_at` None: redacting a comment awaiting review, or
rejecting it, tells the public nothing. A withdrawn comment keeps a stamp newer than its last
public version, which is how the feed reports the withdrawal.

Code that changes public columns with a bulk `update()` statement bypasses the ORM and must set
`updated_at` itself. A feature that adds public data to a comment adds its column to
PUBLIC_COLUMNS, or its rows to `_stamped_through_rows`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from portal.models.attachments import Attachment
from portal.models.submission import Answer, Status, Submission
from portal.models.themes import SubmissionTheme
from portal.models.types import utcnow

# Columns of a comment that the reading room, the API or a download shows (or that decide it).
PUBLIC_COLUMNS = (
    "status", "period_id", "submitter_type", "organization", "name", "consent_publish",
    "country", "region", "subject", "public_subject", "body", "public_body", "language",
)


def _was_public(submission: Submission) -> bool:
    history = inspect(submission).attrs.status.history
    before = history.deleted[0] if history.deleted else submission.status
    return bool(before is Status.PUBLISHED or submission.status is Status.PUBLISHED)


def _public_change(submission: Submission) -> bool:
    state = inspect(submission)
    if not any(state.attrs[name].history.has_changes() for name in PUBLIC_COLUMNS):
        return False
    return _was_public(submission)


def _stamped_through_rows(session: Session) -> set[int | None]:
    """Comments whose confirmed themes or answers this flush adds, removes or changes."""
    ids: set[int | None] = set()
    for row in (*session.new, *session.dirty, *session.deleted):
        if isinstance(row, SubmissionTheme):
            if row in session.dirty:
                if inspect(row).attrs.confirmed.history.has_changes():
                    ids.add(row.submission_id)
            elif row.confirmed:
                ids.add(row.submission_id)
        elif isinstance(row, Attachment):
            # A file withheld (or otherwise changing state) changes the public list of files.
            if row in session.dirty and inspect(row).attrs.state.history.has_changes():
                ids.add(row.submission_id)
        elif isinstance(row, Answer):
            state = inspect(row)
            if row not in session.dirty or any(
                state.attrs[name].history.has_changes() for name in ("text", "public_text")
            ):
                ids.add(row.submission_id)
    return ids


@event.listens_for(Session, "before_flush")
def _stamp_public_changes(session: Session, _context: Any, _instances: Any) -> None:
    now = utcnow()
    for obj in session.new:
        if isinstance(obj, Submission) and obj.status is Status.PUBLISHED:
            obj.updated_at = now
    for obj in session.dirty:
        if isinstance(obj, Submission) and _public_change(obj):
            obj.updated_at = now
    for submission_id in _stamped_through_rows(session):
        if submission_id is None:  # rows of a comment being made: not public yet
            continue
        with session.no_autoflush:
            submission = session.get(Submission, submission_id)
        if submission is not None and _was_public(submission):
            submission.updated_at = now
