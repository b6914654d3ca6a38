"""Background work on Huey: the queue is made from the app's settings, each task runs in an app
context and wraps a service.

`PORTAL_TASKS_URL` picks the store: a SQLite file (the default, beside the database), Redis or
PostgreSQL for several machines, `memory://` for one process, `immediate://` to run each task at
once where it is enqueued (tests that are not about the queue). `flask --app portal worker`
runs the consumer.

Work is enqueued only after the transaction that caused it commits: a service that writes an
outbox row marks its session (`outbox.wrote`), and the session's `after_commit` hook enqueues
one drain. If that enqueue is lost (the store was down, the process died), the periodic drain
finds the row a minute later: nothing depends on the enqueue.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

from flask import Flask, current_app
from huey import Huey, MemoryHuey, PostgresHuey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from portal.config import ConfigError

log = logging.getLogger(__name__)

QUEUE_NAME = "portal"
# Set while a follow-up drain is scheduled, so failures do not multiply the scheduled drains.
FOLLOW_UP_KEY = "outbox.follow-up"
# A drain looks this far ahead for rows that become due (retries, expired leases); later ones
# are left to the periodic drain.
FOLLOW_UP_HORIZON = timedelta(minutes=10)
# Set while an enrichment task or an outbox drain waits in the queue: during a rush one task
# serves every comment stored before it starts, instead of one task (and one write to the
# queue's store) per comment. The task takes its key when it starts.
ENRICH_KEY = "enrichment.queued"
DRAIN_KEY = "outbox.queued"
CHECK_KEY = "campaigns.queued"
# Held, with the time it was last refreshed, while a bulk file's build waits or runs: one build
# per file at a time. One older than bulk_files.STALE_SECONDS was left by a lost enqueue or a
# dead worker, and the next download queues the build again.
BULK_KEY = "bulk.building:{}:{}:{}"

R = TypeVar("R")


def make_huey(url: str) -> Huey:
    """The Huey instance for a tasks URL."""
    if url == "memory://":
        return MemoryHuey(QUEUE_NAME)
    if url == "immediate://":
        return MemoryHuey(QUEUE_NAME, immediate=True)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        return SqliteHuey(QUEUE_NAME, filename=str(path))
    if url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(QUEUE_NAME, url=url)
    if url.startswith(("postgresql://", "postgresql+psycopg://", "postgres://")):
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        return PostgresHuey(QUEUE_NAME, dsn=dsn)
    raise ConfigError(
        f"PORTAL_TASKS_URL {url!r} is not understood: use sqlite:///FILE, redis://HOST:PORT/DB, "
        "postgresql://..., memory:// or immediate://"
    )


class Tasks:
    """The queue of one app and its tasks, each run inside that app's context."""

    def __init__(self, app: Flask, huey: Huey) -> None:
        self.app = app
        self.huey = huey

        def in_app(func: Callable[..., R]) -> Callable[..., R]:
            @functools.wraps(func)
            def run(*args: Any, **kwargs: Any) -> R:
                with app.app_context():
                    return func(*args, **kwargs)
            return run

        self.drain_outbox = huey.task(name="outbox.drain")(in_app(_drain_outbox))
        self.follow_up = huey.task(name="outbox.drain.follow-up")(in_app(_follow_up))
        # Whatever a lost enqueue or a dead worker left behind.
        self.drain_periodically = huey.periodic_task(
            crontab(minute="*"), name="outbox.drain.periodic")(in_app(_drain_periodically))
        self.announce_moments = huey.periodic_task(
            crontab(minute="*/10"), name="followers.moments")(in_app(_announce_moments))
        # Comment files: read as soon as their comment is stored, and every few minutes
        # whatever a lost enqueue or a dead worker left unread.
        self.read_files = huey.task(name="attachments.read")(in_app(_read_files))
        self.read_files_periodically = huey.periodic_task(
            crontab(minute="*/5"), name="attachments.read.periodic")(in_app(_read_files))

        # New comments: enriched (language, HTML, themes) and then grouped into campaigns as
        # soon as they are stored, and every minute whatever a lost enqueue or a failed batch
        # left waiting.
        self.enrich = huey.task(name="enrichment.run")(in_app(_enrich))
        self.enrich_periodically = huey.periodic_task(
            crontab(minute="*"), name="enrichment.run.periodic")(in_app(_enrich))

        # Campaigns of new comments: checked as soon as a comment is stored, and every minute
        # whatever a lost enqueue or a failed check left unchecked.
        self.check_campaigns = huey.task(name="campaigns.check")(in_app(_check_campaigns))
        self.check_campaigns_periodically = huey.periodic_task(
            crontab(minute="*"), name="campaigns.check.periodic")(in_app(_check_campaigns))

        # Exports a planner asked for: written as soon as the request commits; every ten
        # minutes old files are removed, exports left by a dead worker marked failed, and
        # exports whose enqueue was lost enqueued again.
        self.run_export = huey.task(name="exports.run")(in_app(_run_export))
        self.sweep_exports = huey.periodic_task(
            crontab(minute="*/10"), name="exports.sweep")(in_app(self._sweep_exports))

        # Bulk files of the open-data API: built when a download finds its file missing or out
        # of date; every hour what dead builds left and the files of deleted periods removed.
        self.build_bulk = huey.task(name="bulk.build")(in_app(_build_bulk))
        self.sweep_bulk = huey.periodic_task(
            crontab(minute="17"), name="bulk.sweep")(in_app(_sweep_bulk))

        @huey.on_shutdown(name="portal.close-storage")
        def close_storage() -> None:
            # Each worker thread's own connection (PostgreSQL keeps one per thread to LISTEN).
            huey.storage.close()

    def enqueue_reading(self) -> None:
        """Ask a worker to read new comment files; a failure to enqueue is logged, not raised
        (the periodic task will find them)."""
        try:
            self.read_files()
        except Exception:
            log.exception("could not enqueue reading files; the periodic task will read them")

    def enqueue_enrichment(self) -> None:
        """Ask a worker to enrich new comments, unless a task that has not started yet will;
        a failure to enqueue is logged, not raised (the periodic task will enrich them)."""
        self._enqueue_once(ENRICH_KEY, self.enrich, "enrichment")

    def _enqueue_once(self, key: str, task: Callable[[], Any], what: str) -> None:
        try:
            # A read first: during a rush the key is nearly always there, and a read takes no
            # lock on the queue's store.
            if self.huey.storage.has_data_for_key(key) or not self.huey.put_if_empty(key, "1"):
                return
            task()
        except Exception:
            log.exception("could not enqueue %s; the periodic task will do it", what)

    def enqueue_campaign_check(self) -> None:
        """Ask a worker to find the campaigns of new comments, unless a check that has not
        started yet will; a failure to enqueue is logged, not raised (the periodic task will
        check them)."""
        self._enqueue_once(CHECK_KEY, self.check_campaigns, "the campaign check")

    def enqueue_exports(self, job_ids: list[int]) -> None:
        """Ask a worker to write these exports; a failure to enqueue is logged, not raised (the
        periodic sweep enqueues them again)."""
        for job_id in job_ids:
            try:
                self.run_export(job_id)
            except Exception:
                log.exception("could not enqueue export %s; the periodic sweep will", job_id)

    def _sweep_exports(self) -> int:
        from portal.services import export_jobs

        swept = export_jobs.sweep()
        self.enqueue_exports(swept.requeued or [])
        return swept.removed + swept.failed

    def enqueue_bulk(self, period_id: int, fmt: str, lang: str) -> bool:
        """Ask a worker to build a period's bulk file, unless a build of it waits or runs;
        whether one was queued. A failure to enqueue is logged, not raised (the next download
        asks again)."""
        from portal.api.bulk_files import STALE_SECONDS

        key = BULK_KEY.format(period_id, fmt, lang)
        try:
            held = self.huey.get(key, peek=True)
            if held is not None:
                if time.time() - float(held) < STALE_SECONDS:
                    return False
                self.huey.delete(key)
            if not self.huey.put_if_empty(key, time.time()):
                return False
            try:
                self.build_bulk(period_id, fmt, lang)
            except Exception:
                self.huey.delete(key)
                raise
            return True
        except Exception:
            log.exception("could not enqueue the bulk file %s; the next download will", key)
            return False

    def enqueue_drain(self) -> None:
        """Ask a worker to send what is due, unless a drain that has not started yet will; a
        failure to enqueue is logged, not raised (the periodic drain will find the rows)."""
        self._enqueue_once(DRAIN_KEY, self.drain_outbox, "the outbox drain")


