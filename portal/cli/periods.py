"""`flask --app portal periods ...`: run comment periods from the command line, with the same
rules and the same audit trail as the admin pages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from flask.cli import AppGroup

from portal.db import write_session

group = AppGroup("periods", help="Comment periods: create, edit, extend, close, reopen, list.")
F = TypeVar("F", bound=Callable[..., Any])


# The service names fields as the pages' forms do; the options are named for typing.
OPTION_NAMES = {"opens_at": "opens", "closes_at": "closes", "reopen_until": "until",
                "questions_en": "question_en", "questions_es": "question_es"}


def _when(value: Any, zone: str) -> str:
    """An instant as typed on the command line, in the period's zone."""
    from zoneinfo import ZoneInfo

    return f"{value.astimezone(ZoneInfo(zone)).strftime('%Y-%m-%d %H:%M')} {zone}"


def _fail(exc: Exception, **names: str) -> None:
    from portal.services.periods import PeriodInvalid

    if isinstance(exc, PeriodInvalid):
        names = {**OPTION_NAMES, **names}
        lines = [f"  --{names.get(name, name).replace('_', '-')}: {message}"
                 for name, message in exc.errors.items()]
        raise click.ClickException("nothing was changed:\n" + "\n".join(lines)) from exc
    raise click.ClickException(str(exc)) from exc


