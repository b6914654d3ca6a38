"""Campaigns: form letters found among the comments, and what staff do with them.

`check` finds the campaign of one comment (see campaign_index for how). A new comment is checked
on the worker, not in the request that stores it: the request flags its session
(`comment_stored`), and once it commits the task `campaigns.check` runs `check_due`, which checks
every comment not checked yet in committed batches (a periodic task runs it every minute too, for
whatever a lost enqueue or a failed check left). `rebuild` does the same for the command
`flask campaigns rebuild`, in batches the caller commits. Staff rename a campaign, merge two, take
a comment out of one, and link campaigns (an English and a Spanish letter) as one position; each
is audited. Deciding a campaign is in campaign_decisions. Services flush; callers commit.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import Select, delete, exists, func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from portal.models import (
    AuditAction,
    Campaign,
    CampaignBand,
    CampaignCheck,
    CommentPeriod,
    Language,
    Position,
    Status,
    Submission,
)
from portal.models.types import utcnow
from portal.services import audit, campaign_decisions, enrichment
from portal.services.campaign_index import Finder, add_exemplar, drop_exemplar, fingerprints
from portal.services.moderation import ConflictError
from portal.text.nearduplicates import Fingerprint

log = logging.getLogger(__name__)
PAGE_SIZE = 50
REBUILD_BATCH = 500
MAX_NAME = 200


class CampaignError(ValueError):
    """The change cannot be made; `code` says why (same, merged, period, language, name,
    not_member)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


# -- finding campaigns ----------------------------------------------------------------------


def check(session: Session, submission: Submission) -> CampaignCheck:
    """Find the campaign of a stored comment (idempotent), and let a member follow the
    campaign's decision. Flushes."""
    take_check_lock(session)
    existing = session.get(CampaignCheck, submission.id)
    if existing is not None:
        return existing
    _check_rows(session, submission.period_id, [submission])
    found = session.get(CampaignCheck, submission.id)
    assert found is not None  # noqa: S101 - the finder has just written it
    return found


def _check_rows(session: Session, period_id: int, rows: Sequence[Submission],
                known: Mapping[int, tuple[str, Fingerprint]] | None = None) -> None:
    """Find the campaigns of comments of one period, in arrival order; a member of a decided
    campaign takes its decision (and its decision email goes to the outbox) here, in the same
    transaction. A comment the worker has not enriched yet is enriched first: a campaign takes
    its language from its first letter, and a member may be decided here."""
    for submission in rows:
        enrichment.ensure(session, submission)
    outcomes = Finder(session, period_id).run(rows, known)
    for submission, outcome in zip(rows, outcomes, strict=True):
        if outcome.campaign is not None:
            campaign_decisions.follow(session, outcome.campaign, submission,
                                      outcome.added_words)
    session.flush()


# -- on the worker ---------------------------------------------------------------------------

UNCHECKED = "portal_unchecked_comments"  # session.info: this transaction stored comments
# Small enough that a batch holds SQLite's write lock briefly: during a rush the requests that
# store comments wait for it.
CHECK_BATCH = 50


def comment_stored(session: Session) -> None:
    """Note that this transaction stored a comment: once it commits, a worker is asked to find
    its campaign (portal/tasks.py). Until then the queue shows it as "checking…"."""
    session.info[UNCHECKED] = True


@dataclass
class CheckResult:
    checked: int = 0
    failed: int = 0


# PostgreSQL advisory lock key ("campaign" in ASCII): held by the transaction that checks.
CHECK_LOCK = 0x63616D706169676E


