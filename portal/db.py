"""The engine, one session per request, and the SQLite settings that make it safe to share.

SQLite runs in WAL mode with a busy timeout and synchronous=FULL, so several workers can write at
once without "database is locked", and a commit that returned is on disk before a receipt is
shown. Write transactions on SQLite start with BEGIN IMMEDIATE: a deferred transaction that
reads and then writes can fail at once with SQLITE_BUSY when another writer went first, without
waiting for the busy timeout.

One transaction per request: services add and flush, the app commits once after the view
returns (`commit_request`), and an exception rolls everything back. CLI commands and tasks use
`write_session`; batch work commits per batch with `commit_batch`.
"""

from __future__ import annotations

import itertools
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import Engine, MetaData, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 15000
WRITE_OPTION = "portal_write"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def include_in_autogenerate(
    obj: object, name: str | None, type_: str, reflected: bool, compare_to: object
) -> bool:
    """Alembic filter: full-text search tables are made by raw SQL and not mapped by models."""
    return not (type_ == "table" and name and (name.endswith("_fts") or "_fts_" in name))


def make_engine(url: str, **kwargs: Any) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            **kwargs,
        )
        _configure_sqlite(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def on_connect(dbapi_conn: sqlite3.Connection, _record: object) -> None:
        # Let SQLAlchemy, not the driver, decide when a transaction begins.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        if engine.url.database not in (None, "", ":memory:"):
            cur.execute("PRAGMA journal_mode=WAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.close()

    @event.listens_for(engine, "begin")
    def on_begin(conn: Any) -> None:
        immediate = conn.get_execution_options().get(WRITE_OPTION)
        if immediate and _take_write_lock_soon(conn.connection.dbapi_connection):
            return
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


# Waiting for the write lock. SQLite's busy handler sleeps 1, 2, 5, 10, 15 ms… between tries,
# while a comment holds the lock about a millisecond (insert and commit): a writer that found it
# taken slept on long after it was free, and in a rush the workers idled. For the first
# LOCK_RETRY_SECONDS the lock is tried again after naps of a fraction of a millisecond; after
# that SQLite's own handler waits, up to the busy timeout.
LOCK_NAPS = (0.0001, 0.0002, 0.0005, 0.001)
LOCK_RETRY_SECONDS = 0.05


def _take_write_lock_soon(dbapi_conn: sqlite3.Connection) -> bool:
    """BEGIN IMMEDIATE, tried again after short naps; False when still busy after a while."""
    deadline = time.monotonic() + LOCK_RETRY_SECONDS
    dbapi_conn.execute("PRAGMA busy_timeout=0")
    try:
        for attempt in itertools.count():
            try:
                dbapi_conn.execute("BEGIN IMMEDIATE")
                return True
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
            if time.monotonic() >= deadline:
                return False
            time.sleep(LOCK_NAPS[min(attempt, len(LOCK_NAPS) - 1)])
    finally:
        dbapi_conn.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    return False  # pragma: no cover - the loop returns


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["portal_engine"] = engine
    app.extensions["portal_sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def new_session(write: bool = False) -> Session:
    """A session of the current app; with write=True its transaction takes the write lock first."""
    session: Session = current_app.extensions["portal_sessionmaker"]()
    if write:
        begin_writing(session)
    return session


def begin_writing(session: Session) -> None:
    """Start the session's transaction as a writer (BEGIN IMMEDIATE on SQLite).

    A deferred transaction that read first and writes later fails at once with "database is
    locked" if another writer committed in between; one that takes the lock first waits instead.
    """
    session.connection(execution_options={WRITE_OPTION: True})


F = TypeVar("F", bound=Callable[..., Any])


def writes(view: F) -> F:
    """Mark a GET view that writes (an export recorded in the audit trail, say): its request
    transaction starts as a writer, like every POST's."""
    view.portal_writes = True  # type: ignore[attr-defined]  # read back by _request_writes
    return view


def reads_first(view: F) -> F:
    """Mark a view whose POST reads and checks a while before it writes (the comment form): its
    request transaction starts as a reader and the view calls `write_now` just before writing,
    so the write lock (SQLite's, one for the whole database) is held for the insert and the
    commit only. During a rush every other comment waits for whoever holds it."""
    view.portal_reads_first = True  # type: ignore[attr-defined]  # read back by _request_writes
    return view


def write_now(session: Session) -> None:
    """End the session's reading transaction (nothing written yet) and begin writing."""
    if session.in_transaction():
        session.commit()
    begin_writing(session)


def _request_writes() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    if request.method not in SAFE_METHODS:
        return not getattr(view, "portal_reads_first", False)
    return bool(getattr(view, "portal_writes", False))


def get_session() -> Session:
    """The request's session, made on first use. The request commits it once, after the view."""
    if "db_session" not in g:
        g.db_session = new_session(write=has_request_context() and _request_writes())
    return g.db_session


def commit_request() -> None:
    """Commit what the view did; called once per request after the view returned.

    A view that raises commits nothing: teardown closes the session, which rolls back.
    """
    session = g.get("db_session")
    if session is not None:
        session.commit()


def commit_batch(session: Session) -> None:
    """For batch and background work: commit what the batch did, then go on as a writer."""
    session.commit()
    begin_writing(session)


@contextmanager
def write_session() -> Iterator[Session]:
    """One write transaction for a CLI command, a task or a test: commits once on success."""
    session = new_session(write=True)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()
