"""Streaming CSV, JSON and XLSX exports, and the SVG charts of the reports."""

from __future__ import annotations

import csv
import io
import json
import re
import tracemalloc
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter.exceptions

from portal.exports import (
    SheetSpec,
    bar_chart_svg,
    charts,
    line_chart_svg,
    neutralize_cell,
    sheet_name,
    stream_csv,
    stream_json,
    write_xlsx,
)
from portal.exports.writers import XLSX_CELL_CHARS

# Text a real comment can contain, and that breaks naive exports.
NASTY = [
    "Plain text",
    "Comma, \"quoted\" and 'single'",
    "Line one\nline two\r\nline three\rend",
    "Energía, inversión, ñandú — “comillas” «latinas»",
    "Emoji 😀👩🏽‍🌾 and flags 🇲🇽🇺🇸",
    "\u200fעברית\u200e mixed with RTL \u202eoverride\u202c marks",
    "Tabs\tinside\tand trailing space ",
    "",
    " leading space",
    "<script>alert(1)</script> & <b>bold</b>",
    '=HYPERLINK("http://evil.example","click")',
    "+1 555 0100",
    "-2+3",
    "@SUM(A1:A9)",
    "\tstarts with a tab",
    "\rstarts with a carriage return",
    "_x0041_ looks like an escape",
    "Line separator\u2028and paragraph\u2029separator",
]
FORMULA_LIKE = {t for t in NASTY if neutralize_cell(t) != t}


def unneutralize(value: str, original: str) -> str:
    return value[1:] if original in FORMULA_LIKE else value


# --- neutralize_cell ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "=1+1", "+1", "-1", "@A1", "\tx", "\rx", "=", "-",
        # Blanks a spreadsheet skips before reading a formula (OWASP CSV injection).
        " =1+1", "\u00a0=1+1", "\n=1", "\r\n+1", "  \t@SUM(A1)", "\u200b=1", "\ufeff-1",
        "\u3000=1", "\x0b=1",
        # A field separator or quote starts a new cell in a program that splits on it.
        ";=1+1", "x;=1+1", "a,=HYPERLINK(\"http://evil.example\")", "a|=1", 'x" ,=1', "a; @A1",
    ],
)
def test_formula_starts_get_an_apostrophe(value: str) -> None:
    assert neutralize_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["", "a=b", "1-2", "'quoted", "“=”", "Energía", "−5", "＝1",
              "Trucks wait 4-6 hours; please act.", "line one\n- a list item"]
)
def test_other_text_is_left_exactly_alone(value: str) -> None:
    assert neutralize_cell(value) == value


# --- CSV ----------------------------------------------------------------------------------------


def read_csv(chunks: Iterator[str]) -> tuple[str, list[list[str]]]:
    text = "".join(chunks)
    assert text.startswith("\ufeff")
    return text, list(csv.reader(io.StringIO(text[1:], newline="")))


def test_csv_round_trips_nasty_text() -> None:
    rows = [(i, text) for i, text in enumerate(NASTY)]
    raw, parsed = read_csv(stream_csv(["n", "comment"], rows))
    assert parsed[0] == ["n", "comment"]
    assert len(parsed) == len(NASTY) + 1
    for (n, original), (got_n, got) in zip(rows, parsed[1:], strict=True):
        assert got_n == str(n)
        assert unneutralize(got, original) == original
        assert got == neutralize_cell(original)


def test_csv_opens_in_excel_with_accents_and_crlf_rows() -> None:
    data = "".join(stream_csv(["Organización"], [["Cámara de Comercio"]])).encode("utf-8")
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    assert data.decode("utf-8-sig") == "Organización\r\nCámara de Comercio\r\n"


def test_csv_quotes_only_where_needed() -> None:
    text = "".join(stream_csv(["a", "b"], [["plain", "with, comma"]]))
    assert text.endswith('plain,"with, comma"\r\n')


def test_csv_values_of_other_types() -> None:
    when = datetime(2026, 3, 1, 14, 30, tzinfo=UTC)
    row = [None, True, False, -5, 2.5, Decimal("10.10"), when, date(2026, 3, 1), "-5"]
    _, parsed = read_csv(stream_csv([str(i) for i in range(len(row))], [row]))
    assert parsed[1] == [
        "", "true", "false", "-5", "2.5", "10.10", "2026-03-01T14:30:00+00:00", "2026-03-01",
        "'-5",
    ]  # fmt: skip


def test_csv_headers_are_neutralised_too() -> None:
    _, parsed = read_csv(stream_csv(["=cmd"], []))
    assert parsed == [["'=cmd"]]


