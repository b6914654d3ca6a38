"""Every text column of every spreadsheet the site hands out is safe to open: planners' CSV and
XLSX exports and the open-data CSV download neutralise formulas hidden behind blanks or
separators (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pytest
from flask import Flask

from portal.models import CommentPeriod
from tests.conftest import add_submission, make_user, publish, sign_in
from tests.export_support import export_file

# Text a hostile submitter types, each able to run in a spreadsheet in its raw form.
HOSTILE = {
    "name": "\u00a0=HYPERLINK(\"http://evil.example\",\"x\")",
    "organization": ";=1+1",
    "region": "\n+cmd|' /C calc'!A0",
    "subject": " @SUM(A1:A2)",
    "body": "\t=1+1 Los cruces de camiones en Nuevo Laredo tardan horas cada día.",
}
# What a spreadsheet would run: a formula character at the start after blanks, or after a
# field separator or quote.
RUNS = re.compile(r"(?:^|[,;|\t\"])[\s\u200b\ufeff]*[=+\-@]")


def _assert_safe(cells: list[str]) -> None:
    hostile_seen = 0
    for cell in cells:
        if any(value.strip() and value.strip() in cell for value in HOSTILE.values()):
            hostile_seen += 1
            assert cell.startswith("'"), repr(cell)
        elif cell and not cell.startswith("'"):
            assert not RUNS.search(cell) or cell.lstrip("-").replace(".", "").isdigit(), cell
    assert hostile_seen >= 3


@pytest.fixture()
def hostile_period(app: Flask, open_period: CommentPeriod) -> CommentPeriod:
    submission_id, _ = add_submission(app, open_period, **HOSTILE)
    publish(app, submission_id)
    return open_period


def test_open_data_csv_neutralises_every_text_column(
    app: Flask, hostile_period: CommentPeriod
) -> None:
    text = app.test_client().get(f"/api/v1/periods/{hostile_period.slug}/comments.csv"
                                 ).get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    _assert_safe([cell for row in rows[1:] for cell in row])


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_planning_exports_neutralise_every_text_column(
    app: Flask, hostile_period: CommentPeriod, fmt: str
) -> None:
    client = app.test_client()
    sign_in(client, make_user(app, "admin"))
    response = export_file(client, f"/en/planning/periods/{hostile_period.slug}/export",
                           {"format": fmt, "statuses": "all", "contacts": "1",
                            "language": "en"})
    assert response.status_code == 200
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"),
                                           newline="")))
        cells = [cell for row in rows for cell in row]
    else:
        book = openpyxl.load_workbook(io.BytesIO(response.get_data()))
        cells = [str(c.value) for sheet in book.worksheets for row in sheet.iter_rows()
                 for c in row if isinstance(c.value, str)]
        assert all(c.data_type != "f" for sheet in book.worksheets for row in sheet.iter_rows()
                   for c in row)
    _assert_safe(cells)