def take_check_lock(session: Session) -> None:
    """Check comments one transaction at a time across every worker and machine: each batch
    then sees what the previous one found, so campaigns are the same as if one process had
    checked every comment in order, and two workers never check the same comment or grow the
    same campaign at once (row locks taken in different orders deadlocked). SQLite already
    has one writer at a time; on PostgreSQL a transaction-scoped advisory lock does it. The
    primary key of campaign_checks stays the last guard."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(select(func.pg_advisory_xact_lock(CHECK_LOCK)))


def _unchecked(session: Session, after: int, limit: int) -> list[Submission]:
    """The oldest comments not checked yet after `after` (read once the lock is held, so what
    another worker committed meanwhile is seen)."""
    take_check_lock(session)
    return list(session.scalars(_next_unchecked(select(Submission), after, limit)))


_Q = TypeVar("_Q", bound=Select)


def _next_unchecked(query: _Q, after: int, limit: int) -> _Q:
    """The oldest comments not checked yet after `after`, whatever the select reads of them."""
    return (query.where(Submission.id > after,
                        ~exists().where(CampaignCheck.submission_id == Submission.id))
            .order_by(Submission.id).limit(limit))


def _fingerprints_ahead(after: int, limit: int) -> dict[int, tuple[str, Fingerprint]]:
    """The fingerprints of the comments the next batch will most likely check, read without
    the lock: during a rush the write lock is what arriving comments wait for, and a batch
    held it for about 0.2 s, half of it spent on this text work. What another worker checks
    meanwhile is skipped under the lock as before; a comment missing here is worked out
    there."""
    from portal.db import new_session

    reader = new_session()
    try:
        return fingerprints((submission_id, body) for submission_id, body in reader.execute(
            _next_unchecked(select(Submission.id, Submission.body), after, limit)))
    finally:
        reader.close()


def check_due(batch: int = CHECK_BATCH) -> CheckResult:
    """Background work: find the campaigns of every comment not checked yet, oldest first, one
    committed transaction per batch. A comment checked meanwhile (by another worker) is
    skipped. When a batch fails, its comments are checked one by one, each in a transaction of
    its own: one comment whose check fails is logged and left unchecked ("checking…" in the
    queue) for the next run, and costs the others nothing."""
    from portal.db import write_session

    result, after = CheckResult(), 0
    while True:
        ids: list[int] = []
        known = _fingerprints_ahead(after, batch)
        try:
            with write_session() as session:
                rows = _unchecked(session, after, batch)
                if not rows:
                    return result
                ids = [s.id for s in rows]
                for period_id in sorted({s.period_id for s in rows}):
                    _check_rows(session, period_id, [s for s in rows if s.period_id == period_id],
                                known)
            result.checked += len(ids)
        except Exception:  # noqa: BLE001 - one by one below, so one bad comment costs only itself
            if not ids:
                raise
            log.warning("campaign check of a batch failed; checking its comments one by one",
                        exc_info=True)
            for submission_id in ids:
                _check_one(submission_id, result)
        after = ids[-1]


def _check_one(submission_id: int, result: CheckResult) -> None:
    from portal.db import new_session, write_session

    try:
        with write_session() as session:
            submission = session.get(Submission, submission_id)
            if submission is None or session.get(CampaignCheck, submission_id) is not None:
                return  # checked meanwhile
            check(session, submission)
        result.checked += 1
    except Exception:  # noqa: BLE001 - left unchecked: the next run tries again
        reader = new_session()
        try:
            if reader.get(CampaignCheck, submission_id) is not None:
                log.info("submission %s was checked by another worker", submission_id)
                return
        finally:
            reader.close()
        result.failed += 1
        log.exception("campaign check of submission %s failed; it stays unchecked",
                      submission_id)


@dataclass(frozen=True)
class Progress:
    done: int
    total: int


def unchecked_count(session: Session, period_ids: Sequence[int]) -> int:
    return session.scalar(
        select(func.count()).select_from(Submission).where(
            Submission.period_id.in_(period_ids),
            ~exists().where(CampaignCheck.submission_id == Submission.id))
    ) or 0


def reset(session: Session, period_id: int) -> None:
    """Forget the campaigns of a period (decisions already applied to comments stay)."""
    session.flush()
    session.execute(delete(CampaignBand).where(CampaignBand.period_id == period_id))
    session.execute(delete(CampaignCheck).where(CampaignCheck.period_id == period_id))
    session.execute(update(Campaign).where(Campaign.period_id == period_id)
                    .values(merged_into_id=None).execution_options(synchronize_session=False))
    session.execute(delete(Campaign).where(Campaign.period_id == period_id)
                    .execution_options(synchronize_session=False))
    session.execute(delete(Position).where(~exists().where(Campaign.position_id == Position.id)))
    session.expunge_all()


def rebuild(session: Session, period_ids: Iterable[int] | None = None,
            batch: int = REBUILD_BATCH) -> Iterator[Progress]:
    """Check the comments not checked yet, oldest first, period by period, and yield after each
    batch so the caller commits it. Stopped and run again, it goes on where it stopped: what a
    committed batch checked is not checked twice."""
    wanted = sorted(period_ids) if period_ids is not None else list(
        session.scalars(select(CommentPeriod.id).order_by(CommentPeriod.id)))
    total, done = unchecked_count(session, wanted), 0
    for period_id in wanted:
        after = 0
        while True:
            take_check_lock(session)
            rows = list(session.scalars(
                select(Submission)
                .where(Submission.period_id == period_id, Submission.id > after,
                       ~exists().where(CampaignCheck.submission_id == Submission.id))
                .order_by(Submission.id).limit(batch)
            ))
            if not rows:
                break
            _check_rows(session, period_id, rows)
            after = rows[-1].id
            done += len(rows)
            session.expunge_all()  # a million rows pass through; keep one batch in memory
            yield Progress(done, max(total, done))


# -- staff changes --------------------------------------------------------------------------


def _expect(campaign: Campaign, expected_version: int | None) -> None:
    if expected_version is not None and campaign.version != expected_version:
        raise ConflictError(str(campaign.id))
    if campaign.merged_into_id is not None:
        raise ConflictError(str(campaign.id))


def _flush(session: Session, campaign: Campaign) -> None:
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConflictError(str(campaign.id)) from exc


def stamp_published_members(session: Session, campaign_ids: Iterable[int]) -> None:
    """Date a change of what the public sees of these campaigns' published members (their
    campaign's code, name or position): members change by statements here, which the flush
    hook that dates public changes (models/changes.py) does not see."""
    ids = list(campaign_ids)
    if not ids:
        return
    session.execute(
        update(Submission).where(
            Submission.status == Status.PUBLISHED,
            Submission.id.in_(select(CampaignCheck.submission_id)
                              .where(CampaignCheck.campaign_id.in_(ids))))
        .values(updated_at=utcnow()).execution_options(synchronize_session=False))


def _position_members(session: Session, *campaigns: Campaign) -> set[int]:
    """The campaigns that share a position with any of these, and these."""
    ids = {c.id for c in campaigns}
    positions = {c.position_id for c in campaigns if c.position_id is not None}
    if positions:
        ids.update(session.scalars(select(Campaign.id).where(Campaign.position_id.in_(positions))))
    return ids


def merge(session: Session, into: Campaign, other: Campaign, actor: audit.Actor,
          expected_into: int | None = None, expected_other: int | None = None) -> Campaign:
    """Move every member of other into into; other stays as a pointer to where it went."""
    if into.id == other.id:
        raise CampaignError("same")
    _expect(into, expected_into)
    _expect(other, expected_other)
    if into.period_id != other.period_id:
        raise CampaignError("period")
    if into.language != other.language and Language.UND not in (into.language, other.language):
        raise CampaignError("language")
    session.flush()
    before = {"members": into.size}
    moved, moved_exemplars = other.size, other.exemplars
    session.execute(update(CampaignCheck).where(CampaignCheck.campaign_id == other.id)
                    .values(campaign_id=into.id).execution_options(synchronize_session=False))
    into.size = Campaign.size + moved  # SQL: concurrent growth kept
    into.exemplars = Campaign.exemplars + moved_exemplars
    into.first_seen_at = min(into.first_seen_at, other.first_seen_at)
    into.last_seen_at = max(into.last_seen_at, other.last_seen_at)
    if into.position_id is None and other.position_id is not None:
        into.position_id = other.position_id
    other.size, other.exemplars, other.position_id = 0, 0, None
    other.merged_into_id = into.id
    _flush(session, into)
    session.refresh(into)
    stamp_published_members(session, _position_members(session, into))
    audit.record(session, actor, AuditAction.CAMPAIGN_MERGE, "campaign", into.id,
                 before=before, after={"members": into.size, "merged": other.name})
    audit.record(session, actor, AuditAction.CAMPAIGN_MERGE, "campaign", other.id,
                 before={"members": moved}, after={"merged_into": into.name})
    return into


def rename(session: Session, campaign: Campaign, name: str, actor: audit.Actor,
           expected_version: int | None = None) -> Campaign:
    cleaned = " ".join(name.split())
    if not cleaned or len(cleaned) > MAX_NAME:
        raise CampaignError("name")
    _expect(campaign, expected_version)
    before = {"name": campaign.name}
    campaign.name, campaign.named_by_staff = cleaned, True
    _flush(session, campaign)
    stamp_published_members(session, _position_members(session, campaign))
    audit.record(session, actor, AuditAction.CAMPAIGN_RENAME, "campaign", campaign.id,
                 before=before, after={"name": cleaned})
    return campaign


def remove_member(session: Session, campaign: Campaign, submission: Submission,
                  actor: audit.Actor, expected_version: int | None = None) -> Campaign:
    """Take a comment out of its campaign for good. Its status is left as it is (a decision
    already applied stays); it no longer counts with the campaign."""
    _expect(campaign, expected_version)
    row = session.get(CampaignCheck, submission.id)
    if row is None or row.campaign_id != campaign.id:
        raise CampaignError("not_member")
    row.campaign_id, row.similarity, row.added_words, row.removed = None, None, None, True
    if submission.status is Status.PUBLISHED:
        submission.updated_at = utcnow()
    exemplars = -1 if row.exemplar else 0
    if row.exemplar:
        drop_exemplar(session, submission, row)
    campaign.size = Campaign.size - 1  # SQL: concurrent growth kept
    if campaign.representative_id == submission.id:
        session.flush()
        successor = session.scalar(select(func.min(CampaignCheck.submission_id))
                                   .where(CampaignCheck.campaign_id == campaign.id))
        if successor is not None:
            campaign.representative_id = successor
            heir = session.get(Submission, successor)
            heir_row = session.get(CampaignCheck, successor)
            if heir is not None and heir_row is not None and add_exemplar(session, heir,
                                                                          heir_row):
                exemplars += 1
    campaign.exemplars = Campaign.exemplars + exemplars
    _flush(session, campaign)
    session.refresh(campaign)
    change = {"campaign": campaign.name, "tracking_number": submission.tracking_number}
    audit.record(session, actor, AuditAction.CAMPAIGN_REMOVE_MEMBER, "campaign", campaign.id,
                 before={"members": campaign.size + 1}, after={"members": campaign.size,
                                                               **change})
    audit.record(session, actor, AuditAction.CAMPAIGN_REMOVE_MEMBER, "submission",
                 submission.id, before={"campaign": campaign.name}, after={"campaign": None})
    return campaign


def link(session: Session, one: Campaign, other: Campaign, actor: audit.Actor) -> Position:
    """Count two campaigns (and whatever each was already linked with) as one position."""
    if one.id == other.id:
        raise CampaignError("same")
    if one.merged_into_id is not None or other.merged_into_id is not None:
        raise CampaignError("merged")
    position = None
    if one.position_id is not None:
        position = session.get(Position, one.position_id)
    elif other.position_id is not None:
        position = session.get(Position, other.position_id)
    if position is None:
        position = Position()
        session.add(position)
        session.flush()
    for campaign in (one, other):
        if campaign.position_id not in (None, position.id):
            session.execute(update(Campaign).where(Campaign.position_id == campaign.position_id)
                            .values(position_id=position.id, version=Campaign.version + 1)
                            .execution_options(synchronize_session=False))
            session.refresh(campaign)
        campaign.position_id = position.id
    session.flush()
    session.execute(delete(Position).where(~exists().where(Campaign.position_id == Position.id)))
    stamp_published_members(session, _position_members(session, one, other))
    for campaign, partner in ((one, other), (other, one)):
        audit.record(session, actor, AuditAction.CAMPAIGN_LINK, "campaign", campaign.id,
                     after={"position": partner.name})
    return position


def unlink(session: Session, campaign: Campaign, actor: audit.Actor,
           expected_version: int | None = None) -> Campaign:
    _expect(campaign, expected_version)
    if campaign.position_id is None:
        return campaign
    stamp_published_members(session, _position_members(session, campaign))
    campaign.position_id = None
    session.flush()
    session.execute(delete(Position).where(~exists().where(Campaign.position_id == Position.id)))
    audit.record(session, actor, AuditAction.CAMPAIGN_UNLINK, "campaign", campaign.id)
    return campaign
