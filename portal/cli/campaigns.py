"""`flask --app portal campaigns ...`: finding form-letter campaigns among stored comments."""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

from portal.db import write_session

group = AppGroup("campaigns", help="Campaigns of form letters.")


@group.command("rebuild")
@click.option("--period", "period_key", help="Only this period (slug or docket identifier).")
@click.option("--reset", is_flag=True,
              help="Forget the period's campaigns first (names, links and campaign decisions "
                   "too; decisions already applied to comments stay), then check every comment.")
@click.option("--batch", default=500, show_default=True, type=click.IntRange(1, 10000),
              help="Comments checked per committed batch.")
def campaigns_rebuild(period_key: str | None, reset: bool, batch: int) -> None:
    """Find the campaigns of the comments not checked yet, in committed batches.

    Interrupted, it goes on where it stopped when run again.
    """
    from portal.db import commit_batch
    from portal.models import AuditAction, CommentPeriod
    from portal.services import audit, campaigns, consultations

    with write_session() as session:
        if period_key:
            found = consultations.period_by_key(session, period_key)
            if found is None:
                raise click.BadParameter(f"no comment period {period_key!r}",
                                         param_hint="--period")
            period_ids = [found.id]
        else:
            period_ids = [p.id for p in session.query(CommentPeriod).order_by(CommentPeriod.id)]
        if reset:
            if not click.confirm(f"Forget the campaigns of {len(period_ids)} period(s)?",
                                 default=False, err=True):
                raise click.Abort()
            for period_id in period_ids:
                campaigns.reset(session, period_id)
            audit.record(session, audit.CLI, AuditAction.CAMPAIGN_REBUILD, "period",
                         ",".join(map(str, period_ids)), after={"reset": True})
            commit_batch(session)
        total = campaigns.unchecked_count(session, period_ids)
        done = 0
        with click.progressbar(length=total, label="Checking comments", show_pos=True,
                               show_eta=True, file=sys.stderr) as bar:
            for progress in campaigns.rebuild(session, period_ids, batch=batch):
                commit_batch(session)
                bar.update(progress.done - done)
                done = progress.done
    click.echo(f"{done} comments checked")
