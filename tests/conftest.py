"""Fixtures: a real database (SQLite file, or PORTAL_TEST_DATABASE_URL) migrated by Alembic.

Each test starts from empty tables, so tests do not depend on their order. Every test reads the
database through `db_session`, finds form tokens through `csrf_from`/`csrf_token`, and gets a
database of its own (for migrations) through `scratch_url`: one copy of each, here.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import make_url, text
from sqlalchemy.orm import Session

from portal import create_app
from portal.cli import alembic_config
from portal.db import Base, make_engine, new_session, write_session
from portal.models import CommentPeriod, Pillar, Question
from portal.models.types import utcnow
from portal.resources import CHECKOUT, compile_catalogs
from portal.seed import seed
from portal.services import consultations

TEST_DB_ENV = "PORTAL_TEST_DATABASE_URL"


def pytest_configure(config: pytest.Config) -> None:
    """Compile missing or stale catalogs, so `pytest` alone shows Spanish pages in Spanish.

    Only the main process does it, before any xdist worker starts.
    """
    if not hasattr(config, "workerinput"):
        compile_catalogs(CHECKOUT / "translations", CHECKOUT / "translations", only_stale=True)


def postgresql_url() -> str | None:
    """The PostgreSQL database of this test process, or None to test on SQLite.

    Under pytest-xdist each worker gets a database of its own beside the one named in
    PORTAL_TEST_DATABASE_URL (test_gw0, test_gw1...), made on first use, so workers never
    empty each other's tables.
    """
    url = os.environ.get(TEST_DB_ENV)
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    base = make_url(url)
    name = f"{base.database}_{worker}"
    engine = make_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if not conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return base.set(database=name).render_as_string(hide_password=False)


def database_url(tmp_dir: Path) -> str:
    return postgresql_url() or f"sqlite:///{tmp_dir / 'test.sqlite3'}"


def _recreate_schema(url: str, schema: str, *, keep: bool = True) -> None:
    """Drop a PostgreSQL schema with everything in it, and make it again empty unless not kept."""
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            if keep:
                conn.execute(text(f"CREATE SCHEMA {schema}"))
    finally:
        engine.dispose()


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once per run: the PostgreSQL test database, or a template SQLite file."""
    url = database_url(tmp_path_factory.mktemp("db"))
    if url.startswith("postgresql"):
        _recreate_schema(url, "public")
    command.upgrade(alembic_config(url), "head")
    return url


SCRATCH_SCHEMA = "scratch"


@pytest.fixture()
def scratch_url(tmp_path: Path) -> Iterator[str]:
    """An empty, unmigrated database apart from the one the other tests share.

    On SQLite a new file; on PostgreSQL a schema of its own in the test database, which the URL
    puts first on the search path.
    """
    url = postgresql_url()
    if not url:
        yield f"sqlite:///{tmp_path / 'scratch.sqlite3'}"
        return
    _recreate_schema(url, SCRATCH_SCHEMA)
    sep = "&" if "?" in url else "?"
    try:
        yield f"{url}{sep}options=-csearch_path%3D{SCRATCH_SCHEMA}"
    finally:
        _recreate_schema(url, SCRATCH_SCHEMA, keep=False)


