"""Ending a session really ends it: a copy of the cookie taken before stops opening staff pages.

Flask's session is a signed cookie, so signing out in one browser cannot delete a copy kept
elsewhere; each account's session version, written into the cookie and raised on sign-out, a new
password or role, disabling, or an admin's "end all sessions", is what makes the copy worthless.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.db import write_session
from portal.models import AuditEvent
from portal.services import accounts
from tests.conftest import PASSWORD, csrf_from, db_session, make_user, sign_in

QUEUE = "/en/moderation/"


def _copy_session(app: Flask, client: FlaskClient) -> FlaskClient:
    """Another client holding the same session cookie: a second tab, or a stolen cookie."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    thief = app.test_client()
    thief.set_cookie("session", cookie.value)
    return thief


def _signed_in(app: Flask, role: str = "moderator", email: str | None = None
               ) -> tuple[str, FlaskClient]:
    email = make_user(app, role, email)
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return email, client


def test_a_cookie_copied_before_sign_out_no_longer_opens_staff_pages(app: Flask) -> None:
    _email, client = _signed_in(app)
    thief = _copy_session(app, client)
    assert thief.get(QUEUE).status_code == 200
    page = client.get(QUEUE).get_data(as_text=True)
    assert client.post("/en/staff/logout", data={"csrf_token": csrf_from(page)}).status_code == 302
    refused = thief.get(QUEUE)
    assert refused.status_code == 302
    assert "/en/staff/login" in refused.headers["Location"]


def _set_password(app: Flask, email: str) -> None:
    with app.app_context(), write_session() as session:
        accounts.set_password(session, email, "another long password 42")


def _set_role(app: Flask, email: str) -> None:
    with app.app_context(), write_session() as session:
        accounts.set_role(session, email, "admin")


def _disable(app: Flask, email: str) -> None:
    with app.app_context(), write_session() as session:
        accounts.set_active(session, email, False)


@pytest.mark.parametrize("change", [_set_password, _set_role, _disable])
def test_password_role_change_and_disabling_end_every_session(
    app: Flask, change: Callable[[Flask, str], None]
) -> None:
    email, client = _signed_in(app)
    other_browser = app.test_client()
    assert sign_in(other_browser, email).status_code == 302
    change(app, email)
    assert client.get(QUEUE).status_code == 302
    assert other_browser.get(QUEUE).status_code == 302


def test_a_session_of_another_account_is_untouched(app: Flask) -> None:
    _email, client = _signed_in(app)
    other, other_client = _signed_in(app, "moderator", "second@example.org")
    with app.app_context(), write_session() as session:
        accounts.end_all_sessions(session, other)
    assert client.get(QUEUE).status_code == 200
    assert other_client.get(QUEUE).status_code == 302
    # The person signs in again and works as before.
    assert sign_in(other_client, other).status_code == 302
    assert other_client.get(QUEUE).status_code == 200


def test_an_admin_ends_every_session_of_a_user_from_the_page(app: Flask) -> None:
    email, client = _signed_in(app)
    _admin, admin = _signed_in(app, "admin")
    page = admin.get("/es/admin/users")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert email in html and "Terminar todas las sesiones" in html
    with db_session(app) as session:
        user = accounts.by_email(session, email)
        assert user is not None
        user_id = user.id
    done = admin.post(f"/es/admin/users/{user_id}/end-sessions",
                      data={"csrf_token": csrf_from(html)})
    assert done.status_code == 303
    assert "sesión" in admin.get(done.headers["Location"]).get_data(as_text=True)
    assert client.get(QUEUE).status_code == 302
    assert admin.get("/en/admin/").status_code == 200  # the admin's own session goes on
    with db_session(app) as session:
        actions = list(session.scalars(select(AuditEvent.action)))
    assert "user.end_sessions" in actions
    # Only admins reach the page and the button.
    assert client.get("/en/admin/users").status_code == 302
    _mod, moderator = _signed_in(app, "moderator", "mod2@example.org")
    assert moderator.get("/en/admin/users").status_code == 403


def test_cli_end_sessions_and_set_password(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    email, client = _signed_in(app)
    result = runner.invoke(args=["users", "end-sessions", email])
    assert result.exit_code == 0, result.output
    assert client.get(QUEUE).status_code == 302
    assert sign_in(client, email).status_code == 302
    result = runner.invoke(args=["users", "set-password", email, "--password-stdin"],
                           input="a brand new passphrase\n")
    assert result.exit_code == 0, result.output
    assert client.get(QUEUE).status_code == 302
    assert sign_in(client, email, PASSWORD).status_code == 401
    assert sign_in(client, email, "a brand new passphrase").status_code == 302
    unknown = runner.invoke(args=["users", "end-sessions", "nobody@example.org"])
    assert unknown.exit_code != 0 and "no account" in unknown.output
