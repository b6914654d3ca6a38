"""Receiving comments: validation that the period is open, the receipt and its digest."""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal import sanitize
from portal.models import Answer, CommentPeriod, Flag, PeriodState, Status, Submission
from portal.models.types import utcnow
from portal.services import campaigns, language, outbox, themes
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


def canonical_record(period_docket: str, data: SubmissionInput, received_at: datetime) -> str:
    """The exact bytes the receipt's digest is taken over: sorted-key JSON, UTF-8."""
    record = asdict(data)
    record.pop("declared_language")
    record.pop("honeypot")
    answers = record.pop("answers")
    if answers:
        # Only comments with answers carry the key: older receipts keep their exact bytes.
        record["answers"] = sorted(answers, key=lambda a: a["position"])
    record.pop("too_fast")
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
    )
    return canonical_record(submission.period.docket_id, data, submission.received_at)


_LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
MANY_LINKS = 5


def fingerprint(body: str) -> str:
    """Same text whatever the spacing and case: how form letters are recognised."""
    normalized = " ".join(fold(body).split())
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def _flags(session: Session, period: CommentPeriod, data: SubmissionInput, print_: str) -> str:
    flags = []
    if data.honeypot.strip():
        flags.append(Flag.HONEYPOT)
    if data.too_fast:
        flags.append(Flag.TOO_FAST)
    if len(_LINK.findall(data.full_text())) >= MANY_LINKS:
        flags.append(Flag.MANY_LINKS)
    repeated = session.scalar(
        select(Submission.id)
        .where(Submission.period_id == period.id, Submission.text_fingerprint == print_)
        .limit(1)
    )
    if repeated is not None:
        flags.append(Flag.REPEATED)
    return " ".join(flags)


def submit(
    session: Session,
    period: CommentPeriod,
    data: SubmissionInput,
    ui_language: str,
    now: datetime | None = None,
) -> Submission:
    """Store a comment on an open period; the caller commits before showing the receipt."""
    now = now or utcnow()
    state = period.state(now)
    if state is not PeriodState.OPEN:
        raise PeriodNotOpenError(period, state)
    asked = {q.id: q for q in period.questions}
    if any(a.question_id not in asked or asked[a.question_id].position != a.position
           for a in data.answers):
        raise ValueError("an answer to a question the period does not ask")
    if is_blank(data.full_text()):
        raise ValueError("neither a comment nor an answer")
    if is_blank(data.subject):
        raise ValueError("no subject")
    # Microsecond precision is kept by both databases; the digest covers this exact instant.
    lang, source = language.resolve(data.declared_language, data.full_text())
    tracking = new_tracking_number()
    while session.scalar(select(Submission.id).where(Submission.tracking_number == tracking)):
        tracking = new_tracking_number()
    submission = Submission(
        tracking_number=tracking,
        period_id=period.id,
        submitter_type=data.submitter_type,
        organization=data.organization,
        name=data.name,
        email=data.email,
        country=data.country,
        region=data.region,
        subject=data.subject,
        body=data.body,
        body_html=sanitize.render_text(data.body),
        language=lang,
        language_source=source,
        consent_publish=data.consent_publish,
        ui_language=ui_language,
        received_at=now,
        digest=digest_of(canonical_record(period.docket_id, data, now)),
        status=Status.PENDING,
        answers=[Answer(question_id=a.question_id, text=a.text,
                        text_html=sanitize.render_text(a.text)) for a in data.answers],
    )
    submission.text_fingerprint = fingerprint(data.full_text())
    submission.flags = _flags(session, period, data, submission.text_fingerprint)
    session.add(submission)
    session.flush()
    # Its receipt by email, sent once this transaction commits; written before the campaign
    # check, which may decide the comment at once, so that the receipt comes first.
    outbox.receipt(session, submission)
    themes.suggest(session, submission, period.pillar_id)
    campaigns.check_after_submit(session, submission)
    return submission


def by_tracking_number(session: Session, raw: str) -> Submission | None:
    return session.scalar(
        select(Submission).where(Submission.tracking_number == normalize_tracking_number(raw))
    )