@pytest.fixture()
def db_url(migrated_database: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An empty, migrated database for one test."""
    return empty_database(migrated_database, tmp_path_factory)


def empty_database(migrated_database: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """The migrated database emptied (PostgreSQL), or a fresh copy of the template (SQLite)."""
    if migrated_database.startswith("sqlite"):
        # The audit trail refuses DELETE, so each test gets a fresh copy of the template.
        template = Path(migrated_database.removeprefix("sqlite:///"))
        copy = tmp_path_factory.mktemp("db") / "test.sqlite3"
        shutil.copyfile(template, copy)
        return f"sqlite:///{copy}"
    engine = make_engine(migrated_database)
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with engine.begin() as conn:
        # TRUNCATE fires no row triggers, so the append-only audit table empties too.
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    return migrated_database


@pytest.fixture()
def app(db_url: str, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[Flask]:
    db_dir = tmp_path
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db_url,
            "SECRET_KEY": "test-secret",
            "RATELIMIT_ENABLED": False,
            # Tests fill forms at machine speed; tests/test_bot_timing.py sets its own minimum.
            "FORM_MIN_SECONDS": 0,
            # Tasks are queued in this process and not run: tests of the queue and of mail
            # (tests/test_mail.py) run a worker of their own.
            "TASKS_URL": "memory://",
            "MAIL_DIR": str(db_dir / "mail"),
            # Each test its own page cache: a kept page never outlives its test's database.
            "PAGE_CACHE_URL": str(tmp_path_factory.mktemp("page-cache")),
            "EXPORT_DIR": str(db_dir / "exports"),
            "BULK_DIR": str(db_dir / "bulk"),
        }
    )
    yield app
    app.extensions["portal_engine"].dispose()


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def runner(app: Flask):  # type: ignore[no-untyped-def]
    return app.test_cli_runner()


def make_period(
    app: Flask, *, slug: str = "energy-2026", opens_in: timedelta = -timedelta(days=1),
    lasts: timedelta = timedelta(days=30),
) -> CommentPeriod:
    with app.app_context(), write_session() as session:
        pillar = session.query(Pillar).filter_by(number=1).one_or_none()
        if pillar is None:
            pillar = Pillar(number=1, slug="competitiveness", name_en="Competitiveness",
                            name_es="Competitividad", description_en="About competitiveness.",
                            description_es="Sobre la competitividad.")
            session.add(pillar)
        opens = utcnow() + opens_in
        period = CommentPeriod(
            pillar=pillar, slug=slug,
            docket_id=consultations.next_docket_id(session, opens.year),
            title_en="Energy and connectivity", title_es="Energía y conectividad",
            summary_en="Energy across the border.", summary_es="Energía en la frontera.",
            description_en="Tell us about energy.", description_es="Díganos sobre energía.",
            questions=[Question(position=1, text_en="What helps?", text_es="¿Qué ayuda?"),
                       Question(position=2, text_en="What hurts?", text_es="¿Qué estorba?")],
            opens_at=opens, closes_at=opens + lasts,
        )
        session.add(period)
        session.flush()
        for question in period.questions:
            session.expunge(question)
        session.expunge(period)
        return period


@pytest.fixture()
def open_period(app: Flask) -> CommentPeriod:
    return make_period(app)


@contextmanager
def db_session(app: Flask) -> Iterator[Session]:
    """A session on the test database outside any request, to look at what was stored."""
    with app.app_context():
        session = new_session()
        try:
            yield session
        finally:
            session.close()


@pytest.fixture()
def seeded(app: Flask) -> None:
    """What `flask seed` makes: three pillars, one open period each, their themes."""
    with app.app_context(), write_session() as session:
        seed(session)


# The hidden token field of any form, plain or with a form prefix (`t3-csrf_token`), whatever
# the order of its attributes.
_CSRF_FIELD = re.compile(r'<input\b[^>]*\bname="(?:[\w-]+-)?csrf_token"[^>]*>')
_VALUE = re.compile(r'\bvalue="([^"]+)"')


def csrf_from(html: str) -> str:
    """The CSRF token of the first form on a page. Every form of a session accepts it."""
    field = _CSRF_FIELD.search(html)
    value = _VALUE.search(field.group(0)) if field else None
    assert value, "no CSRF token on the page"
    return value.group(1)


def csrf_token(client: FlaskClient, url: str) -> str:
    """Open a page as the client would, and take the CSRF token from its form."""
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert _CSRF_FIELD.search(html), f"no CSRF token on {url} ({page.status_code})"
    return csrf_from(html)


def valid_comment(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "submitter_type": "business",
        "organization": "Transportes del Norte",
        "name": "Ana Martínez",
        "email": "ana@example.org",
        "country": "MX",
        "region": "Nuevo León",
        "subject": "Cruces fronterizos",
        "body": "Los cruces de camiones en Nuevo Laredo tardan horas; necesitamos preinspección.",
        "written_language": "",
        "consent_publish": "y",
    }
    data.update(overrides)
    return data


SHOWN_RE = re.compile(r'name="shown" type="hidden" value="([^"]+)"')


def shown_from(html: str) -> str:
    """The signed time the comment form was shown, from its hidden field."""
    found = SHOWN_RE.search(html)
    assert found, "no form time on the page"
    return found.group(1)


def post_comment(client: FlaskClient, lang: str, slug: str, **overrides: object):  # type: ignore[no-untyped-def]
    """Load the form and send it back with its hidden fields, as a browser does."""
    url = f"/{lang}/periods/{slug}/comment"
    page = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "shown": shown_from(page)}
    data.update(valid_comment(**overrides))
    return client.post(url, data=data)


PASSWORD = "correct horse battery staple"


def make_user(app: Flask, role: str, email: str | None = None) -> str:
    from portal.services import accounts

    email = email or f"{role}@example.org"
    with app.app_context(), write_session() as session:
        accounts.create_user(session, email, PASSWORD, role)
    return email


def sign_in(client: FlaskClient, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    token = csrf_token(client, "/en/staff/login")
    return client.post(
        "/en/staff/login", data={"email": email, "password": password, "csrf_token": token}
    )


def add_submission(app: Flask, period: CommentPeriod, *, enrich: bool = True,
                   **overrides: object) -> tuple[int, str]:
    """Store a comment through the real service and, unless told not to, enrich it as the
    worker would; returns (id, tracking number)."""
    from portal.services import submissions

    fields = {k: v for k, v in valid_comment().items() if k not in ("written_language",)}
    fields["consent_publish"] = True
    fields["declared_language"] = None
    fields.update(overrides)
    ui_language = str(fields.pop("ui_language", "es"))
    with app.app_context(), write_session() as session:
        stored = submissions.submit(session, submissions.prepare(
            session.get_one(CommentPeriod, period.id),
            submissions.SubmissionInput(**fields), ui_language=ui_language,  # type: ignore[arg-type]
        ))
        found = stored.id, stored.tracking_number
    if enrich:
        enrich_comments(app)
    return found


def enrich_comments(app: Flask) -> int:
    """Enrich the comments stored so far (language, HTML, themes, flags), as the worker's task
    `enrichment.run` does before it finds campaigns; returns how many were enriched."""
    from portal.services import enrichment

    with app.app_context():
        result = enrichment.enrich_due()
    assert result.failed == 0
    return result.enriched


def check_campaigns(app: Flask) -> int:
    """Find the campaigns of the comments stored so far, as the worker's task `campaigns.check`
    does (tests about detection, not about the queue); returns how many were checked."""
    from portal.services import campaigns

    with app.app_context():
        result = campaigns.check_due()
    assert result.failed == 0
    return result.checked


def publish(app: Flask, *submission_ids: int) -> None:
    """Publish comments through the real service, confirming their suggested themes first, as a
    bulk decision does."""
    from portal.models import Submission
    from portal.services import audit, moderation, themes

    with app.app_context(), write_session() as session:
        for submission_id in submission_ids:
            submission = session.get(Submission, submission_id)
            themes.confirm_suggestions_if_unreviewed(session, submission, audit.CLI)
            moderation.publish(session, submission, audit.CLI)


@pytest.fixture()
def moderator_client(app: Flask) -> FlaskClient:
    client = app.test_client()
    response = sign_in(client, make_user(app, "moderator"))
    assert response.status_code == 302
    return client
