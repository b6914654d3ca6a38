"""Full-text search of published comments, in English and Spanish, accents folded.

One interface over two engines: SQLite FTS5 (tokenizer folds accents) on the embedded default,
PostgreSQL text search with both the English and the Spanish configuration in production. Only
published comments are indexed, with their public text: the general comment and the answers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import Select, bindparam, func, select, text
from sqlalchemy.orm import Session

from portal.models import Attachment, FileState, Submission
from portal.text.folding import fold

MAX_QUERY_CHARS = 200
# Text read from a comment's files that is indexed (PostgreSQL's tsvector holds at most 1 MB).
MAX_FILES_CHARS = 300_000
MAX_TERMS = 12
_WORD = re.compile(r"\w+", re.UNICODE)


class SearchQueryError(ValueError):
    """The search text cannot be used; `code` says why, for a translated message."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def parse(raw: str) -> list[list[str]]:
    """Search text -> phrases (lists of words). Quotes make phrases; other symbols are ignored.

    Operators of either engine (*, NEAR, AND, OR, -, :) are never passed through: every word is
    quoted as a literal before it reaches FTS5 or to_tsquery.
    """
    if len(raw) > MAX_QUERY_CHARS:
        raise SearchQueryError("too_long")
    if raw.count('"') % 2:
        raise SearchQueryError("unbalanced_quotes")
    phrases: list[list[str]] = []
    for i, part in enumerate(raw.split('"')):
        words = [fold(w) for w in _WORD.findall(part)]
        if not words:
            continue
        if i % 2:  # inside quotes
            phrases.append(words)
        else:
            phrases.extend([w] for w in words)
    if sum(len(p) for p in phrases) > MAX_TERMS:
        raise SearchQueryError("too_many_terms")
    return phrases


def _public_text(submission: Submission) -> tuple[str, str]:
    """The subject, and the public versions of the general comment, of the answers and the
    text read from the public files."""
    files = submission.public_files_text[:MAX_FILES_CHARS]
    body = "\n\n".join(t for t in (submission.shown_full_text, files) if t)
    return submission.shown_subject, body


def _files_text(session: Session, ids: Sequence[int]) -> dict[int, str]:
    texts: dict[int, list[str]] = {}
    for submission_id, text_ in session.execute(
        select(Attachment.submission_id, Attachment.extracted_text)
        .where(Attachment.submission_id.in_(ids), Attachment.confidential.is_(False),
               Attachment.state == FileState.STORED, Attachment.extracted_text.is_not(None))
        .order_by(Attachment.submission_id, Attachment.position)
    ):
        texts.setdefault(submission_id, []).append(text_ or "")
    return {k: "\n\n".join(v)[:MAX_FILES_CHARS] for k, v in texts.items()}


def index(session: Session, submission: Submission) -> None:
    """Add or replace a published comment in the index."""
    unindex(session, submission.id)
    subject, body = _public_text(submission)
    if session.get_bind().dialect.name == "postgresql":
        document = fold(f"{subject}\n{body}")
        session.execute(
            text(
                "INSERT INTO submission_fts (submission_id, document) VALUES (:id, "
                "setweight(to_tsvector('english', :doc), 'A') || "
                "to_tsvector('spanish', :doc) || to_tsvector('simple', :doc))"
            ),
            {"id": submission.id, "doc": document},
        )
    else:
        session.execute(
            text("INSERT INTO submission_fts (rowid, subject, body) VALUES (:id, :s, :b)"),
            {"id": submission.id, "s": subject, "b": body},
        )


def index_many(session: Session, ids: Sequence[int], fresh: bool = False) -> None:
    """Add or replace many published comments at once (a campaign decided in one action);
    fresh: none of them is in the index yet (they were awaiting review), nothing to replace."""
    if not ids:
        return
    rows = session.execute(
        select(Submission.id, func.coalesce(Submission.public_subject, Submission.subject)
               .label("subject"), Submission.body, Submission.public_body)
        .where(Submission.id.in_(ids))
    ).all()
    files = _files_text(session, ids)
    postgresql = session.get_bind().dialect.name == "postgresql"
    if postgresql:
        if not fresh:
            session.execute(text("DELETE FROM submission_fts WHERE submission_id IN :ids")
                            .bindparams(bindparam("ids", expanding=True)), {"ids": list(ids)})
        session.execute(
            text(
                "INSERT INTO submission_fts (submission_id, document) VALUES (:id, "
                "setweight(to_tsvector('english', :doc), 'A') || "
                "to_tsvector('spanish', :doc) || to_tsvector('simple', :doc))"
            ),
            [{"id": r.id, "doc": fold(f"{r.subject}\n{r.public_body or r.body}\n"
                                      f"{files.get(r.id, '')}")} for r in rows],
        )
        return
    if not fresh:
        session.execute(text("DELETE FROM submission_fts WHERE rowid IN :ids")
                        .bindparams(bindparam("ids", expanding=True)), {"ids": list(ids)})
    session.execute(
        text("INSERT INTO submission_fts (rowid, subject, body) VALUES (:id, :s, :b)"),
        [{"id": r.id, "s": r.subject,
          "b": (r.public_body if r.public_body is not None else r.body)
          + ("\n\n" + files[r.id] if r.id in files else "")} for r in rows],
    )


def unindex(session: Session, submission_id: int) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            text("DELETE FROM submission_fts WHERE submission_id = :id"), {"id": submission_id}
        )
    else:
        session.execute(text("DELETE FROM submission_fts WHERE rowid = :id"), {"id": submission_id})


def filter_matching(session: Session, query: Select, phrases: list[list[str]]) -> Select:
    """Restrict a select of Submission to those whose public text matches every phrase."""
    if not phrases:
        return query
    if session.get_bind().dialect.name == "postgresql":
        # Each word may match in either language's stemmed form or literally.
        parts = []
        for phrase in phrases:
            words = " <-> ".join(f"'{w}'" for w in phrase)  # quoted lexemes: no operators
            parts.append(words)
        tsquery = " & ".join(f"({p})" for p in parts)
        condition = text(
            "submissions.id IN (SELECT submission_id FROM submission_fts WHERE "
            "document @@ to_tsquery('english', :q) OR document @@ to_tsquery('spanish', :q) "
            "OR document @@ to_tsquery('simple', :q))"
        ).bindparams(q=tsquery)
        return query.where(condition)
    fts = " AND ".join('"' + " ".join(phrase) + '"' for phrase in phrases)
    condition = text(
        "submissions.id IN (SELECT rowid FROM submission_fts WHERE submission_fts MATCH :q)"
    ).bindparams(q=fts)
    return query.where(condition)
