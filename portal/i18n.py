"""Language from the URL prefix (/en/, /es/), then Accept-Language; locale-aware formatting."""

from __future__ import annotations

import re
from datetime import date, datetime, time
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time, format_timedelta, get_timezone_name
from flask import Flask, current_app, g, request, url_for
from flask_babel import format_decimal, format_percent, get_locale, gettext, ngettext
from werkzeug.exceptions import NotFound

from portal import zones
from portal.extensions import babel
from portal.models.labels import labeled_enums
from portal.models.types import utcnow


def current_lang() -> str:
    lang = g.get("lang")
    if lang:
        return lang
    languages = current_app.config["LANGUAGES"]
    try:
        first = request.path.strip("/").split("/", 1)[0]
    except RuntimeError:
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if first in languages:
        return first
    return request.accept_languages.best_match(languages) or languages[0]


def _pull_lang(endpoint: str | None, values: dict[str, Any] | None) -> None:
    if values and "lang" in values:
        lang = values.pop("lang")
        if lang not in current_app.config["LANGUAGES"]:
            raise NotFound()
        g.lang = lang


def _add_lang(endpoint: str, values: dict[str, Any]) -> None:
    if "lang" in values or not current_app.url_map.is_endpoint_expecting(endpoint, "lang"):
        return
    values["lang"] = current_lang()


def switch_url(lang: str) -> str:
    """The same page in the other language (a GET of the same path)."""
    if request.endpoint and request.url_rule and "lang" in request.url_rule.arguments:
        args = dict(request.view_args or {})
        args.update(request.args.to_dict())
        return url_for(request.endpoint, lang=lang, **args)
    return url_for("public.home", lang=lang)


# Dates and times of day in words, each made once per locale: a page of comments repeats the
# same days and minutes, and Babel takes tens of microseconds for each one (a moderation queue
# of 50 rows spent a third of its time here). Only the wall-clock date or minute is passed in,
# never the zone: the callers convert first and name the zone themselves.
@lru_cache(maxsize=8192)
def _date_text(day: date, width: str, locale: str) -> str:
    return format_date(day, width, locale=locale)


@lru_cache(maxsize=8192)
def _time_text(minute: time, width: str, locale: str) -> str:
    return format_time(minute, width, locale=locale)


def _date_of(local: datetime, width: str, locale: Locale) -> str:
    return _date_text(local.date(), width, str(locale))


def _time_of(local: datetime, locale: Locale) -> str:
    """The time of day, "short" (hours and minutes: the seconds are never shown)."""
    return _time_text(time(local.hour, local.minute), "short", str(locale))


def _locale() -> Locale:
    return Locale.parse(str(get_locale()))


def format_instant(value: datetime, zone: str = "UTC") -> str:
    """An instant in the given zone, in the reader's language, with the zone named in words."""
    locale = _locale()
    local = value.astimezone(ZoneInfo(zone))
    zone_text = get_timezone_name(local, "long", locale=locale)
    combined = _combine(locale, "long", _date_of(local, "full", locale), _time_of(local, locale))
    return f"{combined} ({zone_text})"


def _combine(locale: Locale, width: str, date_text: str, time_text: str) -> str:
    pattern = str(locale.datetime_formats[width]).replace("'", "")
    return pattern.replace("{1}", date_text).replace("{0}", time_text)


def format_local(value: datetime) -> str:
    """The instant in the reader's natural zone (Washington on English pages, Mexico City on
    Spanish ones), in full, with the zone named: "Tuesday, March 3, 2026 at 5:00 PM Washington
    time"."""
    locale = _locale()
    zone = zones.natural_zone(current_lang())
    local = value.astimezone(ZoneInfo(zone))
    text = _combine(locale, "long", _date_of(local, "full", locale), _time_of(local, locale))
    return f"{text} {zones.ZONE_NAMES[zone]}"


def format_other(value: datetime) -> str:
    """The same instant in the other country's capital, shorter: the time, and the date too
    when it falls on another day there: "4:00 PM Mexico City time"."""
    locale = _locale()
    lang = current_lang()
    here = value.astimezone(ZoneInfo(zones.natural_zone(lang)))
    zone = zones.other_zone(lang)
    there = value.astimezone(ZoneInfo(zone))
    text = _time_of(there, locale)
    if there.date() != here.date():
        text = _combine(locale, "long", _date_of(there, "full", locale), text)
    return f"{text} {zones.ZONE_NAMES[zone]}"


def format_short(value: datetime, zone: str | None = None) -> str:
    """Staff pages' one format: date and time in the reader's natural zone (or the one given),
    with the zone named: "Mar 3, 2026, 5:00 PM Washington time"."""
    locale = _locale()
    zone = zone or zones.natural_zone(current_lang())
    local = value.astimezone(ZoneInfo(zone))
    text = _combine(locale, "medium", _date_of(local, "medium", locale), _time_of(local, locale))
    name = zones.ZONE_NAMES.get(zone) or zones.ANNOUNCE_ZONES.get(zone) or zone
    return f"{text} {name}"


def format_day(value: datetime) -> str:
    """The date of an instant in the reader's natural zone, in words: "November 30, 2026"."""
    local = value.astimezone(ZoneInfo(zones.natural_zone(current_lang())))
    return _date_of(local, "long", _locale())


_LOCAL_VALUE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?$")


def date_input(value: object) -> dict[str, str]:
    """The attributes of a date-and-time field: datetime-local (to the second) for a value a
    browser can show in one; a text field for anything else typed, so that what was typed is
    kept and the page stays valid HTML."""
    text = str(value or "")
    if not text or _LOCAL_VALUE.match(text):
        return {"type": "datetime-local", "step": "1"}
    return {"type": "text"}


def format_countdown(until: datetime, now: datetime | None = None) -> str:
    """How long until the instant, in words: "in 3 days", "dentro de 5 horas"."""
    delta = until - (now or utcnow())
    return format_timedelta(delta, granularity="minute", threshold=0.9, add_direction=True,
                            locale=Locale.parse(str(get_locale())))


def format_size(size: int) -> str:
    """A file size for people: "532 bytes", "48 KB", "2.4 MB" (decimal mark of the language)."""
    if size < 1024:
        return ngettext("%(num)s byte", "%(num)s bytes", size)
    if size < 1024 * 1024:
        return gettext("%(size)s KB", size=format_decimal(round(size / 1024)))
    return gettext("%(size)s MB", size=format_decimal(round(size / (1024 * 1024), 1)))


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=current_lang)
    app.url_value_preprocessor(_pull_lang)
    app.url_defaults(_add_lang)
    # Templates name a code's label through its enum: `Status.label_of(code)`, `s.status.label`.
    app.jinja_env.globals.update(labeled_enums())

    @app.context_processor
    def inject() -> dict[str, Any]:
        lang = current_lang()
        other = "es" if lang == "en" else "en"
        return {
            "lang": lang,
            "other_lang": other,
            "switch_url": switch_url,
            "format_instant": format_instant,
            "format_short": format_short,
            "format_local": format_local,
            "format_other": format_other,
            "format_countdown": format_countdown,
            "format_day": format_day,
            "format_size": format_size,
            "date_input": date_input,
            "zone_names": zones.ANNOUNCE_ZONES,
            "format_number": format_decimal,
            "format_percent": format_percent,
            "url_endpoints": current_app.view_functions,
        }
