"""Server time of the moderation queue with many rows, against the same page at a small size.

Usage: python -m bench.queue_million [--rows 1000000] [--url DATABASE_URL]

Fills a scratch database with generated comments (bulk inserts, not the web form), then times
full requests to /en/moderation/ through the Flask app (routing, queries, templates), signed in
as a moderator. The baseline is the same requests on a database holding --baseline rows, measured
in the same run; the ratios show whether the queue stays flat as the table grows.
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

from alembic import command
from sqlalchemy import text

from portal import create_app
from portal.cli import alembic_config
from portal.db import make_engine, write_session
from portal.models.types import utcnow
from portal.seed import seed
from portal.services import accounts

PASSWORD = "benchmark-password-123"  # noqa: S105 - a scratch account
TYPES = ["business", "association", "ngo", "academic", "labor", "government", "individual"]
COUNTRIES = ["US", "MX", "CA", "OTHER"]


def prepare(url: str) -> None:
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    command.upgrade(alembic_config(url), "head")


COLUMNS = (
    "tracking_number", "period_id", "submitter_type", "organization", "name", "email",
    "country", "region", "subject", "body", "body_html", "language", "language_source",
    "consent_publish", "ui_language", "received_at", "digest", "status", "version", "flags",
    "text_fingerprint",
)


def generated(rows: int) -> Iterator[tuple[object, ...]]:
    rng = random.Random(7)  # noqa: S311 - synthetic data
    start = utcnow() - timedelta(days=1)
    statuses = ["pending"] * 6 + ["published"] * 3 + ["rejected"]
    body = ("Comment about energy, border crossings and investment. " * 4).strip()
    for i in range(rows):
        yield (
            f"HLED-B{i:011d}"[:19], 1 + i % 3, rng.choice(TYPES), "Org", "Bench",
            "b@example.org", rng.choice(COUNTRIES), "", f"Subject {i}", body, f"<p>{body}</p>",
            "es" if i % 2 else "en", "declared", True, "en",
            (start + timedelta(milliseconds=i)).isoformat(), "0" * 64, rng.choice(statuses), 1,
            "repeated" if i % 97 == 0 else "", "",
        )


def fill(url: str, rows: int) -> None:
    """Bulk load through the driver: COPY on PostgreSQL (its statement-level count triggers
    run once), executemany on SQLite (its row triggers are cheap)."""
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench"})
    with app.app_context():
        with write_session() as session:
            seed(session)
            accounts.create_user(session, "bench@example.org", PASSWORD, "moderator")
    engine = make_engine(url)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            with cursor.copy(f"COPY submissions ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                for row in generated(rows):
                    copy.write_row(row)
        else:
            cursor.execute("BEGIN")
            marks = ", ".join("?" for _ in COLUMNS)
            cursor.executemany(
                f"INSERT INTO submissions ({', '.join(COLUMNS)}) VALUES ({marks})",  # noqa: S608
                generated(rows),
            )
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    engine.dispose()


PAGES = {
    "first page": "/en/moderation/",
    "page 90% of the way in": "/en/moderation/?after={deep}",
    "Spanish, Mexico, NGOs": "/en/moderation/?language=es&country=MX&type=ngo",
    "flagged": "/en/moderation/?flag=repeated",
    "published tab": "/en/moderation/?status=published",
}


def measure(url: str, repeat: int, rows: int) -> dict[str, float]:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": url,
            "SECRET_KEY": "bench",
            "RATELIMIT_ENABLED": False,
            "WTF_CSRF_ENABLED": False,
        }
    )
    client = app.test_client()
    client.post("/en/staff/login", data={"email": "bench@example.org", "password": PASSWORD})
    results = {}
    for name, template in PAGES.items():
        path = template.format(deep=int(rows * 0.9))
        client.get(path)  # warm caches
        times = []
        for _ in range(repeat):
            t0 = time.perf_counter()
            response = client.get(path)
            times.append(time.perf_counter() - t0)
            assert response.status_code == 200, (path, response.status_code)
        results[name] = statistics.median(times)
    app.extensions["portal_engine"].dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=10_000)
    parser.add_argument("--url", default=os.environ.get("PORTAL_BENCH_DATABASE_URL"))
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="queue-bench-"))
    measured = {}
    for label, rows in (("baseline", args.baseline), ("large", args.rows)):
        url = args.url or f"sqlite:///{tmp / f'{label}.sqlite3'}"
        prepare(url)
        t0 = time.perf_counter()
        fill(url, rows)
        print(f"{label}: {rows:,} rows generated in {time.perf_counter() - t0:.1f} s")
        measured[label] = measure(url, args.repeat, rows)
    engine_name = "PostgreSQL" if args.url and args.url.startswith("postgres") else "SQLite"
    print(f"\nModeration queue, {engine_name}, median of {args.repeat} requests (server time)")
    print(f"{'page':28} {args.baseline:>10,} rows {args.rows:>12,} rows   ratio")
    for name in PAGES:
        small, large = measured["baseline"][name], measured["large"][name]
        ratio = large / small
        print(f"{name:28} {small * 1000:>10.1f} ms {large * 1000:>12.1f} ms   {ratio:5.2f}x")


if __name__ == "__main__":
    main()
