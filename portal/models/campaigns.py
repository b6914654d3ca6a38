"""Campaigns: form letters recognised as one position with many signers.

A campaign belongs to one comment period and one language. Its members are the comments found to
be copies of one letter; `size` is kept by the service as members join and leave, so pages never
count fifty thousand rows to show it. The countries and submitter types of the signers are
aggregates over the members.

`campaign_checks` says, per comment, that it was checked and what was found (its campaign, or
none); a comment without a row is still being checked. `campaign_bands` is the shared index: the
MinHash band keys of the comments that stand for a campaign or for themselves (exemplars), so that
every worker and machine finds the same campaigns with one indexed lookup.
"""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.db import Base
from portal.models.consultation import CommentPeriod
from portal.models.labels import LabeledEnum
from portal.models.submission import Language, RejectReason, Status, Submission
from portal.models.types import UTCDateTime, code_column, utcnow


class Counting(LabeledEnum):
    """How summaries count comments: every signature, or each campaign (position) once."""

    SIGNATURES = "signatures", _l("By signature: every comment counts")
    ONCE = "once", _l("Campaigns counted once")


class Position(Base):
    """Campaigns staff counted as one position: typically the English and Spanish versions of
    one letter."""

    __tablename__ = "positions"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Campaign(Base):
    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("comment_periods.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # Until staff rename it, the name is taken from the representative's subject.
    named_by_staff: Mapped[bool] = mapped_column(Boolean, default=False)
    language: Mapped[Language] = mapped_column(code_column(Language, 8))
    representative_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"))
    position_id: Mapped[int | None] = mapped_column(ForeignKey("positions.id"), index=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    # Members whose band keys are indexed (the representative first), at most a few.
    exemplars: Mapped[int] = mapped_column(Integer, default=0)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The decision members follow: set when staff decide the campaign, applied to later members.
    decision: Mapped[Status | None] = mapped_column(code_column(Status, 20))
    reject_reason: Mapped[RejectReason | None] = mapped_column(code_column(RejectReason, 40))
    reject_note: Mapped[str | None] = mapped_column(Text)
    # Theme ids confirmed for every member when the campaign was published, space-separated.
    theme_ids: Mapped[str] = mapped_column(String(400), default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # A campaign merged into another keeps its row, so links to it lead to where it went.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    period: Mapped[CommentPeriod] = relationship()
    representative: Mapped[Submission] = relationship()

    __mapper_args__ = {"version_id_col": version}

    @property
    def untouched(self) -> bool:
        """Nothing staff did depends on it: found campaigns of one letter may then be joined."""
        return (self.decision is None and not self.named_by_staff and self.position_id is None
                and self.merged_into_id is None)


class CampaignCheck(Base):
    """The outcome of looking for a comment's campaign; no row means "still checking"."""

    __tablename__ = "campaign_checks"
    __table_args__ = (Index("ix_campaign_checks_campaign_submission", "campaign_id",
                            "submission_id"),)

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("comment_periods.id"), index=True)
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"))
    # Exact Jaccard similarity of the word shingles to the exemplar it matched.
    similarity: Mapped[float | None] = mapped_column(Float)
    # Words of its body that the representative's body lacks: how much it adds of its own.
    added_words: Mapped[int | None] = mapped_column(Integer)
    # Its band keys are in campaign_bands: it stands for its campaign, or for itself.
    exemplar: Mapped[bool] = mapped_column(Boolean, default=False)
    # Staff took it out of a campaign: it joins none again.
    removed: Mapped[bool] = mapped_column(Boolean, default=False)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CampaignBand(Base):
    """One MinHash band key of an exemplar. The primary key is the lookup index."""

    __tablename__ = "campaign_bands"

    # No foreign keys: a derived index, written by the million in a rebuild, where each key
    # checked against its parent would slow every insert.
    # Looked up by (period, hash): the band is folded into the hash too, so hash comes first.
    period_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hash: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    band: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    submission_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
