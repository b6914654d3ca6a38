"""Public pages and comment submission under gunicorn, against a bare Flask app in the same run.

    python -m bench.pages [--rows 10000] [--seconds 10]

Pages (home, a period, its reading room) are loaded by wrk (one thread, 16 connections) or, if
wrk is missing, by the Python client below; the bare app answers "hello" under the same
`gunicorn -w 2`. Submission: 8 clients each load the form (CSRF token and cookie) and send a
realistic comment, against the bare app's form and POST; every receipt must be a stored comment.
The load generator's own ceiling is measured against a server that only returns fixed bytes.
"""

from __future__ import annotations

import argparse
import http.client
import re
import threading
import time
import urllib.parse
from collections import Counter

from sqlalchemy import create_engine, text

from bench import common, data
from bench.common import Result
from portal.seed.corpus import Generator

# Served by the page cache (portal/page_cache.py) in its default store, files beside the
# database; "home, rendered" turns the cache off to show what it saves.
PAGES = {"home": "/en/", "pillar": "/es/pillars/{pillar}", "period": "/en/periods/{slug}",
         "reading room": "/en/periods/{slug}/comments",
         "reading-room search": "/es/periods/{slug}/comments?q=frontera",
         "a published comment": "/en/comments/{tracking}"}
UNCACHED = {"home, rendered (page cache off)": "/en/"}
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
CLIENTS = 8
# Comments sent to each server before it is timed: a worker's first requests load templates,
# catalogs and the period (a few hundred milliseconds), which in a run of 160 comments was a
# third of the time measured.
WARM_UP = 3 * CLIENTS


def python_rate(base: str, path: str, seconds: float, clients: int = 16) -> float:
    """Requests per second from threads on keep-alive connections (the fallback for wrk)."""
    host = urllib.parse.urlsplit(base).netloc
    stop = time.monotonic() + seconds
    counts = [0] * clients

    def client(k: int) -> None:
        conn = http.client.HTTPConnection(host, timeout=60)
        while time.monotonic() < stop:
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status}")
            counts[k] += 1
        conn.close()

    seconds = common.run_threads(client, clients)
    return sum(counts) / seconds


def get_rate(base: str, path: str, seconds: float) -> tuple[float, str]:
    rate = common.wrk_rate(base + path, int(seconds))
    if rate is not None:
        return rate, "wrk"
    return python_rate(base, path, seconds), "Python client"


def _cookie(response: http.client.HTTPResponse) -> str:
    return "; ".join(v.split(";", 1)[0] for k, v in response.getheaders()
                     if k.lower() == "set-cookie")


