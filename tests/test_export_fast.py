"""The fast CSV and JSON exports give the same bytes as the writers they replaced: rows read
through Core a batch at a time, repeated texts made once, CSV lines joined by str's own
searches rather than the csv module's loop."""

from __future__ import annotations

import csv
import io
import re

from flask import Flask
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from portal.db import write_session
from portal.exports.writers import csv_line, neutralize_cell, stream_csv, stream_csv_lines
from portal.models import CommentPeriod, Question
from portal.services import consultations, exports
from portal.services.exports import (
    ExportOptions,
    RowLabels,
    _values,
    csv_rows,
    iter_rows,
    question_columns,
)
from portal.services.submissions import AnswerInput
from tests.conftest import add_submission, db_session, publish
from tests.test_labels import everything  # noqa: F401  # a fixture: every state, a campaign

# The rule as first written (OWASP): a formula character at the start or after a separator or a
# quote, blanks in between allowed. neutralize_cell now searches in two steps.
_BLANKS = r"[\s\x00-\x1f\x7f\u200b-\u200d\u2060\ufeff]*"
_ONE_PATTERN = re.compile(r'(?:^|[,;|\t"])' + _BLANKS + "[=+\\-@]")
CELL_TEXT = st.text(alphabet=st.sampled_from(
    list("ab =+-@,;|\t\"'\r\n\xa0\u200b\ufeffñ€😀1")), max_size=12) | st.text(max_size=30)


@given(CELL_TEXT)
@settings(max_examples=400, deadline=None)
def test_neutralize_cell_follows_the_one_pattern_rule(value: str) -> None:
    dangerous = value.startswith(("\t", "\r")) or _ONE_PATTERN.search(value) is not None
    assert neutralize_cell(value) == ("'" + value if dangerous else value)


@given(st.lists(CELL_TEXT | st.integers() | st.none(), min_size=1, max_size=6))
@settings(max_examples=400, deadline=None)
def test_csv_line_is_what_the_csv_module_writes(cells: list[object]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerow(cells)
    assert csv_line(cells) == buffer.getvalue()


def test_batched_csv_stream_is_the_csv_stream() -> None:
    rows = [[f"fila {n}, con coma", n, "=1+1" if n % 7 == 0 else "", "a\r\nb"]
            for n in range(3000)]
    batches = [rows[i:i + 1000] for i in range(0, len(rows), 1000)]
    headings = ["Número", "Texto", "=x", "y"]
    slow = "".join(stream_csv(headings, rows))
    fast = "".join(stream_csv_lines(headings, [[csv_line([neutralize_cell(c)
                                                          if isinstance(c, str) else c
                                                          for c in r]) for r in b]
                                                for b in batches]))
    assert fast == slow


def _hostile(app: Flask, period: CommentPeriod) -> None:
    """Comments whose every text a spreadsheet would run, without consent, with answers and
    with a moderator's public version."""
    with db_session(app) as session:
        questions = [q.id for q in session.query(Question).filter_by(period_id=period.id)
                     .order_by(Question.position)]
    sid, _ = add_submission(
        app, period, organization="=HYPERLINK(\"http://x\")", name="+cmd|' /C calc'!A0",
        region="@SUM(1)", subject="-2+3", body="Texto, con \"comillas\";=1+1\r\nfin",
        consent_publish=False, declared_language="es",
        answers=(AnswerInput(questions[0], 1, "=respuesta, peligrosa"),
                 AnswerInput(questions[1], 2, "Otra \"respuesta\"")))
    other, _ = add_submission(app, period, body="Un texto que un moderador editó.",
                              answers=(AnswerInput(questions[1], 2, "Sólo la segunda"),))
    publish(app, sid, other)
    with app.app_context(), write_session() as session:
        session.execute(text("UPDATE submissions SET public_body = :b, public_subject = :s "
                             "WHERE id = :i"), {"b": "@versión pública", "s": "", "i": other})


def test_fast_exports_give_the_bytes_of_the_row_dicts(
        app: Flask, everything: dict[str, object]) -> None:  # noqa: F811
    period: CommentPeriod = everything["period"]  # type: ignore[assignment]
    _hostile(app, period)
    cases = [ExportOptions(fmt="csv"),
             ExportOptions(fmt="csv", lang="es", all_statuses=True, include_email=True),
             ExportOptions(fmt="csv", all_statuses=True, rejected_originals=True)]
    checked = 0
    with app.app_context():
        for options in cases:
            with db_session(app) as session:
                ids = consultations.find_scope(session, "periods", period.slug).period_ids  # type: ignore[union-attr]
                labels = RowLabels.of(options, question_columns(session, ids, options.lang))
                slow = "".join(stream_csv(labels.headings, _values(
                    labels, iter_rows(session, ids, options, labels))))
            with db_session(app) as session:
                fast = "".join(stream_csv_lines(labels.headings, csv_rows(
                    session, ids, options, labels)))
            assert fast == slow, options
            rows = list(csv.reader(io.StringIO(fast.lstrip("\ufeff"), newline="")))
            checked += len(rows) - 1
            assert all(not re.match(r"[=+\-@]", cell) for row in rows for cell in row)
    # Every comment of every state went through both paths.
    assert checked == 3 + 9 + 9


def test_exported_file_streams_what_the_rows_say(
        app: Flask, everything: dict[str, object]) -> None:  # noqa: F811
    period: CommentPeriod = everything["period"]  # type: ignore[assignment]
    _hostile(app, period)
    options = ExportOptions(fmt="csv", all_statuses=True, lang="es")
    with app.app_context():
        with db_session(app) as session:
            scope = consultations.find_scope(session, "periods", period.slug)
            assert scope is not None
            labels = RowLabels.of(options, question_columns(session, scope.period_ids, "es"))
            slow = "".join(stream_csv(labels.headings, _values(
                labels, iter_rows(session, scope.period_ids, options, labels))))
        written = io.BytesIO()
        exports.Export(scope, options).write(written)
    assert written.getvalue().decode("utf-8") == slow


def test_the_database_prints_received_times_as_python_did(
        app: Flask, everything: dict[str, object]) -> None:  # noqa: F811
    from datetime import UTC

    from sqlalchemy import select

    from portal.models import Submission

    period: CommentPeriod = everything["period"]  # type: ignore[assignment]
    options = ExportOptions(fmt="json", all_statuses=True)
    with app.app_context(), db_session(app) as session:
        stored = {tracking: at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")
                  for tracking, at in session.execute(
                      select(Submission.tracking_number, Submission.received_at))}
        labels = RowLabels.of(options)
        printed = {row["tracking_number"]: row["received_at"]
                   for row in iter_rows(session, [period.id], options, labels)}
    assert printed == stored and len(printed) == 7
