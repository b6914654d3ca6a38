"""Bulk files: each period's download written once per validator by the worker and sent from
disk, so that no web request streams a million comments and no worker timeout cuts a file.

BULK_DIR/<period id>/<lang>-<etag>.<fmt> holds the bytes of bulk.Download.chunks() for that
validator; <lang>-<etag>.<fmt>.json beside it describes them (SHA-256, size, rows,
Last-Modified, when the snapshot was taken). `build()`, the task "bulk.build", writes the bytes
under a temporary name while hashing them, renames them into place once whole and on disk, and
only then puts the description in place: a file is served only with its description, so a
build that fails or is killed leaves nothing that could be served. Then the earlier files of
the same period, format and language go (a download still reading one keeps its open file).

Files are built for the site's own address (PORTAL_BASE_URL), whose links they hold: one set,
whatever name a client gives the host. `choose()` is what a download asks for: the current
file; else, queuing its build (one at a time per file), nothing for a period a request may
stream, or the last file of a larger one: an earlier snapshot with its own validators, rebuilt
at most every BULK_REFRESH_SECONDS. `sweep()` removes what dead builds left behind and the files
of periods that are gone.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import json
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO

from flask import current_app, request
from sqlalchemy import select

from portal.api import bulk
from portal.db import new_session
from portal.files import PARTIAL_PREFIX, sync_folder, write_whole
from portal.models import CommentPeriod
from portal.models.types import utcnow
from portal.services import open_data

DESCRIPTION = ".json"
# A build that has not written for this long (nor refreshed its place in the queue) is dead:
# its temporary file may go, and a download may queue the build again.
STALE_SECONDS = 15 * 60
HEARTBEAT_SECONDS = 10.0
# Retry-After while a file is prepared: its rows at under half the rate measured for CSV
# (4,500 rows/s), within these bounds, so that a client's next try (and its download
# allowance) is not spent before the file can be there.
RETRY_ROWS_PER_SECOND = 2000
RETRY_AFTER_BOUNDS = (5, 600)


@dataclass(frozen=True)
class Built:
    """A whole file on disk and what it is."""

    path: Path
    etag: str
    sha256: str
    size: int
    rows: int
    last_modified: datetime | None
    built_at: datetime
    docket: str
    comment_url: str  # the links it holds: the site's address when it was built

    @property
    def repr_digest(self) -> str:
        return f"sha-256=:{base64.b64encode(bytes.fromhex(self.sha256)).decode()}:"


@dataclass
class Opened:
    built: Built
    handle: IO[bytes]


def folder() -> Path:
    return Path(current_app.config["BULK_DIR"])


def _period_folder(period_id: int) -> Path:
    return folder() / str(period_id)


def _name(fmt: str, lang: str, etag: str) -> str:
    return f"{lang}-{etag}.{fmt}"


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _read(description: Path) -> Built | None:
    try:
        meta = json.loads(description.read_bytes())
        return Built(
            path=description.with_name(description.name.removesuffix(DESCRIPTION)),
            etag=str(meta["etag"]), sha256=str(meta["sha256"]), size=int(meta["size"]),
            rows=int(meta["rows"]), last_modified=_instant(meta["last_modified"]),
            built_at=datetime.fromisoformat(meta["built_at"]), docket=str(meta["docket"]),
            comment_url=str(meta["comment_url"]),
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None  # not there (any more), or not ours


def find(period_id: int, fmt: str, lang: str, etag: str) -> Built | None:
    """The file of exactly this validator, if it is built."""
    return _read(_period_folder(period_id) / (_name(fmt, lang, etag) + DESCRIPTION))


def _all(period_id: int, fmt: str, lang: str) -> list[Built]:
    found = (_read(p) for p in _period_folder(period_id).glob(f"{lang}-*.{fmt}{DESCRIPTION}"))
    return [b for b in found if b is not None]


def newest(download: bulk.Download) -> Built | None:
    """The latest file built of this download's period, format and language, at its address."""
    same = [b for b in _all(download.period.id, download.fmt, download.ctx.lang)
            if b.docket == download.period.docket_id
            and b.comment_url == download.ctx.comment_url]
    return max(same, key=lambda b: b.built_at, default=None)


def _open(built: Built | None) -> Opened | None:
    """The file opened for sending; None if it went in between (a newer one replaced it)."""
    if built is None:
        return None
    try:
        handle = built.path.open("rb")
    except OSError:
        return None
    if os.fstat(handle.fileno()).st_size != built.size:
        handle.close()
        return None
    return Opened(built, handle)


def site_root() -> str:
    return current_app.config["BASE_URL"].rstrip("/") + "/"


def at_site() -> bool:
    """Whether this request came by the site's own address, the one files are built for."""
    return request.url_root == site_root()


def for_site(download: bulk.Download) -> bulk.Download | None:
    """The same download as it reads at the site's own address (its links): the file that is
    built; None if this request's links cannot be moved there."""
    here, root = request.url_root, site_root()
    if here == root:
        return download
    if not download.ctx.comment_url.startswith(here):
        return None
    ctx = dataclasses.replace(download.ctx,
                              comment_url=root + download.ctx.comment_url.removeprefix(here))
    return bulk.prepare(download.session, download.period, download.fmt, download.ctx.lang, ctx)