def submit_rate(base: str, form_path: str, bodies: list[dict[str, str]],
                clients: int = CLIENTS) -> tuple[float, Counter[int]]:
    """Comments per second from clients that each GET the form and POST a comment."""
    host = urllib.parse.urlsplit(base).netloc
    statuses: Counter[int] = Counter()
    lock = threading.Lock()
    queue = iter(bodies)

    def client(_k: int) -> None:
        conn = http.client.HTTPConnection(host, timeout=120)
        while True:
            with lock:
                fields = next(queue, None)
            if fields is None:
                break
            conn.request("GET", form_path)
            page = conn.getresponse()
            html = page.read().decode()
            found = TOKEN.search(html)
            cookie = _cookie(page)
            payload = urllib.parse.urlencode(
                {**fields, "csrf_token": found.group(1) if found else ""}).encode()
            conn.request("POST", form_path, body=payload, headers={
                "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie})
            answer = conn.getresponse()
            answer.read()
            with lock:
                statuses[answer.status] += 1
        conn.close()

    return len(bodies) / common.run_threads(client, clients), statuses


def comment_fields(count: int) -> list[dict[str, str]]:
    fields = []
    for c in Generator(99).comments(count, (1,)):
        w = c.writer
        fields.append({"submitter_type": w.submitter_type, "organization": w.organization or "",
                       "name": w.name, "email": w.email, "country": w.country,
                       "region": w.region, "subject": c.subject, "body": c.body,
                       "written_language": "", "consent_publish": "y"})
    return fields


def _places(url: str, slug: str) -> dict[str, str]:
    """The pillar of the period and its newest published comment, for the page addresses."""
    engine = create_engine(url)
    with engine.connect() as conn:
        pillar, tracking = conn.execute(text(
            "SELECT p.slug, (SELECT s.tracking_number FROM submissions s "
            " WHERE s.period_id = c.id AND s.status = 'published' ORDER BY s.id DESC LIMIT 1) "
            "FROM comment_periods c JOIN pillars p ON p.id = c.pillar_id WHERE c.slug = :slug"),
            {"slug": slug}).one()
    engine.dispose()
    return {"pillar": pillar, "tracking": tracking}


def measure(url: str, slug: str, seconds: float, comments: int,
            scratch: common.Scratch, engine: str = "SQLite") -> list[Result]:
    results: list[Result] = []
    with common.static_server() as static:
        ceiling, tool = get_rate(static, "/", seconds)
        post_ceiling, _ = submit_rate(static, "/post", comment_fields(comments))
    # Both servers run at once and take turns: each page is compared with the bare app
    # measured just before it, so a change in the machine's load hits both sides alike.
    with common.gunicorn("bench.hello:app", common.server_env(url)) as bare, \
            common.gunicorn("wsgi:app", common.server_env(url)) as portal:
        bare_rate, tool = get_rate(bare, "/", seconds)
        results.append(Result("—", f"load generator ({tool}): bare Flask vs its ceiling",
                              "fixed-bytes server", ceiling, "bare Flask", bare_rate, "req/s",
                              "well below 1", bare_rate / ceiling < 0.7,
                              "near 1, the generator and not Flask would be the limit"))
        places = {"slug": slug, **_places(url, slug)}
        for name, path in PAGES.items():
            bare_rate, _ = get_rate(bare, "/", seconds)
            rate, _ = get_rate(portal, path.format(**places), seconds)
            results.append(Result(engine, f"public page: {name}, gunicorn -w 2 ({tool})",
                                  "bare Flask", bare_rate, "portal", rate, "req/s",
                                  "≥ 0.5", rate / bare_rate >= 0.5))
    with common.gunicorn("bench.hello:app", common.server_env(url)) as bare, \
            common.gunicorn("wsgi:app", common.server_env(
                url, PORTAL_PAGE_CACHE_URL="none")) as portal:
        for name, path in UNCACHED.items():
            bare_rate, _ = get_rate(bare, "/", seconds)
            rate, _ = get_rate(portal, path.format(**places), seconds)
            results.append(Result(engine, f"public page: {name}, gunicorn -w 2 ({tool})",
                                  "bare Flask", bare_rate, "portal", rate, "req/s",
                                  "(for comparison)", True))
    if engine != "SQLite":
        return results
    with common.gunicorn("bench.hello:app", common.server_env(url)) as bare:
        submit_rate(bare, "/post", comment_fields(WARM_UP))
        bare_posts, bare_statuses = submit_rate(bare, "/post", comment_fields(comments))
    results.append(Result("—", "submission client (Python threads): bare Flask vs its ceiling",
                          "fixed-bytes server", post_ceiling, "bare Flask", bare_posts, "/s",
                          "well below 1", bare_posts / post_ceiling < 0.7,
                          "near 1, the client and not Flask limits the submission baseline"))
    # Comments go into a copy, so the pages above and other benchmarks keep their data.
    copy = common.copy_sqlite(url, "submissions", scratch)
    with common.gunicorn("wsgi:app", common.server_env(copy)) as portal:
        submit_rate(portal, f"/en/periods/{slug}/comment", comment_fields(WARM_UP))
        before = _count(copy)
        rate, statuses = submit_rate(portal, f"/en/periods/{slug}/comment",
                                     comment_fields(comments))
    stored = _count(copy) - before
    errors = sum(n for s, n in statuses.items() if s != 303)
    note = f"{CLIENTS} clients, {comments} comments, {errors} refused, {stored} stored"
    if bare_statuses.get(303) != comments:
        note += f"; bare app answered {dict(bare_statuses)}"
    results.append(Result("SQLite", "comment submission (form + POST with CSRF)", "bare Flask",
                          bare_posts, "portal", rate, "/s", "≥ 0.3, 0 errors",
                          rate / bare_posts >= 0.3 and not errors and stored == comments, note))
    return results


def _count(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        n = int(conn.execute(text("SELECT count(*) FROM submissions")).scalar_one())
    engine.dispose()
    return n


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--comments", type=int, default=400)
    args = parser.parse_args(argv)
    scratch = common.Scratch()
    try:
        built = data.build(scratch.sqlite("pages"), args.rows)
        common.print_results(measure(built.url, built.period_slug, args.seconds, args.comments,
                                 scratch))
    finally:
        scratch.close()


if __name__ == "__main__":
    main()
