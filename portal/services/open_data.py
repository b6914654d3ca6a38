"""The published record as data, for the open-data API and the bulk downloads.

The same comments as the reading room (published only, public versions), read by key, never by
OFFSET: a period's comments in the order received (by id), or the feed of what changed since a
given instant in the order it changed (by updated_at, then id). The feed also carries the
comments withdrawn from publication since then, so a harvester can delete its copies.

A harvest resumes from `resume_point`: SETTLE before the latest change the database holds. A
change is dated when its transaction flushes, and becomes visible when it commits; no write
transaction of the portal lasts SETTLE, so any change dated more than SETTLE before a committed
one has committed too, and resuming there misses nothing. The changes of those last minutes
are sent again (`updated_since` is inclusive); harvesters store comments by tracking number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select, true
from sqlalchemy.orm import Session

from portal.models import (
    Answer,
    Campaign,
    CampaignCheck,
    CommentPeriod,
    Country,
    Language,
    Question,
    Status,
    Submission,
    SubmissionCount,
    SubmissionTheme,
    SubmitterType,
    Theme,
)
from portal.services import search

SETTLE = timedelta(minutes=5)
DEFAULT_LIMIT = 50
MAX_LIMIT = 500


@dataclass(frozen=True)
class CommentFilters:
    """Filters on published comments; None means any. `question` is a question's number in
    its period (comments with a public answer to it); `campaign_ids` the campaigns of one
    position (see `campaign_by_code`)."""

    submitter_type: SubmitterType | None = None
    country: Country | None = None
    language: Language | None = None
    theme_id: int | None = None
    question: int | None = None
    campaign_ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Position:
    """Where a page ended: the last comment's id (and tracking number, which is what a cursor
    shows), and in the feed its updated_at too."""

    id: int
    updated_at: datetime | None = None
    tracking_number: str = ""


@dataclass
class Page:
    items: list[Submission]
    next: Position | None


def snapshot(session: Session) -> None:
    """Read everything of this session from one snapshot (the default on SQLite; REPEATABLE
    READ on PostgreSQL), so a page, its validators and a streamed file agree. Call first."""
    if session.get_bind().dialect.name == "postgresql":
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def _matching(filters: CommentFilters) -> ColumnElement[bool]:
    clauses: list[ColumnElement[bool]] = []
    if filters.submitter_type is not None:
        clauses.append(Submission.submitter_type == filters.submitter_type)
    if filters.country is not None:
        clauses.append(Submission.country == filters.country)
    if filters.language is not None:
        clauses.append(Submission.language == filters.language)
    if filters.theme_id is not None:
        clauses.append(exists().where(
            SubmissionTheme.submission_id == Submission.id,
            SubmissionTheme.theme_id == filters.theme_id,
            SubmissionTheme.confirmed.is_(True),
        ))
    if filters.question is not None:
        shown = func.coalesce(Answer.public_text, Answer.text)
        clauses.append(exists().where(
            Answer.submission_id == Submission.id,
            Answer.question_id == Question.id,
            Question.period_id == Submission.period_id,
            Question.position == filters.question,
            func.length(func.trim(shown)) > 0,
        ))
    if filters.campaign_ids is not None:
        clauses.append(exists().where(
            CampaignCheck.submission_id == Submission.id,
            CampaignCheck.campaign_id.in_(filters.campaign_ids),
        ))
    return and_(true(), *clauses)


def _page(session: Session, query: Select, limit: int, feed: bool) -> Page:
    rows = list(session.scalars(query.limit(limit + 1)))
    items = rows[:limit]
    if len(rows) <= limit:
        return Page(items=items, next=None)
    last = items[-1]
    return Page(items=items, next=Position(last.id, last.updated_at if feed else None,
                                           last.tracking_number))


def published(
    session: Session, period_ids: Sequence[int] | None, filters: CommentFilters,
    after: int | None = None, limit: int = DEFAULT_LIMIT, phrases: list[list[str]] | None = None,
) -> Page:
    """Published comments of these periods (None: every period), in the order received,
    optionally only those matching search phrases (from `search.parse`)."""
    query = select(Submission).where(Submission.status == Status.PUBLISHED)
    if period_ids is not None:
        query = query.where(Submission.period_id.in_(period_ids))
    if after is not None:
        query = query.where(Submission.id > after)
    query = search.filter_matching(session, query.where(_matching(filters)), phrases or [])
    return _page(session, query.order_by(Submission.id), limit, feed=False)


def changes(
    session: Session, period_id: int, filters: CommentFilters, since: datetime,
    after: Position | None = None, limit: int = DEFAULT_LIMIT,
) -> Page:
    """Comments of the period whose public record changed at or after `since`, oldest change
    first: published ones matching the filters, and every withdrawn one (status no longer
    published; the caller shows it without content). Withdrawals ignore the filters, so that
    they reveal nothing of a comment's current, unpublished state."""
    query = select(Submission).where(
        Submission.period_id == period_id,
        Submission.updated_at >= since,
        or_(and_(Submission.status == Status.PUBLISHED, _matching(filters)),
            Submission.status != Status.PUBLISHED),
    )
    if after is not None and after.updated_at is not None:
        query = query.where(
            Submission.updated_at >= after.updated_at,
            or_(Submission.updated_at > after.updated_at, Submission.id > after.id),
        )
    return _page(session, query.order_by(Submission.updated_at, Submission.id), limit, feed=True)


