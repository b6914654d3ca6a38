"""The Spanish catalog is complete and current: a new or changed string fails here."""

from __future__ import annotations

from pathlib import Path

from babel.messages.pofile import read_po
from flask import Flask

from portal.cli.translate import extract

ROOT = Path(__file__).resolve().parent.parent
POT = ROOT / "translations" / "messages.pot"
PO = ROOT / "translations" / "es" / "LC_MESSAGES" / "messages.po"


def _ids(path: Path) -> set[object]:
    with path.open("rb") as f:
        return {m.id for m in read_po(f) if m.id}


def test_messages_pot_is_not_stale(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh.pot"
    extract(fresh)
    missing = _ids(fresh) - _ids(POT)
    gone = _ids(POT) - _ids(fresh)
    assert not missing and not gone, (
        f"messages.pot is stale; run `flask --app portal translate update`. "
        f"new: {sorted(map(str, missing))[:10]} removed: {sorted(map(str, gone))[:10]}"
    )


def test_spanish_catalog_is_complete_and_not_fuzzy() -> None:
    with PO.open("rb") as f:
        catalog = read_po(f, locale="es")
    assert _ids(PO) == _ids(POT), "es catalog does not match messages.pot"
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            problems.append(f"untranslated: {message.id!r}")
        if message.fuzzy:
            problems.append(f"fuzzy: {message.id!r}")
    assert problems == []


def test_placeholders_survive_translation() -> None:
    import re

    with PO.open("rb") as f:
        catalog = read_po(f, locale="es")
    pattern = re.compile(r"%\(\w+\)[sd]")
    for message in catalog:
        if message.id and isinstance(message.id, str):
            assert sorted(pattern.findall(message.id)) == sorted(
                pattern.findall(message.string)
            ), message.id


def test_dates_made_once_per_day_and_minute_read_as_babel_writes_them(app: Flask) -> None:
    """Dates and times of day are kept per locale (portal/i18n.py): every instant must still read
    exactly as Babel writes it for that zone, across a change to or from daylight saving time."""
    from datetime import UTC, datetime, timedelta
    from zoneinfo import ZoneInfo

    from babel import Locale
    from babel.dates import format_date, format_time

    from portal import i18n

    start = datetime(2026, 3, 7, 5, 59, 59, tzinfo=UTC)  # Washington moves on March 8
    for lang in ("en", "es"):
        locale = Locale.parse(lang)
        with app.test_request_context(f"/{lang}/"):
            for step in range(300):
                instant = start + timedelta(minutes=37 * step, seconds=step)
                for zone in ("America/New_York", "America/Mexico_City", "America/Tijuana"):
                    local = instant.astimezone(ZoneInfo(zone))
                    expected = i18n._combine(locale, "medium",
                                             format_date(local, "medium", locale=locale),
                                             format_time(local, "short", locale=locale))
                    assert i18n.format_short(instant, zone).startswith(expected + " ")
            assert i18n.format_day(start) == format_date(
                start.astimezone(ZoneInfo(i18n.zones.natural_zone(lang))), "long", locale=locale)
