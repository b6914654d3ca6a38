"""The outbox: messages written in the transaction of their cause, sent later by a worker.

Writing: `receipt`, `decision`, `decisions_of` and `notice` add rows and mark the session, so
that its commit enqueues a drain (portal/tasks.py). Demo data is written with `muted(session)`:
no row, no mail.

Sending (portal/mail/delivery.py) goes through `claim` (a lease: the row is the worker's until
`claimed_until`, and another worker takes it over after that, so a killed worker loses
nothing), then `mark_sent` or `mark_failed` (a retry later, the delay doubling each time, until
OUTBOX_MAX_ATTEMPTS). A row is marked sent once; its Message-ID is made from its id, so a
message sent again after a crash between the SMTP reply and the commit is recognisable as the
same message by the receiving side.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, func, insert, or_, select, update
from sqlalchemy.orm import Session

from portal.models import Language, MessageKind, OutboxMessage, OutboxState, Submission
from portal.models.types import utcnow

_WROTE = "portal_outbox_written"
_MUTED = "portal_outbox_muted"
MAX_BACKOFF = timedelta(hours=6)
PAGE = 50


def take_written_flag(session: Session) -> bool:
    """Whether the session wrote outbox rows since the last commit or rollback (and forget it)."""
    return bool(session.info.pop(_WROTE, False))


@contextmanager
def muted(session: Session) -> Iterator[None]:
    """Write no message while inside (demo data: nobody is waiting for it)."""
    before = session.info.get(_MUTED, False)
    session.info[_MUTED] = True
    try:
        yield
    finally:
        session.info[_MUTED] = before


def is_muted(session: Session) -> bool:
    return bool(session.info.get(_MUTED, False))


def _language(code: object) -> Language:
    parsed = Language.parse(code)
    return parsed if parsed in (Language.EN, Language.ES) else Language.EN


def _fields(kind: MessageKind, recipient: str, language: object, *,
            submission_id: int | None = None, follower_id: int | None = None,
            period_id: int | None = None, data: dict[str, object] | None = None,
            dedupe_key: str | None = None, now: datetime | None = None) -> dict[str, object]:
    """The columns of a message due now, waiting to be sent."""
    now = now or utcnow()
    return {"kind": kind, "state": OutboxState.PENDING, "recipient": recipient,
            "language": _language(language), "submission_id": submission_id,
            "follower_id": follower_id, "period_id": period_id, "data": data or {},
            "dedupe_key": dedupe_key, "created_at": now, "due_at": now, "attempts": 0}


def add(session: Session, kind: MessageKind, recipient: str, language: object, *,
        submission_id: int | None = None, follower_id: int | None = None,
        period_id: int | None = None, data: dict[str, object] | None = None,
        dedupe_key: str | None = None, now: datetime | None = None) -> OutboxMessage | None:
    """One message to send after this transaction commits (none while muted)."""
    if is_muted(session):
        return None
    message = OutboxMessage(**_fields(
        kind, recipient, language, submission_id=submission_id, follower_id=follower_id,
        period_id=period_id, data=data, dedupe_key=dedupe_key, now=now))
    session.add(message)
    session.info[_WROTE] = True
    return message


def receipt(session: Session, submission_id: int, row: Mapping[str, object]) -> None:
    """The receipt of a comment just inserted as a row (`submissions.store_comment`): inserted
    as a row too, the same columns `add` gives a message."""
    if is_muted(session):
        return
    session.execute(insert(cast(Table, OutboxMessage.__table__)), _fields(
        MessageKind.RECEIPT, str(row["email"]), row["ui_language"],
        submission_id=submission_id, period_id=cast(int, row["period_id"])))
    session.info[_WROTE] = True


def decision(session: Session, submission: Submission) -> None:
    add(session, MessageKind.DECISION, submission.email, submission.ui_language,
        submission_id=submission.id, period_id=submission.period_id,
        data={"status": str(submission.status)})


def decisions_of(session: Session, ids: Sequence[int], status: object) -> None:
    """One decision message per comment decided by a statement (campaign decisions)."""
    if not ids or is_muted(session):
        return
    now = utcnow()
    rows = session.execute(
        select(Submission.id, Submission.email, Submission.ui_language, Submission.period_id)
        .where(Submission.id.in_(ids)).order_by(Submission.id)
    ).all()
    for sid, email, ui_language, period_id in rows:
        add(session, MessageKind.DECISION, email, ui_language, submission_id=sid,
            period_id=period_id, data={"status": str(status)}, now=now)


# -- the worker's side ------------------------------------------------------------------------

def claim(session: Session, now: datetime, lease: timedelta, limit: int) -> list[int]:
    """Take up to `limit` due rows for `lease`; rows another worker holds are left alone."""
    free = or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now)
    due = list(session.scalars(
        select(OutboxMessage.id)
        .where(OutboxMessage.state == OutboxState.PENDING, OutboxMessage.due_at <= now, free)
        .order_by(OutboxMessage.due_at, OutboxMessage.id).limit(limit)
    ))
    if not due:
        return []
    # The condition is checked again under the row lock: two workers never both win a row.
    return sorted(session.scalars(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(due), OutboxMessage.state == OutboxState.PENDING, free)
        .values(claimed_until=now + lease, attempts=OutboxMessage.attempts + 1)
        .returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ))


def mark_sent(session: Session, message_id: int, now: datetime) -> None:
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.state == OutboxState.PENDING)
        .values(state=OutboxState.SENT, sent_at=now, claimed_until=None, last_error=None)
        .execution_options(synchronize_session=False)
    )


def mark_cancelled(session: Session, message_id: int, why: str) -> None:
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.state == OutboxState.PENDING)
        .values(state=OutboxState.CANCELLED, claimed_until=None, last_error=why)
        .execution_options(synchronize_session=False)
    )


def backoff(attempts: int, first: float) -> timedelta:
    """The wait after the given number of failed attempts: first, 2 × first, 4 × first…"""
    seconds = first * 2 ** max(attempts - 1, 0)
    return min(timedelta(seconds=seconds), MAX_BACKOFF)


def mark_failed(session: Session, message_id: int, error: str, now: datetime, *,
                first_delay: float, max_attempts: int, permanent: bool = False) -> None:
    """Record the failure; try again after the backoff, or give up (a refused address, or too
    many attempts) so that an admin sees it."""
    message = session.get(OutboxMessage, message_id)
    if message is None or message.state is not OutboxState.PENDING:
        return
    message.last_error = error[:2000]
    message.claimed_until = None
    if permanent or message.attempts >= max_attempts:
        message.state = OutboxState.FAILED
    else:
        message.due_at = now + backoff(message.attempts, first_delay)
    session.flush()


def next_due(session: Session, now: datetime) -> datetime | None:
    """When a pending row can next be taken: the earliest retry time of a free row, or the end
    of a lease (a worker that died holding it)."""
    pending = OutboxMessage.state == OutboxState.PENDING
    free = or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now)
    due = session.scalar(select(func.min(OutboxMessage.due_at)).where(pending, free))
    lease = session.scalar(select(func.min(OutboxMessage.claimed_until))
                           .where(pending, OutboxMessage.claimed_until >= now))
    found = [t for t in (due, lease) if t is not None]
    return min(found) if found else None


# -- admins -----------------------------------------------------------------------------------

def counts(session: Session) -> dict[OutboxState, int]:
    found = dict(session.execute(
        select(OutboxMessage.state, func.count()).group_by(OutboxMessage.state)).all())
    return {state: int(found.get(state, 0)) for state in OutboxState}


def listing(session: Session, state: OutboxState | None = None, before: int | None = None,
            limit: int = PAGE) -> list[OutboxMessage]:
    """Newest first, a page at a time by id (no OFFSET)."""
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if state is not None:
        query = query.where(OutboxMessage.state == state)
    if before is not None:
        query = query.where(OutboxMessage.id < before)
    return list(session.scalars(query))


def retry(session: Session, ids: Iterable[int] = (), all_failed: bool = False,
          now: datetime | None = None) -> int:
    """Send again now: failed rows start over, waiting rows skip their backoff. Rows a worker
    holds at this moment are left to it. Returns how many rows were changed."""
    now = now or utcnow()
    wanted = set(ids)
    if not wanted and not all_failed:
        return 0
    query = update(OutboxMessage).where(
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        OutboxMessage.state.in_([OutboxState.PENDING, OutboxState.FAILED]),
    )
    if all_failed:
        query = query.where(OutboxMessage.state == OutboxState.FAILED)
    if wanted:
        query = query.where(OutboxMessage.id.in_(wanted))
    changed = list(session.scalars(
        query.values(state=OutboxState.PENDING, due_at=now, claimed_until=None,
                     attempts=0).returning(OutboxMessage.id)
        .execution_options(synchronize_session=False)
    ))
    if changed:
        session.info[_WROTE] = True
    return len(changed)
