"""Where comment files are kept: a small interface, the local folder by default.

A file is stored under its SHA-256 (`attachments/ab/abcdef…`), written once and atomically, so
the same content sent twice is one file. A deployment on several machines can implement the
same four methods over shared or object storage and hand it to `init_app`.

Files follow the transaction of the rows that name them: a file first written for a comment
that is then rolled back is removed again. Comments are never deleted today; whoever adds that
must remove a file only once no attachment row names its key.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

SUBFOLDER = "attachments"
_SHA = re.compile(r"[0-9a-f]{64}")


def write_once(path: Path, data: bytes) -> bool:
    """Write a content-addressed file once, atomically and durably (temporary file, fsync,
    rename): the same content has the same name, so an existing file is kept. True when this
    call wrote it."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


class AttachmentStore(Protocol):
    def put(self, sha256: str, data: bytes) -> tuple[str, bool]:
        """Keep the bytes; returns the storage key and whether they were new."""

    def path(self, key: str) -> Path:
        """A local path to read the file (object storage would download to a temporary one)."""

    def exists(self, key: str) -> bool: ...

    def delete(self, key: str) -> None: ...


class LocalStore:
    """The upload folder on this machine (PORTAL_UPLOAD_DIR/attachments)."""

    def __init__(self, upload_dir: str | os.PathLike[str]) -> None:
        self.root = Path(upload_dir) / SUBFOLDER

    def key_for(self, sha256: str) -> str:
        if not _SHA.fullmatch(sha256):
            raise ValueError("not a SHA-256")
        return f"{sha256[:2]}/{sha256}"

    def path(self, key: str) -> Path:
        head, _, sha = key.partition("/")
        if not _SHA.fullmatch(sha) or head != sha[:2]:
            raise ValueError("not a storage key")
        return self.root / head / sha

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def put(self, sha256: str, data: bytes) -> tuple[str, bool]:
        key = self.key_for(sha256)
        return key, write_once(self.path(key), data)

    def delete(self, key: str) -> None:
        self.path(key).unlink(missing_ok=True)


def init_app(app: Flask, store: AttachmentStore | None = None) -> None:
    app.extensions["attachment_store"] = store or LocalStore(app.config["UPLOAD_DIR"])


def current_store() -> AttachmentStore:
    store: AttachmentStore = current_app.extensions["attachment_store"]
    return store


def forget_on_rollback(session: Session, store: AttachmentStore, new_keys: Iterable[str]) -> None:
    """Files this transaction wrote (they did not exist before): if it rolls back, remove them,
    so nothing of a refused or failed submission is left behind."""
    written = list(new_keys)
    if not written:
        return

    settled = [False]  # the transaction ended one way or the other: nothing more to do

    def rolled_back(_session: Session, previous: SessionTransaction) -> None:
        if settled[0] or previous.parent is not None:  # a savepoint: the outer one decides
            return
        settled[0] = True
        for key in written:
            store.delete(key)

    def committed(done: Session) -> None:
        # SQLAlchemy also calls this when a savepoint is released: only the outermost counts.
        if not done.in_nested_transaction():
            settled[0] = True

    event.listen(session, "after_soft_rollback", rolled_back)
    event.listen(session, "after_commit", committed)
