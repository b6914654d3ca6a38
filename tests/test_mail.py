"""Mail through the outbox and the task queue: a real SMTP server (aiosmtpd) in this process,
and a real Huey consumer, in a thread or as `flask --app portal worker` in a process."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from portal import create_app
from portal.db import write_session
from portal.models import MessageKind, OutboxMessage, OutboxState, Submission
from portal.services import audit, moderation
from tests.conftest import (
    add_submission,
    csrf_from,
    db_session,
    make_period,
    make_user,
    post_comment,
    sign_in,
)
from tests.mail_support import (
    SmtpServer,
    WorkerProcess,
    consumer_thread,
    free_port,
    html_part,
    text_part,
    wait_for,
)

BASE = "http://portal.test"


def settings(db_url: str, smtp_url: str, **more: object) -> dict[str, object]:
    return {
        "TESTING": True, "DATABASE_URL": db_url, "SECRET_KEY": "test-secret",
        "RATELIMIT_ENABLED": False, "FORM_MIN_SECONDS": 0, "TASKS_URL": "memory://",
        "SMTP_URL": smtp_url, "BASE_URL": BASE,
        "MAIL_FROM": "Consulta HLED <consulta@portal.test>", **more,
    }


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


def rows(app: Flask) -> list[OutboxMessage]:
    with db_session(app) as session:
        return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def moderator(app: Flask) -> FlaskClient:
    client = app.test_client()
    assert sign_in(client, make_user(app, "moderator")).status_code == 302
    return client


def decide(client: FlaskClient, submission_id: int, action: str, **data: object) -> None:
    review = f"/en/moderation/submissions/{submission_id}"
    html = client.get(review).get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', html)
    assert version
    response = client.post(f"{review}/{action}", data={
        "csrf_token": csrf_from(html), "version": version.group(1), **data})
    assert response.status_code == 303


def test_a_spanish_comment_gets_one_spanish_receipt_by_email(
        mail_app: Flask, smtp: SmtpServer) -> None:
    period = make_period(mail_app)
    with consumer_thread(mail_app):
        response = post_comment(mail_app.test_client(), "es", period.slug,
                                email="ana@example.org")
        assert response.status_code == 303
        tracking = response.headers["Location"].split("/receipts/")[1].split("?")[0]
        [message] = wait_for(smtp.mailbox.received, "the receipt")
        wait_for(lambda: rows(mail_app)[0].state is OutboxState.SENT, "the row marked sent")
    assert message["To"] == "ana@example.org"
    assert message["Content-Language"] == "es"
    assert tracking in message["Subject"] and "Recibimos su comentario" in message["Subject"]
    text = text_part(message)
    assert f"{BASE}/es/receipts/{tracking}" in text
    assert "Energía y conectividad" in text and period.docket_id in text
    assert "Cruces fronterizos" in text  # the subject
    assert "Los cruces de camiones en Nuevo Laredo" in text  # the first lines
    assert "Qué pasa ahora" in text and "SHA-256" in text
    with db_session(mail_app) as session:
        digest = session.scalar(select(Submission.digest))
    assert digest and digest in text
    html = html_part(message)
    assert '<html lang="es">' in html and f'href="{BASE}/es/receipts/{tracking}"' in html
    # Once, with a Message-ID made from the outbox row, and nothing left to send.
    [row] = rows(mail_app)
    assert row.kind is MessageKind.RECEIPT and row.attempts == 1
    assert message["Message-ID"].startswith(f"<outbox-{row.id}.")
    assert len(smtp.mailbox.received()) == 1


def test_publish_and_reject_each_send_one_decision_in_the_submitters_language(
        mail_app: Flask, smtp: SmtpServer) -> None:
    period = make_period(mail_app)
    spanish, tracking_es = add_submission(mail_app, period, email="es@example.org",
                                          ui_language="es")
    english, tracking_en = add_submission(mail_app, period, email="en@example.org",
                                          ui_language="en")
    client = moderator(mail_app)
    with consumer_thread(mail_app):
        wait_for(lambda: len(smtp.mailbox.received()) == 2, "two receipts")
        decide(client, spanish, "publish")
        decide(client, english, "reject", reason="off_topic", note="Not about this pillar.")
        wait_for(lambda: len(smtp.mailbox.received()) == 4, "two decisions")
        wait_for(lambda: all(r.state is OutboxState.SENT for r in rows(mail_app)), "all sent")
    decisions = {m["To"]: m for m in smtp.mailbox.received()[2:]}
    published, rejected = decisions["es@example.org"], decisions["en@example.org"]
    assert published["Content-Language"] == "es" and "publicado" in published["Subject"]
    assert f"{BASE}/es/comments/{tracking_es}" in text_part(published)
    assert rejected["Content-Language"] == "en" and "not published" in rejected["Subject"]
    body = text_part(rejected)
    assert "Off-topic" in body and "Not about this pillar." in body
    assert f"{BASE}/en/receipts/{tracking_en}" in body
    kinds = Counter(r.kind for r in rows(mail_app))
    assert kinds == {MessageKind.RECEIPT: 2, MessageKind.DECISION: 2}


def test_bulk_decisions_write_one_message_per_comment_and_demo_data_none(
        mail_app: Flask) -> None:
    period = make_period(mail_app)
    ids = [add_submission(mail_app, period, email=f"p{n}@example.org")[0] for n in range(3)]
    with mail_app.app_context(), write_session() as session:
        result = moderation.bulk_decide(session, ids, "reject", audit.CLI, reason="spam")
    assert len(result.decided) == 3
    decisions = [r for r in rows(mail_app) if r.kind is MessageKind.DECISION]
    assert sorted(r.submission_id for r in decisions) == sorted(ids)
    before = len(rows(mail_app))
    result_cli = mail_app.test_cli_runner().invoke(args=["seed", "--demo", "12",
                                                         "--publish-share", "0.5"])
    assert result_cli.exit_code == 0, result_cli.output
    with db_session(mail_app) as session:
        assert session.scalar(select(func.count()).select_from(Submission)) > 3
    assert len(rows(mail_app)) == before


def test_smtp_down_the_comment_is_kept_the_message_waits_is_retried_and_later_sent(
        db_url: str) -> None:
    down = SmtpServer(port=free_port())  # nothing listens there yet
    app = create_app(settings(db_url, down.url, OUTBOX_RETRY_SECONDS=0.2,
                              OUTBOX_MAX_ATTEMPTS=3))
    try:
        period = make_period(app)
        admin = app.test_client()
        assert sign_in(admin, make_user(app, "admin")).status_code == 302
        with consumer_thread(app):
            response = post_comment(app.test_client(), "en", period.slug)
            assert response.status_code == 303  # stored and receipted at once
            receipt = app.test_client().get(response.headers["Location"])
            assert receipt.status_code == 200
            # Tried, retried after a wait, then given up and shown to the admin.
            wait_for(lambda: rows(app)[0].state is OutboxState.FAILED, "giving up")
            [row] = rows(app)
            assert row.attempts == 3 and row.last_error and "refused" in row.last_error.lower()
            page = admin.get("/en/admin/outbox").get_data(as_text=True)
            assert "Failed: gave up retrying" in page and "Receipt of a comment" in page
            assert "ana@example.org" in page and "Connection" in page
            listed = app.test_cli_runner().invoke(args=["outbox", "list", "--state", "failed"])
            assert f"{row.id}\tfailed\treceipt" in listed.output
            # The server comes back; the admin presses "Retry now".
            down.start()
            html = admin.get("/en/admin/outbox?state=failed").get_data(as_text=True)
            retried = admin.post("/en/admin/outbox/retry",
                                 data={"csrf_token": csrf_from(html), "id": str(row.id)})
            assert retried.status_code == 303
            [message] = wait_for(down.mailbox.received, "the receipt, at last")
            wait_for(lambda: rows(app)[0].state is OutboxState.SENT, "marked sent")
        assert "received your comment" in message["Subject"]
        page = admin.get("/en/admin/outbox").get_data(as_text=True)
        assert "Sent" in page
    finally:
        down.stop()
        app.extensions["portal_engine"].dispose()


def test_a_refused_address_fails_at_once_and_a_unicode_address_is_delivered(
        mail_app: Flask, smtp: SmtpServer) -> None:
    period = make_period(mail_app)
    smtp.mailbox.refuse.add("nobody@example.org")
    add_submission(mail_app, period, email="nobody@example.org")
    add_submission(mail_app, period, email="josé.núñez@bücher.example")
    with mail_app.app_context():
        from portal.mail import delivery

        result = delivery.deliver_due()
    assert result.sent == 1 and result.failed == 1
    refused, unicode_row = rows(mail_app)
    assert refused.state is OutboxState.FAILED and refused.attempts == 1
    assert refused.last_error and "550" in refused.last_error
    assert unicode_row.state is OutboxState.SENT
    [message] = smtp.mailbox.received()
    assert smtp.mailbox.envelopes == [["josé.núñez@xn--bcher-kva.example"]]
    assert message["To"] == "josé.núñez@xn--bcher-kva.example"


def test_a_worker_killed_mid_task_sends_each_message_exactly_once(
        db_url: str, smtp: SmtpServer, tmp_path: Path) -> None:
    tasks_url = f"sqlite:///{tmp_path / 'tasks.sqlite3'}"
    app = create_app(settings(db_url, smtp.url, TASKS_URL=tasks_url))
    env = {
        "PORTAL_DATABASE_URL": db_url, "PORTAL_TASKS_URL": tasks_url,
        "PORTAL_SMTP_URL": smtp.url, "PORTAL_SECRET_KEY": "test-secret",
        "PORTAL_BASE_URL": BASE, "PORTAL_INSTANCE_DIR": str(tmp_path),
        "PORTAL_OUTBOX_LEASE_SECONDS": "2", "PORTAL_MAIL_FROM": "consulta@portal.test",
    }
    first = WorkerProcess(env, tmp_path / "worker1.log")
    second = WorkerProcess(env, tmp_path / "worker2.log")
    try:
        period = make_period(app)
        client = app.test_client()
        for n in range(5):
            assert post_comment(client, "es", period.slug,
                                email=f"p{n}@example.org").status_code == 303
        smtp.mailbox.hold_at = 3  # the third message stops before the server accepts it
        first.start()
        wait_for(smtp.mailbox.holding.is_set, "the worker in the middle of the third message")
        first.kill()
        smtp.mailbox.release.set()
        states = [r.state for r in rows(app)]
        assert states == [OutboxState.SENT] * 2 + [OutboxState.PENDING] * 3
        assert all(r.claimed_until is not None for r in rows(app)[2:])  # the dead worker's
        second.start()
        wait_for(lambda: all(r.state is OutboxState.SENT for r in rows(app)), "all sent",
                 timeout=90)
    finally:
        first.stop()
        second.stop()
        app.extensions["portal_engine"].dispose()
    received = smtp.mailbox.received()
    ids = Counter(m["Message-ID"] for m in received)
    assert len(received) == 5 and len(ids) == 5 and set(ids.values()) == {1}
    assert sorted(m["To"] for m in received) == [f"p{n}@example.org" for n in range(5)]
    assert [r.attempts for r in rows(app)] == [1, 1, 2, 2, 2]


def test_a_lost_enqueue_is_drained_by_the_periodic_task(mail_app: Flask,
                                                         smtp: SmtpServer) -> None:
    period = make_period(mail_app)
    add_submission(mail_app, period)
    queue = mail_app.extensions["portal_tasks"]
    queue.huey.flush()  # the drain enqueued after the commit is lost
    assert smtp.mailbox.received() == []
    queue.drain_periodically.call_local()
    assert len(smtp.mailbox.received()) == 1
    assert rows(mail_app)[0].state is OutboxState.SENT


def test_a_decision_undone_before_sending_is_not_sent(mail_app: Flask,
                                                      smtp: SmtpServer) -> None:
    period = make_period(mail_app)
    sid, _tracking = add_submission(mail_app, period)
    with mail_app.app_context(), write_session() as session:
        submission = session.get(Submission, sid)
        assert isinstance(submission, Submission)
        moderation.publish(session, submission, audit.CLI)
        moderation.return_to_queue(session, submission, audit.CLI, "published by mistake")
    with mail_app.app_context():
        from portal.mail import delivery

        result = delivery.deliver_due()
    assert result.sent == 1 and result.cancelled == 1
    assert [r.state for r in rows(mail_app)] == [OutboxState.SENT, OutboxState.CANCELLED]
    # Returned and published again before anything went out: one decision message, the last.
    with mail_app.app_context(), write_session() as session:
        submission = session.get(Submission, sid)
        assert isinstance(submission, Submission)
        moderation.publish(session, submission, audit.CLI)
        moderation.return_to_queue(session, submission, audit.CLI, "wrong theme")
        moderation.publish(session, submission, audit.CLI)
    with mail_app.app_context():
        result = delivery.deliver_due()
    assert (result.sent, result.cancelled) == (1, 1)
    assert [r.state for r in rows(mail_app)][2:] == [OutboxState.CANCELLED, OutboxState.SENT]



def test_a_campaign_decision_writes_one_decision_per_member(mail_app: Flask) -> None:
    from portal.models import Campaign
    from portal.services import campaign_decisions
    from tests.test_campaigns import campaign_id_of, copies, store

    period = make_period(mail_app)
    ids = store(mail_app, period, copies("es-border")[:8])
    cid = campaign_id_of(mail_app, ids[0])
    assert cid is not None
    with mail_app.app_context(), write_session() as session:
        campaign = session.get(Campaign, cid)
        assert campaign is not None
        result = campaign_decisions.decide(session, campaign, "reject", audit.CLI,
                                           reason="duplicate")
    decided = [r.submission_id for r in rows(mail_app) if r.kind is MessageKind.DECISION]
    assert result.decided > 0 and len(decided) == result.decided == len(set(decided))
    with db_session(mail_app) as session:
        rejected = set(session.scalars(select(Submission.id).where(
            Submission.status == "rejected")))
    assert set(decided) == rejected


def _task_stores(tmp: Path) -> list[str]:
    import os

    stores = ["memory://", f"sqlite:///{tmp / 'tasks.sqlite3'}"]
    if os.environ.get("PORTAL_TEST_DATABASE_URL"):
        stores.append(os.environ["PORTAL_TEST_DATABASE_URL"])
    if os.environ.get("PORTAL_TEST_REDIS_URL"):
        stores.append(os.environ["PORTAL_TEST_REDIS_URL"])
    return stores


def test_each_task_store_carries_the_drain_to_a_worker(
        db_url: str, smtp: SmtpServer, tmp_path: Path) -> None:
    for n, store in enumerate(_task_stores(tmp_path)):
        app = create_app(settings(db_url, smtp.url, TASKS_URL=store))
        try:
            if n == 0:
                period = make_period(app)
            app.extensions["portal_tasks"].huey.flush()
            with consumer_thread(app):
                add_submission(app, period, email=f"store{n}@example.org")
                wait_for(lambda n=n: len(smtp.mailbox.received()) == n + 1, store)
        finally:
            app.extensions["portal_tasks"].huey.flush()
            app.extensions["portal_tasks"].huey.storage.close()
            app.extensions["portal_engine"].dispose()
    assert [m["To"] for m in smtp.mailbox.received()] == [
        f"store{n}@example.org" for n in range(len(_task_stores(tmp_path)))]


def test_follow_requests_are_rate_limited(db_url: str, smtp: SmtpServer) -> None:
    app = create_app(settings(db_url, smtp.url, RATELIMIT_ENABLED=True,
                              RATELIMIT_FOLLOW="2 per hour",
                              RATELIMIT_KEY_PREFIX=f"follow-{free_port()}"))
    try:
        period = make_period(app)
        client = app.test_client()
        url = f"/en/periods/{period.slug}/follow"
        codes = []
        for n in range(3):
            assert client.get(url).status_code == 200
            codes.append(client.post(url, data={"email": f"f{n}@example.org",
                                                "language": "en"}).status_code)
        assert codes == [303, 303, 429]
    finally:
        app.extensions["portal_engine"].dispose()
