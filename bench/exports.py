"""Exports of a period at N comments: the command line against a plain database dump, and the
CSV export through the web (queued, written by the worker, downloaded) at N against the same
at 10 thousand.

    python -m bench.exports [--rows 1000000] [--baseline 10000] [--pg URL]

The floor is the database's own CSV dump of the same columns (`sqlite3 -csv`, or psql's `COPY ...
TO STDOUT`): no Python at all. Each export runs in its own process, timed to the end of the file,
with its peak resident memory. The web export runs under the server's own worker timeout; its
download counts as complete only if its SHA-256 is the one the server states.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import json
import re
import shutil
import time
import urllib.parse
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

from bench import common, data
from bench.common import Result

DUMP_SQL = """
SELECT s.tracking_number, p.docket_id, s.status, s.received_at, s.submitter_type,
       s.organization, s.name, s.country, s.region, s.language,
       (SELECT {agg} FROM submission_themes st JOIN themes t ON t.id = st.theme_id
        WHERE st.submission_id = s.id AND st.confirmed = {true}) AS themes,
       s.subject, coalesce(s.public_body, s.body) AS text
FROM submissions s JOIN comment_periods p ON p.id = s.period_id
WHERE s.period_id = {period} AND s.status = 'published' ORDER BY s.id
"""
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _period(url: str, slug: str) -> tuple[int, int]:
    """(period id, published comments in it)."""
    engine = create_engine(url)
    with engine.connect() as conn:
        period = int(conn.execute(text("SELECT id FROM comment_periods WHERE slug = :s"),
                                  {"s": slug}).scalar_one())
        published = int(conn.execute(text(
            "SELECT n FROM submission_counts WHERE period_id = :p AND status = 'published'"),
            {"p": period}).scalar_one())
    engine.dispose()
    return period, published


def dump(url: str, period: int, out: Path) -> float:
    """Seconds for the database's own CSV dump of the exported columns into out."""
    with out.open("wb") as f:
        if url.startswith("sqlite"):
            if shutil.which("sqlite3") is None:
                raise RuntimeError("the sqlite3 command is missing (apt-get install sqlite3)")
            sql = DUMP_SQL.format(agg="group_concat(t.code, '; ')", true=1, period=period)
            command = ["sqlite3", "-csv", url.removeprefix("sqlite:///"), sql]
        else:
            sql = DUMP_SQL.format(agg="string_agg(t.code, '; ')", true="true", period=period)
            libpq = make_url(url).set(drivername="postgresql").render_as_string(False)
            command = ["psql", libpq, "-c", f"COPY ({' '.join(sql.split())}) TO STDOUT CSV"]
        seconds, _ = common.child_run(command, stdout=f.fileno())
    return seconds


def cli_export(url: str, slug: str, fmt: str, out: Path) -> tuple[float, float]:
    """(seconds, peak MiB) of `flask --app portal export SLUG --format FMT -o out`."""
    return common.child_run(
        [common.PYTHON, "-m", "flask", "--app", "portal", "export", slug, "--format", fmt,
         "-o", str(out)], env=common.server_env(url))


