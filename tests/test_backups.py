"""Backups taken while the site serves, restored into an empty instance; damaged ones refused.

The embedded-database round trip runs on a SQLite instance of its own whatever the suite's
engine; on PostgreSQL (PORTAL_TEST_DATABASE_URL) the archive holds the uploaded files and the
command explains pg_dump.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import shlex
import shutil
import sqlite3
import subprocess
import tarfile
import threading
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from alembic import command
from flask import Flask
from sqlalchemy import make_url, select, text

from portal import create_app
from portal.cli import alembic_config
from portal.db import make_engine, write_session
from portal.models import AuditEvent, CommentPeriod, Submission
from portal.services import audit, backups, documents, moderation, themes
from portal.services.backups import MANIFEST
from tests.conftest import db_session, make_period, post_comment, postgresql_url

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"


def _instance(root: Path, url: str | None = None, *, migrate: bool = True) -> Flask:
    """An app on its own database (a SQLite file under root unless url) and upload folder."""
    root.mkdir(parents=True, exist_ok=True)
    url = url or f"sqlite:///{root / 'portal.sqlite3'}"
    if migrate:
        command.upgrade(alembic_config(url), "head")
    return create_app({
        "TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "backup-tests",
        "RATELIMIT_ENABLED": False, "FORM_MIN_SECONDS": 0, "REQUEST_LOG": "none",
        "UPLOAD_DIR": str(root / "uploads"),
    })


@pytest.fixture()
def sqlite_site(tmp_path: Path) -> Iterator[Flask]:
    site = _instance(tmp_path / "site")
    yield site
    site.extensions["portal_engine"].dispose()


@pytest.fixture()
def empty_sqlite_site(tmp_path: Path) -> Iterator[Flask]:
    """A new instance: no database file yet, no upload folder."""
    site = _instance(tmp_path / "restored", migrate=False)
    yield site
    site.extensions["portal_engine"].dispose()


def _add_pdf(site: Flask, period: CommentPeriod, name: str, pdf: bytes = PDF) -> str:
    with site.app_context(), write_session() as session:
        document = documents.add(
            session, audit.CLI, session.get(CommentPeriod, period.id), title_en=name,
            title_es=name, pdf=pdf, file_name=f"{name}.pdf", upload_dir=site.config["UPLOAD_DIR"],
        )
        return str(document.sha256)


@dataclass
class Traffic:
    """Comments sent through the real form and a moderator publishing them, in threads."""

    site: Flask
    slug: str
    acknowledged: list[tuple[float, str, str]] = field(default_factory=list)  # when, tracking, text
    published: int = 0
    stop: threading.Event = field(default_factory=threading.Event)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def submitter(self, number: int) -> None:
        client = self.site.test_client()
        index = 0
        while not self.stop.is_set():
            text = f"Backup traffic {number}-{index}: inspection lanes at the crossing."
            answer = post_comment(client, "en", self.slug, body=text)
            if answer.status_code != 303:
                self.errors.append(f"{answer.status_code}")
                return
            tracking = answer.headers["Location"].split("/receipts/")[1].split("?")[0]
            with self.lock:
                self.acknowledged.append((time.monotonic(), tracking, text))
            index += 1

    def moderator(self) -> None:
        """Publish the oldest pending comment, again and again: audit rows while we back up."""
        while not self.stop.is_set():
            with self.site.app_context(), write_session() as session:
                pending = session.scalars(
                    select(Submission).where(Submission.status == "pending")
                    .order_by(Submission.id).limit(1)
                ).first()
                if pending is not None:
                    themes.confirm_suggestions_if_unreviewed(session, pending, audit.CLI)
                    moderation.publish(session, pending, audit.CLI)
                    self.published += 1
            time.sleep(0.01)

    def acks(self) -> int:
        with self.lock:
            return len(self.acknowledged)


def _wait(condition, seconds: float = 120) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the traffic stalled"
        time.sleep(0.02)


def test_backup_taken_during_submissions_restores_every_acknowledged_comment_and_audit_row(
    sqlite_site: Flask, empty_sqlite_site: Flask, tmp_path: Path
) -> None:
    period = make_period(sqlite_site)
    document_sha = _add_pdf(sqlite_site, period, "notice")
    traffic = Traffic(sqlite_site, period.slug)
    threads = [threading.Thread(target=traffic.submitter, args=(n,)) for n in range(4)]
    threads.append(threading.Thread(target=traffic.moderator))
    for thread in threads:
        thread.start()
    archive = tmp_path / "backups" / "portal.tar.gz"
    try:
        _wait(lambda: traffic.acks() >= 12 and traffic.published >= 3)
        with db_session(sqlite_site) as session:
            audit_rows = {(e.id, e.action.value, e.subject_id, e.after)
                          for e in session.scalars(select(AuditEvent))}
        with traffic.lock:
            before = list(traffic.acknowledged)
        started = time.monotonic()
        result = sqlite_site.test_cli_runner().invoke(args=["backup", "-o", str(archive)])
        finished = time.monotonic()
        # Let the site go on a little after the backup, as it would.
        _wait(lambda: traffic.acks() >= len(before) + 8)
    finally:
        traffic.stop.set()
        for thread in threads:
            thread.join(timeout=120)
    assert traffic.errors == []
    assert result.exit_code == 0, result.output
    assert f"backup written to {archive}" in result.output
    during = sum(1 for when, _t, _x in traffic.acknowledged if started <= when <= finished)

    restored = empty_sqlite_site.test_cli_runner().invoke(args=["restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    assert "schema is at this version's head" in restored.output

    with db_session(empty_sqlite_site) as session:
        stored = dict(session.execute(select(Submission.tracking_number, Submission.body)).all())
        restored_audit = {(e.id, e.action.value, e.subject_id, e.after)
                          for e in session.scalars(select(AuditEvent))}
    assert before and all(stored.get(tracking) == text for _w, tracking, text in before)
    assert audit_rows and audit_rows <= restored_audit
    copy = Path(empty_sqlite_site.config["UPLOAD_DIR"]) / "periods" / f"{document_sha}.pdf"
    assert copy.read_bytes() == PDF
    # The restored site serves what it restored.
    page = empty_sqlite_site.test_client().get(f"/en/receipts/{before[0][1]}")
    assert page.status_code == 200
    print(f"\nbackup: {len(before)} comments acknowledged before it, {during} during it, "
          f"{len(traffic.acknowledged)} in all; {len(audit_rows)} audit rows; restored "
          f"{len(stored)} comments")


def _backup(site: Flask, archive: Path) -> dict[str, object]:
    result = site.test_cli_runner().invoke(args=["backup", "-o", str(archive)])
    assert result.exit_code == 0, result.output
    with tarfile.open(archive) as tar:
        member = tar.extractfile(MANIFEST)
        assert member is not None
        return dict(json.load(member))


@pytest.fixture()
def archive(sqlite_site: Flask, tmp_path: Path) -> Path:
    period = make_period(sqlite_site)
    _add_pdf(sqlite_site, period, "notice")
    post_comment(sqlite_site.test_client(), "es", period.slug)
    path = tmp_path / "good.tar.gz"
    _backup(sqlite_site, path)
    return path


def test_the_manifest_lists_every_file_with_its_size_and_checksum(
    sqlite_site: Flask, archive: Path
) -> None:
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        member = tar.extractfile(MANIFEST)
        assert member is not None
        manifest = json.load(member)
        assert names[0] == MANIFEST
        for entry in manifest["files"]:
            data = tar.extractfile(entry["path"]).read()  # type: ignore[union-attr]
            assert len(data) == entry["size"]
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert sorted(names[1:]) == sorted(e["path"] for e in manifest["files"])
    with sqlite_site.app_context():
        from alembic.script import ScriptDirectory

        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert manifest["schema_revision"] == head
    assert manifest["database"]["included"] is True
    assert manifest["database"]["rows"]["submissions"] == 1
    assert manifest["uploads"]["files"] == 1
    assert manifest["created_at"].endswith("+00:00")


def _refused(site: Flask, archive: Path, expected: str) -> None:
    result = site.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code != 0
    assert expected in result.output, result.output
    # Nothing was restored: no database file, no upload folder.
    database = Path(site.config["DATABASE_URL"].removeprefix("sqlite:///"))
    assert not database.exists()
    assert not Path(site.config["UPLOAD_DIR"]).exists()


def test_a_truncated_archive_is_refused_and_nothing_is_restored(
    archive: Path, empty_sqlite_site: Flask, tmp_path: Path
) -> None:
    data = archive.read_bytes()
    for keep in (len(data) // 2, len(data) - 20, 100):
        cut = tmp_path / f"cut-{keep}.tar.gz"
        cut.write_bytes(data[:keep])
        _refused(empty_sqlite_site, cut, "damaged or truncated")


def test_a_damaged_archive_is_refused_and_nothing_is_restored(
    archive: Path, empty_sqlite_site: Flask, tmp_path: Path
) -> None:
    data = bytearray(archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    damaged = tmp_path / "damaged.tar.gz"
    damaged.write_bytes(bytes(data))
    _refused(empty_sqlite_site, damaged, "damaged")


def _repack(archive: Path, target: Path, change) -> None:  # type: ignore[no-untyped-def]
    """A well-formed archive whose members were changed by change(name, bytes) -> bytes|None."""
    with tarfile.open(archive) as source, tarfile.open(target, "w:gz") as out:
        for member in source.getmembers():
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            data = change(member.name, data)
            if data is None:
                continue
            info = tarfile.TarInfo(member.name)
            info.size = len(data)
            out.addfile(info, io.BytesIO(data))


def test_an_archive_whose_content_no_longer_matches_its_checksums_is_refused(
    archive: Path, empty_sqlite_site: Flask, tmp_path: Path
) -> None:
    def flip_pdf(name: str, data: bytes) -> bytes:
        return data.replace(b"%%EOF", b"%%EOX") if name.endswith(".pdf") else data

    tampered = tmp_path / "tampered.tar.gz"
    _repack(archive, tampered, flip_pdf)
    _refused(empty_sqlite_site, tampered, "does not match its checksum")

    missing = tmp_path / "missing.tar.gz"
    _repack(archive, missing, lambda name, data: None if name.endswith(".pdf") else data)
    _refused(empty_sqlite_site, missing, "missing from the archive")

    no_manifest = tmp_path / "no-manifest.tar.gz"
    _repack(archive, no_manifest, lambda name, data: None if name == MANIFEST else data)
    _refused(empty_sqlite_site, no_manifest, "no manifest.json")

    escaping = tmp_path / "escaping.tar.gz"
    with tarfile.open(escaping, "w:gz") as out:
        info = tarfile.TarInfo("../outside.txt")
        info.size = 1
        out.addfile(info, io.BytesIO(b"x"))
    _refused(empty_sqlite_site, escaping, "outside its folder")
    assert not (tmp_path / "outside.txt").exists()

    not_gzip = tmp_path / "plain.tar.gz"
    not_gzip.write_bytes(b"this is not an archive at all")
    _refused(empty_sqlite_site, not_gzip, "damaged or truncated")
    _refused(empty_sqlite_site, tmp_path / "nowhere.tar.gz", "does not exist")


def test_restore_refuses_an_instance_that_holds_data(
    archive: Path, sqlite_site: Flask, tmp_path: Path
) -> None:
    with db_session(sqlite_site) as session:
        before = session.scalars(select(Submission.tracking_number)).all()
    result = sqlite_site.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code != 0
    assert "not empty" in result.output and "submissions" in result.output
    with db_session(sqlite_site) as session:
        assert session.scalars(select(Submission.tracking_number)).all() == before

    # A migrated database without rows is empty; an upload folder with a file is not.
    fresh = _instance(tmp_path / "fresh")
    stray = Path(fresh.config["UPLOAD_DIR"]) / "stray.pdf"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(PDF)
    result = fresh.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code != 0 and "already holds 1 file" in result.output
    stray.unlink()
    result = fresh.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    with db_session(fresh) as session:
        assert len(session.scalars(select(Submission.tracking_number)).all()) == 1
    fresh.extensions["portal_engine"].dispose()


def test_backup_never_overwrites_a_file(sqlite_site: Flask, tmp_path: Path) -> None:
    existing = tmp_path / "keep.tar.gz"
    existing.write_bytes(b"keep me")
    result = sqlite_site.test_cli_runner().invoke(args=["backup", "-o", str(existing)])
    assert result.exit_code != 0 and "already exists" in result.output
    assert existing.read_bytes() == b"keep me"


def test_the_restored_database_is_a_standalone_sound_file(
    archive: Path, empty_sqlite_site: Flask
) -> None:
    result = empty_sqlite_site.test_cli_runner().invoke(args=["restore", str(archive)])
    assert result.exit_code == 0, result.output
    path = Path(empty_sqlite_site.config["DATABASE_URL"].removeprefix("sqlite:///"))
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with gzip.open(archive) as stream, tarfile.open(fileobj=stream, mode="r|") as tar:
        assert not any(m.name.endswith(("-wal", "-shm")) for m in tar)


def _command(instructions: str, program: str) -> list[str]:
    line = next(line for line in instructions.splitlines() if line.strip().startswith(program))
    return shlex.split(line)


@pytest.fixture()
def restored_postgresql() -> Iterator[str]:
    """A new, empty PostgreSQL database beside the test database, dropped afterwards."""
    base = make_url(postgresql_url() or "")
    name = f"{base.database}_restored"
    admin = make_engine(base.render_as_string(hide_password=False), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.skipif(postgresql_url() is None, reason="PostgreSQL: set PORTAL_TEST_DATABASE_URL")
@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="no pg_dump on this machine")
def test_on_postgresql_the_printed_pg_dump_path_and_the_files_round_trip_during_submissions(
    app: Flask, restored_postgresql: str, tmp_path: Path
) -> None:
    site = create_app({**app.config, "UPLOAD_DIR": str(tmp_path / "pg-uploads")})
    period = make_period(site)
    sha = _add_pdf(site, period, "notice")
    traffic = Traffic(site, period.slug)
    threads = [threading.Thread(target=traffic.submitter, args=(n,)) for n in range(3)]
    threads.append(threading.Thread(target=traffic.moderator))
    for thread in threads:
        thread.start()
    archive = tmp_path / "pg.tar.gz"
    try:
        _wait(lambda: traffic.acks() >= 6 and traffic.published >= 2)
        with db_session(site) as session:
            audit_rows = {(e.id, e.action.value, e.subject_id)
                          for e in session.scalars(select(AuditEvent))}
        with traffic.lock:
            before = list(traffic.acknowledged)
        # What the command tells an operator to run, run as told: the dump first, then the files.
        told = backups.postgresql_instructions(site.config["DATABASE_URL"])
        subprocess.run(_command(told, "pg_dump"), cwd=tmp_path, check=True, timeout=300)
        result = site.test_cli_runner().invoke(args=["backup", "-o", str(archive)])
        _wait(lambda: traffic.acks() >= len(before) + 4)
    finally:
        traffic.stop.set()
        for thread in threads:
            thread.join(timeout=120)
    assert traffic.errors == []
    assert result.exit_code == 0, result.output
    assert told in result.output
    assert "pg_dump --format=custom" in told and "+psycopg" not in told
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile(MANIFEST))  # type: ignore[arg-type]
        assert not any(name.startswith("database/") for name in tar.getnames())
    assert manifest["database"]["included"] is False
    assert manifest["database"]["engine"] == "postgresql"
    assert manifest["database"]["rows_at_backup"]["submissions"] >= len(before)
    assert [e["path"] for e in manifest["files"]] == [f"uploads/periods/{sha}.pdf"]

    # A new instance: the database through the printed pg_restore, the files through restore.
    subprocess.run(_command(backups.postgresql_instructions(restored_postgresql), "pg_restore"),
                   cwd=tmp_path, check=True, timeout=300)
    target = _instance(tmp_path / "pg-restored", restored_postgresql, migrate=False)
    restored = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert restored.exit_code == 0, restored.output
    assert "pg_restore" in restored.output
    copy = Path(target.config["UPLOAD_DIR"]) / "periods" / f"{sha}.pdf"
    assert copy.read_bytes() == PDF
    # Files never go over files.
    again = target.test_cli_runner().invoke(args=["restore", str(archive)])
    assert again.exit_code != 0 and "already holds 1 file" in again.output
    with db_session(target) as session:
        stored = dict(session.execute(select(Submission.tracking_number, Submission.body)).all())
        restored_audit = {(e.id, e.action.value, e.subject_id)
                          for e in session.scalars(select(AuditEvent))}
    assert all(stored.get(tracking) == text for _w, tracking, text in before)
    assert audit_rows <= restored_audit
    print(f"\npg_dump/pg_restore: {len(before)} comments acknowledged before the dump, "
          f"{len(stored)} restored, {len(restored_audit)} audit rows")
    for made in (target, site):
        made.extensions["portal_engine"].dispose()