def choose(download: bulk.Download, *, may_stream: bool) -> Opened | None:
    """The file to send for `download` (at the site's address), opened, queuing a build when
    it is not current: the current file; else None when the request may stream the download
    itself; else the last file built, unless it is younger than BULK_REFRESH_SECONDS, or
    None (the caller answers 503) when there is none yet."""
    from portal.tasks import tasks

    period_id, fmt, lang = download.period.id, download.fmt, download.ctx.lang
    current = _open(find(period_id, fmt, lang, download.etag))
    if current is not None:
        return current
    if may_stream:
        tasks().enqueue_bulk(period_id, fmt, lang)
        return None
    last = newest(download)
    refresh = current_app.config["BULK_REFRESH_SECONDS"]
    if last is None or (utcnow() - last.built_at).total_seconds() >= refresh:
        tasks().enqueue_bulk(period_id, fmt, lang)
    return _open(last)


def retry_after(rows: int) -> int:
    low, high = RETRY_AFTER_BOUNDS
    return max(low, min(high, rows // RETRY_ROWS_PER_SECOND))


def build(period_id: int, fmt: str, lang: str,
          heartbeat: Callable[[], object] = lambda: None) -> Built:
    """Write the current file of a period in a format and language, unless it is there; call
    `heartbeat` every few seconds while writing. Raises LookupError if the period is gone."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with app.test_request_context("/", base_url=site_root()):
        session = new_session()
        try:
            open_data.snapshot(session)
            started = utcnow()
            period = session.get(CommentPeriod, period_id)
            if period is None:
                raise LookupError(f"no comment period {period_id} any more")
            download = for_site(bulk.prepare(session, period, fmt, lang))
            assert download is not None  # noqa: S101 - its links start at this request's root
            done = find(period_id, fmt, lang, download.etag)
        except BaseException:
            session.close()
            raise
        if done is not None:  # built while this task waited
            session.close()
            return done
        target = _period_folder(period_id)
        target.mkdir(parents=True, exist_ok=True)
        name = _name(fmt, lang, download.etag)
        with contextlib.closing(download.chunks()) as chunks:  # closes the session
            sha256, size = write_whole(target / name, _beating(chunks, heartbeat))
    built = Built(target / name, download.etag, sha256, size, download.rows,
                  download.last_modified, started, download.period.docket_id,
                  download.ctx.comment_url)
    description = {
        "etag": built.etag, "sha256": sha256, "size": size, "rows": built.rows,
        "last_modified": built.last_modified.isoformat() if built.last_modified else None,
        "built_at": started.isoformat(), "docket": built.docket,
        "comment_url": built.comment_url,
    }
    # Only now is the file served: its description is the last thing put in place.
    write_whole(target / (name + DESCRIPTION), [json.dumps(description, indent=1).encode()])
    sync_folder(target)
    _keep_newest(period_id, fmt, lang)
    return built


def _beating(chunks: Iterable[bytes], heartbeat: Callable[[], object]) -> Iterator[bytes]:
    told = time.monotonic()
    for chunk in chunks:
        yield chunk
        if time.monotonic() - told >= HEARTBEAT_SECONDS:
            heartbeat()
            told = time.monotonic()


def _remove(built: Built) -> None:
    for path in (built.path.with_name(built.path.name + DESCRIPTION), built.path):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _keep_newest(period_id: int, fmt: str, lang: str) -> int:
    """Remove every file of a period, format and language but the latest snapshot."""
    found = _all(period_id, fmt, lang)
    keep = max(found, key=lambda b: b.built_at, default=None)
    for built in found:
        if built is not keep:
            _remove(built)
    return len(found) - 1 if found else 0


def sweep() -> int:
    """Remove the files of periods that are gone, temporary and undescribed files that dead
    builds left, and any file but the latest of its kind; returns how many went."""
    root = folder()
    if not root.is_dir():
        return 0
    session = new_session()
    try:
        periods = set(session.scalars(select(CommentPeriod.id)))
    finally:
        session.close()
    removed = 0
    cutoff = time.time() - STALE_SECONDS
    for sub in root.iterdir():
        if not (sub.is_dir() and sub.name.isdigit()):
            continue  # not ours
        if int(sub.name) not in periods:
            shutil.rmtree(sub, ignore_errors=True)
            removed += 1
            continue
        described = {p.name.removesuffix(DESCRIPTION) for p in sub.glob("*" + DESCRIPTION)}
        kinds = set()
        for path in sub.iterdir():
            name = path.name
            if name.endswith(DESCRIPTION):
                lang, _, rest = name.partition("-")
                kinds.add((lang, rest.removesuffix(DESCRIPTION).rpartition(".")[2]))
                continue
            if name.startswith(PARTIAL_PREFIX) or name not in described:
                with contextlib.suppress(OSError):
                    if path.stat().st_mtime < cutoff:
                        path.unlink()
                        removed += 1
        for lang, fmt in kinds:
            removed += _keep_newest(int(sub.name), fmt, lang)
    return removed
