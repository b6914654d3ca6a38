"""Supporting documents of a comment period: a link to the official notice, or an uploaded PDF."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base
from portal.models.labels import LabeledEnum
from portal.models.types import UTCDateTime, code_column, utcnow


class DocumentKind(LabeledEnum):
    LINK = "link", _l("Link")
    PDF = "pdf", _l("PDF file")


class PeriodDocument(Base):
    __tablename__ = "period_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(
        ForeignKey("comment_periods.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[DocumentKind] = mapped_column(code_column(DocumentKind, 8))
    title_en: Mapped[str] = mapped_column(String(300))
    title_es: Mapped[str] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(2000))
    # A PDF is stored under its SHA-256 in the period documents folder, outside the web root.
    sha256: Mapped[str | None] = mapped_column(String(64))
    file_name: Mapped[str | None] = mapped_column(String(200))
    size: Mapped[int | None] = mapped_column(Integer)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def title(self, lang: str) -> str:
        return self.title_es if lang == "es" else self.title_en
