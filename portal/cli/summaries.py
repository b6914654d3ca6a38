"""`flask --app portal summaries rebuild`: recount the planners' statistics from the comments."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.db import write_session

group = AppGroup("summaries", help="The statistics behind the planners' summaries.")


@group.command("rebuild")
@click.option("--period", "period_key", help="Only this period (slug or docket identifier).")
def summaries_rebuild(period_key: str | None) -> None:
    """Count every published comment afresh (after comments were loaded around the services).

    The statistics are otherwise kept as comments are submitted and decided."""
    from portal.services import consultations, term_stats

    with write_session() as session:
        period_ids = None
        if period_key:
            found = consultations.period_by_key(session, period_key)
            if found is None:
                raise click.BadParameter(f"no comment period {period_key!r}",
                                         param_hint="--period")
            period_ids = [found.id]
        counted = term_stats.rebuild(session, period_ids)
    click.echo(f"counted {counted} published comments")
