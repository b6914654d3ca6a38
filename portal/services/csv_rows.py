"""CSV export rows written by the database: each comment's line made in SQL, read in batches.

Python's csv module alone writes a long comment row several times slower than `sqlite3 -csv`
dumps it, so a CSV export built cell by cell in Python cannot keep up with a million rows. Here
the database renders each line exactly as `portal.exports.writers.stream_csv` would (the same
formula neutralising, the same minimal quoting, CRLF), and Python only joins and encodes a
batch of lines at a time, read by key through SQLAlchemy Core: flat memory, a few columns read.

tests/test_export_writers.py holds this to the Python writer byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import (
    ColumnElement,
    String,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.orm import Session

from portal.models import (
    Answer,
    Campaign,
    CampaignCheck,
    CommentPeriod,
    Country,
    LabeledEnum,
    Language,
    Status,
    Submission,
    SubmissionTheme,
    SubmitterType,
    Theme,
)

BATCH = 2000
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")  # as portal.exports.writers
_QUOTED_WHEN = (",", '"', "\r", "\n")


def _text(value: Any) -> ColumnElement[str]:
    """A text cell: NULL as empty, a formula prefix neutralised, quoted where it must be."""
    v = func.coalesce(value, literal(""))
    neutral = case((func.substr(v, 1, 1).in_(_FORMULA_PREFIXES), literal("'") + v), else_=v)
    needs_quotes = or_(*(v.contains(c, autoescape=True) for c in _QUOTED_WHEN))
    return case((needs_quotes, literal('"') + func.replace(neutral, '"', '""') + literal('"')),
                else_=neutral)


def _code(column: Any) -> ColumnElement[str]:
    return cast(column, String)


def _label(column: Any, labels: dict[str, str]) -> ColumnElement[str]:
    return case(*((_code(column) == code, literal(label)) for code, label in labels.items()),
                else_=literal(""))


def _themes(dialect: str, shown: Any) -> ColumnElement[str]:
    """The confirmed themes of the comment, "a; b" in theme order (codes or labels)."""
    where = and_(SubmissionTheme.submission_id == Submission.id,
                 SubmissionTheme.confirmed.is_(True))
    if dialect == "postgresql":
        joined = func.string_agg(shown, literal_column("'; ' ORDER BY themes.id"))
        return select(joined).select_from(SubmissionTheme).join(
            Theme, Theme.id == SubmissionTheme.theme_id).where(where).scalar_subquery()
    # SQLite: the lookup walks the primary key (submission_id, theme_id), so the themes come in
    # theme order (group_concat takes no ORDER BY before SQLite 3.44).
    return (select(func.group_concat(shown, "; ")).select_from(SubmissionTheme)
            .join(Theme, Theme.id == SubmissionTheme.theme_id).where(where)
            .scalar_subquery())


def raw_values(dialect: str, keys: Sequence[str], lang: str,
               codes: dict[type[LabeledEnum], dict[str, str]]) -> list[tuple[Any, bool]]:
    """For each of the export's keys, in order: the value as text, and whether it is a text
    (neutralised and quoted) rather than a number."""
    shown_body = func.coalesce(Submission.public_body, Submission.body)
    consent = Submission.consent_publish.is_(True)
    received: Any
    if dialect == "postgresql":
        received = func.to_char(func.timezone("UTC", Submission.received_at),
                                "YYYY-MM-DD HH24:MI:SS")
    else:
        # Stored as "YYYY-MM-DD HH:MM:SS.ffffff" in UTC: cut, as Python's strftime would (the
        # date functions of SQLite round to the nearest second).
        received = func.substr(Submission.received_at, 1, 19)
    label = Theme.label_es if lang == "es" else Theme.label_en
    values: dict[str, Any] = {
        "tracking_number": Submission.tracking_number,
        "docket": CommentPeriod.docket_id,
        "status_label": _label(Submission.status, codes[Status]),
        "status": _code(Submission.status),
        "received_at": received,
        "submitter_type_label": _label(Submission.submitter_type, codes[SubmitterType]),
        "submitter_type": _code(Submission.submitter_type),
        "organization": case((consent, Submission.organization), else_=literal("")),
        "name": case((consent, Submission.name), else_=literal("")),
        "email": Submission.email,
        "country_label": _label(Submission.country, codes[Country]),
        "country": _code(Submission.country),
        "region": Submission.region,
        "language_label": _label(Submission.language, codes[Language]),
        "language": _code(Submission.language),
        "theme_labels": _themes(dialect, label),
        "themes": _themes(dialect, Theme.code),
        "campaign": Campaign.name,
        "campaign_id": cast(Campaign.id, String),
        "position_id": cast(Campaign.position_id, String),
        "subject": Submission.subject,
        "text": shown_body,
    }
    found: list[tuple[Any, bool]] = []
    for key in keys:
        if key.startswith("q:"):
            shown = func.coalesce(Answer.public_text, Answer.text)
            answer = (select(case((func.trim(shown, " \t\r\n") == "", literal("")),
                                  else_=shown))
                      .where(Answer.submission_id == Submission.id,
                             Answer.question_id == int(key[2:]))
                      .scalar_subquery())
            found.append((answer, True))
        else:
            found.append((values[key], key not in ("campaign_id", "position_id")))
    return found


def lines(session: Session, period_ids: Sequence[int], statuses: Sequence[Status],
          keys: Sequence[str], lang: str, codes: dict[type[LabeledEnum], dict[str, str]],
          progress: Any = None) -> Iterator[str]:
    """The export's CSV lines in id order, a batch (joined) at a time.

    Each batch is read into a materialised CTE first, so the cell formatting (which looks at
    each value several times) reads columns, not the subqueries that made them."""
    dialect = session.get_bind().dialect.name
    values = raw_values(dialect, keys, lang, codes)
    columns = [value.label(f"c{i}") for i, (value, _) in enumerate(values)]
    base = (select(Submission.id.label("id"), *columns)
            .join(CommentPeriod, CommentPeriod.id == Submission.period_id)
            .outerjoin(CampaignCheck, CampaignCheck.submission_id == Submission.id)
            .outerjoin(Campaign, Campaign.id == CampaignCheck.campaign_id)
            .where(Submission.period_id.in_(period_ids), Submission.status.in_(statuses)))
    raw = (base.where(Submission.id > bindparam("after")).order_by(Submission.id).limit(BATCH)
           .cte("raw").prefix_with("MATERIALIZED"))
    cells = [_text(raw.c[f"c{i}"]) if is_text else func.coalesce(raw.c[f"c{i}"], "")
             for i, (_, is_text) in enumerate(values)]
    line = cells[0]
    for cell in cells[1:]:
        line = line + literal(",") + cell
    statement = select(raw.c.id, line + literal("\r\n")).order_by(raw.c.id)
    connection = session.connection()
    after = 0
    while True:
        batch = connection.execute(statement, {"after": after}).all()
        if not batch:
            return
        yield "".join(text for _, text in batch)
        after = batch[-1][0]
        if progress:
            progress(len(batch))
