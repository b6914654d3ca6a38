"""Themes: the taxonomy per pillar, suggestions when a comment arrives, moderator confirmation."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from portal.models import AuditAction, Pillar, Submission, SubmissionTheme, Theme
from portal.services import audit
from portal.text.keywords import ThemeKeywords, ThemeSuggestion, suggest_themes


class ThemeError(ValueError):
    pass


def for_pillar(session: Session, pillar_id: int, active_only: bool = True) -> list[Theme]:
    query = select(Theme).where(Theme.pillar_id == pillar_id)
    if active_only:
        query = query.where(Theme.active.is_(True))
    return list(session.scalars(query.order_by(Theme.position, Theme.id)))


def all_themes(session: Session) -> list[Theme]:
    return list(session.scalars(select(Theme).order_by(Theme.pillar_id, Theme.position)))


def _keywords(themes: Iterable[Theme]) -> list[ThemeKeywords]:
    return [
        ThemeKeywords(
            t.code, Theme.split_keywords(t.keywords_en), Theme.split_keywords(t.keywords_es)
        )
        for t in themes
    ]


def matches(submission: Submission, language: str,
            themes: Iterable[Theme]) -> list[ThemeSuggestion]:
    """The themes the matcher finds in the comment (no writing: a worker can do it before it
    takes the write lock, then pass them to `suggest`)."""
    # The general comment and the answers alike, and the text of the public files once read
    # (never the confidential part: themes are counted in public summaries).
    text = "\n\n".join(t for t in (submission.full_text, submission.public_files_text) if t)
    return suggest_themes(text, language, _keywords(themes))


def suggest(session: Session, submission: Submission, pillar_id: int,
            found: list[ThemeSuggestion] | None = None) -> list[SubmissionTheme]:
    """Store the themes the matcher finds in the comment (replacing earlier suggestions), or
    the ones it `found` already."""
    themes = for_pillar(session, pillar_id)
    by_code = {t.code: t for t in themes}
    suggestions = [m for m in found if m.code in by_code] if found is not None else matches(
        submission, submission.language, themes)
    existing = {
        row.theme_id: row
        for row in session.scalars(
            select(SubmissionTheme).where(SubmissionTheme.submission_id == submission.id)
        )
    }
    for row in existing.values():
        row.suggested = False
        row.score = 0.0
        row.matched = ""
    rows = []
    for suggestion in suggestions:
        theme = by_code[suggestion.code]
        row = existing.get(theme.id) or SubmissionTheme(
            submission_id=submission.id, theme_id=theme.id, confirmed=False
        )
        row.suggested = True
        row.score = suggestion.score
        row.matched = ", ".join(suggestion.matched)[:500]
        session.add(row)
        rows.append(row)
    session.flush()
    if existing:
        session.execute(
            delete(SubmissionTheme).where(
                SubmissionTheme.submission_id == submission.id,
                SubmissionTheme.suggested.is_(False),
                SubmissionTheme.confirmed.is_(False),
            )
        )
    return rows


def resuggest_pending(
    session: Session, period_ids: Iterable[int] | None = None, batch: int = 500,
) -> Iterator[int]:
    """Recompute suggestions for comments awaiting review, after the keywords changed.

    Confirmed themes are left as they are. Works by key in batches and yields the number done
    after each, so that the caller can commit the batch (`portal.db.commit_batch`).
    """
    from portal.models import CommentPeriod, Status

    done, after = 0, 0
    pillar_of = {p.id: p.pillar_id for p in session.scalars(select(CommentPeriod))}
    wanted = set(period_ids) if period_ids is not None else set(pillar_of)
    while True:
        rows = list(session.scalars(
            select(Submission)
            .where(Submission.status == Status.PENDING, Submission.id > after,
                   Submission.period_id.in_(wanted))
            .order_by(Submission.id).limit(batch)
        ))
        if not rows:
            return
        for submission in rows:
            suggest(session, submission, pillar_of[submission.period_id])
        done += len(rows)
        after = rows[-1].id
        yield done


def confirmed_ids(session: Session, submission_ids: Iterable[int]) -> dict[int, list[int]]:
    """The confirmed theme ids of each of these comments, in id order: one query per batch."""
    found: dict[int, list[int]] = {}
    for submission_id, theme_id in session.execute(
        select(SubmissionTheme.submission_id, SubmissionTheme.theme_id)
        .where(SubmissionTheme.submission_id.in_(list(submission_ids)),
               SubmissionTheme.confirmed.is_(True))
        .order_by(SubmissionTheme.submission_id, SubmissionTheme.theme_id)
    ):
        found.setdefault(submission_id, []).append(theme_id)
    return found


def of_submission(session: Session, submission_id: int) -> list[SubmissionTheme]:
    return list(
        session.scalars(
            select(SubmissionTheme)
            .where(SubmissionTheme.submission_id == submission_id)
            .order_by(SubmissionTheme.score.desc())
        )
    )


def confirm(
    session: Session, submission: Submission, theme_ids: Iterable[int], actor: audit.Actor
) -> list[int]:
    """Make exactly these themes the confirmed ones; summaries count only confirmed themes."""
    wanted = set(theme_ids)
    pillar_id = submission.period.pillar_id
    allowed = {t.id for t in for_pillar(session, pillar_id, active_only=False)}
    if not wanted <= allowed:
        raise ThemeError("theme of another pillar")
    rows = {r.theme_id: r for r in of_submission(session, submission.id)}
    before = sorted(tid for tid, r in rows.items() if r.confirmed)
    for theme_id in wanted - rows.keys():
        row = SubmissionTheme(submission_id=submission.id, theme_id=theme_id, suggested=False,
                              score=0.0, matched="")
        session.add(row)
        rows[theme_id] = row
    for theme_id, row in rows.items():
        row.confirmed = theme_id in wanted
    session.flush()
    after = sorted(wanted)
    if before != after:
        audit.record(session, actor, AuditAction.SUBMISSION_THEMES, "submission", submission.id,
                     before={"themes": before}, after={"themes": after})
    return after


def confirm_suggestions_if_unreviewed(
    session: Session, submission: Submission, actor: audit.Actor
) -> None:
    """For bulk decisions: a comment nobody reviewed the themes of takes its suggestions (made
    now if the worker has not made them yet)."""
    from portal.services import enrichment

    enrichment.ensure(session, submission)
    rows = of_submission(session, submission.id)
    if any(r.confirmed for r in rows):
        return
    confirm(session, submission, [r.theme_id for r in rows if r.suggested], actor)


def update(
    session: Session, theme: Theme, actor: audit.Actor, *, label_en: str, label_es: str,
    keywords_en: str, keywords_es: str, active: bool,
) -> Theme:
    if not label_en.strip() or not label_es.strip():
        raise ThemeError("labels required")
    before = _theme_snapshot(theme)
    theme.label_en, theme.label_es = label_en.strip(), label_es.strip()
    theme.keywords_en, theme.keywords_es = keywords_en.strip(), keywords_es.strip()
    theme.active = active
    session.flush()
    audit.record(session, actor, AuditAction.THEME_UPDATE, "theme", theme.id, before=before,
                 after=_theme_snapshot(theme))
    return theme


def create(
    session: Session, pillar_id: int, code: str, actor: audit.Actor, *, label_en: str,
    label_es: str, keywords_en: str = "", keywords_es: str = "",
) -> Theme:
    code = code.strip().lower()
    if not code or session.scalar(select(Theme.id).where(Theme.code == code)):
        raise ThemeError("code taken")
    if session.get(Pillar, pillar_id) is None:
        raise ThemeError("unknown pillar")
    theme = Theme(pillar_id=pillar_id, code=code, label_en=label_en.strip(),
                  label_es=label_es.strip(), keywords_en=keywords_en.strip(),
                  keywords_es=keywords_es.strip(), position=1000, active=True)
    if not theme.label_en or not theme.label_es:
        raise ThemeError("labels required")
    session.add(theme)
    session.flush()
    audit.record(session, actor, AuditAction.THEME_CREATE, "theme", theme.id,
                 after=_theme_snapshot(theme))
    return theme


def _theme_snapshot(theme: Theme) -> dict[str, object]:
    return {"label_en": theme.label_en, "label_es": theme.label_es,
            "keywords_en": theme.keywords_en, "keywords_es": theme.keywords_es,
            "active": theme.active}
