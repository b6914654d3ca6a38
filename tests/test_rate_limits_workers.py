"""Rate limits hold under a real gunicorn with several workers.

With an in-memory store each worker counted on its own (40 comments passed a limit of 20 with
four workers): start-up now refuses that. With the shared Redis store, forty comments sent at once
from one address against a limit of twenty get exactly twenty through.
"""

# ruff: noqa: S310 - the URLs are the local gunicorn this test started
from __future__ import annotations

import http.cookiejar
import os
import random
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from portal.models import CommentPeriod
from tests.conftest import valid_comment
from tests.test_rate_limits import REDIS_URL, _redis_available

ROOT = Path(__file__).resolve().parent.parent
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
SHOWN = re.compile(r'name="shown" type="hidden" value="([^"]+)"')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(db_url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    env.update(PORTAL_DATABASE_URL=db_url, PORTAL_SECRET_KEY="workers-test-secret",
               PORTAL_FORM_MIN_SECONDS="0", PORTAL_PROXY_COUNT="1", **extra)
    return env


@contextmanager
def _gunicorn(env: dict[str, str], workers: int) -> Iterator[str]:
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--log-level", "warning", "wsgi:app"], env=env, cwd=ROOT,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=5):
                    break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=60)
        if server.stderr:
            server.stderr.close()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def _browser() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect())


def _status(opener: urllib.request.OpenerDirector, request: urllib.request.Request) -> int:
    try:
        with opener.open(request, timeout=120) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        exc.close()
        return int(exc.code)


def test_memory_store_with_several_workers_refuses_to_start(db_url: str) -> None:
    port = _free_port()
    server = subprocess.run(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        env=_env(db_url), cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert server.returncode != 0
    assert "PORTAL_RATELIMIT_STORAGE_URL" in server.stderr
    assert "multiplied by 2" in server.stderr


@pytest.mark.skipif(not _redis_available(), reason="no Redis on this machine")
def test_forty_comments_at_once_against_a_limit_of_twenty_pass_twenty(
    db_url: str, open_period: CommentPeriod
) -> None:
    env = _env(db_url, PORTAL_RATELIMIT_STORAGE_URL=REDIS_URL,
               PORTAL_RATELIMIT_SUBMIT="20 per hour")
    # One address of its own per run (trusted through the proxy header), so runs never share
    # a count in Redis.
    address = f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"
    with _gunicorn(env, workers=3) as base:
        url = f"{base}/en/periods/{open_period.slug}/comment"
        prepared = []
        for n in range(40):
            opener = _browser()
            with opener.open(urllib.request.Request(
                    url, headers={"X-Forwarded-For": address}), timeout=60) as page:
                html = page.read().decode()
            form = {**valid_comment(email=f"c{n}@example.org",
                                    body=f"Comentario número {n} sobre los cruces de camiones."),
                    "csrf_token": TOKEN.findall(html)[0], "shown": SHOWN.findall(html)[0]}
            prepared.append((opener, urllib.request.Request(
                url, data=urllib.parse.urlencode(form).encode(), method="POST",
                headers={"X-Forwarded-For": address})))
        start = threading.Barrier(len(prepared))
        statuses: list[int] = []

        def send(opener: urllib.request.OpenerDirector, request: urllib.request.Request) -> None:
            start.wait()
            statuses.append(_status(opener, request))

        threads = [threading.Thread(target=send, args=item) for item in prepared]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(statuses) == [303] * 20 + [429] * 20