def tasks() -> Tasks:
    """The current app's tasks."""
    found: Tasks = current_app.extensions["portal_tasks"]
    return found


def init_app(app: Flask) -> None:
    queue = Tasks(app, make_huey(app.config["TASKS_URL"]))
    app.extensions["portal_tasks"] = queue

    from portal.services import attachments, campaigns, enrichment, export_jobs, outbox

    def after_commit(session: Session) -> None:
        if outbox.take_written_flag(session):
            queue.enqueue_drain()
        if session.info.pop(enrichment.UNENRICHED, False):
            queue.enqueue_enrichment()
        if session.info.pop(attachments.NEW_FILES, False):
            queue.enqueue_reading()
        if session.info.pop(campaigns.UNCHECKED, False):
            queue.enqueue_campaign_check()
        if job_ids := export_jobs.take_queued(session):
            queue.enqueue_exports(job_ids)

    def after_rollback(session: Session) -> None:
        outbox.take_written_flag(session)
        session.info.pop(attachments.NEW_FILES, None)
        session.info.pop(campaigns.UNCHECKED, None)
        export_jobs.take_queued(session)
        session.info.pop(enrichment.UNENRICHED, None)

    maker = app.extensions["portal_sessionmaker"]
    event.listen(maker, "after_commit", after_commit)
    event.listen(maker, "after_soft_rollback", lambda session, _tx: after_rollback(session))


