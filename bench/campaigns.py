"""Campaign detection: the cost per incoming comment with 10 thousand and 1 million stored, and
the time of `campaigns rebuild` over all of them.

Usage: python -m bench.campaigns [--rows 1000000] [--baseline 10000] [--url DATABASE_URL]

For each size, a scratch database is filled with generated letters (bulk inserts, not the form):
copies of form letters with the edits signers make, in campaigns of very different sizes, and
comments of people's own. `campaigns.rebuild` then checks them all, committing per batch (timed:
the rebuild figure). Then --probes new comments (half copies of stored campaigns, half new
texts) are stored and checked one by one, each in its own transaction (the worst case for
the worker, which checks a batch at once; timed: the detection cost). The ratio of the large
database to the baseline, measured in the same run, shows whether detection stays flat as
comments accumulate.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, text

from bench.data import prepare
from bench.letters import LetterGenerator
from portal import create_app
from portal.db import commit_batch, make_engine, write_session
from portal.models import Campaign, CampaignBand, CommentPeriod, Submission
from portal.models.types import utcnow
from portal.seed import seed
from portal.services import campaigns

COLUMNS = (
    "tracking_number", "period_id", "submitter_type", "organization", "name", "email",
    "country", "region", "subject", "body", "body_html", "language", "language_source",
    "consent_publish", "ui_language", "received_at", "digest", "status", "version", "flags",
    "text_fingerprint", "enriched_at",
)
TYPES = ["business", "association", "ngo", "academic", "labor", "government", "individual"]
COUNTRIES = ["US", "MX", "CA", "OTHER"]


def _rows(period_id: int, letters: Iterator[tuple[str, str]], start: int,
          rng: random.Random) -> Iterator[tuple[object, ...]]:
    base = utcnow() - timedelta(days=20)
    for i, (lang, body) in enumerate(letters, start=start):
        yield (
            f"HLED-C{i:011d}"[:19], period_id, rng.choice(TYPES), "Org", "Bench",
            "b@example.org", rng.choice(COUNTRIES), "", f"Subject {i}", body, "", lang,
            "declared", True, lang, (base + timedelta(milliseconds=i)).isoformat(), "0" * 64,
            "pending", 1, "", "", (base + timedelta(milliseconds=i)).isoformat(),
        )


def fill(url: str, rows: int, generator: LetterGenerator) -> int:
    """Seed the site and bulk-load rows generated letters into one period; returns its id."""
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context(), write_session() as session:
        seed(session)
        period_id = session.scalars(select(CommentPeriod.id).order_by(CommentPeriod.id)).first()
        assert period_id is not None
    app.extensions["portal_engine"].dispose()
    engine = make_engine(url)
    raw = engine.raw_connection()
    rng = random.Random(11)  # noqa: S311 - synthetic data
    try:
        cursor = raw.cursor()
        data = _rows(period_id, generator.stream(rows), 0, rng)
        if engine.dialect.name == "postgresql":
            with cursor.copy(f"COPY submissions ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in data:
                    copy.write_row(row)
        else:
            cursor.execute("BEGIN")
            marks = ", ".join("?" for _ in COLUMNS)
            cursor.executemany(
                f"INSERT INTO submissions ({', '.join(COLUMNS)}) VALUES ({marks})",  # noqa: S608
                data,
            )
        raw.commit()
        cursor = raw.cursor()
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    engine.dispose()
    return period_id


def rebuild(url: str, period_id: int) -> tuple[float, float, dict[str, int]]:
    """Wall and CPU seconds of the rebuild (CPU of this process: on SQLite all the work, on
    PostgreSQL all but the server's), and what it found."""
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context(), write_session() as session:
        t0, c0 = time.perf_counter(), time.process_time()
        last = time.perf_counter()
        for progress in campaigns.rebuild(session, [period_id], batch=500):
            commit_batch(session)
            if time.perf_counter() - last > 60:
                last = time.perf_counter()
                rate = progress.done / (last - t0)
                print(f"  rebuild: {progress.done:,}/{progress.total:,} ({rate:,.0f}/s)",
                      flush=True)
        elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
        stats = {
            "campaigns": session.scalar(select(func.count()).select_from(Campaign)
                                        .where(Campaign.merged_into_id.is_(None))) or 0,
            "largest": session.scalar(select(func.max(Campaign.size))) or 0,
            "band rows": session.scalar(select(func.count()).select_from(CampaignBand)) or 0,
        }
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("ANALYZE"))
    app.extensions["portal_engine"].dispose()
    return elapsed, cpu, stats


