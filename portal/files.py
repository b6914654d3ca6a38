"""Files written whole or not at all: the worker's exports and the open-data bulk files.

A file is written under a temporary name beside its final one (PARTIAL_PREFIX, which the sweeps
of both folders recognise), hashed as it is written, put on disk, and only then renamed into
place; a failure removes the temporary file. `sync_folder` makes the rename itself durable.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

PARTIAL_PREFIX = ".partial-"


def write_whole(path: Path, chunks: Iterable[bytes]) -> tuple[str, int]:
    """Write `path` from `chunks`, whole or not at all; returns its SHA-256 and size."""
    handle, partial = tempfile.mkstemp(dir=path.parent, prefix=PARTIAL_PREFIX)
    digest, size = hashlib.sha256(), 0
    try:
        with os.fdopen(handle, "wb") as out:
            for chunk in chunks:
                out.write(chunk)
                digest.update(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(partial)
        raise
    return digest.hexdigest(), size


def sync_folder(path: Path) -> None:
    """Make the renames in a folder durable (where the system allows it)."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
