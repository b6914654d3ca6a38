"""A comment as received, with the safe rendering and the receipt that prove it."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import sanitize
from portal.db import Base
from portal.models.attachments import Attachment
from portal.models.consultation import CommentPeriod, Question
from portal.models.labels import LabeledEnum
from portal.models.types import UTCDateTime, code_column


class SubmitterType(LabeledEnum):
    BUSINESS = "business", _l("Business")
    ASSOCIATION = "association", _l("Business association or chamber")
    NGO = "ngo", _l("NGO or civil-society organization")
    ACADEMIC = "academic", _l("Academic or research institution")
    LABOR = "labor", _l("Labor organization")
    GOVERNMENT = "government", _l("Government body")
    INDIVIDUAL = "individual", _l("Individual")


class Country(LabeledEnum):
    US = "US", _l("United States")
    MX = "MX", _l("Mexico")
    CA = "CA", _l("Canada")
    OTHER = "OTHER", _l("Other")


class Status(LabeledEnum):
    PENDING = "pending", _l("Awaiting review")
    PUBLISHED = "published", _l("Published")
    REJECTED = "rejected", _l("Not published")


class RejectReason(LabeledEnum):
    OFF_TOPIC = "off_topic", _l("Off-topic")
    ABUSIVE = "abusive", _l("Abusive or threatening")
    SPAM = "spam", _l("Spam")
    DUPLICATE = "duplicate", _l("Duplicate")
    PERSONAL_INFORMATION = "personal_information", _l("Personal information")
    OTHER = "other", _l("Other reason")


class Flag(LabeledEnum):
    """Why a comment looks suspicious; flagged comments are held like any other, never dropped."""

    HONEYPOT = "honeypot", _l("Hidden field filled")
    MANY_LINKS = "many_links", _l("Many links")
    REPEATED = "repeated", _l("Repeated text")
    TOO_FAST = "too_fast", _l("Sent too soon after the form was shown")
    NEW_CONTENT = "new_content", _l("Adds its own text to a campaign letter")


class Language(LabeledEnum):
    """The language a comment is written in, or a page was read in."""

    EN = "en", _l("English")
    ES = "es", _l("Spanish")
    UND = "und", _l("Undetermined")


class LanguageSource(LabeledEnum):
    """How the language of a comment was decided."""

    DECLARED = "declared", _l("declared by the writer")
    DETECTED = "detected:lingua", _l("detected automatically")
    UNDETERMINED = "undetermined", _l("could not be determined")
    # Received, not declared, and not yet looked at by the worker (portal/services/enrichment).
    PENDING = "pending", _l("Not yet detected")


class Submission(Base):
    __tablename__ = "submissions"
    __table_args__ = (
        Index("ix_submissions_period_status_id", "period_id", "status", "id"),
        Index("ix_submissions_status_id", "status", "id"),
        # The open-data feed of changes: a period's comments in the order their public record
        # changed (see portal/models/changes.py).
        Index("ix_submissions_period_updated_id", "period_id", "updated_at", "id"),
        # The worker's sweep of comments still to enrich: only those rows, so it stays small.
        Index("ix_submissions_unenriched", "id", sqlite_where=sql_text("enriched_at IS NULL"),
              postgresql_where=sql_text("enriched_at IS NULL")),
        # The queue's flagged views: a few comments in a hundred carry a flag, and without this
        # a page of them read through every comment of the status (moderation._filtered).
        Index("ix_submissions_flagged", "status", "id", sqlite_where=sql_text("flags != ''"),
              postgresql_where=sql_text("flags <> ''")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_number: Mapped[str] = mapped_column(String(20), unique=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("comment_periods.id"))
    submitter_type: Mapped[SubmitterType] = mapped_column(code_column(SubmitterType, 20))
    organization: Mapped[str | None] = mapped_column(String(300))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    country: Mapped[Country] = mapped_column(code_column(Country, 8))
    region: Mapped[str] = mapped_column(String(120), default="")
    subject: Mapped[str] = mapped_column(String(300))
    # Exactly what was sent; never rewritten.
    body: Mapped[str] = mapped_column(Text)
    # The sanitized rendering of body, computed once by the worker after the comment is stored
    # (empty until then: `body_html` renders the text on the fly meanwhile).
    stored_body_html: Mapped[str] = mapped_column("body_html", Text, default="")
    language: Mapped[Language] = mapped_column(code_column(Language, 8))
    language_source: Mapped[LanguageSource] = mapped_column(code_column(LanguageSource, 40))
    consent_publish: Mapped[bool] = mapped_column(Boolean)
    # The page language the submitter used, so that later messages reach them in it.
    ui_language: Mapped[Language] = mapped_column(code_column(Language, 8))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    digest: Mapped[str] = mapped_column(String(64))
    status: Mapped[Status] = mapped_column(code_column(Status, 20), default=Status.PENDING)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # Space-separated Flag values, set when the comment arrives.
    flags: Mapped[str] = mapped_column(String(200), default="", server_default="")
    # SHA-256 of the whitespace- and case-normalised text, to find repeated (form) letters.
    text_fingerprint: Mapped[str] = mapped_column(
        String(64), default="", server_default="", index=True
    )
    # The public version a moderator edited (redactions); None means the original is public.
    public_subject: Mapped[str | None] = mapped_column(String(300))
    public_body: Mapped[str | None] = mapped_column(Text)
    public_body_html: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reject_reason: Mapped[RejectReason | None] = mapped_column(code_column(RejectReason, 40))
    reject_note: Mapped[str | None] = mapped_column(Text)
    # When what the public sees of this comment last changed: published, redacted, themes
    # changed, withdrawn. None while it has never been public. Set by portal/models/changes.py.
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Business-confidential information: the writer certified that the comment has a
    # confidential part (this text and/or files marked confidential), which only moderators and
    # admins read; everything else is the public version.
    contains_bci: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    confidential_body: Mapped[str | None] = mapped_column(Text)
    # When the worker added what the receipt does not need: detected language, sanitized HTML,
    # suggested themes, the repeated-text flag. None while it waits (portal/services/enrichment).
    enriched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    period: Mapped[CommentPeriod] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="Attachment.position",
    )
    answers: Mapped[list[Answer]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="Answer.question_id",
    )

    @property
    def body_html(self) -> str:
        """The comment as safe HTML: the stored rendering, or, before the worker made it, the
        text escaped with its line breaks."""
        return self.stored_body_html or sanitize.render_plain(self.body)

    @property
    def language_label(self) -> str:
        """The written language as people read it: "not yet detected" while it waits."""
        if self.language_source == LanguageSource.PENDING:
            return LanguageSource.PENDING.label
        return Language.label_of(self.language)

    @property
    def sorted_answers(self) -> list[Answer]:
        return sorted(self.answers, key=lambda a: a.question.position)

    @property
    def shown_answers(self) -> list[Answer]:
        """The answers the public may read: public versions, none a moderator withheld."""
        return [a for a in self.sorted_answers if a.shown_text.strip()]

    @property
    def full_text(self) -> str:
        """The general comment and every answer as received, for language and theme detection."""
        return "\n\n".join(t for t in [self.body, *(a.text for a in self.sorted_answers)] if t)

    @property
    def shown_full_text(self) -> str:
        """What the public reads, the general comment and the answers, as one text."""
        parts = [self.shown_body, *(a.shown_text for a in self.sorted_answers)]
        return "\n\n".join(t for t in parts if t.strip())

    @property
    def public_attachments(self) -> list[Attachment]:
        """Files anyone may download once the comment is published."""
        return [a for a in self.attachments if a.public]

    @property
    def public_files_text(self) -> str:
        """The text read from the public files (what search and theme suggestion add)."""
        return "\n\n".join(a.extracted_text for a in self.public_attachments
                            if a.extracted_text and a.extracted_text.strip())

    @property
    def flag_list(self) -> list[Flag]:
        return [flag for code in self.flags.split() if (flag := Flag.parse(code)) is not None]

    @property
    def shown_body_html(self) -> str:
        """What the public reads: the moderator's edited version if there is one."""
        if self.public_body is not None and self.public_body_html is not None:
            return self.public_body_html
        return self.body_html

    @property
    def shown_body(self) -> str:
        return self.public_body if self.public_body is not None else self.body

    @property
    def shown_subject(self) -> str:
        """The subject the public reads: the moderator's edited version if there is one."""
        return self.public_subject if self.public_subject is not None else self.subject

    @property
    def edited_for_public(self) -> bool:
        """Whether a moderator changed what the public reads (subject, comment or an answer)."""
        return (self.public_subject is not None or self.public_body is not None
                or any(a.public_text is not None for a in self.answers))

    __mapper_args__ = {"version_id_col": version}


