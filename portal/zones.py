"""Time zones: the two countries' own, the ones a period may be announced in, and local input.

Instants are stored in UTC. Readers see them in their natural zone (Washington for English
pages, Mexico City for Spanish ones) with the other country's time beside it; staff type a
period's dates in the zone the period is announced in.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l

WASHINGTON = "America/New_York"
MEXICO_CITY = "America/Mexico_City"
NATURAL_ZONES = {"en": WASHINGTON, "es": MEXICO_CITY}
# What a reader calls each country's capital time.
ZONE_NAMES = {WASHINGTON: _l("Washington time"), MEXICO_CITY: _l("Mexico City time")}
# Zones a period may be announced in, by IANA name.
ANNOUNCE_ZONES = {
    WASHINGTON: _l("Washington (U.S. Eastern time)"),
    MEXICO_CITY: _l("Mexico City (central Mexico time)"),
    "America/Chicago": _l("Chicago (U.S. Central time)"),
    "America/Los_Angeles": _l("Los Angeles (U.S. Pacific time)"),
    "America/Tijuana": _l("Tijuana (Baja California time)"),
}


def natural_zone(lang: str) -> str:
    return NATURAL_ZONES.get(lang, WASHINGTON)


def other_zone(lang: str) -> str:
    return MEXICO_CITY if natural_zone(lang) == WASHINGTON else WASHINGTON


def parse_local(text: str, zone: str) -> datetime | None:
    """"2027-03-01T09:00" (or with a space, or seconds) in the zone -> an aware instant.

    None when it is not a date and time, or not a plausible year.
    """
    text = text.strip()
    if not text or len(text) > 40 or zone not in ANNOUNCE_ZONES:
        return None
    try:
        value = datetime.fromisoformat(text.replace(" ", "T", 1))
    except ValueError:
        return None
    if not 2000 <= value.year <= 2100:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo(zone))
    return value


def local_value(value: datetime, zone: str) -> str:
    """The instant as a datetime-local field value in the zone (seconds only when not zero)."""
    local = value.astimezone(ZoneInfo(zone)).replace(microsecond=0, tzinfo=None)
    text = local.isoformat()
    return text[:-3] if text.endswith(":00") else text
