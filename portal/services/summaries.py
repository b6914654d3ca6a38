"""Planner summaries: themes, who said what, over time, with exact quotes that cite their source.

Counts come from SQL aggregates, so they stay cheap at a million rows. Distinctive terms need
the text itself: they stream through the most recent published comments (up to TERM_SAMPLE).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, cast, exists, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from portal.models import Answer, CommentPeriod, Status, Submission, SubmissionTheme, Theme
from portal.services import question_summaries
from portal.services import themes as theme_service
from portal.text.excerpts import excerpt
from portal.text.terms import DistinctiveTerm, TermCounter

TERM_SAMPLE = 20000
EXCERPTS_PER_THEME = 3
UNCOVERED_LISTED = 20


@dataclass
class Quote:
    tracking_number: str
    text: str
    whole: bool
    language: str
    submitter_type: str
    country: str


@dataclass
class ThemeSummary:
    theme: Theme
    count: int = 0
    share: float = 0.0
    by_type: dict[str, int] = field(default_factory=dict)
    by_country: dict[str, int] = field(default_factory=dict)
    by_language: dict[str, int] = field(default_factory=dict)
    terms: list[DistinctiveTerm] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)


@dataclass
class Summary:
    periods: list[CommentPeriod]
    totals: dict[Status, int]
    published: int
    by_type: dict[str, int]
    by_country: dict[str, int]
    by_language: dict[str, int]
    themes: list[ThemeSummary]
    uncovered_count: int
    uncovered: list[Submission]
    over_time: list[tuple[date, int]]
    terms_sampled: int
    questions: list[question_summaries.QuestionSummary] = field(default_factory=list)


def _published(period_ids: Sequence[int]) -> ColumnElement[bool]:
    return and_(Submission.period_id.in_(period_ids),
                Submission.status == Status.PUBLISHED)


def _split(session: Session, period_ids: Sequence[int],
           column: InstrumentedAttribute[Any]) -> dict[str, int]:
    rows = session.execute(
        select(column, func.count()).where(_published(period_ids)).group_by(column)
    )
    return {key: n for key, n in rows}


def _theme_split(session: Session, period_ids: Sequence[int],
                 column: InstrumentedAttribute[Any]) -> dict[int, dict[str, int]]:
    rows = session.execute(
        select(SubmissionTheme.theme_id, column, func.count())
        .join(Submission, Submission.id == SubmissionTheme.submission_id)
        .where(_published(period_ids), SubmissionTheme.confirmed.is_(True))
        .group_by(SubmissionTheme.theme_id, column)
    )
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for theme_id, key, n in rows:
        out[theme_id][key] = n
    return out


def _over_time(session: Session, period_ids: Sequence[int]) -> list[tuple[date, int]]:
    day: ColumnElement[Any]
    if session.get_bind().dialect.name == "postgresql":
        day = cast(func.timezone("UTC", Submission.received_at), Date)
    else:
        day = func.date(Submission.received_at)
    rows = session.execute(
        select(day, func.count())
        .where(Submission.period_id.in_(period_ids))
        .group_by(day)
        .order_by(day)
    )
    result = []
    for value, n in rows:
        result.append((value if isinstance(value, date) else date.fromisoformat(str(value)), n))
    return result


def _quotes(session: Session, period_ids: Sequence[int], theme: Theme) -> list[Quote]:
    rows = session.execute(
        select(Submission, SubmissionTheme.matched)
        .join(SubmissionTheme, SubmissionTheme.submission_id == Submission.id)
        .where(_published(period_ids), SubmissionTheme.theme_id == theme.id,
               SubmissionTheme.confirmed.is_(True))
        .order_by(SubmissionTheme.score.desc(), Submission.id)
        .limit(EXCERPTS_PER_THEME)
    )
    quotes = []
    for submission, matched in rows:
        text = submission.shown_full_text
        terms = [m.strip() for m in matched.split(",") if m.strip()] or [theme.label_en]
        quoted = excerpt(text, terms)
        quotes.append(Quote(submission.tracking_number, quoted, quoted.strip() == text.strip(),
                            submission.language, submission.submitter_type, submission.country))
    return quotes


def _terms(session: Session, period_ids: Sequence[int]) -> tuple[TermCounter, int]:
    counter = TermCounter()
    recent = (
        select(Submission.id)
        .where(_published(period_ids))
        .order_by(Submission.id.desc())
        .limit(TERM_SAMPLE)
        .subquery()
    )
    query = (
        select(Submission.id, Submission.body, Submission.public_body, Submission.language)
        .where(Submission.id.in_(select(recent.c.id)))
        .order_by(Submission.id)
    )
    theme_rows = session.execute(
        select(SubmissionTheme.submission_id, SubmissionTheme.theme_id)
        .where(SubmissionTheme.confirmed.is_(True),
               SubmissionTheme.submission_id.in_(select(recent.c.id)))
    )
    groups: dict[int, list[int]] = defaultdict(list)
    for submission_id, theme_id in theme_rows:
        groups[submission_id].append(theme_id)
    # The public versions of the answers count with their comment's text.
    answers: dict[int, list[str]] = defaultdict(list)
    for submission_id, text in session.execute(
        select(Answer.submission_id, func.coalesce(Answer.public_text, Answer.text))
        .where(Answer.submission_id.in_(select(recent.c.id)))
        .order_by(Answer.submission_id, Answer.question_id)
    ):
        answers[submission_id].append(text)
    sampled = 0
    for sid, body, public_body, lang in session.execute(query.execution_options(yield_per=500)):
        text = public_body if public_body is not None else body
        if sid in answers:
            text = "\n\n".join(t for t in [text, *answers[sid]] if t.strip())
        counter.add(text, lang, groups.get(sid, ()))
        sampled += 1
    return counter, sampled


def summarize(session: Session, periods: Sequence[CommentPeriod]) -> Summary:
    period_ids = [p.id for p in periods]
    pillar_ids = sorted({p.pillar_id for p in periods})
    totals = dict.fromkeys(Status, 0)
    totals.update(dict(session.execute(
        select(Submission.status, func.count())
        .where(Submission.period_id.in_(period_ids)).group_by(Submission.status)
    ).all()))
    published = totals[Status.PUBLISHED]
    counts = dict(session.execute(
        select(SubmissionTheme.theme_id, func.count())
        .join(Submission, Submission.id == SubmissionTheme.submission_id)
        .where(_published(period_ids), SubmissionTheme.confirmed.is_(True))
        .group_by(SubmissionTheme.theme_id)
    ).all())
    by_type = _theme_split(session, period_ids, Submission.submitter_type)
    by_country = _theme_split(session, period_ids, Submission.country)
    by_language = _theme_split(session, period_ids, Submission.language)
    counter, sampled = _terms(session, period_ids) if published else (TermCounter(), 0)
    summaries = []
    for pillar_id in pillar_ids:
        for theme in theme_service.for_pillar(session, pillar_id, active_only=False):
            n = counts.get(theme.id, 0)
            if not theme.active and not n:
                continue
            summaries.append(ThemeSummary(
                theme=theme, count=n, share=(n / published) if published else 0.0,
                by_type=by_type.get(theme.id, {}), by_country=by_country.get(theme.id, {}),
                by_language=by_language.get(theme.id, {}),
                terms=counter.distinctive(theme.id, top=8) if n else [],
                quotes=_quotes(session, period_ids, theme) if n else [],
            ))
    summaries.sort(key=lambda s: (-s.count, s.theme.position))
    no_theme = ~exists().where(SubmissionTheme.submission_id == Submission.id,
                               SubmissionTheme.confirmed.is_(True))
    uncovered_count = session.scalar(
        select(func.count()).select_from(Submission).where(_published(period_ids), no_theme)
    ) or 0
    uncovered = list(session.scalars(
        select(Submission).where(_published(period_ids), no_theme)
        .order_by(Submission.id).limit(UNCOVERED_LISTED)
    ))
    return Summary(
        periods=list(periods), totals=totals, published=published,
        by_type=_split(session, period_ids, Submission.submitter_type),
        by_country=_split(session, period_ids, Submission.country),
        by_language=_split(session, period_ids, Submission.language),
        themes=summaries, uncovered_count=uncovered_count, uncovered=uncovered,
        over_time=_over_time(session, period_ids), terms_sampled=sampled,
        questions=question_summaries.summarize(session, periods, published),
    )
