"""Exports for planners: one way to run them, whoever asks (the planning page or the CLI).

`start()` checks the options against who asks, records the export in the audit trail and returns
an `Export`; the caller commits, then streams `Export.chunks()` (to a browser or into a file).
The rows are read by key in batches with their own session, only the columns written, so a period
of a million comments streams through in the memory of one batch.

Default: published comments and their public versions. Planners may ask for every status; only
an admin may include contact details (email). Labels follow the chosen language; codes stay in
columns (CSV, XLSX) or fields (JSON) of their own beside them.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO, Any

from flask import current_app
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import Session, sessionmaker

from portal.db import new_session
from portal.exports import report
from portal.exports.writers import (
    SheetSpec,
    csv_field,
    neutralize_cell,
    stream_csv_lines,
    stream_json,
    write_xlsx,
)
from portal.models import (
    Answer,
    AuditAction,
    Campaign,
    CampaignCheck,
    CommentPeriod,
    Counting,
    Country,
    LabeledEnum,
    Language,
    Question,
    Status,
    Submission,
    SubmissionTheme,
    SubmitterType,
    Theme,
)
from portal.services import audit, campaign_summaries, summaries
from portal.services.consultations import Scope

FORMATS = ("csv", "json", "xlsx", "html")
LANGUAGES = ("en", "es")
BATCH = 1000
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "html": "text/html; charset=utf-8",
}

# (row key, heading) of the tabular formats, in order; a label column, then its code beside it.
COLUMNS: list[tuple[str, Any]] = [
    ("tracking_number", _l("Tracking number")),
    ("docket", _l("Docket")),
    ("status_label", _l("Status")),
    ("status", _l("Status code")),
    ("received_at", _l("Received (UTC)")),
    ("submitter_type_label", _l("Submitter type")),
    ("submitter_type", _l("Submitter type code")),
    ("organization", _l("Organization")),
    ("name", _l("Name")),
    ("country_label", _l("Country")),
    ("country", _l("Country code")),
    ("region", _l("State or province")),
    ("language_label", _l("Written in")),
    ("language", _l("Language code")),
    ("theme_labels", _l("Themes")),
    ("themes", _l("Theme codes")),
    ("campaign", _l("Campaign")),
    ("campaign_id", _l("Campaign number")),
    ("position_id", _l("Position number")),
    ("subject", _l("Subject")),
    ("text", _l("Comment text")),
]
EMAIL_COLUMN = ("email", _l("Email address"))


class ExportError(ValueError):
    """The options cannot be used; `code` says which: format, language or contacts."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class ExportOptions:
    fmt: str
    lang: str = "en"
    all_statuses: bool = False
    include_email: bool = False
    counting: str = Counting.SIGNATURES
    # Admins (and the operator at the command line) may read what a rejected comment said; for
    # everyone else a rejected comment is its status and, if a moderator wrote one, its public
    # version: it was often rejected for the personal information in it.
    rejected_originals: bool = False

    def check(self, may_include_email: bool) -> None:
        if self.fmt not in FORMATS:
            raise ExportError("format")
        if Counting.parse(self.counting) is None:
            raise ExportError("counting")
        if self.lang not in LANGUAGES:
            raise ExportError("language")
        if self.include_email and not may_include_email:
            raise ExportError("contacts")

    def statuses(self) -> list[Status]:
        return list(Status) if self.all_statuses else [Status.PUBLISHED]

    def columns(self) -> list[tuple[str, Any]]:
        cols = list(COLUMNS)
        if self.include_email:
            cols.insert(cols.index(("name", _l("Name"))) + 1, EMAIL_COLUMN)
        return cols


Progress = Callable[[int], None] | None
NO_CAMPAIGN: dict[str, object] = {"campaign": "", "campaign_id": None, "position_id": None}


