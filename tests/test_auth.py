"""Staff accounts from the command line, sign-in with lockout, sign-out, cookie flags."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text

from portal.models import AuditEvent, User
from portal.services import accounts
from tests.conftest import PASSWORD, csrf_from, csrf_token, db_session, make_user, sign_in


def _user(app: Flask, email: str) -> User:
    with db_session(app) as session:
        user = accounts.by_email(session, email)
    assert user is not None
    return user


def _actions(app: Flask) -> list[str]:
    with db_session(app) as session:
        return list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_users_create_reads_password_from_stdin(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        args=["users", "create", "Mod@Example.org", "--role", "moderator", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert result.exit_code == 0, result.output
    user = _user(app, "mod@example.org")
    assert user.role == "moderator"
    assert user.password_hash.startswith("$argon2")
    assert PASSWORD not in user.password_hash


def test_users_create_asks_twice_and_refuses_mismatch(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    result = runner.invoke(
        args=["users", "create", "p@example.org", "--role", "planner"],
        input=f"{PASSWORD}\n{PASSWORD}x\n{PASSWORD}\n{PASSWORD}\n",
    )
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    assert _user(app, "p@example.org").role == "planner"


def test_users_create_refuses_short_password_and_duplicates(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    short = runner.invoke(
        args=["users", "create", "a@example.org", "--role", "admin", "--password-stdin"],
        input="short\n",
    )
    assert short.exit_code == 1 and "at least 12" in short.output
    make_user(app, "admin", "a@example.org")
    again = runner.invoke(
        args=["users", "create", "a@example.org", "--role", "admin", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert again.exit_code == 1 and "already has an account" in again.output


def test_users_list_disable_and_set_role(app: Flask, runner) -> None:  # type: ignore[no-untyped-def]
    make_user(app, "moderator", "m@example.org")
    assert runner.invoke(args=["users", "set-role", "m@example.org", "admin"]).exit_code == 0
    assert runner.invoke(args=["users", "disable", "m@example.org"]).exit_code == 0
    listing = runner.invoke(args=["users", "list"]).output
    assert "m@example.org\tadmin\tdisabled" in listing
    missing = runner.invoke(args=["users", "disable", "nobody@example.org"])
    assert missing.exit_code == 1
    assert _actions(app) == ["user.create", "user.set_role", "user.disable"]


def test_sign_in_and_out(app: Flask, client: FlaskClient) -> None:
    email = make_user(app, "moderator")
    response = sign_in(client, email.upper())
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/en/moderation/")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    queue = client.get("/en/moderation/").get_data(as_text=True)
    assert "Sign out" in queue and "Awaiting review (0)" in queue
    out = client.post("/en/staff/logout", data={"csrf_token": csrf_from(queue)})
    assert out.status_code == 302
    assert client.get("/en/moderation/").status_code == 302
    assert _actions(app)[-2:] == ["signin", "signout"]


def test_wrong_email_or_password_get_the_same_generic_message(
    app: Flask, client: FlaskClient
) -> None:
    email = make_user(app, "moderator")
    wrong_password = sign_in(client, email, "not the password at all")
    unknown = sign_in(client, "nobody@example.org")
    assert wrong_password.status_code == unknown.status_code == 401
    message = "The email address or password is not right."
    assert message in wrong_password.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_lockout_after_repeated_failures_with_a_time(app: Flask, client: FlaskClient) -> None:
    email = make_user(app, "moderator")
    for _ in range(accounts.MAX_FAILURES - 1):
        assert sign_in(client, email, "wrong-password-123").status_code == 401
    locked = sign_in(client, email, "wrong-password-123")
    assert locked.status_code == 429
    assert "Please try again after" in locked.get_data(as_text=True)
    assert int(locked.headers["Retry-After"]) > 0
    # Even the right password is refused from this address while it waits.
    assert sign_in(client, email).status_code == 429
    # From another address the person signs in as usual: nobody can lock them out everywhere.
    elsewhere = app.test_client()
    elsewhere.environ_base["REMOTE_ADDR"] = "192.0.2.77"
    assert sign_in(elsewhere, email).status_code == 302


def test_lockout_message_in_spanish(app: Flask, client: FlaskClient) -> None:
    email = make_user(app, "moderator")
    for _ in range(accounts.MAX_FAILURES):
        response = client.post("/es/staff/login", data={
            "email": email, "password": "wrong-password-123",
            "csrf_token": csrf_token(client, "/es/staff/login")})
    assert "Demasiados intentos fallidos" in response.get_data(as_text=True)


def test_disabled_account_cannot_sign_in_and_loses_its_session(
    app: Flask, client: FlaskClient, runner  # type: ignore[no-untyped-def]
) -> None:
    email = make_user(app, "moderator")
    assert sign_in(client, email).status_code == 302
    runner.invoke(args=["users", "disable", email])
    assert client.get("/en/moderation/").status_code == 302
    assert sign_in(client, email).status_code == 401


def test_next_parameter_only_goes_to_this_site(app: Flask, client: FlaskClient) -> None:
    email = make_user(app, "moderator")
    response = client.post(
        "/en/staff/login?next=https://evil.example/steal",
        data={"email": email, "password": PASSWORD,
              "csrf_token": csrf_token(client, "/en/staff/login")},
    )
    assert response.headers["Location"].endswith("/en/moderation/")


def test_audit_trail_refuses_update_and_delete(app: Flask, client: FlaskClient) -> None:
    import pytest
    from sqlalchemy.exc import DatabaseError

    sign_in(client, make_user(app, "moderator"))
    for statement in ("UPDATE audit_events SET actor = 'someone else'",
                      "DELETE FROM audit_events"):
        with db_session(app) as session, pytest.raises(DatabaseError, match="append-only"):
            session.execute(text(statement))
            session.commit()
    assert _actions(app) == ["user.create", "signin"]


@pytest.mark.parametrize(
    ("role", "home", "heading"),
    [("moderator", "/en/moderation/", "Moderation queue"),
     ("planner", "/en/planning/", "Planning summaries"),
     ("admin", "/en/admin/", "Administration")],
)
def test_staff_land_where_they_work(app: Flask, role: str, home: str, heading: str) -> None:
    client = app.test_client()
    response = sign_in(client, make_user(app, role))
    assert response.status_code == 302 and response.headers["Location"] == home
    landing = client.get(home)
    assert landing.status_code == 200
    assert f"<h1>{heading}</h1>" in landing.get_data(as_text=True)
    # Coming back to the sign-in page while signed in leads to the same place.
    assert client.get("/en/staff/login").headers["Location"] == home
