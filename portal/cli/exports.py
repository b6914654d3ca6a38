"""`flask --app portal export ...`: a comment period or a pillar to a file."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from portal.db import write_session
from portal.services import audit, consultations, exports


@click.command("export")
@with_appcontext
@click.argument("key")
@click.option("--format", "fmt", type=click.Choice(exports.FORMATS), required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True)
@click.option("--language", type=click.Choice(exports.LANGUAGES), default="en",
              help="Language of headings and labels.")
@click.option("--pillar", is_flag=True, help="KEY is a pillar's slug: export all its periods.")
@click.option("--all-statuses", is_flag=True, help="Every status, not only published.")
@click.option("--include-email", is_flag=True,
              help="Add email addresses (recorded in the audit trail).")
def export_command(key: str, fmt: str, output: str, language: str, pillar: bool,
                   all_statuses: bool, include_email: bool) -> None:
    """Export KEY (a period's slug or docket identifier, or a pillar's slug) to a file."""
    options = exports.ExportOptions(fmt=fmt, lang=language, all_statuses=all_statuses,
                                    include_email=include_email,
                                    rejected_originals=True)  # the operator is an admin
    with write_session() as session:
        scope = consultations.find_scope(session, "pillars" if pillar else "periods", key)
        if scope is None:
            what = "pillar" if pillar else "comment period"
            raise click.BadParameter(f"no {what} {key!r}", param_hint="KEY")
        job = exports.start(session, audit.CLI, scope, options, may_include_email=True)
    total = job.count()
    with click.progressbar(length=total, label=f"{fmt} export", file=sys.stderr) as bar, \
            open(output, "wb") as out:
        job.write(out, bar.update)
    click.echo(f"wrote {output} ({total} comments)", err=True)