def start(session: Session, actor: audit.Actor, scope: Scope, options: ExportOptions, *,
          may_include_email: bool) -> Export:
    """Check the options, record the export in the audit trail (flushed: the caller commits),
    and return the export to stream. Raises ExportError."""
    options.check(may_include_email)
    audit.record(session, actor, AuditAction.EXPORT, "period",
                 ",".join(str(i) for i in scope.period_ids),
                 after={"format": options.fmt, "all_statuses": options.all_statuses,
                        "include_email": options.include_email, "language": options.lang,
                        "counting": options.counting})
    session.flush()
    return Export(scope, options)


@dataclass(frozen=True)
class Export:
    scope: Scope
    options: ExportOptions

    @property
    def filename(self) -> str:
        return f"{self.scope.name}.{self.options.fmt}"

    @property
    def mimetype(self) -> str:
        return MIMETYPES[self.options.fmt]

    @property
    def headers(self) -> dict[str, str]:
        headers = {"Content-Disposition": f'attachment; filename="{self.filename}"',
                   "Cache-Control": "private, no-store"}
        if self.options.fmt == "html":
            headers["Content-Security-Policy"] = report.csp()
        return headers

    def count(self) -> int:
        session = new_session()
        try:
            return count_rows(session, self.scope.period_ids, self.options)
        finally:
            session.close()

    def chunks(self, progress: Progress = None) -> Iterable[bytes]:
        """The file in pieces. Call it with an app context; the pieces that are read later
        need none (a response streams them after the request that started it has ended).

        CSV and JSON rows are read as they are sent, with a session of their own; the summary,
        the printable report and the spreadsheet are made before the first piece.
        """
        options, ids = self.options, self.scope.period_ids
        opener: sessionmaker[Session] = current_app.extensions["portal_sessionmaker"]
        with _session(opener) as session:
            labels = RowLabels.of(options, question_columns(session, ids, options.lang))
        if options.fmt == "csv":
            return _encoded(stream_csv_lines(labels.headings, _csv_rows(
                opener, ids, options, labels, progress)))
        with _session(opener) as session:
            summary = summaries.summarize(
                session, self.scope.periods(session),
                Counting.parse(options.counting) or Counting.SIGNATURES)
            if options.fmt == "html":
                title = self.scope.title(session, options.lang)
                return iter([report.render(summary, title, options.lang).encode("utf-8")])
            if options.fmt == "json":
                return _encoded(stream_json(_json_head(summary, options), _rows(
                    opener, ids, options, labels, progress)))
            return _TemporaryFile(_workbook(session, ids, options, labels, summary, progress))

    def write(self, out: IO[bytes], progress: Progress = None) -> None:
        for chunk in self.chunks(progress):
            out.write(chunk)


@contextlib.contextmanager
def _session(opener: sessionmaker[Session]) -> Iterator[Session]:
    session = opener()
    try:
        yield session
    finally:
        session.close()


def _encoded(pieces: Iterator[str]) -> Iterator[bytes]:
    for piece in pieces:
        yield piece.encode("utf-8")


def _csv_rows(opener: sessionmaker[Session], period_ids: Sequence[int],
              options: ExportOptions, labels: RowLabels,
              progress: Progress) -> Iterator[list[str]]:
    with _session(opener) as session:
        yield from csv_rows(session, period_ids, options, labels, progress)


def _rows(opener: sessionmaker[Session], period_ids: Sequence[int], options: ExportOptions,
          labels: RowLabels, progress: Progress) -> Iterator[dict[str, object]]:
    with _session(opener) as session:
        yield from iter_rows(session, period_ids, options, labels, progress)


@dataclass(frozen=True)
class QuestionColumn:
    """One column per question of the periods exported, after the comment text."""

    question_id: int
    position: int
    docket: str
    text: str  # in the export's language
    heading: str

    @property
    def key(self) -> str:
        return f"q:{self.question_id}"


