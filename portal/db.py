"""The engine, one session per request, and the SQLite settings that make it safe to share.

SQLite runs in WAL mode with a busy timeout and synchronous=FULL, so several workers can write at
once without "database is locked", and a commit that returned is on disk before a receipt is
shown. Write transactions on SQLite start with BEGIN IMMEDIATE: a deferred transaction that
reads and then writes can fail at once with SQLITE_BUSY when another writer went first, without
waiting for the busy timeout.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, g
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


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def include_in_autogenerate(obj, name, type_, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
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
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def init_app(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["portal_engine"] = engine
    app.extensions["portal_sessionmaker"] = sessionmaker(bind=engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def new_session(write: bool = False) -> Session:
    """A session of the current app; with write=True its transaction takes the write lock first."""
    session: Session = current_app.extensions["portal_sessionmaker"]()
    if write:
        session.connection(execution_options={WRITE_OPTION: True})
    return session


def get_session() -> Session:
    """The request's session, made on first use; a request that changes data writes from start."""
    if "db_session" not in g:
        from flask import request  # local: get_session is also used outside requests

        write = False
        try:
            write = request.method not in ("GET", "HEAD", "OPTIONS")
        except RuntimeError:
            write = False
        g.db_session = new_session(write=write)
    return g.db_session


@contextmanager
def write_session() -> Iterator[Session]:
    """A short write transaction, for CLI commands and tests: commits on success."""
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
