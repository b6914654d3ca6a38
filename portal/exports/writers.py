"""CSV, JSON and XLSX written from rows produced one at a time.

No writer keeps the rows: a comment period with a million comments streams through in the memory
of a few rows. Comments are untrusted text that planners open in a spreadsheet, so every text
cell a spreadsheet could run as a formula is neutralised in CSV and XLSX. JSON is for programs
and keeps the text exactly as received.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import IO

import xlsxwriter

BOM = "\ufeff"
# OWASP CSV injection guidance: a cell whose text starts with one of these is a formula, or
# becomes one; so does one that starts with a tab or a carriage return.
_FORMULA_CHARS = "=+-@"
# Spreadsheets skip leading blanks (spaces, no-break spaces, line breaks, zero-width and control
# characters) before deciding that a cell is a formula, and a program that splits the text on a
# field separator ("," or ";" by locale, "|", a tab) or a quote starts a new cell after it:
# "\xa0=1", "\n=1" and ";=1+1" run as formulas too. A formula character at the start or after a
# separator or quote, blanks in between allowed, neutralises the whole cell.
_BLANKS = r"[\s\x00-\x1f\x7f\u200b-\u200d\u2060\ufeff]*"
# Two patterns rather than one "(?:^|[,;|\t\"])...": a search that starts with a set of
# characters lets the regex engine skip ahead to them, about three times faster on long texts.
_FORMULA_AT_START = re.compile(_BLANKS + "[" + re.escape(_FORMULA_CHARS) + "]")
_FORMULA_AFTER_SEPARATOR = re.compile(
    r'[,;|\t"]' + _BLANKS + "[" + re.escape(_FORMULA_CHARS) + "]")
_CHUNK_CHARS = 64 * 1024  # a streamed response sends pieces of about this size

XLSX_MAX_ROWS = 1_048_576  # Excel's limit per sheet, the header row included
XLSX_CELL_CHARS = 32_767  # Excel's limit per cell, counted in UTF-16 code units
_MIN_WIDTH, _MAX_WIDTH = 8, 60
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def neutralize_cell(value: str) -> str:
    """Text that a spreadsheet would read as a formula, with an apostrophe in front; other text
    unchanged. The apostrophe shows in the cell, which is the point: nothing runs."""
    if value.startswith(("\t", "\r")):
        return "'" + value
    # Most texts hold no formula character at all: str's own search rules them out first.
    if "=" not in value and "+" not in value and "-" not in value and "@" not in value:
        return value
    if _FORMULA_AT_START.match(value) or _FORMULA_AFTER_SEPARATOR.search(value):
        return "'" + value
    return value


def _check_width(row: Sequence[object], headers: Sequence[str]) -> None:
    if len(row) != len(headers):
        # A short or long row would shift every later cell under the wrong heading.
        raise ValueError(f"row has {len(row)} cells for {len(headers)} columns")


def _csv_cell(value: object) -> object:
    if type(value) is str:  # nearly every cell: skip the checks below
        return neutralize_cell(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return value  # numbers are data; "-5" from an int is minus five, not a formula
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Enum):
        value = value.value
    return neutralize_cell(str(value))


def stream_csv(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    """CSV text in pieces: a UTF-8 byte order mark (so Excel reads accents right), the header
    row, then the rows, with CRLF line ends and quotes only where needed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([neutralize_cell(str(h)) for h in headers])
    yield BOM + buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    for row in rows:
        _check_width(row, headers)
        writer.writerow([_csv_cell(value) for value in row])
        if buffer.tell() >= _CHUNK_CHARS:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue()


def csv_field(value: str) -> str:
    """A text cell as csv.writer writes it with QUOTE_MINIMAL: in quotes when it holds a comma,
    a quote or a line break, its quotes doubled. Make it safe first (neutralize_cell).

    The csv module copies each character in a loop of its own, which made it most of the time
    of a large export (40 us a row of 1.7 KB against 8 us); str's own searches do it here.
    tests/test_export_fast.py checks both give the same text for any cells.
    """
    if '"' in value:
        return '"' + value.replace('"', '""') + '"'
    if "," in value or "\n" in value or "\r" in value:
        return '"' + value + '"'
    return value


