"""Bulk downloads built by the worker: a period too large to stream within a web worker's time
is answered 503 with Retry-After until its file is built, then sent whole from disk with its
length, validators and digest; a change serves the last file while the next is built; a build
that fails leaves nothing that could be sent; one build per file at a time."""

from __future__ import annotations

import base64
import hashlib
import os
import resource
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from portal import create_app
from portal.api import bulk_files
from portal.db import write_session
from portal.models import CommentPeriod
from portal.seed import seed_themes
from portal.services import audit, periods
from portal.tasks import BULK_KEY
from tests.api_support import published, rejected
from tests.conftest import make_period
from tests.export_support import run_queued
from tests.mail_support import consumer_thread, wait_for

SITE = "http://localhost"  # the test client's address: the site's own


@pytest.fixture()
def site(app: Flask) -> Flask:
    """Every period over two published comments counts as large."""
    app.config.update(BASE_URL=SITE, BULK_STREAM_MAX_ROWS=2, BULK_REFRESH_SECONDS=0)
    return app


@pytest.fixture()
def period(site: Flask) -> CommentPeriod:
    made = make_period(site)
    with site.app_context(), write_session() as session:
        seed_themes(session)
    for n in range(3):
        published(site, made, body=f"Los cruces de la frontera, comentario {n}.")
    rejected(site, made)
    return made


def _url(period: CommentPeriod, fmt: str = "csv") -> str:
    return f"/api/v1/periods/{period.slug}/comments.{fmt}"


def _get(app: Flask, url: str, **kwargs: object) -> TestResponse:
    response = app.test_client().get(url, **kwargs)  # type: ignore[arg-type]
    response.get_data()  # read, then close the file behind it
    response.close()
    return response


def _queued(app: Flask) -> list[tuple[object, ...]]:
    huey = app.extensions["portal_tasks"].huey
    return [tuple(t.args) for t in huey.pending() if t.name == "bulk.build"]


def _files(app: Flask, period: CommentPeriod) -> list[str]:
    found = Path(app.config["BULK_DIR"]) / str(period.id)
    return sorted(p.name for p in found.iterdir()) if found.is_dir() else []


def _streamed(app: Flask, url: str) -> TestResponse:
    """The download as the request streams it, for a period under the threshold."""
    limit = app.config["BULK_STREAM_MAX_ROWS"]
    app.config["BULK_STREAM_MAX_ROWS"] = 1_000_000
    try:
        return _get(app, url)
    finally:
        app.config["BULK_STREAM_MAX_ROWS"] = limit


