"""Receiving comments: validation that the period is open, the receipt and its digest."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from portal.models import (
    Answer,
    Attachment,
    CommentPeriod,
    Extraction,
    FileType,
    Flag,
    Language,
    LanguageSource,
    PeriodState,
    Status,
    Submission,
)
from portal.models.types import utcnow
from portal.services import attachments, enrichment, outbox
from portal.services.attachment_checks import CheckedFile
from portal.services.attachment_store import AttachmentStore, forget_on_rollback
from portal.text.folding import fold
from portal.text.visible import is_blank

# Crockford's base32 without I, L, O, U: easy to read aloud and to type from a phone.
TRACKING_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
TRACKING_PREFIX = "HLED"


class PeriodNotOpenError(Exception):
    def __init__(self, period: CommentPeriod, state: PeriodState) -> None:
        super().__init__(f"{period.docket_id} is {state}")
        self.period = period
        self.state = state


@dataclass(frozen=True)
class AnswerInput:
    question_id: int
    position: int
    text: str


@dataclass(frozen=True)
class SubmissionInput:
    submitter_type: str
    organization: str | None
    name: str
    email: str
    country: str
    region: str
    subject: str
    body: str
    consent_publish: bool
    declared_language: str | None = None
    # A field people never see; software that fills every field fills it.
    honeypot: str = ""
    # Answers to the period's questions; only the ones written.
    answers: tuple[AnswerInput, ...] = ()
    # Sent sooner after the form was shown than a person can fill it in (or without the signed
    # time the form carries): software, most likely.
    too_fast: bool = False
    # Business-confidential information: the writer ticked and certified it; the confidential
    # text (if any) reaches staff only.
    contains_bci: bool = False
    confidential_body: str = ""

    def full_text(self) -> str:
        return "\n\n".join(t for t in [self.body, *(a.text for a in self.answers)]
                           if not is_blank(t))


def new_tracking_number() -> str:
    chars = "".join(secrets.choice(TRACKING_ALPHABET) for _ in range(12))
    return f"{TRACKING_PREFIX}-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


_LOOK_ALIKES = str.maketrans("OIL", "011")
# The prefix as people type it, look-alikes included (H1ED, HIED, HLED).
_PREFIX = re.compile(r"^H[L1I]ED")
_NOT_SYMBOL = re.compile(r"[^0-9A-Z]")
TRACKING_SYMBOLS = 12


def normalize_tracking_number(raw: str) -> str:
    """Accept what a person types: any case, with or without the dashes or the prefix, spaces
    or other separators anywhere, and the look-alike letters O, I and L.

    What cannot be a tracking number comes back cleaned but not reshaped, so it finds nothing.
    """
    cleaned = _NOT_SYMBOL.sub("", raw.upper())
    if len(cleaned) == TRACKING_SYMBOLS + len(TRACKING_PREFIX) and _PREFIX.match(cleaned):
        cleaned = cleaned[len(TRACKING_PREFIX):]
    cleaned = cleaned.translate(_LOOK_ALIKES)
    if len(cleaned) != TRACKING_SYMBOLS:
        return cleaned
    return f"{TRACKING_PREFIX}-{cleaned[:4]}-{cleaned[4:8]}-{cleaned[8:]}"


@dataclass(frozen=True)
class Upload:
    """A checked file and whether it belongs to the confidential version."""

    file: CheckedFile
    confidential: bool = False


@dataclass(frozen=True)
class FileRecord:
    """What the receipt says of a file: enough to prove which bytes were received."""

    position: int
    name: str
    sha256: str
    size: int
    type: str
    confidential: bool

    def canonical(self) -> dict[str, object]:
        record: dict[str, object] = {"position": self.position, "sha256": self.sha256,
                                     "size": self.size, "type": self.type}
        if self.confidential:
            # The name of a confidential file is itself kept from every page, the receipt too.
            record["confidential"] = True
        else:
            record["name"] = self.name
        return record


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def canonical_record(period_docket: str, data: SubmissionInput, received_at: datetime,
                     files: Sequence[FileRecord] = ()) -> str:
    """The exact bytes the receipt's digest is taken over: sorted-key JSON, UTF-8."""
    record = asdict(data)
    record.pop("declared_language")
    record.pop("honeypot")
    answers = record.pop("answers")
    if answers:
        # Only comments with answers carry the key: older receipts keep their exact bytes.
        record["answers"] = sorted(answers, key=lambda a: a["position"])
    record.pop("too_fast")
    # Likewise files and the confidential part: keys present only when there are some. The
    # confidential text is covered by its SHA-256, so the record itself never shows it.
    record.pop("contains_bci")
    confidential = record.pop("confidential_body")
    if data.contains_bci:
        record["contains_bci"] = True
        record["confidential_text_sha256"] = text_sha256(confidential) if confidential else None
    if files:
        record["attachments"] = [f.canonical() for f in sorted(files, key=lambda f: f.position)]
    record["period"] = period_docket
    record["received_at"] = received_at.isoformat()
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def digest_of(canonical: str) -> str:
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def canonical_for(submission: Submission) -> str:
    """Rebuild the canonical record from what is stored, to re-check a receipt."""
    data = SubmissionInput(
        submitter_type=submission.submitter_type,
        organization=submission.organization,
        name=submission.name,
        email=submission.email,
        country=submission.country,
        region=submission.region,
        subject=submission.subject,
        body=submission.body,
        consent_publish=submission.consent_publish,
        answers=tuple(AnswerInput(a.question_id, a.question.position, a.text)
                      for a in submission.sorted_answers),
        contains_bci=submission.contains_bci,
        confidential_body=submission.confidential_body or "",
    )
    files = [FileRecord(a.position, a.name, a.sha256, a.size, a.file_type.value, a.confidential)
             for a in submission.attachments]
    return canonical_record(submission.period.docket_id, data, submission.received_at, files)


