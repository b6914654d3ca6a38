"""The theme taxonomy of each pillar, and the themes suggested for or confirmed on a comment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base
from portal.models.consultation import Pillar
from portal.models.types import UTCDateTime, utcnow


class Theme(Base):
    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    pillar_id: Mapped[int] = mapped_column(ForeignKey("pillars.id"), index=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    label_en: Mapped[str] = mapped_column(String(200))
    label_es: Mapped[str] = mapped_column(String(200))
    # Comma-separated words or phrases, matched after stemming and accent folding.
    keywords_en: Mapped[str] = mapped_column(Text, default="")
    keywords_es: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Labels appear in the published record (API, downloads): their change dates it. Nullable
    # only so that adding it did not rebuild the table on SQLite; the ORM always sets it.
    updated_at: Mapped[datetime | None] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow
    )

    pillar: Mapped[Pillar] = relationship()

    def label(self, lang: str) -> str:
        return self.label_es if lang == "es" else self.label_en

    @staticmethod
    def split_keywords(value: str) -> tuple[str, ...]:
        return tuple(k.strip() for k in value.replace("\n", ",").split(",") if k.strip())


class SubmissionTheme(Base):
    """A theme on a comment: suggested by the matcher, confirmed (or added) by a moderator."""

    __tablename__ = "submission_themes"
    __table_args__ = (
        Index("ix_submission_themes_theme_confirmed", "theme_id", "confirmed"),
        # A summary's quotes: a theme's best-scored comments (newest first among equals), read
        # backwards in order and stopped at three.
        Index("ix_submission_themes_theme_score", "theme_id", "confirmed", "score",
              "submission_id"),
    )

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    theme_id: Mapped[int] = mapped_column(ForeignKey("themes.id"), primary_key=True)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    # The words that matched, space-separated, to explain the suggestion.
    matched: Mapped[str] = mapped_column(String(500), default="")
    suggested: Mapped[bool] = mapped_column(Boolean, default=False)
    confirmed: Mapped[bool] = mapped_column(Boolean, default=False)

    theme: Mapped[Theme] = relationship()