def test_a_large_period_is_prepared_then_sent_whole_from_disk(
        site: Flask, period: CommentPeriod) -> None:
    url = _url(period)
    waiting = _get(site, url)
    assert waiting.status_code == 503
    assert waiting.get_json()["error"] == {
        "code": "file_being_prepared",
        "message": "This file is being prepared. Ask again after the number of seconds given "
                   "in Retry-After."}
    assert int(waiting.headers["Retry-After"]) >= 5
    assert waiting.headers["Cache-Control"] == "no-store"
    spanish = _get(site, f"{url}?lang=es")
    assert spanish.status_code == 503 and "Retry-After" in spanish.headers
    assert spanish.get_json()["error"]["message"].startswith("Este archivo se está preparando")
    assert _get(site, f"{url}.sha256").status_code == 503
    assert sorted(_queued(site)) == [(period.id, "csv", "en"), (period.id, "csv", "es")]

    streamed = _streamed(site, url)  # what the request itself sends, under the threshold
    assert streamed.status_code == 200 and "Content-Length" not in streamed.headers
    assert run_queued(site, "bulk.build") == 2
    assert len(_files(site, period)) == 4  # en and es, each its bytes and its description

    sent = _get(site, url)
    body = sent.data
    assert sent.status_code == 200 and body == streamed.data
    assert body.count(b"\n") == 4  # the header and the three published comments
    assert sent.headers["ETag"] == streamed.headers["ETag"]
    assert sent.headers["Last-Modified"] == streamed.headers["Last-Modified"]
    assert sent.headers["Content-Disposition"] == streamed.headers["Content-Disposition"]
    assert sent.headers["Content-Type"] == streamed.headers["Content-Type"]
    assert sent.headers["Content-Length"] == str(len(body))
    digest = hashlib.sha256(body)
    assert sent.headers["Repr-Digest"] == (
        f"sha-256=:{base64.b64encode(digest.digest()).decode()}:")
    checksum = _get(site, f"{url}.sha256")
    assert checksum.get_data(as_text=True) == (
        f"{digest.hexdigest()}  {period.docket_id}-comments-en.csv\n")
    assert checksum.headers["ETag"] == sent.headers["ETag"]
    etag = sent.headers["ETag"]
    assert _get(site, url, headers={"If-None-Match": etag}).status_code == 304
    assert _get(site, f"{url}.sha256", headers={"If-Match": etag}).status_code == 200
    part = _get(site, url, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206 and part.data == body[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(body)}"
    head = site.test_client().head(url)
    assert head.status_code == 200 and head.headers["Content-Length"] == str(len(body))
    head.close()
    assert _get(site, f"{url}?lang=es").data != body  # labels in Spanish
    assert _queued(site) == []  # nothing to build: every file is current


def test_a_change_serves_the_last_file_while_the_next_is_built(
        site: Flask, period: CommentPeriod) -> None:
    url = _url(period, "jsonl")
    _get(site, url)
    run_queued(site, "bulk.build")
    first = _get(site, url)
    assert first.status_code == 200 and first.data.count(b"\n") == 3

    _, tracking = published(site, period, body="Un comentario publicado después.")
    assert tracking.encode() in _streamed(site, url).data  # the data changed
    again = _get(site, url)
    assert again.status_code == 200
    assert again.data == first.data and again.headers["ETag"] == first.headers["ETag"]
    assert again.headers["Repr-Digest"] == first.headers["Repr-Digest"]
    # The checksum is that of the file sent, with its validator.
    checksum = _get(site, f"{url}.sha256", headers={"If-Match": first.headers["ETag"]})
    assert checksum.status_code == 200
    assert checksum.get_data(as_text=True).startswith(hashlib.sha256(first.data).hexdigest())
    assert _queued(site) == [(period.id, "jsonl", "en")]

    assert run_queued(site, "bulk.build") == 1
    fresh = _get(site, url)
    assert fresh.data.count(b"\n") == 4 and tracking.encode() in fresh.data
    assert fresh.headers["ETag"] != first.headers["ETag"]
    names = _files(site, period)
    assert len(names) == 2 and all(fresh.headers["ETag"].strip('"') in n for n in names)

    # A busy period is rebuilt at most every BULK_REFRESH_SECONDS: meanwhile its last file.
    site.config["BULK_REFRESH_SECONDS"] = 3600
    published(site, period, body="Y otro más.")
    assert _get(site, url).data == fresh.data
    assert _queued(site) == []


def test_the_rate_limiter_keeps_the_503s_own_retry_after(site: Flask,
                                                          period: CommentPeriod) -> None:
    """The limiter sets Retry-After on every answer to when the client's window resets (an hour
    for downloads); a file being prepared is worth asking for again much sooner."""
    limited = create_app({**site.config, "RATELIMIT_ENABLED": True,
                          "RATELIMIT_STORAGE_URI": "memory://"})
    try:
        answer = _get(limited, _url(period))
        assert answer.status_code == 503 and answer.headers["X-RateLimit-Remaining"] == "29"
        assert answer.headers["Retry-After"] == str(bulk_files.retry_after(3)) == "5"
    finally:
        limited.extensions["portal_engine"].dispose()


def test_a_small_period_streams_while_its_file_is_built(site: Flask,
                                                         period: CommentPeriod) -> None:
    site.config["BULK_STREAM_MAX_ROWS"] = 20_000
    url = _url(period)
    streamed = _get(site, url)
    assert streamed.status_code == 200 and "Content-Length" not in streamed.headers
    assert _queued(site) == [(period.id, "csv", "en")]
    assert _get(site, url).status_code == 200 and len(_queued(site)) == 1  # once
    run_queued(site, "bulk.build")
    sent = _get(site, url)
    assert sent.data == streamed.data and sent.headers["ETag"] == streamed.headers["ETag"]
    assert sent.headers["Content-Length"] == str(len(sent.data))


def test_a_worker_builds_the_file_a_download_asked_for(site: Flask,
                                                         period: CommentPeriod) -> None:
    url = _url(period)
    assert _get(site, url).status_code == 503
    with consumer_thread(site):
        sent = wait_for(lambda: (r := _get(site, url)).status_code == 200 and r,
                        "the worker's file")
    assert sent.data.count(b"\n") == 4
    assert sent.headers["Content-Length"] == str(len(sent.data))


def test_another_name_of_the_host_gets_the_sites_file(site: Flask,
                                                       period: CommentPeriod) -> None:
    """Files hold the site's links, whatever name the request gave the host; a request by
    another name never makes files of its own."""
    url = _url(period)
    assert _get(site, url, base_url="http://other.example").status_code == 503
    assert _queued(site) == [(period.id, "csv", "en")]
    run_queued(site, "bulk.build")
    by_site = _get(site, url)
    by_other = _get(site, url, base_url="http://other.example")
    assert by_other.status_code == 200 and by_other.data == by_site.data
    assert b"http://localhost/" in by_other.data and b"other.example" not in by_other.data
    # A small period is streamed to another name with its own links, as always.
    site.config["BULK_STREAM_MAX_ROWS"] = 20_000
    own = _get(site, url, base_url="http://other.example")
    assert b"http://other.example/" in own.data and "Content-Length" not in own.headers
    assert _queued(site) == []


def test_duplicate_requests_queue_one_build(site: Flask, period: CommentPeriod) -> None:
    url = _url(period)
    start = threading.Barrier(4)
    answers: list[int] = []

    def ask() -> None:
        start.wait()
        answers.append(_get(site, url).status_code)

    threads = [threading.Thread(target=ask) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [503] * 4
    assert _queued(site) == [(period.id, "csv", "en")]

    # A build whose worker died holds its place only so long: then a download queues it again.
    huey = site.extensions["portal_tasks"].huey
    huey.flush()  # the queue lost its task
    huey.put(BULK_KEY.format(period.id, "csv", "en"),
             time.time() - bulk_files.STALE_SECONDS - 1)
    assert _get(site, url).status_code == 503
    assert _queued(site) == [(period.id, "csv", "en")]


@contextmanager
def _file_size_limit(limit: int) -> Iterator[None]:
    """The system refuses to grow any file of this process past `limit` bytes (EFBIG), as a
    full disk or a quota would."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    previous = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, previous)


def test_a_build_that_fails_midway_leaves_nothing_to_send(
        site: Flask, period: CommentPeriod) -> None:
    for n in range(6):
        published(site, period, body=f"Comentario largo {n}: " + "energía y cruces. " * 800)
    url = _url(period)
    assert _get(site, url).status_code == 503
    with _file_size_limit(32 * 1024):
        assert run_queued(site, "bulk.build") == 1
    assert _files(site, period) == []  # no file, no description, no temporary file
    assert _get(site, url).status_code == 503  # and the build is asked for again
    assert _queued(site) == [(period.id, "csv", "en")]
    run_queued(site, "bulk.build")
    sent = _get(site, url)
    assert sent.status_code == 200 and len(sent.data) > 32 * 1024
    assert hashlib.sha256(sent.data).hexdigest() in _get(site, f"{url}.sha256").data.decode()


def test_a_period_deleted_before_its_build_leaves_nothing(site: Flask) -> None:
    site.config["BULK_STREAM_MAX_ROWS"] = -1  # even an empty period is built by the worker
    empty = make_period(site, slug="trade-2026")
    assert _get(site, _url(empty)).status_code == 503
    with site.app_context(), write_session() as session:
        periods.delete(session, audit.CLI, session.get(CommentPeriod, empty.id))  # type: ignore[arg-type]
    assert run_queued(site, "bulk.build") == 1
    assert not (Path(site.config["BULK_DIR"]) / str(empty.id)).exists()
    assert site.extensions["portal_tasks"].huey.get(
        BULK_KEY.format(empty.id, "csv", "en"), peek=True) is None


def test_the_sweep_removes_what_dead_builds_left(site: Flask, period: CommentPeriod) -> None:
    url = _url(period)
    _get(site, url)
    run_queued(site, "bulk.build")
    built = _files(site, period)
    folder = Path(site.config["BULK_DIR"])
    left = [folder / str(period.id) / f"{bulk_files.PARTIAL_PREFIX}dead",
            folder / str(period.id) / "en-0123abcd.csv"]  # renamed, never described
    for path in left:
        path.write_bytes(b"half a file")
        os.utime(path, (0, 0))
    young = folder / str(period.id) / f"{bulk_files.PARTIAL_PREFIX}writing"
    young.write_bytes(b"being written")
    gone = folder / "999999"
    gone.mkdir()
    (gone / "en-0123abcd.csv").write_bytes(b"a deleted period's file")
    with site.app_context():
        assert bulk_files.sweep() == 3
    assert _files(site, period) == sorted([*built, young.name])
    assert not gone.exists()
    assert _get(site, url).status_code == 200
