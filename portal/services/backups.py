"""Backups of a running site, and restoring one into an empty instance.

A backup is one `.tar.gz`: `manifest.json` first, then the embedded database
(`database/portal.sqlite3`) and the uploaded files (`uploads/...`). The manifest says when it was
made, the schema revision, what the database held (row counts) and, for every file, its size
and SHA-256.

The SQLite copy is taken with SQLite's online backup API in one step: it reads one consistent
snapshot (in WAL mode writers go on meanwhile), so every comment committed before the backup
started is in it, whole, with its audit rows. A file copy of a live database could tear a
transaction. Uploaded files are copied after the database snapshot: every file a snapshot row
names existed by then (documents are written before their row commits), so the copy holds them
unless one was deleted meanwhile.

On PostgreSQL the database is not in the archive: `pg_dump` makes its consistent copy (see
`postgresql_instructions`), and the archive holds the uploaded files, the manifest saying so.

Restoring reads and checks the whole archive first (format, every size and checksum, nothing
unlisted, nothing outside its folder), refuses an instance that already holds data, and only
then moves the database and the files into place, so a damaged archive changes nothing.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

from sqlalchemy import create_engine, inspect, make_url, text
from sqlalchemy.engine import URL

FORMAT = "hled-portal-backup"
VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBER = "database/portal.sqlite3"
UPLOADS = "uploads"
# Files being written by documents._store; they become real files by an atomic rename.
IN_PROGRESS_PREFIX = ".upload-"
# Counted in the manifest, so a person can see what a backup holds without restoring it.
COUNTED_TABLES = ("submissions", "answers", "audit_events", "period_documents", "comment_periods",
                  "users")
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore refused, with the reason in words an operator can act on."""


@dataclass(frozen=True)
class Target:
    """Where a restore goes: the instance's database URL and upload folder."""

    database_url: str
    upload_dir: Path

    @property
    def url(self) -> URL:
        return make_url(self.database_url)

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def sqlite_path(self) -> Path:
        database = self.url.database
        if not self.is_sqlite or not database or database == ":memory:":
            raise BackupError("The database is not a SQLite file.")
        return Path(database)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


# -- making a backup ------------------------------------------------------------------------------


def _snapshot_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a live database through SQLite's online backup API."""
    if not source.exists():
        raise BackupError(f"The database file {source} does not exist.")
    with closing(sqlite3.connect(source, timeout=60)) as src, \
            closing(sqlite3.connect(target)) as dst:
        src.backup(dst)  # all pages in one step: one read transaction, one snapshot
        # The copy stands alone: no -wal file beside it.
        dst.execute("PRAGMA journal_mode=DELETE")
        problem = dst.execute("PRAGMA quick_check").fetchone()[0]
        if problem != "ok":
            raise BackupError(f"The copied database fails SQLite's check: {problem}")


def _sqlite_facts(path: Path) -> tuple[str | None, dict[str, int]]:
    with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
        revision = None
        if "alembic_version" in tables:
            found = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = found[0] if found else None
        counts = {
            table: int(conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0])  # noqa: S608 - fixed names
            for table in COUNTED_TABLES if table in tables
        }
    return revision, counts


def _server_facts(database_url: str) -> tuple[str | None, dict[str, int]]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            revision = None
            if "alembic_version" in tables:
                revision = conn.scalar(text("SELECT version_num FROM alembic_version"))
            counts = {
                table: int(conn.scalar(text(f'SELECT count(*) FROM "{table}"')) or 0)  # noqa: S608
                for table in COUNTED_TABLES if table in tables
            }
    finally:
        engine.dispose()
    return revision, counts


def _copy_uploads(upload_dir: Path, staging: Path) -> None:
    if not upload_dir.is_dir():
        return
    for source in sorted(upload_dir.rglob("*")):
        if source.is_symlink() or not source.is_file() or source.name.startswith(
            IN_PROGRESS_PREFIX
        ):
            continue
        target = staging / UPLOADS / source.relative_to(upload_dir)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(source, target)
        except FileNotFoundError:  # removed since the listing: it is no longer part of the site
            continue


def postgresql_instructions(database_url: str) -> str:
    """What to run to back up and restore a PostgreSQL database (the password not shown)."""
    url = make_url(database_url).set(drivername="postgresql")
    shown = url.render_as_string(hide_password=True)
    return (
        "The database is PostgreSQL: this archive holds the uploaded files only. Back up the "
        "database with pg_dump, before this archive, so every file its rows name is in it:\n"
        f'  pg_dump --format=custom --file=portal.dump "{shown}"\n'
        "Restore into an empty database with:\n"
        f'  pg_restore --no-owner --exit-on-error --dbname="{shown}" portal.dump\n'
        "then restore this archive for the files: flask --app portal restore FILE"
    )