def question_columns(session: Session, period_ids: Sequence[int],
                     lang: str) -> list[QuestionColumn]:
    """The questions of the periods in order; headings "Q1: <question>", with the docket in
    front when several periods are exported together."""
    rows = session.execute(
        select(Question, CommentPeriod.docket_id)
        .join(CommentPeriod, CommentPeriod.id == Question.period_id)
        .where(Question.period_id.in_(period_ids))
        .order_by(CommentPeriod.opens_at, CommentPeriod.id, Question.position)
    ).all()
    several = len({docket for _, docket in rows}) > 1
    columns = []
    with force_locale(lang):
        for question, docket in rows:
            heading = gettext("Q%(number)s: %(question)s", number=question.position,
                              question=question.text(lang))
            columns.append(QuestionColumn(question.id, question.position, docket,
                                          question.text(lang),
                                          f"{docket} {heading}" if several else heading))
    return columns


@dataclass(frozen=True)
class RowLabels:
    """Every text of an export in its language, looked up before rows are read."""

    headings: list[str]
    keys: list[str]
    codes: dict[type[LabeledEnum], dict[str, str]]
    questions: list[QuestionColumn]

    @classmethod
    def of(cls, options: ExportOptions,
           questions: Sequence[QuestionColumn] = ()) -> RowLabels:
        with force_locale(options.lang):
            return cls(
                headings=[str(label) for _, label in options.columns()]
                + [q.heading for q in questions],
                keys=[key for key, _ in options.columns()] + [q.key for q in questions],
                codes={enum: enum.labels() for enum in (Status, SubmitterType, Country,
                                                         Language)},
                questions=list(questions),
            )


def count_rows(session: Session, period_ids: Sequence[int], options: ExportOptions) -> int:
    return session.scalar(
        select(func.count()).select_from(Submission).where(
            Submission.period_id.in_(period_ids), Submission.status.in_(options.statuses())
        )
    ) or 0


# Codes are read as plain text (the labels are looked up by code), the rest as stored.
_ROW_COLUMNS = (
    Submission.id, Submission.tracking_number, Submission.period_id,
    type_coerce(Submission.status, String), Submission.received_at,  # replaced by _received()
    type_coerce(Submission.submitter_type, String), Submission.organization, Submission.name,
    Submission.consent_publish, type_coerce(Submission.country, String), Submission.region,
    type_coerce(Submission.language, String), Submission.subject, Submission.public_subject,
    Submission.body, Submission.public_body, Submission.email,
)
(_ID, _TRACKING, _PERIOD, _STATUS, _RECEIVED, _TYPE, _ORGANIZATION, _NAME, _CONSENT, _COUNTRY,
 _REGION, _LANGUAGE, _SUBJECT, _PUBLIC_SUBJECT, _BODY, _PUBLIC_BODY, _EMAIL) = range(17)
_REJECTED = Status.REJECTED.value


@dataclass
class _Batch:
    """Up to BATCH comments as row tuples (_ROW_COLUMNS), with what else their rows show: one
    query each for campaigns, confirmed themes and answers."""

    rows: Sequence[Any]
    campaigns: dict[int, dict[str, object]]
    themes: dict[int, list[int]]
    answers: dict[int, list[dict[str, object]]]


