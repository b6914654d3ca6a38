"""Following a pillar or a period by email: double opt-in, notices, one-click unsubscribe."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import timedelta
from email.message import EmailMessage

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import func, select

from portal import create_app
from portal.db import write_session
from portal.models import CommentPeriod, Follower, MessageKind, OutboxMessage
from portal.models.types import utcnow
from portal.services import audit, deadlines, following
from tests.conftest import db_session, make_period
from tests.mail_support import SmtpServer, consumer_thread, text_part, wait_for
from tests.test_mail import BASE, settings


@pytest.fixture()
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture()
def mail_app(db_url: str, smtp: SmtpServer) -> Iterator[Flask]:
    app = create_app(settings(db_url, smtp.url))
    yield app
    app.extensions["portal_engine"].dispose()


def ask_to_follow(client: FlaskClient, lang: str, period: CommentPeriod, email: str,
                  language: str):  # type: ignore[no-untyped-def]
    # The form sits on a page every visitor shares from the page cache: no CSRF token.
    assert 'name="csrf_token"' not in client.get(f"/{lang}/periods/{period.slug}").text
    return client.post(f"/{lang}/periods/{period.slug}/follow",
                       data={"email": email, "language": language})


def link_in(message: EmailMessage, path: str) -> str:
    found = re.search(rf"{re.escape(BASE)}(/\w\w/{path}/\S+)", text_part(message))
    assert found, f"no {path} link in the message"
    return found.group(1)


def followers(app: Flask) -> list[Follower]:
    with db_session(app) as session:
        return list(session.scalars(select(Follower)))


def extend(app: Flask, period: CommentPeriod, days: int) -> None:
    with app.app_context(), write_session() as session:
        found = session.get(CommentPeriod, period.id)
        assert found is not None
        deadlines.extend(session, audit.CLI, found, found.closes_at + timedelta(days=days))


def test_follow_confirm_notice_and_one_click_unsubscribe(mail_app: Flask,
                                                         smtp: SmtpServer) -> None:
    period = make_period(mail_app)
    client = mail_app.test_client()
    page = client.get(f"/es/periods/{period.slug}").get_data(as_text=True)
    assert "Seguir este periodo de comentarios" in page
    with consumer_thread(mail_app):
        response = ask_to_follow(client, "es", period, "Lucia@Example.org", "es")
        assert response.status_code == 303
        assert "Revise su correo" in client.get(response.headers["Location"]).get_data(
            as_text=True)
        # Asking twice keeps one follower.
        assert ask_to_follow(client, "es", period, "lucia@example.org", "es").status_code == 303
        wait_for(lambda: len(smtp.mailbox.received()) == 2, "two confirmation messages")
        assert len(followers(mail_app)) == 1 and followers(mail_app)[0].confirmed_at is None
        # Before confirming, a change of deadline reaches nobody.
        extend(mail_app, period, 1)
        confirm = smtp.mailbox.received()[-1]
        assert confirm["Content-Language"] == "es" and "Confirme" in confirm["Subject"]
        assert "List-Unsubscribe" not in confirm
        done = client.get(link_in(confirm, "follow/confirm")).get_data(as_text=True)
        assert "Ya está siguiendo" in done and "Energía y conectividad" in done
        assert followers(mail_app)[0].confirmed_at is not None

        extend(mail_app, period, 2)
        wait_for(lambda: len(smtp.mailbox.received()) == 3, "the notice")
        notice = smtp.mailbox.received()[-1]
    assert notice["To"] == "lucia@example.org" and notice["Content-Language"] == "es"
    assert "Se amplió un plazo" in notice["Subject"]
    assert "El plazo de Energía y conectividad se amplió" in text_part(notice)
    assert notice["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    unsubscribe_url = notice["List-Unsubscribe"].strip("<>")
    assert unsubscribe_url.startswith(f"{BASE}/es/unsubscribe/")
    assert link_in(notice, "unsubscribe") == unsubscribe_url.removeprefix(BASE)
    # A mail scanner opening the link unsubscribes nobody; the one-click POST, with no
    # CSRF token, does.
    path = unsubscribe_url.removeprefix(BASE)
    assert "lucia@example.org" in mail_app.test_client().get(path).get_data(as_text=True)
    assert len(followers(mail_app)) == 1
    one_click = mail_app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 200
    assert "ya no sigue" in one_click.get_data(as_text=True)
    assert followers(mail_app) == []
    again = mail_app.test_client().post(path, data={"List-Unsubscribe": "One-Click"})
    assert again.status_code == 200 and "no está en nuestra lista" in again.get_data(
        as_text=True)
    before = _notices(mail_app)
    extend(mail_app, period, 3)
    assert _notices(mail_app) == before


def _notices(app: Flask) -> int:
    with db_session(app) as session:
        return session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.kind == MessageKind.NOTICE)) or 0


def _confirmed_follower(app: Flask, email: str, target: str, period: CommentPeriod,
                        language: str = "en") -> int:
    with app.app_context(), write_session() as session:
        found = session.get(CommentPeriod, period.id)
        assert found is not None
        follower = following.request_follow(
            session, email, language,
            period=found if target == "period" else None,
            pillar=found.pillar if target == "pillar" else None)
        follower.confirmed_at = utcnow()
        return follower.id


def test_tampered_and_expired_links_get_a_clear_page(mail_app: Flask) -> None:
    period = make_period(mail_app)
    follower_id = _confirmed_follower(mail_app, "ana@example.org", "period", period)
    with mail_app.app_context(), db_session(mail_app) as session:
        follower = session.get(Follower, follower_id)
        assert follower is not None
        good = following.sign(follower, "test-secret", following.UNSUBSCRIBE_SALT)

    class LongAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 3 * 365 * 24 * 3600

    old = URLSafeTimedSerializer("test-secret", salt=following.UNSUBSCRIBE_SALT,
                                 signer=LongAgo).dumps({"f": follower_id,
                                                        "e": "ana@example.org"})
    client = mail_app.test_client()
    tampered = good[:-3] + ("aaa" if not good.endswith("aaa") else "bbb")
    for path, methods in ((f"/en/unsubscribe/{tampered}", (client.get, client.post)),
                          ("/en/unsubscribe/nonsense", (client.get, client.post)),
                          # an unsubscribe link used to confirm: signed for another purpose
                          (f"/es/follow/confirm/{good}", (client.get,))):
        for method in methods:
            response = method(path)
            assert response.status_code == 400, path
            text = response.get_data(as_text=True)
            assert "This link does not work" in text or "Este enlace no funciona" in text
    expired = client.post(f"/en/unsubscribe/{old}")
    assert expired.status_code == 400 and "This link has expired" in expired.get_data(
        as_text=True)
    assert len(followers(mail_app)) == 1
    assert client.post(f"/en/unsubscribe/{good}").status_code == 200
    assert followers(mail_app) == []


def test_follow_form_errors_are_translated_and_keep_the_text(mail_app: Flask) -> None:
    period = make_period(mail_app)
    client = mail_app.test_client()
    response = ask_to_follow(client, "es", period, "no es un correo", "es")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Escriba un correo electrónico como nombre@ejemplo.org." in html
    assert 'value="no es un correo"' in html
    wrong = ask_to_follow(client, "es", period, "ana@example.org", "fr")
    assert wrong.status_code == 422 and "Elija un idioma." in wrong.get_data(as_text=True)
    assert followers(mail_app) == []


def test_a_pillar_follower_hears_of_a_new_period_and_of_moments_once(
        mail_app: Flask) -> None:
    period = make_period(mail_app)
    _confirmed_follower(mail_app, "both@example.org", "pillar", period, "es")
    _confirmed_follower(mail_app, "both@example.org", "period", period, "es")
    # A period that closes in three days: announced once, however often the task runs.
    closing = make_period(mail_app, slug="closing-soon", opens_in=-timedelta(days=10),
                          lasts=timedelta(days=13, hours=-1))
    with mail_app.app_context(), write_session() as session:
        first = following.announce_moments(session)
    with mail_app.app_context(), write_session() as session:
        second = following.announce_moments(session)
    assert (first, second) == (1, 0)
    with db_session(mail_app) as session:
        [row] = session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == MessageKind.NOTICE))
        assert row.period_id == closing.id and row.data["notice"] == "period.closing"
    # Following a pillar and one of its periods: one notice per event, not two.
    extend(mail_app, period, 1)
    assert _notices(mail_app) == 2
