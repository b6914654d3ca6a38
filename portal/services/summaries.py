"""Planner summaries: themes, who said what, over time, with exact quotes that cite their source.

Counts come from SQL aggregates, so they stay cheap at a million rows. Distinctive terms come
from term statistics kept as comments are decided (services/term_stats.py), over every published
comment, not from the texts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, distinct, exists, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session, selectinload

from portal.models import (
    Answer,
    Campaign,
    CampaignCheck,
    CommentPeriod,
    Counting,
    Status,
    Submission,
    SubmissionCount,
    SubmissionTheme,
    Theme,
)
from portal.services import campaign_summaries, question_summaries, term_stats
from portal.services import themes as theme_service
from portal.text.excerpts import excerpt, has_term
from portal.text.terms import DistinctiveTerm

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
    # The public file the excerpt is quoted from, when the comment's own text does not say it.
    file_name: str | None = None


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
    counting: Counting = Counting.SIGNATURES
    # Published comments counted as the themes are: voices when campaigns count once.
    themed_base: int = 0
    positions: list[campaign_summaries.PositionSummary] = field(default_factory=list)
    positions_total: int = 0


def _published(period_ids: Sequence[int]) -> ColumnElement[bool]:
    return and_(Submission.period_id.in_(period_ids),
                Submission.status == Status.PUBLISHED)


def _prefixed(keys: dict[str, int], prefix: str) -> dict[str, int]:
    """The counts of one split ("type:ngo" -> "ngo") from the stored facts."""
    return {key[len(prefix):]: n for key, n in keys.items() if key.startswith(prefix)}


def _voice() -> ColumnElement[int]:
    """Who speaks through a comment: its position, its campaign, or the comment itself (each
    kind of key kept apart by sign and parity)."""
    return case(
        (Campaign.position_id.isnot(None), -2 * Campaign.position_id),
        (CampaignCheck.campaign_id.isnot(None), -2 * CampaignCheck.campaign_id - 1),
        else_=Submission.id,
    )


def _counted(query: Select[Any], counting: Counting) -> Select[Any]:
    """The query's count as signatures, or as voices (a campaign or position once)."""
    if counting is Counting.SIGNATURES:
        return query.add_columns(func.count())
    return (query.add_columns(func.count(distinct(_voice())))
            .outerjoin(CampaignCheck, CampaignCheck.submission_id == Submission.id)
            .outerjoin(Campaign, Campaign.id == CampaignCheck.campaign_id))


def _theme_split(session: Session, period_ids: Sequence[int],
                 column: InstrumentedAttribute[Any],
                 counting: Counting) -> dict[int, dict[str, int]]:
    rows = session.execute(_counted(
        select(SubmissionTheme.theme_id, column)
        .join(Submission, Submission.id == SubmissionTheme.submission_id)
        .where(_published(period_ids), SubmissionTheme.confirmed.is_(True))
        .group_by(SubmissionTheme.theme_id, column), counting)
    )
    out: dict[int, dict[str, int]] = defaultdict(dict)
    for theme_id, key, n in rows:
        out[theme_id][key] = n
    return out


def _over_time(session: Session, period_ids: Sequence[int]) -> list[tuple[date, int]]:
    days = term_stats.facts(session, period_ids, term_stats.DAYS).get(0, {})
    return sorted((date.fromisoformat(day), n) for day, n in days.items())


def _quotes(session: Session, period_ids: Sequence[int], theme: Theme) -> list[Quote]:
    rows = session.execute(
        select(Submission, SubmissionTheme.matched)
        # Each quote reads its comment's answers and, when the words are in a file, its files:
        # loaded with the page of quotes, not one query per quote.
        .options(selectinload(Submission.answers).joinedload(Answer.question),
                 selectinload(Submission.attachments))
        .join(SubmissionTheme, SubmissionTheme.submission_id == Submission.id)
        .where(_published(period_ids), SubmissionTheme.theme_id == theme.id,
               SubmissionTheme.confirmed.is_(True))
        .order_by(SubmissionTheme.score.desc(), SubmissionTheme.submission_id.desc())
        .limit(EXCERPTS_PER_THEME)
    )
    quotes = []
    for submission, matched in rows:
        text = submission.shown_full_text
        terms = [m.strip() for m in matched.split(",") if m.strip()] or [theme.label_en]
        source = None
        if not has_term(text, terms):
            # The theme was found in a public file (a position paper): quote it from there.
            source = next((a for a in submission.public_attachments
                           if a.extracted_text and has_term(a.extracted_text, terms)), None)
            if source is not None and source.extracted_text:
                text = source.extracted_text
        quoted = excerpt(text, terms)
        quotes.append(Quote(submission.tracking_number, quoted, quoted.strip() == text.strip(),
                            submission.language, submission.submitter_type, submission.country,
                            file_name=source.name if source is not None else None))
    return quotes


