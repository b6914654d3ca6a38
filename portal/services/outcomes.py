"""What we heard: drafting and publishing the outcome page of a closed period.

The draft starts from the themed summary (counts per theme and per question, quotes with their
tracking numbers) as Markdown in both languages, which planners edit, and the governments'
response, which they write. Each save is a revision and an audit event; publishing marks the
latest revision published. The public reads the latest published revision; drafts stay private.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime

from flask_babel import (
    LazyString,
    force_locale,
    format_decimal,
    format_percent,
    gettext,
    ngettext,
)
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import (
    AuditAction,
    CommentPeriod,
    OutcomeRevision,
    PeriodState,
    Status,
    SubmitterType,
)
from portal.models.outcome import TEXT_FIELDS
from portal.models.types import utcnow
from portal.services import audit, events, summaries
from portal.services.periods import PeriodInvalid

MAX_TEXT = 50000
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_<])")
_BLOCK_START = re.compile(r"^(?:[#>+=-]|\d+[.)])")
REQUIRED_TO_PUBLISH = {
    "summary_en": _l("Write what we heard in English before publishing."),
    "summary_es": _l("Write what we heard in Spanish before publishing."),
    "response_en": _l("Write the governments' response in English before publishing."),
    "response_es": _l("Write the governments' response in Spanish before publishing."),
}


def latest(session: Session, period: CommentPeriod) -> OutcomeRevision | None:
    """The draft: the most recent revision, published or not."""
    return session.scalar(select(OutcomeRevision).where(OutcomeRevision.period_id == period.id)
                          .order_by(OutcomeRevision.id.desc()).limit(1))


def published(session: Session, period: CommentPeriod) -> OutcomeRevision | None:
    return session.scalar(select(OutcomeRevision).where(
        OutcomeRevision.period_id == period.id, OutcomeRevision.published_at.is_not(None))
        .order_by(OutcomeRevision.id.desc()).limit(1))


def published_period_ids(session: Session) -> set[int]:
    return set(session.scalars(select(OutcomeRevision.period_id).where(
        OutcomeRevision.published_at.is_not(None)).distinct()))


def published_list(session: Session) -> list[tuple[CommentPeriod, datetime]]:
    """Periods with a published outcome, most recently first published first."""
    rows = session.execute(
        select(CommentPeriod, func.min(OutcomeRevision.published_at))
        .join(OutcomeRevision, OutcomeRevision.period_id == CommentPeriod.id)
        .where(OutcomeRevision.published_at.is_not(None))
        .group_by(CommentPeriod.id)
    ).all()
    return sorted(((p, at) for p, at in rows if at is not None), key=lambda pa: pa[1],
                  reverse=True)


def history(session: Session, period: CommentPeriod) -> list[OutcomeRevision]:
    return list(session.scalars(select(OutcomeRevision).where(
        OutcomeRevision.period_id == period.id).order_by(OutcomeRevision.id.desc())))


def _quote(text: str) -> str:
    """Text quoted as typed, on one line, with only the characters that would make Markdown of
    it escaped (planners edit this text: "[sic]" stays readable)."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    if "](" in text or "][" in text:
        text = text.replace("[", "\\[").replace("]", "\\]")
    start = _BLOCK_START.match(text)
    if start:  # "1." or "-" at the start would make a list: escape its mark
        text = text[: start.end() - 1] + "\\" + text[start.end() - 1:]
    return text


def prefill(session: Session, period: CommentPeriod, lang: str) -> str:
    """What we heard, in Markdown, from the themed summary of the period."""
    summary = summaries.summarize(session, [period])

    def number(n: int | float) -> str:
        return str(format_decimal(n))

    def cite(tracking: str) -> str:
        return f"[{tracking}](/{lang}/comments/{tracking})"

    with force_locale(lang):
        received = sum(summary.totals.values())
        lines = [ngettext(
            "We received %(num)s comment on this consultation; %(published)s published after "
            "review.", "We received %(num)s comments on this consultation; %(published)s "
            "published after review.", received,
            published=number(summary.totals.get(Status.PUBLISHED, 0))), ""]
        counted = [t for t in summary.themes if t.count]
        if counted:
            lines += ["## " + gettext("Themes"), ""]
            lines += [f"- **{_quote(t.theme.label(lang))}**: " + ngettext(
                "%(num)s comment (%(share)s)", "%(num)s comments (%(share)s)", t.count,
                share=format_percent(t.share)) for t in counted]
            lines.append("")
        for q in summary.questions:
            heading = gettext("Question %(number)s", number=q.question.position)
            lines += [f"## {heading}: {_quote(q.question.text(lang))}", "",
                      ngettext("%(num)s comment answered this question.",
                               "%(num)s comments answered this question.", q.answered), ""]
            if q.themes:
                lines += [gettext("Themes of those who answered: %(themes)s.", themes=", ".join(
                    f"{_quote(t.label(lang))} ({number(n)})" for t, n in q.themes)), ""]
            for answer in q.quotes:
                lines += [f"> {_quote(answer.text)}", ">",
                          f"> — {SubmitterType.label_of(answer.submitter_type)}, "
                          f"{cite(answer.tracking_number)}", ""]
        quoted = [(t, quote) for t in counted for quote in t.quotes]
        if quoted:
            lines += ["## " + gettext("In their own words"), ""]
            for theme, quote in quoted:
                lines += [f"> {_quote(quote.text)}", ">",
                          f"> — {_quote(theme.theme.label(lang))} · "
                          f"{SubmitterType.label_of(quote.submitter_type)}, "
                          f"{cite(quote.tracking_number)}", ""]
    return "\n".join(lines).strip() + "\n"


def draft_texts(session: Session, period: CommentPeriod) -> dict[str, str]:
    """What the editor starts from: the latest revision, or the summary and an empty response."""
    revision = latest(session, period)
    if revision is not None:
        return revision.texts()
    return {"summary_en": prefill(session, period, "en"),
            "summary_es": prefill(session, period, "es"), "response_en": "", "response_es": ""}


def _check(period: CommentPeriod, texts: Mapping[str, str], now: datetime,
           publishing: bool) -> None:
    errors: dict[str, LazyString] = {}
    if period.state(now) is not PeriodState.CLOSED:
        errors["summary_en"] = _l("The outcome can be written once the period has closed.")
    for name in TEXT_FIELDS:
        if len(texts.get(name, "")) > MAX_TEXT:
            errors.setdefault(name, _l("Use at most %(max)s characters.", max=MAX_TEXT))
        elif publishing and not texts.get(name, "").strip():
            errors.setdefault(name, REQUIRED_TO_PUBLISH[name])
    if errors:
        raise PeriodInvalid(errors)


def save(session: Session, actor: audit.Actor, period: CommentPeriod, texts: Mapping[str, str],
         now: datetime | None = None, publishing: bool = False) -> OutcomeRevision:
    """Keep the texts as a new revision (none when nothing changed); raises PeriodInvalid."""
    now = now or utcnow()
    _check(period, texts, now, publishing)
    clean = {name: texts.get(name, "").replace("\r\n", "\n").strip() for name in TEXT_FIELDS}
    previous = latest(session, period)
    if previous is not None and previous.texts() == clean:
        return previous
    revision = OutcomeRevision(period_id=period.id, saved_at=now, saved_by=actor.label, **clean)
    session.add(revision)
    session.flush()
    audit.record(session, actor, AuditAction.OUTCOME_SAVE, "period", period.id,
                 before=previous.texts() if previous else None,
                 after={"revision": revision.id, **clean})
    return revision


def publish(session: Session, actor: audit.Actor, period: CommentPeriod,
            texts: Mapping[str, str], now: datetime | None = None) -> OutcomeRevision:
    """Save the texts if they changed, and publish them: both languages of both parts needed."""
    now = now or utcnow()
    revision = save(session, actor, period, texts, now, publishing=True)
    if revision.published_at is None:
        revision.published_at = now
        revision.published_by = actor.label
        session.flush()
        audit.record(session, actor, AuditAction.OUTCOME_PUBLISH, "period", period.id,
                     after={"revision": revision.id})
        events.outcome_published(session, period, revision)
    return revision
