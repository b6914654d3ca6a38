"""Term statistics of published comments, kept as decisions happen, for the planners' summaries.

A summary's distinctive terms compare how many comments of a group (a theme, the answers to a
question) use a word with how many of all published comments do. Counting that from the texts on
every view read every published comment; here each comment's terms are worked out once, when it
becomes public or its public text or confirmed themes change (portal/services/term_stats.py), and
added to per-period document frequencies. A summary then reads a few grouped rows.
"""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.db import Base


class TermCount(Base):
    """In how many published comments of a period a term (a stem) appears, per group.

    kind "c": the whole public text of a comment (general comment and answers), group 0 for all
    published comments or a confirmed theme's id; kind "q": general comments and answers as
    separate documents, group 0 for all of them or a question's id for its answers. The row of
    the empty term counts the documents of the group.
    """

    __tablename__ = "term_counts"

    period_id: Mapped[int] = mapped_column(
        ForeignKey("comment_periods.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(1), primary_key=True)
    group_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    term: Mapped[str] = mapped_column(String(64), primary_key=True)
    docs: Mapped[int] = mapped_column(Integer, default=0)


class TermForm(Base):
    """How often a term is written in each form in a period's published comments, so a summary
    shows "energía" or "TPP" rather than its stem."""

    __tablename__ = "term_forms"

    period_id: Mapped[int] = mapped_column(
        ForeignKey("comment_periods.id", ondelete="CASCADE"), primary_key=True
    )
    term: Mapped[str] = mapped_column(String(64), primary_key=True)
    form: Mapped[str] = mapped_column(String(64), primary_key=True)
    uses: Mapped[int] = mapped_column(Integer, default=0)


class SubmissionTerms(Base):
    """What one published comment added to the statistics (its terms, forms, themes, answers),
    compressed, so it can be taken back exactly when the comment changes or leaves the record."""

    __tablename__ = "submission_terms"

    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True
    )
    period_id: Mapped[int] = mapped_column(Integer)
    counted: Mapped[bytes] = mapped_column(LargeBinary)
