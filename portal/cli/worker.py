"""`flask --app portal worker`: the task queue's consumer; `flask --app portal outbox ...`: the
messages waiting to be sent."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from portal.db import new_session, write_session
from portal.models import OutboxState

group = AppGroup("outbox", help="Messages waiting to be sent: list them, retry, send now.")


@click.command("worker")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="Tasks run at once (threads).")
@click.option("--periodic/--no-periodic", default=True, show_default=True,
              help="Also run the scheduled tasks (another worker may run them).")
@with_appcontext
def worker_command(workers: int, periodic: bool) -> None:
    """Run background tasks (sending mail, scheduled notices) until Ctrl-C."""
    from portal.tasks import tasks

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    queue = tasks()
    click.echo(f"worker: tasks from {_safe(current_app.config['TASKS_URL'])}, "
               f"{workers} thread(s)")
    # Whatever waited while no worker ran, at once rather than at the next minute (whatever
    # key a worker that died left in the store: these tasks take it).
    queue.drain_outbox()
    queue.enrich()
    consumer = queue.huey.create_consumer(workers=workers, worker_type="thread",
                                          periodic=periodic)
    consumer.run()


def _safe(url: str) -> str:
    from sqlalchemy.engine import make_url

    if "://" in url and "@" in url:
        try:
            return make_url(url).render_as_string(hide_password=True)
        except Exception:  # noqa: S110 - only for display
            pass
    return url


@group.command("list")
@click.option("--state", type=click.Choice([s.value for s in OutboxState]),
              help="Only messages in this state.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
def outbox_list(state: str | None, limit: int) -> None:
    """The newest messages: id, state, kind, recipient, attempts, last error."""
    from portal.services import outbox

    session = new_session()
    try:
        rows = outbox.listing(session, OutboxState.parse(state), limit=limit)
        for m in rows:
            error = f"  {m.last_error}" if m.last_error else ""
            click.echo(f"{m.id}\t{m.state}\t{m.kind}\t{m.recipient}\t{m.language}\t"
                       f"attempts={m.attempts}\tdue={m.due_at:%Y-%m-%d %H:%M:%S}Z{error}")
        counts = outbox.counts(session)
    finally:
        session.close()
    click.echo(", ".join(f"{state}: {n}" for state, n in counts.items()))


@group.command("retry")
@click.argument("ids", nargs=-1, type=int)
@click.option("--all-failed", is_flag=True, help="Every message that gave up.")
def outbox_retry(ids: tuple[int, ...], all_failed: bool) -> None:
    """Send these messages again now (failed ones start over)."""
    from portal.services import outbox

    if not ids and not all_failed:
        raise click.UsageError("give message ids, or --all-failed")
    with write_session() as session:
        changed = outbox.retry(session, ids, all_failed=all_failed)
    click.echo(f"{changed} message(s) queued again")


@group.command("drain")
def outbox_drain() -> None:
    """Send what is due now, in this process (without a worker)."""
    from portal.mail import delivery

    result = delivery.deliver_due()
    click.echo(f"sent {result.sent}, failed {result.failed}, not needed {result.cancelled}")