def _signed_in(conn: http.client.HTTPConnection) -> str:
    """The session cookie of the bench's planner."""
    conn.request("GET", "/en/staff/login")
    page = conn.getresponse()
    token = TOKEN.search(page.read().decode())
    cookie = "; ".join(v.split(";", 1)[0] for k, v in page.getheaders() if k == "Set-Cookie")
    form = urllib.parse.urlencode({"email": data.STAFF["planner"], "password": data.PASSWORD,
                                   "csrf_token": token.group(1) if token else ""})
    conn.request("POST", "/en/staff/login", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    signed_in = conn.getresponse()
    signed_in.read()
    return "; ".join(v.split(";", 1)[0] for k, v in signed_in.getheaders()
                     if k == "Set-Cookie") or cookie


def web_export(base: str, slug: str) -> tuple[float, int, bool]:
    """(seconds, bytes, complete) of a planner's CSV export through the web: asked for on the
    summary page, written by the worker while its status is polled, then downloaded whole
    (its SHA-256 checked against the one the page states)."""
    host = urllib.parse.urlsplit(base).netloc
    conn = http.client.HTTPConnection(host, timeout=600)
    cookie = _signed_in(conn)
    conn.request("GET", f"/en/planning/periods/{slug}", headers={"Cookie": cookie})
    page = conn.getresponse()
    token = FORM_TOKEN.search(page.read().decode())
    # The page may put its form's token in a new session cookie.
    cookie = "; ".join(v.split(";", 1)[0] for k, v in page.getheaders()
                       if k == "Set-Cookie") or cookie
    began = time.perf_counter()
    form = urllib.parse.urlencode({"format": "csv", "language": "en",
                                   "csrf_token": token.group(1) if token else ""})
    conn.request("POST", f"/en/planning/periods/{slug}/export", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
    asked = conn.getresponse()
    asked.read()
    job = asked.getheader("Location", "")
    if asked.status != 303 or not job:
        return time.perf_counter() - began, 0, False
    while True:
        conn.request("GET", f"{job}/status", headers={"Cookie": cookie})
        status = json.loads(conn.getresponse().read())
        if status["finished"]:
            break
        time.sleep(0.2)
    conn.request("GET", f"{job}/download", headers={"Cookie": cookie})
    response = conn.getresponse()
    digest, size = hashlib.sha256(), 0
    while chunk := response.read(1 << 16):
        digest.update(chunk)
        size += len(chunk)
    expected = response.getheader("Repr-Digest", "")
    stated = base64.b64encode(digest.digest()).decode()
    complete = (status["state"] == "done" and response.status == 200
                and expected == f"sha-256=:{stated}:")
    conn.close()
    return time.perf_counter() - began, size, complete


def measure(engine: str, small: data.Built, large: data.Built, scratch: common.Scratch,
            formats: tuple[str, ...] = ("csv", "json")) -> list[Result]:
    label = "PostgreSQL" if engine == "postgresql" else "SQLite"
    floor = "psql COPY" if engine == "postgresql" else "sqlite3 -csv"
    results = []
    period, published = _period(large.url, large.period_slug)
    out = scratch.folder / "export"
    dump_seconds = dump(large.url, period, out)
    cli_bytes = 0
    for fmt in formats:
        seconds, peak = cli_export(large.url, large.period_slug, fmt, out)
        size = out.stat().st_size
        if fmt == "csv":
            cli_bytes = size
        ratio_ok = dump_seconds / seconds >= 0.25
        results.append(Result(
            label, f"export --format {fmt}, {published:,} published rows", floor,
            published / dump_seconds, "export", published / seconds, "rows/s",
            "≥ 0.25, < 200 MiB", ratio_ok and peak < 200,
            f"{seconds:.1f} s, peak {peak:.0f} MiB, {size / 2**20:.0f} MiB file"))
        out.unlink()
    timings = []
    for built in (small, large):
        queue = scratch.folder / f"tasks-{built.rows}"
        env = common.server_env(built.url, PORTAL_TASKS_URL=f"sqlite:///{queue}.sqlite3",
                                PORTAL_EXPORT_DIR=str(queue))
        with common.gunicorn("wsgi:app", env) as base, common.worker(env):
            timings.append(web_export(base, built.period_slug))
    (s_seconds, _, s_done), (l_seconds, l_size, l_done) = timings
    cut = "" if l_done else "cut: "
    whole = cli_bytes and l_size == cli_bytes
    results.append(Result(
        label, "CSV export through the web: queued, written by the worker, downloaded "
        "(gunicorn -w 2, its 30 s worker timeout)", f"{small.rows:,}",
        s_seconds, f"{large.rows:,}", l_seconds, "s", "completes", bool(l_done and whole),
        f"{cut}{l_size / 2**20:.0f} of {cli_bytes / 2**20:.0f} MiB" if cli_bytes else ""))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--baseline", type=int, default=10_000)
    parser.add_argument("--pg", help="PostgreSQL URL whose name prefixes the scratch databases")
    args = parser.parse_args()
    scratch = common.Scratch(args.pg)
    try:
        engine = "postgresql" if args.pg else "sqlite"
        small = data.build(scratch.url(engine, "small"), args.baseline)
        large = data.build(scratch.url(engine, "large"), args.rows)
        common.print_results(measure(engine, small, large, scratch))
    finally:
        scratch.close()


if __name__ == "__main__":
    main()
