"""Files sent with a comment: what was received, where it is kept, what the public may see.

A file is kept under its SHA-256 (content-addressed) outside the web root; the name the
submitter gave is only sanitized metadata. A file is public only when its comment is published,
it is not part of the confidential version, and no moderator holds or withholds it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base
from portal.models.labels import LabeledEnum
from portal.models.types import UTCDateTime, code_column

if TYPE_CHECKING:
    from portal.models.submission import Submission


class FileType(LabeledEnum):
    """The type of a file, decided from its content (never from its name)."""

    PDF = "pdf", _l("PDF document")
    DOCX = "docx", _l("Word document (DOCX)")
    XLSX = "xlsx", _l("Excel spreadsheet (XLSX)")
    ODT = "odt", _l("OpenDocument text (ODT)")
    TXT = "txt", _l("Plain text")
    PNG = "png", _l("PNG image")
    JPEG = "jpeg", _l("JPEG image")

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self]

    @property
    def extension(self) -> str:
        return "jpg" if self is FileType.JPEG else self.value


MEDIA_TYPES = {
    FileType.PDF: "application/pdf",
    FileType.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    FileType.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    FileType.ODT: "application/vnd.oasis.opendocument.text",
    FileType.TXT: "text/plain; charset=utf-8",
    FileType.PNG: "image/png",
    FileType.JPEG: "image/jpeg",
}


class FileState(LabeledEnum):
    """Whether the public may download a file (of a published comment)."""

    STORED = "stored", _l("Stored")
    HELD = "held", _l("Held for a moderator: active content")
    WITHHELD = "withheld", _l("Withheld by a moderator")


class Extraction(LabeledEnum):
    """How far reading the text of a file went."""

    PENDING = "pending", _l("Text not read yet")
    DONE = "done", _l("Text read")
    NO_TEXT = "no_text", _l("No text found (scanned pages?)")
    FAILED = "failed", _l("Text could not be read")
    NOT_APPLICABLE = "not_applicable", _l("Image: no text is read")


class ExtractionProblem(LabeledEnum):
    """Why the text of a file could not be read (`Attachment.extraction_note`)."""

    TIMEOUT = "timeout", _l("the reader took too long")
    MEMORY = "memory", _l("the reader needed too much memory")
    ENCRYPTED = "encrypted", _l("the file is encrypted")
    UNREADABLE = "unreadable", _l("the file is damaged or cannot be read")
    CRASHED = "crashed", _l("the reader stopped unexpectedly")


class Attachment(Base):
    __tablename__ = "attachments"
    __table_args__ = (
        Index("ix_attachments_submission_position", "submission_id", "position"),
        # The extraction job takes pending files oldest first.
        Index("ix_attachments_extraction_id", "extraction", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int] = mapped_column(Integer)
    file_type: Mapped[FileType] = mapped_column(code_column(FileType, 8))
    # The submitter's file name, sanitized: shown and offered with the download, never a path.
    name: Mapped[str] = mapped_column(String(200))
    # Where the storage keeps it (portal/services/attachment_store.py).
    storage_key: Mapped[str] = mapped_column(String(200))
    # Part of the confidential version (business-confidential information): staff only.
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)
    state: Mapped[FileState] = mapped_column(code_column(FileState, 12),
                                             default=FileState.STORED)
    # Held: the active-content markers found (e.g. "/JavaScript /OpenAction").
    held_markers: Mapped[str] = mapped_column(String(200), default="", server_default="")
    withheld_reason: Mapped[str | None] = mapped_column(Text)
    withheld_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    withheld_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    extraction: Mapped[Extraction] = mapped_column(code_column(Extraction, 16),
                                                   default=Extraction.PENDING)
    # Why reading failed, an ExtractionProblem code, for the moderator.
    extraction_note: Mapped[str] = mapped_column(String(200), default="", server_default="")
    extracted_text: Mapped[str | None] = mapped_column(Text)
    page_count: Mapped[int | None] = mapped_column(Integer)
    extracted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    submission: Mapped[Submission] = relationship(back_populates="attachments")

    @property
    def public(self) -> bool:
        """Offered to the public, once the comment is published."""
        return not self.confidential and self.state is FileState.STORED
