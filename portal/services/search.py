"""Full-text search of published comments, in English and Spanish, accents folded.

One interface over two engines: SQLite FTS5 (tokenizer folds accents) on the embedded default,
PostgreSQL text search with both the English and the Spanish configuration in production. Only
published comments are indexed, with their public text: the general comment and the answers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, bindparam, column, func, select, table, text
from sqlalchemy.orm import Session

from portal.models import Attachment, FileState, Submission
from portal.text.folding import fold

MAX_QUERY_CHARS = 200
# Text read from a comment's files that is indexed (PostgreSQL's tsvector holds at most 1 MB).
MAX_FILES_CHARS = 300_000
MAX_TERMS = 12
# Reading only the page shown: matches are taken in windows of ids, newest first, until a page
# is full; a window grows fourfold each time filters leave it short.
WINDOW = 200
MAX_WINDOW = 5000
# PostgreSQL: a word with at most this many matches is read through its GIN index whole (then
# ordered); a commoner one is checked comment by comment, newest first, where it soon fills a page.
SPARSE = 1000
# A word the planner expects in more than this share of the search documents is common.
COMMON_SHARE = 0.1
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


def _fts5_query(phrases: list[list[str]]) -> str:
    return " AND ".join('"' + " ".join(phrase) + '"' for phrase in phrases)


def _tsquery(phrases: list[list[str]]) -> str:
    return " & ".join("(" + " <-> ".join(f"'{w}'" for w in phrase) + ")" for phrase in phrases)


# The search documents (made by raw SQL in the migrations, not mapped), for a join.
_FTS = table("submission_fts", column("submission_id"), column("document"))
_TS_MATCH = ("(document @@ to_tsquery('english', :q) OR document @@ to_tsquery('spanish', :q) "
             "OR document @@ to_tsquery('simple', :q))")


def matching_ids(session: Session, query: Select[Any], phrases: list[list[str]], limit: int,
                 descending: bool = True, bound: int | None = None,
                 within: tuple[int, int] | None = None) -> list[int]:
    """The ids of up to `limit` comments of `query` (a select of Submission with its filters)
    whose public text matches every phrase, by id (newest first unless not descending), below
    (or above) `bound`. Reads about as many matches as asked for, however many there are: never
    the full list of matches before the limit. `within` (lowest and highest id the query can
    match, e.g. a period's) keeps the SQLite index from walking other periods' newer matches."""
    order = Submission.id.desc() if descending else Submission.id.asc()
    if bound is not None:
        query = query.where(Submission.id < bound if descending else Submission.id > bound)
    if not phrases:
        return list(session.scalars(_within(query, within).with_only_columns(Submission.id)
                                    .order_by(order).limit(limit)))
    if session.get_bind().dialect.name == "postgresql":
        ids = _sparse_matches(session, phrases, descending, bound)
        if ids is None:  # a common word: the query's own newest matches, in order
            return _check_newest(session, query, phrases, limit, descending, bound, within)
    else:
        ids = _fts5_windows(session, query, phrases, limit, descending, bound, within)
    if not ids:
        return []
    return list(session.scalars(query.with_only_columns(Submission.id)
                                .where(Submission.id.in_(ids)).order_by(order).limit(limit)))


def _within(query: Select[Any], within: tuple[int, int] | None) -> Select[Any]:
    """Between the lowest and highest id the query can match, for a walk of its comments by id:
    on PostgreSQL a page of a period's comments otherwise walked the primary key through every
    newer comment of other periods (150 ms at a million). Not for a lookup of known ids: the
    range then tempts the planner to scan the period instead (300 ms)."""
    return query if within is None else query.where(Submission.id.between(*within))


def matching_page(session: Session, query: Select[Any],
                  phrases: list[list[str]], limit: int, descending: bool = True,
                  bound: int | None = None,
                  within: tuple[int, int] | None = None) -> list[Submission]:
    """The comments of `matching_ids`, loaded with the options of `query`."""
    order = Submission.id.desc() if descending else Submission.id.asc()
    if not phrases:
        if bound is not None:
            query = query.where(Submission.id < bound if descending else Submission.id > bound)
        return list(session.scalars(_within(query, within).order_by(order).limit(limit)))
    ids = matching_ids(session, query, phrases, limit, descending, bound, within)
    if not ids:
        return []
    return list(session.scalars(query.where(Submission.id.in_(ids)).order_by(order)))


def _fts5_windows(session: Session, query: Select[Any],
                  phrases: list[list[str]], limit: int, descending: bool,
                  bound: int | None, within: tuple[int, int] | None = None) -> list[int]:
    """SQLite: FTS5 hands out matching rowids in order (its index is sorted by rowid), a window
    at a time; the comments of each window are checked against the filters."""
    direction, compare = ("DESC", "<") if descending else ("ASC", ">")
    lowest, highest = within or (None, None)
    span = "AND rowid BETWEEN :lowest AND :highest " if within else ""
    found: list[int] = []
    size = WINDOW
    while len(found) < limit:
        after = f"AND rowid {compare} :bound " if bound is not None else ""
        window = list(session.scalars(text(
            f"SELECT rowid FROM submission_fts WHERE submission_fts MATCH :q {after}{span}"  # noqa: S608 - fixed text
            f"ORDER BY rowid {direction} LIMIT :n"
        ), {"q": _fts5_query(phrases), "bound": bound, "n": size, "lowest": lowest,
            "highest": highest}))
        if not window:
            break
        found += session.scalars(
            query.with_only_columns(Submission.id).where(Submission.id.in_(window))
            .order_by(Submission.id.desc() if descending else Submission.id.asc())
            .limit(limit - len(found)))
        if len(window) < size:
            break
        bound, size = window[-1], min(size * 4, MAX_WINDOW)
    return found


_PROBES = "search_probes"


def _sparse_matches(session: Session, phrases: list[list[str]], descending: bool,
                    bound: int | None) -> list[int] | None:
    """PostgreSQL: every match through the GIN index (a bitmap scan) when there are at most
    SPARSE of them; None when there are more, or when the planner expects the words in so many
    documents that they are common without a probe (`_expected_common`).

    The probe is made once per search and transaction (a page, its neighbours and its count ask
    the same): the matches of the whole index, then those beyond `bound` picked here. A word
    with more than SPARSE matches in all is checked newest first even where fewer lie beyond
    `bound`: the same comments either way."""
    query = _tsquery(phrases)
    probes: dict[str, tuple[object, list[int] | None]] = session.info.setdefault(_PROBES, {})
    transaction = session.get_transaction()
    if query not in probes or probes[query][0] is not transaction:
        found: list[int] | None = None
        if not _expected_common(session, query):
            ids = list(session.scalars(text(
                f"SELECT submission_id FROM submission_fts WHERE {_TS_MATCH} LIMIT :n"  # noqa: S608 - fixed text
            ), {"q": query, "n": SPARSE + 1}))
            found = ids if len(ids) <= SPARSE else None
        if len(probes) > 32:
            probes.clear()
        probes[query] = (transaction, found)
    found = probes[query][1]
    if found is None or bound is None:
        return found
    return [i for i in found if (i < bound if descending else i > bound)]


def _expected_common(session: Session, query: str) -> bool:
    """PostgreSQL: whether the planner expects the words in more than COMMON_SHARE of the search
    documents (its estimate from ANALYZE's statistics of the documents' words; nothing is read).
    Such a word is common without the probe, which reads documents until SPARSE + 1 match:
    half of a common word's page (24 of 54 ms). The estimate of a word ANALYZE did not list is
    small, so a rare word is still probed; a wrong guess only picks the slower of two ways to
    the same comments."""
    plan = session.execute(text(
        f"EXPLAIN (FORMAT JSON) SELECT 1 FROM submission_fts WHERE {_TS_MATCH}"  # noqa: S608 - fixed text
    ), {"q": query}).scalar_one()
    if isinstance(plan, str):
        plan = json.loads(plan)
    expected = float(plan[0]["Plan"]["Plan Rows"])
    documents = float(session.scalar(text(
        "SELECT reltuples FROM pg_class WHERE oid = 'submission_fts'::regclass")) or 0)
    return documents > 0 and expected > COMMON_SHARE * documents


def _check_newest(session: Session, query: Select[Any], phrases: list[list[str]], limit: int,
                  descending: bool, bound: int | None,
                  within: tuple[int, int] | None) -> list[int]:
    """PostgreSQL, a common word: the newest comments of the query whose search document
    matches, in one statement that walks the query's comments by id and reads each one's
    document by key, stopping at `limit` (a count of 1,001 matches checks about 2,500). The
    documents' own walk is bounded like the comments' (the planner carries no range across the
    join), so it never reads other periods' newer documents."""
    order = Submission.id.desc() if descending else Submission.id.asc()
    document = _FTS.c.submission_id
    matching = (_within(query, within).with_only_columns(Submission.id)
                .join(_FTS, document == Submission.id)
                .where(text(_TS_MATCH).bindparams(q=_tsquery(phrases))))
    if bound is not None:
        matching = matching.where(document < bound if descending else document > bound)
    if within is not None:
        matching = matching.where(document.between(*within))
    return list(session.scalars(matching.order_by(order).limit(limit)))
