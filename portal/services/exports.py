"""Exports for planners: rows streamed by key in batches, never the whole period in memory.

Default: published comments, public versions. Planners may ask for every status; only an admin
may include contact details (email), and every export is written to the audit trail.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any

from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from portal.exports.writers import SheetSpec, stream_csv, stream_json, write_xlsx
from portal.models import CommentPeriod, Status, Submission, SubmissionTheme, Theme
from portal.services import audit, summaries

FORMATS = ("csv", "json", "xlsx", "html")
BATCH = 1000

COLUMNS: list[tuple[str, Any]] = [
    ("tracking_number", _l("Tracking number")),
    ("docket", _l("Docket")),
    ("status", _l("Status")),
    ("received_at", _l("Received (UTC)")),
    ("submitter_type", _l("Submitter type")),
    ("organization", _l("Organization")),
    ("name", _l("Name")),
    ("country", _l("Country")),
    ("region", _l("State or province")),
    ("language", _l("Written in")),
    ("themes", _l("Themes")),
    ("subject", _l("Subject")),
    ("text", _l("Comment text")),
]
EMAIL_COLUMN = ("email", _l("Email address"))


class ExportError(ValueError):
    pass


@dataclass(frozen=True)
class ExportOptions:
    fmt: str
    lang: str = "en"
    all_statuses: bool = False
    include_email: bool = False

    def check(self, actor_is_admin: bool) -> None:
        if self.fmt not in FORMATS:
            raise ExportError("format")
        if self.lang not in ("en", "es"):
            raise ExportError("language")
        if self.include_email and not actor_is_admin:
            raise ExportError("contacts")


def columns(options: ExportOptions) -> list[tuple[str, Any]]:
    cols = list(COLUMNS)
    if options.include_email:
        cols.insert(7, EMAIL_COLUMN)
    return cols


def headers(options: ExportOptions) -> list[str]:
    with force_locale(options.lang):
        return [str(label) for _, label in columns(options)]


def _statuses(options: ExportOptions) -> list[str]:
    if options.all_statuses:
        return [s.value for s in Status]
    return [Status.PUBLISHED.value]


def count_rows(session: Session, periods: Sequence[CommentPeriod], options: ExportOptions) -> int:
    return session.scalar(
        select(func.count()).select_from(Submission).where(
            Submission.period_id.in_([p.id for p in periods]),
            Submission.status.in_(_statuses(options)),
        )
    ) or 0


Progress = Callable[[int], None] | None


def iter_rows(
    session: Session, periods: Sequence[CommentPeriod], options: ExportOptions,
    progress: Progress = None,
) -> Iterator[dict[str, object]]:
    """One dict per submission, oldest first, fetched by key in batches of BATCH.

    Pass a session used only for this export: batches are expunged as they are written.
    """
    from portal.public.forms import COUNTRIES, SUBMITTER_TYPES

    dockets = {p.id: p.docket_id for p in periods}
    theme_labels = {t.id: t.label(options.lang) for t in session.scalars(select(Theme))}
    with force_locale(options.lang):
        type_labels = {k: str(v) for k, v in SUBMITTER_TYPES}
        country_labels = {k: str(v) for k, v in COUNTRIES}
        status_labels = {
            "pending": gettext("Awaiting review"),
            "published": gettext("Published"),
            "rejected": gettext("Not published"),
        }
    after = 0
    statuses = _statuses(options)
    while True:
        batch = list(
            session.scalars(
                select(Submission)
                .where(Submission.period_id.in_(list(dockets)), Submission.status.in_(statuses),
                       Submission.id > after)
                .order_by(Submission.id)
                .limit(BATCH)
            )
        )
        if not batch:
            return
        ids = [s.id for s in batch]
        themes: dict[int, list[str]] = defaultdict(list)
        for submission_id, theme_id in session.execute(
            select(SubmissionTheme.submission_id, SubmissionTheme.theme_id)
            .where(SubmissionTheme.submission_id.in_(ids), SubmissionTheme.confirmed.is_(True))
            .order_by(SubmissionTheme.submission_id, SubmissionTheme.theme_id)
        ):
            themes[submission_id].append(theme_labels.get(theme_id, str(theme_id)))
        for s in batch:
            row: dict[str, object] = {
                "tracking_number": s.tracking_number,
                "docket": dockets[s.period_id],
                "status": status_labels.get(s.status, s.status),
                "received_at": s.received_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
                "submitter_type": type_labels.get(s.submitter_type, s.submitter_type),
                "organization": (s.organization or "") if s.consent_publish else "",
                "name": s.name if s.consent_publish else "",
                "country": country_labels.get(s.country, s.country),
                "region": s.region,
                "language": s.language,
                "themes": "; ".join(themes.get(s.id, [])),
                "subject": s.subject,
                "text": s.shown_body,
            }
            if options.include_email:
                row["email"] = s.email
            yield row
        after = ids[-1]
        if progress:
            progress(len(batch))
        # The batch's objects are no longer needed; keep the identity map small.
        session.expunge_all()


def summary_dict(summary: summaries.Summary, lang: str) -> dict[str, object]:
    """The summary as plain data, for JSON and the spreadsheet's summary sheets."""
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "periods": [{"docket": p.docket_id, "slug": p.slug, "title": p.title(lang)}
                    for p in summary.periods],
        "totals": summary.totals,
        "published": summary.published,
        "published_by_submitter_type": summary.by_type,
        "published_by_country": summary.by_country,
        "published_by_language": summary.by_language,
        "themes": [
            {
                "code": t.theme.code,
                "label": t.theme.label(lang),
                "count": t.count,
                "share": round(t.share, 4),
                "by_submitter_type": t.by_type,
                "by_country": t.by_country,
                "by_language": t.by_language,
                "distinctive_terms": [term.term for term in t.terms],
                "quotes": [{"tracking_number": q.tracking_number, "text": q.text,
                            "whole_comment": q.whole} for q in t.quotes],
            }
            for t in summary.themes
        ],
        "uncovered": {"count": summary.uncovered_count,
                      "tracking_numbers": [s.tracking_number for s in summary.uncovered]},
        "received_per_day": [{"date": d.isoformat(), "count": n} for d, n in summary.over_time],
    }


