"""Term statistics kept as comments are decided, so a summary never re-reads the comments.

What a published comment contributes (portal/models/term_stats.py) is worked out once from its
public text and stored with it; the per-period counts are the sums of those contributions. When
a comment is published, redacted, has its confirmed themes or answers changed, or leaves the
public record, its old contribution is taken back and the new one (none if it is no longer
public) added, in the same transaction as the change.

Like portal/models/changes.py, a flush hook notes every comment whose status, public text,
confirmed themes or answers a flush changes, whatever service did it; code that changes those
with bulk statements calls `mark()` itself. The notes are applied before the transaction commits,
and by `apply_pending()` before a summary reads the counts in the same transaction.
"""

from __future__ import annotations

import json
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, event, func, insert, inspect, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from portal.models import (
    Answer,
    Status,
    Submission,
    SubmissionTerms,
    SubmissionTheme,
    TermCount,
    TermForm,
)
from portal.text.terms import DistinctiveTerm, document_terms, log_odds_z

COMMENTS = "c"
ANSWERS = "q"
SPLITS = "s"  # group 0 or a theme: "type:<code>", "country:<code>", "lang:<code>"; "uncovered"
QUESTION_THEMES = "a"  # group a question: the theme ids (as text) of those who answered it
# group 0: comments received per UTC day ("2027-03-01"), whatever their status. Counted when the
# worker enriches a comment (`count_received`), not in the request that stores it: every comment
# of a period arriving on one day would otherwise queue on that day's row during a rush.
DAYS = "d"
UNCOVERED = "uncovered"
_PENDING = "term_stats_pending"
_DAYS = "term_stats_days"
_NEW = "term_stats_new"
_WATCHED = ("status", "body", "public_body", "language", "period_id", "submitter_type",
            "country")
BATCH = 500
HELD = 200_000  # count changes kept in memory before they are written (~200 bytes each)
MAX_FORM = 64

Key = tuple[int, str, int, str]  # period, kind, group, term


# -- what one comment contributes ------------------------------------------------------------

def contribution(body: str, language: str, themes: Iterable[int],
                 answers: Sequence[tuple[int, str]],
                 who: Sequence[str] = ()) -> dict[str, Any]:
    """The terms of a published comment's public text: "c" its whole text (general comment and
    answers, as one document) term -> {form: uses}, "t" its confirmed themes, "b" the terms of
    its general comment alone, "a" question id -> the terms of that answer; "k" who wrote it
    (submitter type, country, written language) for the splits."""
    answers = [(qid, text) for qid, text in answers if text.strip()]
    whole = "\n\n".join(t for t in [body, *(text for _, text in answers)] if t.strip())
    found = document_terms(whole, language)
    if not body.strip():
        alone = None
    elif answers:
        alone = sorted(document_terms(body, language))
    else:
        alone = sorted(found)  # the general comment is the whole text
    return {
        "c": {term: {form[:MAX_FORM]: n for form, n in forms.items()}
              for term, forms in found.items()},
        "t": sorted(set(themes)),
        "b": alone,
        "a": {str(qid): sorted(document_terms(text, language)) for qid, text in answers},
        "k": list(who),
    }


def _deltas(period_id: int, counted: dict[str, Any], sign: int,
            counts: Counter[Key], forms: Counter[tuple[int, str, str]]) -> None:
    groups = [0, *counted["t"]]
    for group in groups:
        counts[(period_id, COMMENTS, group, "")] += sign
    for term, written in counted["c"].items():
        for group in groups:
            counts[(period_id, COMMENTS, group, term)] += sign
        for form, n in written.items():
            forms[(period_id, term, form)] += sign * n
    if counted["b"] is not None:
        counts[(period_id, ANSWERS, 0, "")] += sign
        for term in counted["b"]:
            counts[(period_id, ANSWERS, 0, term)] += sign
    for qid, terms in counted["a"].items():
        for group in (0, int(qid)):
            counts[(period_id, ANSWERS, group, "")] += sign
            for term in terms:
                counts[(period_id, ANSWERS, group, term)] += sign
        for theme in counted["t"]:
            counts[(period_id, QUESTION_THEMES, int(qid), str(theme))] += sign
    submitter_type, country, language = counted["k"]
    for group in groups:
        for key in (f"type:{submitter_type}", f"country:{country}", f"lang:{language}"):
            counts[(period_id, SPLITS, group, key)] += sign
    if not counted["t"]:
        counts[(period_id, SPLITS, 0, UNCOVERED)] += sign


def _pack(counted: dict[str, Any]) -> bytes:
    return zlib.compress(json.dumps(counted, ensure_ascii=False, sort_keys=True).encode(), 6)


