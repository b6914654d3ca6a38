"""Exports of comments: streaming CSV, JSON and XLSX writers, and SVG charts for reports."""

from portal.exports.charts import bar_chart_svg, line_chart_svg
from portal.exports.writers import (
    SheetSpec,
    neutralize_cell,
    sheet_name,
    stream_csv,
    stream_json,
    write_xlsx,
)

__all__ = [
    "SheetSpec",
    "bar_chart_svg",
    "line_chart_svg",
    "neutralize_cell",
    "sheet_name",
    "stream_csv",
    "stream_json",
    "write_xlsx",
]