def _manifest(staging: Path, database: dict[str, Any], revision: str | None) -> dict[str, Any]:
    paths = sorted(p for p in staging.rglob("*") if p.is_file())
    files: list[dict[str, Any]] = [
        {"path": path.relative_to(staging).as_posix(), "size": path.stat().st_size,
         "sha256": _sha256(path)}
        for path in paths
    ]
    uploaded = sum(1 for path in paths if path.relative_to(staging).parts[0] == UPLOADS)
    return {
        "format": FORMAT,
        "version": VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "schema_revision": revision,
        "database": database,
        "uploads": {"included": True, "files": uploaded},
        "files": files,
    }


def create_backup(database_url: str, upload_dir: Path, output: Path) -> dict[str, Any]:
    """Write the backup archive to output (never over an existing file); returns its manifest."""
    output = Path(output)
    if output.exists():
        raise BackupError(f"{output} already exists; choose a new file name.")
    output.parent.mkdir(parents=True, exist_ok=True)
    target = Target(database_url, Path(upload_dir))
    with tempfile.TemporaryDirectory(prefix=".backup-", dir=output.parent) as tmp:
        staging = Path(tmp) / "staging"
        staging.mkdir()
        if target.is_sqlite:
            copy = staging / DATABASE_MEMBER
            copy.parent.mkdir()
            _snapshot_sqlite(target.sqlite_path, copy)
            revision, counts = _sqlite_facts(copy)
            database: dict[str, Any] = {"engine": "sqlite", "included": True,
                                        "path": DATABASE_MEMBER, "rows": counts}
        else:
            revision, counts = _server_facts(database_url)
            database = {"engine": target.url.get_backend_name(), "included": False,
                        "rows_at_backup": counts,
                        "how": "pg_dump --format=custom; restore with pg_restore"}
        _copy_uploads(target.upload_dir, staging)
        manifest = _manifest(staging, database, revision)
        partial = Path(tmp) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as tar:
            body = json.dumps(manifest, indent=2, sort_keys=True).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(body)
            info.mtime = int(datetime.now(UTC).timestamp())
            info.mode = 0o600
            tar.addfile(info, io.BytesIO(body))
            for entry in manifest["files"]:
                tar.add(staging / entry["path"], arcname=entry["path"], recursive=False)
        _fsync(partial)
        os.replace(partial, output)  # the name appears only once the archive is whole
    return manifest


# -- checking and restoring -----------------------------------------------------------------------


