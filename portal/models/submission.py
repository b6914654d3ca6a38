"""A comment as received, with the safe rendering and the receipt that prove it."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base
from portal.models.consultation import CommentPeriod
from portal.models.types import UTCDateTime


class SubmitterType(enum.StrEnum):
    BUSINESS = "business"
    ASSOCIATION = "association"
    NGO = "ngo"
    ACADEMIC = "academic"
    LABOR = "labor"
    GOVERNMENT = "government"
    INDIVIDUAL = "individual"


class Country(enum.StrEnum):
    US = "US"
    MX = "MX"
    CA = "CA"
    OTHER = "OTHER"


class Status(enum.StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"


class RejectReason(enum.StrEnum):
    OFF_TOPIC = "off_topic"
    ABUSIVE = "abusive"
    SPAM = "spam"
    DUPLICATE = "duplicate"
    PERSONAL_INFORMATION = "personal_information"
    OTHER = "other"


class Flag(enum.StrEnum):
    """Why a comment looks suspicious; flagged comments are held like any other, never dropped."""

    HONEYPOT = "honeypot"
    MANY_LINKS = "many_links"
    REPEATED = "repeated"


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (
        Index("ix_submissions_period_status_id", "period_id", "status", "id"),
        Index("ix_submissions_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_number: Mapped[str] = mapped_column(String(20), unique=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("comment_periods.id"))
    submitter_type: Mapped[str] = mapped_column(String(20))
    organization: Mapped[str | None] = mapped_column(String(300))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    country: Mapped[str] = mapped_column(String(8))
    region: Mapped[str] = mapped_column(String(120), default="")
    subject: Mapped[str] = mapped_column(String(300))
    # Exactly what was sent; never rewritten.
    body: Mapped[str] = mapped_column(Text)
    # The sanitized rendering of body, computed once when the text is stored.
    body_html: Mapped[str] = mapped_column(Text)
    language: Mapped[str] = mapped_column(String(8))
    # "declared" by the writer, or "detected:<library>", or "undetermined".
    language_source: Mapped[str] = mapped_column(String(40))
    consent_publish: Mapped[bool] = mapped_column(Boolean)
    # The page language the submitter used, so that later messages reach them in it.
    ui_language: Mapped[str] = mapped_column(String(8))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    digest: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), default=Status.PENDING.value)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Space-separated Flag values, set when the comment arrives.
    flags: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # SHA-256 of the whitespace- and case-normalised text, to find repeated (form) letters.
    text_fingerprint: Mapped[str] = mapped_column(
        String(64), default="", server_default="", index=True
    )
    # The public version a moderator edited (redactions); None means the original is public.
    public_body: Mapped[str | None] = mapped_column(Text)
    public_body_html: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reject_reason: Mapped[str | None] = mapped_column(String(40))
    reject_note: Mapped[str | None] = mapped_column(Text)

    period: Mapped[CommentPeriod] = relationship()

    @property
    def flag_list(self) -> list[str]:
        return self.flags.split()

    @property
    def shown_body_html(self) -> str:
        """What the public reads: the moderator's edited version if there is one."""
        return self.public_body_html if self.public_body is not None else self.body_html

    @property
    def shown_body(self) -> str:
        return self.public_body if self.public_body is not None else self.body

    __mapper_args__ = {"version_id_col": version}


class SubmissionCount(Base):
    """How many comments each period has in each status, kept by database triggers.

    Counting a million rows on every queue view costs tens of milliseconds; this table answers
    in one. The triggers (see the migration) keep it right whatever code changes a status.
    """

    __tablename__ = "submission_counts"

    period_id: Mapped[int] = mapped_column(ForeignKey("comment_periods.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)
