"""Exports written by the worker: who asked for what, how far it got, and the file it made.

A row is the work list of one export. The worker claims it (queued → running), writes the file
beside its final name and renames it into place only when it is whole, then records its size,
SHA-256 and row count (→ done). Whatever stops it midway leaves the row failed and no file.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base
from portal.models.labels import LabeledEnum
from portal.models.types import UTCDateTime, code_column, utcnow


class ExportState(LabeledEnum):
    QUEUED = "queued", _l("Waiting for the worker")
    RUNNING = "running", _l("Being written")
    DONE = "done", _l("Ready to download")
    FAILED = "failed", _l("Failed")


class ExportJob(Base):
    __tablename__ = "export_jobs"
    __table_args__ = (
        # A planner's own exports, newest first; the clean-up's finished ones by age.
        Index("ix_export_jobs_user_id_id", "user_id", "id"),
        Index("ix_export_jobs_state_finished_at", "state", "finished_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # What to export, as the planner named it: "periods" or "pillars", and the slug.
    scope_kind: Mapped[str] = mapped_column(String(10))
    scope_key: Mapped[str] = mapped_column(String(120))
    fmt: Mapped[str] = mapped_column(String(8))
    # ExportOptions but the format: language, statuses, contacts, counting, rejected originals.
    options: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    state: Mapped[ExportState] = mapped_column(code_column(ExportState, 10),
                                               default=ExportState.QUEUED)
    rows_written: Mapped[int] = mapped_column(Integer, default=0)
    rows_total: Mapped[int | None] = mapped_column(Integer)
    # The name offered to the browser, and the file's name in the exports folder.
    file_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    size: Mapped[int | None] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64))
    row_count: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Moved on by the worker as rows are written: a running job that stops moving was left by
    # a worker that died, and the clean-up marks it failed.
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)