def probe(url: str, period_id: int, generator: LetterGenerator,
          count: int) -> tuple[list[float], list[float]]:
    """Store count new comments (untimed), then time campaigns.check on each, committed one by
    one like a request: wall and CPU seconds of each."""
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench"})
    rng = random.Random(5)  # noqa: S311 - synthetic data
    timings, cpu = [], []
    with app.app_context():
        with write_session() as session:
            fresh = []
            for n, (lang, body) in enumerate(generator.probes(count)):
                row = dict(zip(COLUMNS, next(_rows(period_id, iter([(lang, body)]),
                                                    10**9 + n, rng)), strict=True))
                row["tracking_number"] = f"HLED-P{n:011d}"[:19]
                row["received_at"] = row["enriched_at"] = utcnow()
                row["stored_body_html"] = row.pop("body_html")
                submission = Submission(**row)
                session.add(submission)
                fresh.append(submission)
            session.flush()
            ids = [s.id for s in fresh]
        for submission_id in ids:
            with write_session() as session:
                submission = session.get(Submission, submission_id)
                assert submission is not None
                t0, c0 = time.perf_counter(), time.process_time()
                campaigns.check(session, submission)
                session.commit()
                timings.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
    app.extensions["portal_engine"].dispose()
    return timings, cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=10_000)
    parser.add_argument("--probes", type=int, default=300)
    parser.add_argument("--url", default=os.environ.get("PORTAL_BENCH_DATABASE_URL"))
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="campaign-bench-"))
    results = {}
    for label, rows in (("baseline", args.baseline), ("large", args.rows)):
        url = args.url or f"sqlite:///{tmp / f'{label}.sqlite3'}"
        prepare(url)
        generator = LetterGenerator(rows, seed=3)
        t0 = time.perf_counter()
        period_id = fill(url, rows, generator)
        print(f"{label}: {rows:,} comments generated and loaded in "
              f"{time.perf_counter() - t0:.0f} s", flush=True)
        elapsed, cpu, stats = rebuild(url, period_id)
        print(f"{label}: rebuild {elapsed:.0f} s wall, {cpu:.0f} s CPU "
              f"({rows / elapsed:,.0f} comments/s); "
              + ", ".join(f"{k} {v:,}" for k, v in stats.items()), flush=True)
        timings, cpu_timings = probe(url, period_id, generator, args.probes)
        results[label] = (rows, elapsed, cpu, timings, cpu_timings)
        print(f"{label}: check of a new comment, median {statistics.median(timings) * 1000:.2f}"
              f" ms wall, {statistics.median(cpu_timings) * 1000:.2f} ms CPU", flush=True)
        if not args.url:
            (tmp / f"{label}.sqlite3").unlink()
    engine = "PostgreSQL" if args.url and args.url.startswith("postgres") else "SQLite"
    print(f"\nCampaign detection, {engine}, {args.probes} new comments checked one by one "
          "(wall time; CPU of this process in brackets)")
    print(f"{'stored comments':>16} {'median':>18} {'mean':>18} {'p95':>10} {'rebuild':>18}")
    for label in ("baseline", "large"):
        rows, elapsed, cpu, timings, cpu_timings = results[label]
        ordered = sorted(timings)
        print(f"{rows:>16,} {statistics.median(timings) * 1000:>7.2f}ms "
              f"({statistics.median(cpu_timings) * 1000:5.2f}ms) "
              f"{statistics.mean(timings) * 1000:>7.2f}ms "
              f"({statistics.mean(cpu_timings) * 1000:5.2f}ms) "
              f"{ordered[int(len(ordered) * 0.95)] * 1000:>8.2f}ms "
              f"{elapsed:>8.0f}s ({cpu:.0f}s)")
    small, large = results["baseline"], results["large"]
    for name, index in (("wall", 3), ("CPU", 4)):
        ratio_median = statistics.median(large[index]) / statistics.median(small[index])
        ratio_mean = statistics.mean(large[index]) / statistics.mean(small[index])
        print(f"ratio large/baseline, {name}: median {ratio_median:.2f}x, "
              f"mean {ratio_mean:.2f}x")


if __name__ == "__main__":
    main()
