"""Deciding a campaign once for all its members, and members that arrive later following it.

A campaign decision (publish with the themes confirmed once, or reject with a reason and a note)
is recorded on the campaign, then applied to its pending members in batches of set-based
statements (one UPDATE, the audit rows, the themes and the search index per batch), so fifty
thousand members take seconds, not one round trip each. A member whose body adds
NEW_CONTENT_WORDS words or more of its own to the representative is not decided with the others:
it stays in the queue, flagged, for a moderator to read what it adds. Later members follow the
decision the same way when they join.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from portal.models import (
    AuditAction,
    Campaign,
    CampaignCheck,
    Flag,
    RejectReason,
    Status,
    Submission,
    SubmissionTheme,
)
from portal.models.types import utcnow
from portal.services import audit, moderation, outbox, search, term_stats, themes
from portal.services.moderation import ConflictError, InvalidDecisionError

# A personal sentence or a reworded paragraph: enough of its own for a person to read first.
NEW_CONTENT_WORDS = 12
BATCH = 1000


@dataclass
class DecisionResult:
    decided: int = 0
    held: int = 0


def holds_new_content(added_words: int | None) -> bool:
    return (added_words or 0) >= NEW_CONTENT_WORDS


def _follower(campaign: Campaign) -> audit.Actor:
    return audit.Actor(label="campaign decision", user_id=campaign.decided_by_id)


def theme_ids(campaign: Campaign) -> list[int]:
    return [int(t) for t in campaign.theme_ids.split() if t.isdigit()]


def follow(session: Session, campaign: Campaign, submission: Submission,
           added_words: int | None) -> None:
    """A member that joined a decided campaign takes its decision, unless it adds text of its
    own: then it waits in the queue, flagged."""
    if campaign.decision is None or submission.status is not Status.PENDING:
        return
    if holds_new_content(added_words):
        if Flag.NEW_CONTENT not in submission.flag_list:
            submission.flags = " ".join([*submission.flags.split(), Flag.NEW_CONTENT])
        return
    actor = _follower(campaign)
    if campaign.decision is Status.PUBLISHED:
        themes.confirm(session, submission, theme_ids(campaign), actor)
        moderation.publish(session, submission, actor)
    else:
        moderation.reject(session, submission, actor, campaign.reject_reason or "other",
                          campaign.reject_note or "")


def decide(session: Session, campaign: Campaign, action: str, actor: audit.Actor, *,
           reason: str | None = None, note: str = "", theme_choice: Iterable[int] = (),
           expected_version: int | None = None) -> DecisionResult:
    """Publish or reject every pending member in one action; members that arrive later follow.

    Raises ConflictError when the campaign changed (merged, renamed, decided) since the
    moderator loaded it, InvalidDecisionError for an unknown action or reason.
    """
    if action not in ("publish", "reject"):
        raise InvalidDecisionError("unknown action")
    code = RejectReason.parse(reason) if action == "reject" else None
    if action == "reject" and code is None:
        raise InvalidDecisionError("unknown reason")
    chosen = sorted(set(theme_choice))
    allowed = {t.id for t in themes.for_pillar(session, campaign.period.pillar_id,
                                               active_only=False)}
    if not set(chosen) <= allowed:
        raise themes.ThemeError("theme of another pillar")
    if campaign.merged_into_id is not None or (
            expected_version is not None and campaign.version != expected_version):
        raise ConflictError(str(campaign.id))
    before: dict[str, object] = {"status": campaign.decision}
    previous_reason = campaign.reject_reason
    status = Status.PUBLISHED if action == "publish" else Status.REJECTED
    campaign.decision, campaign.reject_reason = status, code
    campaign.reject_note = (note.strip() or None) if code else None
    campaign.theme_ids = " ".join(str(t) for t in chosen) if status is Status.PUBLISHED else ""
    campaign.decided_at, campaign.decided_by_id = utcnow(), actor.user_id
    try:
        session.flush()
    except StaleDataError as exc:
        raise ConflictError(str(campaign.id)) from exc
    after: dict[str, object] = {"status": status, "members": campaign.size}
    if status is Status.PUBLISHED:
        after["themes"] = chosen
    else:
        before["reject_reason"] = previous_reason
        after.update(reject_reason=code, reject_note=campaign.reject_note)
    audit.record(session, actor,
                 AuditAction.CAMPAIGN_PUBLISH if status is Status.PUBLISHED
                 else AuditAction.CAMPAIGN_REJECT, "campaign", campaign.id, before=before,
                 after=after)
    return apply_to_members(session, campaign, actor)


def apply_to_members(session: Session, campaign: Campaign,
                     actor: audit.Actor) -> DecisionResult:
    """Where a decision reaches the pending members: here, in the request, batch after batch;
    with a task queue, the batches after the first belong in a task."""
    result = DecisionResult()
    for decided, held in apply(session, campaign, actor):
        result.decided += decided
        result.held += held
    return result


def apply(session: Session, campaign: Campaign, actor: audit.Actor,
          batch: int = BATCH) -> Iterator[tuple[int, int]]:
    """Apply the campaign's decision to its pending members, a batch at a time; yields
    (decided, held back) per batch."""
    if campaign.decision is None:
        return
    after = 0
    while True:
        rows = session.execute(
            select(CampaignCheck.submission_id, CampaignCheck.added_words)
            .join(Submission, Submission.id == CampaignCheck.submission_id)
            .where(CampaignCheck.campaign_id == campaign.id,
                   CampaignCheck.submission_id > after, Submission.status == Status.PENDING)
            .order_by(CampaignCheck.submission_id).limit(batch)
        ).all()
        if not rows:
            break
        following = [sid for sid, added in rows if not holds_new_content(added)]
        held = [sid for sid, added in rows if holds_new_content(added)]
        decided = _decide_many(session, campaign, following, actor, utcnow())
        _hold(session, held)
        after = rows[-1][0]
        yield len(decided), len(held)
    session.expire_all()  # members changed by statements, not through their objects


def _decide_many(session: Session, campaign: Campaign, ids: Sequence[int], actor: audit.Actor,
                 now: datetime) -> list[int]:
    if not ids:
        return []
    status = campaign.decision
    values: dict[str, object] = {
        "status": status, "decided_at": now, "decided_by_id": actor.user_id,
        "reject_reason": campaign.reject_reason, "reject_note": campaign.reject_note,
        "version": Submission.version + 1,
    }
    if status is Status.PUBLISHED:  # statements bypass the flush hook that dates public changes
        values["updated_at"] = now
    decided = list(session.scalars(
        update(Submission).where(Submission.id.in_(ids), Submission.status == Status.PENDING)
        .values(**values).returning(Submission.id)
        .execution_options(synchronize_session=False)
    ))
    if not decided:
        return []
    chosen = theme_ids(campaign)
    if status is Status.PUBLISHED:
        _confirm_themes(session, decided, chosen)
        search.index_many(session, decided, fresh=True)  # they were awaiting review
        term_stats.mark(session, decided)  # changed by statements: the flush hook cannot see
    after = {"status": status, "reject_reason": campaign.reject_reason,
             "reject_note": campaign.reject_note, "campaign": campaign.name}
    audit.record_many(session, actor, AuditAction.SUBMISSION_PUBLISH if status is
                      Status.PUBLISHED else AuditAction.SUBMISSION_REJECT, "submission",
                      decided, before={"status": Status.PENDING}, after=after)
    outbox.decisions_of(session, decided, status)
    return decided


def _confirm_themes(session: Session, ids: Sequence[int], chosen: Sequence[int]) -> None:
    """Exactly the chosen themes confirmed for each comment, in two statements."""
    session.execute(
        update(SubmissionTheme).where(SubmissionTheme.submission_id.in_(ids))
        .values(confirmed=SubmissionTheme.theme_id.in_(chosen) if chosen else False)
        .execution_options(synchronize_session=False))
    if not chosen:
        return
    present = set(session.execute(
        select(SubmissionTheme.submission_id, SubmissionTheme.theme_id)
        .where(SubmissionTheme.submission_id.in_(ids), SubmissionTheme.theme_id.in_(chosen))
    ).all())
    missing = [{"submission_id": sid, "theme_id": tid, "suggested": False, "confirmed": True,
                "score": 0.0, "matched": ""}
               for sid in ids for tid in chosen if (sid, tid) not in present]
    if missing:
        session.execute(insert(SubmissionTheme), missing)


def _hold(session: Session, ids: Sequence[int]) -> None:
    """Flag members that add text of their own; they stay in the queue."""
    if not ids:
        return
    for submission in session.scalars(select(Submission).where(Submission.id.in_(ids))):
        if Flag.NEW_CONTENT not in submission.flag_list:
            submission.flags = " ".join([*submission.flags.split(), Flag.NEW_CONTENT])
    session.flush()
