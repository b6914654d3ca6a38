"""A deadline rush: many clients sending comments as fast as they can, with a worker running.

    python -m bench.burst [--rows 2000] [--seconds 60] [--clients 50] [--pg URL]

Each client loads the comment form (CSRF token and cookie) and sends a realistic comment, again
and again, without pause, for the whole burst: the highest rate the machine allows. The portal
runs under `gunicorn -w 2` with `flask worker` beside it (enrichment, campaigns, mail to files);
the baseline is the bare Flask app's form and POST under the same gunicorn and the same clients,
measured just before in the same run. Reported: comments per second against the baseline, the
POST's p50/p99 latency, the 5xx count (must be 0), acknowledged comments missing from the
database (each receipt's tracking number is looked up afterwards), and how long the worker took
after the burst to enrich the backlog it left (and to find its campaigns).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import statistics
import subprocess
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, text

from bench import common, data, pages
from bench.common import Result

CLIENTS = 50
DRAIN_LIMIT = 900  # seconds the worker gets to drain the backlog before the run gives up


@dataclass
class Burst:
    seconds: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)  # of the POST, seconds
    trackings: list[str] = field(default_factory=list)
    failures: Counter[str] = field(default_factory=Counter)  # connection errors and the like

    @property
    def accepted(self) -> int:
        return self.statuses.get(303, 0)

    @property
    def server_errors(self) -> int:
        return sum(n for s, n in self.statuses.items() if s >= 500)

    def percentile(self, p: float) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[int(p) - 1]


def burst(base: str, form_path: str, bodies: list[dict[str, str]], seconds: float,
          clients: int = CLIENTS) -> Burst:
    """clients threads, each: GET the form, POST a comment, at once again, until time is up."""
    host = urllib.parse.urlsplit(base).netloc
    found = Burst()
    lock = threading.Lock()
    counter = iter(range(10**9))
    stop = time.monotonic() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection(host, timeout=120)
        while time.monotonic() < stop:
            with lock:
                n = next(counter)
            fields = bodies[n % len(bodies)]
            if n >= len(bodies):  # the pool came round again: keep each comment its own
                fields = {**fields, "subject": f"{fields['subject']} ({n})",
                          "body": f"{fields['body']}\n\n{n}"}
            try:
                conn.request("GET", form_path)
                page = conn.getresponse()
                html = page.read().decode()
                token = pages.TOKEN.search(html)
                payload = urllib.parse.urlencode(
                    {**fields, "csrf_token": token.group(1) if token else ""}).encode()
                began = time.monotonic()
                conn.request("POST", form_path, body=payload, headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Cookie": pages._cookie(page)})
                answer = conn.getresponse()
                answer.read()
                took = time.monotonic() - began
            except (OSError, http.client.HTTPException) as exc:
                with lock:
                    found.failures[type(exc).__name__] += 1
                conn.close()
                conn = http.client.HTTPConnection(host, timeout=120)
                continue
            location = answer.getheader("Location") or ""
            with lock:
                found.statuses[answer.status] += 1
                found.latencies.append(took)
                if answer.status == 303 and "/receipts/" in location:
                    found.trackings.append(location.rsplit("/", 1)[-1].split("?")[0])
        conn.close()

    found.seconds = common.run_threads(lambda _k: client(), clients)
    return found


@contextlib.contextmanager
def worker(env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """`flask worker` in a process of its own, on the portal's settings."""
    with log.open("wb") as out:
        process = subprocess.Popen([common.PYTHON, "-m", "flask", "--app", "portal", "worker"],
                                   env=env, cwd=common.ROOT, stdout=out, stderr=out)
        try:
            yield process
        finally:
            process.terminate()
            process.wait(timeout=60)


def _scalar(engine_url: str, sql: str, **params: object) -> int:
    engine = create_engine(engine_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(sql), params).scalar_one())
    finally:
        engine.dispose()


def missing(url: str, trackings: list[str]) -> int:
    """How many acknowledged tracking numbers are not in the database."""
    engine = create_engine(url)
    found = 0
    try:
        with engine.connect() as conn:
            for start in range(0, len(trackings), 500):
                chunk = trackings[start:start + 500]
                marks = ", ".join(f":t{i}" for i in range(len(chunk)))
                found += int(conn.execute(text(
                    f"SELECT count(*) FROM submissions WHERE tracking_number IN ({marks})"),  # noqa: S608
                    {f"t{i}": t for i, t in enumerate(chunk)}).scalar_one())
    finally:
        engine.dispose()
    return len(trackings) - found


