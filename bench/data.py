"""Build a benchmark database of N comments fast: the demo's generator, straight into the tables.

    python -m bench.data --rows 100000 [--url DATABASE_URL]

The comments are the ones `seed --demo` makes (portal/seed/corpus.py: English and Spanish, 100 to
400 words, across pillars, themes, submitter types, countries and a few form-letter campaigns),
but written with the driver, not the ORM: executemany in one transaction on SQLite, COPY on
PostgreSQL. Every column is filled as the services and the worker would (every comment enriched):
body_html as sanitize.render_text makes it, the digest of the canonical record, the fingerprint
and the "repeated" flag of exact copies, suggested themes, and for published comments (40%) 1-2
confirmed themes and their row in the full-text index, in each engine's shape
(portal/services/search.py), and the term statistics of the planners' summaries
(portal/services/term_stats.py, counted once after the load). The status counts come from the
migration's triggers (statement-level on PostgreSQL, so COPY fires them once).

The main period (pillar 1's) gets `rows` comments; the two others a twentieth each. RARE_MATCHES
published comments of each period, spread evenly over it, carry a rare word (RARE_WORD): the
rare-word search finds the same number of matches at every size (a page and a bit), so its time
at 1M against 10k measures the search and not a longer result list.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import itertools
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from portal.db import make_engine, write_session
from portal.models import CommentPeriod, Theme
from portal.models.types import utcnow
from portal.seed import seed
from portal.seed.corpus import Comment, Generator
from portal.services import accounts, term_stats
from portal.text.folding import fold

PASSWORD = "benchmark-password-123"  # noqa: S105 - scratch accounts
STAFF = {"moderator": "moderator@example.org", "planner": "planner@example.org",
         "admin": "admin@example.org"}  # fmt: skip
PUBLISHED_SHARE = 0.40
REJECTED_SHARE = 0.05
CAMPAIGN_SHARE = 0.05
RARE_MATCHES = 30
RARE_WORD = "pitahaya"  # in both sentences below
RARE_SENTENCE = {
    "en": "Our cooperative near Tecate also grows pitahaya for export.",
    "es": "Nuestra cooperativa cerca de Tecate también cultiva pitahaya para exportar.",
}
COMMON_WORD = "border"

SUBMISSION_COLUMNS = (
    "id", "tracking_number", "period_id", "submitter_type", "organization", "name", "email",
    "country", "region", "subject", "body", "body_html", "language", "language_source",
    "consent_publish", "ui_language", "received_at", "digest", "status", "version", "flags",
    "text_fingerprint", "decided_at", "reject_reason", "enriched_at",
)  # fmt: skip
THEME_COLUMNS = ("submission_id", "theme_id", "score", "matched", "suggested", "confirmed")
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_FOLDED: dict[str, str] = {}
_ASCII = frozenset(map(chr, range(128)))


def fast_fold(value: str) -> str:
    """portal.text.folding.fold, character by character (fold works on each character alone:
    case-folding, then NFKD without the combining marks): the few accented letters of a text
    replaced in C, the rest lower-cased."""
    if not value.isascii():
        for char in set(value) - _ASCII:
            folded = _FOLDED.get(char)
            if folded is None:
                folded = _FOLDED[char] = fold(char)
            value = value.replace(char, folded)
    return value.lower()


def render_plain(body: str) -> str:
    """sanitize.render_text for text without links or markup (what the generator writes):
    escaped paragraphs with line breaks, a hundred times faster than bleach."""
    return "\n".join(
        "<p>" + html.escape(block, quote=False).replace("\n", "<br>\n") + "</p>"
        for block in body.strip().split("\n\n")
    )


def tracking_number(i: int) -> str:
    """Unique for each i and random-looking: i times an odd constant, modulo 2^60."""
    n = (i * 0x9E3779B97F4A7C15 + 0x5DEECE66D) % (1 << 60)
    chars = "".join(_ALPHABET[(n >> (5 * k)) & 31] for k in range(12))
    return f"HLED-{chars[:4]}-{chars[4:8]}-{chars[8:]}"


def digest(docket: str, comment: Comment, consent: bool, received: datetime) -> str:
    """The receipt digest: SHA-256 of the canonical record (services.submissions)."""
    w = comment.writer
    record = {"submitter_type": w.submitter_type, "organization": w.organization, "name": w.name,
              "email": w.email, "country": w.country, "region": w.region,
              "subject": comment.subject, "body": comment.body, "consent_publish": consent,
              "period": docket, "received_at": received.isoformat()}
    canonical = json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass
class Built:
    url: str
    rows: int
    seconds: float
    period_slug: str
    pillar_slug: str
    counts: dict[str, int] = field(default_factory=dict)


@dataclass
class _Period:
    id: int
    docket: str
    pillar: int
    opens_at: datetime
    rows: int


def _periods(session: Any, rows: int) -> list[_Period]:
    found = []
    for period in session.scalars(select(CommentPeriod).order_by(CommentPeriod.id)):
        share = rows if period.pillar.number == 1 else max(1, rows // 20)
        found.append(_Period(period.id, period.docket_id, period.pillar.number, period.opens_at,
                             share))
    return found


def generate(periods: list[_Period], theme_ids: dict[str, int], seed_value: int,
             now: datetime) -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]], str | None]]:
    """(submission row, theme rows, full-text document or None) for every comment, in id order
    (arrival order). The document is (subject, body) folded, for published comments only."""
    generator = Generator(seed_value, campaign_share=CAMPAIGN_SHARE)
    rng = generator.rng
    random_ = rng.random
    seen: set[str] = set()
    next_id = itertools.count(1)
    for period in periods:
        span = (now - period.opens_at).total_seconds()
        step = span / (period.rows + 1)
        rare_step = max(1, period.rows // RARE_MATCHES)
        rare_due = 0  # rare words owed: one every rare_step comments, on a published one
        for j in range(period.rows):
            i = next(next_id)
            comment = generator.comment(period.pillar)
            w = comment.writer
            roll = random_()
            status = ("published" if roll < PUBLISHED_SHARE else
                      "rejected" if roll < PUBLISHED_SHARE + REJECTED_SHARE else "pending")
            body = comment.body
            if j % rare_step == 0 and j // rare_step < RARE_MATCHES:
                rare_due += 1
            if status == "published" and rare_due:
                rare_due -= 1
                body = f"{body} {RARE_SENTENCE[comment.language]}"
                comment = Comment(w, comment.pillar, comment.themes, comment.language,
                                  comment.subject, body, comment.campaign)
            received = period.opens_at + timedelta(seconds=step * (j + 1))
            consent = random_() < 0.85
            folded = fast_fold(body)
            fingerprint = hashlib.sha256(" ".join(folded.split()).encode()).hexdigest()
            flags = ""
            if comment.campaign:
                key = f"{period.id}:{fingerprint}"
                if key in seen:
                    flags = "repeated"
                seen.add(key)
            decided = received + timedelta(hours=1) if status != "pending" else None
            row = (
                i, tracking_number(i), period.id, w.submitter_type, w.organization, w.name,
                w.email, w.country, w.region, comment.subject, body, render_plain(body),
                comment.language, "declared" if random_() < 0.3 else "detected:lingua",
                consent, comment.language, received, digest(period.docket, comment, consent,
                                                            received),
                status, 1, flags, fingerprint, decided,
                "off_topic" if status == "rejected" else None, received,
            )
            confirmed = status == "published"
            themes = [(i, theme_ids[code], 1.0, "", True, confirmed) for code in comment.themes]
            document = None
            if confirmed:
                document = f"{fast_fold(comment.subject)}\n{folded}"
            yield row, themes, document


def prepare(url: str) -> None:
    """An empty database at url, migrated to head (a PostgreSQL schema is dropped first)."""
    from alembic import command

    from portal.cli import alembic_config

    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    command.upgrade(alembic_config(url), "head")


def build(url: str, rows: int, seed_value: int = 2013, now: datetime | None = None,
          migrate: bool = True) -> Built:
    """Migrate an empty database at url (unless migrate=False: it is migrated and empty) and
    fill it; returns what a benchmark needs to know."""
    from portal import create_app

    began = time.perf_counter()
    if migrate:
        prepare(url)
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench"})
    now = now or utcnow()
    with app.app_context():
        with write_session() as session:
            seed(session, now=now, opened_days_ago=60)
            for role, email in STAFF.items():
                accounts.create_user(session, email, PASSWORD, role)
            periods = _periods(session, rows)
            theme_ids = {t.code: t.id for t in session.scalars(select(Theme))}
            main = session.get(CommentPeriod, periods[0].id)
            assert main is not None
            slugs = (main.slug, main.pillar.slug)
    app.extensions["portal_engine"].dispose()
    engine = make_engine(url)
    rows_made = generate(periods, theme_ids, seed_value, now)
    if engine.dialect.name == "postgresql":
        _load_postgresql(engine, rows_made)
    else:
        _load_sqlite(engine, rows_made)
    # What the services keep as comments are decided, counted once for the bulk-loaded ones.
    with Session(engine) as session:
        term_stats.rebuild(session)
        session.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("ANALYZE"))  # as autovacuum would, before anything is measured
    with engine.connect() as conn:
        counts = {status: int(n) for status, n in conn.execute(text(
            "SELECT status, sum(n) FROM submission_counts GROUP BY status"))}
    engine.dispose()
    return Built(url=url, rows=sum(p.rows for p in periods),
                 seconds=time.perf_counter() - began, period_slug=slugs[0],
                 pillar_slug=slugs[1], counts=counts)


def _load_sqlite(engine: Any, made: Iterator[Any]) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("BEGIN")
        marks = ", ".join("?" for _ in SUBMISSION_COLUMNS)
        insert = (f"INSERT INTO submissions ({', '.join(SUBMISSION_COLUMNS)}) "  # noqa: S608
                  f"VALUES ({marks})")
        themes_sql = (f"INSERT INTO submission_themes ({', '.join(THEME_COLUMNS)}) "  # noqa: S608
                      "VALUES (?, ?, ?, ?, ?, ?)")
        fts_sql = "INSERT INTO submission_fts (rowid, subject, body) VALUES (?, ?, ?)"
        while True:
            chunk = list(itertools.islice(made, 5000))
            if not chunk:
                break
            cursor.executemany(insert, [_sqlite_row(row) for row, _, _ in chunk])
            cursor.executemany(themes_sql, [t for _, themes, _ in chunk for t in themes])
            # FTS5 folds accents itself: it is given the public text as stored.
            cursor.executemany(fts_sql, [(row[0], row[9], row[10])
                                         for row, _, doc in chunk if doc is not None])
        cursor.execute("COMMIT")
        cursor.execute("ANALYZE")
        cursor.execute("PRAGMA synchronous=FULL")
    finally:
        raw.close()


def _sqlite_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    # UTCDateTime on SQLite stores "YYYY-MM-DD HH:MM:SS.ffffff" (what SQLAlchemy writes).
    received, decided = row[16], row[22]
    stamp = received.strftime("%Y-%m-%d %H:%M:%S.%f")
    return (*row[:16], stamp, *row[17:22],
            decided.strftime("%Y-%m-%d %H:%M:%S.%f") if decided else None, row[23], stamp)


def _load_postgresql(engine: Any, made: Iterator[Any]) -> None:
    """COPY the comments on one connection while their index documents go, on a second one,
    into a staging table (no foreign key: it needs no committed comment), so neither is held
    in memory; the theme rows (small) wait for the comments to be committed."""
    raw, staging = engine.raw_connection(), engine.raw_connection()
    try:
        cursor, staged = raw.cursor(), staging.cursor()
        staged.execute("CREATE UNLOGGED TABLE bench_fts_documents (id integer, document text)")
        staging.commit()
        themes: list[tuple[Any, ...]] = []
        columns = ", ".join(SUBMISSION_COLUMNS)
        with cursor.copy(f"COPY submissions ({columns}) FROM STDIN") as copy, \
                staged.copy("COPY bench_fts_documents (id, document) FROM STDIN") as documents:
            for row, theme_rows, document in made:
                copy.write_row(row)
                themes.extend(theme_rows)
                if document is not None:
                    documents.write_row((row[0], document))
        staging.commit()
        cursor.execute("SELECT setval(pg_get_serial_sequence('submissions', 'id'), "
                       "(SELECT max(id) FROM submissions))")
        raw.commit()
        with cursor.copy(f"COPY submission_themes ({', '.join(THEME_COLUMNS)}) FROM STDIN") as copy:
            for theme_row in themes:
                copy.write_row(theme_row)
        raw.commit()
    finally:
        raw.close()
        staging.close()
    _index_postgresql(engine)


def _index_postgresql(engine: Any) -> None:
    """Build the tsvectors on both cores: two connections, each half of the documents."""
    from concurrent.futures import ThreadPoolExecutor

    def half(part: int) -> None:
        with engine.begin() as conn:
            conn.execute(text(
                "INSERT INTO submission_fts (submission_id, document) SELECT id, "
                "setweight(to_tsvector('english', document), 'A') || "
                "to_tsvector('spanish', document) || to_tsvector('simple', document) "
                "FROM bench_fts_documents WHERE id % 2 = :part"), {"part": part})

    with ThreadPoolExecutor(2) as pool:
        list(pool.map(half, (0, 1)))
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE bench_fts_documents"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def main() -> None:
    parser = argparse.ArgumentParser(description="Build a benchmark database.")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--url", default="sqlite:///bench-data.sqlite3")
    args = parser.parse_args()
    built = build(args.url, args.rows)
    print(f"{built.rows:,} comments in {built.seconds:.1f} s "
          f"({built.rows / built.seconds:,.0f}/s): {built.counts}")


if __name__ == "__main__":
    main()