def test_csv_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError, match="2 cells for 3 columns"):
        "".join(stream_csv(["a", "b", "c"], [["1", "2"]]))


class CountingRows:
    """Rows made on demand, counting how many the writer has pulled."""

    def __init__(self, count: int, make: Callable[[int], object]) -> None:
        self.count, self.make, self.pulled = count, make, 0

    def __iter__(self) -> Iterator[object]:
        for i in range(self.count):
            self.pulled += 1
            yield self.make(i)


def test_csv_streams_before_reading_all_rows() -> None:
    rows = CountingRows(1000, lambda i: [i, "x" * 1000])
    stream = stream_csv(["n", "text"], rows)  # type: ignore[arg-type]
    assert next(stream).startswith("\ufeff")
    assert rows.pulled == 0
    next(stream)
    assert 0 < rows.pulled < 100  # a chunk of about 64 KB, not the whole export


# --- JSON ---------------------------------------------------------------------------------------


def test_json_round_trips_exactly() -> None:
    summary = {"period": "HLED-2026-0001", "title": "Energía “y” conectividad", "count": 3}
    rows = [
        {"n": i, "comment": text, "themes": ["energy"], "none": None}
        for i, text in enumerate(NASTY)
    ]
    text = "".join(stream_json(summary, rows))
    assert json.loads(text) == {"summary": summary, "rows": rows}
    assert "Energía" in text  # readable, not \u escapes


def test_json_with_no_rows_is_still_valid() -> None:
    assert json.loads("".join(stream_json({}, []))) == {"summary": {}, "rows": []}


def test_json_dates_and_decimals_become_text() -> None:
    when = datetime(2026, 3, 1, 14, 30, tzinfo=UTC)
    doc = json.loads(
        "".join(stream_json({"at": when}, [{"d": date(2026, 3, 1), "x": Decimal("1.10")}]))
    )
    assert doc["summary"] == {"at": "2026-03-01T14:30:00+00:00"}
    assert doc["rows"] == [{"d": "2026-03-01", "x": "1.10"}]


def test_json_refuses_values_that_are_not_json() -> None:
    with pytest.raises(ValueError):
        "".join(stream_json({}, [{"x": float("nan")}]))
    with pytest.raises(TypeError):
        "".join(stream_json({}, [{"x": object()}]))


def test_json_streams_before_reading_all_rows() -> None:
    rows = CountingRows(1000, lambda i: {"n": i, "text": "x" * 1000})
    stream = stream_json({"count": 1000}, rows)  # type: ignore[arg-type]
    next(stream)
    assert rows.pulled == 0
    next(stream)
    assert 0 < rows.pulled < 100


# --- XLSX ---------------------------------------------------------------------------------------

_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def cell_text(value: object) -> object:
    # Excel decodes the _xHHHH_ escapes that xlsxwriter writes for control characters and for
    # text that looks like an escape; openpyxl leaves them, so decode here as Excel would.
    if isinstance(value, str):
        return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
    return value