def summarize(session: Session, periods: Sequence[CommentPeriod],
              counting: Counting = Counting.SIGNATURES) -> Summary:
    """What was said, per theme, by whom and when. With Counting.ONCE, theme counts and shares
    count each campaign (or position of linked campaigns) once, whatever its signers."""
    period_ids = [p.id for p in periods]
    pillar_ids = sorted({p.pillar_id for p in periods})
    term_stats.apply_pending(session)
    totals = dict.fromkeys(Status, 0)
    totals.update(dict(session.execute(  # kept by triggers: no scan of the comments
        select(SubmissionCount.status, func.sum(SubmissionCount.n))
        .where(SubmissionCount.period_id.in_(period_ids)).group_by(SubmissionCount.status)
    ).all()))
    published = totals[Status.PUBLISHED]
    splits = term_stats.facts(session, period_ids, term_stats.SPLITS)
    if counting is Counting.SIGNATURES:
        # Every count by signature is kept as decisions happen (services/term_stats.py).
        base = published
        counts = term_stats.group_sizes(session, period_ids, term_stats.COMMENTS)
        by_type, by_country, by_language = (
            {group: _prefixed(keys, prefix) for group, keys in splits.items() if group}
            for prefix in ("type:", "country:", "lang:"))
    else:
        base = session.scalar(_counted(
            select().select_from(Submission).where(_published(period_ids)), counting)) or 0
        counts = {theme_id: n for theme_id, n in session.execute(_counted(
            select(SubmissionTheme.theme_id)
            .join(Submission, Submission.id == SubmissionTheme.submission_id)
            .where(_published(period_ids), SubmissionTheme.confirmed.is_(True))
            .group_by(SubmissionTheme.theme_id), counting))}
        by_type = _theme_split(session, period_ids, Submission.submitter_type, counting)
        by_country = _theme_split(session, period_ids, Submission.country, counting)
        by_language = _theme_split(session, period_ids, Submission.language, counting)
    everyone = splits.get(0, {})
    sampled = term_stats.documents(session, period_ids, term_stats.COMMENTS)
    summaries = []
    shown_themes = [theme for pillar_id in pillar_ids
                    for theme in theme_service.for_pillar(session, pillar_id, active_only=False)
                    if theme.active or counts.get(theme.id, 0)]
    terms = term_stats.distinctive_of_groups(
        session, period_ids, term_stats.COMMENTS,
        [theme.id for theme in shown_themes if counts.get(theme.id, 0)])
    for theme in shown_themes:
        n = counts.get(theme.id, 0)
        summaries.append(ThemeSummary(
            theme=theme, count=n, share=(n / base) if base else 0.0,
            by_type=by_type.get(theme.id, {}), by_country=by_country.get(theme.id, {}),
            by_language=by_language.get(theme.id, {}),
            terms=terms.get(theme.id, []),
            quotes=_quotes(session, period_ids, theme) if n else [],
        ))
    summaries.sort(key=lambda s: (-s.count, s.theme.position))
    positions, positions_total = campaign_summaries.positions(session, period_ids)
    uncovered_count = everyone.get(term_stats.UNCOVERED, 0)
    uncovered: list[Submission] = []
    if uncovered_count:  # else the search below would read every published comment in vain
        no_theme = ~exists().where(SubmissionTheme.submission_id == Submission.id,
                                   SubmissionTheme.confirmed.is_(True))
        uncovered = list(session.scalars(
            select(Submission).where(_published(period_ids), no_theme)
            .order_by(Submission.id).limit(UNCOVERED_LISTED)
        ))
    return Summary(
        periods=list(periods), totals=totals, published=published,
        by_type=_prefixed(everyone, "type:"), by_country=_prefixed(everyone, "country:"),
        by_language=_prefixed(everyone, "lang:"),
        themes=summaries, uncovered_count=uncovered_count, uncovered=uncovered,
        over_time=_over_time(session, period_ids), terms_sampled=sampled,
        questions=question_summaries.summarize(session, periods, published),
        counting=counting, themed_base=base,
        positions=positions, positions_total=positions_total,
    )