def _text_options(required: bool) -> Callable[[F], F]:
    """The period's fields as options; on `edit` every one is optional."""
    options = [
        click.option("--pillar", required=required, help="Pillar number (1-3) or slug."),
        click.option("--slug", required=required, help="Address: /<lang>/periods/SLUG."),
        click.option("--title-en", required=required),
        click.option("--title-es", required=required),
        click.option("--summary-en", required=required, help="One or two sentences."),
        click.option("--summary-es", required=required),
        click.option("--description-en", help="Markdown (or --description-en-file)."),
        click.option("--description-es", help="Markdown (or --description-es-file)."),
        click.option("--description-en-file", type=click.Path(exists=True, dir_okay=False)),
        click.option("--description-es-file", type=click.Path(exists=True, dir_okay=False)),
        click.option("--opens", required=required, help='Local time: "2027-03-01 09:00".'),
        click.option("--closes", required=required, help='Local time: "2027-04-30 23:59".'),
        click.option("--timezone", default="America/New_York" if required else None,
                     show_default=required, help="IANA zone the dates are announced in."),
        click.option("--question-en", "questions_en", multiple=True,
                     help="A question in English; repeat for each, in order."),
        click.option("--question-es", "questions_es", multiple=True,
                     help="The same question in Spanish; repeat in the same order."),
    ]

    def decorate(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return decorate


def _description(text: str | None, path: str | None) -> str | None:
    return Path(path).read_text(encoding="utf-8") if path else text


def _find(session: Any, key: str) -> Any:
    from portal.services import consultations

    period = consultations.period_by_key(session, key)
    if period is None:
        raise click.ClickException(f"no comment period with slug or docket {key!r}")
    return period


@group.command("create")
@_text_options(required=True)
@click.option("--docket", default="", help="Docket identifier; default: the next of the year.")
def periods_create(**options: Any) -> None:
    """Create (schedule) a comment period."""
    from portal.services import audit, periods

    data = periods.PeriodInput(
        pillar=options["pillar"], slug=options["slug"], title_en=options["title_en"],
        title_es=options["title_es"], summary_en=options["summary_en"],
        summary_es=options["summary_es"],
        description_en=_description(options["description_en"],
                                    options["description_en_file"]) or "",
        description_es=_description(options["description_es"],
                                    options["description_es_file"]) or "",
        opens_at=options["opens"], closes_at=options["closes"], timezone=options["timezone"],
        questions_en=list(options["questions_en"]), questions_es=list(options["questions_es"]),
        docket=options["docket"],
    )
    try:
        with write_session() as session:
            period = periods.create(session, audit.CLI, data)
            click.echo(f"created {period.docket_id} {period.slug} "
                       f"({period.state().value}, {len(period.questions)} questions)")
    except periods.PeriodInvalid as exc:
        _fail(exc)


@group.command("edit")
@click.argument("key")
@_text_options(required=False)
def periods_edit(key: str, **options: Any) -> None:
    """Change a period's texts, dates (before it opens) or questions (before any answer).
    Options not given keep their value; questions given replace the list."""
    from portal.services import audit, periods

    try:
        with write_session() as session:
            period = _find(session, key)
            data = periods.PeriodInput.of(period)
            for name in ("pillar", "slug", "title_en", "title_es", "summary_en", "summary_es",
                         "timezone"):
                if options[name] is not None:
                    setattr(data, name, options[name])
            for lang in ("en", "es"):
                text = _description(options[f"description_{lang}"],
                                    options[f"description_{lang}_file"])
                if text is not None:
                    setattr(data, f"description_{lang}", text)
            if options["opens"] is not None:
                data.opens_at = options["opens"]
            if options["closes"] is not None:
                data.closes_at = options["closes"]
            if options["questions_en"] or options["questions_es"]:
                data.questions_en = list(options["questions_en"])
                data.questions_es = list(options["questions_es"])
            periods.update(session, audit.CLI, period, data)
            click.echo(f"saved {period.docket_id} {period.slug}")
    except periods.PeriodInvalid as exc:
        _fail(exc)


@group.command("extend")
@click.argument("key")
@click.option("--until", required=True, help='New closing time, local: "2027-05-15 23:59".')
def periods_extend(key: str, until: str) -> None:
    """Extend the deadline of an open period (shown publicly with the date of the change)."""
    from portal.services import audit, deadlines, periods

    try:
        with write_session() as session:
            period = _find(session, key)
            deadlines.extend(session, audit.CLI, period, until)
            click.echo(f"{period.docket_id} now closes {_when(period.closes_at, period.timezone)}")
    except periods.PeriodInvalid as exc:
        _fail(exc, closes_at="until")


@group.command("close")
@click.argument("key")
@click.option("--reason-en", required=True, help="Why it closes early (shown publicly).")
@click.option("--reason-es", required=True, help="The same reason in Spanish.")
def periods_close(key: str, reason_en: str, reason_es: str) -> None:
    """Close an open period now, with a reason shown publicly."""
    from portal.services import audit, deadlines, periods

    try:
        with write_session() as session:
            period = _find(session, key)
            deadlines.close_early(session, audit.CLI, period, reason_en, reason_es)
            click.echo(f"{period.docket_id} closed at {_when(period.closes_at, period.timezone)}")
    except periods.PeriodInvalid as exc:
        _fail(exc)


@group.command("reopen")
@click.argument("key")
@click.option("--until", required=True, help='New closing time, local: "2027-05-15 23:59".')
def periods_reopen(key: str, until: str) -> None:
    """Reopen a closed period until a new deadline."""
    from portal.services import audit, deadlines, periods

    try:
        with write_session() as session:
            period = _find(session, key)
            deadlines.reopen(session, audit.CLI, period, until)
            click.echo(f"{period.docket_id} reopened until "
                       f"{_when(period.closes_at, period.timezone)}")
    except periods.PeriodInvalid as exc:
        _fail(exc)


@group.command("delete")
@click.argument("key")
def periods_delete(key: str) -> None:
    """Delete a period nobody commented on (its docket identifier is never reused)."""
    from flask import current_app

    from portal.services import audit, documents, periods

    try:
        with write_session() as session:
            period = _find(session, key)
            docket = period.docket_id
            files = periods.delete(session, audit.CLI, period)
            documents.remove_files_after_commit(session, current_app.config["UPLOAD_DIR"], files)
        click.echo(f"deleted {docket}")
    except periods.PeriodInvalid as exc:
        _fail(exc)


@group.command("list")
def periods_list() -> None:
    """List periods: docket, slug, state, dates (in their announced zone), comments."""
    from portal.services import consultations, periods

    with write_session() as session:
        counts = periods.counts(session)
        for period in consultations.periods_open_first(consultations.all_periods(session)):
            opens = _when(period.opens_at, period.timezone).split(" ", 2)
            closes = _when(period.closes_at, period.timezone)
            click.echo(f"{period.docket_id}\t{period.slug}\t{period.state().value}\t"
                       f"{' '.join(opens[:2])} – {closes}\t"
                       f"{len(period.questions)} questions\t"
                       f"{counts.get(period.id, 0)} comments")
