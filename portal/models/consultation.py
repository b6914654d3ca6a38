"""Pillars of the HLED agenda and the comment periods opened under them."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base
from portal.models.labels import LabeledEnum
from portal.models.types import UTCDateTime, utcnow


class Pillar(Base):
    __tablename__ = "pillars"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_es: Mapped[str] = mapped_column(String(200))
    description_en: Mapped[str] = mapped_column(Text)
    description_es: Mapped[str] = mapped_column(Text)

    periods: Mapped[list[CommentPeriod]] = relationship(
        back_populates="pillar", order_by="CommentPeriod.opens_at"
    )

    def name(self, lang: str) -> str:
        return self.name_es if lang == "es" else self.name_en

    def description(self, lang: str) -> str:
        return self.description_es if lang == "es" else self.description_en


class PeriodState(LabeledEnum):
    FORTHCOMING = "forthcoming", _l("Forthcoming")
    OPEN = "open", _l("Open for comment")
    CLOSED = "closed", _l("Closed")


class CommentPeriod(Base):
    __tablename__ = "comment_periods"

    id: Mapped[int] = mapped_column(primary_key=True)
    pillar_id: Mapped[int] = mapped_column(ForeignKey("pillars.id"), index=True)
    docket_id: Mapped[str] = mapped_column(String(32), unique=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title_en: Mapped[str] = mapped_column(String(300))
    title_es: Mapped[str] = mapped_column(String(300))
    description_en: Mapped[str] = mapped_column(Text)
    description_es: Mapped[str] = mapped_column(Text)
    # One question per line.
    questions_en: Mapped[str] = mapped_column(Text, default="")
    questions_es: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The IANA zone in which the dates are announced; they are stored in UTC.
    timezone: Mapped[str] = mapped_column(String(64), default="America/New_York")

    pillar: Mapped[Pillar] = relationship(back_populates="periods")

    def title(self, lang: str) -> str:
        return self.title_es if lang == "es" else self.title_en

    def description(self, lang: str) -> str:
        return self.description_es if lang == "es" else self.description_en

    def questions(self, lang: str) -> list[str]:
        text = self.questions_es if lang == "es" else self.questions_en
        return [line.strip() for line in text.splitlines() if line.strip()]

    def state(self, now: datetime | None = None) -> PeriodState:
        now = now or utcnow()
        if now < self.opens_at:
            return PeriodState.FORTHCOMING
        if now >= self.closes_at:
            return PeriodState.CLOSED
        return PeriodState.OPEN
