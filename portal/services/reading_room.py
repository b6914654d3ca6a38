"""The public reading room: published comments only, newest first, filtered and searched."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from portal.models import CommentPeriod, Status, Submission
from portal.services import search

PAGE_SIZE = 20


@dataclass(frozen=True)
class ReadingFilters:
    query: str = ""
    submitter_type: str | None = None
    country: str | None = None
    language: str | None = None


@dataclass
class ReadingPage:
    items: list[Submission]
    next_before: int | None


def published(
    session: Session,
    period: CommentPeriod,
    filters: ReadingFilters,
    before: int | None = None,
    page_size: int = PAGE_SIZE,
) -> ReadingPage:
    """Raises search.SearchQueryError when the search text cannot be used."""
    phrases = search.parse(filters.query)
    query = select(Submission).where(
        Submission.period_id == period.id, Submission.status == Status.PUBLISHED
    )
    if filters.submitter_type:
        query = query.where(Submission.submitter_type == filters.submitter_type)
    if filters.country:
        query = query.where(Submission.country == filters.country)
    if filters.language:
        query = query.where(Submission.language == filters.language)
    rows = search.matching_page(session, query, phrases, page_size + 1, bound=before)
    items = rows[:page_size]
    return ReadingPage(items=items, next_before=items[-1].id if len(rows) > page_size else None)


def published_by_tracking(session: Session, tracking: str) -> Submission | None:
    return session.scalar(
        select(Submission).where(
            Submission.tracking_number == tracking, Submission.status == Status.PUBLISHED
        )
    )
