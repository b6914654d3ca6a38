"""Repeated failed sign-ins neither reveal which accounts exist nor lock a staff member out
everywhere: an unknown email is answered exactly like a known one, and the wait falls on the
address that failed, per address and email, and per address."""

from __future__ import annotations

import re

from argon2 import extract_parameters
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.auth import lockout
from portal.models import AuditEvent
from portal.services import accounts
from tests.conftest import db_session, make_user, sign_in

TOKEN = re.compile(r'value="[^"]*"')


def _from(app: Flask, address: str) -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def _seen(response) -> tuple[int, str, str | None]:  # type: ignore[no-untyped-def]
    """What a person or a script can compare: status, the page without its form token and
    the typed email, and whether a Retry-After came."""
    html = TOKEN.sub("", response.get_data(as_text=True))
    html = html.replace("nobody@example.org", "EMAIL").replace("moderator@example.org", "EMAIL")
    return response.status_code, html, response.headers.get("Retry-After") and "yes"


def test_known_and_unknown_emails_are_answered_alike_before_and_after_the_lock(
    app: Flask
) -> None:
    known = make_user(app, "moderator")
    known_client, unknown_client = _from(app, "198.51.100.1"), _from(app, "198.51.100.2")
    for attempt in range(accounts.MAX_FAILURES + 2):
        a = _seen(sign_in(known_client, known, "wrong-password-123"))
        b = _seen(sign_in(unknown_client, "nobody@example.org", "wrong-password-123"))
        assert a == b, attempt
        assert a[0] == (401 if attempt < accounts.MAX_FAILURES - 1 else 429)


def test_an_unknown_email_costs_one_password_hash_like_a_known_one() -> None:
    # The refused and unknown paths verify against a hash made with the same parameters as real
    # ones, so they take the same time as checking a real password.
    real = accounts._hasher.hash("a real password of someone")
    assert extract_parameters(accounts._dummy_hash()) == extract_parameters(real)


def test_one_address_cannot_lock_a_staff_member_out_everywhere(app: Flask) -> None:
    email = make_user(app, "moderator")
    attacker = _from(app, "203.0.113.9")
    for _ in range(accounts.MAX_FAILURES * 3):
        sign_in(attacker, email, "guessing-password")
    assert sign_in(attacker, email).status_code == 429
    assert sign_in(_from(app, "198.51.100.50"), email).status_code == 302


def test_one_address_trying_many_emails_is_slowed_down(app: Flask) -> None:
    make_user(app, "moderator")
    attacker = _from(app, "203.0.113.10")
    limit = int(lockout.PER_ADDRESS.split()[0])
    statuses = [sign_in(attacker, f"user{n}@example.org", "guessing-password").status_code
                for n in range(limit + 1)]
    assert statuses[:limit - 1] == [401] * (limit - 1) and statuses[-1] == 429
    # Another address is not affected.
    assert sign_in(_from(app, "198.51.100.51"), "moderator@example.org").status_code == 302


def test_a_successful_sign_in_clears_the_failures_of_that_address_and_email(app: Flask) -> None:
    email = make_user(app, "moderator")
    client = _from(app, "198.51.100.60")
    for _ in range(accounts.MAX_FAILURES - 1):
        assert sign_in(client, email, "wrong-password-123").status_code == 401
    assert sign_in(client, email).status_code == 302
    fresh = _from(app, "198.51.100.60")
    for _ in range(accounts.MAX_FAILURES - 1):
        assert sign_in(fresh, email, "wrong-password-123").status_code == 401
    with db_session(app) as session:
        actions = list(session.scalars(select(AuditEvent.action)))
    assert actions.count("signin.failed") == 2 * (accounts.MAX_FAILURES - 1)