def _safe_member_path(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts or name.startswith("/"):
        raise BackupError(f"The archive names a file outside its folder ({name!r}); refused.")
    return path


@contextmanager
def unpacked(archive: Path, workdir: Path | None = None) -> Iterator[tuple[dict[str, Any], Path]]:
    """Unpack and verify an archive into a temporary folder (in workdir, else the system's
    temporary folder); yields (manifest, folder).

    Raises BackupError if the archive is damaged, truncated, or does not match its manifest.
    """
    archive = Path(archive)
    if not archive.is_file():
        raise BackupError(f"{archive} does not exist.")
    with tempfile.TemporaryDirectory(prefix=".restore-", dir=workdir) as tmp:
        staging = Path(tmp)
        extracted: set[str] = set()
        try:
            with gzip.open(archive, "rb") as stream:
                with tarfile.open(fileobj=stream, mode="r|") as tar:
                    for member in tar:
                        path = _safe_member_path(member.name)
                        if member.isdir():
                            continue
                        if not member.isfile():
                            raise BackupError(
                                f"The archive holds something other than a file ({member.name!r})."
                            )
                        source = tar.extractfile(member)
                        assert source is not None  # noqa: S101 - a regular file has content
                        destination = staging / path
                        destination.parent.mkdir(parents=True, exist_ok=True)
                        with destination.open("wb") as out:
                            shutil.copyfileobj(source, out, CHUNK)
                        extracted.add(path.as_posix())
                # Read to the end, so gzip checks its length and CRC of the whole stream.
                while stream.read(CHUNK):
                    pass
        except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
            raise BackupError(
                f"{archive} is damaged or truncated and was not restored ({exc})."
            ) from exc
        manifest = _read_manifest(staging, extracted)
        yield manifest, staging


def _read_manifest(staging: Path, extracted: set[str]) -> dict[str, Any]:
    if MANIFEST not in extracted:
        raise BackupError("The archive has no manifest.json; it is not a portal backup.")
    try:
        manifest = json.loads((staging / MANIFEST).read_text("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise BackupError(f"The archive's manifest cannot be read ({exc}).") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("The archive is not a portal backup (its manifest has another format).")
    if manifest.get("version") != VERSION:
        raise BackupError(f"Backup format version {manifest.get('version')!r} is not supported.")
    listed: set[str] = set()
    for entry in manifest.get("files", []):
        name = str(entry["path"])
        _safe_member_path(name)
        listed.add(name)
        path = staging / name
        if name not in extracted:
            raise BackupError(f"{name} is listed in the manifest but missing from the archive.")
        if path.stat().st_size != entry["size"] or _sha256(path) != entry["sha256"]:
            raise BackupError(f"{name} does not match its checksum: the archive is damaged.")
    unlisted = extracted - listed - {MANIFEST}
    if unlisted:
        raise BackupError(f"The archive holds files its manifest does not list: {sorted(unlisted)}")
    return manifest


def _holds_records(table: str) -> bool:
    """Not the migration bookkeeping, nor a search index's own tables (FTS5 keeps a row of
    settings even when it indexes nothing)."""
    return table != "alembic_version" and "_fts" not in table


def _rows_in_sqlite(path: Path) -> list[str]:
    """Tables of a SQLite file that hold rows (the migration bookkeeping aside)."""
    if not path.exists() or path.stat().st_size == 0:
        return []
    with closing(sqlite3.connect(path, timeout=60)) as conn:
        tables = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
        )]
        return [t for t in tables if _holds_records(t) and conn.execute(
            f'SELECT EXISTS (SELECT 1 FROM "{t}")'  # noqa: S608 - names from the schema
        ).fetchone()[0]]


def _rows_in_server(database_url: str) -> list[str]:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            tables = inspect(conn).get_table_names()
            return [t for t in tables if _holds_records(t) and conn.scalar(
                text(f'SELECT EXISTS (SELECT 1 FROM "{t}")')  # noqa: S608 - names from the schema
            )]
    finally:
        engine.dispose()


def _files_in(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.is_dir() else []


def check_empty(target: Target, *, database: bool = True) -> None:
    """Refuse an instance that already holds comments, accounts or files (with database=False,
    files only: a PostgreSQL database comes back through pg_restore, before the files)."""
    filled = []
    if database:
        filled = _rows_in_sqlite(target.sqlite_path) if target.is_sqlite else _rows_in_server(
            target.database_url
        )
    if filled:
        raise BackupError(
            "This instance is not empty (rows in: " + ", ".join(sorted(filled)) + "). A backup "
            "is restored only into an empty instance: point PORTAL_DATABASE_URL and "
            "PORTAL_UPLOAD_DIR at a new database and folder."
        )
    files = _files_in(target.upload_dir)
    if files:
        raise BackupError(
            f"The upload folder {target.upload_dir} already holds {len(files)} file(s). A backup "
            "is restored only into an empty instance."
        )


def restore_backup(archive: Path, database_url: str, upload_dir: Path) -> dict[str, Any]:
    """Restore a verified archive into an empty instance; returns its manifest.

    The site must be stopped. Nothing is changed unless the whole archive checks out. An archive
    without a database (made on PostgreSQL) brings back the files only, into an empty upload
    folder, whatever the database holds (pg_restore has brought it back).
    """
    target = Target(database_url, Path(upload_dir))
    check_empty(target, database=target.is_sqlite)
    # Unpacked beside the database (or the upload folder): the same file system, and room for
    # as much as the backup holds.
    workdir = target.sqlite_path.parent if target.is_sqlite else target.upload_dir.parent
    workdir.mkdir(parents=True, exist_ok=True)
    with unpacked(archive, workdir) as (manifest, staging):
        database = manifest.get("database", {})
        if database.get("included") and not target.is_sqlite:
            raise BackupError(
                "This backup holds an embedded SQLite database, but this instance uses "
                f"{target.url.get_backend_name()}. Restore it into a SQLite instance."
            )
        # Again, just before anything moves; the database only if the archive brings one.
        check_empty(target, database=bool(database.get("included")))
        uploads = staging / UPLOADS
        placed = False
        try:
            if uploads.is_dir():
                target.upload_dir.parent.mkdir(parents=True, exist_ok=True)
                if target.upload_dir.exists():
                    shutil.rmtree(target.upload_dir)  # empty: checked above
                shutil.copytree(uploads, target.upload_dir)
                placed = True
            if database.get("included"):
                _put_sqlite(staging / DATABASE_MEMBER, target.sqlite_path)
        except BaseException:
            if placed:  # no half restore: the folder was empty before
                shutil.rmtree(target.upload_dir, ignore_errors=True)
            raise
    return manifest


def _put_sqlite(copy: Path, destination: Path) -> None:
    destination.parent.mkdir(parents=True, exist_ok=True)
    # Moved beside the destination first, so the final step is one rename on one file system.
    beside = destination.with_name(f".{destination.name}.restoring")
    shutil.copyfile(copy, beside)
    _fsync(beside)
    for suffix in ("-wal", "-shm", "-journal"):  # an empty database's leftovers
        Path(f"{destination}{suffix}").unlink(missing_ok=True)
    os.replace(beside, destination)
    _fsync(destination.parent)
