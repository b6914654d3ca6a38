"""No form sends a browser to another site: every target a request names is checked by one
function (portal/redirects.py)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from portal.models import CommentPeriod
from portal.redirects import safe_target
from tests.conftest import PASSWORD, add_submission, csrf_from, csrf_token, make_user

# Each of these reaches another site once a browser has read it (tabs and line breaks dropped,
# a backslash read as a slash).
HOSTILE = [
    "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/\\evil.example",
    "\\\\evil.example", "//evil.example", "https://evil.example/", "/ /evil.example",
    "javascript:alert(1)", " //evil.example", "/\x0b/evil.example", "evil.example",
]


@pytest.mark.parametrize("target", HOSTILE)
def test_safe_target_refuses_other_sites(target: str) -> None:
    assert safe_target(target, "/en/") == "/en/"


def test_safe_target_keeps_paths_of_this_site() -> None:
    path = "/en/moderation/?period=3&flag=any"
    assert safe_target(path, "/x") == path


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\\evil.example", "/\n/evil.example"])
def test_bulk_form_back_field_stays_on_the_site(
    app: Flask, moderator_client: FlaskClient, open_period: CommentPeriod, target: str
) -> None:
    submission_id, _ = add_submission(app, open_period)
    token = csrf_from(moderator_client.get("/en/moderation/").get_data(as_text=True))
    response = moderator_client.post("/en/moderation/bulk", data={
        "csrf_token": token, "ids": str(submission_id), "action": "publish", "back": target})
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/moderation/"


@pytest.mark.parametrize("target", ["/\t/evil.example", "/\\evil.example"])
def test_sign_in_next_stays_on_the_site(app: Flask, client: FlaskClient, target: str) -> None:
    email = make_user(app, "moderator")
    response = client.post("/en/staff/login", query_string={"next": target}, data={
        "email": email, "password": PASSWORD, "csrf_token": csrf_token(client, "/en/staff/login")})
    assert response.status_code == 302
    assert response.headers["Location"] == "/en/moderation/"
