"""Pillars of the HLED agenda, the comment periods opened under them, their questions, the
public record of their deadline changes, and the registry of docket identifiers."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from portal import sanitize
from portal.db import Base
from portal.models.labels import LabeledEnum
from portal.models.types import UTCDateTime, code_column, utcnow


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
    # Never changes once issued: receipts' digests cover it.
    docket_id: Mapped[str] = mapped_column(String(32), unique=True)
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title_en: Mapped[str] = mapped_column(String(300))
    title_es: Mapped[str] = mapped_column(String(300))
    # A sentence or two for cards and lists, plain text.
    summary_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    summary_es: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Markdown, with its sanitized rendering cached whenever it is set.
    description_en: Mapped[str] = mapped_column(Text)
    description_es: Mapped[str] = mapped_column(Text)
    description_html_en: Mapped[str] = mapped_column(Text, default="", server_default="")
    description_html_es: Mapped[str] = mapped_column(Text, default="", server_default="")
    opens_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The IANA zone in which the dates are announced; they are stored in UTC.
    timezone: Mapped[str] = mapped_column(String(64), default="America/New_York")

    pillar: Mapped[Pillar] = relationship(back_populates="periods")
    questions: Mapped[list[Question]] = relationship(
        back_populates="period", order_by="Question.position", cascade="all, delete-orphan",
    )
    changes: Mapped[list[PeriodChange]] = relationship(
        order_by="PeriodChange.id", cascade="all, delete-orphan",
    )

    @validates("description_en", "description_es")
    def _render_description(self, key: str, value: str) -> str:
        setattr(self, key.replace("description_", "description_html_"),
                sanitize.render_markdown(value))
        return value

    def title(self, lang: str) -> str:
        return self.title_es if lang == "es" else self.title_en

    def summary(self, lang: str) -> str:
        return self.summary_es if lang == "es" else self.summary_en

    def description(self, lang: str) -> str:
        return self.description_es if lang == "es" else self.description_en

    def description_html(self, lang: str) -> str:
        return self.description_html_es if lang == "es" else self.description_html_en

    def state(self, now: datetime | None = None) -> PeriodState:
        now = now or utcnow()
        if now < self.opens_at:
            return PeriodState.FORTHCOMING
        if now >= self.closes_at:
            return PeriodState.CLOSED
        return PeriodState.OPEN

    @property
    def last_change(self) -> PeriodChange | None:
        return self.changes[-1] if self.changes else None


class Question(Base):
    """One question a period asks; each comment may answer it in a box of its own."""

    __tablename__ = "questions"
    __table_args__ = (UniqueConstraint("period_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("comment_periods.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)  # 1, 2, 3... as shown
    text_en: Mapped[str] = mapped_column(Text)
    text_es: Mapped[str] = mapped_column(Text)

    period: Mapped[CommentPeriod] = relationship(back_populates="questions")

    def text(self, lang: str) -> str:
        return self.text_es if lang == "es" else self.text_en


class PeriodChangeKind(LabeledEnum):
    EXTENDED = "extended", _l("Deadline extended")
    CLOSED_EARLY = "closed_early", _l("Closed early")
    REOPENED = "reopened", _l("Reopened")


class PeriodChange(Base):
    """A change of deadline that the public is told about: extended, closed early, reopened."""

    __tablename__ = "period_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(
        ForeignKey("comment_periods.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[PeriodChangeKind] = mapped_column(code_column(PeriodChangeKind, 20))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    old_closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    new_closes_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Why it closed early, shown publicly in both languages.
    reason_en: Mapped[str] = mapped_column(Text, default="")
    reason_es: Mapped[str] = mapped_column(Text, default="")

    def reason(self, lang: str) -> str:
        return self.reason_es if lang == "es" else self.reason_en


class Docket(Base):
    """Every docket identifier ever issued. Rows are never removed, so an identifier is never
    given twice, even after its period was deleted; the next number is the year's max + 1."""

    __tablename__ = "dockets"
    __table_args__ = (Index("ix_dockets_prefix_year_number", "prefix", "year", "number"),)

    docket_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16))
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
