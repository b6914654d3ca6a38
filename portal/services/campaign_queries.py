"""Reading campaigns for staff pages: lists by key, members by key, who signed, choices.

Every list is paged by key or bounded, and every count over members is an aggregate, so a
campaign of fifty thousand members opens as fast as one of five.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from portal.models import Campaign, CampaignCheck, Language, Status, Submission

PAGE_SIZE = 50
CHOICES = 50


def get(session: Session, campaign_id: int) -> Campaign | None:
    return session.get(Campaign, campaign_id)


def of_submission(session: Session, submission_id: int) -> tuple[CampaignCheck | None,
                                                                  Campaign | None]:
    row = session.get(CampaignCheck, submission_id)
    if row is None or row.campaign_id is None:
        return row, None
    return row, session.get(Campaign, row.campaign_id)


def linked(session: Session, campaign: Campaign) -> list[Campaign]:
    """The other campaigns of its position."""
    if campaign.position_id is None:
        return []
    return list(session.scalars(select(Campaign).where(
        Campaign.position_id == campaign.position_id, Campaign.id != campaign.id)
        .order_by(Campaign.id)))


@dataclass
class CampaignPage:
    items: list[Campaign]
    next_after: tuple[int, int] | None


def listing(session: Session, period_id: int | None = None, language: Language | None = None,
            after: tuple[int, int] | None = None, page_size: int = PAGE_SIZE) -> CampaignPage:
    """Campaigns, largest first, by key (size, id)."""
    query = select(Campaign).where(Campaign.merged_into_id.is_(None), Campaign.size > 0)
    if period_id:
        query = query.where(Campaign.period_id == period_id)
    if language:
        query = query.where(Campaign.language == language)
    if after is not None:
        size, last_id = after
        query = query.where(or_(Campaign.size < size,
                                and_(Campaign.size == size, Campaign.id > last_id)))
    rows = list(session.scalars(query.options(selectinload(Campaign.period))
                                .order_by(Campaign.size.desc(), Campaign.id)
                                .limit(page_size + 1)))
    items = rows[:page_size]
    more = len(rows) > page_size
    return CampaignPage(items, (items[-1].size, items[-1].id) if more and items else None)


def members(session: Session, campaign: Campaign, after: int | None = None,
            page_size: int = PAGE_SIZE) -> tuple[list[tuple[Submission, CampaignCheck]],
                                                 int | None]:
    """One page of members, oldest first, by key; and the key of the next page."""
    query = (select(Submission, CampaignCheck)
             .join(CampaignCheck, CampaignCheck.submission_id == Submission.id)
             .where(CampaignCheck.campaign_id == campaign.id))
    if after is not None:
        query = query.where(CampaignCheck.submission_id > after)
    rows = [(s, c) for s, c in session.execute(
        query.order_by(CampaignCheck.submission_id).limit(page_size + 1))]
    page = rows[:page_size]
    return page, (page[-1][0].id if len(rows) > page_size else None)


@dataclass
class Signers:
    by_status: dict[str, int]
    by_country: dict[str, int]
    by_type: dict[str, int]


def signers(session: Session, campaign: Campaign) -> Signers:
    """Who signed: members by status, country and submitter type (aggregates)."""
    def split(column: object) -> dict[str, int]:
        rows = session.execute(
            select(column, func.count())  # type: ignore[call-overload]
            .select_from(CampaignCheck)
            .join(Submission, Submission.id == CampaignCheck.submission_id)
            .where(CampaignCheck.campaign_id == campaign.id).group_by(column)
            .order_by(func.count().desc()))
        return {key: n for key, n in rows}

    return Signers(split(Submission.status), split(Submission.country),
                   split(Submission.submitter_type))


def held_members(session: Session, campaign: Campaign) -> int:
    """Pending members that add text of their own: a campaign decision leaves them alone."""
    from portal.services.campaign_decisions import NEW_CONTENT_WORDS

    return session.scalar(
        select(func.count()).select_from(CampaignCheck)
        .join(Submission, Submission.id == CampaignCheck.submission_id)
        .where(CampaignCheck.campaign_id == campaign.id, Submission.status == Status.PENDING,
               CampaignCheck.added_words >= NEW_CONTENT_WORDS)
    ) or 0


def pending_members(session: Session, campaign: Campaign) -> int:
    return session.scalar(
        select(func.count()).select_from(CampaignCheck)
        .join(Submission, Submission.id == CampaignCheck.submission_id)
        .where(CampaignCheck.campaign_id == campaign.id, Submission.status == Status.PENDING)
    ) or 0


def for_submissions(session: Session, ids: Sequence[int]) -> dict[int, tuple[CampaignCheck,
                                                                          Campaign | None]]:
    """Check rows and campaigns of a page of comments, in two queries; a comment missing from
    the result is still being checked."""
    if not ids:
        return {}
    rows = list(session.scalars(select(CampaignCheck).where(CampaignCheck.submission_id.in_(ids))))
    wanted = {r.campaign_id for r in rows if r.campaign_id is not None}
    found = {c.id: c for c in session.scalars(select(Campaign).where(Campaign.id.in_(wanted)))}
    return {r.submission_id: (r, found.get(r.campaign_id) if r.campaign_id else None)
            for r in rows}


def pending_counts(session: Session, campaign_ids: Sequence[int]) -> dict[int, int]:
    if not campaign_ids:
        return {}
    rows = session.execute(
        select(CampaignCheck.campaign_id, func.count())
        .join(Submission, Submission.id == CampaignCheck.submission_id)
        .where(CampaignCheck.campaign_id.in_(campaign_ids), Submission.status == Status.PENDING)
        .group_by(CampaignCheck.campaign_id))
    return {campaign_id: n for campaign_id, n in rows if campaign_id is not None}



def merge_candidates(session: Session, campaign: Campaign) -> list[Campaign]:
    """Campaigns it can be merged with: same period and language, largest first."""
    return list(session.scalars(
        select(Campaign).where(Campaign.period_id == campaign.period_id,
                               Campaign.language == campaign.language, Campaign.id != campaign.id,
                               Campaign.merged_into_id.is_(None), Campaign.size > 0)
        .order_by(Campaign.size.desc(), Campaign.id).limit(CHOICES)))


def link_candidates(session: Session, campaign: Campaign) -> list[Campaign]:
    """Campaigns it can be counted with as one position: the same period, another language."""
    query = select(Campaign).where(Campaign.period_id == campaign.period_id,
                                   Campaign.language != campaign.language,
                                   Campaign.merged_into_id.is_(None), Campaign.size > 0)
    if campaign.position_id is not None:
        query = query.where(or_(Campaign.position_id.is_(None),
                                Campaign.position_id != campaign.position_id))
    return list(session.scalars(query.order_by(Campaign.size.desc(), Campaign.id)
                                .limit(CHOICES)))