def last_change(session: Session, period_ids: Sequence[int]) -> datetime | None:
    """The latest change of the public record in these periods (one index lookup each)."""
    latest = [
        session.scalar(select(Submission.updated_at).where(
            Submission.period_id == period_id, Submission.updated_at.is_not(None))
            .order_by(Submission.updated_at.desc()).limit(1))
        for period_id in period_ids
    ]
    return max((t for t in latest if t is not None), default=None)


def themes_changed_at(session: Session, pillar_ids: Sequence[int] | None = None) -> datetime | None:
    query = select(func.max(Theme.updated_at))
    if pillar_ids is not None:
        query = query.where(Theme.pillar_id.in_(pillar_ids))
    return session.scalar(query)


def resume_point(latest: datetime | None, since: datetime | None) -> datetime | None:
    """Where the next harvest should start (`updated_since`): SETTLE before the latest change,
    never before where this one started. It depends on the data only, not on the clock, so an
    unchanged list keeps its ETag and pollers get their 304."""
    if latest is None:
        return since
    point = latest - SETTLE
    return max(point, since) if since is not None else point


def position_of(session: Session, tracking: str, updated_at: datetime | None
                ) -> Position | None:
    """The keyset position after the comment with this tracking number, in any state (a
    comment withdrawn while a client pages on still marks where its page ended)."""
    found = session.scalar(select(Submission.id).where(Submission.tracking_number == tracking))
    return Position(found, updated_at, tracking) if found is not None else None


def by_tracking(session: Session, tracking: str) -> Submission | None:
    """A published comment; an unpublished one is answered exactly like an unknown one."""
    return session.scalar(select(Submission).where(
        Submission.tracking_number == tracking, Submission.status == Status.PUBLISHED))


def counts(session: Session) -> dict[int, dict[Status, int]]:
    """Comments per period and status, from the trigger-kept counts (no scan of comments)."""
    result: dict[int, dict[Status, int]] = {}
    for period_id, status, n in session.execute(
        select(SubmissionCount.period_id, SubmissionCount.status, SubmissionCount.n)
    ):
        result.setdefault(period_id, dict.fromkeys(Status, 0))[status] = n
    return result


def period_by_key(session: Session, key: str) -> CommentPeriod | None:
    """A period by docket number or slug; keys longer than any stored one are not looked up."""
    if len(key) > 120:
        return None
    return session.scalar(select(CommentPeriod).where(
        (CommentPeriod.slug == key) | (CommentPeriod.docket_id == key.upper())))


def theme_by_code(session: Session, code: str) -> Theme | None:
    return session.scalar(select(Theme).where(Theme.code == code))


CAMPAIGN_CODE = re.compile(r"^([cp])([1-9][0-9]{0,9})$")


def campaign_code(campaign: Campaign) -> str:
    """The public code of a campaign's position: "p<n>" for campaigns staff linked as one
    position (across languages), "c<n>" for a campaign alone."""
    return f"p{campaign.position_id}" if campaign.position_id else f"c{campaign.id}"


def campaign_by_code(session: Session, code: str) -> tuple[int, ...] | None:
    """The campaigns a public code stands for, or None for a code that names none."""
    found = CAMPAIGN_CODE.match(code)
    if found is None or int(found.group(2)) > 2**31 - 1:
        return None
    number = int(found.group(2))
    column = Campaign.position_id if found.group(1) == "p" else Campaign.id
    ids = tuple(session.scalars(
        select(Campaign.id).where(column == number, Campaign.merged_into_id.is_(None),
                                  Campaign.size > 0).order_by(Campaign.id)))
    if found.group(1) == "c" and ids:
        campaign = session.get(Campaign, ids[0])
        if campaign is not None and campaign.position_id is not None:
            return None  # a linked campaign is known by its position's code only
    return ids or None