WAITING = "SELECT count(*) FROM submissions WHERE enriched_at IS NULL"
UNCHECKED = ("SELECT count(*) FROM submissions s WHERE NOT EXISTS "
             "(SELECT 1 FROM campaign_checks c WHERE c.submission_id = s.id)")


def drain_time(url: str, sql: str, since: float, limit: float = DRAIN_LIMIT) -> float | None:
    """Seconds from `since` until the query counts nothing, or None past the limit."""
    while _scalar(url, sql):
        if time.monotonic() - since > limit:
            return None
        time.sleep(0.25)
    return time.monotonic() - since


def measure(engine: str, url: str, slug: str, seconds: float, scratch: common.Scratch,
            clients: int = CLIENTS, pool: int = 4000) -> list[Result]:
    """The burst against the database at url (written into: give it a copy)."""
    name = "PostgreSQL" if engine == "postgresql" else "SQLite"
    bodies = pages.comment_fields(pool)
    folder = scratch.folder / f"burst-{engine}"
    folder.mkdir(exist_ok=True)
    env = common.server_env(url, PORTAL_TASKS_URL=f"sqlite:///{folder / 'tasks.sqlite3'}",
                            PORTAL_MAIL_DIR=str(folder / "mail"))
    # The worker writes mail to files (no SMTP server here), as in development.
    worker_env = dict(env, PORTAL_ENV="development")
    # The comments already there were grouped into campaigns long before the rush (the data
    # generator leaves that to the worker): not the backlog this measures.
    subprocess.run([common.PYTHON, "-m", "flask", "--app", "portal", "campaigns", "rebuild"],
                   env=worker_env, cwd=common.ROOT, check=True, capture_output=True)
    with common.gunicorn("bench.hello:app", env) as bare:
        baseline = burst(bare, "/post", bodies, seconds, clients)
    form = f"/en/periods/{slug}/comment"
    before = _scalar(url, "SELECT count(*) FROM submissions")
    with worker(worker_env, folder / "worker.log"), common.gunicorn("wsgi:app", env) as portal:
        found = burst(portal, form, bodies, seconds, clients)
        ended = time.monotonic()
        backlog = _scalar(url, WAITING)
        enriched_in = drain_time(url, WAITING, ended)
        checked_in = drain_time(url, UNCHECKED, ended)
    stored = _scalar(url, "SELECT count(*) FROM submissions") - before
    lost = missing(url, found.trackings)
    refused = sum(n for s, n in found.statuses.items() if s != 303)
    base_rate = baseline.accepted / baseline.seconds
    rate = found.accepted / found.seconds
    ok = (found.server_errors == 0 and lost == 0 and not found.failures
          and not refused and enriched_in is not None)
    drained = "not drained" if enriched_in is None else f"{enriched_in:.1f} s"
    checked = "not done" if checked_in is None else f"{checked_in:.1f} s"
    note = (f"{clients} clients, {found.seconds:.0f} s, {found.accepted:,} acknowledged, "
            f"{stored:,} stored, {lost} acknowledged but missing, {found.server_errors} 5xx, "
            f"{refused} other refusals, client errors {dict(found.failures) or 0}; POST p50 "
            f"{found.percentile(50) * 1000:.0f} ms, p99 {found.percentile(99) * 1000:.0f} ms "
            f"(bare Flask p50 {baseline.percentile(50) * 1000:.0f} ms, p99 "
            f"{baseline.percentile(99) * 1000:.0f} ms); {backlog:,} left to enrich at the end, "
            f"enriched {drained} after it, campaigns checked {checked} after it")
    return [Result(name, "deadline burst: comment submission with a worker running",
                   "bare Flask", base_rate, "portal", rate, "/s", "≥ 0.3, 0 5xx, none lost",
                   ok and rate / base_rate >= 0.3, note)]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=2_000)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=CLIENTS)
    parser.add_argument("--pg", help="PostgreSQL URL; its database name prefixes the scratch one")
    args = parser.parse_args(argv)
    scratch = common.Scratch(args.pg)
    try:
        for engine in ["sqlite", *(["postgresql"] if args.pg else [])]:
            built = data.build(scratch.url(engine, "burst"), args.rows)
            common.print_results(measure(engine, built.url, built.period_slug, args.seconds,
                                         scratch, args.clients))
    finally:
        scratch.close()


if __name__ == "__main__":
    main()