def _unpack(blob: bytes) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(zlib.decompress(blob))
    return loaded


# -- keeping the counts ----------------------------------------------------------------------

def mark(session: Session, ids: Iterable[int | None]) -> None:
    """Note comments whose public record changed (applied before commit)."""
    session.info.setdefault(_PENDING, set()).update(i for i in ids if i is not None)


def apply_pending(session: Session) -> None:
    """Bring the counts up to date with what this transaction changed so far."""
    session.flush()
    days: Counter[Key] | None = session.info.pop(_DAYS, None)
    if days:
        _add(session, days, Counter())
    pending = session.info.pop(_PENDING, None)
    if pending:
        refresh(session, sorted(pending))


def refresh(session: Session, ids: Sequence[int]) -> int:
    """Take back what these comments counted and count them as they are now; returns how many
    changed. Idempotent: a comment counted as it is costs a read, no write.

    The changes to the counts are summed over the batches and written once (or whenever HELD
    keys are waiting), not once per batch: every batch touches the same frequent terms, and on
    PostgreSQL each upsert of a row leaves a version of it that no one can clean up before the
    transaction ends, so a rebuild that wrote per batch slowed down with every batch."""
    changed = 0
    counts: Counter[Key] = Counter()
    forms: Counter[tuple[int, str, str]] = Counter()
    for start in range(0, len(ids), BATCH):
        changed += _refresh_batch(session, ids[start:start + BATCH], counts, forms)
        if len(counts) + len(forms) > HELD:
            _add(session, counts, forms)
            counts.clear()
            forms.clear()
    _add(session, counts, forms)
    return changed


def _refresh_batch(session: Session, ids: Sequence[int], counts: Counter[Key],
                   forms: Counter[tuple[int, str, str]]) -> int:
    """Store what these comments count now and add the changes to counts and forms."""
    rows = session.execute(
        select(Submission.id, Submission.period_id, Submission.status, Submission.body,
               Submission.public_body, Submission.language, Submission.submitter_type,
               Submission.country).where(Submission.id.in_(ids))
    ).all()
    published = [r for r in rows if r.status == Status.PUBLISHED]
    public_ids = [r.id for r in published]
    themes: dict[int, list[int]] = defaultdict(list)
    answers: dict[int, list[tuple[int, str]]] = defaultdict(list)
    if public_ids:
        for sid, tid in session.execute(
            select(SubmissionTheme.submission_id, SubmissionTheme.theme_id)
            .where(SubmissionTheme.submission_id.in_(public_ids),
                   SubmissionTheme.confirmed.is_(True))):
            themes[sid].append(tid)
        for sid, qid, text in session.execute(
            select(Answer.submission_id, Answer.question_id,
                   func.coalesce(Answer.public_text, Answer.text))
            .where(Answer.submission_id.in_(public_ids))
            .order_by(Answer.submission_id, Answer.question_id)):
            answers[sid].append((qid, text))
    old = {sid: (period_id, _unpack(blob)) for sid, period_id, blob in session.execute(
        select(SubmissionTerms.submission_id, SubmissionTerms.period_id, SubmissionTerms.counted)
        .where(SubmissionTerms.submission_id.in_(ids)))}
    new: dict[int, tuple[int, dict[str, Any]]] = {}
    for r in published:
        body = r.public_body if r.public_body is not None else r.body
        who = (r.submitter_type.value, r.country.value, r.language.value)
        new[r.id] = (r.period_id, contribution(body, r.language, themes[r.id], answers[r.id],
                                               who))
    gone, stored = [], []
    for sid in sorted(set(old) | set(new)):
        before, after = old.get(sid), new.get(sid)
        if before == after:
            continue
        if before is not None:
            _deltas(before[0], before[1], -1, counts, forms)
            gone.append(sid)
        if after is not None:
            _deltas(after[0], after[1], 1, counts, forms)
            stored.append({"submission_id": sid, "period_id": after[0],
                           "counted": _pack(after[1])})
    if gone:
        session.execute(delete(SubmissionTerms).where(SubmissionTerms.submission_id.in_(gone)))
    if stored:
        session.execute(insert(SubmissionTerms), stored)
    return len(set(gone) | {s["submission_id"] for s in stored})


