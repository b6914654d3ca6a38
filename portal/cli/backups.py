"""`flask --app portal backup -o FILE` and `flask --app portal restore FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.cli.database import alembic_config
from portal.page_cache import page_cache
from portal.services import backups


def _summary(manifest: dict[str, Any]) -> str:
    database = manifest["database"]
    rows = database.get("rows") or database.get("rows_at_backup") or {}
    counted = ", ".join(f"{table} {n}" for table, n in sorted(rows.items()))
    return (f"schema revision {manifest.get('schema_revision')}, {len(manifest['files'])} "
            f"file(s) checksummed, {manifest['uploads']['files']} uploaded file(s); rows: "
            f"{counted or 'none'}")


@click.command("backup")
@with_appcontext
@click.option("-o", "--output", "output", required=True, type=click.Path(path_type=Path),
              help="The archive to write (.tar.gz); an existing file is never overwritten.")
def backup_command(output: Path) -> None:
    """Back up the database and the uploaded files while the site is serving."""
    url = current_app.config["DATABASE_URL"]
    try:
        manifest = backups.create_backup(url, Path(current_app.config["UPLOAD_DIR"]), output)
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backup written to {output}: {_summary(manifest)}")
    if not manifest["database"]["included"]:
        click.echo(backups.postgresql_instructions(url))


def _revision_note(revision: str | None) -> str:
    # Imported here: Alembic costs every `flask` command half a second to load.
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    if revision == head:
        return "The schema is at this version's head."
    try:
        known = revision is not None and script.get_revision(revision) is not None
    except CommandError:
        known = False
    if known:
        return "Now run `flask --app portal db upgrade` to bring the schema to this version."
    return (f"Warning: schema revision {revision} is unknown to this version of the portal "
            "(a backup from a newer version?); run the version that made it.")


@click.command("restore")
@with_appcontext
@click.argument("archive", type=click.Path(path_type=Path))
def restore_command(archive: Path) -> None:
    """Restore a backup into an empty instance (stop the site first).

    Every checksum is verified before anything is written; a damaged archive changes nothing.
    """
    url = current_app.config["DATABASE_URL"]
    try:
        manifest = backups.restore_backup(archive, url, Path(current_app.config["UPLOAD_DIR"]))
    except backups.BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    # Pages kept from the replaced database must not be served again.
    page_cache(current_app).bump()
    click.echo(f"restored {archive} (made {manifest['created_at']}): {_summary(manifest)}")
    if manifest["database"]["included"]:
        click.echo(_revision_note(manifest.get("schema_revision")))
    else:
        click.echo("This backup holds the uploaded files only; restore the PostgreSQL database "
                   "with pg_restore (see the output of `flask --app portal backup`).")
