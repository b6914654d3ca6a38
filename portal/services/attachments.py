"""Comment files after they arrive: reading their text, withholding one, who may download.

Reading text is slow (seconds for a long PDF) and runs outside the web request: the command
`flask --app portal attachments extract` calls `extract_pending`, and a background task can call
`extract_one` for each new file the same way (it takes a session and an id, flushes, and is
idempotent: a file already read is left alone). The reader runs in a bounded child process
(portal/services/extraction.py).

Once a file's text is known it joins what search indexes (published comments, public files
only) and what theme suggestion reads (comments awaiting review); a PDF whose structure turns
out to hold active content is held for a moderator even if its bytes did not show it.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import (
    Attachment,
    AuditAction,
    Extraction,
    ExtractionProblem,
    FileState,
    FileType,
    Status,
    Submission,
)
from portal.models.types import utcnow
from portal.services import audit, search, themes
from portal.services.attachment_store import AttachmentStore
from portal.services.extraction import Extracted, Limits, run

# Fewer letters than this over a PDF's pages: scanned pages (images), no text layer.
MIN_LETTERS = 20
READABLE = (FileType.PDF, FileType.DOCX, FileType.XLSX, FileType.ODT, FileType.TXT)


class AttachmentError(ValueError):
    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


def pending_ids(session: Session, limit: int = 100) -> list[int]:
    return list(session.scalars(
        select(Attachment.id).where(Attachment.extraction == Extraction.PENDING)
        .order_by(Attachment.id).limit(limit)))


def read(store: AttachmentStore, attachment: Attachment, limits: Limits) -> Extracted:
    """Read a file's text (no database work: safe to do outside any transaction)."""
    if attachment.file_type not in READABLE:
        return Extracted()
    return run(Path(store.path(attachment.storage_key)), attachment.file_type.value, limits)


def record(session: Session, attachment: Attachment, result: Extracted) -> Attachment:
    """Store what reading found, then refresh search and theme suggestions."""
    if attachment.file_type not in READABLE:
        attachment.extraction = Extraction.NOT_APPLICABLE
    elif result.failed:
        attachment.extraction = Extraction.FAILED
    elif sum(c.isalnum() for c in result.text[:100_000]) < (
            MIN_LETTERS if attachment.file_type is FileType.PDF else 1):
        attachment.extraction = Extraction.NO_TEXT
    else:
        attachment.extraction = Extraction.DONE
    problem = ExtractionProblem.parse(result.note)
    attachment.extraction_note = (problem or ExtractionProblem.CRASHED).value \
        if result.failed or result.note else ""
    attachment.extracted_text = result.text if attachment.extraction is Extraction.DONE else None
    attachment.page_count = result.pages
    attachment.extracted_at = utcnow()
    if result.active and attachment.state is FileState.STORED:
        attachment.state = FileState.HELD
        attachment.held_markers = " ".join(result.active)[:200]
    session.flush()
    _refresh(session, attachment.submission)
    return attachment


def _refresh(session: Session, submission: Submission) -> None:
    if submission.status is Status.PUBLISHED:
        search.index(session, submission)
    elif submission.status is Status.PENDING:
        themes.suggest(session, submission, submission.period.pillar_id)


def extract_one(session: Session, attachment_id: int, store: AttachmentStore,
                limits: Limits | None = None) -> Attachment | None:
    """Read one file's text if it is still pending (a task may call this; idempotent)."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or attachment.extraction is not Extraction.PENDING:
        return attachment
    return record(session, attachment, read(store, attachment, limits or Limits()))


def extract_pending(session: Session, store: AttachmentStore, limit: int = 100,
                    limits: Limits | None = None) -> int:
    """Read the text of up to `limit` pending files, oldest first; returns how many."""
    done = 0
    for attachment_id in pending_ids(session, limit):
        extract_one(session, attachment_id, store, limits)
        done += 1
    return done


def for_download(session: Session, attachment_id: int, *, staff: bool, confidential_ok: bool
                 ) -> Attachment | None:
    """The file a person may download, or None (the same answer whether it exists or not).

    The public: a public file of a published comment. Staff: files of any comment, the
    confidential ones only to moderators and admins (`confidential_ok`). A withheld file is
    returned to the public too, so that the view can say it was withheld (410)."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        return None
    if staff:
        return attachment if confidential_ok or not attachment.confidential else None
    if attachment.submission.status is not Status.PUBLISHED or attachment.confidential \
            or attachment.state is FileState.HELD:
        return None
    return attachment


def withhold(session: Session, actor: audit.Actor, attachment: Attachment, reason: str
             ) -> Attachment:
    """Take one file of a comment away from the public, with a reason (audited)."""
    reason = reason.strip()
    if not reason:
        raise AttachmentError(_l("Say why the file is withheld."))
    if len(reason) > 2000:
        raise AttachmentError(_l("Use at most %(max)s characters.", max=2000))
    if attachment.state is FileState.WITHHELD:
        raise AttachmentError(_l("This file is already withheld."))
    before = {"file": attachment.name, "state": attachment.state.value}
    attachment.state = FileState.WITHHELD
    attachment.withheld_reason = reason
    attachment.withheld_at = utcnow()
    attachment.withheld_by_id = actor.user_id
    session.flush()
    audit.record(session, actor, AuditAction.ATTACHMENT_WITHHOLD, "submission",
                 attachment.submission_id, before=before,
                 after={"file": attachment.name, "state": attachment.state.value,
                        "reason": reason})
    submission = attachment.submission
    if submission.status is Status.PUBLISHED:
        search.index(session, submission)
    return attachment


NEW_FILES = "portal_new_files"  # session.info: this transaction stored files to read


def files_stored(session: Session) -> None:
    """Note that this transaction stored files, so a worker is asked to read them once it
    commits (portal/tasks.py)."""
    session.info[NEW_FILES] = True


def read_due(store: AttachmentStore, limits: Limits, limit: int = 100) -> Counter[str]:
    """Background work: read the text of up to `limit` files not read yet. Each file is read
    outside any transaction, then its result is written in a short one of its own, so a long
    PDF never holds the database's write lock; a file another worker recorded meanwhile is
    left as it is. Returns how many files ended in each extraction state."""
    from portal.db import new_session, write_session

    reader = new_session()
    try:
        ids = pending_ids(reader, limit)
    finally:
        reader.close()
    outcome: Counter[str] = Counter()
    for attachment_id in ids:
        reader = new_session()
        try:
            found = reader.get(Attachment, attachment_id)
            if found is None:
                continue
            result = read(store, found, limits)
        finally:
            reader.close()
        with write_session() as session:
            row = session.get(Attachment, attachment_id)
            if row is None or row.extraction is not Extraction.PENDING:
                continue  # another worker got there first
            record(session, row, result)
            outcome[row.extraction.value] += 1
    return outcome