def _batches(session: Session, period_ids: Sequence[int], options: ExportOptions,
             labels: RowLabels, progress: Progress) -> Iterator[_Batch]:
    """Comments oldest first, read by key in batches through SQLAlchemy Core (no ORM
    objects), only the columns written."""
    questions = {q.question_id: q for q in labels.questions}
    columns = list(_ROW_COLUMNS if options.include_email else _ROW_COLUMNS[:_EMAIL])
    columns[_RECEIVED] = _received(session.get_bind().dialect.name)
    statuses = [s.value for s in options.statuses()]
    connection = session.connection()
    after = 0
    while True:
        rows: Sequence[Any] = connection.execute(
            select(*columns)
            .where(Submission.period_id.in_(period_ids),
                   Submission.status.in_(statuses), Submission.id > after)
            .order_by(Submission.id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        ids: list[int] = [r[_ID] for r in rows]
        # The batch is every comment of the export with an id in (after, last]: the rows
        # beside them are read by that range, not by a list of a thousand ids to bind.
        last = ids[-1]

        def in_batch(column: Any, after: int = after, last: int = last) -> Any:
            return (column > after) & (column <= last) & (Submission.id == column) \
                & Submission.period_id.in_(period_ids) & Submission.status.in_(statuses)

        answers: dict[int, list[dict[str, object]]] = defaultdict(list)
        if questions:
            hidden = {r[_ID] for r in rows if _hide_original(r[_STATUS], options)}
            for submission_id, question_id, text, public_text in connection.execute(
                select(Answer.submission_id, Answer.question_id, Answer.text, Answer.public_text)
                .where(in_batch(Answer.submission_id))
            ):
                shown = public_text if public_text is not None else text
                if submission_id in hidden:
                    shown = public_text or ""
                question = questions.get(question_id)
                if question is not None and shown.strip():
                    answers[submission_id].append({
                        "question_id": question_id, "position": question.position,
                        "question": question.text, "text": shown})
            for found in answers.values():
                found.sort(key=_position)
        campaigns: dict[int, dict[str, object]] = {
            sid: {"campaign": name, "campaign_id": cid, "position_id": pid}
            for sid, cid, name, pid in connection.execute(
                select(CampaignCheck.submission_id, Campaign.id, Campaign.name,
                       Campaign.position_id)
                .join(Campaign, Campaign.id == CampaignCheck.campaign_id)
                .where(in_batch(CampaignCheck.submission_id)))}
        themes: dict[int, list[int]] = {}
        for submission_id, theme_id in connection.execute(
            select(SubmissionTheme.submission_id, SubmissionTheme.theme_id)
            .where(in_batch(SubmissionTheme.submission_id), SubmissionTheme.confirmed.is_(True))
            .order_by(SubmissionTheme.submission_id, SubmissionTheme.theme_id)
        ):
            themes.setdefault(submission_id, []).append(theme_id)
        yield _Batch(rows, campaigns, themes, answers)
        after = ids[-1]
        if progress:
            progress(len(rows))


def _position(answer: dict[str, object]) -> int:
    return answer["position"]  # type: ignore[return-value]  # positions are ints


class _Lookups:
    """The texts of an export that repeat from row to row, made once: labels by code, dockets,
    theme labels and codes by theme."""

    def __init__(self, session: Session, period_ids: Sequence[int], options: ExportOptions,
                 labels: RowLabels) -> None:
        self.dockets: dict[int, str] = dict(session.execute(
            select(CommentPeriod.id, CommentPeriod.docket_id)
            .where(CommentPeriod.id.in_(period_ids))).all())
        self.themes = {t.id: (t.code, t.label(options.lang))
                       for t in session.scalars(select(Theme))}
        codes = labels.codes
        self.status, self.type = codes[Status], codes[SubmitterType]
        self.country, self.language = codes[Country], codes[Language]


def iter_rows(
    session: Session, period_ids: Sequence[int], options: ExportOptions, labels: RowLabels,
    progress: Progress = None,
) -> Iterator[dict[str, object]]:
    """One dict per comment, oldest first, read by key in batches of BATCH (only the columns
    written; no ORM objects kept), with codes and their labels in the options' language."""
    look = _Lookups(session, period_ids, options, labels)
    themes, email = look.themes, options.include_email
    for batch in _batches(session, period_ids, options, labels, progress):
        for r in batch.rows:
            sid = r[_ID]
            row_themes = [themes[t] for t in batch.themes.get(sid, ()) if t in themes]
            consent = r[_CONSENT]
            row: dict[str, object] = {
                "tracking_number": r[_TRACKING],
                "docket": look.dockets[r[_PERIOD]],
                "status": r[_STATUS],
                "status_label": look.status[r[_STATUS]],
                "received_at": _instant(r[_RECEIVED]),
                "submitter_type": r[_TYPE],
                "submitter_type_label": look.type[r[_TYPE]],
                "organization": (r[_ORGANIZATION] or "") if consent else "",
                "name": r[_NAME] if consent else "",
                "country": r[_COUNTRY],
                "country_label": look.country[r[_COUNTRY]],
                "region": r[_REGION],
                "language": r[_LANGUAGE],
                "language_label": look.language[r[_LANGUAGE]],
                "themes": [code for code, _ in row_themes],
                "theme_labels": [label for _, label in row_themes],
                **batch.campaigns.get(sid, NO_CAMPAIGN),
                "subject": r[_PUBLIC_SUBJECT] if r[_PUBLIC_SUBJECT] is not None
                else r[_SUBJECT],
                "text": r[_PUBLIC_BODY] if r[_PUBLIC_BODY] is not None else r[_BODY],
                "answers": batch.answers.get(sid, []),
            }
            if email:
                row["email"] = r[_EMAIL]
            if _hide_original(r[_STATUS], options):
                row.update(organization="", name="", region="", subject="",
                           text=r[_PUBLIC_BODY] or "")
                if email:
                    row["email"] = ""
            yield row


def _received(dialect: str) -> Any:
    """When a comment was received, as the text the export writes ("2026-03-01 17:05:09",
    UTC), made by the database: parsing a datetime per row to print it again was a tenth of
    the export's time."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", Submission.received_at),
                            "YYYY-MM-DD HH24:MI:SS")
    if dialect == "sqlite":  # stored as UTC text; strftime reads any offset written with it
        return func.strftime("%Y-%m-%d %H:%M:%S", type_coerce(Submission.received_at, String))
    return Submission.received_at


def _instant(value: datetime | str) -> str:
    if isinstance(value, str):
        return value
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def csv_rows(session: Session, period_ids: Sequence[int], options: ExportOptions,
             labels: RowLabels, progress: Progress = None) -> Iterator[list[str]]:
    """The CSV lines of iter_rows() in the order of the headings, a batch at a time: the
    lines that stream_csv writes from `_values(iter_rows(...))`, each text through
    neutralize_cell and quoted as the csv module quotes, with the texts that repeat from row
    to row (labels, codes, dockets, themes, campaigns) made once."""
    look = _Lookups(session, period_ids, options, labels)

    def text(value: str | None) -> str:
        return "" if value is None else csv_field(neutralize_cell(value))

    def pairs(found: dict[str, str]) -> dict[str, str]:  # "label,code"
        return {code: f"{text(label)},{text(code)}" for code, label in found.items()}

    status, types = pairs(look.status), pairs(look.type)
    countries, languages = pairs(look.country), pairs(look.language)
    dockets = {period: text(docket) for period, docket in look.dockets.items()}
    themes = look.themes
    theme_cells: dict[tuple[int, ...], str] = {(): ","}
    campaign_cells: dict[object, str] = {}
    question_ids = [q.question_id for q in labels.questions]
    email, originals = options.include_email, options.rejected_originals
    for batch in _batches(session, period_ids, options, labels, progress):
        out: list[str] = []
        for r in batch.rows:
            sid = r[_ID]
            code = r[_STATUS]
            hidden = code == _REJECTED and not originals
            theme_ids = tuple(batch.themes.get(sid, ()))
            theme_part = theme_cells.get(theme_ids)
            if theme_part is None:
                named = [themes[t] for t in theme_ids if t in themes]
                theme_part = theme_cells[theme_ids] = (
                    text("; ".join(n[1] for n in named)) + ","
                    + text("; ".join(n[0] for n in named)))
            campaign = batch.campaigns.get(sid)
            campaign_part = ",,"
            if campaign is not None:
                cid = campaign["campaign_id"]
                found = campaign_cells.get(cid)
                if found is None:
                    pid, campaign_name = campaign["position_id"], campaign["campaign"]
                    found = campaign_cells[cid] = (
                        f"{text(None if campaign_name is None else str(campaign_name))},"
                        f"{cid},{'' if pid is None else pid}")
                campaign_part = found
            if hidden:
                organization = name = region = subject = ""
                body = text(r[_PUBLIC_BODY] or "")
            else:
                consent = r[_CONSENT]
                organization = text(r[_ORGANIZATION] or "") if consent else ""
                name = text(r[_NAME]) if consent else ""
                region = text(r[_REGION])
                public_subject = r[_PUBLIC_SUBJECT]
                subject = text(public_subject if public_subject is not None else r[_SUBJECT])
                public_body = r[_PUBLIC_BODY]
                body = text(public_body if public_body is not None else r[_BODY])
            cells = [text(r[_TRACKING]), dockets[r[_PERIOD]], status[code],
                     _instant(r[_RECEIVED]), types[r[_TYPE]], organization, name]
            if email:
                cells.append("" if hidden else text(r[_EMAIL]))
            cells += (countries[r[_COUNTRY]], region, languages[r[_LANGUAGE]], theme_part,
                      campaign_part, subject, body)
            if question_ids:
                answered = {a["question_id"]: a["text"] for a in batch.answers.get(sid, ())}
                cells += [text(answered.get(q, "")) for q in question_ids]  # type: ignore[arg-type]
            out.append(",".join(cells) + "\r\n")
        yield out


def _hide_original(status: str, options: ExportOptions) -> bool:
    return status == _REJECTED and not options.rejected_originals


def _values(labels: RowLabels, rows: Iterator[dict[str, object]]) -> Iterator[list[object]]:
    """Rows as cells in the order of the headings; lists become "a; b"; each answer goes in the
    column of its question."""
    keys = labels.keys
    for row in rows:
        answered = {f"q:{a['question_id']}": a["text"]
                    for a in row["answers"]}  # type: ignore[attr-defined]  # a list of dicts
        cells: list[object] = []
        for key in keys:
            value = answered.get(key, "") if key.startswith("q:") else row[key]
            cells.append("; ".join(value) if isinstance(value, list) else value)
        yield cells


def summary_dict(summary: summaries.Summary, lang: str) -> dict[str, object]:
    """The summary as plain data, for JSON and the spreadsheet's summary sheets.

    Keys of the splits are codes; `labels` gives each code's label in the chosen language.
    """
    with force_locale(lang):
        labels = {"status": Status.labels(), "submitter_type": SubmitterType.labels(),
                  "country": Country.labels(), "language": Language.labels()}
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
                            "whole_comment": q.whole, "file": q.file_name} for q in t.quotes],
            }
            for t in summary.themes
        ],
        "questions": [
            {
                "question_id": q.question.id,
                "position": q.question.position,
                "docket": q.docket,
                "text": q.question.text(lang),
                "answered": q.answered,
                "share": round(q.share, 4),
                "themes": [{"code": t.code, "label": t.label(lang), "count": n}
                           for t, n in q.themes],
                "distinctive_terms": [term.term for term in q.terms],
                "quotes": [{"tracking_number": x.tracking_number, "text": x.text,
                            "whole_comment": x.whole} for x in q.quotes],
            }
            for q in summary.questions
        ],
        "uncovered": {"count": summary.uncovered_count,
                      "tracking_numbers": [s.tracking_number for s in summary.uncovered]},
        "received_per_day": [{"date": d.isoformat(), "count": n} for d, n in summary.over_time],
        "counting": summary.counting.value,
        "themed_base": summary.themed_base,
        "campaigns": {"positions": campaign_summaries.as_dicts(summary.positions),
                      "positions_total": summary.positions_total},
        "labels": labels,
    }


def _json_head(summary: summaries.Summary, options: ExportOptions) -> dict[str, object]:
    head = summary_dict(summary, options.lang)
    head["options"] = {"all_statuses": options.all_statuses,
                       "include_email": options.include_email, "language": options.lang,
                       "counting": options.counting}
    return head


def _summary_rows(summary: summaries.Summary, periods: Sequence[CommentPeriod],
                  lang: str) -> list[list[object]]:
    """The Summary sheet: label, figure; every code named by its label."""
    with force_locale(lang):
        rows: list[list[object]] = [
            [gettext("Comment period"), ", ".join(p.docket_id for p in periods)],
        ]
        rows += [[gettext("Status: %(status)s", status=s.label), summary.totals.get(s, 0)]
                 for s in Status]
        rows += [[gettext("Uncovered by any theme"), summary.uncovered_count]]
        rows += [[gettext("Theme counts"), summary.counting.label],
                 [gettext("Campaign positions"), summary.positions_total]]
        for heading, enum, split in (
            (gettext("Published, by submitter type"), SubmitterType, summary.by_type),
            (gettext("Published, by country"), Country, summary.by_country),
            (gettext("Published, by written language"), Language, summary.by_language),
        ):
            rows += [[f"{heading}: {enum.label_of(code)}", n] for code, n in split.items()]
    return rows


def _workbook(session: Session, period_ids: Sequence[int], options: ExportOptions,
              labels: RowLabels, summary: summaries.Summary, progress: Progress) -> str:
    """Write the spreadsheet to a temporary file and return its path: XLSX is a zip, which
    cannot be streamed as it is written."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    with force_locale(options.lang):
        theme_headings = [gettext("Theme"), gettext("Comments"), gettext("Share of published"),
                          gettext("Distinctive terms"), gettext("Quotes")]
        names = (gettext("Summary"), gettext("Themes"), gettext("Comments"),
                 gettext("Questions"), gettext("Campaigns"))
        question_headings = [gettext("Docket"), gettext("Question"), gettext("Answered"),
                             gettext("Share of published"), gettext("Themes"),
                             gettext("Distinctive terms"), gettext("Quotes")]
        summary_rows = _summary_rows(summary, summary.periods, options.lang)
        campaign_headings, campaign_rows = campaign_summaries.sheet(summary.positions,
                                                                    options.lang)
    theme_rows = (
        [t.theme.label(options.lang), t.count, round(t.share, 4),
         ", ".join(term.term for term in t.terms),
         "\n\n".join(f"{q.text} ({q.tracking_number}"
                      + (f", {q.file_name})" if q.file_name else ")") for q in t.quotes)]
        for t in summary.themes
    )
    question_rows = (
        [q.docket, f"{q.question.position}. {q.question.text(options.lang)}", q.answered,
         round(q.share, 4), ", ".join(f"{t.label(options.lang)} ({n})" for t, n in q.themes),
         ", ".join(term.term for term in q.terms),
         "\n\n".join(f"{x.text} ({x.tracking_number})" for x in q.quotes)]
        for q in summary.questions
    )
    write_xlsx(path, [  # removes the file itself if writing fails
        SheetSpec(names[0], ["", ""], summary_rows),
        SheetSpec(names[1], theme_headings, theme_rows),
        *([SheetSpec(names[3], question_headings, question_rows)] if summary.questions else []),
        SheetSpec(names[2], labels.headings, _values(labels, iter_rows(
            session, period_ids, options, labels, progress))),
        # Last, so the sheets that were there keep their places for readers that count them.
        SheetSpec(names[4], campaign_headings, campaign_rows),
    ])
    return path


class _TemporaryFile:
    """A file's bytes in pieces; the file is removed once sent, or when the response is closed
    before (the reader left), even if no piece was read."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __iter__(self) -> Iterator[bytes]:
        try:
            with open(self.path, "rb") as f:
                while chunk := f.read(256 * 1024):
                    yield chunk
        finally:
            self.close()

    def close(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)
