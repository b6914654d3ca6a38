"""The public reading room: published comments only, newest first, filtered and searched."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from portal.models import CommentPeriod, Status, Submission, SubmissionCount, SubmissionTheme, Theme
from portal.services import search

PAGE_SIZE = 20
# A search counts its matches up to this many, then says "more than": counting is most of a
# common word's search (on PostgreSQL each match is a search document read and checked; 1,000
# of them took 35 of a page's 50 ms), and "more than 500" tells a reader as much.
COUNT_CAP = 500


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
    total_capped: bool = False  # a search counted COUNT_CAP matches and stopped
    # Confirmed themes of each comment on the page, in the themes' order.
    themes: dict[int, list[Theme]] = field(default_factory=dict)


def _filtered(period: CommentPeriod, filters: ReadingFilters) -> Select:
    """Published comments of the period with the filters, before any search."""
    query = select(Submission).where(
        Submission.period_id == period.id, Submission.status == Status.PUBLISHED
    )
    if filters.submitter_type:
        query = query.where(Submission.submitter_type == filters.submitter_type)
    if filters.country:
        query = query.where(Submission.country == filters.country)
    if filters.language:
        query = query.where(Submission.language == filters.language)
    return query


def _total(session: Session, period: CommentPeriod, filters: ReadingFilters, query: Select,
           phrases: list[list[str]], within: tuple[int, int] | None) -> tuple[int, bool]:
    """How many comments the page belongs to, and whether that is only a lower bound: a
    search counts at most COUNT_CAP matches, so a common word never reads every match."""
    if not filters.any:  # the trigger-kept counts answer without touching the comments
        return session.scalar(
            select(SubmissionCount.n).where(SubmissionCount.period_id == period.id,
                                            SubmissionCount.status == Status.PUBLISHED)
        ) or 0, False
    if phrases:
        found = len(search.matching_ids(session, query, phrases, COUNT_CAP + 1,
                                        within=within))
        return min(found, COUNT_CAP), found > COUNT_CAP
    return session.scalar(
        select(func.count()).select_from(query.with_only_columns(Submission.id).subquery())
    ) or 0, False


def _span(session: Session, period: CommentPeriod) -> tuple[int, int]:
    """The lowest and highest id of the period's published comments (two index lookups): a
    search need not look at other periods' comments beyond them."""
    ids = select(Submission.id).where(Submission.period_id == period.id,
                                      Submission.status == Status.PUBLISHED)
    lowest = session.scalar(ids.order_by(Submission.id).limit(1))
    highest = session.scalar(ids.order_by(Submission.id.desc()).limit(1))
    return (lowest or 0, highest or 0)


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
    A search reads about as many matches as the page shows (search.matching_page), never the
    full list before the limit. Raises search.SearchQueryError when the search text cannot be
    used."""
    phrases = search.parse(filters.query)
    query = _filtered(period, filters)
    paged = query.options(selectinload(Submission.answers))
    within = _span(session, period)

    def beyond(bound: int, descending: bool) -> bool:
        return bool(search.matching_ids(session, query, phrases, 1, descending=descending,
                                        bound=bound, within=within))

    if after is not None and before is None:
        rows = search.matching_page(session, paged, phrases, page_size + 1, descending=False,
                                    bound=after, within=within)
        newer_beyond = len(rows) > page_size
        items = list(reversed(rows[:page_size]))
        next_before = items[-1].id if items and beyond(items[-1].id, True) else None
        prev_after = items[0].id if newer_beyond else None
    else:
        rows = search.matching_page(session, paged, phrases, page_size + 1, bound=before,
                                    within=within)
        items = rows[:page_size]
        next_before = items[-1].id if len(rows) > page_size else None
        newer = before is not None and bool(items) and beyond(items[0].id, False)
        prev_after = items[0].id if newer else None
    total, capped = _total(session, period, filters, query, phrases, within)
    return ReadingPage(
        items=items, next_before=next_before, prev_after=prev_after, total=total,
        total_capped=capped, themes=themes_of(session, [s.id for s in items]),
    )


def published_by_tracking(session: Session, tracking: str) -> Submission | None:
    return session.scalar(
        select(Submission).where(
            Submission.tracking_number == tracking, Submission.status == Status.PUBLISHED
        )
    )
