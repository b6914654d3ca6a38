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
from datetime import timedelta
from pathlib import Path

from alembic import command
from sqlalchemy import insert, text

from portal import create_app
from portal.cli import alembic_config
from portal.db import make_engine, write_session
from portal.models import Submission
from portal.models.types import utcnow
from portal.services import accounts, consultations

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


def fill(url: str, rows: int) -> None:
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench"})
    rng = random.Random(7)  # noqa: S311 - synthetic data
    with app.app_context():
        with write_session() as session:
            consultations.seed(session)
            accounts.create_user(session, "bench@example.org", PASSWORD, "moderator")
        engine = make_engine(url)
        start = utcnow() - timedelta(days=1)
        batch = 20000
        statuses = ["pending"] * 6 + ["published"] * 3 + ["rejected"]
        body = ("Comment about energy, border crossings and investment. " * 4).strip()
        with engine.begin() as conn:
            for offset in range(0, rows, batch):
                conn.execute(
                    insert(Submission),
                    [
                        {
                            "tracking_number": f"HLED-B{i:011d}"[:19],
                            "period_id": 1 + i % 3,
                            "submitter_type": rng.choice(TYPES),
                            "organization": "Org",
                            "name": "Bench",
                            "email": "b@example.org",
                            "country": rng.choice(COUNTRIES),
                            "region": "",
                            "subject": f"Subject {i}",
                            "body": body,
                            "body_html": f"<p>{body}</p>",
                            "language": "es" if i % 2 else "en",
                            "language_source": "declared",
                            "consent_publish": True,
                            "ui_language": "en",
                            "received_at": start + timedelta(milliseconds=i),
                            "digest": "0" * 64,
                            "status": rng.choice(statuses),
                            "version": 1,
                            "flags": "repeated" if i % 97 == 0 else "",
                            "text_fingerprint": "",
                        }
                        for i in range(offset, min(rows, offset + batch))
                    ],
                )
            if engine.dialect.name == "postgresql":
                conn.execute(text("ANALYZE"))
            else:
                conn.execute(text("ANALYZE"))
        engine.dispose()


PAGES = {
    "first page": "/en/moderation/",
    "page after id 900,000": "/en/moderation/?after=900000",
    "Spanish, Mexico, NGOs": "/en/moderation/?language=es&country=MX&type=ngo",
    "flagged": "/en/moderation/?flag=repeated",
    "published tab": "/en/moderation/?status=published",
}


def measure(url: str, repeat: int) -> dict[str, float]:
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "bench",
                      "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    client.post("/en/staff/login", data={"email": "bench@example.org", "password": PASSWORD})
    results = {}
    for name, path in PAGES.items():
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
        measured[label] = measure(url, args.repeat)
    engine_name = "PostgreSQL" if args.url and args.url.startswith("postgres") else "SQLite"
    print(f"\nModeration queue, {engine_name}, median of {args.repeat} requests (server time)")
    print(f"{'page':28} {args.baseline:>10,} rows {args.rows:>12,} rows   ratio")
    for name in PAGES:
        small, large = measured["baseline"][name], measured["large"][name]
        ratio = large / small
        print(f"{name:28} {small * 1000:>10.1f} ms {large * 1000:>12.1f} ms   {ratio:5.2f}x")


if __name__ == "__main__":
    main()
