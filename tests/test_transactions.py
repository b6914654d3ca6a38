"""One transaction per request: committed once after the view, rolled back on an error, and
started as a writer whenever the request writes, so a concurrent writer never makes it fail."""

from __future__ import annotations

import threading

import pytest
from flask import Flask
from sqlalchemy import event, func, select, text

from portal.db import commit_batch, get_session, new_session, write_session, writes
from portal.models import AuditAction, AuditEvent, CommentPeriod, Submission
from portal.services import audit
from tests.conftest import add_submission, make_user, sign_in
from tests.export_support import export_file


def _count(app: Flask, model: type) -> int:
    with app.app_context():
        session = new_session()
        try:
            return session.scalar(select(func.count()).select_from(model)) or 0
        finally:
            session.close()


def test_export_succeeds_while_another_connection_commits(
    app: Flask, open_period: CommentPeriod
) -> None:
    """The export reads (the account, the period), then records itself in the audit trail. A
    comment committed in between used to make that write fail with "database is locked"."""
    client = app.test_client()
    assert sign_in(client, make_user(app, "planner")).status_code == 302
    engine = app.extensions["portal_engine"]
    others: list[threading.Thread] = []

    def interleave(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if others or not statement.lstrip().upper().startswith("INSERT INTO AUDIT_EVENTS"):
            return
        # A submitter's comment arrives and commits on another connection, between the
        # export's reads and its write.
        other = threading.Thread(target=add_submission, args=(app, open_period))
        others.append(other)
        other.start()
        other.join(timeout=2)

    event.listen(engine, "before_cursor_execute", interleave)
    try:
        response = export_file(client, f"/en/planning/periods/{open_period.slug}/export",
                               {"format": "csv", "language": "en"})
        body = response.get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", interleave)
    assert response.status_code == 200, body[:500]
    assert others, "the export wrote nothing to the audit trail"
    others[0].join(timeout=30)
    assert not others[0].is_alive()
    # Both writes are kept: the export's audit row and the comment.
    assert _count(app, Submission) == 1
    with app.app_context():
        session = new_session()
        actions = session.scalars(select(AuditEvent.action)).all()
        session.close()
    assert "export" in actions


@pytest.fixture()
def probe_app(app: Flask) -> Flask:
    """The app with three probe views that write an audit row, and then answer or fail."""

    def write_row() -> None:
        audit.record(get_session(), audit.Actor(label="probe"), AuditAction.EXPORT, "probe", 1)
        get_session().flush()

    def writes_then_answers() -> str:
        write_row()
        return "ok"

    def writes_then_fails() -> str:
        write_row()
        raise RuntimeError("the view failed after writing")

    @writes
    def get_that_writes() -> str:
        write_row()
        return "ok"

    app.add_url_rule("/probe/ok", view_func=writes_then_answers, methods=["POST"])
    app.add_url_rule("/probe/fail", view_func=writes_then_fails, methods=["POST"])
    app.add_url_rule("/probe/get", view_func=get_that_writes)
    app.config["WTF_CSRF_ENABLED"] = False
    return app


def test_request_commits_once_after_the_view(probe_app: Flask) -> None:
    client = probe_app.test_client()
    assert client.post("/probe/ok").status_code == 200
    assert _count(probe_app, AuditEvent) == 1


def test_request_that_fails_commits_nothing(probe_app: Flask) -> None:
    client = probe_app.test_client()
    assert client.post("/probe/fail").status_code == 500
    assert _count(probe_app, AuditEvent) == 0


def test_get_marked_as_writing_commits(probe_app: Flask) -> None:
    assert probe_app.test_client().get("/probe/get").status_code == 200
    assert _count(probe_app, AuditEvent) == 1


def _holds_write_lock(app: Flask) -> bool:
    """Whether another connection is kept from writing right now (SQLite only)."""
    engine = app.extensions["portal_engine"]
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("PRAGMA busy_timeout=50")
        try:
            cursor.execute("BEGIN IMMEDIATE")
        except Exception:  # noqa: BLE001 - sqlite3.OperationalError: database is locked
            return True
        cursor.execute("ROLLBACK")
        return False
    finally:
        raw.close()


def test_batches_commit_and_go_on_writing(app: Flask) -> None:
    if app.extensions["portal_engine"].dialect.name != "sqlite":
        pytest.skip("write locks at transaction start are SQLite's concern")
    with app.app_context(), write_session() as session:
        session.execute(text("SELECT 1"))
        assert _holds_write_lock(app)
        audit.record(session, audit.CLI, AuditAction.EXPORT, "probe", 1)
        commit_batch(session)
        # Committed: another connection sees the row...
        assert _count(app, AuditEvent) == 1
        # ...and the next batch already holds the write lock, before it reads anything.
        assert _holds_write_lock(app)


@pytest.mark.parametrize("held", [0.002, 0.3])
def test_a_writer_waits_for_the_write_lock_then_writes(app: Flask, held: float) -> None:
    """A writer that finds the lock taken tries again after short naps, then (past
    LOCK_RETRY_SECONDS) waits with SQLite's own handler: either way it writes once the lock is
    free, and its connection keeps the configured busy timeout."""
    from portal.db import LOCK_RETRY_SECONDS, SQLITE_BUSY_TIMEOUT_MS

    engine = app.extensions["portal_engine"]
    if engine.dialect.name != "sqlite":
        pytest.skip("write locks at transaction start are SQLite's concern")
    assert held < LOCK_RETRY_SECONDS or held > 2 * LOCK_RETRY_SECONDS
    holder = engine.raw_connection()
    cursor = holder.cursor()
    cursor.execute("BEGIN IMMEDIATE")
    released = threading.Event()

    def release() -> None:
        released.wait(held)  # held this long (nobody sets the event)
        cursor.execute("ROLLBACK")

    thread = threading.Thread(target=release)
    thread.start()
    try:
        with app.app_context(), write_session() as session:
            audit.record(session, audit.CLI, AuditAction.EXPORT, "period", "1")
            timeout = session.execute(text("PRAGMA busy_timeout")).scalar_one()
    finally:
        thread.join()
        holder.close()
    assert timeout == SQLITE_BUSY_TIMEOUT_MS
    assert _count(app, AuditEvent) == 1
