"""Fixtures: a real database (SQLite file, or PORTAL_TEST_DATABASE_URL) migrated by Alembic.

Each test starts from empty tables, so tests do not depend on their order.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from alembic import command
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from portal import create_app
from portal.cli import alembic_config
from portal.db import Base, make_engine, write_session
from portal.models import CommentPeriod, Pillar
from portal.models.types import utcnow
from portal.resources import CHECKOUT, compile_catalogs
from portal.services import consultations

TEST_DB_ENV = "PORTAL_TEST_DATABASE_URL"


def pytest_configure(config: pytest.Config) -> None:
    """Compile missing or stale catalogs, so `pytest` alone shows Spanish pages in Spanish.

    Only the main process does it, before any xdist worker starts.
    """
    if not hasattr(config, "workerinput"):
        compile_catalogs(CHECKOUT / "translations", CHECKOUT / "translations", only_stale=True)


def database_url(tmp_dir: Path) -> str:
    return os.environ.get(TEST_DB_ENV) or f"sqlite:///{tmp_dir / 'test.sqlite3'}"


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrate once per run: the PostgreSQL test database, or a template SQLite file."""
    url = database_url(tmp_path_factory.mktemp("db"))
    engine = make_engine(url)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()
    command.upgrade(alembic_config(url), "head")
    return url


@pytest.fixture()
def db_url(migrated_database: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    """An empty, migrated database for one test."""
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
def app(db_url: str) -> Iterator[Flask]:
    app = create_app(
        {
            "TESTING": True,
            "DATABASE_URL": db_url,
            "SECRET_KEY": "test-secret",
            "RATELIMIT_ENABLED": False,
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
            description_en="Tell us about energy.", description_es="Díganos sobre energía.",
            questions_en="What helps?\nWhat hurts?", questions_es="¿Qué ayuda?\n¿Qué estorba?",
            opens_at=opens, closes_at=opens + lasts,
        )
        session.add(period)
        session.flush()
        session.expunge(period)
        return period


@pytest.fixture()
def open_period(app: Flask) -> CommentPeriod:
    return make_period(app)


CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def csrf_token(client: FlaskClient, url: str) -> str:
    page = client.get(url)
    match = CSRF_RE.search(page.get_data(as_text=True))
    assert match, f"no CSRF token on {url} ({page.status_code})"
    return match.group(1)


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


def post_comment(client: FlaskClient, lang: str, slug: str, **overrides: object):  # type: ignore[no-untyped-def]
    url = f"/{lang}/periods/{slug}/comment"
    data = valid_comment(**overrides)
    data["csrf_token"] = csrf_token(client, url)
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


def add_submission(app: Flask, period: CommentPeriod, **overrides: object) -> tuple[int, str]:
    """Store a comment through the real service; returns (id, tracking number)."""
    from portal.services import submissions

    fields = {k: v for k, v in valid_comment().items() if k not in ("written_language",)}
    fields["consent_publish"] = True
    fields["declared_language"] = None
    fields.update(overrides)
    ui_language = str(fields.pop("ui_language", "es"))
    with app.app_context(), write_session() as session:
        stored = submissions.submit(
            session, session.get(CommentPeriod, period.id),
            submissions.SubmissionInput(**fields), ui_language=ui_language,  # type: ignore[arg-type]
        )
        return stored.id, stored.tracking_number


@pytest.fixture()
def moderator_client(app: Flask) -> FlaskClient:
    client = app.test_client()
    response = sign_in(client, make_user(app, "moderator"))
    assert response.status_code == 302
    return client
