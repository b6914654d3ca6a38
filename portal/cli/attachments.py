"""`flask --app portal attachments ...`: reading the text of comment files."""

from __future__ import annotations

from collections import Counter

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
    from portal.db import new_session, write_session
    from portal.models import Attachment, Extraction
    from portal.services import attachments
    from portal.services.attachment_store import current_store
    from portal.services.extraction import Limits

    store = current_store()
    config = current_app.config
    limits = Limits(timeout=config["EXTRACT_TIMEOUT"], memory_mb=config["EXTRACT_MEMORY_MB"])
    reader = new_session()
    try:
        ids = attachments.pending_ids(reader, limit)
    finally:
        reader.close()
    outcome: Counter[str] = Counter()
    for attachment_id in ids:
        reader = new_session()
        try:
            found = reader.get(Attachment, attachment_id)
            if found is None:
                continue
            result = attachments.read(store, found, limits)
        finally:
            reader.close()
        with write_session() as session:
            row = session.get(Attachment, attachment_id)
            if row is None or row.extraction is not Extraction.PENDING:
                continue  # another worker got there first
            attachments.record(session, row, result)
            outcome[row.extraction.value] += 1
    summary = ", ".join(f"{n} {state}" for state, n in sorted(outcome.items())) or "none"
    click.echo(f"{sum(outcome.values())} files read: {summary}")