def csv_line(cells: Sequence[object]) -> str:
    """One CSV line exactly as csv.writer(lineterminator="\r\n") writes it with
    QUOTE_MINIMAL, from cells already safe (text, numbers, None)."""
    if len(cells) == 1 and (cells[0] is None or cells[0] == ""):
        return '""\r\n'  # a lone empty cell is quoted, or the line would read as no cell
    return ",".join([csv_field(value) if type(value) is str
                     else "" if value is None else str(value) for value in cells]) + "\r\n"


def stream_csv_lines(headers: Sequence[str], batches: Iterable[Sequence[str]]) -> Iterator[str]:
    """The same text as stream_csv, from batches of finished lines (csv_line, or cells made
    with csv_field and joined by the caller, who knows which texts repeat)."""
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n").writerow(
        [neutralize_cell(str(h)) for h in headers])
    yield BOM + buffer.getvalue()
    parts: list[str] = []
    size = 0
    for lines in batches:
        parts += lines
        size += sum(map(len, lines))
        if size >= _CHUNK_CHARS:
            yield "".join(parts)
            parts.clear()
            size = 0
    if parts:
        yield "".join(parts)


def _json_default(value: object) -> object:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)  # as text: a float would change the digits
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, set | frozenset):
        return sorted(value)
    raise TypeError(f"cannot export {type(value).__name__} as JSON")


# What json.dumps(value, ensure_ascii=False, allow_nan=False, default=_json_default) does, with
# one encoder made once instead of one per call.
_dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False, default=_json_default).encode


def stream_json(
    summary: Mapping[str, object], rows: Iterable[Mapping[str, object]]
) -> Iterator[str]:
    """One JSON document, {"summary": {...}, "rows": [...]}, in pieces, one row per line."""
    yield '{"summary": ' + _dumps(summary) + ', "rows": ['
    parts: list[str] = []
    size = 0
    separator = "\n"
    for row in rows:
        part = separator + _dumps(row)
        separator = ",\n"
        parts.append(part)
        size += len(part)
        if size >= _CHUNK_CHARS:
            yield "".join(parts)
            parts.clear()
            size = 0
    yield "".join(parts) + "\n]}\n"


@dataclass(frozen=True)
class SheetSpec:
    name: str
    headers: Sequence[str]
    rows: Iterable[Sequence[object]]


def sheet_name(name: str, taken: set[str]) -> str:
    """A valid, unused sheet name close to name; records it in taken (casefolded).

    Excel refuses names over 31 characters, with []:*?/\\ or control characters, beginning or
    ending with an apostrophe, blank, "History", or equal to another sheet's name in any case.
    """
    base = _SHEET_NAME_FORBIDDEN.sub("-", name).strip(" '") or "Sheet"
    candidate, number = base[:31].rstrip(" '"), 1
    while candidate.casefold() in taken or candidate.casefold() == "history":
        number += 1
        suffix = f" ({number})"
        candidate = base[: 31 - len(suffix)].rstrip(" '") + suffix
    taken.add(candidate.casefold())
    return candidate


def _fit_cell(text: str) -> str:
    """Text cut to what one Excel cell holds, ending with "…" when cut, so the cut shows."""
    if len(text) <= XLSX_CELL_CHARS // 2:
        return text  # fits even if every character needs two UTF-16 units
    units = text.encode("utf-16-le")
    if len(units) // 2 <= XLSX_CELL_CHARS:
        return text
    # Decoding with "ignore" drops half of an emoji split by the cut.
    return units[: (XLSX_CELL_CHARS - 1) * 2].decode("utf-16-le", errors="ignore") + "…"


