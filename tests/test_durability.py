"""Durability under load: real gunicorn with three workers, fifty clients sending comments, and
a worker killed with SIGKILL twice in the middle. Every comment that got a receipt is stored with
exactly the text it was acknowledged with.

Runs on the suite's engine (SQLite file, or PostgreSQL with PORTAL_TEST_DATABASE_URL), in CI.
Prometheus' multiprocess mode is on, so the scrape at the end also shows that the request counts
of every worker, the killed ones included, add up.
"""

from __future__ import annotations

import http.cookiejar
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from portal.models import CommentPeriod, Submission
from portal.resources import CHECKOUT
from tests.conftest import csrf_from, db_session, shown_from, valid_comment

CLIENTS = 50
EACH = 3
WORKERS = 3
# Kill a worker once this many receipts were given, then again at the second mark.
KILL_AFTER_ACKS = (25, 80)
TOKEN = "durability-metrics"  # noqa: S105 - a test value
WORDS = (
    "border crossing trucks inspection lanes energy grid transmission ports customs rail "
    "investment workforce training suppliers tariffs permits logistics pipelines solar wind "
    "water agriculture produce manufacturing automotive steel semiconductors telecom broadband "
    "universities research small business exporters importers finance payments digital trade "
    "standards regulation cooperation security bridges highways airports tourism innovation"
).split()


def _shared_limit_store() -> str:
    """Redis when the machine has it (as a site with several workers should), else memory."""
    url = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        return url
    except Exception:  # noqa: BLE001 - any failure means no Redis here
        return "memory://"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _children(pid: int) -> set[int]:
    """The live child processes of pid (gunicorn's workers), read from /proc."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after its closing bracket.
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry.name))
    return found


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


@dataclass
class Load:
    acknowledged: dict[str, str] = field(default_factory=dict)  # tracking number -> text
    outcomes: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    clients_done: int = 0

    def acks(self) -> int:
        with self.lock:
            return len(self.acknowledged)


def _text(run: str, client: int, index: int) -> str:
    pick = random.Random(f"{run}-{client}-{index}")  # noqa: S311 - varied text, not secrets
    words = " ".join(pick.choice(WORDS) for _ in range(40))
    return f"Client {client} comment {index} ({run}): {words}."


def _client(base: str, slug: str, number: int, run: str, load: Load) -> None:
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), _NoRedirect()
    )
    url = f"{base}/en/periods/{slug}/comment"
    for index in range(EACH):
        text = _text(run, number, index)
        try:
            page = opener.open(url, timeout=60).read().decode()
            form = {**valid_comment(body=text, subject=f"Durability {number}-{index}"),
                    "csrf_token": csrf_from(page), "shown": shown_from(page)}
            request = urllib.request.Request(  # noqa: S310 - our own server
                url, data=urllib.parse.urlencode(form).encode(), method="POST"
            )
            try:
                answer = opener.open(request, timeout=60)
                outcome = str(answer.status)
                location = ""
            except urllib.error.HTTPError as exc:
                outcome = str(exc.code)
                location = exc.headers.get("Location", "")
            if outcome == "303" and "/receipts/" in location:
                tracking = urllib.parse.urlsplit(location).path.rsplit("/", 1)[1]
                with load.lock:
                    load.acknowledged[tracking] = text
        except (OSError, AssertionError) as exc:  # a worker killed under this request
            outcome = type(exc).__name__
        with load.lock:
            load.outcomes[outcome] += 1
    with load.lock:
        load.clients_done += 1


def _wait_for(url: str, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).read()  # noqa: S310 - our own server
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.25)


def _killer(master: int, load: Load, kills: list[int]) -> None:
    """SIGKILL one busy worker at each mark, while clients are still sending."""
    for mark in KILL_AFTER_ACKS:
        while load.acks() < mark and load.clients_done < CLIENTS:
            time.sleep(0.02)
        if load.clients_done >= CLIENTS:
            return
        workers = sorted(_children(master) - set(kills))
        if not workers:
            return
        victim = random.choice(workers)  # noqa: S311 - which worker does not matter
        os.kill(victim, signal.SIGKILL)
        kills.append(victim)


def test_every_acknowledged_comment_survives_workers_killed_under_load(
    app: Flask, open_period: CommentPeriod, tmp_path: Path
) -> None:
    prom = tmp_path / "prometheus"
    prom.mkdir()
    port = _free_port()
    env = {
        **os.environ,
        "PORTAL_DATABASE_URL": app.config["DATABASE_URL"],
        "PORTAL_SECRET_KEY": "durability-secret",
        "PORTAL_ENV": "production",
        "PORTAL_INSTANCE_DIR": str(tmp_path / "instance"),
        "PORTAL_UPLOAD_DIR": str(tmp_path / "uploads"),
        # High enough never to refuse a client here; the limits have tests of their own.
        "PORTAL_RATELIMIT_SUBMIT": "100000 per hour",
        "PORTAL_RATELIMIT_STORAGE_URL": _shared_limit_store(),
        "PORTAL_FORM_MIN_SECONDS": "0",
        "PORTAL_REQUEST_LOG": "none",
        "PORTAL_METRICS_TOKEN": TOKEN,
        "PROMETHEUS_MULTIPROC_DIR": str(prom),
    }
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", str(WORKERS), "-b", f"127.0.0.1:{port}",
         "--timeout", "60", "wsgi:app"],
        env=env, cwd=CHECKOUT, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    load = Load()
    kills: list[int] = []
    try:
        _wait_for(f"{base}/healthz")
        run = uuid.uuid4().hex[:8]
        clients = [threading.Thread(target=_client, args=(base, open_period.slug, n, run, load))
                   for n in range(CLIENTS)]
        killer = threading.Thread(target=_killer, args=(server.pid, load, kills))
        started = time.monotonic()
        killer.start()
        for thread in clients:
            thread.start()
        for thread in clients + [killer]:
            thread.join(timeout=300)
        loaded_in = time.monotonic() - started
        assert len(kills) == 2, (kills, load.outcomes)
        # The master replaced the killed workers.
        deadline = time.monotonic() + 60
        while len(_children(server.pid)) < WORKERS and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(_children(server.pid)) == WORKERS
        assert not set(kills) & _children(server.pid)

        scrape = urllib.request.Request(  # noqa: S310 - our own server
            f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        exposition = urllib.request.urlopen(scrape, timeout=30).read().decode()  # noqa: S310
    finally:
        server.terminate()
        server.wait(timeout=60)
        log.close()

    acknowledged = load.acknowledged
    attempts = CLIENTS * EACH
    print(f"\ndurability: {CLIENTS} clients, {attempts} attempts, {len(acknowledged)} "
          f"acknowledged, {len(kills)} worker kills survived, outcomes {dict(load.outcomes)}, "
          f"load {loaded_in:.1f} s")
    # Only the requests a killed worker was serving may go unacknowledged.
    assert len(acknowledged) >= attempts - 2 * len(kills) * 2, load.outcomes
    with db_session(app) as session:
        stored = dict(session.execute(
            select(Submission.tracking_number, Submission.body)
            .where(Submission.tracking_number.in_(list(acknowledged)))
        ).all())
    missing = set(acknowledged) - set(stored)
    assert not missing, f"{len(missing)} acknowledged comments are not stored"
    changed = [t for t, text in acknowledged.items() if stored[t] != text]
    assert not changed

    posted = 0.0
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.name == "portal_requests_total" and sample.labels == {
                "endpoint": "public.comment", "method": "POST", "status": "303"
            }:
                posted += sample.value
    # Every worker's count, the killed ones' too: at least every receipt the clients got.
    assert posted >= len(acknowledged)
