"""`flask --app portal seed`: pillars, periods and themes, and demo comments to try the site."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select

from portal.db import commit_batch, write_session

DEMO_DAYS = 21


@click.command("seed")
@with_appcontext
@click.option("--demo", "demo", type=click.IntRange(min=0), default=0,
              help="Also add N realistic demo comments in English and Spanish.")
@click.option("--publish-share", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Share of the demo comments to publish, with confirmed themes.")
@click.option("--reject-share", type=click.FloatRange(0, 1), default=0.05, show_default=True,
              help="Share of the demo comments to reject, with a reason and a note.")
@click.option("--if-empty", is_flag=True,
              help="Add the demo comments only if the database holds no comment yet.")
@click.option("--demo-seed", type=int, default=2013, show_default=True,
              help="The same seed makes the same demo comments.")
def seed_command(demo: int, publish_share: float, reject_share: float, if_empty: bool,
                 demo_seed: int) -> None:
    """Add the three HLED pillars and one open comment period each (safe to run again)."""
    from portal.models import Submission
    from portal.seed import seed
    from portal.seed.demo import add_demo

    if demo and publish_share + reject_share > 1:
        raise click.BadParameter("the published and rejected shares add up to more than 1",
                                 param_hint="--publish-share")
    with write_session() as session:
        # Periods made for a demo opened three weeks ago, so comments arrive over those days.
        result = seed(session, opened_days_ago=DEMO_DAYS if demo else 1)
        existing = session.scalar(select(func.count()).select_from(Submission)) or 0
    click.echo(
        f"pillars added: {result.pillars_added}, periods added: {result.periods_added}, "
        f"themes added: {result.themes_added}"
    )
    if not demo:
        return
    if if_empty and existing:
        click.echo(f"demo comments not added: the database already holds {existing}")
        return
    with write_session() as session, \
            click.progressbar(length=demo, label="demo comments") as bar:
        done = 0
        progress = None
        for progress in add_demo(session, demo, seed=demo_seed, publish_share=publish_share,
                                 reject_share=reject_share):
            commit_batch(session)
            bar.update(progress.added - done)
            done = progress.added
    if progress is None:
        click.echo("demo comments not added: no comment period is open")
        return
    click.echo(f"demo comments added: {progress.added} (published {progress.published}, "
               f"rejected {progress.rejected})")