def _values(options: ExportOptions, rows: Iterator[dict[str, object]]) -> Iterator[list[object]]:
    keys = [key for key, _ in columns(options)]
    for row in rows:
        yield [row[key] for key in keys]


def csv_chunks(session: Session, periods: Sequence[CommentPeriod], options: ExportOptions,
               progress: Progress = None) -> Iterator[str]:
    rows = iter_rows(session, periods, options, progress)
    return stream_csv(headers(options), _values(options, rows))


def json_chunks(session: Session, periods: Sequence[CommentPeriod], options: ExportOptions,
                summary: summaries.Summary, progress: Progress = None) -> Iterator[str]:
    head = summary_dict(summary, options.lang)
    head["options"] = {"all_statuses": options.all_statuses,
                       "include_email": options.include_email, "language": options.lang}
    return stream_json(head, iter_rows(session, periods, options, progress))


def write_workbook(target: str | IO[bytes], session: Session, periods: Sequence[CommentPeriod],
                   options: ExportOptions, summary: summaries.Summary,
                   progress: Progress = None) -> None:
    data = summary_dict(summary, options.lang)
    with force_locale(options.lang):
        summary_rows = [[gettext("Comment period"), ", ".join(p.docket_id for p in periods)]]
        summary_rows += [[gettext("Status") + ": " + k, v] for k, v in summary.totals.items()]
        summary_rows += [[gettext("Uncovered by any theme"), summary.uncovered_count]]
        theme_headers = [gettext("Theme"), gettext("Comments"), gettext("Share of published"),
                         gettext("Distinctive terms"), gettext("Quotes")]
        sheet_names = (gettext("Summary"), gettext("Themes"), gettext("Comments"))
    theme_rows = (
        [t["label"], t["count"], t["share"], ", ".join(t["distinctive_terms"]),
         "\n\n".join(f"{q['text']} ({q['tracking_number']})" for q in t["quotes"])]
        for t in data["themes"]  # type: ignore[union-attr]
    )
    write_xlsx(target, [
        SheetSpec(sheet_names[0], ["", ""], summary_rows),
        SheetSpec(sheet_names[1], theme_headers, theme_rows),
        SheetSpec(sheet_names[2], headers(options), _values(options, iter_rows(
            session, periods, options, progress))),
    ])


def record(session: Session, actor: audit.Actor, periods: Sequence[CommentPeriod],
           options: ExportOptions) -> None:
    audit.record(session, actor, "export", "period", ",".join(str(p.id) for p in periods),
                 after={"format": options.fmt, "all_statuses": options.all_statuses,
                        "include_email": options.include_email, "language": options.lang})