def _run_export(job_id: int) -> str | None:
    from portal.services import export_jobs

    state = export_jobs.run(job_id)
    return state.value if state is not None else None


def _build_bulk(period_id: int, fmt: str, lang: str) -> None:
    from portal.api import bulk_files

    huey = tasks().huey
    key = BULK_KEY.format(period_id, fmt, lang)
    try:
        bulk_files.build(period_id, fmt, lang, heartbeat=lambda: huey.put(key, time.time()))
    finally:
        huey.delete(key)  # the next download that finds the file out of date queues a build


def _sweep_bulk() -> int:
    from portal.api import bulk_files

    return bulk_files.sweep()


def _read_files() -> int:
    from portal.services import attachments
    from portal.services.attachment_store import current_store
    from portal.services.extraction import Limits

    config = current_app.config
    limits = Limits(timeout=config["EXTRACT_TIMEOUT"], memory_mb=config["EXTRACT_MEMORY_MB"])
    return sum(attachments.read_due(current_store(), limits).values())


def _enrich() -> int:
    from portal.services import enrichment

    # Taken before the work starts: a comment stored from now on asks for a task of its own.
    # (The periodic run takes it too, in case the task that set it was lost.)
    queue = tasks()
    queue.huey.get(ENRICH_KEY)
    try:
        return enrichment.enrich_due().enriched
    finally:
        # Then their campaigns (a campaign takes the language of its first letter), as a task
        # of its own: checks wait for one another (one lock), and enrichment must not wait
        # behind them during a rush.
        queue.enqueue_campaign_check()


def _check_campaigns() -> int:
    from portal.services import campaigns

    tasks().huey.get(CHECK_KEY)  # a comment enriched from now on asks for a check of its own
    return campaigns.check_due().checked


def _drain_outbox() -> int:
    from portal.mail import delivery

    tasks().huey.get(DRAIN_KEY)  # a row stored from now on asks for a drain of its own
    result = delivery.deliver_due()
    _schedule_follow_up(result.next_due_in)
    return result.sent


def _drain_periodically() -> int:
    # A follow-up that a killed worker never ran would otherwise block new ones.
    tasks().huey.get(FOLLOW_UP_KEY)
    return _drain_outbox()


def _schedule_follow_up(delay: timedelta | None) -> None:
    """Drain again when the next row becomes due (a retry after its backoff, a lease that runs
    out), unless a follow-up is already scheduled."""
    queue = tasks()
    if delay is None or delay > FOLLOW_UP_HORIZON or queue.huey.immediate:
        return  # in immediate mode it would run at once and spin; tests drain again themselves
    if queue.huey.put_if_empty(FOLLOW_UP_KEY, "1"):
        queue.follow_up.schedule(delay=max(delay.total_seconds(), 0.1))


def _follow_up() -> int:
    tasks().huey.get(FOLLOW_UP_KEY)  # taken: the next failure may schedule another
    return _drain_outbox()


def _announce_moments() -> int:
    from portal.db import write_session
    from portal.services import following

    with write_session() as session:
        return following.announce_moments(session)
