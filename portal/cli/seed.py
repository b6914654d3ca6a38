"""`flask --app portal seed`: pillars, periods and themes, and demo comments to try the site."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from portal.db import write_session


@click.command("seed")
@with_appcontext
@click.option(
    "--demo",
    "demo",
    type=click.IntRange(min=0),
    default=0,
    help="Also add N realistic demo comments in English and Spanish.",
)
def seed_command(demo: int) -> None:
    """Add the three HLED pillars and one open comment period each (safe to run again)."""
    from portal.seed import seed
    from portal.seed.demo import add_demo_submissions

    with write_session() as session:
        result = seed(session)
    click.echo(
        f"pillars added: {result.pillars_added}, periods added: {result.periods_added}, "
        f"themes added: {result.themes_added}"
    )
    if demo:
        added = 0
        with click.progressbar(length=demo, label="demo comments") as bar:
            while added < demo:
                batch = min(500, demo - added)
                with write_session() as session:
                    add_demo_submissions(session, batch, seed=added)
                added += batch
                bar.update(batch)
        click.echo(f"demo comments added: {added}")