def test_xlsx_round_trips_nasty_text_as_text(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    rows = [(i, text) for i, text in enumerate(NASTY)]
    assert write_xlsx(path, [SheetSpec("Comments", ["n", "comment"], rows)]) == [len(NASTY)]
    sheet = openpyxl.load_workbook(path)["Comments"]
    assert [c.value for c in sheet[1]] == ["n", "comment"]
    for (n, original), excel_row in zip(rows, sheet.iter_rows(min_row=2), strict=True):
        number, comment = excel_row
        assert number.value == n and number.data_type == "n"
        if original:
            assert comment.data_type == "s"
            assert cell_text(comment.value) == neutralize_cell(original)
        else:
            assert comment.value is None  # blank, so COUNTA and filters see no text


def test_xlsx_never_holds_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    write_xlsx(path, [SheetSpec("S", ["=A1"], [["=1+2"]])])
    sheet = openpyxl.load_workbook(path)["S"]
    for cell in (sheet["A1"], sheet["A2"]):
        assert cell.data_type == "s"
        assert cell.value.startswith("'=")


def test_xlsx_header_is_bold_frozen_and_filtered(tmp_path: Path) -> None:
    path = tmp_path / "h.xlsx"
    rows = [["HLED-7K2M-9QXD-4F8A", "A comment " * 20, 3]] * 5
    write_xlsx(path, [SheetSpec("S", ["Tracking number", "Comment", "n"], rows)])
    sheet = openpyxl.load_workbook(path)["S"]
    assert all(cell.font.b for cell in sheet[1])
    assert not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:C6"
    widths = {col: sheet.column_dimensions[col].width for col in "ABC"}
    assert widths["A"] > len("HLED-7K2M-9QXD-4F8A")  # a tracking number shows whole
    assert 50 < widths["B"] < 70  # long text is capped, not 200 characters wide
    assert widths["C"] < widths["A"]


def test_xlsx_values_of_other_types(tmp_path: Path) -> None:
    path = tmp_path / "t.xlsx"
    when = datetime(2026, 3, 1, 14, 30, tzinfo=UTC)
    row = [None, True, 2.5, 2**60, float("inf"), when, Decimal("1.5")]
    write_xlsx(path, [SheetSpec("S", [str(i) for i in range(len(row))], [row])])
    got = [c.value for c in openpyxl.load_workbook(path)["S"][2]]
    # 2**60 would lose digits as an Excel number, and Excel has no infinity: both stay text.
    assert got == [None, True, 2.5, str(2**60), "inf", "2026-03-01T14:30:00+00:00", 1.5]


def test_xlsx_several_sheets_with_awkward_names(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    specs = [
        SheetSpec("Summary", ["k", "v"], [["comments", 3]]),
        SheetSpec("Energía / conectividad: [pilar 1]?", ["c"], [["a"], ["b"]]),
        SheetSpec("summary", ["c"], [["again"]]),
        SheetSpec("'History'", ["c"], []),
    ]
    assert write_xlsx(path, specs) == [1, 2, 1, 0]
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [
        "Summary", "Energía - conectividad- -pilar", "summary (2)", "History (2)",
    ]  # fmt: skip
    assert [c.value for c in book["Energía - conectividad- -pilar"]["A"]] == ["c", "a", "b"]


def test_xlsx_rows_past_the_sheet_limit_continue_on_a_new_sheet(tmp_path: Path) -> None:
    path = tmp_path / "spill.xlsx"
    rows = ([i] for i in range(7))
    assert write_xlsx(path, [SheetSpec("Rows", ["n"], rows)], max_rows_per_sheet=3) == [7]
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Rows", "Rows (2)", "Rows (3)", "Rows (4)"]
    values = [[c.value for c in book[name]["A"]] for name in book.sheetnames]
    assert values == [["n", 0, 1], ["n", 2, 3], ["n", 4, 5], ["n", 6]]


def test_xlsx_text_longer_than_excel_allows_is_cut_visibly(tmp_path: Path) -> None:
    path = tmp_path / "long.xlsx"
    fits = "a" * XLSX_CELL_CHARS
    emoji = "😀" * XLSX_CELL_CHARS  # two UTF-16 units each: Excel counts those
    write_xlsx(path, [SheetSpec("S", ["a", "b"], [[fits, emoji]])])
    a, b = (c.value for c in openpyxl.load_workbook(path)["S"][2])
    assert a == fits
    assert b.endswith("…") and len(b.encode("utf-16-le")) // 2 <= XLSX_CELL_CHARS
    assert set(b[:-1]) == {"😀"}  # no emoji cut in half


def test_xlsx_larger_than_a_plain_zip_allows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Python's zipfile needs ZIP64 for a part over 2 GiB, which a million comments exceed;
    # lowering its limit lets a small file stand in for that.
    monkeypatch.setattr(zipfile, "ZIP64_LIMIT", 1000)
    path = tmp_path / "big.xlsx"
    write_xlsx(path, [SheetSpec("S", ["comment"], [["Energía " * 50]] * 20)])
    sheet = openpyxl.load_workbook(path)["S"]
    assert sheet.max_row == 21 and sheet["A21"].value == "Energía " * 50


def test_a_failure_while_closing_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(self: object, *args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(zipfile.ZipFile, "write", fail)
    path = tmp_path / "full.xlsx"
    with pytest.raises(xlsxwriter.exceptions.XlsxWriterException):
        write_xlsx(path, [SheetSpec("S", ["a"], [["x"]])])
    assert not path.exists()


def test_xlsx_to_a_file_object() -> None:
    buffer = io.BytesIO()
    write_xlsx(buffer, [SheetSpec("S", ["a"], [["Energía"]])])
    assert openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))["S"]["A2"].value == "Energía"


def test_xlsx_refuses_rows_of_the_wrong_width_and_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "w.xlsx"
    with pytest.raises(ValueError, match="3 cells for 2 columns"):
        write_xlsx(path, [SheetSpec("S", ["a", "b"], [[1, 2], [1, 2, 3]])])
    assert not path.exists()


def test_a_failing_row_source_leaves_no_half_written_file(tmp_path: Path) -> None:
    def rows() -> Iterator[list[object]]:
        yield ["first"]
        raise ConnectionError("database went away")

    path = tmp_path / "broken.xlsx"
    with pytest.raises(ConnectionError):
        write_xlsx(path, [SheetSpec("S", ["a"], rows())])
    assert not path.exists()


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Comments", "Comments"),
        ("a/b\\c?d*e:f[g]h", "a-b-c-d-e-f-g-h"),
        ("x" * 40, "x" * 31),
        ("'quoted'", "quoted"),
        ("   ", "Sheet"),
        ("History", "History (2)"),
        ("line\nbreak", "line-break"),
    ],
)
def test_sheet_names_are_valid_for_excel(name: str, expected: str) -> None:
    assert sheet_name(name, set()) == expected


