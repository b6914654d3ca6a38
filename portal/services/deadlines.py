"""Deadline changes the public is told about: extend an open period, close it early with a
reason, reopen a closed one. Each is kept in `period_changes` (the period page lists them with
the date of the change), recorded in the audit trail and emitted as an event."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from portal.models import (
    AuditAction,
    CommentPeriod,
    OutcomeRevision,
    PeriodChange,
    PeriodChangeKind,
    PeriodState,
)
from portal.models.types import utcnow
from portal.services import audit, events
from portal.services.periods import BAD_DATE, PeriodInvalid
from portal.zones import parse_local


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def _deadline(text: str | datetime, period: CommentPeriod) -> datetime | None:
    return text if isinstance(text, datetime) else parse_local(text, period.timezone)


def _change(session: Session, actor: audit.Actor, period: CommentPeriod, kind: PeriodChangeKind,
            action: AuditAction, new_close: datetime, now: datetime, reason_en: str = "",
            reason_es: str = "") -> datetime:
    old = period.closes_at
    period.closes_at = new_close
    period.changes.append(PeriodChange(kind=kind, at=now, old_closes_at=old,
                                       new_closes_at=new_close, reason_en=reason_en,
                                       reason_es=reason_es))
    session.flush()
    after: dict[str, Any] = {"closes_at": _iso(new_close)}
    if reason_en or reason_es:
        after |= {"reason_en": reason_en, "reason_es": reason_es}
    audit.record(session, actor, action, "period", period.id,
                 before={"closes_at": _iso(old)}, after=after)
    return old


def extend(session: Session, actor: audit.Actor, period: CommentPeriod,
           new_close: str | datetime, now: datetime | None = None) -> CommentPeriod:
    now = now or utcnow()
    until = _deadline(new_close, period)
    state = period.state(now)
    if state is PeriodState.FORTHCOMING:
        raise PeriodInvalid({"closes_at": _l("The period has not opened yet: change its dates "
                                             "with “Edit”.")})
    if state is PeriodState.CLOSED:
        raise PeriodInvalid({"closes_at": _l("Only an open period can be extended; a closed "
                                             "one can be reopened.")})
    if until is None:
        raise PeriodInvalid({"closes_at": BAD_DATE})
    if until <= period.closes_at:
        raise PeriodInvalid({"closes_at": _l("The new deadline must be later than the current "
                                             "one.")})
    old = _change(session, actor, period, PeriodChangeKind.EXTENDED, AuditAction.PERIOD_EXTEND,
                  until, now)
    events.period_extended(session, period, old)
    return period


def close_early(session: Session, actor: audit.Actor, period: CommentPeriod, reason_en: str,
                reason_es: str, now: datetime | None = None) -> CommentPeriod:
    now = now or utcnow()
    errors: dict[str, LazyString] = {}
    if period.state(now) is not PeriodState.OPEN:
        errors["reason_en"] = _l("Only an open period can be closed early.")
    if not reason_en.strip():
        errors.setdefault("reason_en", _l("Say in English why the period closes early."))
    if not reason_es.strip():
        errors["reason_es"] = _l("Say in Spanish why the period closes early.")
    for name, value in (("reason_en", reason_en), ("reason_es", reason_es)):
        if len(value.strip()) > 2000:
            errors.setdefault(name, _l("Use at most %(max)s characters.", max=2000))
    if errors:
        raise PeriodInvalid(errors)
    old = _change(session, actor, period, PeriodChangeKind.CLOSED_EARLY, AuditAction.PERIOD_CLOSE,
                  now, now, reason_en.strip(), reason_es.strip())
    events.period_closed_early(session, period, old)
    return period


def reopen(session: Session, actor: audit.Actor, period: CommentPeriod,
           new_close: str | datetime, now: datetime | None = None) -> CommentPeriod:
    now = now or utcnow()
    until = _deadline(new_close, period)
    if period.state(now) is not PeriodState.CLOSED:
        raise PeriodInvalid({"reopen_until": _l("Only a closed period can be reopened.")})
    if published_outcome_exists(session, period):
        raise PeriodInvalid({"reopen_until": _l("The outcome of this period is published, so "
                                                "it cannot be reopened.")})
    if until is None:
        raise PeriodInvalid({"reopen_until": BAD_DATE})
    if until <= now:
        raise PeriodInvalid({"reopen_until": _l("The new deadline must be in the future.")})
    old = _change(session, actor, period, PeriodChangeKind.REOPENED, AuditAction.PERIOD_REOPEN,
                  until, now)
    events.period_reopened(session, period, old)
    return period


def published_outcome_exists(session: Session, period: CommentPeriod) -> bool:
    return bool(session.scalar(select(exists().where(
        OutcomeRevision.period_id == period.id, OutcomeRevision.published_at.is_not(None)))))
