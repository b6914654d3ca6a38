"""Command-line tools, one module per command group: `flask --app portal db|seed|users|export|
themes|periods|campaigns|summaries|worker|outbox|attachments|translate|backup|restore ...`."""

from __future__ import annotations

from flask import Flask

from portal.cli import (
    attachments,
    backups,
    campaigns,
    database,
    exports,
    periods,
    seed,
    summaries,
    themes,
    translate,
    users,
    worker,
)
from portal.cli.database import alembic_config

__all__ = ["alembic_config", "init_app"]


def init_app(app: Flask) -> None:
    app.cli.add_command(database.group)
    app.cli.add_command(seed.seed_command)
    app.cli.add_command(translate.group)
    app.cli.add_command(users.group)
    app.cli.add_command(exports.export_command)
    app.cli.add_command(themes.group)
    app.cli.add_command(periods.group)
    app.cli.add_command(campaigns.group)
    app.cli.add_command(backups.backup_command)
    app.cli.add_command(backups.restore_command)
    app.cli.add_command(worker.worker_command)
    app.cli.add_command(worker.group)
    app.cli.add_command(attachments.group)
    app.cli.add_command(summaries.group)