def test_sheet_names_are_unique_ignoring_case() -> None:
    taken: set[str] = set()
    names = [sheet_name("y" * 40, taken) for _ in range(3)] + [sheet_name("Y" * 31, taken)]
    assert names == ["y" * 31, "y" * 27 + " (2)", "y" * 27 + " (3)", "Y" * 27 + " (4)"]
    assert all(len(n) <= 31 for n in names)


# --- memory stays flat --------------------------------------------------------------------------

ROWS, TEXT = 4000, "Comentario sobre energía y comercio, con “comillas”. " * 30  # ~1.6 KB


def big_rows() -> Iterator[list[object]]:
    return ([i, f"HLED-{i:012d}", TEXT + str(i)] for i in range(ROWS))


def peak_bytes(work: Callable[[], None]) -> int:
    tracemalloc.start()
    try:
        work()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx"])
def test_memory_does_not_grow_with_the_number_of_rows(fmt: str, tmp_path: Path) -> None:
    # About 6.5 MB of text goes through; a writer that kept the rows would peak above that.
    total = ROWS * len(TEXT)

    def work() -> None:
        if fmt == "csv":
            for _ in stream_csv(["n", "tracking", "text"], big_rows()):
                pass
        elif fmt == "json":
            rows = ({"n": r[0], "text": r[2]} for r in big_rows())
            for _ in stream_json({"count": ROWS}, rows):
                pass
        else:
            write_xlsx(tmp_path / "m.xlsx", [SheetSpec("S", ["n", "tracking", "text"], big_rows())])

    assert peak_bytes(work) < total / 4


# --- charts -------------------------------------------------------------------------------------

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    assert root.tag == SVG + "svg"
    return root


def assert_safe_and_labelled(svg: str) -> ET.Element:
    root = parse(svg)
    assert "<script" not in svg.lower()
    for element in root.iter():
        assert element.tag not in (SVG + "script", SVG + "style", SVG + "foreignObject")
        assert "style" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)
        assert not any("href" in name for name in element.attrib)
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby", "").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}desc").get("id") == desc_id
    return root


