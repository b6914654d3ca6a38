"""The printable report and the charts shared with the summary page.

The report is one self-contained HTML file (styles inside, charts as inline SVG, no scripts), so
it can be mailed, archived and printed. When the site serves it, its Content-Security-Policy
allows that one stylesheet by its hash and nothing else.
"""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import render_template
from flask_babel import force_locale, format_decimal, gettext

from portal.exports.charts import bar_chart_svg, line_chart_svg
from portal.services.summaries import Summary

REPORT_CSS = Path(__file__).resolve().parent.parent / "static" / "report.css"


@lru_cache(maxsize=1)
def _css() -> str:
    return REPORT_CSS.read_text(encoding="utf-8")


def charts(summary: Summary, lang: str) -> dict[str, str]:
    with force_locale(lang):
        themes = [(t.theme.label(lang), float(t.count)) for t in summary.themes]
        return {
            "themes": bar_chart_svg(
                themes, gettext("Published comments per theme"),
                value_label=lambda v: format_decimal(int(v)),
                desc=gettext("Number of published comments confirmed under each theme."),
            ) if themes else "",
            "over_time": line_chart_svg(
                [(d.isoformat(), n) for d, n in summary.over_time],
                gettext("Comments received per day"),
                desc=gettext("All comments received, whatever their status, per day (UTC)."),
            ) if summary.over_time else "",
        }


def render(summary: Summary, title: str, lang: str) -> str:
    with force_locale(lang):
        return render_template(
            "planning/report.html", summary=summary, title=title, lang=lang, css=_css(),
            charts=charts(summary, lang),
        )


def csp() -> str:
    """The report's policy: its own stylesheet, by hash, and inline SVG; nothing else."""
    digest = base64.b64encode(hashlib.sha256(_css().encode("utf-8")).digest()).decode()
    return (f"default-src 'none'; style-src 'sha256-{digest}'; img-src data:; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
