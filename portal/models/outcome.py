"""What we heard: the outcome page of a closed period, kept as revisions.

Each save adds a revision; the latest is the draft. Publishing marks a revision published, and
the public reads the latest published one, so later drafts stay private until published too.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, validates

from portal import sanitize
from portal.db import Base
from portal.models.types import UTCDateTime, utcnow

TEXT_FIELDS = ("summary_en", "summary_es", "response_en", "response_es")


class OutcomeRevision(Base):
    __tablename__ = "outcome_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("comment_periods.id"), index=True)
    # Markdown: what we heard (from the themed summary), and the governments' response.
    summary_en: Mapped[str] = mapped_column(Text, default="")
    summary_es: Mapped[str] = mapped_column(Text, default="")
    response_en: Mapped[str] = mapped_column(Text, default="")
    response_es: Mapped[str] = mapped_column(Text, default="")
    summary_html_en: Mapped[str] = mapped_column(Text, default="")
    summary_html_es: Mapped[str] = mapped_column(Text, default="")
    response_html_en: Mapped[str] = mapped_column(Text, default="")
    response_html_es: Mapped[str] = mapped_column(Text, default="")
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    saved_by: Mapped[str] = mapped_column(String(320), default="")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    published_by: Mapped[str | None] = mapped_column(String(320))

    @validates(*TEXT_FIELDS)
    def _render(self, key: str, value: str) -> str:
        part, lang = key.rsplit("_", 1)
        setattr(self, f"{part}_html_{lang}", sanitize.render_markdown(value))
        return value

    def summary_html(self, lang: str) -> str:
        return self.summary_html_es if lang == "es" else self.summary_html_en

    def response_html(self, lang: str) -> str:
        return self.response_html_es if lang == "es" else self.response_html_en

    def texts(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in TEXT_FIELDS}
