"""Pillars and comment periods: reading them for the public pages, and seeding them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload, selectinload

from portal.models import CommentPeriod, Docket, PeriodState, Pillar
from portal.models.types import utcnow

_STATE_ORDER = {PeriodState.OPEN: 0, PeriodState.FORTHCOMING: 1, PeriodState.CLOSED: 2}


def pillars(session: Session) -> list[Pillar]:
    return list(
        session.scalars(
            select(Pillar).options(selectinload(Pillar.periods)).order_by(Pillar.number)
        )
    )


def periods_open_first(periods: list[CommentPeriod], now: datetime | None = None) -> list:
    now = now or utcnow()
    return sorted(periods, key=lambda p: (_STATE_ORDER[p.state(now)], p.closes_at))


def all_periods(session: Session) -> list[CommentPeriod]:
    return list(session.scalars(select(CommentPeriod).options(selectinload(CommentPeriod.pillar))))


def pillar_by_slug(session: Session, slug: str) -> Pillar | None:
    return session.scalar(
        select(Pillar).options(selectinload(Pillar.periods)).where(Pillar.slug == slug)
    )


def period_by_slug(session: Session, slug: str) -> CommentPeriod | None:
    # Its pillar in the same query: every page of a period shows it (the comment form too,
    # the page a rush loads most).
    return session.scalar(
        select(CommentPeriod)
        .options(joinedload(CommentPeriod.pillar))
        .where(CommentPeriod.slug == slug)
    )


def period_with_questions(session: Session, slug: str) -> CommentPeriod | None:
    """A period with its pillar and questions loaded: all that the comment form's POST reads
    (portal.page_cache.remembered keeps it between requests)."""
    return session.scalar(
        select(CommentPeriod)
        .options(joinedload(CommentPeriod.pillar), selectinload(CommentPeriod.questions))
        .where(CommentPeriod.slug == slug)
    )


def period_by_key(session: Session, key: str) -> CommentPeriod | None:
    """A period by its slug or its docket identifier (case-insensitive)."""
    return session.scalar(
        select(CommentPeriod).where(
            (CommentPeriod.slug == key) | (CommentPeriod.docket_id == key.upper())
        )
    )


def docket_prefix() -> str:
    from flask import current_app

    return str(current_app.config.get("DOCKET_PREFIX") or "HLED")


def proposed_docket_id(session: Session, year: int, prefix: str | None = None) -> str:
    """The identifier the next period of that year would get (nothing is issued)."""
    prefix = prefix or docket_prefix()
    last = session.scalar(
        select(func.max(Docket.number)).where(Docket.prefix == prefix, Docket.year == year)
    )
    return f"{prefix}-{year}-{(last or 0) + 1:04d}"


def issue_docket_id(session: Session, docket_id: str, prefix: str, year: int,
                    number: int) -> bool:
    """Record an identifier as issued; False if it ever was (it is never given twice)."""
    if session.get(Docket, docket_id) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(Docket(docket_id=docket_id, prefix=prefix, year=year, number=number))
    except IntegrityError:  # issued by a concurrent transaction meanwhile
        return False
    return True


def next_docket_id(session: Session, year: int, prefix: str | None = None) -> str:
    """Issue the next identifier of the year: PREFIX-YEAR-NNNN, the year's highest number + 1
    over every identifier ever issued (a deleted period's identifier stays taken)."""
    prefix = prefix or docket_prefix()
    while True:
        docket = proposed_docket_id(session, year, prefix)
        number = int(docket.rsplit("-", 1)[1])
        if issue_docket_id(session, docket, prefix, year, number):
            return docket


@dataclass(frozen=True)
class Scope:
    """What a summary or an export covers: one comment period, or every period of a pillar."""

    period_ids: tuple[int, ...]
    # The file's name without extension: the docket identifier, or the pillar's slug.
    name: str
    pillar_id: int | None = None

    def periods(self, session: Session) -> list[CommentPeriod]:
        return list(session.scalars(
            select(CommentPeriod).where(CommentPeriod.id.in_(self.period_ids))
            .order_by(CommentPeriod.opens_at, CommentPeriod.id)
        ))

    def title(self, session: Session, lang: str) -> str:
        if self.pillar_id is not None:
            pillar = session.get(Pillar, self.pillar_id)
            return pillar.name(lang) if pillar else self.name
        period = session.get(CommentPeriod, self.period_ids[0]) if self.period_ids else None
        return period.title(lang) if period else self.name


def period_scope(period: CommentPeriod) -> Scope:
    return Scope(period_ids=(period.id,), name=period.docket_id)


def pillar_scope(pillar: Pillar) -> Scope:
    return Scope(period_ids=tuple(p.id for p in pillar.periods), name=pillar.slug,
                 pillar_id=pillar.id)


def find_scope(session: Session, kind: str, key: str) -> Scope | None:
    """A period by slug or docket identifier ("periods"), or a pillar by slug ("pillars")."""
    if kind == "pillars":
        pillar = pillar_by_slug(session, key)
        return pillar_scope(pillar) if pillar else None
    period = period_by_key(session, key)
    return period_scope(period) if period else None
