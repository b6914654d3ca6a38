"""Response headers a careful site sends: HSTS over HTTPS, no caching of staff pages or of
anything showing one person's data, and HEAD answering like GET everywhere."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal import create_app
from portal.models import CommentPeriod
from tests.conftest import add_submission, make_user, sign_in
from tests.export_support import export_file

ARGS = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def _paths(app: Flask, slug: str, tracking: str, submission_id: int) -> list[str]:
    """One concrete address for every GET route."""
    values = {"lang": "en", "slug": slug, "key": slug, "tracking": tracking,
              "filename": "portal.css"}
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()):
            continue
        paths.append(ARGS.sub(
            lambda m: "periods" if m.group(1) == "any" else
            str(submission_id) if m.group(1) == "id" else values.get(m.group(2), slug),
            rule.rule))
    return paths


def test_head_answers_like_get_on_every_page(
    app: Flask, client: FlaskClient, open_period: CommentPeriod
) -> None:
    submission_id, tracking = add_submission(app, open_period)
    sign_in(client, make_user(app, "admin"))
    paths = _paths(app, open_period.slug, tracking, submission_id)
    assert len(paths) > 30
    for path in paths:
        with client.get(path) as get, client.head(path) as head:
            assert head.status_code == get.status_code, (path, head.status_code,
                                                         get.status_code)
            assert head.headers.get("Content-Type") == get.headers.get("Content-Type"), path
            assert head.get_data() == b"", path


def test_head_of_the_comment_form_is_200_for_a_visitor(
    client: FlaskClient, open_period: CommentPeriod
) -> None:
    assert client.head(f"/es/periods/{open_period.slug}/comment").status_code == 200


def test_staff_pages_and_personal_data_are_never_stored(
    app: Flask, client: FlaskClient, open_period: CommentPeriod
) -> None:
    _id, tracking = add_submission(app, open_period)
    slug = open_period.slug
    for path in (f"/es/receipts/{tracking}", f"/es/receipts/{tracking}/record.json",
                 f"/en/periods/{slug}/comment", "/en/staff/login", "/en/receipts"):
        assert "no-store" in _directives(client.get(path)), path
    # Public pages keep their own caching.
    assert "no-store" not in _directives(client.get(f"/en/periods/{slug}"))
    sign_in(client, make_user(app, "admin"))
    for path in ("/en/moderation/", f"/en/moderation/submissions/{_id}", "/en/planning/",
                 "/en/admin/", "/en/admin/users", f"/en/periods/{slug}", "/en/planning/exports/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in _directives(response), path
    download = export_file(client, f"/en/planning/periods/{slug}/export",
                           {"format": "csv", "contacts": "1", "language": "en"})
    assert download.status_code == 200
    assert "no-store" in _directives(download)


@pytest.mark.parametrize(("env", "https", "expected"), [
    ({"PORTAL_COOKIE_SECURE": "1"}, True, "max-age=31536000; includeSubDomains"),
    ({"PORTAL_HSTS": "600"}, True, "max-age=600; includeSubDomains"),
    ({"PORTAL_COOKIE_SECURE": "1"}, False, None),  # never over plain HTTP
    ({}, True, None),  # off unless asked for
    ({"PORTAL_COOKIE_SECURE": "1", "PORTAL_HSTS": "0"}, True, None),
])
def test_hsts_over_https_when_configured(
    db_url: str, monkeypatch: pytest.MonkeyPatch, env: dict[str, str], https: bool,
    expected: str | None
) -> None:
    for name in ("PORTAL_COOKIE_SECURE", "PORTAL_HSTS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = create_app({"TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "x" * 32})
    try:
        response = app.test_client().get(
            "/en/", base_url="https://localhost" if https else "http://localhost")
        assert response.headers.get("Strict-Transport-Security") == expected
    finally:
        app.extensions["portal_engine"].dispose()


def _directives(response) -> set[str]:  # type: ignore[no-untyped-def]
    """The Cache-Control directives of a response ("private, no-store" → both)."""
    value = response.headers.get("Cache-Control") or ""
    return {part.strip() for part in value.split(",") if part.strip()}
