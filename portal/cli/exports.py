"""`flask --app portal export ...`: a comment period to a file."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from portal.db import write_session


@click.command("export")
@with_appcontext
@click.argument("period")
@click.option("--format", "fmt", type=click.Choice(["csv", "json", "xlsx", "html"]),
              required=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True)
@click.option("--language", type=click.Choice(["en", "es"]), default="en",
              help="Language of headings and labels.")
@click.option("--all-statuses", is_flag=True, help="Every status, not only published.")
@click.option("--include-email", is_flag=True,
              help="Add email addresses (recorded in the audit trail).")
def export_command(period: str, fmt: str, output: str, language: str, all_statuses: bool,
                   include_email: bool) -> None:
    """Export PERIOD (its slug or docket identifier) to a file."""
    from flask_babel import force_locale

    from portal.db import new_session
    from portal.models import CommentPeriod
    from portal.planning import report
    from portal.services import audit, consultations, exports, summaries

    options = exports.ExportOptions(fmt=fmt, lang=language, all_statuses=all_statuses,
                                    include_email=include_email)
    with write_session() as session:
        found = consultations.period_by_key(session, period)
        if found is None:
            raise click.BadParameter(f"no comment period {period!r}", param_hint="PERIOD")
        exports.record(session, audit.CLI, [found], options)
        period_id = found.id
    session = new_session()
    try:
        scoped = [session.get(CommentPeriod, period_id)]
        total = exports.count_rows(session, scoped, options)
        with click.progressbar(length=total, label=f"{fmt} export", file=sys.stderr) as bar:
            if fmt == "csv":
                with open(output, "w", encoding="utf-8", newline="") as f:
                    for chunk in exports.csv_chunks(session, scoped, options, bar.update):
                        f.write(chunk)
            else:
                summary = summaries.summarize(session, scoped)
                title = scoped[0].title(language)
                if fmt == "json":
                    with open(output, "w", encoding="utf-8") as f:
                        for chunk in exports.json_chunks(session, scoped, options, summary,
                                                         bar.update):
                            f.write(chunk)
                elif fmt == "xlsx":
                    exports.write_workbook(output, session, scoped, options, summary, bar.update)
                else:
                    with current_app.test_request_context(), force_locale(language):
                        html = report.render(summary, title, language)
                    Path(output).write_text(html, encoding="utf-8")
                    bar.update(total)
    finally:
        session.close()
    click.echo(f"wrote {output} ({total} comments)", err=True)
