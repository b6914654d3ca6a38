"""Per question of a period: how many answered, the themes of those who did, the words their
answers use more than the rest, and representative answers quoted exactly.

Counts are SQL aggregates over published comments; terms come from the stored term statistics
(services/term_stats.py); quotes read a bounded sample of recent answers (public versions).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.models import (
    Answer,
    CommentPeriod,
    Question,
    Status,
    Submission,
    Theme,
)
from portal.services import term_stats
from portal.text.excerpts import excerpt
from portal.text.folding import tokens
from portal.text.terms import DistinctiveTerm

QUOTE_CANDIDATES = 200
QUOTES_PER_QUESTION = 3
THEMES_PER_QUESTION = 5


@dataclass
class AnswerQuote:
    tracking_number: str
    text: str
    whole: bool
    language: str
    submitter_type: str
    country: str


@dataclass
class QuestionSummary:
    question: Question
    docket: str
    answered: int = 0
    share: float = 0.0  # of published comments
    themes: list[tuple[Theme, int]] = field(default_factory=list)
    terms: list[DistinctiveTerm] = field(default_factory=list)
    quotes: list[AnswerQuote] = field(default_factory=list)


_SHOWN = func.coalesce(Answer.public_text, Answer.text)


def summarize(session: Session, periods: Sequence[CommentPeriod],
              published: int) -> list[QuestionSummary]:
    period_ids = [p.id for p in periods]
    dockets = {p.id: p.docket_id for p in periods}
    questions = list(session.scalars(
        select(Question).where(Question.period_id.in_(period_ids))
        .order_by(Question.period_id, Question.position)))
    if not questions:
        return []
    # Kept as decisions happen (services/term_stats.py): answers with a public text per
    # question, and the confirmed themes of the comments that gave them.
    term_stats.apply_pending(session)
    counts = term_stats.group_sizes(session, period_ids, term_stats.ANSWERS)
    theme_counts: dict[int, list[tuple[int, int]]] = {
        qid: [(int(tid), n) for tid, n in found.items()]
        for qid, found in term_stats.facts(session, period_ids,
                                           term_stats.QUESTION_THEMES).items()}
    themes = {t.id: t for t in session.scalars(select(Theme))}
    distinctive = term_stats.distinctive_of_groups(
        session, period_ids, term_stats.ANSWERS, [q.id for q in questions if counts.get(q.id)])
    result = []
    for question in questions:
        n = counts.get(question.id, 0)
        ranked = sorted(theme_counts.get(question.id, []), key=lambda tn: (-tn[1], tn[0]))
        terms = distinctive.get(question.id, [])
        result.append(QuestionSummary(
            question=question, docket=dockets[question.period_id], answered=n,
            share=(n / published) if published else 0.0,
            themes=[(themes[tid], c) for tid, c in ranked[:THEMES_PER_QUESTION] if tid in themes],
            terms=terms, quotes=_quotes(session, question, terms) if n else [],
        ))
    return result


def _quotes(session: Session, question: Question,
            terms: Sequence[DistinctiveTerm]) -> list[AnswerQuote]:
    """The recent answers that use most of the question's distinctive terms, quoted around
    them (the longest first when no term stands out)."""
    rows = session.execute(
        select(Submission.tracking_number, _SHOWN, Submission.language,
               Submission.submitter_type, Submission.country)
        .join(Answer, Answer.submission_id == Submission.id)
        .where(Answer.question_id == question.id, Submission.status == Status.PUBLISHED,
               _SHOWN != "")
        .order_by(Submission.id.desc()).limit(QUOTE_CANDIDATES)
    ).all()
    wanted = {w for t in terms for w in tokens(t.term)}

    def score(text: str) -> tuple[int, int]:
        return len(wanted & set(tokens(text))), min(len(text), 600)

    ranked = sorted(rows, key=lambda r: score(r[1]), reverse=True)[:QUOTES_PER_QUESTION]
    quotes = []
    for tracking, text, lang, submitter_type, country in ranked:
        quoted = excerpt(text, [t.term for t in terms])
        quotes.append(AnswerQuote(tracking, quoted, quoted.strip() == text.strip(), lang,
                                  submitter_type, country))
    return quotes
