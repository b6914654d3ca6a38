"""The worker's drain: claim due outbox rows, compose and send each, record what happened.

No database transaction is open while a message is handed to the mail server: a slow server
holds nobody's write lock. Each row is marked sent in its own transaction right after the
server accepted it; a worker killed before that leaves the row leased, and another worker
sends it when the lease ends.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app

from portal.db import new_session, write_session
from portal.mail import transport as transports
from portal.mail.compose import Unwanted, compose
from portal.models import OutboxMessage, OutboxState
from portal.models.types import utcnow
from portal.services import outbox

log = logging.getLogger(__name__)
BATCH = 20
MAX_ROUNDS = 50


@dataclass
class DeliveryResult:
    sent: int = 0
    failed: int = 0
    cancelled: int = 0
    # How long until another row becomes due (a retry, a lease that runs out), if any.
    next_due_in: timedelta | None = None


def deliver_due(transport: transports.Transport | None = None) -> DeliveryResult:
    """Send every outbox row that is due now; return what happened."""
    config = current_app.config
    lease = timedelta(seconds=config["OUTBOX_LEASE_SECONDS"])
    transport = transport or transports.from_config(config)
    result = DeliveryResult()
    try:
        for _round in range(MAX_ROUNDS):
            with write_session() as session:
                claimed = outbox.claim(session, utcnow(), lease, BATCH)
            if not claimed:
                break
            for message_id in claimed:
                _deliver(message_id, transport, result)
    finally:
        transport.close()
    session = new_session()
    try:
        now = utcnow()
        due = outbox.next_due(session, now)
    finally:
        session.close()
    result.next_due_in = None if due is None else max(due - now, timedelta(0))
    return result


def _deliver(message_id: int, transport: transports.Transport, result: DeliveryResult) -> None:
    session = new_session()
    try:
        message = session.get(OutboxMessage, message_id)
        if message is None or message.state is not OutboxState.PENDING:
            return
        email = compose(session, message)
    except Unwanted as exc:
        with write_session() as writing:
            outbox.mark_cancelled(writing, message_id, str(exc))
        result.cancelled += 1
        return
    except Exception as exc:  # a defect in composing: keep the row, show the error, retry
        log.exception("could not compose outbox message %s", message_id)
        _failed(message_id, f"{type(exc).__name__}: {exc}", permanent=False)
        result.failed += 1
        return
    finally:
        session.close()
    try:
        transport.send(email)
    except transports.MailError as exc:
        log.warning("outbox message %s not sent: %s", message_id, exc)
        _failed(message_id, str(exc), permanent=exc.permanent)
        result.failed += 1
        return
    with write_session() as writing:
        outbox.mark_sent(writing, message_id, utcnow())
    result.sent += 1


def _failed(message_id: int, error: str, permanent: bool) -> None:
    config = current_app.config
    with write_session() as session:
        outbox.mark_failed(session, message_id, error, utcnow(),
                           first_delay=config["OUTBOX_RETRY_SECONDS"],
                           max_attempts=config["OUTBOX_MAX_ATTEMPTS"], permanent=permanent)