def _upsert(session: Session, model: Any, keys: Sequence[str], value: str,
            rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    make = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = make(model.__table__)
    column = getattr(model, value)
    statement = statement.on_conflict_do_update(
        index_elements=list(keys), set_={value: column + statement.excluded[value]})
    session.execute(statement, rows)


def _add(session: Session, counts: Counter[Key], forms: Counter[tuple[int, str, str]]) -> None:
    # Sorted, so that two transactions touching the same rows lock them in the same order.
    _upsert(session, TermCount, ("period_id", "kind", "group_id", "term"), "docs",
            [{"period_id": p, "kind": k, "group_id": g, "term": t, "docs": n}
             for (p, k, g, t), n in sorted(counts.items()) if n])
    _upsert(session, TermForm, ("period_id", "term", "form"), "uses",
            [{"period_id": p, "term": t, "form": f, "uses": n}
             for (p, t, f), n in sorted(forms.items()) if n])


def rebuild(session: Session, period_ids: Sequence[int] | None = None, *,
            before_enrichment: bool = False) -> int:
    """Count every published comment from scratch (after a bulk load or an upgrade); returns
    how many were counted. Counts of other periods are left alone. `before_enrichment`: for a
    schema older than `submissions.enriched_at`, where every comment was enriched on arrival."""
    scope = [] if period_ids is None else [SubmissionTerms.period_id.in_(period_ids)]
    count_scope = [] if period_ids is None else [TermCount.period_id.in_(period_ids)]
    form_scope = [] if period_ids is None else [TermForm.period_id.in_(period_ids)]
    session.execute(delete(SubmissionTerms).where(*scope))
    session.execute(delete(TermCount).where(*count_scope))
    session.execute(delete(TermForm).where(*form_scope))
    query = select(Submission.id).where(Submission.status == Status.PUBLISHED)
    if period_ids is not None:
        query = query.where(Submission.period_id.in_(period_ids))
    ids = list(session.scalars(query.order_by(Submission.id)))
    days: Counter[Key] = Counter()
    everyone = select(Submission.period_id, Submission.received_at)
    if not before_enrichment:
        everyone = everyone.where(Submission.enriched_at.is_not(None))  # the others: when enriched
    if period_ids is not None:
        everyone = everyone.where(Submission.period_id.in_(period_ids))
    for period_id, received in session.execute(everyone.execution_options(yield_per=5000)):
        days[(period_id, DAYS, 0, received.date().isoformat())] += 1
    _add(session, days, Counter())
    return refresh(session, ids)


# -- reading them ----------------------------------------------------------------------------

def documents(session: Session, period_ids: Sequence[int], kind: str, group: int = 0) -> int:
    return int(session.scalar(
        select(func.coalesce(func.sum(TermCount.docs), 0))
        .where(TermCount.period_id.in_(period_ids), TermCount.kind == kind,
               TermCount.group_id == group, TermCount.term == "")) or 0)


def group_sizes(session: Session, period_ids: Sequence[int], kind: str) -> dict[int, int]:
    """How many documents each group (theme, question) of a kind has; group 0 left out."""
    return {group: int(n) for group, n in session.execute(
        select(TermCount.group_id, func.sum(TermCount.docs))
        .where(TermCount.period_id.in_(period_ids), TermCount.kind == kind,
               TermCount.term == "", TermCount.group_id != 0)
        .group_by(TermCount.group_id)) if n}


def facts(session: Session, period_ids: Sequence[int], kind: str) -> dict[int, dict[str, int]]:
    """Counts of one kind that are not terms (SPLITS, QUESTION_THEMES, DAYS): group -> key -> n,
    summed over the periods."""
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for group, key, n in session.execute(
        select(TermCount.group_id, TermCount.term, func.sum(TermCount.docs))
        .where(TermCount.period_id.in_(period_ids), TermCount.kind == kind)
        .group_by(TermCount.group_id, TermCount.term)):
        if n:
            found[group][key] = int(n)
    return found


def distinctive_of_groups(session: Session, period_ids: Sequence[int], kind: str,
                          groups: Iterable[int], top: int = 8, min_docs: int = 2
                          ) -> dict[int, list[DistinctiveTerm]]:
    """portal.text.terms.TermCounter.distinctive over the stored counts, for several groups of
    one kind (the themes of a summary): per group, the words its documents use more than the
    others, most distinctive first. Everyone's counts are read once for all the groups."""
    wanted = sorted(set(groups))
    if not wanted:
        return {}
    scope = (TermCount.period_id.in_(period_ids), TermCount.kind == kind)
    sizes = {group: int(n or 0) for group, n in session.execute(
        select(TermCount.group_id, func.sum(TermCount.docs))
        .where(*scope, TermCount.term == "", TermCount.group_id.in_([0, *wanted]))
        .group_by(TermCount.group_id))}
    everyone = sizes.get(0, 0)
    counted = [g for g in wanted if sizes.get(g, 0) > 0 and everyone - sizes.get(g, 0) > 0]
    scored: dict[int, list[tuple[float, str, int]]] = {g: [] for g in wanted}
    if counted:
        rows = session.execute(
            select(TermCount.group_id, TermCount.term, func.sum(TermCount.docs))
            .where(*scope, TermCount.group_id.in_(counted), TermCount.term != literal(""))
            .group_by(TermCount.group_id, TermCount.term)
            .having(func.sum(TermCount.docs) >= min_docs)).all()
        # Each of those terms among everyone (group 0), read by key in batches.
        terms = sorted({term for _, term, _ in rows})
        df: dict[str, int] = {}
        for start in range(0, len(terms), BATCH):
            df.update((term, int(n or 0)) for term, n in session.execute(
                select(TermCount.term, func.sum(TermCount.docs))
                .where(*scope, TermCount.group_id == 0,
                       TermCount.term.in_(terms[start:start + BATCH]))
                .group_by(TermCount.term)))
        for group, term, a in rows:
            inside = sizes[group]
            a = int(a)
            z = log_odds_z(a, inside, max(df.get(term, a), a) - a, everyone - inside)
            if z > 0:
                scored[group].append((z, term, a))
    best = {g: sorted(found, key=lambda t: (-t[0], t[1]))[:top] for g, found in scored.items()}
    shown = written_forms(session, period_ids, sorted({t for found in best.values()
                                                       for _, t, _ in found}))
    return {g: [DistinctiveTerm(shown.get(t, t), round(z, 3), a) for z, t, a in found]
            for g, found in best.items()}


def written_forms(session: Session, period_ids: Sequence[int],
                  terms: Sequence[str]) -> dict[str, str]:
    """Each term as most often written (ties: the first form in order)."""
    if not terms:
        return {}
    uses: dict[str, Counter[str]] = defaultdict(Counter)
    for term, form, n in session.execute(
        select(TermForm.term, TermForm.form, func.sum(TermForm.uses))
        .where(TermForm.period_id.in_(period_ids), TermForm.term.in_(terms))
        .group_by(TermForm.term, TermForm.form)):
        if n > 0:
            uses[term][form] = int(n)
    return {term: min(found, key=lambda f: (-found[f], f)) for term, found in uses.items()}


# -- noticing changes, whatever code makes them ------------------------------------------------

@event.listens_for(Session, "before_flush")
def _notice(session: Session, _context: Any, _instances: Any) -> None:
    ids: set[int | None] = set()
    for obj in session.new:
        if isinstance(obj, Submission):  # its id and period are known after the insert
            session.info.setdefault(_NEW, []).append(obj)
    for obj in session.dirty:
        if isinstance(obj, Submission):
            state = inspect(obj)
            if any(state.attrs[name].history.has_changes() for name in _WATCHED):
                ids.add(obj.id)
            moved = state.attrs.period_id.history
            if (moved.deleted and moved.added and moved.deleted[0] is not None
                    and obj.enriched_at is not None):
                _count_day(session, moved.deleted[0], obj, -1)
                _count_day(session, moved.added[0], obj, 1)
        elif isinstance(obj, SubmissionTheme):
            if inspect(obj).attrs.confirmed.history.has_changes():
                ids.add(obj.submission_id)
        elif isinstance(obj, Answer):
            state = inspect(obj)
            if any(state.attrs[n].history.has_changes() for n in ("text", "public_text")):
                ids.add(obj.submission_id)
    for obj in (*session.new, *session.deleted):
        if isinstance(obj, Answer) or (isinstance(obj, SubmissionTheme) and obj.confirmed):
            ids.add(obj.submission_id)  # None for the rows of a comment being made
    mark(session, ids)


def _count_day(session: Session, period_id: int, submission: Submission, sign: int) -> None:
    count_received(session, period_id, submission.received_at, sign)


def count_received(session: Session, period_id: int, received_at: datetime,
                   sign: int = 1) -> None:
    """Count a comment on its day (applied before commit, one upsert per day for a batch)."""
    days = session.info.setdefault(_DAYS, Counter())
    days[(period_id, DAYS, 0, received_at.astimezone(UTC).date().isoformat())] += sign


@event.listens_for(Session, "after_flush_postexec")
def _notice_new(session: Session, _context: Any) -> None:
    for obj in session.info.pop(_NEW, ()):
        if obj.enriched_at is not None:  # stored enriched (an import); else the worker counts it
            _count_day(session, obj.period_id, obj, 1)
        if obj.status is Status.PUBLISHED:
            mark(session, [obj.id])


@event.listens_for(Session, "before_commit")
def _apply_before_commit(session: Session) -> None:
    apply_pending(session)


@event.listens_for(Session, "after_rollback")
def _forget(session: Session) -> None:
    for key in (_PENDING, _DAYS, _NEW):
        session.info.pop(key, None)