def contrast(colour: str, background: str = "#ffffff") -> float:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    high, low = sorted([luminance(colour), luminance(background)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def assert_readable_colours(root: ET.Element) -> None:
    for element in root.iter():
        if element.tag == SVG + "text":
            assert contrast(element.get("fill", "#000000")) >= 4.5
        elif element.tag in (SVG + "rect", SVG + "circle") and element.get("width") != "640":
            assert contrast(element.get("fill", "#000000")) >= 3
        elif element.tag == SVG + "polyline":
            assert contrast(element.get("stroke", "#000000")) >= 3


def texts(root: ET.Element) -> list[str]:
    return [el.text or "" for el in root.iter(SVG + "text")]


def test_bar_chart_is_safe_labelled_and_escaped() -> None:
    items = [("Energía <b>&amp;</b>", 12), ('Trade "quoted"', 5), ("Plain", 0)]
    svg = bar_chart_svg(items, "Themes <script>alert(1)</script>")
    root = assert_safe_and_labelled(svg)
    assert "&lt;b&gt;&amp;amp;&lt;/b&gt;" in svg
    assert root.find(f"{SVG}title").text == "Themes <script>alert(1)</script>"
    assert "Energía <b>&amp;</b>" in texts(root)
    assert root.find(f"{SVG}desc").text == 'Energía <b>&amp;</b>: 12; Trade "quoted": 5; Plain: 0'
    assert_readable_colours(root)


def test_bar_lengths_follow_the_values() -> None:
    root = parse(bar_chart_svg([("a", 10), ("b", 5), ("c", 0)], "t"))
    bars = [float(r.get("width")) for r in root.iter(SVG + "rect")][1:]  # after the background
    assert bars[0] > 0 and bars[1] == pytest.approx(bars[0] / 2, rel=0.01) and bars[2] == 0


def test_bar_chart_formats_values_with_the_callers_function() -> None:
    root = parse(bar_chart_svg([("Energía", 0.25)], "Share", value_label=lambda v: f"{v:.0%}"))
    assert "25%" in texts(root)
    assert "Energía: 25%" in root.find(f"{SVG}desc").text


def test_long_labels_are_shortened_on_screen_but_complete_for_readers() -> None:
    label = "Infraestructura fronteriza y facilitación del comercio en los cruces " * 2
    root = parse(bar_chart_svg([(label, 3)], "t", width=400))
    shown = texts(root)[1]
    assert shown.endswith("…") and len(shown) < len(label)
    assert label in root.find(f"{SVG}desc").text
    assert root.find(f"{SVG}g/{SVG}title").text == f"{label}: 3"


def test_chart_text_with_control_characters_still_parses() -> None:
    root = parse(bar_chart_svg([("bad\x0bchar\x00", 1)], "t\x1b"))
    assert "badchar" in texts(root)


def test_bar_chart_edge_cases() -> None:
    assert_safe_and_labelled(bar_chart_svg([], "Nothing yet"))
    assert_safe_and_labelled(bar_chart_svg([("all zero", 0)], "t"))
    with pytest.raises(ValueError):
        bar_chart_svg([("negative", -1)], "t")
    with pytest.raises(ValueError):
        bar_chart_svg([("nan", float("nan"))], "t")


def test_charts_on_one_page_get_different_ids() -> None:
    first = parse(bar_chart_svg([("a", 1)], "Themes"))
    second = parse(bar_chart_svg([("a", 2)], "Themes"))
    assert first.get("aria-labelledby") != second.get("aria-labelledby")
    custom = parse(bar_chart_svg([("a", 1)], "t", chart_id="themes-chart"))
    assert custom.get("aria-labelledby") == "themes-chart-title themes-chart-desc"


def days(n: int) -> list[tuple[str, int]]:
    first = date(2026, 1, 1)
    return [((first + timedelta(days=i)).isoformat(), (i * 7) % 23) for i in range(n)]


def test_line_chart_is_safe_and_labelled() -> None:
    svg = line_chart_svg(days(30), "Comments per day <&>")
    root = assert_safe_and_labelled(svg)
    assert "Comments per day &lt;&amp;&gt;" in svg
    assert_readable_colours(root)
    [line] = root.iter(SVG + "polyline")
    assert len(line.get("points").split()) == 30
    assert "2026-01-01: 0" in root.find(f"{SVG}desc").text


def test_line_chart_axis_is_zero_based_and_round() -> None:
    root = parse(line_chart_svg([("d1", 3), ("d2", 47), ("d3", 12)], "t"))
    ticks = [int(t) for t in texts(root) if t.isdigit()]
    assert ticks[0] == 0 and ticks[-1] >= 47
    steps = {b - a for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1 and steps.pop() in (1, 2, 5, 10, 20, 50)
    # The highest point sits below the top gridline and above the zero line.
    ys = [float(p.split(",")[1]) for p in next(root.iter(SVG + "polyline")).get("points").split()]
    lines = [float(el.get("y1")) for el in root.iter(SVG + "line")]
    assert min(lines) <= min(ys) and max(ys) <= max(lines)


def test_a_long_series_prints_few_date_labels_without_overlap() -> None:
    root = parse(line_chart_svg(days(365), "A year"))
    dates = [el for el in root.iter(SVG + "text") if (el.text or "").startswith("202")]
    assert 3 <= len(dates) <= 8
    assert dates[0].text == "2026-01-01" and dates[-1].text == "2026-12-31"
    xs = [float(el.get("x")) for el in dates]
    gaps = [b - a for a, b in zip(xs, xs[1:], strict=False)]
    assert min(gaps) > len("2026-01-01") * charts._CHAR_WIDTH


def test_line_chart_edge_cases() -> None:
    assert_safe_and_labelled(line_chart_svg([], "Nothing yet"))
    single = parse(line_chart_svg([("2026-01-01", 0)], "One day"))
    assert "2026-01-01" in texts(single)
    with pytest.raises(ValueError):
        line_chart_svg([("d", -3)], "t")
