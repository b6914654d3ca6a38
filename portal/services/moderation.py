"""Moderation: the queue, decisions with optimistic concurrency, redaction, bulk decisions."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from portal import sanitize
from portal.models import (
    AuditAction,
    CampaignCheck,
    CommentPeriod,
    Country,
    Flag,
    Language,
    RejectReason,
    Status,
    Submission,
    SubmissionCount,
    SubmitterType,
)
from portal.models.types import utcnow
from portal.services import audit, enrichment, outbox, search, themes
from portal.text.visible import is_blank

PAGE_SIZE = 50
MAX_BULK = 500


class ConflictError(Exception):
    """Someone else changed or decided the submission since the moderator loaded it."""


class AlreadyDecidedError(Exception):
    def __init__(self, submission: Submission) -> None:
        super().__init__(f"{submission.tracking_number} is already {submission.status}")
        self.submission = submission


class InvalidDecisionError(ValueError):
    pass


@dataclass(frozen=True)
class QueueFilters:
    status: Status = Status.PENDING
    period_id: int | None = None
    pillar_id: int | None = None
    language: Language | None = None
    submitter_type: SubmitterType | None = None
    country: Country | None = None
    flag: Flag | Literal["any"] | None = None
    # A campaign's id, "any" (in a campaign), "none" (in none) or "checking" (not checked yet).
    campaign: int | str | None = None


@dataclass
class QueuePage:
    items: list[Submission]
    next_after: int | None
    prev_before: int | None
    counts: dict[str, int] = field(default_factory=dict)


def _filtered(filters: QueueFilters) -> Select:
    query = select(Submission).where(Submission.status == filters.status)
    if filters.period_id:
        query = query.where(Submission.period_id == filters.period_id)
    if filters.pillar_id:
        query = query.where(
            Submission.period_id.in_(
                select(CommentPeriod.id).where(CommentPeriod.pillar_id == filters.pillar_id)
            )
        )
    if filters.language:
        query = query.where(Submission.language == filters.language)
    if filters.submitter_type:
        query = query.where(Submission.submitter_type == filters.submitter_type)
    if filters.country:
        query = query.where(Submission.country == filters.country)
    if filters.campaign is not None:
        query = _in_campaign(query, filters.campaign)
    if filters.flag:
        # Always `flags != ''`, the condition of the index of flagged comments, which the
        # databases use only when the query states it.
        query = query.where(Submission.flags != "")
        if filters.flag != "any":
            query = query.where(Submission.flags.contains(filters.flag))
    return query


def _in_campaign(query: Select, campaign: int | str) -> Select:
    checked = exists().where(CampaignCheck.submission_id == Submission.id)
    if campaign == "checking":
        return query.where(~checked)
    if campaign == "none":
        return query.where(checked.where(CampaignCheck.campaign_id.is_(None)))
    if campaign == "any":
        return query.where(checked.where(CampaignCheck.campaign_id.isnot(None)))
    return query.where(checked.where(CampaignCheck.campaign_id == campaign))


def queue(
    session: Session,
    filters: QueueFilters,
    after: int | None = None,
    before: int | None = None,
    page_size: int = PAGE_SIZE,
) -> QueuePage:
    """One page of the queue, oldest first, by key (id order is arrival order), never OFFSET."""
    query = _filtered(filters).options(selectinload(Submission.period))
    if before is not None:
        rows = list(
            session.scalars(
                query.where(Submission.id < before).order_by(Submission.id.desc()).limit(
                    page_size + 1
                )
            )
        )
        has_more_before = len(rows) > page_size
        items = list(reversed(rows[:page_size]))
        next_after = items[-1].id if items else None
        prev_before = items[0].id if items and has_more_before else None
    else:
        if after is not None:
            query = query.where(Submission.id > after)
        rows = list(session.scalars(query.order_by(Submission.id).limit(page_size + 1)))
        items = rows[:page_size]
        next_after = items[-1].id if len(rows) > page_size else None
        prev_before = items[0].id if items and after is not None else None
    return QueuePage(items=items, next_after=next_after, prev_before=prev_before)


def status_counts(session: Session, period_id: int | None = None) -> dict[Status, int]:
    """Comments per status, from the trigger-maintained counts table (no scan of submissions)."""
    query = select(SubmissionCount.status, func.sum(SubmissionCount.n)).group_by(
        SubmissionCount.status
    )
    if period_id:
        query = query.where(SubmissionCount.period_id == period_id)
    counts = dict.fromkeys(Status, 0)
    counts.update({status: n for status, n in session.execute(query)})
    return counts


def get(session: Session, submission_id: int) -> Submission | None:
    return session.get(Submission, submission_id)


def _snapshot(submission: Submission) -> dict[str, object]:
    snapshot: dict[str, object] = {
        "status": submission.status,
        "reject_reason": submission.reject_reason,
        "reject_note": submission.reject_note,
        "public_body": submission.public_body,
    }
    if submission.public_subject is not None:  # older events have no such key: keep them equal
        snapshot["public_subject"] = submission.public_subject
    for answer in submission.sorted_answers:  # "answer_2": public version of answer 2
        snapshot[f"answer_{answer.question.position}"] = answer.public_text
    return snapshot


def _check_version(submission: Submission, expected_version: int | None) -> None:
    if expected_version is not None and submission.version != expected_version:
        raise ConflictError(submission.tracking_number)


def save_themes(session: Session, submission: Submission, theme_ids: list[int],
                actor: audit.Actor, expected_version: int | None = None) -> list[int]:
    """Confirm exactly these themes, unless someone changed the comment since the moderator
    saw it. A change of themes is a change of the comment: its version moves on, so a
    moderator still holding the page that showed the old themes gets the conflict page."""
    _check_version(submission, expected_version)
    before = sorted(r.theme_id for r in themes.of_submission(session, submission.id)
                    if r.confirmed)
    version = submission.version
    confirmed = themes.confirm(session, submission, theme_ids, actor)
    if confirmed != before and submission.version == version:
        flag_modified(submission, "flags")  # an UPDATE, which moves the version on
        _flush(session, submission)
    return confirmed


def _flush(session: Session, submission: Submission) -> None:
    try:
        session.flush()
    except StaleDataError as exc:  # another worker updated the row between our read and write
        raise ConflictError(submission.tracking_number) from exc


def _decide(
    session: Session,
    submission: Submission,
    actor: audit.Actor,
    status: Status,
    expected_version: int | None,
    now: datetime | None,
    **fields: object,
) -> None:
    """Move a pending comment to status, or refuse: changed meanwhile, or already decided."""
    _check_version(submission, expected_version)
    if submission.status is not Status.PENDING:
        raise AlreadyDecidedError(submission)
    # What is counted from here on (term statistics, search) needs its language and themes.
    enrichment.ensure(session, submission)
    before = _snapshot(submission)
    submission.status = status
    for name, value in fields.items():
        setattr(submission, name, value)
    submission.decided_at = now or utcnow()
    submission.decided_by_id = actor.user_id
    _flush(session, submission)
    if status is Status.PUBLISHED:
        search.index(session, submission)
    action = (AuditAction.SUBMISSION_PUBLISH if status is Status.PUBLISHED
              else AuditAction.SUBMISSION_REJECT)
    audit.record(session, actor, action, "submission", submission.id,
                 before=before, after=_snapshot(submission))
    outbox.decision(session, submission)


def publish(
    session: Session,
    submission: Submission,
    actor: audit.Actor,
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Submission:
    _decide(session, submission, actor, Status.PUBLISHED, expected_version, now)
    return submission


def reject(
    session: Session,
    submission: Submission,
    actor: audit.Actor,
    reason: str,
    note: str = "",
    expected_version: int | None = None,
    now: datetime | None = None,
) -> Submission:
    code = RejectReason.parse(reason)
    if code is None:
        raise InvalidDecisionError("unknown reason")
    _decide(session, submission, actor, Status.REJECTED, expected_version, now,
            reject_reason=code, reject_note=note.strip() or None)
    return submission


def edit_public_version(
    session: Session,
    submission: Submission,
    actor: audit.Actor,
    public_body: str,
    expected_version: int | None = None,
    public_answers: Mapping[int, str] | None = None,
    public_subject: str | None = None,
) -> Submission:
    """Set the text the public will read (redactions): the general comment, the subject (None:
    unchanged) and, by answer id, each answer ("" withholds an answer). The originals stay as
    received."""
    _check_version(submission, expected_version)
    if submission.status is Status.REJECTED:
        raise AlreadyDecidedError(submission)
    public_answers = public_answers or {}
    answers = submission.sorted_answers
    if public_answers.keys() - {a.id for a in answers}:
        raise InvalidDecisionError("unknown answer")
    texts = [public_body] + [public_answers.get(a.id, a.shown_text) for a in answers]
    if not any(t.strip() for t in texts):
        raise InvalidDecisionError("empty")
    if public_subject is not None:
        public_subject = public_subject.strip()
        if is_blank(public_subject):
            raise InvalidDecisionError("empty subject")
    before = _snapshot(submission)
    if public_subject is not None:
        submission.public_subject = None if public_subject == submission.subject else public_subject
    if public_body == submission.body:
        submission.public_body = None
        submission.public_body_html = None
    else:
        submission.public_body = public_body
        submission.public_body_html = sanitize.render_text(public_body)
    for answer in answers:
        if answer.id not in public_answers:
            continue
        text = public_answers[answer.id]
        same = text == answer.text
        answer.public_text = None if same else text
        answer.public_text_html = None if same else sanitize.render_text(text)
    # An edit of the answers alone is still a change of the comment: its version moves on, so
    # that another moderator's decision on the version before is refused.
    flag_modified(submission, "public_body")
    _flush(session, submission)
    if submission.status is Status.PUBLISHED:
        search.index(session, submission)
    audit.record(session, actor, AuditAction.SUBMISSION_EDIT, "submission", submission.id,
                 before=before, after=_snapshot(submission))
    return submission


def return_to_queue(
    session: Session,
    submission: Submission,
    actor: audit.Actor,
    reason: str,
    expected_version: int | None = None,
) -> Submission:
    """Send a published or rejected comment back to the queue, with the reason why. It leaves
    the reading room and search at once; its receipt says "awaiting review" again."""
    _check_version(submission, expected_version)
    if submission.status is Status.PENDING:
        raise AlreadyDecidedError(submission)
    reason = reason.strip()
    if not reason:
        raise InvalidDecisionError("reason")
    before = _snapshot(submission)
    was_published = submission.status is Status.PUBLISHED
    submission.status = Status.PENDING
    submission.decided_at = None
    submission.decided_by_id = None
    submission.reject_reason = None
    submission.reject_note = None
    _flush(session, submission)
    if was_published:
        search.unindex(session, submission.id)
    audit.record(session, actor, AuditAction.SUBMISSION_RETURN, "submission", submission.id,
                 before=before, after=_snapshot(submission) | {"return_reason": reason})
    return submission


RELEASABLE = (Flag.TOO_FAST,)


def release(
    session: Session,
    submission: Submission,
    actor: audit.Actor,
    flag: str,
    expected_version: int | None = None,
) -> Submission:
    """Take a flag a person has looked at off a comment (a fast typist is not a bot)."""
    code = Flag.parse(flag)
    if code not in RELEASABLE:
        raise InvalidDecisionError("flag")
    _check_version(submission, expected_version)
    before = [f.value for f in submission.flag_list]
    if code not in before:
        return submission
    submission.flags = " ".join(f for f in before if f != code)
    _flush(session, submission)
    audit.record(session, actor, AuditAction.SUBMISSION_RELEASE, "submission", submission.id,
                 before={"flags": before}, after={"flags": submission.flags.split()})
    return submission


@dataclass
class BulkResult:
    decided: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def bulk_decide(
    session: Session,
    ids: Sequence[int],
    action: str,
    actor: audit.Actor,
    reason: str | None = None,
    note: str = "",
) -> BulkResult:
    """Publish or reject many; items decided meanwhile by someone else are skipped, not changed."""
    if not ids:
        raise InvalidDecisionError("empty selection")
    if len(ids) > MAX_BULK:
        raise InvalidDecisionError("too many")
    if action not in ("publish", "reject"):
        raise InvalidDecisionError("unknown action")
    if action == "reject" and RejectReason.parse(reason) is None:
        raise InvalidDecisionError("unknown reason")
    result = BulkResult()
    rows = session.scalars(select(Submission).where(Submission.id.in_(set(ids))).order_by(
        Submission.id))
    for submission in rows:
        if submission.status is not Status.PENDING:
            result.skipped.append(submission.tracking_number)
            continue
        if action == "publish":
            themes.confirm_suggestions_if_unreviewed(session, submission, actor)
            publish(session, submission, actor)
        else:
            reject(session, submission, actor, reason or "", note)
        result.decided.append(submission.tracking_number)
    return result
