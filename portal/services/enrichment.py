"""Enrichment: what a comment gains after its receipt, on the worker.

The request that stores a comment does only what its receipt needs (portal/services/submissions):
during a deadline rush every millisecond there is a comment refused. Everything else is added
here, once the comment is committed: the written language when the writer did not declare it
(lingua), the sanitized HTML of the comment and its answers (bleach), the suggested themes, the
"repeated text" flag (a query, and one that sees every committed comment), and its place in the
count of comments received per day (term_stats.DAYS: one row that every comment of the day would
otherwise update, one request after the other, during a rush). Until then pages show the text
escaped (`Submission.body_html`) and the language as "not yet detected".

The request flags its session (`comment_stored`); once it commits, the task `enrichment.run`
runs `enrich_due`, which enriches every comment still waiting in batches, then finds their
campaigns (a campaign takes the language of its first letter). A periodic task runs it every
minute too, for whatever a lost enqueue or a failed batch left. Deciding a comment enriches it
first, in the same transaction (`ensure`), so what is counted at decision time (term statistics,
themes confirmed by a bulk decision) never sees a comment without its language or themes.

Idempotent: `enriched_at` is set by a conditional UPDATE that only one transaction can win; the
others leave the comment as the winner made it. The UPDATE is a statement, so the comment's
version does not move: a moderator who opened the comment before the worker reached it decides
it without a conflict.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from portal import sanitize
from portal.models import Answer, Flag, Language, LanguageSource, Status, Submission, Theme
from portal.models.types import utcnow
from portal.services import language, term_stats, themes
from portal.text.keywords import ThemeSuggestion

log = logging.getLogger(__name__)

UNENRICHED = "portal_unenriched_comments"  # session.info: this transaction stored comments
# Small enough that a batch holds SQLite's write lock briefly (the text work is done before).
BATCH = 50


def comment_stored(session: Session) -> None:
    """Note that this transaction stored a comment: once it commits, a worker is asked to
    enrich it (portal/tasks.py)."""
    session.info[UNENRICHED] = True


@dataclass(frozen=True)
class Prepared:
    """What enriching a comment computes from its text alone (the costly part), so a batch can
    compute it before taking the write lock. The text of a comment is never rewritten."""

    language: Language
    source: LanguageSource
    body_html: str
    answers_html: dict[int, str]  # answer id -> HTML
    themes: list[ThemeSuggestion] | None = None  # None: matched when applied


def prepare(submission: Submission, pillar_themes: Sequence[Theme] | None = None) -> Prepared:
    lang, source = submission.language, submission.language_source
    if source == LanguageSource.PENDING:
        lang, source = language.resolve(None, submission.full_text)
    return Prepared(lang, source, sanitize.render_text(submission.body),
                    {a.id: sanitize.render_text(a.text) for a in submission.answers},
                    None if pillar_themes is None else themes.matches(submission, lang,
                                                                      pillar_themes))


def ensure(session: Session, submission: Submission) -> None:
    """Enrich this comment now if the worker has not yet (before deciding it). Flushes."""
    if submission.enriched_at is None:
        apply(session, submission, prepare(submission))


def apply(session: Session, submission: Submission, prepared: Prepared,
          now: datetime | None = None) -> bool:
    """Store what was prepared, suggest themes and add the flags that need a query; returns
    False (and changes nothing) when another transaction enriched the comment first."""
    repeated = session.scalar(
        select(Submission.id)
        .where(Submission.period_id == submission.period_id,
               Submission.text_fingerprint == submission.text_fingerprint,
               Submission.id < submission.id)
        .limit(1)) is not None
    flags = submission.flags.split()
    if repeated and Flag.REPEATED not in flags:
        flags.append(Flag.REPEATED)
    values = {
        "enriched_at": now or utcnow(),
        "language": prepared.language,
        "language_source": prepared.source,
        "stored_body_html": prepared.body_html,
        "flags": " ".join(flags),
    }
    won = session.execute(
        update(Submission)
        .where(Submission.id == submission.id, Submission.enriched_at.is_(None))
        .values({getattr(Submission, k): v for k, v in values.items()})
        .execution_options(synchronize_session=False))
    if won.rowcount != 1:  # type: ignore[attr-defined]
        session.expire(submission, list(values))  # read back what the winner stored
        return False
    for name, value in values.items():
        set_committed_value(submission, name, value)
    for answer in submission.answers:
        html = prepared.answers_html.get(answer.id)
        if html is None:
            continue
        session.execute(update(Answer).where(Answer.id == answer.id)
                        .values({Answer.stored_text_html: html})
                        .execution_options(synchronize_session=False))
        set_committed_value(answer, "stored_text_html", html)
    themes.suggest(session, submission, submission.period.pillar_id, prepared.themes)
    term_stats.count_received(session, submission.period_id, submission.received_at)
    if submission.status is not Status.PENDING:
        # Decided before (only by code that bypassed `ensure`): count it with its language.
        term_stats.mark(session, [submission.id])
    return True


def _waiting(session: Session, after: int, limit: int, ids: Sequence[int] | None = None
             ) -> list[Submission]:
    query = (select(Submission).where(Submission.enriched_at.is_(None))
             .options(selectinload(Submission.answers), selectinload(Submission.attachments)))
    if ids is not None:
        query = query.where(Submission.id.in_(ids))
    else:
        query = query.where(Submission.id > after)
    return list(session.scalars(query.order_by(Submission.id).limit(limit)))


@dataclass
class EnrichResult:
    enriched: int = 0
    failed: int = 0


def enrich_due(batch: int = BATCH) -> EnrichResult:
    """Background work: enrich every comment still waiting, oldest first, one committed
    transaction per batch. Each batch's text work (language, HTML) is done before the write
    transaction begins, so comments arriving meanwhile do not wait for it. A batch that fails
    is retried one comment at a time; one whose enrichment fails is logged and left for the
    next run."""
    from portal.db import new_session, write_session

    result, after = EnrichResult(), 0
    while True:
        reader = new_session()
        try:
            rows = _waiting(reader, after, batch)
            pillars = {s.period_id: s.period.pillar_id for s in rows}
            taxonomy = {p: themes.for_pillar(reader, p) for p in set(pillars.values())}
            prepared = {s.id: prepare(s, taxonomy[pillars[s.period_id]]) for s in rows}
        finally:
            reader.close()
        if not rows:
            return result
        ids = list(prepared)
        try:
            with write_session() as session:
                for submission in _waiting(session, 0, len(ids), ids):
                    result.enriched += apply(session, submission, prepared[submission.id])
        except Exception:  # noqa: BLE001 - one by one below, so one bad comment costs only itself
            log.warning("enrichment of a batch failed; enriching its comments one by one",
                        exc_info=True)
            for submission_id in ids:
                _enrich_one(submission_id, result)
        after = ids[-1]


def _enrich_one(submission_id: int, result: EnrichResult) -> None:
    from portal.db import write_session

    try:
        with write_session() as session:
            submission = session.get(Submission, submission_id)
            if submission is None or submission.enriched_at is not None:
                return
            result.enriched += apply(session, submission, prepare(submission))
    except Exception:  # noqa: BLE001 - left waiting: the next run tries again
        result.failed += 1
        log.exception("enrichment of submission %s failed; it stays waiting", submission_id)
