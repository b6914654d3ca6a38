"""The public reading room: published comments only, newest first, filtered and searched."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from portal.models import CommentPeriod, Status, Submission, SubmissionCount, SubmissionTheme, Theme
from portal.services import search

PAGE_SIZE = 20


@dataclass(frozen=True)
class ReadingFilters:
    query: str = ""
    submitter_type: str | None = None
    country: str | None = None
    language: str | None = None

    @property
    def any(self) -> bool:
        return bool(self.query.strip() or self.submitter_type or self.country or self.language)


@dataclass
class ReadingPage:
    items: list[Submission]
    # Cursors by key, never OFFSET: the page of older comments starts below the last one shown,
    # the page of newer ones above the first.
    next_before: int | None
    prev_after: int | None = None
    total: int = 0
    # Confirmed themes of each comment on the page, in the themes' order.
    themes: dict[int, list[Theme]] = field(default_factory=dict)


def _matching(session: Session, period: CommentPeriod, filters: ReadingFilters,
              phrases: list[list[str]]) -> Select:
    query = select(Submission).where(
        Submission.period_id == period.id, Submission.status == Status.PUBLISHED
    )
    if filters.submitter_type:
        query = query.where(Submission.submitter_type == filters.submitter_type)
    if filters.country:
        query = query.where(Submission.country == filters.country)
    if filters.language:
        query = query.where(Submission.language == filters.language)
    return search.filter_matching(session, query, phrases)


def _total(session: Session, period: CommentPeriod, filters: ReadingFilters,
           query: Select) -> int:
    if not filters.any:  # the trigger-kept counts answer without touching the comments
        return session.scalar(
            select(SubmissionCount.n).where(SubmissionCount.period_id == period.id,
                                            SubmissionCount.status == Status.PUBLISHED)
        ) or 0
    return session.scalar(
        select(func.count()).select_from(query.with_only_columns(Submission.id).subquery())
    ) or 0


def themes_of(session: Session, ids: list[int]) -> dict[int, list[Theme]]:
    """The confirmed themes of some comments, one query for all of them."""
    found: dict[int, list[Theme]] = defaultdict(list)
    if not ids:
        return found
    for submission_id, theme in session.execute(
        select(SubmissionTheme.submission_id, Theme)
        .join(Theme, Theme.id == SubmissionTheme.theme_id)
        .where(SubmissionTheme.submission_id.in_(ids), SubmissionTheme.confirmed.is_(True))
        .order_by(Theme.position, Theme.id)
    ):
        found[submission_id].append(theme)
    return found


def published(
    session: Session,
    period: CommentPeriod,
    filters: ReadingFilters,
    before: int | None = None,
    after: int | None = None,
    page_size: int = PAGE_SIZE,
) -> ReadingPage:
    """One page, newest first: below `before`, or above `after` (the page of newer comments).
    Raises search.SearchQueryError when the search text cannot be used."""
    phrases = search.parse(filters.query)
    query = _matching(session, period, filters, phrases)
    paged = query.options(selectinload(Submission.answers))
    if after is not None and before is None:
        rows = list(session.scalars(
            paged.where(Submission.id > after).order_by(Submission.id).limit(page_size + 1)))
        newer_beyond = len(rows) > page_size
        items = list(reversed(rows[:page_size]))
        older = bool(items) and _exists(session, query.where(Submission.id < items[-1].id))
        next_before = items[-1].id if older else None
        prev_after = items[0].id if newer_beyond else None
    else:
        if before is not None:
            paged = paged.where(Submission.id < before)
        rows = list(session.scalars(paged.order_by(Submission.id.desc()).limit(page_size + 1)))
        items = rows[:page_size]
        next_before = items[-1].id if len(rows) > page_size else None
        newer = (before is not None and bool(items)
                 and _exists(session, query.where(Submission.id > items[0].id)))
        prev_after = items[0].id if newer else None
    return ReadingPage(
        items=items, next_before=next_before, prev_after=prev_after,
        total=_total(session, period, filters, query),
        themes=themes_of(session, [s.id for s in items]),
    )


def _exists(session: Session, query: Select) -> bool:
    return session.scalar(query.with_only_columns(Submission.id).limit(1)) is not None


def published_by_tracking(session: Session, tracking: str) -> Submission | None:
    return session.scalar(
        select(Submission).where(
            Submission.tracking_number == tracking, Submission.status == Status.PUBLISHED
        )
    )
