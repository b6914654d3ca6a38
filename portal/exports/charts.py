"""Bar and line charts as inline SVG: no script, no style attribute, readable when printed.

Pages are served under a Content-Security-Policy without 'unsafe-inline', so everything is drawn
with presentation attributes (fill=, font-size=), which that policy allows. role="img" with
<title> and <desc> gives screen readers the chart's name and its figures as text; pages should
still show the same figures in a table. Colours meet WCAG AA on the white background: text
at least 4.5:1, bars and lines at least 3:1.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from xml.sax.saxutils import escape

INK = "#1b1b1b"  # text, 17:1 on white
BAR = "#205493"  # bars and the line, 7.6:1 on white
AXIS = "#595959"  # axis lines and tick labels, 7:1 on white
GRID = "#d6d7d9"  # gridlines: decoration only
BACKGROUND = "#ffffff"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
_FONT_SIZE = 14
_CHAR_WIDTH = 0.6 * _FONT_SIZE  # a generous average, so labels do not overrun
# Characters XML 1.0 forbids; one in a label would make the whole page's SVG unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _text(value: str) -> str:
    return escape(_NOT_XML.sub("", value))


def _attr(value: str) -> str:
    return escape(_NOT_XML.sub("", value), {'"': "&quot;"})


def _default_label(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _chart_id(kind: str, title: str, data: Sequence[tuple[str, float]]) -> str:
    # Stable for the same chart, different for different charts on one page.
    digest = hashlib.blake2s(repr((kind, title, list(data))).encode(), digest_size=5)
    return f"{kind}-{digest.hexdigest()}"


def _check(values: Sequence[float]) -> None:
    for value in values:
        if not math.isfinite(value) or value < 0:
            raise ValueError(f"chart values must be finite and not negative, got {value!r}")


def _shorten(label: str, max_chars: int) -> str:
    return label if len(label) <= max_chars else label[: max(max_chars - 1, 1)] + "…"


def _open(chart_id: str, width: int, height: int, title: str, desc: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" font-family="{_attr(FONT)}" '
        f'font-size="{_FONT_SIZE}">',
        f'<title id="{chart_id}-title">{_text(title)}</title>',
        f'<desc id="{chart_id}-desc">{_text(desc)}</desc>',
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="{BACKGROUND}"/>',
        f'<text x="0" y="20" font-size="16" font-weight="bold" fill="{INK}">{_text(title)}</text>',
    ]


def bar_chart_svg(
    items: Sequence[tuple[str, float]],
    title: str,
    value_label: Callable[[float], str] | None = None,
    width: int = 640,
    *,
    desc: str | None = None,
    chart_id: str | None = None,
) -> str:
    """Horizontal bars, one per (label, value), in the order given.

    value_label formats the figures (e.g. a locale's number format); desc replaces the default
    description ("label: figure; ..."), for instance with a translated summary. Labels too long
    for the left column are shortened on screen; the full label stays in each bar's tooltip and
    in the description.
    """
    _check([value for _, value in items])
    fmt = value_label or _default_label
    shown = [(label, value, fmt(value)) for label, value in items]
    chart_id = chart_id or _chart_id("bar", title, items)
    desc = desc if desc is not None else "; ".join(f"{lab}: {txt}" for lab, _, txt in shown)

    label_chars = max((len(label) for label, _, _ in shown), default=0)
    label_chars = min(label_chars, int(width * 0.4 / _CHAR_WIDTH))
    value_chars = max((len(txt) for _, _, txt in shown), default=0)
    bar_x = label_chars * _CHAR_WIDTH + 12
    bar_room = max(width - bar_x - value_chars * _CHAR_WIDTH - 12, 10)
    top, row, bar_height = 36, 28, 18
    height = top + row * len(shown) + 8
    largest = max((value for _, value, _ in shown), default=0) or 1

    parts = _open(chart_id, width, height, title, desc)
    for i, (label, value, text) in enumerate(shown):
        y = top + i * row
        length = bar_room * value / largest
        middle = y + bar_height / 2 + _FONT_SIZE * 0.35
        parts += [
            "<g>",
            f"<title>{_text(label)}: {_text(text)}</title>",
            f'<text x="{bar_x - 8:.1f}" y="{middle:.1f}" text-anchor="end" fill="{INK}">'
            f"{_text(_shorten(label, label_chars))}</text>",
            f'<rect x="{bar_x:.1f}" y="{y}" width="{length:.1f}" height="{bar_height}" '
            f'fill="{BAR}"/>',
            f'<text x="{bar_x + length + 6:.1f}" y="{middle:.1f}" fill="{INK}">'
            f"{_text(text)}</text>",
            "</g>",
        ]
    parts.append("</svg>")
    return "\n".join(parts)


def _nice_step(largest: int, ticks: int = 4) -> int:
    """A round step (1, 2 or 5 times a power of ten) giving about `ticks` gridlines."""
    raw = max(largest / ticks, 1)
    power = 10 ** math.floor(math.log10(raw))
    return int(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


def line_chart_svg(
    points: Sequence[tuple[str, int]],
    title: str,
    width: int = 640,
    height: int = 260,
    *,
    desc: str | None = None,
    chart_id: str | None = None,
) -> str:
    """A line through (date label, count) points, e.g. comments received per day.

    Counts sit on a zero-based axis with round gridlines; at most as many date labels are
    printed as fit, always the first and the last.
    """
    _check([value for _, value in points])
    chart_id = chart_id or _chart_id("line", title, points)
    desc = desc if desc is not None else "; ".join(f"{label}: {n}" for label, n in points)
    left, right, top, bottom = 56, 16, 36, 36
    plot_w, plot_h = width - left - right, height - top - bottom
    step = _nice_step(max((n for _, n in points), default=0))
    y_max = step * max(math.ceil(max((n for _, n in points), default=0) / step), 1)

    def x_of(i: int) -> float:
        return left + (plot_w / 2 if len(points) == 1 else plot_w * i / (len(points) - 1))

    def y_of(n: float) -> float:
        return top + plot_h * (1 - n / y_max)

    parts = _open(chart_id, width, height, title, desc)
    for tick in range(0, y_max + 1, step):
        y = y_of(tick)
        colour = AXIS if tick == 0 else GRID
        parts += [
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" '
            f'stroke="{colour}" stroke-width="1"/>',
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{AXIS}">{tick}</text>',
        ]
    if points:
        longest = max(len(label) for label, _ in points) * _CHAR_WIDTH + 12
        count = min(len(points), max(int(plot_w // longest), 2))
        # Evenly spread labels that always include the first and the last date.
        last = len(points) - 1
        labelled = {round(j * last / (count - 1)) for j in range(count)} if count > 1 else {0}
        for i in sorted(labelled):
            anchor = "start" if i == 0 and last else "end" if i == last and last else "middle"
            parts.append(
                f'<text x="{x_of(i):.1f}" y="{height - bottom + 20}" text-anchor="{anchor}" '
                f'fill="{AXIS}">{_text(points[i][0])}</text>'
            )
        coords = " ".join(f"{x_of(i):.1f},{y_of(n):.1f}" for i, (_, n) in enumerate(points))
        parts.append(
            f'<polyline points="{coords}" fill="none" stroke="{BAR}" stroke-width="2" '
            'stroke-linejoin="round"/>'
        )
        if len(points) <= 60:  # markers on short series; on long ones they blur the line
            for i, (label, n) in enumerate(points):
                parts.append(
                    f'<circle cx="{x_of(i):.1f}" cy="{y_of(n):.1f}" r="3" fill="{BAR}">'
                    f"<title>{_text(label)}: {n}</title></circle>"
                )
    parts.append("</svg>")
    return "\n".join(parts)
