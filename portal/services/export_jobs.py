"""Exports as background jobs: asked for on the planning page, written by the worker.

`request()` checks and audits the export as `exports.start` always has, records a queued job
and marks the session, so the task is enqueued once the request commits (portal/tasks.py).
`run()` is the task's body: it claims the job, writes the file under a temporary name in the
exports folder while hashing it, and renames it into place only when it is whole; then it
records size, SHA-256 and row count. A failure removes the temporary file and leaves the job
failed, to be tried again; a worker that dies midway leaves a running job that stops moving,
which `sweep()` marks failed (and whose temporary file it removes). `sweep()` also removes files
older than EXPORT_KEEP_DAYS and enqueues queued jobs whose enqueue was lost.
"""

from __future__ import annotations

import contextlib
import logging
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from portal.db import new_session, write_session
from portal.files import PARTIAL_PREFIX, sync_folder, write_whole
from portal.models import ExportJob, ExportState
from portal.models.types import utcnow
from portal.services import audit, consultations, exports

log = logging.getLogger(__name__)

# session.info key: ids of jobs to enqueue once the session commits.
QUEUED = "export_jobs.queued"
# How often a running job writes its progress (seconds): often enough for the page to move,
# rarely enough not to slow the export.
PROGRESS_EVERY = 1.0
LISTED = 20


def folder() -> Path:
    return Path(current_app.config["EXPORT_DIR"])


def request(session: Session, user_id: int, actor: audit.Actor, kind: str, key: str,
            scope: consultations.Scope, options: exports.ExportOptions, *,
            may_include_email: bool) -> ExportJob:
    """Check and audit the export (exports.start), and queue a job for it. Raises
    exports.ExportError."""
    export = exports.start(session, actor, scope, options, may_include_email=may_include_email)
    job = ExportJob(
        user_id=user_id, scope_kind=kind, scope_key=key, fmt=options.fmt,
        options={"lang": options.lang, "all_statuses": options.all_statuses,
                 "include_email": options.include_email, "counting": options.counting,
                 "rejected_originals": options.rejected_originals},
        state=ExportState.QUEUED, rows_written=0, attempts=0, file_name=export.filename,
        stored_name=f"{secrets.token_hex(16)}.{options.fmt}", created_at=utcnow(),
    )
    session.add(job)
    session.flush()
    queued(session, job.id)
    return job


def queued(session: Session, job_id: int) -> None:
    session.info.setdefault(QUEUED, []).append(job_id)


def take_queued(session: Session) -> list[int]:
    found: list[int] = session.info.pop(QUEUED, [])
    return found


def visible(session: Session, user_id: int, everyone: bool, *,
            limit: int = LISTED) -> list[ExportJob]:
    """The newest jobs a person may see: their own, or everyone's for an admin."""
    query = select(ExportJob).order_by(ExportJob.id.desc()).limit(limit)
    if not everyone:
        query = query.where(ExportJob.user_id == user_id)
    return list(session.scalars(query))


def find(session: Session, job_id: int, user_id: int, everyone: bool) -> ExportJob | None:
    """The job, if this person may see it (their own, or any for an admin)."""
    job = session.get(ExportJob, job_id)
    if job is None or not (everyone or job.user_id == user_id):
        return None
    return job


def retry(session: Session, job: ExportJob) -> bool:
    """Queue a failed job again; False if it is not failed."""
    if job.state is not ExportState.FAILED:
        return False
    job.state = ExportState.QUEUED
    job.rows_written = 0
    job.error = None
    job.finished_at = None
    session.flush()
    queued(session, job.id)
    return True


def path_of(job: ExportJob) -> Path | None:
    """The finished file of a done job, or None if there is none (any more)."""
    if job.state is not ExportState.DONE:
        return None
    path = folder() / job.stored_name
    return path if path.is_file() else None


@dataclass(frozen=True)
class _Claimed:
    id: int
    kind: str
    key: str
    options: exports.ExportOptions
    stored_name: str


