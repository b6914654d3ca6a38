"""Messages waiting to be sent, and the people who follow a pillar or a period.

An outbox row is written in the same transaction as the event that causes it (a comment stored,
a decision, a period extended), so a message exists exactly when its cause was committed. The
worker drains the outbox (portal/services/outbox.py): it leases a row (`claimed_until`), sends
it with a Message-ID made from the row's id, and marks it sent, so a crashed worker loses
nothing and a message is sent once.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base
from portal.models.labels import LabeledEnum
from portal.models.submission import Language
from portal.models.types import UTCDateTime, code_column


class MessageKind(LabeledEnum):
    RECEIPT = "receipt", _l("Receipt of a comment")
    DECISION = "decision", _l("Decision on a comment")
    FOLLOW_CONFIRM = "follow_confirm", _l("Confirmation of a follow request")
    NOTICE = "notice", _l("Notice to a follower")


class OutboxState(LabeledEnum):
    PENDING = "pending", _l("Waiting to be sent")
    SENT = "sent", _l("Sent")
    FAILED = "failed", _l("Failed: gave up retrying")
    CANCELLED = "cancelled", _l("Not sent: no longer wanted")


class NoticeKind(LabeledEnum):
    """What a notice to followers announces (portal/services/events.py)."""

    SCHEDULED = "period.scheduled", _l("A new comment period is scheduled")
    OPENS = "period.opens", _l("A comment period is open")
    CLOSING = "period.closing", _l("A comment period closes in 3 days")
    EXTENDED = "period.extended", _l("A deadline is extended")
    CLOSED_EARLY = "period.closed_early", _l("A comment period closed early")
    REOPENED = "period.reopened", _l("A comment period is reopened")
    OUTCOME = "outcome.published", _l("What we heard is published")


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        # The worker's question: pending rows due now, oldest first.
        Index("ix_outbox_messages_state_due_at", "state", "due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MessageKind] = mapped_column(code_column(MessageKind, 20))
    state: Mapped[OutboxState] = mapped_column(code_column(OutboxState, 12),
                                               default=OutboxState.PENDING)
    recipient: Mapped[str] = mapped_column(String(320))
    # The language of the page the person used: the message is written in it.
    language: Mapped[Language] = mapped_column(code_column(Language, 8))
    # What the message is about; the text is composed when it is sent.
    submission_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"), index=True)
    follower_id: Mapped[int | None] = mapped_column(
        ForeignKey("followers.id", ondelete="SET NULL"), index=True)
    period_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment_periods.id", ondelete="CASCADE"), index=True)
    data: Mapped[dict[str, object]] = mapped_column(JSON, default=dict)
    # Once per (event, recipient) for notices found by a scheduled task that may look twice.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A worker holds the row until then; after it, another worker may take it over.
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class Follower(Base):
    """An address that follows a pillar or a period; no account. It receives notices once the
    address confirmed (double opt-in), in the language it chose."""

    __tablename__ = "followers"
    __table_args__ = (UniqueConstraint("email", "target", name="uq_followers_email_target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320))
    language: Mapped[Language] = mapped_column(code_column(Language, 8))
    # "pillar:<id>" or "period:<id>": one row per address and thing followed.
    target: Mapped[str] = mapped_column(String(40))
    pillar_id: Mapped[int | None] = mapped_column(
        ForeignKey("pillars.id", ondelete="CASCADE"), index=True)
    period_id: Mapped[int | None] = mapped_column(
        ForeignKey("comment_periods.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