class _SheetWriter:
    """Writes one sheet's rows in order, as constant_memory mode requires."""

    def __init__(self, book: xlsxwriter.Workbook, name: str, headers: Sequence[str]) -> None:
        self.sheet = book.add_worksheet(name)
        self.row = 0
        self.widths = [_MIN_WIDTH] * len(headers)
        bold = book.add_format({"bold": True})
        for col, header in enumerate(headers):
            self._text(col, neutralize_cell(str(header)), bold)
        self.sheet.freeze_panes(1, 0)

    def _text(self, col: int, text: str, fmt: object = None) -> None:
        if not text:
            return  # a cell holding "" is not blank to Excel: COUNTA and filters would count it
        text = _fit_cell(text)
        self.sheet.write_string(self.row, col, text, fmt)
        if len(text) > self.widths[col]:
            self.widths[col] = min(len(text), _MAX_WIDTH)

    def write(self, values: Sequence[object]) -> None:
        self.row += 1
        for col, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, bool):
                self.sheet.write_boolean(self.row, col, value)
            elif isinstance(value, int | float | Decimal) and _exact_in_excel(value):
                self.sheet.write_number(
                    self.row, col, float(value) if isinstance(value, Decimal) else value
                )
                self.widths[col] = max(self.widths[col], min(len(str(value)), _MAX_WIDTH))
            elif isinstance(value, int | float | Decimal):
                self._text(col, str(value))  # identifiers past 2**53, nan and inf stay exact
            elif isinstance(value, datetime | date | time):
                # ISO text, not Excel dates: it sorts, and no reader's time zone shifts it.
                self._text(col, value.isoformat())
            else:
                text = value.value if isinstance(value, Enum) else value
                self._text(col, neutralize_cell(str(text)))

    def finish(self, columns: int) -> None:
        for col, width in enumerate(self.widths):
            self.sheet.set_column(col, col, width + 2)
        self.sheet.autofilter(0, 0, self.row, columns - 1)


def _exact_in_excel(value: int | float | Decimal) -> bool:
    if isinstance(value, int):
        return abs(value) <= 2**53
    return math.isfinite(value)


def write_xlsx(
    target: str | os.PathLike[str] | IO[bytes],
    sheets: Sequence[SheetSpec],
    *,
    max_rows_per_sheet: int = XLSX_MAX_ROWS,
) -> list[int]:
    """Write the sheets to an .xlsx file or binary file object; returns rows written per spec.

    Text goes in as text (never a formula, number or link), neutralised like CSV; numbers as
    numbers. The header row is bold and frozen, with a filter. Rows past Excel's limit go on to
    sheets named "Name (2)", "Name (3)"... with the same headers, so nothing is dropped. If
    the rows fail part way, the error propagates and a file written to a path is removed.
    """
    book = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,  # each row goes to disk once written: memory stays flat
            # Python's zipfile needs ZIP64 for a part over 2 GiB, and a sheet of about 900,000
            # comments of 1.4 KB passes that; smaller files are written exactly as without it.
            "use_zip64": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    closing = False
    try:
        counts = _write_sheets(book, sheets, max_rows_per_sheet)
        closing = True
        book.close()
    except BaseException:
        if not closing:  # release the temporary files; a failed close is not tried twice
            with contextlib.suppress(Exception):
                book.close()
        # A half-written file must not pass for a whole export.
        if isinstance(target, str | os.PathLike):
            with contextlib.suppress(OSError):
                os.remove(target)
        raise
    return counts


def _write_sheets(
    book: xlsxwriter.Workbook, sheets: Sequence[SheetSpec], max_rows: int
) -> list[int]:
    taken: set[str] = set()
    counts = []
    for spec in sheets:
        if not spec.headers:
            raise ValueError(f"sheet {spec.name!r} has no columns")
        base = sheet_name(spec.name, set())
        writer = _SheetWriter(book, sheet_name(base, taken), spec.headers)
        count = 0
        for row in spec.rows:
            _check_width(row, spec.headers)
            if writer.row + 1 >= max_rows:
                writer.finish(len(spec.headers))
                writer = _SheetWriter(book, sheet_name(base, taken), spec.headers)
            writer.write(row)
            count += 1
        writer.finish(len(spec.headers))
        counts.append(count)
    return counts
