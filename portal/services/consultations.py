"""Pillars and comment periods: reading them for the public pages, and seeding them."""

from __future__ import annotations

from dataclasses import dataclass
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
