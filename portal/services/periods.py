"""Running comment periods: create, edit, delete (deadline changes: services/deadlines.py).

One set of rules for the admin pages and the command line: every function checks its input and
raises PeriodInvalid with a translated message per field, so that a view shows each beside its
field and the CLI prints them. Every change is in the audit trail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete as delete_rows
from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from portal.ids import parse_id
from portal.models import (
    Answer,
    AuditAction,
    CommentPeriod,
    Docket,
    OutcomeRevision,
    PeriodDocument,
    PeriodState,
    Pillar,
    Question,
    Submission,
    SubmissionCount,
)
from portal.models.types import utcnow
from portal.services import audit, consultations, events
from portal.zones import ANNOUNCE_ZONES, local_value, parse_local

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_QUESTIONS = 20
MAX_QUESTION = 1000
LIMITS = {"slug": 120, "title_en": 300, "title_es": 300, "summary_en": 600, "summary_es": 600,
          "description_en": 20000, "description_es": 20000}
REQUIRED = {
    "slug": _l("Enter the address of the period, like energy-2027."),
    "title_en": _l("Enter the title in English."),
    "title_es": _l("Enter the title in Spanish."),
    "summary_en": _l("Enter the summary in English."),
    "summary_es": _l("Enter the summary in Spanish."),
    "description_en": _l("Enter the description in English."),
    "description_es": _l("Enter the description in Spanish."),
}
BAD_DATE = _l("Enter a date and time like 2027-03-01 09:00.")


class PeriodInvalid(ValueError):
    """What is wrong, by field name (the form's field names); messages are lazy translations."""

    def __init__(self, errors: dict[str, LazyString]) -> None:
        super().__init__(", ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class PeriodInput:
    pillar: str  # id, number or slug
    slug: str
    title_en: str
    title_es: str
    summary_en: str
    summary_es: str
    description_en: str
    description_es: str
    opens_at: str  # local date and time in `timezone`
    closes_at: str
    timezone: str
    questions_en: list[str] = field(default_factory=list)
    questions_es: list[str] = field(default_factory=list)
    docket: str = ""  # on creation only; empty: the next of the opening year

    @classmethod
    def of(cls, period: CommentPeriod) -> PeriodInput:
        """What the edit form starts from."""
        return cls(
            pillar=str(period.pillar_id), slug=period.slug, title_en=period.title_en,
            title_es=period.title_es, summary_en=period.summary_en, summary_es=period.summary_es,
            description_en=period.description_en, description_es=period.description_es,
            opens_at=local_value(period.opens_at, period.timezone),
            closes_at=local_value(period.closes_at, period.timezone), timezone=period.timezone,
            questions_en=[q.text_en for q in period.questions],
            questions_es=[q.text_es for q in period.questions], docket=period.docket_id,
        )


@dataclass
class _Checked:
    pillar: Pillar
    opens_at: datetime
    closes_at: datetime
    questions: list[tuple[str, str]]
    docket: tuple[str, str, int, int] | None  # id, prefix, year, number


def find_pillar(session: Session, key: str) -> Pillar | None:
    key = key.strip()
    number = parse_id(key)
    if number is not None:
        found = session.get(Pillar, number)
        if found is not None:
            return found
        return session.scalar(select(Pillar).where(Pillar.number == number))
    return session.scalar(select(Pillar).where(Pillar.slug == key)) if key else None


def has_answers(session: Session, period: CommentPeriod) -> bool:
    return bool(session.scalar(select(exists().where(
        Answer.question_id.in_(select(Question.id).where(Question.period_id == period.id))))))


def has_comments(session: Session, period: CommentPeriod) -> bool:
    return bool(session.scalar(select(exists().where(Submission.period_id == period.id))))


def _same_instant(a: datetime, b: datetime) -> bool:
    return abs(a - b) < timedelta(seconds=1)


def _check(session: Session, data: PeriodInput, period: CommentPeriod | None,
           now: datetime) -> _Checked:
    errors: dict[str, LazyString] = {}
    pillar = find_pillar(session, data.pillar)
    if pillar is None:
        errors["pillar"] = _l("Choose one of the pillars.")
    for name, message in REQUIRED.items():
        value = getattr(data, name).strip()
        if not value:
            errors[name] = message
        elif len(value) > LIMITS[name]:
            errors[name] = _l("Use at most %(max)s characters.", max=LIMITS[name])
    slug = data.slug.strip()
    if slug and "slug" not in errors:
        taken = session.scalar(select(CommentPeriod.id).where(CommentPeriod.slug == slug))
        if not SLUG.match(slug):
            errors["slug"] = _l("Use lowercase letters, digits and single hyphens, like "
                                "energy-2027.")
        elif taken is not None and (period is None or taken != period.id):
            errors["slug"] = _l("Another comment period already uses this address.")
    if data.timezone not in ANNOUNCE_ZONES:
        errors["timezone"] = _l("Choose a time zone from the list.")
    zone = data.timezone if data.timezone in ANNOUNCE_ZONES else "America/New_York"
    opens, closes = parse_local(data.opens_at, zone), parse_local(data.closes_at, zone)
    if opens is None:
        errors["opens_at"] = BAD_DATE
    if closes is None:
        errors["closes_at"] = BAD_DATE
    elif opens is not None and closes <= opens:
        errors["closes_at"] = _l("The period must close after it opens.")
    if period is not None and period.state(now) is not PeriodState.FORTHCOMING:
        moved = _l("The period has opened: use “Extend” or “Close early” to change its dates.")
        if opens is not None and not _same_instant(opens, period.opens_at):
            errors["opens_at"] = moved
        if closes is not None and not _same_instant(closes, period.closes_at):
            errors["closes_at"] = moved
        if slug != period.slug and "slug" not in errors:
            errors["slug"] = _l("The address cannot change once the period has opened: people "
                                "have links to it.")
    questions = _check_questions(session, data, period, errors)
    docket = None if period is not None else _check_docket(session, data, errors)
    if errors:
        raise PeriodInvalid(errors)
    assert pillar is not None and opens is not None and closes is not None  # noqa: S101
    return _Checked(pillar, opens, closes, questions, docket)


def _check_questions(session: Session, data: PeriodInput, period: CommentPeriod | None,
                     errors: dict[str, LazyString]) -> list[tuple[str, str]]:
    en = [" ".join(q.split()) for q in data.questions_en if q.strip()]
    es = [" ".join(q.split()) for q in data.questions_es if q.strip()]
    if len(en) != len(es):
        where = "questions_es" if len(es) < len(en) else "questions_en"
        errors[where] = _l("Give each question in both languages, one per line, in the same "
                           "order: %(en)s in English, %(es)s in Spanish.", en=len(en), es=len(es))
    elif len(en) > MAX_QUESTIONS:
        errors["questions_en"] = _l("Ask at most %(max)s questions.", max=MAX_QUESTIONS)
    elif any(len(q) > MAX_QUESTION for q in en + es):
        errors["questions_en"] = _l("A question may have at most %(max)s characters.",
                                    max=MAX_QUESTION)
    pairs = list(zip(en, es, strict=False))
    if period is not None and pairs != [(q.text_en, q.text_es) for q in period.questions] \
            and has_answers(session, period):
        errors["questions_en"] = _l("Comments have already answered these questions, so they "
                                    "can no longer change.")
    return pairs


def _check_docket(session: Session, data: PeriodInput,
                  errors: dict[str, LazyString]) -> tuple[str, str, int, int] | None:
    typed = data.docket.strip().upper()
    if not typed:
        return None
    prefix = consultations.docket_prefix()
    match = re.fullmatch(rf"{re.escape(prefix)}-(\d{{4}})-(\d{{4,6}})", typed)
    if match is None:
        errors["docket"] = _l("Use the form %(example)s, or leave it empty to get the next one.",
                              example=f"{prefix}-2027-0001")
        return None
    if session.get(Docket, typed) is not None:
        errors["docket"] = _l("This docket identifier was already issued; identifiers are never "
                              "used twice.")
        return None
    return typed, prefix, int(match.group(1)), int(match.group(2))


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).isoformat()


def snapshot(period: CommentPeriod) -> dict[str, Any]:
    return {
        "pillar": period.pillar.number if period.pillar else period.pillar_id,
        "slug": period.slug, "docket": period.docket_id,
        "title_en": period.title_en, "title_es": period.title_es,
        "summary_en": period.summary_en, "summary_es": period.summary_es,
        "description_en": period.description_en, "description_es": period.description_es,
        "opens_at": _iso(period.opens_at), "closes_at": _iso(period.closes_at),
        "timezone": period.timezone,
        "questions_en": "\n".join(q.text_en for q in period.questions),
        "questions_es": "\n".join(q.text_es for q in period.questions),
    }


def _apply(period: CommentPeriod, data: PeriodInput, checked: _Checked) -> None:
    period.pillar = checked.pillar
    period.slug = data.slug.strip()
    for name in ("title_en", "title_es", "summary_en", "summary_es", "description_en",
                 "description_es"):
        setattr(period, name, getattr(data, name).strip())
    period.opens_at, period.closes_at = checked.opens_at, checked.closes_at
    period.timezone = data.timezone
    # Kept in place, so that question ids (which answers point to) stay with their position.
    current = list(period.questions)
    for position, (text_en, text_es) in enumerate(checked.questions, start=1):
        if position <= len(current):
            current[position - 1].text_en, current[position - 1].text_es = text_en, text_es
        else:
            period.questions.append(Question(position=position, text_en=text_en, text_es=text_es))
    for question in current[len(checked.questions):]:
        period.questions.remove(question)


def _flush(session: Session) -> None:
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent creation took the address meanwhile
        raise PeriodInvalid({"slug": _l("Another comment period already uses this address.")}) \
            from exc


def create(session: Session, actor: audit.Actor, data: PeriodInput,
           now: datetime | None = None) -> CommentPeriod:
    checked = _check(session, data, None, now or utcnow())
    if checked.docket is not None:
        docket, prefix, year, number = checked.docket
        if not consultations.issue_docket_id(session, docket, prefix, year, number):
            raise PeriodInvalid({"docket": _l("This docket identifier was already issued; "
                                              "identifiers are never used twice.")})
    else:
        year = checked.opens_at.year  # the year of the opening, as announced
        docket = consultations.next_docket_id(session, year)
    period = CommentPeriod(docket_id=docket)
    _apply(period, data, checked)
    session.add(period)
    _flush(session)
    audit.record(session, actor, AuditAction.PERIOD_CREATE, "period", period.id,
                 after=snapshot(period))
    events.period_scheduled(session, period)
    return period


def update(session: Session, actor: audit.Actor, period: CommentPeriod, data: PeriodInput,
           now: datetime | None = None) -> CommentPeriod:
    checked = _check(session, data, period, now or utcnow())
    before = snapshot(period)
    _apply(period, data, checked)
    _flush(session)
    after = snapshot(period)
    if after != before:
        audit.record(session, actor, AuditAction.PERIOD_UPDATE, "period", period.id,
                     before=before, after=after)
    return period


def delete(session: Session, actor: audit.Actor, period: CommentPeriod) -> list[str]:
    """Remove a period nobody commented on; returns the SHA-256 of its stored PDFs, for the
    caller to remove the files no other document uses. Its docket identifier stays issued."""
    if has_comments(session, period):
        raise PeriodInvalid({"delete": _l("People have commented on this period, so it can "
                                          "never be deleted. Close it instead.")})
    before, period_id = snapshot(period), period.id
    files = [s for s in session.scalars(select(PeriodDocument.sha256).where(
        PeriodDocument.period_id == period.id, PeriodDocument.sha256.is_not(None))) if s]
    for table in (PeriodDocument, OutcomeRevision, SubmissionCount):
        session.execute(delete_rows(table).where(table.period_id == period.id))
    session.delete(period)
    session.flush()
    audit.record(session, actor, AuditAction.PERIOD_DELETE, "period", period_id, before=before)
    return files


def counts(session: Session) -> dict[int, int]:
    """Comments received per period (any status), from the trigger-kept counts."""
    rows = session.execute(select(SubmissionCount.period_id, func.sum(SubmissionCount.n))
                           .group_by(SubmissionCount.period_id))
    return {pid: int(n or 0) for pid, n in rows}
