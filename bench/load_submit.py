"""Many people sending comments at once to gunicorn workers sharing one SQLite file.

Usage: python -m bench.load_submit [--workers 4] [--clients 16] [--comments 400]

Starts the real server (gunicorn) on 127.0.0.1, has concurrent clients each load the form and
send a comment, then checks that every comment that got a receipt is in the database and that
nothing failed ("database is locked" would be a 500). The baseline is the same load against a
single worker, measured in the same run; the ratio is the throughput gained by more workers.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def one_comment(base: str, slug: str, i: int) -> int:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    url = f"{base}/es/periods/{slug}/comment"
    page = opener.open(url, timeout=60).read().decode()
    token = TOKEN.search(page).group(1)  # type: ignore[union-attr]
    data = urllib.parse.urlencode({
        "csrf_token": token, "submitter_type": "individual", "name": f"Persona {i}",
        "email": f"p{i}@example.org", "country": "MX", "subject": "Carga",
        "body": "La energía y los cruces fronterizos importan. " * 30,
    }).encode()
    try:
        return opener.open(url, data=data, timeout=60).status
    except urllib.error.HTTPError as exc:
        return exc.code


def run(workers: int, clients: int, comments: int, tmp: Path) -> tuple[float, dict[int, int], int]:
    db = tmp / f"load-{workers}.sqlite3"
    env = dict(os.environ, PORTAL_DATABASE_URL=f"sqlite:///{db}", PORTAL_SECRET_KEY="load-test",
               PORTAL_RATELIMIT_SUBMIT="1000000 per hour", PORTAL_ENV="production")
    flask = [sys.executable, "-m", "flask", "--app", "portal"]
    subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([*flask, "seed"], env=env, cwd=ROOT, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "wsgi:app"], env=env, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        start = time.perf_counter()
        with ThreadPoolExecutor(clients) as pool:
            codes = list(pool.map(lambda i: one_comment(base, "competitiveness-connectivity", i),
                                  range(comments)))
        elapsed = time.perf_counter() - start
    finally:
        server.terminate()
        server.wait(timeout=30)
    engine = create_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        stored = conn.execute(text("SELECT count(*) FROM submissions")).scalar_one()
    engine.dispose()
    tally: dict[int, int] = {}
    for code in codes:
        tally[code] = tally.get(code, 0) + 1
    return elapsed, tally, stored


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--comments", type=int, default=400)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="load-bench-"))
    results = {}
    for workers in (1, args.workers):
        elapsed, tally, stored = run(workers, args.clients, args.comments, tmp)
        results[workers] = elapsed
        receipts = tally.get(303, 0)
        print(f"{workers} worker(s): {args.comments} comments from {args.clients} clients in "
              f"{elapsed:.1f} s ({args.comments / elapsed:.0f}/s); statuses {tally}; "
              f"receipts {receipts}, stored {stored}")
        if receipts != stored or receipts != args.comments:
            print("  MISMATCH: a receipt without a stored comment, or a refused comment")
    print(f"throughput with {args.workers} workers vs 1: "
          f"{results[1] / results[args.workers]:.2f}x")


if __name__ == "__main__":
    main()
