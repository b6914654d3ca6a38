"""`flask --app portal attachments ...`: reading the text of comment files."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

group = AppGroup("attachments", help="Comment files: reading their text.")


@group.command("extract")
@click.option("--limit", default=100, show_default=True, help="At most this many files.")
def attachments_extract(limit: int) -> None:
    """Read the text of files not read yet (each in a bounded child process).

    Each file is read outside any transaction, then its result is written in a short one of
    its own, so a long PDF never holds the database's write lock."""
    from portal.services import attachments
    from portal.services.attachment_store import current_store
    from portal.services.extraction import Limits

    config = current_app.config
    limits = Limits(timeout=config["EXTRACT_TIMEOUT"], memory_mb=config["EXTRACT_MEMORY_MB"])
    outcome = attachments.read_due(current_store(), limits, limit)
    summary = ", ".join(f"{n} {state}" for state, n in sorted(outcome.items())) or "none"
    click.echo(f"{sum(outcome.values())} files read: {summary}")
