"""While the database does not answer, pages say so with a 503, a Retry-After and a page in the
reader's language (the API in its JSON error shape), as /healthz already does, not a 500."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.db import make_engine
from portal.models import CommentPeriod
from tests.conftest import csrf_from, make_user, sign_in, valid_comment

UNREACHABLE = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:1/gone?connect_timeout=2",
    "sqlite": "sqlite:////nonexistent-portal-dir/gone/portal.sqlite3",
}


@pytest.fixture(params=sorted(UNREACHABLE))
def broken(request: pytest.FixtureRequest, app: Flask, open_period: CommentPeriod
           ) -> Iterator[tuple[Flask, FlaskClient, FlaskClient, str]]:
    """The app after start-up, once with a staff member signed in, then its database gone."""
    visitor = app.test_client()
    form = visitor.get(f"/es/periods/{open_period.slug}/comment").get_data(as_text=True)
    staff = app.test_client()
    assert sign_in(staff, make_user(app, "admin")).status_code == 302
    assert staff.get("/en/moderation/").status_code == 200
    engine = make_engine(UNREACHABLE[request.param])
    app.extensions["portal_sessionmaker"].configure(bind=engine)
    yield app, visitor, staff, csrf_from(form)
    engine.dispose()


def test_pages_answer_503_in_the_readers_language(
    broken: tuple[Flask, FlaskClient, FlaskClient, str], open_period: CommentPeriod
) -> None:
    _app, visitor, staff, _token = broken
    for client, path, text in [
        (visitor, "/es/", "El sitio no está disponible por un momento"),
        (visitor, f"/en/periods/{open_period.slug}", "The site is unavailable for a moment"),
        (visitor, f"/es/periods/{open_period.slug}/comments", "no está disponible"),
        (staff, "/en/moderation/", "The site is unavailable for a moment"),
        (staff, "/es/admin/users", "no está disponible"),
    ]:
        response = client.get(path)
        assert response.status_code == 503, path
        assert response.headers["Retry-After"] == "30"
        assert text in response.get_data(as_text=True), path
        assert response.headers["Content-Type"].startswith("text/html")


def test_a_comment_sent_during_the_outage_gets_503_not_a_receipt(
    broken: tuple[Flask, FlaskClient, FlaskClient, str], open_period: CommentPeriod
) -> None:
    _app, visitor, _staff, token = broken
    response = visitor.post(f"/es/periods/{open_period.slug}/comment",
                            data={**valid_comment(), "csrf_token": token})
    assert response.status_code == 503
    assert "guarde una copia" in response.get_data(as_text=True)


def test_api_answers_503_in_its_json_shape_and_healthz_agrees(
    broken: tuple[Flask, FlaskClient, FlaskClient, str], open_period: CommentPeriod
) -> None:
    _app, visitor, _staff, _token = broken
    response = visitor.get("/api/v1/periods?lang=es")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.get_json()["error"]["code"] == "unavailable"
    health = visitor.get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["database"] == "unavailable"
