"""`flask --app portal themes ...`: the theme taxonomy and suggestions."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from portal.db import write_session

group = AppGroup("themes", help="The theme taxonomy and suggestions.")


@group.command("resuggest")
@click.option("--period", "period_key", help="Only this period (slug or docket identifier).")
def themes_resuggest(period_key: str | None) -> None:
    """Suggest themes again for comments awaiting review, after keywords changed."""
    from portal.db import commit_batch
    from portal.services import consultations, themes

    with write_session() as session:
        period_ids = None
        if period_key:
            found = consultations.period_by_key(session, period_key)
            if found is None:
                raise click.BadParameter(f"no comment period {period_key!r}",
                                         param_hint="--period")
            period_ids = [found.id]
        count = 0
        for done in themes.resuggest_pending(session, period_ids):
            commit_batch(session)
            count = done
    click.echo(f"suggestions recomputed for {count} comments awaiting review")