_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
MANY_LINKS = 5


def fingerprint(body: str) -> str:
    """Same text whatever the spacing and case: how form letters are recognised."""
    normalized = " ".join(fold(body).split())
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def _flags(data: SubmissionInput) -> str:
    """The flags that cost no query; "repeated" is added by the worker (enrichment)."""
    flags = []
    if data.honeypot.strip():
        flags.append(Flag.HONEYPOT)
    if data.too_fast:
        flags.append(Flag.TOO_FAST)
    if len(_LINK.findall(data.full_text())) >= MANY_LINKS:
        flags.append(Flag.MANY_LINKS)
    return " ".join(flags)


def _check_parts(data: SubmissionInput, uploads: Sequence[Upload], max_files: int) -> None:
    """What the form checks beside each field, checked again for every other caller."""
    if len(uploads) > max_files:
        raise ValueError("too many files")
    public_files = [u for u in uploads if not u.confidential]
    if is_blank(data.full_text()) and not public_files:
        raise ValueError("neither a comment nor an answer nor a public file")
    confidential = not is_blank(data.confidential_body) or len(public_files) < len(uploads)
    if data.contains_bci and not confidential:
        raise ValueError("business-confidential without a confidential part")
    if confidential and not data.contains_bci:
        raise ValueError("a confidential part without the certification")


def submit(session: Session, new: NewComment) -> Submission:
    """Store a prepared comment (`prepare`) in the caller's transaction; the caller commits
    before showing the receipt. Its tracking number is looked up first, since a caller's
    transaction cannot be rolled back here to draw another; the comment form, which owns its
    transaction, takes the write lock after `prepare` and calls `store_comment` instead.

    Only what the receipt needs happens here; the rest waits for the worker
    (portal/services/enrichment.py)."""
    while tracking_taken(session, new.tracking_number):
        renumber(new)
    return session.get_one(Submission, store_comment(session, new))


@dataclass
class NewComment:
    """A comment checked, with its row worked out, not yet written (`prepare`, then
    `store_comment`)."""

    row: dict[str, object]
    answers: tuple[AnswerInput, ...]
    uploads: tuple[Upload, ...]
    store: AttachmentStore | None

    @property
    def tracking_number(self) -> str:
        return str(self.row["tracking_number"])


