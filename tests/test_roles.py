"""Every staff route, for anonymous visitors and each role: sign-in, 403, or allowed."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.models import CommentPeriod
from tests.conftest import add_submission, make_user, sign_in

# endpoint -> (method, roles allowed besides admin)
STAFF_ROUTES: dict[str, tuple[str, set[str]]] = {
    "moderation.queue": ("GET", {"moderator"}),
    "moderation.review": ("GET", {"moderator"}),
    "moderation.bulk": ("POST", {"moderator"}),
    "moderation.publish": ("POST", {"moderator"}),
    "moderation.reject": ("POST", {"moderator"}),
    "moderation.edit": ("POST", {"moderator"}),
    "moderation.save_themes": ("POST", {"moderator"}),
    "planning.index": ("GET", {"planner"}),
    "planning.summary": ("GET", {"planner"}),
    "planning.export": ("GET", {"planner"}),
    "planning.theme_list": ("GET", set()),
    "planning.theme_update": ("POST", set()),
    "admin.home": ("GET", set()),
}
STAFF_PREFIXES = ("moderation.", "planning.", "admin.")


def test_matrix_covers_every_staff_route(app: Flask) -> None:
    staff = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith(STAFF_PREFIXES)}
    assert staff == set(STAFF_ROUTES), "add new staff routes to STAFF_ROUTES"


def _url(app: Flask, endpoint: str, submission_id: int) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values: dict[str, object] = {"lang": "en"}
    if "submission_id" in rule.arguments:
        values["submission_id"] = submission_id
    if "kind" in rule.arguments:
        values.update(kind="periods", slug="energy-2026")
    if "theme_id" in rule.arguments:
        values["theme_id"] = 1
    if endpoint == "planning.export":
        values["format"] = "csv"
    with app.test_request_context():
        from flask import url_for

        return url_for(endpoint, **values)


@pytest.mark.parametrize("who", ["anonymous", "moderator", "planner", "admin"])
def test_role_matrix(app: Flask, open_period: CommentPeriod, who: str) -> None:
    submission_id, _ = add_submission(app, open_period)
    client: FlaskClient = app.test_client()
    if who != "anonymous":
        assert sign_in(client, make_user(app, who)).status_code == 302
    # Signed-in staff find a token in the sign-out form on every page; visitors on the form.
    page = client.get("/en/" if who != "anonymous" else "/en/staff/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    for endpoint, (method, roles) in STAFF_ROUTES.items():
        url = _url(app, endpoint, submission_id)
        if method == "GET":
            response = client.get(url)
        else:
            # A harmless body: a wrong version or nothing selected, so nothing is decided.
            assert token
            data = {"csrf_token": token.group(1), "version": 999}
            response = client.post(url, data=data)
        if who == "anonymous":
            assert response.status_code == 302, endpoint
            assert "/staff/login" in response.headers["Location"], endpoint
        elif who == "admin" or who in roles:
            assert response.status_code not in (302, 401, 403), (endpoint, response.status_code)
        else:
            assert response.status_code == 403, (endpoint, response.status_code)