def _claim(job_id: int) -> _Claimed | None:
    """queued → running, for one worker only."""
    now = utcnow()
    with write_session() as session:
        claimed = session.execute(
            update(ExportJob)
            .where(ExportJob.id == job_id, ExportJob.state == ExportState.QUEUED)
            .values(state=ExportState.RUNNING, started_at=now, updated_at=now,
                    rows_written=0, attempts=ExportJob.attempts + 1)
        )
        if not claimed.rowcount:  # type: ignore[attr-defined]  # a CursorResult
            return None
        job = session.get(ExportJob, job_id)
        if job is None:
            return None
        opts = job.options
        return _Claimed(job.id, job.scope_kind, job.scope_key, exports.ExportOptions(
            fmt=job.fmt, lang=str(opts.get("lang", "en")),
            all_statuses=bool(opts.get("all_statuses")),
            include_email=bool(opts.get("include_email")),
            counting=str(opts.get("counting", "")),
            rejected_originals=bool(opts.get("rejected_originals"))), job.stored_name)


def _set(job_id: int, **values: object) -> None:
    with write_session() as session:
        session.execute(update(ExportJob).where(ExportJob.id == job_id).values(**values))


class _Progress:
    """Counts rows as the export writes them; tells the database about once a second."""

    def __init__(self, job_id: int) -> None:
        self.job_id = job_id
        self.rows = 0
        self.told = time.monotonic()

    def __call__(self, rows: int) -> None:
        self.rows += rows
        if time.monotonic() - self.told >= PROGRESS_EVERY:
            self.told = time.monotonic()
            _set(self.job_id, rows_written=self.rows, updated_at=utcnow())


def run(job_id: int) -> ExportState | None:
    """Write the job's file; the state it ended in, or None if it was not waiting (another
    worker took it, or it is gone)."""
    claimed = _claim(job_id)
    if claimed is None:
        return None
    target = folder()
    try:
        session = new_session()
        try:
            scope = consultations.find_scope(session, claimed.kind, claimed.key)
        finally:
            session.close()
        if scope is None:
            raise LookupError(f"no {claimed.kind} {claimed.key!r} any more")
        export = exports.Export(scope, claimed.options)
        if claimed.options.fmt != "html":
            _set(job_id, rows_total=export.count(), updated_at=utcnow())
        target.mkdir(parents=True, exist_ok=True)
        progress = _Progress(job_id)
        # Whole and on disk before it gets the name a download looks for.
        sha256, size = write_whole(target / claimed.stored_name, export.chunks(progress))
        sync_folder(target)
    except Exception as exc:
        log.exception("export %s failed", job_id)
        _set(job_id, state=ExportState.FAILED, finished_at=utcnow(), updated_at=utcnow(),
             error=f"{type(exc).__name__}: {exc}"[:2000])
        return ExportState.FAILED
    rows = progress.rows if claimed.options.fmt != "html" else None
    _set(job_id, state=ExportState.DONE, finished_at=utcnow(), updated_at=utcnow(),
         size=size, sha256=sha256, row_count=rows,
         rows_written=progress.rows, **({"rows_total": rows} if rows is not None else {}))
    return ExportState.DONE


@dataclass
class Swept:
    removed: int = 0
    failed: int = 0
    requeued: list[int] | None = None


def sweep() -> Swept:
    """Remove files (and jobs) older than EXPORT_KEEP_DAYS; mark running jobs that stopped
    moving failed and remove their temporary files; return queued jobs to enqueue again."""
    config = current_app.config
    now = utcnow()
    keep = timedelta(days=config["EXPORT_KEEP_DAYS"])
    stale = timedelta(seconds=config["EXPORT_STALE_SECONDS"])
    target = folder()
    swept = Swept(requeued=[])
    with write_session() as session:
        for job in session.scalars(select(ExportJob).where(
                ExportJob.state.in_([ExportState.DONE, ExportState.FAILED]),
                ExportJob.finished_at < now - keep)):
            with contextlib.suppress(FileNotFoundError):
                (target / job.stored_name).unlink()
            session.delete(job)
            swept.removed += 1
        swept.failed = session.execute(
            update(ExportJob)
            .where(ExportJob.state == ExportState.RUNNING, ExportJob.updated_at < now - stale)
            .values(state=ExportState.FAILED, finished_at=now, updated_at=now,
                    error="the worker stopped while writing")
        ).rowcount  # type: ignore[attr-defined]  # a CursorResult
        swept.requeued = list(session.scalars(select(ExportJob.id).where(
            ExportJob.state == ExportState.QUEUED, ExportJob.created_at < now - stale / 3)))
    # Temporary files of writers that died; a live writer touches its file at least every
    # few seconds, far within the stale limit.
    if target.is_dir():
        for path in target.glob(PARTIAL_PREFIX + "*"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < time.time() - stale.total_seconds():
                    path.unlink()
    return swept