def prepare(
    period: CommentPeriod,
    data: SubmissionInput,
    ui_language: str,
    now: datetime | None = None,
    uploads: Sequence[Upload] = (),
    store: AttachmentStore | None = None,
    max_files: int = 5,
) -> NewComment:
    """Check a comment and work out its row, digest and flags, without the database: a writer
    does this before taking SQLite's write lock, which every other comment waits for.

    Its tracking number has 60 random bits, so one already given is next to impossible; the
    unique index refuses it, and the caller draws another (`renumber`) and stores again."""
    now = now or utcnow()
    state = period.state(now)
    if state is not PeriodState.OPEN:
        raise PeriodNotOpenError(period, state)
    asked = {q.id: q for q in period.questions}
    if any(a.question_id not in asked or asked[a.question_id].position != a.position
           for a in data.answers):
        raise ValueError("an answer to a question the period does not ask")
    if is_blank(data.subject):
        raise ValueError("no subject")
    _check_parts(data, uploads, max_files)
    if uploads and store is None:
        raise ValueError("files without a store to keep them")
    # The declared language, or none until the worker detects it (portal/services/enrichment).
    lang, source = Language.parse(data.declared_language), LanguageSource.DECLARED
    if lang not in (Language.EN, Language.ES):
        lang, source = Language.UND, LanguageSource.PENDING
    # Microsecond precision is kept by both databases; the digest covers this exact instant.
    digest = digest_of(canonical_record(period.docket_id, data, now, [
        FileRecord(i, u.file.name, u.file.sha256, u.file.size, u.file.file_type.value,
                   u.confidential) for i, u in enumerate(uploads, start=1)]))
    row: dict[str, object] = {
        "tracking_number": new_tracking_number(),
        "period_id": period.id,
        "submitter_type": data.submitter_type,
        "organization": data.organization,
        "name": data.name,
        "email": data.email,
        "country": data.country,
        "region": data.region,
        "subject": data.subject,
        "body": data.body,
        "language": lang,
        "language_source": source,
        "consent_publish": data.consent_publish,
        "ui_language": ui_language,
        "received_at": now,
        "digest": digest,
        "status": Status.PENDING,
        "contains_bci": data.contains_bci,
        "confidential_body": data.confidential_body
        if data.contains_bci and data.confidential_body.strip() else None,
        "text_fingerprint": fingerprint(data.full_text()),
        "flags": _flags(data),
    }
    return NewComment(row, data.answers, tuple(uploads), store)


def tracking_taken(session: Session, tracking: str) -> bool:
    return session.scalar(
        select(Submission.id).where(Submission.tracking_number == tracking)) is not None


def renumber(new: NewComment) -> None:
    """Another tracking number (the digest does not cover it)."""
    new.row["tracking_number"] = new_tracking_number()


_SUBMISSIONS = cast(Table, Submission.__table__)
_ANSWERS = cast(Table, Answer.__table__)


def store_comment(session: Session, new: NewComment) -> int:
    """Write a prepared comment, its answers, files and its receipt's outbox row; its id.

    Inserted as rows, not through the ORM's unit of work (half the time, and the time is spent
    holding the write lock). A comment waiting for review is none of the flush hooks' business:
    term statistics, public dates and the page cache follow it once it is enriched or decided.

    Files are written to the store (content-addressed) and removed again if the transaction
    rolls back; their text is read later (portal/services/attachments.py), never here."""
    inserted = session.execute(insert(_SUBMISSIONS), new.row)
    submission_id = int(inserted.inserted_primary_key[0])  # type: ignore[attr-defined]
    if new.answers:
        session.execute(insert(_ANSWERS), [
            {"submission_id": submission_id, "question_id": a.question_id, "text": a.text}
            for a in new.answers])
    if new.uploads and new.store is not None:
        session.add_all(_store_files(session, submission_id, new.store, new.uploads))
        attachments.files_stored(session)
    # Its receipt by email, sent once this transaction commits. The rest is added on the worker
    # once it commits: language, sanitized HTML, themes, then its campaign (a member of a
    # decided campaign is decided there, after this).
    outbox.receipt(session, submission_id, new.row)
    enrichment.comment_stored(session)
    return submission_id


def _store_files(session: Session, submission_id: int, store: AttachmentStore,
                 uploads: Sequence[Upload]) -> list[Attachment]:
    rows, written = [], []
    try:
        for position, upload in enumerate(uploads, start=1):
            f = upload.file
            key, new = store.put(f.sha256, f.data)
            if new:
                written.append(key)
            image = f.file_type in (FileType.PNG, FileType.JPEG)
            rows.append(Attachment(
                submission_id=submission_id, position=position, sha256=f.sha256, size=f.size,
                file_type=f.file_type, name=f.name, storage_key=key,
                confidential=upload.confidential, state=f.state, held_markers=f.held_markers,
                extraction=Extraction.NOT_APPLICABLE if image else Extraction.PENDING))
    finally:
        forget_on_rollback(session, store, written)
    return rows


def by_tracking_number(session: Session, raw: str) -> Submission | None:
    return session.scalar(
        select(Submission).where(Submission.tracking_number == normalize_tracking_number(raw))
    )
