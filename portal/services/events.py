"""What happened to a consultation that people outside the staff may want to hear about.

Services call these functions at the moment something happens, inside the transaction that did
it. Each records the event on the session (`emitted(session)` reads them back) and writes one
outbox row per confirmed follower of the period or its pillar (services/following.py), in the
same transaction, so that followers hear of exactly what was committed. A new event is one more
function here and one more NoticeKind (with its sentence in templates/mail/notice.*).

Two events are not actions but moments: a period opens, and a period closes in three days. A
scheduled task (portal/tasks.py, `following.announce_moments`) finds them with
`periods_opening` and `periods_closing`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import CommentPeriod, NoticeKind, OutcomeRevision
from portal.services import following

_KEY = "portal_events"


@dataclass(frozen=True)
class Event:
    kind: str  # period.scheduled, period.extended, period.closed_early, period.reopened,
    # outcome.published
    period_id: int
    data: dict[str, object] = field(default_factory=dict)


def _emit(session: Session, event: Event, period: CommentPeriod) -> None:
    session.info.setdefault(_KEY, []).append(event)
    kind = NoticeKind.parse(event.kind)
    if kind is not None:
        following.notify(session, kind, period, event.data)


def emitted(session: Session) -> list[Event]:
    """The events emitted on this session so far (kept until the session is closed)."""
    return list(session.info.get(_KEY, []))


def period_scheduled(session: Session, period: CommentPeriod) -> None:
    """A new period was created; it opens at period.opens_at."""
    _emit(session, Event("period.scheduled", period.id, {"opens_at": period.opens_at}), period)


def period_extended(session: Session, period: CommentPeriod, old_close: datetime) -> None:
    _emit(session, Event("period.extended", period.id,
                         {"old_closes_at": old_close, "closes_at": period.closes_at}), period)


def period_closed_early(session: Session, period: CommentPeriod, old_close: datetime) -> None:
    _emit(session, Event("period.closed_early", period.id,
                         {"old_closes_at": old_close, "closes_at": period.closes_at}), period)


def period_reopened(session: Session, period: CommentPeriod, old_close: datetime) -> None:
    _emit(session, Event("period.reopened", period.id,
                         {"old_closes_at": old_close, "closes_at": period.closes_at}), period)


def outcome_published(session: Session, period: CommentPeriod, revision: OutcomeRevision) -> None:
    _emit(session, Event("outcome.published", period.id, {"revision_id": revision.id}), period)


def periods_opening(session: Session, after: datetime, until: datetime) -> list[CommentPeriod]:
    """Periods whose opening falls in (after, until]: for "a period opens" notices."""
    return list(session.scalars(
        select(CommentPeriod).where(CommentPeriod.opens_at > after,
                                    CommentPeriod.opens_at <= until)
        .order_by(CommentPeriod.opens_at)
    ))


def periods_closing(session: Session, after: datetime, until: datetime) -> list[CommentPeriod]:
    """Open periods whose closing falls in (after, until]: for "closes in 3 days" notices, ask
    with after = now + 3 days - the task's interval and until = now + 3 days."""
    return list(session.scalars(
        select(CommentPeriod).where(CommentPeriod.closes_at > after,
                                    CommentPeriod.closes_at <= until,
                                    CommentPeriod.opens_at <= after)
        .order_by(CommentPeriod.closes_at)
    ))
