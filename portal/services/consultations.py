"""Pillars and comment periods: reading them for the public pages, and seeding them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from portal.models import CommentPeriod, PeriodState, Pillar
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
    return session.scalar(
        select(CommentPeriod)
        .options(selectinload(CommentPeriod.pillar))
        .where(CommentPeriod.slug == slug)
    )


def period_by_key(session: Session, key: str) -> CommentPeriod | None:
    """A period by its slug or its docket identifier (case-insensitive)."""
    return session.scalar(
        select(CommentPeriod).where(
            (CommentPeriod.slug == key) | (CommentPeriod.docket_id == key.upper())
        )
    )


def next_docket_id(session: Session, year: int, prefix: str = "HLED") -> str:
    stem = f"{prefix}-{year}-"
    count = session.scalar(
        select(func.count())
        .select_from(CommentPeriod)
        .where(CommentPeriod.docket_id.like(stem + "%"))
    )
    return f"{stem}{(count or 0) + 1:04d}"