class Answer(Base):
    """A comment's answer to one question of its period: exactly as received, and the public
    version a moderator edited (None: the original is public; "": withheld from the public)."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("submission_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"))
    question_id: Mapped[int] = mapped_column(ForeignKey("questions.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    # Sanitized by the worker with its comment; empty until then (`text_html` covers the wait).
    stored_text_html: Mapped[str] = mapped_column("text_html", Text, default="")
    public_text: Mapped[str | None] = mapped_column(Text)
    public_text_html: Mapped[str | None] = mapped_column(Text)

    submission: Mapped[Submission] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship(lazy="selectin")

    @property
    def text_html(self) -> str:
        return self.stored_text_html or sanitize.render_plain(self.text)

    @property
    def shown_text(self) -> str:
        return self.public_text if self.public_text is not None else self.text

    @property
    def shown_text_html(self) -> str:
        if self.public_text is not None and self.public_text_html is not None:
            return self.public_text_html
        return self.text_html


class SubmissionCount(Base):
    """How many comments each period has in each status, kept by database triggers.

    Counting a million rows on every queue view costs tens of milliseconds; this table answers
    in one. The triggers (see the migration) keep it right whatever code changes a status.
    """

    __tablename__ = "submission_counts"

    period_id: Mapped[int] = mapped_column(ForeignKey("comment_periods.id"), primary_key=True)
    status: Mapped[Status] = mapped_column(code_column(Status, 20), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)
